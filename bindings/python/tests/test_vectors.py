"""The vector runner: the project's vectors pass, and its output and exit rules hold."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

from conftest import VECTORS

from picket import vectors


def run(*args: str, cwd: Optional[Path] = None) -> subprocess.CompletedProcess:
    """The runner of the installed package, from a directory outside the checkout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    cwd = cwd or Path(tempfile.gettempdir())
    return subprocess.run(
        [sys.executable, "-m", "picket.vectors", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_project_vectors_all_pass() -> None:
    files = sorted(str(p) for p in VECTORS.glob("*.jsonl"))
    assert len(files) >= 5
    result = run(*files)
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"(\d+) passed, 0 failed", lines[-1]), result.stdout[-2000:]
    passed = int(lines[-1].split()[0])
    cases = sum(
        1 for f in files for line in Path(f).read_text(encoding="utf-8").split("\n") if line.strip()
    )
    assert passed == cases > 0
    assert [line for line in lines if line.startswith("FAIL")] == []
    assert result.returncode == 0


def test_every_kind_is_covered() -> None:
    kinds = set()
    for path in VECTORS.glob("*.jsonl"):
        kinds.update(re.findall(r'"kind"\s*:\s*"(\w+)"', path.read_text(encoding="utf-8")))
    assert {"key", "auth_header", "redirect_register", "redirect_match", "pkce"} <= kinds


BAD = "\n".join(
    [
        '{"kind":"key","id":"k1","input":"pk_d9960d04426c1e9f3941bec7e39c8854","expect":"secret"}',
        '{"kind":"key","id":"ok1","input":"sk_e1f767d29fa6e533f2e5c62342fb9e24","expect":"secret"}',
        '{"kind":"key","id":"k3","input":"x","expect":"error","options":["nope"]}',
        '{"kind":"what","id":"k4","expect":"x"}',
        "not json",
        "",
        '{"kind":"auth_header","id":"a2",'
        '"header":"Basic cGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ6",'
        '"expect":"ok","key":"pk_d9960d04426c1e9f3941bec7e39c8855"}',
        '{"kind":"redirect_register","id":"r2","uri":"https://a.example/","mode":"staging","expect":"accept"}',
        '{"kind":"redirect_match","id":"m1","registered":["http://localhost:3000/"],"candidate":"http://localhost:3000","mode":"development","expect":"match"}',
        '{"kind":"pkce","id":"p1","verifier":"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk","challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM","method":"plain","expect":"ok"}',
        '{"kind":"key","id":"nul","input":"sk_e1f767d29fa6e533f2e5c62342fb9e2\\u0000","expect":"error"}',
        "[1,2]",
        '{"kind":"key","id":"sur","input":"\\ud800","expect":"error"}',
        "",
    ]
)


def test_output_and_exit_rules(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(BAD, encoding="utf-8")
    result = run(str(bad), str(tmp_path / "missing.jsonl"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "2 passed, 11 failed"
    expected = [
        "FAIL k1: expected secret, got publishable",
        'FAIL k3: unknown option "nope" for this kind',
        'FAIL k4: unknown kind "what"',
        f"FAIL {bad}:5: invalid JSON: ",
        "FAIL a2: expected ok with key pk_d9960d04426c1e9f3941bec7e39c8855, got another key "
        "(pk_d9960d04426c1e9f3941bec7e39c8854)",
        'FAIL r2: unknown mode "staging"',
        "FAIL m1: expected match, got no_match",
        'FAIL p1: expected ok, got error (code_challenge_method "plain" is not allowed: use S256)',
        'FAIL <no id>: field "kind" is missing or not a string',
        f"FAIL {bad}:13: invalid JSON: ",
        f"FAIL {tmp_path / 'missing.jsonl'}: cannot read: ",
    ]
    assert len(lines) == len(expected) + 1
    for line, want in zip(lines, expected):
        assert line.startswith(want), (line, want)


def test_all_passing_exits_zero(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(
        '{"kind":"key","id":"x","input":"pk_d9960d04426c1e9f3941bec7e39c8854","expect":"publishable"}\r\n'
    )
    result = run(str(good))
    assert (result.returncode, result.stdout) == (0, "1 passed, 0 failed\n")


def test_a_file_without_vectors_fails(tmp_path: Path) -> None:
    """An empty or blank-only file fails the run, alone or among good files: a truncated
    file must not pass with 0 failed (SCHEMA.md, "Runner output")."""
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.jsonl"
    blank.write_bytes(b"\n  \r\n\t\n")
    good = tmp_path / "good.jsonl"
    good.write_text(
        '{"kind":"key","id":"x","input":"pk_d9960d04426c1e9f3941bec7e39c8854","expect":"publishable"}\n'
    )
    for file in (empty, blank):
        result = run(str(file))
        assert result.returncode == 1
        assert result.stdout == f"FAIL {file}: no vectors\n0 passed, 1 failed\n"
    result = run(str(good), str(empty), str(good))
    assert result.returncode == 1
    assert result.stdout == f"FAIL {empty}: no vectors\n2 passed, 1 failed\n"
    # A BOM, FS, NEL and NBSP line is a case (invalid JSON), not a blank line: only JSON's
    # whitespace is blank, in every runner (SCHEMA.md); str.strip would skip all four.
    odd = tmp_path / "odd.jsonl"
    odd.write_bytes(
        b"\xef\xbb\xbf\n" + good.read_bytes() + "\x1c\n\u0085\n\u00a0\n \t\r\n".encode("utf-8")
    )
    result = run(str(odd))
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "1 passed, 4 failed"


def test_no_arguments_is_a_usage_error() -> None:
    result = run()
    assert result.returncode == 2
    assert "usage" in result.stderr and result.stdout == ""


def test_run_text_in_process() -> None:
    tally = vectors.Tally()
    out = io.StringIO()
    vectors.run_text(
        "t",
        '{"kind":"pkce","id":"p","verifier":"x","challenge":"y","method":"S256","expect":"error"}\n',
        tally,
        out,
    )
    assert (tally.passed, tally.failed, out.getvalue()) == (1, 0, "")
    assert vectors.main([]) == 2
