#!/usr/bin/env python3
"""Benchmark: ``Registry.authenticate`` against the standard-library idiom (issue 6).

The idiom is what a Python server writes by hand to check an API key sent as the HTTP
Basic username: ``base64.b64decode`` of the header's token, split on ``:``,
``hashlib.sha256`` of the key, a ``dict`` lookup by digest and ``hmac.compare_digest``,
then the expiry and kind checks. Both sides get the same ``str`` header a WSGI server
passes (``environ["HTTP_AUTHORIZATION"]``), cycle through 1,000 keys, and must give the
same answers (checked before timing). The binding does more than the idiom (the full key
grammar, every header rule, canonical base64), so the comparison favours the idiom.

    python3 bench.py            # the figures (target: binding >= 3x faster)
    python3 bench.py --json     # the same, one JSON object per figure (bench/run.sh)
    python3 bench.py --quick    # run each side once and check the answers (for CI)

It uses the installed ``picket`` (``pip install ./bindings/python``).

Timing: ``timeit`` over the 1,000 headers, repeated; the best repeat is reported (the
least disturbed by other processes), and the two sides are measured in alternation so
that a burst of load hits both.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import json
import os
import platform
import sys
import time
import timeit
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

# The binding is a compiled package: the installed one, not its sources next to this
# script. Without it, the venv that bindings/python/test.sh builds (target/python-venv) is
# used if it is there.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
try:
    import picket
except ImportError:
    _venv = _HERE.parents[1] / "target" / "python-venv"
    if (_venv / "bin" / "python").is_file() and Path(sys.prefix).resolve() != _venv.resolve():
        _python = str(_venv / "bin" / "python")
        os.execv(_python, [_python, __file__, *sys.argv[1:]])
    raise SystemExit(
        "bench.py: picket is not installed: pip install ./bindings/python (needs cargo), "
        "or run bindings/python/test.sh, which builds target/python-venv"
    ) from None
from picket import KeyKind, Mode, Requirement, _fast  # noqa: E402

KEYS = 1000
NOW = 1_700_000_000


class Unauthorized(Exception):
    """The idiom's refusal."""


def make_idiom(
    table: Dict[bytes, Tuple[bytes, int, int, int]],
) -> Callable[[str, int, int], Tuple[int, int]]:
    """The hand-written check, as a Python server would write it with the standard
    library. ``table`` maps a key's SHA-256 digest to (digest, project, kind, expires_at).
    """
    b64decode = base64.b64decode
    sha256 = hashlib.sha256
    compare_digest = hmac.compare_digest
    get = table.get
    any_kind = int(Requirement.ANY)

    def authenticate(header: str, now: int, requirement: int) -> Tuple[int, int]:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic":
            raise Unauthorized("unsupported scheme")
        try:
            credentials = b64decode(token.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise Unauthorized("invalid base64") from None
        parts = credentials.split(b":")
        if len(parts) > 2 or (len(parts) == 2 and parts[1]):
            raise Unauthorized("password must be empty")
        digest = sha256(parts[0]).digest()
        entry = get(digest)
        if entry is None or not compare_digest(entry[0], digest):
            raise Unauthorized("unknown api key")
        if now >= entry[3]:
            raise Unauthorized("expired")
        if requirement != any_kind and requirement != entry[2]:
            raise Unauthorized("wrong kind")
        return entry[1], entry[2]

    return authenticate


def setup() -> Tuple[
    picket.Registry, Dict[bytes, Tuple[bytes, int, int, int]], List[str], List[Tuple[int, int]]
]:
    """1,000 keys over 100 projects, half of each kind; their headers as clients send
    them (``curl -u KEY:`` form); the registry and the idiom's table."""
    builder = picket.RegistryBuilder()
    table: Dict[bytes, Tuple[bytes, int, int, int]] = {}
    headers: List[str] = []
    expected: List[Tuple[int, int]] = []
    for project in range(1, 101):
        builder.add_project(project, Mode.PRODUCTION)
    for i in range(KEYS):
        kind = KeyKind.SECRET if i % 2 else KeyKind.PUBLISHABLE
        project = 1 + i % 100
        key = picket.format_key(kind, os.urandom(16))
        builder.add_key(key, project)
        digest = hashlib.sha256(key.expose_bytes()).digest()
        assert digest == key.digest()
        table[digest] = (digest, project, int(kind), picket.NO_EXPIRY)
        headers.append("Basic " + base64.b64encode(key.expose_bytes() + b":").decode("ascii"))
        expected.append((project, int(kind)))
    return builder.build(), table, headers, expected


def check(
    registry: picket.Registry,
    idiom: Callable[[str, int, int], Tuple[int, int]],
    headers: List[str],
    expected: List[Tuple[int, int]],
) -> None:
    """Both sides give the expected answer for every header, and both refuse a wrong key."""
    for header, want in zip(headers, expected):
        auth = registry.authenticate(header, NOW, Requirement.ANY)
        if (auth.project, int(auth.kind)) != want:
            raise SystemExit(f"binding gave {auth} for a key of {want}")
        if idiom(header, NOW, int(Requirement.ANY)) != want:
            raise SystemExit(f"idiom gave a wrong answer for a key of {want}")
    unknown = "Basic " + base64.b64encode(b"sk_" + b"0" * 32 + b":").decode()
    try:
        registry.authenticate(unknown, NOW, Requirement.ANY)
        raise SystemExit("binding accepted an unknown key")
    except picket.AuthError as err:
        assert err.http_status == 401
    try:
        idiom(unknown, NOW, int(Requirement.ANY))
        raise SystemExit("idiom accepted an unknown key")
    except Unauthorized:
        pass


def measure(stmt: str, env: Dict[str, Any], number: int) -> float:
    """Time per call in ns of one run of ``number`` passes over the 1,000 headers, in
    process CPU time (``time.process_time``): time this process was not running, because
    other processes had the CPU, is not counted."""
    timer = timeit.Timer(stmt, globals=env, timer=time.process_time)
    return timer.timeit(number=number) / (number * KEYS) * 1e9


def reference_calls(registry: picket.Registry, header: bytes) -> Dict[str, Any]:
    """What the breakdown rows need: the C function through cffi with ready-made
    arguments (no Python wrapper at all: the floor of any cffi binding of this call), and
    a trivial one-argument C function (the fixed cost of a cffi call)."""
    from picket._ffi import ffi, lib

    assert registry._live is not None
    return {
        "raw": lib.picket_registry_authenticate,
        "H": registry._live,
        "N": NOW,
        "R": int(Requirement.ANY),
        "P": ffi.new("uint64_t *"),
        "K": ffi.new("uint32_t *"),
        "trivial": lib.picket_auth_http_status,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="run each side once over the keys and check the answers; no timing",
    )
    parser.add_argument("--repeat", type=int, default=25, help="timing rounds (default 25)")
    parser.add_argument(
        "--number",
        type=int,
        default=10,
        help="passes over the 1,000 headers per case and round (default 10)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per figure (for bench/run.sh) instead of the table",
    )
    args = parser.parse_args()

    registry, table, headers, expected = setup()
    idiom = make_idiom(table)
    check(registry, idiom, headers, expected)
    if args.quick:
        print(f"bench --quick: binding and idiom agree on {KEYS} keys (no timing)")
        registry.close()
        return 0

    header_bytes = [h.encode("latin-1") for h in headers]
    env: Dict[str, Any] = {
        "auth": registry.authenticate,
        "idiom": idiom,
        "headers": headers,
        "header_bytes": header_bytes,
        "now": NOW,
        "fnow": NOW + 0.25,
        "req": Requirement.ANY,
        "req_int": int(Requirement.ANY),
    }
    env.update(reference_calls(registry, header_bytes[0]))
    env["slow"] = _fast.authenticate.__get__(registry)
    idiom_case = "stdlib idiom (str header)"
    binding_case = "Registry.authenticate (str header)"
    # (label, statement, reference label, target ratio, note)
    cases: List[Tuple[str, str, Optional[str], Optional[float], str]] = [
        (
            idiom_case,
            "for h in headers: idiom(h, now, req_int)",
            None,
            None,
            "base64 + hashlib.sha256 + dict + hmac.compare_digest, as a server writes it",
        ),
        (
            binding_case,
            "for h in headers: auth(h, now, req)",
            idiom_case,
            0.3333,
            "target: at least 3x faster than the idiom",
        ),
        (
            "Registry.authenticate (bytes header)",
            "for h in header_bytes: auth(h, now, req)",
            idiom_case,
            None,
            "as an ASGI server gives the header",
        ),
        (
            "Registry.authenticate (str, float now)",
            "for h in headers: auth(h, fnow, req)",
            idiom_case,
            None,
            "now=time.time()",
        ),
        (
            "Registry.authenticate, Python path (str header)",
            "for h in headers: slow(h, now, req)",
            idiom_case,
            None,
            "the cffi-only fallback used without picket._speedups (PICKET_NO_SPEEDUPS=1)",
        ),
        (
            "bare cffi call, ready-made args",
            "for h in header_bytes: raw(H, h, 47, N, R, P, K)",
            None,
            None,
            "floor of any cffi binding of this C call (library work + call overhead)",
        ),
        (
            "cffi call of a 1-arg function",
            "for h in header_bytes: trivial(R)",
            None,
            None,
            "fixed cost of one cffi call",
        ),
        ("empty loop", "for h in headers: pass", None, None, "loop overhead"),
    ]
    best = {case[0]: float("inf") for case in cases}
    # Rounds go through every case in turn, so that a burst of load hits all alike; the
    # best round of each case is kept (the least disturbed).
    for _ in range(args.repeat):
        for name, stmt, _ref, _target, _note in cases:
            best[name] = min(best[name], measure(stmt, env, args.number))
    registry.close()

    if args.json:
        for name, _stmt, ref, target, note in cases:
            print(
                json.dumps(
                    {
                        "figure": "python " + name,
                        "value": round(best[name], 1),
                        "unit": "ns",
                        "reference": None if ref is None else "python " + ref,
                        "target_ratio": target,
                        "note": note,
                    }
                )
            )
        return 0

    print(
        f"picket {picket.library_version()}, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(
        f"{KEYS} keys, cycling headers; process CPU time, best of {args.repeat} rounds of "
        f"{args.number * KEYS} calls per case"
    )
    idiom_ns = best[idiom_case]
    for name, _stmt, ref, _target, _note in cases:
        ns = best[name]
        ratio = f"{idiom_ns / ns:5.2f}x vs idiom" if ref == idiom_case else ""
        print(f"  {name:48s} {ns:7.0f} ns/call  {ratio}")
    speedup = idiom_ns / best[binding_case]
    verdict = "met" if speedup >= 3 else "MISSED"
    print(f"speed-up of the binding over the idiom: {speedup:.2f}x (target >= 3.00x: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
