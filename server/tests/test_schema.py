"""Schema versions, as an operator meets them after a rollback: a store that a newer
picket-server migrated is refused at start by the real binary (exit 1, one JSON error line
naming both versions, nothing listening, nothing in the store changed), by serve and by an
operator subcommand alike, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
from pathlib import Path

from harness import Store, json_lines, new_store, operator, server_bin, start_server, store_sql
from projects import ping_after_restart


def schema_version(store: Store) -> int:
    return int(store_sql(store, "SELECT MAX(version) FROM schema_version"))


def test_a_store_from_a_newer_picket_server_is_refused(backend: str, tmp_path: Path) -> None:
    store = new_store(backend, tmp_path)
    server = start_server(store)  # migrates the empty store to this binary's schema
    pk, _ = server.first_start_keys()
    server.stop()
    ours = schema_version(store)
    assert ours >= 1
    newer = ours + 1
    store_sql(store, f"INSERT INTO schema_version (version, applied_at) VALUES ({newer}, 0)")
    want = f"the store's schema is version {newer}, newer than this picket-server's {ours}"

    cp = subprocess.run(
        [server_bin(), "serve", "-addr", "127.0.0.1:0", *store.flags],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cp.returncode == 1, (cp.returncode, cp.stdout, cp.stderr)
    assert "listening on" not in cp.stdout, cp.stdout
    lines = json_lines(cp.stderr)
    assert lines and want in str(lines[-1]["message"]), cp.stderr
    assert "run that version" in str(lines[-1]["message"]), cp.stderr

    listed = operator(store, "project", "list", check=False)
    assert listed.returncode == 1 and want in listed.stderr, (listed.returncode, listed.stderr)

    # Nothing was migrated down or written: the store still says the newer version, and
    # once that version's row is gone (the backup restored) this binary serves it again.
    assert schema_version(store) == newer
    store_sql(store, f"DELETE FROM schema_version WHERE version = {newer}")
    assert ping_after_restart(store, pk) == 200
