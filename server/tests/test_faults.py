"""Faults lose nothing: a server killed (SIGKILL) in a burst of writes keeps every write it
acknowledged and none half-written; PostgreSQL stopped for 10 s under load with two
servers (authentication goes on from memory, writes fail fast with 503, both recover on
their own, a change after recovery reaches the other within 1 s); the operator's CLI
writing to SQLite beside the server (no `database is locked` reaches anyone)."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from conftest import OwnPostgres
from harness import Server, new_store, operator, start_server, wait_until
from projects import note, ping, sk_auth

THREADS = 6


def all_items(c: httpx.Client, sk: str, path: str, field: str) -> list[Any]:
    """Every item of a paged list."""
    out: list[Any] = []
    cursor = None
    while True:
        params = {"limit": "1000", **({"cursor": cursor} if cursor else {})}
        r = c.get(path, params=params, auth=sk_auth(sk))
        assert r.status_code == 200, r.text
        body = r.json()
        out += body[field]
        cursor = body.get("next_cursor")
        if not cursor:
            return out


def test_sigkill_during_a_burst_of_writes_loses_no_acknowledged_write(
    backend: str, tmp_path: Path
) -> None:
    store = new_store(backend, tmp_path)
    limits = ("-max-keys-per-project", "0", "-max-redirect-uris-per-project", "0",
              "-rate-management-per-project", "0")  # fmt: skip
    server = start_server(store, extra=limits)
    _, sk = server.first_start_keys()
    c = server.client()
    # Each thread's chain of secret keys: issued, then rolled with no grace again and
    # again (a roll expires the old key and inserts the new one in one transaction), and
    # a redirect URI added between two rolls. The acknowledged writes are recorded.
    acked_keys: list[list[dict[str, Any]]] = [[] for _ in range(THREADS)]
    acked_uris: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def burst(t: int) -> None:
        with httpx.Client(base_url=server.url, timeout=5) as tc:
            try:
                r = tc.post("/v1/keys", json={"kind": "secret"}, auth=sk_auth(sk))
                assert r.status_code == 201, r.text
                acked_keys[t].append(r.json())
                i = 0
                while not stop.is_set():
                    last = acked_keys[t][-1]
                    r = tc.post(
                        f"/v1/keys/{last['id']}/roll",
                        json={"grace_seconds": 0},
                        auth=sk_auth(sk),
                    )
                    if r.status_code != 201:
                        return
                    acked_keys[t].append(r.json())
                    uri = f"https://t{t}-{i}.example/cb"
                    r = tc.post("/v1/redirect_uris", json={"uri": uri}, auth=sk_auth(sk))
                    if r.status_code != 201:
                        return
                    with lock:
                        acked_uris.append(uri)
                    i += 1
            except httpx.HTTPError:
                return  # the server was killed under this request

    threads = [threading.Thread(target=burst, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    assert wait_until(lambda: sum(len(k) for k in acked_keys) > 20 * THREADS, 30, 0.01)
    server.proc.kill()  # SIGKILL: no drain, no cleanup, requests in flight
    server.proc.wait()
    stop.set()
    for th in threads:
        th.join()
    c.close()
    server.stop()

    again = start_server(store, extra=limits)  # quick_check passes on SQLite: nothing torn
    try:
        with again.client() as c2:
            keys = {k["id"]: k for k in all_items(c2, sk, "/v1/keys", "keys")}
            uris = set(all_items(c2, sk, "/v1/redirect_uris", "redirect_uris"))
            for chain in acked_keys:
                for k in chain:
                    assert k["id"] in keys, f"an acknowledged key ({k['id']}) is lost"
                # The last acknowledged key is live, or a roll of it committed unanswered.
                last = chain[-1]
                if ping(c2, last["key"]) != 200:
                    later = [i for i in keys if i > last["id"] and keys[i]["kind"] == "secret"]
                    assert later, f"key {last['id']} stopped working without a successor"
            missing = [u for u in acked_uris if u not in uris]
            assert not missing, f"{len(missing)} acknowledged redirect URIs lost"
            # Nothing half-written: each chain has exactly one live key (a roll that wrote
            # only its new key, or only the old key's expiry, would leave two or none).
            now = time.time()

            def live(k: dict[str, Any]) -> bool:
                exp = k["expires_at"]
                return not k["revoked"] and (exp is None or _ts(exp) > now)

            live_secret = [k for k in keys.values() if k["kind"] == "secret" and live(k)]
            assert len(live_secret) == THREADS + 1, (
                f"{len(live_secret)} live secret keys, want one per chain and the first"
            )
            acked = sum(len(k) for k in acked_keys) + len(acked_uris)
            note(f"faults ({backend}): SIGKILL after {acked} acknowledged writes; all there")
    finally:
        again.stop()


def _ts(rfc3339: str) -> float:
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


def test_postgres_stopped_for_10s_under_load_with_two_servers(
    own_postgres: OwnPostgres,
    tmp_path: Path,
) -> None:
    store = own_postgres.store("outage", tmp_path)
    a = start_server(store, extra=("-store-timeout", "1s"))
    b = start_server(store, extra=("-store-timeout", "1s"))
    pk, sk = a.first_start_keys()
    ca, cb = a.client(), b.client()
    started = False
    try:
        assert ping(cb, pk) == 200
        pings: list[int] = []
        stop = threading.Event()

        def load(server: Server) -> None:
            with server.client() as c:
                while not stop.is_set():
                    pings.append(ping(c, pk))
                    pings.append(ping(c, sk))

        loaders = [threading.Thread(target=load, args=(s,)) for s in (a, b, a, b)]
        for th in loaders:
            th.start()
        own_postgres.pg("halt")  # a fast shutdown: connections closed, new ones refused
        t0 = time.monotonic()
        write_times = []
        while time.monotonic() - t0 < 10:
            for c in (ca, cb):
                w0 = time.monotonic()
                r = c.post("/v1/keys", json={"kind": "publishable"}, auth=sk_auth(sk))
                write_times.append(time.monotonic() - w0)
                assert r.status_code == 503, r.text
                assert r.json()["error"] == "store_unavailable"
            time.sleep(0.1)
        own_postgres.pg("start")
        started = True
        stop.set()
        for th in loaders:
            th.join()
        assert pings and set(pings) == {200}, f"{len(pings) - pings.count(200)} pings failed"
        write_times.sort()
        assert write_times[len(write_times) * 9 // 10] < 0.5, f"slow 503s: {write_times[-5:]}"

        # Both recover on their own (no restart): writes succeed again on each.
        for c in (ca, cb):

            def writes(c: httpx.Client = c) -> bool:
                r = c.post("/v1/keys", json={"kind": "publishable"}, auth=sk_auth(sk))
                return r.status_code == 201

            assert wait_until(writes, 20, 0.1) is not None, "a server did not recover"
        # A change after recovery reaches the other within 1 s.
        r = ca.post("/v1/keys", json={"kind": "publishable"}, auth=sk_auth(sk))
        assert r.status_code == 201, r.text
        took = wait_until(lambda: ping(cb, r.json()["key"]) == 200, 5, 0.005)
        assert took is not None and took < 1.0, f"the change reached B after {took} s"
        note(
            f"faults (postgres): 10-s outage: {len(pings)} pings all 200, {len(write_times)}"
            f" writes 503 (p90 {write_times[len(write_times) * 9 // 10] * 1000:.0f} ms), a change"
            f" after recovery reached B in {took * 1000:.0f} ms"
        )
    finally:
        if not started:
            own_postgres.pg("start")
        ca.close()
        cb.close()
        a.stop()
        b.stop()


def test_cli_writes_beside_the_server_on_sqlite(tmp_path: Path) -> None:
    store = new_store("sqlite", tmp_path)
    server = start_server(store, extra=("-max-keys-per-project", "0"))
    try:
        _, sk = server.first_start_keys()
        project = "1"
        failures: list[str] = []
        stop = threading.Event()

        def api() -> None:
            with server.client() as c:
                while not stop.is_set():
                    r = c.post("/v1/keys", json={"kind": "publishable"}, auth=sk_auth(sk))
                    if r.status_code != 201:
                        failures.append(f"API {r.status_code} {r.text}")

        writers = [threading.Thread(target=api) for _ in range(4)]
        for th in writers:
            th.start()
        try:
            for i in range(15):
                cp = operator(store, "key", "issue", "-project", project, "-kind", "secret",
                              check=False)  # fmt: skip
                if cp.returncode != 0:
                    failures.append(f"CLI key issue: {cp.returncode} {cp.stderr}")
                cp = operator(store, "redirect", "add", "-project", project,
                              f"https://cli{i}.example/cb", check=False)  # fmt: skip
                if cp.returncode != 0:
                    failures.append(f"CLI redirect add: {cp.returncode} {cp.stderr}")
        finally:
            stop.set()
            for th in writers:
                th.join()
        assert not failures, failures[:5]
        assert "database is locked" not in server.output
    finally:
        server.stop()
