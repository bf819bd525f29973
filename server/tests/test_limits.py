"""Limits of a running server: a cap on open connections that sheds idle ones so that new
clients are still served, and logs that do not grow with a flood of requests."""

from __future__ import annotations

import json
import resource
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness import Server, new_store, self_signed_certificate, start_server, wait_until
from projects import ping


def rss_kb(server: Server) -> int:
    with open(f"/proc/{server.proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def open_idle(server: Server, n: int, *, request: bool) -> list[socket.socket]:
    """n connections that stay open and idle: after one keep-alive request each (request),
    or without ever sending one."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        if request:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            s.recv(4096)
        socks.append(s)
    return socks


def closed_by_server(socks: list[socket.socket]) -> list[bool]:
    """Which of socks the server has closed (each read sees the end at once)."""
    poll = select.poll()
    by_fd = {s.fileno(): s for s in socks}
    for fd in by_fd:
        poll.register(fd, select.POLLIN)
    closed = set()
    for fd, _ in poll.poll(500):
        s = by_fd[fd]
        try:
            if s.recv(4096) == b"":
                closed.add(s)
        except (ConnectionResetError, BrokenPipeError):
            closed.add(s)
    return [s in closed for s in socks]


# The connection cap and the logs do not depend on the store: SQLite only.


def test_idle_connections_are_shed_so_new_clients_are_served(tmp_path: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4096)), hard))
    server = start_server(new_store("sqlite", tmp_path), extra=("-max-conns", "100"))
    held: list[socket.socket] = []
    try:
        pk, _ = server.first_start_keys()
        base_kb = rss_kb(server)
        # 1,500 idle connections: half between keep-alive requests, half never sending one.
        held += open_idle(server, 750, request=True)
        held += open_idle(server, 750, request=False)
        # Each new client is served at once, on a connection of its own.
        slowest = 0.0
        for _ in range(50):
            t0 = time.monotonic()
            with httpx.Client(base_url=server.url, timeout=5) as c:
                assert ping(c, pk) == 200
            slowest = max(slowest, time.monotonic() - t0)
        assert slowest < 1.0, f"a new client waited {slowest:.2f} s"
        # The cap holds: at most 100 of them are still open, and the first ones are shed.
        closed = closed_by_server(held)
        assert closed.count(False) <= 100, closed.count(False)
        assert all(closed[:100])
        grown_mb = (rss_kb(server) - base_kb) / 1024
        assert grown_mb < 40, f"RSS grew by {grown_mb:.0f} MB with the cap at 100"
    finally:
        for s in held:
            s.close()
        server.stop()


def test_a_file_limit_below_the_cap_lowers_it_so_new_clients_are_served(tmp_path: Path) -> None:
    # The symptom: idle connections up to the open-file limit made accept fail
    # ("too many open files") and locked every new client out. The server starts with a
    # limit of 256 descriptors (ulimit -n 256) and the default -max-conns (4,096).
    server = start_server(new_store("sqlite", tmp_path), file_limit=256)
    held: list[socket.socket] = []
    try:
        pk, _ = server.first_start_keys()
        lowered = [
            m
            for m in log_lines(server.output)
            if m.get("msg", "").startswith("-max-conns is above")
        ]
        assert lowered and (lowered[0]["file_limit"], lowered[0]["cap"]) == (256, 192), lowered
        held += open_idle(server, 200, request=True)
        held += open_idle(server, 200, request=False)
        for _ in range(20):
            with httpx.Client(base_url=server.url, timeout=5) as c:
                assert ping(c, pk) == 200
        assert closed_by_server(held).count(False) <= 192
        assert "too many open files" not in server.output
    finally:
        for s in held:
            s.close()
        server.stop()


def slow_body(
    server: Server, source: str, tls: ssl.SSLContext | None = None
) -> tuple[socket.socket, bytes]:
    """A connection from the loopback address source with a request in flight: its headers
    sent, its body promised (Content-Length: 1000) and one byte of it sent, as a slow-body
    attack dribbles it; and what the server answered at once (b"" when it holds it; b"reset"
    when the connection was reset before an answer could be read). Over TLS when tls is
    given (a server with -tls-cert)."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5, source_address=(source, 0))
    if tls is not None:
        s = tls.wrap_socket(s, server_hostname="127.0.0.1")
    s.sendall(
        b"POST /v1/keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n{"
    )
    s.settimeout(0.3)
    try:
        answer = s.recv(4096)
    except TimeoutError:
        answer = b""
    except ConnectionResetError:
        answer = b"reset"
    s.settimeout(5)
    return s, answer


def hold_slow_bodies(
    server: Server,
    sources: list[str],
    into: list[socket.socket],
    tls: ssl.SSLContext | None = None,
) -> None:
    """A slow body from each of sources, each held by the server (appended to into, for the
    caller to close)."""
    for source in sources:
        s, answer = slow_body(server, source, tls)
        into.append(s)
        assert answer == b"", (source, answer)


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_new_connection_is_refused_503_when_every_one_is_busy(
    tmp_path: Path, scheme: str
) -> None:
    # Over TLS (serve -tls-cert) the refusals are TLS records: written in plain text, they
    # reached a TLS client as a failed handshake ("wrong version number"), not as the answer.
    extra: tuple[str, ...] = ("-max-conns", "4")
    tls: ssl.SSLContext | None = None
    if scheme == "https":
        cert, key = self_signed_certificate(tmp_path)
        extra += ("-tls-cert", str(cert), "-tls-key", str(key))
        tls = ssl.create_default_context(cafile=str(cert))
    server = start_server(new_store("sqlite", tmp_path), extra=extra)
    assert server.url.startswith(scheme + "://"), server.url
    busy: list[socket.socket] = []
    try:
        pk, sk = server.first_start_keys()
        # Four requests in flight, from four addresses (each holds its share, 4 / 8 -> 1):
        # each body promised and not sent, so each waits.
        hold_slow_bodies(server, [f"127.0.0.{10 + i}" for i in range(4)], busy, tls)
        r = httpx.get(server.url + "/v1/ping", auth=(pk, ""), timeout=5, verify=tls or True)
        assert r.status_code == 503, r.text
        body = r.json()
        assert (body["error"], body["code"]) == ("overloaded", 831), body
        assert r.headers["retry-after"] == "1"
        # One more from an address at its share, every one of its connections busy: 429.
        s, answer = slow_body(server, "127.0.0.10", tls)
        busy.append(s)
        assert answer.startswith(b"HTTP/1.1 429 Too Many Requests\r\n"), answer
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"] == "too_many_connections"
        # Once they finish, new clients are served again.
        for s in busy:
            s.close()
        assert wait_until(
            lambda: ping(httpx.Client(base_url=server.url, verify=tls or True), pk) == 200, 5, 0.05
        )
    finally:
        for s in busy:
            s.close()
        server.stop()


def test_one_address_cannot_lock_other_clients_out_with_slow_bodies(tmp_path: Path) -> None:
    # A request in flight is never shed to make room, so before each address had a share,
    # one address holding -max-conns requests whose bodies came a byte at a time locked every
    # other client out (503 overloaded) for the 30-s read timeout, and again at once.
    server = start_server(new_store("sqlite", tmp_path), extra=("-max-conns", "16"))
    held: list[socket.socket] = []
    try:
        pk, _ = server.first_start_keys()
        answers = []
        for _ in range(16):
            s, answer = slow_body(server, "127.0.0.2")
            held.append(s)
            answers.append(answer)
        # Every other client is served at once, on new connections.
        for _ in range(5):
            t0 = time.monotonic()
            with httpx.Client(base_url=server.url, timeout=5) as c:
                assert ping(c, pk) == 200
            assert time.monotonic() - t0 < 1
        # The address's share, 16 / 8: two are held (still open, their requests in flight),
        # the others answered 429 at once.
        kept = [s for s, a in zip(held, answers) if a == b""]
        assert len(kept) == 2, answers
        assert closed_by_server(kept) == [False, False]
        # Each refused client reads its answer: the server reads a refused connection to its
        # end before closing it, so no reset discards the answer.
        refused = [a for a in answers if a != b""]
        assert all(a.startswith(b"HTTP/1.1 429 ") for a in refused), refused
        refusal = refused[0]
        # Also when the client sends its body apart from its headers, after the answer was
        # written (closed at once, the connection answered the body with a reset and the
        # client saw "connection reset" rather than the answer).
        for _ in range(3):
            with socket.create_connection(
                ("127.0.0.1", server.port), timeout=5, source_address=("127.0.0.2", 0)
            ) as s:
                s.sendall(b"POST /v1/keys HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n")
                time.sleep(0.1)
                s.sendall(b"{}")
                time.sleep(0.1)
                assert s.recv(4096).startswith(b"HTTP/1.1 429 "), "no answer read"
        assert refusal.startswith(b"HTTP/1.1 429 Too Many Requests\r\n"), refusal
        head, body = refusal.split(b"\r\n\r\n", 1)
        assert b"Retry-After: 1" in head
        assert (json.loads(body)["error"], json.loads(body)["code"]) == (
            "too_many_connections",
            832,
        )
    finally:
        for s in held:
            s.close()
        server.stop()
    # Behind -trusted-proxies the proxy has no share (every client comes through it).
    server = start_server(
        new_store("sqlite", tmp_path), extra=("-max-conns", "16", "-trusted-proxies", "127.0.0.2")
    )
    held = []
    try:
        hold_slow_bodies(server, ["127.0.0.2"] * 16, held)
    finally:
        for s in held:
            s.close()
        server.stop()


def test_many_addresses_at_their_share_cannot_lock_a_new_client_out(tmp_path: Path) -> None:
    # 8 addresses with 2 slow bodies each (their share of 16) fill the cap with requests in
    # flight. A request in flight past -store-timeout + 1 s (here 1.1 s) is a slow client's:
    # at a full cap the oldest of the address holding the most is cut for a new client.
    server = start_server(
        new_store("sqlite", tmp_path), extra=("-max-conns", "16", "-store-timeout", "100ms")
    )
    held: list[socket.socket] = []
    try:
        pk, _ = server.first_start_keys()
        hold_slow_bodies(server, [f"127.0.0.{2 + i % 8}" for i in range(16)], held)
        time.sleep(1.3)
        for _ in range(5):
            t0 = time.monotonic()
            with httpx.Client(base_url=server.url, timeout=5) as c:
                assert ping(c, pk) == 200
            assert time.monotonic() - t0 < 1
        # The first new client took the place of one slow request (each client closed its
        # connection when done, so the next ones found a free place): only that one was cut.
        assert closed_by_server(held).count(True) == 1
    finally:
        for s in held:
            s.close()
        server.stop()


def log_lines(text: str) -> list[dict[str, Any]]:
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def flood(server: Server, n: int) -> None:
    """n requests with keys no project has, from 4 threads on keep-alive connections."""

    def run(k: int) -> None:
        with httpx.Client(base_url=server.url, timeout=10) as c:
            for i in range(n // 4):
                c.get("/v1/ping", auth=(f"pk_{k:08x}{i:024x}", ""))

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_a_flood_of_refusals_does_not_flood_the_log(tmp_path: Path) -> None:
    # The failure limit off, so that every request is a 401 (with it, 429s: as many lines).
    limits = ("-rate-auth-failures-per-address", "0", "-log-every", "1s")
    server = start_server(new_store("sqlite", tmp_path), extra=limits)
    try:
        before = len(server.output)
        flood(server, 4000)

        def summarised() -> int:
            return sum(
                int(m["by_status"].get("401", 0))
                for m in log_lines(server.output[before:])
                if m.get("msg") == "requests"
            )

        wait_until(lambda: summarised() >= 4000, 5, 0.1)
        assert summarised() == 4000, f"the summaries count {summarised()} refusals"
        logged = server.output[before:]
        assert len(logged) < 4000, f"{len(logged)} bytes of log for 4,000 refused requests"
    finally:
        server.stop()
    # At -log-level debug every request has its line; at warn not even the summary.
    wants: tuple[tuple[str, Callable[[int], bool]], ...] = (
        ("debug", lambda n: n >= 400),
        ("warn", lambda n: n == 0),
    )
    for level, want in wants:
        server = start_server(new_store("sqlite", tmp_path), extra=(*limits, "-log-level", level))
        try:
            before = len(server.output)
            flood(server, 400)
            time.sleep(1.5)
            lines = log_lines(server.output[before:])
            n = sum(m.get("msg") in ("request", "requests") for m in lines)
            assert want(n), f"-log-level {level}: {n} request lines"
        finally:
            server.stop()
