"""One registry reload per change, or fewer, counted by picket_registry_reloads_total: two
server processes on one store, changes made through one of them; the changed project
replaced (kind projects), never the registry rebuilt whole."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from harness import Server, new_store, start_server, wait_until
from projects import ping, sk_auth

CHANGES = 12


def reloads(server: Server) -> dict[tuple[str, str], float]:
    m = re.search(r"metrics on (http://\S+)", server.startup)
    assert m, "no admin address"
    out = {}
    for kind, outcome, n in re.findall(
        r'^picket_registry_reloads_total\{kind="(\w+)",outcome="(\w+)"\} (\S+)$',
        httpx.get(m.group(1), timeout=10).text,
        re.M,
    ):
        out[(kind, outcome)] = float(n)
    return out


def test_one_reload_per_change_on_each_process(backend: str, tmp_path: Path) -> None:
    store = new_store(backend, tmp_path)
    flags = ("-metrics-addr", "127.0.0.1:0", "-max-keys-per-project", "0")
    a = start_server(store, extra=flags)
    b = start_server(store, extra=flags)
    try:
        _, sk = a.first_start_keys()
        with a.client() as ca, b.client() as cb:
            for kind in ("publishable", "secret") * (CHANGES // 2):
                r = ca.post("/v1/keys", json={"kind": kind}, auth=sk_auth(sk))
                assert r.status_code == 201, r.text
                key = r.json()["key"]
                assert ping(ca, key) == 200, "a key A issued is not accepted by A at once"
                assert wait_until(lambda k=key: ping(cb, k) == 200, 2, 0.005) is not None
        ra, rb = reloads(a), reloads(b)
        # A reloads once per change it makes; B once per change or fewer (its poll or
        # notification may take several at once); neither rebuilds whole.
        assert ra.get(("projects", "ok")) == CHANGES, ra
        assert 1 <= rb.get(("projects", "ok"), 0) <= CHANGES, rb
        for counts in (ra, rb):
            assert counts.get(("full", "ok"), 0) == 0, counts
            assert not counts.get(("projects", "error")), counts
    finally:
        a.stop()
        b.stop()
