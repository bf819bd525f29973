"""The test-vector runner of the Python binding.

::

    python3 -m picket.vectors tests/vectors/*.jsonl [OTHER.jsonl ...]

Runs JSON Lines vector files (format: ``tests/vectors/SCHEMA.md``) through the binding,
exactly as ``picket-core/examples/vectors/runner.rs`` runs them through the core: one
``FAIL <id>: <why>`` line for each failing case, then ``N passed, N failed``; exit status
0 only when nothing failed (1 otherwise, 2 without arguments). An unknown ``kind`` or
option, a missing field, an unreadable file, a file that holds no vector (empty, or only
blank lines) or a line that is not JSON counts as a failure: a case is never skipped
silently.

Each string's bytes are its UTF-8 encoding, passed to the library as (pointer, length):
``"\\u0000"`` is one NUL byte.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, Iterable, List, Optional, Sequence, TextIO

from . import (
    KeyKind,
    Mode,
    RegistryBuilder,
    match_redirect_uri,
    parse_authorization,
    parse_key,
    redact,
    validate_redirect_uri,
    verify_pkce,
)
from ._codes import Code
from .errors import PicketError

__all__ = ["Tally", "run_text", "run_file", "run_case", "main"]

_REDIRECT_OPTIONS = ("allow_private_use_schemes", "loopback_any_port")


@dataclass
class Tally:
    """Totals over every case run."""

    passed: int = 0
    failed: int = 0


class CaseFailure(Exception):
    """A case did not give what it expects (or could not be run); the text says why."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _check_strings(value: Any) -> None:
    """Refuses strings that are not Unicode scalar values (lone surrogates from
    ``"\\ud800"``), which have no UTF-8 encoding and which strict JSON parsers refuse."""
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)


def _parse_line(line: str) -> Any:
    case = json.loads(line, parse_constant=_reject_constant)
    _check_strings(case)
    return case


def _string(case: Any, field: str) -> str:
    value = case.get(field) if isinstance(case, dict) else None
    if not isinstance(value, str):
        raise CaseFailure(f"field {json.dumps(field)} is missing or not a string")
    return value


def _bytes(case: Any, field: str) -> bytes:
    return _string(case, field).encode("utf-8")


def _options(case: Any, known: Sequence[str]) -> List[str]:
    if not isinstance(case, dict) or "options" not in case:
        return []
    listed = case["options"]
    if not isinstance(listed, list):
        raise CaseFailure('"options" is not a list')
    out: List[str] = []
    for option in listed:
        if not isinstance(option, str):
            raise CaseFailure("an option is not a string")
        if option not in known:
            raise CaseFailure(f"unknown option {json.dumps(option)} for this kind")
        out.append(option)
    return out


def _mode(case: Any) -> Mode:
    name = _string(case, "mode")
    if name == "development":
        return Mode.DEVELOPMENT
    if name == "production":
        return Mode.PRODUCTION
    raise CaseFailure(f"unknown mode {json.dumps(name)}")


def _check(expected: str, got: str) -> None:
    """Compares the first word of ``got`` (``error (why)`` -> ``error``) with ``expected``."""
    if got.split(" ")[0] != expected:
        raise CaseFailure(f"expected {expected}, got {got}")


def run_case(case: Any) -> None:
    """Runs one case; raises :class:`CaseFailure` saying why when it fails."""
    kind = _string(case, "kind")
    expect = _string(case, "expect")
    if kind == "key":
        _options(case, ())
        try:
            key = parse_key(_bytes(case, "input"))
            got = "publishable" if key.kind is KeyKind.PUBLISHABLE else "secret"
        except PicketError as error:
            got = f"error ({error})"
        _check(expect, got)
    elif kind == "auth_header":
        options = _options(case, ("accept_bearer",))
        header = _bytes(case, "header")
        try:
            key = parse_authorization(header, accept_bearer="accept_bearer" in options)
        except PicketError as error:
            if expect != "error":
                raise CaseFailure(f"expected {expect}, got error ({error})") from None
            return
        if expect != "ok":
            raise CaseFailure(f"expected {expect}, got ok ({key})")
        want = _bytes(case, "key")
        if key.expose_bytes() != want:
            raise CaseFailure(
                f"expected ok with key {want.decode('utf-8')}, got another key ({key})"
            )
    elif kind == "redirect_register":
        options = _options(case, _REDIRECT_OPTIONS)
        uri = _bytes(case, "uri")
        mode = _mode(case)
        try:
            validate_redirect_uri(
                uri,
                mode,
                allow_private_use_schemes="allow_private_use_schemes" in options,
                loopback_any_port="loopback_any_port" in options,
            )
            got = "accept"
        except PicketError as error:
            got = f"reject ({error})"
        _check(expect, got)
    elif kind == "redirect_match":
        options = _options(case, _REDIRECT_OPTIONS)
        mode = _mode(case)
        registered = case.get("registered")
        if not isinstance(registered, list):
            raise CaseFailure('field "registered" is missing or not a list')
        entries: List[bytes] = []
        for entry in registered:
            if not isinstance(entry, str):
                raise CaseFailure("a registered entry is not a string")
            entries.append(entry.encode("utf-8"))
        matched = match_redirect_uri(
            entries,
            _bytes(case, "candidate"),
            mode,
            allow_private_use_schemes="allow_private_use_schemes" in options,
            loopback_any_port="loopback_any_port" in options,
        )
        got = "match" if matched else "no_match"
        if got != expect:
            raise CaseFailure(f"expected {expect}, got {got}")
    elif kind == "pkce":
        _options(case, ())
        verifier = _bytes(case, "verifier")
        challenge = _bytes(case, "challenge")
        method = _bytes(case, "method")
        try:
            verify_pkce(verifier, challenge, method)
            got = "ok"
        except PicketError as error:
            got = f"error ({error})"
        _check(expect, got)
    elif kind == "redact":
        _options(case, ())
        got_text = redact(_string(case, "input"))
        if got_text != expect:
            raise CaseFailure(f"expected {expect!r}, got {got_text!r}")
    elif kind == "client_id":
        _options(case, ())
        _check(expect, _client_id(_bytes(case, "input")))
    else:
        raise CaseFailure(f"unknown kind {json.dumps(kind)}")


def _client_id(client_id: bytes) -> str:
    """Classifies a client_id through the authorize call of a registry with no keys:
    ``exposed`` (SecretKeyExposed), ``invalid`` (a key code), ``publishable``
    (UnknownClient)."""
    with RegistryBuilder().build() as registry:
        try:
            registry.authorize_redirect(client_id, b"https://example.com/cb", 0)
        except PicketError as error:
            if error.code == Code.AUTHORIZE_SECRET_KEY_EXPOSED:
                return "exposed"
            if error.code == Code.AUTHORIZE_UNKNOWN_CLIENT:
                return "publishable"
            if 100 <= int(error.code) <= 199:
                return f"invalid ({error})"
            return f"error ({error})"
    return "ok"


def _lines(text: str) -> Iterable[str]:
    """Lines as Rust's ``str::lines`` gives them: split on ``\\n``, one ``\\r`` before it
    dropped, no empty last line."""
    parts = text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    for part in parts:
        yield part[:-1] if part.endswith("\r") else part


def run_text(name: str, text: str, tally: Tally, out: TextIO = sys.stdout) -> None:
    """Runs every case of one JSON Lines text; prints a line for each failure."""
    for number, line in enumerate(_lines(text), start=1):
        # Blank: only JSON's spaces, tabs and carriage returns (SCHEMA.md), not str.strip's
        # wider set (\x1c, NBSP, NEL), so that every runner skips the same lines.
        if not line.strip(" \t\r"):
            continue
        case_id: str
        why: Optional[str] = None
        try:
            case = _parse_line(line)
        except (ValueError, UnicodeEncodeError) as error:
            case_id = f"{name}:{number}"
            why = f"invalid JSON: {error}"
        else:
            raw_id = case.get("id") if isinstance(case, dict) else None
            case_id = raw_id if isinstance(raw_id, str) else "<no id>"
            try:
                run_case(case)
            except CaseFailure as failure:
                why = str(failure)
        if why is None:
            tally.passed += 1
        else:
            tally.failed += 1
            print(f"FAIL {case_id}: {why}", file=out)


def run_file(name: str, text: str, tally: Tally, out: TextIO = sys.stdout) -> None:
    """Runs one file's text as :func:`run_text` does, and fails the file itself when it
    holds no vector (empty, or only blank lines): a truncated or mistyped file must not
    make a run that cannot fail (``tests/vectors/SCHEMA.md``, "Runner output")."""
    before = tally.passed + tally.failed
    run_text(name, text, tally, out)
    if tally.passed + tally.failed == before:
        print(f"FAIL {name}: no vectors", file=out)
        tally.failed += 1


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the files named in ``argv`` (default: the command line); returns the exit
    status."""
    files = list(sys.argv[1:] if argv is None else argv)
    if not files:
        print("usage: python3 -m picket.vectors FILE.jsonl...", file=sys.stderr)
        return 2
    tally = Tally()
    for file in files:
        try:
            with open(file, encoding="utf-8", newline="") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            print(f"FAIL {file}: cannot read: {getattr(error, 'strerror', None) or error}")
            tally.failed += 1
            continue
        run_file(file, text, tally)
    print(f"{tally.passed} passed, {tally.failed} failed")
    return 0 if tally.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
