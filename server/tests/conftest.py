"""The fixtures of the server tests: each test on SQLite and on PostgreSQL (when run.sh
set $PICKET_TEST_POSTGRES_URL), on an empty store. Run by server/tests/run.sh, which builds
the binaries and starts PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import (
    new_store,
    postgres_enabled,
)
from projects import (
    Project,
    running_project,
)

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(
            not postgres_enabled(), reason="PICKET_TEST_POSTGRES_URL not set (run.sh sets it)"
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def project(backend: str, tmp_path: Path) -> Iterator[Project]:
    with running_project(new_store(backend, tmp_path)) as p:
        yield p
