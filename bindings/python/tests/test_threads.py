"""One registry shared by 16 threads: every answer checked, success and failure alike."""

from __future__ import annotations

import os
import threading
from typing import List, Optional, Tuple

from conftest import basic

import picket
from picket import AuthError, Code, KeyKind, Mode, RegistryBuilder, Requirement

THREADS = 16
CALLS = 3_000
NOW = 1_000


def test_sixteen_threads_share_one_registry() -> None:
    keys = []
    with RegistryBuilder() as builder:
        for project in range(1, 33):
            builder.add_project(project, Mode.PRODUCTION)
            for kind in (KeyKind.PUBLISHABLE, KeyKind.SECRET):
                key = picket.format_key(kind, os.urandom(16))
                builder.add_key(key, project)
                keys.append((key, project))
        expired = picket.format_key(KeyKind.SECRET, os.urandom(16))
        builder.add_key(expired, 1, expires_at=NOW)
        registry = builder.build()

    # (header, requirement, expected result or expected error code)
    cases: List[Tuple[str, Requirement, Optional[Tuple[int, KeyKind]], Optional[Code]]] = []
    for key, project in keys:
        cases.append((basic(key.expose() + ":"), Requirement.ANY, (project, key.kind), None))
        cases.append(
            (basic(key.expose(), spaces=2), Requirement(int(key.kind)), (project, key.kind), None)
        )
        other = Requirement.SECRET if key.kind is KeyKind.PUBLISHABLE else Requirement.PUBLISHABLE
        cases.append((basic(key.expose() + ":"), other, None, Code.AUTH_WRONG_KIND))
    cases.append((basic(expired.expose() + ":"), Requirement.ANY, None, Code.AUTH_EXPIRED))
    cases.append(("", Requirement.ANY, None, Code.HEADER_MISSING))
    cases.append((basic("sk_" + "f" * 32), Requirement.ANY, None, Code.AUTH_UNKNOWN_KEY))
    cases.append(("Basic !!!!", Requirement.ANY, None, Code.HEADER_INVALID_BASE64))

    mismatches: List[str] = []
    counts = [0] * THREADS
    barrier = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        barrier.wait()
        done = 0
        for n in range(CALLS):
            header, requirement, want, code = cases[(index * 7919 + n) % len(cases)]
            try:
                got = registry.authenticate(header, NOW, requirement)
                if want is None or got != want:
                    mismatches.append(
                        f"thread {index}: {header!r} gave {got}, wanted {want or code}"
                    )
            except AuthError as error:
                wanted_status = 403 if code is Code.AUTH_WRONG_KIND else 401
                if error.code is not code or error.http_status != wanted_status:
                    mismatches.append(
                        f"thread {index}: {header!r} gave {error!r}, wanted {want or code}"
                    )
                elif code is Code.AUTH_EXPIRED and "expired" not in error.message:
                    mismatches.append(f"thread {index}: message {error.message!r} for {code}")
            done += 1
        counts[index] = done

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    registry.close()
    assert mismatches == []
    assert counts == [CALLS] * THREADS


def test_threads_authorize_concurrently() -> None:
    pks = [picket.format_key(KeyKind.PUBLISHABLE, bytes([i]) * 16) for i in range(1, 9)]
    with RegistryBuilder() as builder:
        for project, pk in enumerate(pks, start=1):
            builder.add_project(project, Mode.DEVELOPMENT)
            builder.add_redirect_uri(project, f"http://localhost:{3000 + project}/cb")
            builder.add_key(pk, project)
        registry = builder.build()
    errors: List[str] = []

    def worker(index: int) -> None:
        for n in range(1_000):
            project = 1 + (index + n) % len(pks)
            pk = pks[project - 1].expose()
            if (
                registry.authorize_redirect(pk, f"http://localhost:{3000 + project}/cb", NOW)
                != project
            ):
                errors.append("wrong project")
            try:
                registry.authorize_redirect(pk, f"http://localhost:{3001 + project}/cb", NOW)
                errors.append("accepted another project's redirect uri")
            except picket.AuthorizeError as error:
                if error.code is not Code.AUTHORIZE_REDIRECT_NOT_REGISTERED:
                    errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    registry.close()
    assert errors == []
