"""A store that fails: serve gives up on one that never answers, and a running server answers
503 store_unavailable at once while its store hangs or is locked, authenticates from memory
meanwhile, and recovers on its own.

The PostgreSQL tests run on a cluster of their own (conftest.py's own_postgres), which they
freeze (SIGSTOP: a hung server whose TCP port still accepts) and thaw."""

from __future__ import annotations

import json
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import OwnPostgres
from harness import new_store, server_bin, start_server, wait_until
from projects import ping, setup_project, sk_auth


def error_line(stderr: str) -> dict[str, object]:
    lines = [line for line in stderr.splitlines() if line.startswith("{")]
    assert lines, f"no JSON error line on stderr: {stderr!r}"
    body: dict[str, object] = json.loads(lines[-1])
    return body


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A TCP port that accepts connections and never answers (nor closes them)."""
    ln = socket.socket()
    ln.bind(("127.0.0.1", 0))
    ln.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        ln.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = ln.accept()
                held.append(conn)
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        yield ln.getsockname()[1]
    finally:
        stop.set()
        t.join()
        for c in held:
            c.close()
        ln.close()


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize("kind", ["never answers", "refuses"])
def test_serve_gives_up_on_a_postgres_that_does_not_answer(kind: str, black_hole: int) -> None:
    port = black_hole if kind == "never answers" else closed_port()
    url = f"postgres://postgres@127.0.0.1:{port}/picket?sslmode=disable"
    t0 = time.monotonic()
    cp = subprocess.run(
        [server_bin(), "serve", "-addr", "127.0.0.1:0", "-db", url]
        + ["-store-timeout", "500ms", "-store-wait", "3s"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    took = time.monotonic() - t0
    assert cp.returncode == 1, (cp.returncode, cp.stdout, cp.stderr)
    assert "listening on" not in cp.stdout
    line = error_line(cp.stderr)
    assert (line["error"], line["code"]) == ("store_unavailable", 830), line
    msg = str(line["message"])
    assert re.search(
        r"PostgreSQL did not answer within 3s \(-store-wait\), (1 attempt|[2-9] attempts):", msg
    ), msg
    # Attempts every second for 3 s, each bounded by the 500-ms connect timeout.
    assert 2.0 <= took <= 8.0, f"serve gave up after {took:.1f} s"


def test_sigterm_while_serve_waits_for_its_store_exits_0(black_hole: int) -> None:
    url = f"postgres://postgres@127.0.0.1:{black_hole}/picket?sslmode=disable"
    proc = subprocess.Popen(
        [server_bin(), "serve", "-addr", "127.0.0.1:0", "-db", url, "-store-timeout", "500ms"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2)  # serve waits for -store-wait (30 s), trying every second
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - t0
    assert proc.returncode == 0, (proc.returncode, out, err)
    assert took < 1.5, f"exited {took:.1f} s after SIGTERM"
    assert "listening on" not in out
    assert "shut down before serving: stopped while waiting for the store" in err, err


def wants_503_store_unavailable(r: httpx.Response) -> None:
    assert r.status_code == 503, (r.status_code, r.text)
    body = r.json()
    assert (body["error"], body["code"]) == ("store_unavailable", 830), body
    assert r.headers.get("retry-after") == "1"
    assert "database is locked" not in r.text


def timed_issue(client: httpx.Client, sk: str) -> tuple[float, httpx.Response]:
    t0 = time.monotonic()
    r = client.post("/v1/keys", json={"kind": "publishable"}, auth=sk_auth(sk))
    return time.monotonic() - t0, r


def test_writes_answer_503_at_once_while_postgres_hangs(
    own_postgres: OwnPostgres, tmp_path: Path
) -> None:
    server = start_server(own_postgres.store("hang", tmp_path), extra=("-store-timeout", "1s"))
    thawed = False
    try:
        p = setup_project(server)
        own_postgres.pg("freeze")
        try:
            # The first write waits for its deadline (1 s), and the store is then known down.
            took, r = timed_issue(p.client, p.sk)
            wants_503_store_unavailable(r)
            assert took < 2.5, f"the first write during the hang took {took:.2f} s"
            # Every later one answers at once.
            slowest = 0.0
            for _ in range(20):
                took, r = timed_issue(p.client, p.sk)
                wants_503_store_unavailable(r)
                slowest = max(slowest, took)
            assert slowest < 0.25, f"a write during the hang took {slowest:.3f} s"
            # Authentication goes on from memory; readiness says the store is away.
            assert ping(p.client, p.pk) == 200 and ping(p.client, p.sk) == 200
            wants_503_store_unavailable(p.client.get("/readyz"))
        finally:
            own_postgres.pg("thaw")
            thawed = True
        # The server recovers on its own: writes succeed again, and take effect.
        issued: list[httpx.Response] = []

        def write_works() -> bool:
            _, r = timed_issue(p.client, p.sk)
            if r.status_code == 201:
                issued.append(r)
            return r.status_code == 201

        assert wait_until(write_works, 10, step=0.1) is not None, "writes did not recover"
        assert ping(p.client, issued[0].json()["key"]) == 200
        assert p.client.get("/readyz").status_code == 200
        p.client.close()
    finally:
        if not thawed:
            own_postgres.pg("thaw")
        server.stop()
    out = server.output
    # One line when the store went away and one when it came back, not one per request.
    assert out.count("the store does not answer") == 1, out[-3000:]
    assert out.count("the store answers again") == 1, out[-3000:]


def test_a_sqlite_lock_held_past_the_deadline_answers_503(tmp_path: Path) -> None:
    store = new_store("sqlite", tmp_path)
    server = start_server(store, extra=("-store-timeout", "500ms"))
    try:
        p = setup_project(server)
        # Another process's transaction holds SQLite's write lock for 3 s.
        holder = sqlite3.connect(store.data_dir / "picket.db", timeout=5, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            took, r = timed_issue(p.client, p.sk)
            wants_503_store_unavailable(r)
            assert took < 2.0, f"the write waited {took:.2f} s for the lock"
            assert ping(p.client, p.pk) == 200
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert wait_until(lambda: timed_issue(p.client, p.sk)[1].status_code == 201, 5, 0.1)
        p.client.close()
    finally:
        server.stop()
