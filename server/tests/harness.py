"""Starts and stops real picket-server processes for the tests, on SQLite or PostgreSQL.

The binary is $PICKET_SERVER_BIN (server/tests/run.sh builds it). PostgreSQL is used when
$PICKET_TEST_POSTGRES_URL is set; each store gets a fresh database through scripts/pg.sh newdb.
Ports come from $PICKET_TEST_PORT_BASE (default 18350) to base+39 (the load test uses
base+40 to base+44, test_store_faults.py's own PostgreSQL base+45), so that two runs on one
machine can use different ranges.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import resource
import signal
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
PK_RE = re.compile(r"pk_[0-9a-f]{32}")
SK_RE = re.compile(r"sk_[0-9a-f]{32}")
LISTENING_RE = re.compile(r"listening on (https?://\S+)")

_PORT_BASE = int(os.environ.get("PICKET_TEST_PORT_BASE", "18350"))
_ports = itertools.cycle(range(_PORT_BASE, _PORT_BASE + 40))
_dbs = itertools.count(1)


def server_bin() -> str:
    return os.environ["PICKET_SERVER_BIN"]


def postgres_enabled() -> bool:
    return bool(os.environ.get("PICKET_TEST_POSTGRES_URL"))


# The stores a test runs on, for @pytest.fixture(params=BACKENDS): SQLite always, PostgreSQL
# when run.sh set $PICKET_TEST_POSTGRES_URL (else skipped, saying so).
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(
            not postgres_enabled(), reason="PICKET_TEST_POSTGRES_URL not set (run.sh sets it)"
        ),
    ),
]


@dataclass
class Store:
    """Where a server keeps its state: a data directory (SQLite) or a PostgreSQL URL."""

    backend: str
    data_dir: Path
    db_url: str | None = None

    @property
    def flags(self) -> list[str]:
        if self.db_url:
            return ["-db", self.db_url]
        return ["-data", str(self.data_dir)]


def new_store(backend: str, tmp: Path) -> Store:
    """An empty store: a new data directory, or a freshly created PostgreSQL database."""
    data = tmp / f"data-{next(_dbs)}"
    if backend == "sqlite":
        return Store("sqlite", data)
    name = f"picket_t{os.getpid()}_{next(_dbs)}"
    url = subprocess.run(
        [str(REPO / "scripts/pg.sh"), "newdb", name],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return Store("postgres", data, url)


def store_sql(store: Store, statement: str) -> str:
    """Runs statement on the store as another program would (sqlite3, psql); its rows."""
    if store.db_url is None:
        with sqlite3.connect(store.data_dir / "picket.db") as db:
            return "\n".join("|".join(map(str, row)) for row in db.execute(statement))
    name = store.db_url.rsplit("/", 1)[1].split("?")[0]
    return subprocess.run(
        [str(REPO / "scripts/pg.sh"), "sql", name, statement],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def operator(store: Store, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Runs an operator subcommand (`picket-server project list …`) on the store."""
    cp = subprocess.run(
        [server_bin(), *args, *store.flags],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if check and cp.returncode != 0:
        raise AssertionError(f"picket-server {' '.join(args)}: {cp.returncode}: {cp.stderr}")
    return cp


# A log field that holds a duration must name its unit (duration_ms, grace_seconds): never
# slog's raw nanoseconds ("grace": 3600000000000) nor a Go duration string ("10s").
_DURATION_NAME = re.compile(
    r"(^|_)(duration|interval|grace|timeout|ttl|wait|elapsed|latency|delay|every|idle|after|age|took)(_|$)"
)
_UNIT_SUFFIX = re.compile(r"_(ms|seconds)$")
_GO_DURATION = re.compile(r"^-?([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")


def unitless_durations(text: str) -> list[str]:
    """The fields of the JSON log lines in text that hold a duration without its unit in
    their name (the same rule as server/internal/app/logunits_test.go)."""
    bad: list[str] = []

    def walk(path: str, v: Any) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                walk(f"{path}.{k}" if path else k, x)
            return
        if isinstance(v, str) and path not in ("msg", "error") and _GO_DURATION.match(v):
            bad.append(f"{path}={v!r}")
            return
        name = path.rsplit(".", 1)[-1]
        if _DURATION_NAME.search(name) and not _UNIT_SUFFIX.search(name):
            bad.append(f"{path}={v!r}")

    for text_line in text.splitlines():
        try:
            line = json.loads(text_line)
        except ValueError:
            continue
        if isinstance(line, dict):
            line.pop("time", None)
            walk("", line)
    return bad


def json_lines(text: str) -> list[dict[str, Any]]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


@dataclass
class Server:
    """One running picket-server process, its output captured (stdout and stderr merged)."""

    store: Store
    port: int
    proc: subprocess.Popen[str]
    url: str = ""
    # Everything printed up to and including the "listening on" line (holds first-start keys).
    startup: str = field(default="", repr=False)
    _lines: list[str] = field(default_factory=list, repr=False)
    _reader: threading.Thread | None = None

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._reader:
            self._reader.join(timeout=5)
        bad = unitless_durations(self.output)
        assert not bad, f"log fields holding a duration without its unit in the name: {bad}"

    def first_start_keys(self) -> tuple[str, str]:
        """The publishable and secret keys printed at first start (exactly one of each)."""
        pks, sks = set(PK_RE.findall(self.startup)), set(SK_RE.findall(self.startup))
        assert len(pks) == 1 and len(sks) == 1, (
            f"first start printed {len(pks)} publishable and {len(sks)} secret keys"
        )
        return pks.pop(), sks.pop()


def start_server(
    store: Store,
    timeout: float = 60.0,
    cwd: Path | None = None,
    default_store: bool = False,
    extra: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    file_limit: int | None = None,
) -> Server:
    """Starts `picket-server serve` on the store and waits for its "listening on" line.

    With default_store, no store flag is given: the server uses ./picket-data under cwd
    (store.data_dir must be that directory). extra are more serve flags (limits, quotas);
    env, the process's environment (default: this one's); file_limit, the process's
    open-file limit, soft and hard (`ulimit -n`; Go raises the soft one to the hard one)."""

    def limit_files() -> None:
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (file_limit, file_limit))

    port = next(_ports)
    flags = [] if default_store else store.flags
    proc = subprocess.Popen(
        [server_bin(), "serve", "-addr", f"127.0.0.1:{port}", *flags, *extra],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        bufsize=1,
        env=env,
        preexec_fn=limit_files if file_limit is not None else None,
    )
    srv = Server(store, port, proc)
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            srv._lines.append(line)
            if not ready.is_set():
                m = LISTENING_RE.search(line)
                if m:
                    srv.url = m.group(1).rstrip("/")
                    srv.startup = "".join(srv._lines)
                    ready.set()
        ready.set()

    srv._reader = threading.Thread(target=read, daemon=True)
    srv._reader.start()
    if not ready.wait(timeout) or not srv.url:
        srv.stop()
        raise AssertionError(f"server did not start on {port}:\n{srv.output}")
    assert srv.url in (f"http://127.0.0.1:{port}", f"https://127.0.0.1:{port}"), srv.url
    return srv


def self_signed_certificate(d: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, written into d, made by the Go
    distribution's own crypto/tls/generate_cert.go (Go is a prerequisite; no other tool
    needed), for serve -tls-cert/-tls-key."""
    goroot = subprocess.run(
        ["go", "env", "GOROOT"], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(
        [
            "go",
            "run",
            os.path.join(goroot, "src/crypto/tls/generate_cert.go"),
            "--host",
            "127.0.0.1",
            "--ecdsa-curve",
            "P256",
        ],
        cwd=d,
        capture_output=True,
        check=True,
        timeout=300,
    )
    return d / "cert.pem", d / "key.pem"


def wait_until(pred: Any, limit: float, step: float = 0.005) -> float | None:
    """Polls pred() until it is true; returns the seconds it took, or None past limit."""
    t0 = time.monotonic()
    while True:
        if pred():
            return time.monotonic() - t0
        if time.monotonic() - t0 > limit:
            return None
        time.sleep(step)
