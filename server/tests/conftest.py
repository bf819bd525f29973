"""The fixtures of the server tests: each test on SQLite and on PostgreSQL (when run.sh
set $PICKET_TEST_POSTGRES_URL), on an empty store. Run by server/tests/run.sh, which builds
the binaries and starts PostgreSQL."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import (
    BACKENDS,
    REPO,
    Store,
    new_store,
    postgres_enabled,
)
from projects import (
    Project,
    running_project,
)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def project(backend: str, tmp_path: Path) -> Iterator[Project]:
    with running_project(new_store(backend, tmp_path)) as p:
        yield p


@dataclass
class OwnPostgres:
    """A PostgreSQL cluster of the tests' own, which they may freeze, thaw, halt and start."""

    env: dict[str, str]

    def pg(self, *args: str) -> str:
        cp = subprocess.run(
            [str(REPO / "scripts/pg.sh"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cp.returncode == 0, f"pg.sh {' '.join(args)}: {cp.returncode}: {cp.stderr}"
        return cp.stdout.strip()

    def store(self, name: str, tmp: Path) -> Store:
        return Store("postgres", tmp / name, self.pg("newdb", name))


@pytest.fixture(scope="session")
def own_postgres() -> Iterator[OwnPostgres]:
    if not postgres_enabled():
        pytest.skip("PICKET_TEST_POSTGRES_URL not set (run.sh sets it)")
    port = int(os.environ.get("PICKET_TEST_PORT_BASE", "18350")) + 45
    env = {
        **os.environ,
        "PICKET_PG_PORT": str(port),
        # Under /tmp itself: the postgres OS user must reach it (pytest's tmp_path is 0700).
        "PICKET_PG_DIR": f"/tmp/picket-pg-faults-{port}-{os.getpid()}",
    }
    own = OwnPostgres(env)
    own.pg("start")
    try:
        yield own
    finally:
        subprocess.run([str(REPO / "scripts/pg.sh"), "thaw"], env=env, capture_output=True)
        own.pg("stop")
