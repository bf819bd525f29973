"""What an operator installs: the systemd unit (server/deploy/picket-server.service) passes
`systemd-analyze verify` as shipped, and the example configuration (server/deploy/picket.toml)
runs the real binary, its values applied under flags and environment variables as
documented (flag > env > file > default); --help and --version of the binary."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import REPO, new_store, server_bin, start_server

DEPLOY = REPO / "server" / "deploy"


def systemd_analyze() -> str:
    """scripts/tools.sh installs Debian's systemd when it is missing (as root)."""
    cp = subprocess.run(
        [str(REPO / "scripts" / "tools.sh"), "systemd-analyze"], capture_output=True, text=True
    )
    if cp.returncode != 0:
        pytest.skip(f"systemd-analyze is not installed and cannot be: {cp.stderr.strip()}")
    return cp.stdout.strip()


def test_systemd_unit_verifies(tmp_path: Path) -> None:
    """The unit as shipped, in a root that holds the system's units and the binary where the
    unit runs it: no error and no warning (an unknown key is only a warning, so any output
    fails)."""
    analyze = systemd_analyze()
    root = tmp_path / "root"
    (root / "usr" / "local" / "bin").mkdir(parents=True)
    (root / "etc" / "systemd" / "system").mkdir(parents=True)
    (root / "lib" / "systemd").mkdir(parents=True)
    shutil.copytree("/lib/systemd/system", root / "lib" / "systemd" / "system", symlinks=True)
    shutil.copy(server_bin(), root / "usr" / "local" / "bin" / "picket-server")
    unit = root / "etc" / "systemd" / "system" / "picket-server.service"
    shutil.copy(DEPLOY / "picket-server.service", unit)

    def verify() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [analyze, "verify", f"--root={root}", "/etc/systemd/system/picket-server.service"],
            capture_output=True,
            text=True,
            timeout=60,
        )

    cp = verify()
    assert cp.returncode == 0 and not cp.stdout and not cp.stderr, cp.stdout + cp.stderr
    # The check can fail: a misspelt key is reported.
    unit.write_text(unit.read_text().replace("ProtectClock=", "ProtectClok="))
    assert "ProtectClok" in verify().stderr
    # The unit runs serve with the configuration file the example is.
    text = (DEPLOY / "picket-server.service").read_text()
    assert "ExecStart=/usr/local/bin/picket-server serve -config /etc/picket/picket.toml" in text


def test_example_configuration_runs_the_server(tmp_path: Path) -> None:
    """The real binary with the example file: its issuer, its signup = false and its rate
    limit apply; the command line's -addr, -data and -metrics-addr win over the file's, and
    PICKET_ISSUER over the file's issuer."""
    store = new_store("sqlite", tmp_path)
    extra = ("-config", str(DEPLOY / "picket.toml"), "-metrics-addr", "127.0.0.1:0")
    server = start_server(store, extra=extra)
    try:
        with server.client() as client:
            meta = client.get("/.well-known/oauth-authorization-server").json()
            assert meta["issuer"] == "https://auth.example.com"
            # signup = false: the log-in page offers no sign-up (it does by default).
            login = client.get("/dashboard/login")
            assert login.status_code == 200 and 'href="/dashboard/signup"' not in login.text
    finally:
        server.stop()
    assert "metrics on http://127.0.0.1:9464" not in server.startup
    env = {**os.environ, "PICKET_ISSUER": "https://from-env.example"}
    server = start_server(store, extra=extra, env=env)
    try:
        with server.client() as client:
            meta = client.get("/.well-known/oauth-authorization-server").json()
            assert meta["issuer"] == "https://from-env.example"
    finally:
        server.stop()


def test_help_and_version() -> None:
    for args in (["--help"], ["key", "--help"], ["key", "issue", "--help"], ["serve", "-h"]):
        cp = subprocess.run([server_bin(), *args], capture_output=True, text=True, timeout=30)
        assert cp.returncode == 0 and cp.stdout.startswith("usage: picket-server"), (args, cp)
        assert not cp.stderr
    cp = subprocess.run([server_bin(), "--version"], capture_output=True, text=True, timeout=30)
    cargo = (REPO / "Cargo.toml").read_text()
    version = re.search(r'(?m)^version = "([^"]+)"', cargo)
    assert version and cp.returncode == 0
    assert cp.stdout.startswith(f"picket-server {version.group(1)} (libpicket "), cp.stdout
