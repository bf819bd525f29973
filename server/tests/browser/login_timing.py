"""Measures the dashboard's answers that must not tell whether an email has an account:
log-in with a wrong password (known against unknown emails) and sign-up (new against
taken emails). For each: the time of each answer (median, min, max) and how many distinct
answers there were (status, Location and page, the CSRF field's value aside). Not a test
(timings do not belong in tests): a measurement to repeat, under the bench lock, with the
real argon2id parameters.

    . scripts/libpicket-env.sh && (cd server && go build -o /tmp/picket-server ./cmd/picket-server)
    PICKET_SERVER_BIN=/tmp/picket-server flock /work/tools/bench.lock \\
        target/browser-venv/bin/python server/tests/browser/login_timing.py [sqlite|postgres]

postgres needs PICKET_TEST_POSTGRES_URL (scripts/pg.sh start).
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

N = 30  # answers per kind, interleaved (each from an address of its own: no limit applies)
PASSWORD = "correct horse battery staple"


def attempt(base: str, form: str, data: dict[str, str], client: str) -> tuple[float, str]:
    """Posts form (login or signup) from client (X-Forwarded-For: the server trusts the
    loopback proxy, so that each attempt counts against an address of its own)."""
    with httpx.Client(base_url=base, headers={"X-Forwarded-For": client}) as c:
        m = re.search(r'name="csrf" value="([^"]+)"', c.get(f"/dashboard/{form}").text)
        assert m
        t0 = time.perf_counter()
        r = c.post(f"/dashboard/{form}", data={**data, "csrf": m.group(1)})
        dt = time.perf_counter() - t0
        assert r.status_code in (303, 401), r.status_code
        answer = f"{r.status_code} {r.headers.get('location')} {r.text}"
        return dt, re.sub(r'value="[^"]*"', "", answer)


def report(what: str, times: dict[str, list[float]], answers: set[str]) -> None:
    for kind, ts in times.items():
        print(
            f"{what} {kind:8} median {statistics.median(ts) * 1000:.0f} ms "
            f"(min {min(ts) * 1000:.0f}, max {max(ts) * 1000:.0f}, n={len(ts)})"
        )
    print(f"{what}: distinct answers (form values aside): {len(answers)}")


def main() -> None:
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        store = new_store(backend, Path(tmp))
        for i in range(N):
            subprocess.run(
                [server_bin(), "account", "create", "-email", f"k{i}@example.com", *store.flags],
                input=PASSWORD + "\n",
                capture_output=True,
                text=True,
                check=True,
            )
        srv = start_server(store, extra=("-trusted-proxies", "127.0.0.1"))
        clients = (f"198.51.100.{i}" for i in range(1, 255))
        try:
            login: dict[str, list[float]] = {"known": [], "unknown": []}
            signup: dict[str, list[float]] = {"new": [], "taken": []}
            login_answers: set[str] = set()
            signup_answers: set[str] = set()
            for i in range(N):
                for kind, email in (
                    ("known", f"k{i}@example.com"),
                    ("unknown", f"u{i}@example.com"),
                ):
                    form = {"email": email, "password": "wrong password but long"}
                    dt, answer = attempt(srv.url, "login", form, next(clients))
                    login[kind].append(dt)
                    login_answers.add(answer)
                for kind, email in (("new", f"n{i}@example.com"), ("taken", f"k{i}@example.com")):
                    form = {"email": email, "password": "another password, long"}
                    dt, answer = attempt(srv.url, "signup", form, next(clients))
                    signup[kind].append(dt)
                    signup_answers.add(answer)
        finally:
            srv.stop()
    print(f"store: {backend}")
    report("log-in", login, login_answers)
    report("sign-up", signup, signup_answers)


if __name__ == "__main__":
    main()
