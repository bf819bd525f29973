"""The issue's first symptom, tried on the server itself: a picket-server with 100,000 keys
keeps its memory flat while its registry changes. Each change makes a new copy of the key
index (about 7 MB here) and frees the old one; before libpicket chose its own allocator,
glibc kept the freed copies and this server grew from 158 MB to 945 MB in 100 changes
(measured with a server linked against libpicket built with --no-default-features); now
it stays within 1 MB. On each store: the registry and its updates are the same, the change
path (a poll on SQLite, a notification on PostgreSQL) is not."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

from harness import Server, Store, new_store, start_server, store_sql
from projects import sk_auth

KEYS = 100_000
PROJECTS = 10_000
CHANGES = 100
BOUND_MB = 32


def seed(store: Store) -> None:
    """PROJECTS more projects (ids 2 to PROJECTS + 1) holding KEYS keys, written into the
    store directly (the API would take minutes); the server loads them at its next start."""
    if store.db_url is None:
        with sqlite3.connect(store.data_dir / "picket.db") as db:
            db.executemany(
                "INSERT INTO projects (name, mode, created_at) VALUES (?, 'development', 0)",
                [(f"p{i}",) for i in range(PROJECTS)],
            )
            db.executemany(
                "INSERT INTO keys (project_id, digest, kind, created_at, last4)"
                " VALUES (?, ?, ?, 0, '0000')",
                [
                    (2 + i % PROJECTS, secrets.token_hex(32), ("secret", "publishable")[i % 2])
                    for i in range(KEYS)
                ],
            )
        return
    store_sql(
        store,
        "INSERT INTO projects (name, mode, created_at)"
        f" SELECT 'p' || g, 'development', 0 FROM generate_series(1, {PROJECTS}) g",
    )
    store_sql(
        store,
        "INSERT INTO keys (project_id, digest, kind, created_at, last4)"
        f" SELECT 2 + g % {PROJECTS}, md5(g::text) || md5((-g)::text),"
        " CASE WHEN g % 2 = 0 THEN 'secret' ELSE 'publishable' END, 0, '0000'"
        f" FROM generate_series(1, {KEYS}) g",
    )


def rss_mb(server: Server) -> float:
    with open(f"/proc/{server.proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_memory_stays_flat_while_the_registry_changes(backend: str, tmp_path: Path) -> None:
    store = new_store(backend, tmp_path)
    first = start_server(store)
    _, sk = first.first_start_keys()
    first.stop()
    seed(store)
    assert int(store_sql(store, "SELECT COUNT(*) FROM keys")) == KEYS + 2
    server = start_server(store, extra=("-max-keys-per-project", "0"))
    try:
        sizes = []
        with server.client() as c:
            for _ in range(CHANGES):
                r = c.post("/v1/keys", json={"kind": "publishable"}, auth=sk_auth(sk))
                assert r.status_code == 201, r.text
                sizes.append(rss_mb(server))
        growth = max(sizes) - sizes[0]
        assert growth <= BOUND_MB, (
            f"RSS after the first change {sizes[0]:.0f} MB, largest {max(sizes):.0f} MB"
            f" (+{growth:.0f} MB) over {CHANGES} changes at {KEYS} keys"
        )
    finally:
        server.stop()
