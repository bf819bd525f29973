"""Shared fixtures. The package under test is the installed one (a wheel in a venv, from
bindings/python/test.sh); nothing from the checkout is on sys.path. The repository (for
the header, the vectors, the binding's sources) is $PICKET_REPO, else the one these tests
sit in."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(os.environ.get("PICKET_REPO") or Path(__file__).resolve().parents[3])
BINDING = REPO / "bindings" / "python"
HEADER = REPO / "include" / "picket.h"
VECTORS = REPO / "tests" / "vectors"

import picket  # noqa: E402
from picket import KeyKind, Mode  # noqa: E402

if os.environ.get("PICKET_TEST_INSTALLED") == "1":
    # The installed wheel, not the package's sources in the checkout.
    _where = Path(picket.__file__).resolve()
    assert BINDING not in _where.parents and "site-packages" in _where.parts, _where

# Keys from the core's own tests and docs.
PK = "pk_d9960d04426c1e9f3941bec7e39c8854"
SK = "sk_e1f767d29fa6e533f2e5c62342fb9e24"
# What `curl -u SK:` sends, from the core's documentation.
SK_CURL = "Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ6"
# What the official JS SDK sends for PK: two spaces, no colon.
PK_JS_SDK = "Basic  cGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ="
# The secret part of SK that must never show anywhere redacted.
SK_SECRET_PART = "e1f767d29fa6e533f2e5c62342fb"


def basic(credentials: str, spaces: int = 1) -> str:
    """An `Authorization` value: `Basic`, `spaces` spaces, base64 of `credentials`."""
    return "Basic" + " " * spaces + base64.b64encode(credentials.encode()).decode()


@pytest.fixture
def registry() -> Iterator[picket.Registry]:
    """Project 1 (development) with PK and SK and two redirect URIs; project 2
    (production) with an expiring secret key (valid while now < 2_000)."""
    with picket.RegistryBuilder() as builder:
        builder.add_project(1, Mode.DEVELOPMENT)
        builder.add_redirect_uri(1, "http://localhost:3000/")
        builder.add_redirect_uri(1, "http://localhost:3000/callback")
        builder.add_key(picket.parse_key(PK), 1)
        builder.add_key(picket.parse_key(SK), 1)
        builder.add_project(2, Mode.PRODUCTION)
        builder.add_key(picket.format_key(KeyKind.SECRET, bytes(range(16))), 2, expires_at=2_000)
        reg = builder.build()
    with reg:
        yield reg
