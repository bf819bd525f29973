"""Commands shown to users (the first start's curl lines, the README's server section), run
as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from harness import (
    REPO,
    SK_RE,
    Store,
    json_lines,
    new_store,
    start_server,
)
from projects import (
    assert_no_secret_after_startup,
)

sys.path.insert(0, str(REPO / "tests" / "readme"))
import blocks as readme_block_reader  # type: ignore[import-not-found]  # noqa: E402  (tests/readme/blocks.py)

# --- 6. Commands shown to users, run as written ----------------------------------------------


def run_lines(lines: list[str], env: dict[str, str], cwd: Path) -> list[tuple[int, str, str]]:
    """Runs the command lines with bash, in order, in one shell (a line may set a variable
    that a later one uses), each exactly as written, stopping at the first that fails.

    A curlrc (not the line) makes curl also dump the response headers to a file, so that the
    status of each line's last HTTP exchange is known even when the line pipes or captures
    curl's output. Returns (exit status, last HTTP status or 0, stdout) for each line."""
    curl_home = cwd / ".curlhome"
    curl_home.mkdir(exist_ok=True)
    headers = curl_home / "headers"
    (curl_home / ".curlrc").write_text(f'dump-header = "{headers}"\n')
    script = []
    for i, line in enumerate(lines):
        script += [
            f"rm -f '{headers}'; echo '@@LINE {i}'",
            line,
            "rc=$?; st=$(grep -a '^HTTP/' "
            f"'{headers}' 2>/dev/null | tail -1 | cut -d' ' -f2); "
            'echo "@@END $rc ${st:-0}"; [ $rc = 0 ] || exit $rc',
        ]
    cp = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        env={**env, "CURL_HOME": str(curl_home)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    results: list[tuple[int, str, str]] = []
    for chunk in cp.stdout.split("@@LINE ")[1:]:
        body, _, end = chunk.partition("@@END ")
        if not end:
            break
        rc, st = end.split()[:2]
        results.append((int(rc), st, body.split("\n", 1)[1] if "\n" in body else ""))
    if len(results) != len(lines) or any(rc != 0 for rc, _, _ in results):
        n = len(results) - 1 if results and results[-1][0] else len(results)
        bad = SK_RE.sub("sk_<redacted>", lines[min(n, len(lines) - 1)])
        raise AssertionError(
            f"line {n + 1} failed: {bad}\n" + SK_RE.sub("sk_<redacted>", cp.stderr[-2000:])
        )
    return results


def test_first_start_curl_lines_run_as_printed(backend: str, tmp_path: Path) -> None:
    server = start_server(new_store(backend, tmp_path))
    try:
        lines = [ln.strip() for ln in server.startup.splitlines() if ln.strip().startswith("curl ")]
        assert len(lines) >= 3, server.startup.count("\n")
        results = run_lines(lines, dict(os.environ), tmp_path)
    finally:
        server.stop()
    for line, (_, status, _) in zip(lines, results):
        want = "302" if "/oauth2/authorize" in line else "200"
        assert status == want, f"{status} from a printed curl line (want {want})"


def readme_blocks(section: str) -> list[list[str]]:
    """The ```sh blocks of the README section whose heading is `section`, as lists of lines
    (blank and comment lines left out), read by tests/readme/blocks.py like every README test."""
    text = Path(os.environ.get("PICKET_README", REPO / "README.md")).read_text()
    return [
        [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        for block in readme_block_reader.blocks(text, section, "sh")
    ]


# What the README says each line of "Every endpoint" answers ("What they answer, in order"):
# the HTTP status of the line's last exchange, and a string its output holds.
README_ENDPOINTS: list[tuple[str, str]] = [
    ("200", '"status":"ok"'),
    ("200", '"status":"ready"'),
    ("200", "X-Request-Id: readme-1"),
    ("200", '"code_challenge_methods_supported":["S256"]'),
    ("200", '"openapi": "3.1.0"'),
    ("200", '"key_kind":"publishable"'),
    ("200", '"My First Project"'),
    ("200", '"keys"'),
    ("200", 'picket_auth_total{outcome="ok"}'),
    ("201", '"key":"pk_'),
    ("400", "redirect_insecure_scheme"),
    ("201", "https://app.example/callback"),
    ("200", "https://app.example/callback"),
    ("200", "https://app.example/callback"),
    ("409", "production_refused"),
    ("204", "Access-Control-Allow-Origin: http://localhost:3000"),
    ("302", ""),  # CODE=$(…): captured
    ("200", ""),  # TOKEN=$(…): captured
    ("200", '"token_type":"Bearer"'),
    ("200", '"active":true'),
    ("200", ""),  # revoked: an empty answer
    ("200", '"active":false'),
    ("400", "invalid_grant"),
    ("400", '"error":"invalid_client"'),
    ("405", '"error":"invalid_request"'),
    ("200", '"revoked":true'),
    ("201", '"key":"sk_'),
]


def test_readme_server_lines_run_as_written(tmp_path: Path) -> None:
    """Every curl line of the README's server section, then every operator line after them,
    run as written from a directory like the checkout: the server as scripts/demo.sh starts it
    (default ./picket-data), `target/picket-server` the same binary, BASE/PK/SK as the README
    says to set them. Only the port differs (BASE), as tests here use their own port range
    (PICKET_TEST_PORT_BASE)."""
    endpoints = readme_blocks("### Every endpoint")
    operators = readme_blocks("### Every operator subcommand")
    assert len(endpoints) == 1 and len(operators) == 1, "README server section changed shape"
    curl_lines, op_lines = endpoints[0], operators[0]
    assert all("curl " in ln for ln in curl_lines)
    assert len(curl_lines) == len(README_ENDPOINTS), (
        f"the README has {len(curl_lines)} endpoint lines; README_ENDPOINTS lists "
        f"{len(README_ENDPOINTS)}: update both together"
    )
    assert all(ln.startswith("target/picket-server ") for ln in op_lines)

    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "picket-server").symlink_to(os.environ["PICKET_SERVER_BIN"])
    store = Store("sqlite", tmp_path / "picket-data")
    server = start_server(
        store, cwd=tmp_path, default_store=True, extra=("-metrics-addr", "127.0.0.1:0")
    )
    try:
        pk, sk = server.first_start_keys()
        metrics = re.search(r"metrics on (http://\S+)/metrics", server.startup)
        assert metrics, "no admin address line"
        env = {**os.environ, "BASE": server.url, "METRICS": metrics.group(1), "PK": pk, "SK": sk}
        results = run_lines(curl_lines + op_lines, env, tmp_path)
    finally:
        server.stop()
    assert (tmp_path / "picket-data" / "picket.db").exists()
    for i, ((_, status, out), (want, holds)) in enumerate(zip(results, README_ENDPOINTS)):
        assert status == want, f"endpoint line {i + 1}: status {status}, README says {want}"
        assert holds in out, f"endpoint line {i + 1}: output lacks {holds!r}"
    # The operator lines: each printed JSON lines (exit status 0 checked by run_lines), but
    # --version and --help, which print text.
    for i, (line, (_, _, out)) in enumerate(zip(op_lines, results[len(curl_lines) :])):
        if line.endswith("--version"):
            assert re.match(r"picket-server \d+\.\d+\.\d+ \(libpicket ", out), out
        elif line.endswith("--help"):
            assert out.startswith("usage: picket-server"), out
        else:
            assert json_lines(out), f"operator line {i + 1} printed no JSON line"
    assert_no_secret_after_startup(server, sk)
