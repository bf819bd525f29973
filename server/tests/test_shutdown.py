"""SIGTERM: new connections are refused at once, the requests in flight run to their end
(exit 0, their writes kept), and those still running after -drain-timeout, or when a second
SIGTERM or SIGINT comes, are cut (exit 1, saying how many)."""

from __future__ import annotations

import base64
import signal
import socket
import time
from pathlib import Path

from harness import Server, new_store, start_server, wait_until
from projects import ping_after_restart

BODY = b'{"kind":"publishable"}'


def start_slow_issue(server: Server, sk: str) -> socket.socket:
    """A POST /v1/keys whose body is sent in part: the request is in flight until the rest
    comes."""
    auth = base64.b64encode(f"{sk}:".encode()).decode()
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s.sendall(
        f"POST /v1/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(BODY)}\r\n\r\n".encode()
        + BODY[:5]
    )
    time.sleep(0.3)
    return s


def refused(server: Server) -> bool:
    try:
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
        return False
    except OSError:
        return True


def test_sigterm_drains_the_requests_in_flight(backend: str, tmp_path: Path) -> None:
    store = new_store(backend, tmp_path)
    server = start_server(store)
    try:
        _, sk = server.first_start_keys()
        slow = start_slow_issue(server, sk)
        server.proc.send_signal(signal.SIGTERM)
        assert wait_until(lambda: refused(server), 2, 0.05) is not None, "still accepting"
        time.sleep(1)  # the drain waits for the request
        slow.sendall(BODY[5:])
        answer = slow.recv(65536).decode()
        slow.close()
        assert answer.startswith("HTTP/1.1 201"), answer
        assert server.proc.wait(timeout=15) == 0, server.output[-2000:]
        assert "shut down: every request finished" in server.output
        key = answer.split('"key":"')[1].split('"')[0]
    finally:
        server.stop()
    # The write the drained request acknowledged is there after a restart.
    assert ping_after_restart(store, key) == 200


def test_sigterm_cuts_what_outlasts_the_drain_timeout(tmp_path: Path) -> None:
    # The store plays no part: SQLite only.
    server = start_server(new_store("sqlite", tmp_path), extra=("-drain-timeout", "1s"))
    try:
        _, sk = server.first_start_keys()
        slow = start_slow_issue(server, sk)  # never finished
        t0 = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        status = server.proc.wait(timeout=15)
        took = time.monotonic() - t0
        slow.close()
        assert status == 1, (status, server.output[-2000:])
        assert 0.9 <= took < 5, f"exited {took:.1f} s after SIGTERM"
        assert (
            "1 connection(s) still had a request in flight after -drain-timeout 1s and were cut"
            in server.output
        ), server.output[-2000:]
    finally:
        server.stop()


def test_a_second_signal_cuts_the_drain_at_once(tmp_path: Path) -> None:
    # The store plays no part: SQLite only. The drain would wait a minute for the request.
    server = start_server(new_store("sqlite", tmp_path), extra=("-drain-timeout", "60s"))
    try:
        _, sk = server.first_start_keys()
        slow = start_slow_issue(server, sk)  # never finished
        server.proc.send_signal(signal.SIGTERM)
        assert wait_until(lambda: refused(server), 2, 0.05) is not None, "still accepting"
        time.sleep(0.5)
        assert server.proc.poll() is None, "the first SIGTERM did not wait for the request"
        t0 = time.monotonic()
        server.proc.send_signal(signal.SIGINT)  # a supervisor's second SIGTERM, or Ctrl-C twice
        status = server.proc.wait(timeout=15)
        took = time.monotonic() - t0
        # The request was cut: its connection closed without an answer.
        slow.settimeout(5)
        assert slow.recv(65536) == b""
        slow.close()
        assert status == 1, (status, server.output[-2000:])
        assert took < 1, f"exited {took:.1f} s after the second signal"
        cut = [
            line
            for line in server.output.splitlines()
            if "a second signal cut the drain after" in line
            and "1 connection(s) still had a request in flight and were cut" in line
        ]
        assert len(cut) >= 1, server.output[-2000:]
        assert "every request finished" not in server.output
    finally:
        server.stop()
