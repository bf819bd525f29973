"""Measures the slow-body attack on the connection cap (not a test: README's figures).

One address (127.0.0.2), or K of them in turn ($ADDRESSES=K: 127.0.0.2 to 127.0.0.K+1),
opens N connections, each a POST whose Content-Length is 1000 and whose body comes a byte
every 2 s; a client of 127.0.0.1 asks /v1/ping every 3 to 4 s. Prints
how many connections the server held and refused, each client's answer, and how long the
held ones lived.

    ulimit -n 20000
    python3 server/tests/measure_slow_bodies.py PICKET_SERVER_BIN PORT 4096 [serve flags...]
    ADDRESSES=8 python3 server/tests/measure_slow_bodies.py PICKET_SERVER_BIN PORT 4096
"""

from __future__ import annotations

import atexit
import base64
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time


def main() -> None:
    binary, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = tempfile.mkdtemp()
    cmd = [binary, "serve", "-addr", f"127.0.0.1:{port}", "-data", data, *sys.argv[4:]]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    atexit.register(proc.kill)
    assert proc.stdout is not None
    out = []
    for line in proc.stdout:
        out.append(line)
        if line.startswith("listening on"):
            break
    stdout = proc.stdout
    threading.Thread(target=lambda: out.extend(stdout), daemon=True).start()
    found = re.search(r"pk_[0-9a-f]{32}", "".join(out))
    assert found, "".join(out)
    auth = base64.b64encode(f"{found.group(0)}:".encode()).decode()
    ping = (
        f"GET /v1/ping HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()

    socks: dict[int, tuple[socket.socket, float]] = {}
    addresses = int(os.environ.get("ADDRESSES", "1"))
    for i in range(n):
        s = socket.socket()
        s.bind((f"127.0.0.{2 + i % addresses}", 0))
        s.connect(("127.0.0.1", port))
        s.sendall(
            b"POST /v1/keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{"
        )
        s.setblocking(False)
        socks[s.fileno()] = (s, time.monotonic())
    time.sleep(1)
    poll = select.poll()
    for fd in socks:
        poll.register(fd, select.POLLIN)
    answers: dict[str, int] = {}
    lived: list[tuple[float, str]] = []

    def reap(wait_ms: int) -> None:
        for fd, _ in poll.poll(wait_ms):
            s, born = socks.pop(fd)
            poll.unregister(fd)
            try:
                got = s.recv(4096)
            except OSError as e:
                got = type(e).__name__.encode()
            first = got.split(b"\r\n")[0].decode() or "closed without an answer"
            answers[first] = answers.get(first, 0) + 1
            lived.append((time.monotonic() - born, first))
            s.close()

    reap(0)
    print(f"{n} connections: {len(socks)} held, answered at once: {answers}", flush=True)
    start = time.monotonic()
    last_ping = start - 3
    while socks and time.monotonic() - start < 45:
        if time.monotonic() - last_ping >= 3:
            last_ping = time.monotonic()
            c = socket.create_connection(("127.0.0.1", port), timeout=10)
            c.sendall(ping)
            status = c.recv(4096).split(b"\r\n")[0].decode()
            c.close()
            took_ms = 1000 * (time.monotonic() - last_ping)
            print(
                f"  t={last_ping - start:4.1f}s a client of 127.0.0.1: {status} in {took_ms:.1f} ms"
            )
        for s, _ in list(socks.values()):
            try:
                s.send(b" ")
            except OSError:
                pass
        reap(2000)
    late = [t for t, _ in lived if t > 5]
    if late:
        print(f"the held ones ended after {min(late):.1f} to {max(late):.1f} s")
    print(f"still held after 45 s: {len(socks)}")


if __name__ == "__main__":
    main()
