"""Measures the dashboard's log-in answer for known and unknown emails (wrong password):
the time of each (median, min, max) and whether the answers differ. Not a test (timings do
not belong in tests): a measurement to repeat, under the bench lock, with the real argon2id
parameters.

    . scripts/libpicket-env.sh && (cd server && go build -o /tmp/picket-server ./cmd/picket-server)
    PICKET_SERVER_BIN=/tmp/picket-server flock /work/tools/bench.lock \\
        target/browser-venv/bin/python server/tests/browser/login_timing.py
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import new_store, server_bin, start_server  # noqa: E402

N = 10  # per kind: 2N failures stay within the per-address limit (20)


def attempt(base: str, email: str) -> tuple[float, str]:
    with httpx.Client(base_url=base) as c:
        m = re.search(r'name="csrf" value="([^"]+)"', c.get("/dashboard/login").text)
        assert m
        t0 = time.perf_counter()
        r = c.post(
            "/dashboard/login",
            data={"email": email, "password": "wrong password but long", "csrf": m.group(1)},
        )
        dt = time.perf_counter() - t0
        assert r.status_code == 401, r.status_code
        return dt, re.sub(r'value="[^"]*"', "", r.text)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = new_store("sqlite", Path(tmp))
        for i in range(N):
            subprocess.run(
                [server_bin(), "account", "create", "-email", f"k{i}@example.com", *store.flags],
                input="correct horse battery staple\n",
                capture_output=True,
                text=True,
                check=True,
            )
        srv = start_server(store)
        try:
            times: dict[str, list[float]] = {"known": [], "unknown": []}
            bodies = set()
            for i in range(N):
                for kind, email in (
                    ("known", f"k{i}@example.com"),
                    ("unknown", f"u{i}@example.com"),
                ):
                    dt, body = attempt(srv.url, email)
                    times[kind].append(dt)
                    bodies.add(body)
        finally:
            srv.stop()
    for kind, ts in times.items():
        print(
            f"{kind:8} median {statistics.median(ts) * 1000:.0f} ms "
            f"(min {min(ts) * 1000:.0f}, max {max(ts) * 1000:.0f}, n={len(ts)})"
        )
    print("distinct answers (form values aside):", len(bodies))


if __name__ == "__main__":
    main()
