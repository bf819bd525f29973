"""Registry.with_projects and RegistryHolder.update: a change to a few projects answers
exactly as a registry built whole from the final rows, the old registry is untouched, and
misuse raises instead of reaching freed memory."""

from __future__ import annotations

import threading
from typing import Dict, List, Optional, Tuple

import pytest
from conftest import basic

import picket
from picket import BuildError, Code, KeyKind, Mode, Registry, RegistryBuilder, RegistryHolder

NOW = 1_000
MAX = 2**64 - 1

# A project: its mode, redirect URIs and keys (key, expires_at).
Project = Tuple[Mode, List[str], List[Tuple[picket.Key, Optional[int]]]]


def _key(kind: KeyKind, n: int) -> picket.Key:
    return picket.format_key(kind, n.to_bytes(16, "big"))


def _fill(builder: RegistryBuilder, projects: Dict[int, Project]) -> RegistryBuilder:
    for project, (mode, uris, keys) in projects.items():
        builder.add_project(project, mode)
        for uri in uris:
            builder.add_redirect_uri(project, uri)
        for key, expires in keys:
            builder.add_key(key, project, expires_at=expires)
    return builder


def _answers(registry: Registry, keys: List[picket.Key], uris: List[str]) -> list:
    """What the registry says to every key as a header, and to every publishable key with
    every redirect URI: a result or the refusal's code."""
    out: list = []
    for key in keys:
        try:
            out.append(registry.authenticate(basic(key.expose() + ":"), NOW))
        except picket.PicketError as error:
            out.append(error.code)
        if key.kind is KeyKind.PUBLISHABLE:
            for uri in uris:
                try:
                    out.append(registry.authorize_redirect(key.expose(), uri, NOW))
                except picket.PicketError as error:
                    out.append(error.code)
    return out


A = "https://a.example/cb"
B = "https://b.example/cb"
BEFORE: Dict[int, Project] = {
    1: (
        Mode.PRODUCTION,
        [A],
        [(_key(KeyKind.PUBLISHABLE, 1), None), (_key(KeyKind.SECRET, 2), None)],
    ),
    2: (
        Mode.DEVELOPMENT,
        [B],
        [(_key(KeyKind.PUBLISHABLE, 3), None), (_key(KeyKind.SECRET, 4), 500)],
    ),
    MAX: (Mode.PRODUCTION, [], [(_key(KeyKind.SECRET, 5), None)]),
}
# Project 1 replaced (one key gone, one new, its URI changed), 2 removed, 9 added, MAX kept.
CHANGED: Dict[int, Project] = {
    1: (
        Mode.DEVELOPMENT,
        [B],
        [(_key(KeyKind.PUBLISHABLE, 1), None), (_key(KeyKind.SECRET, 6), 2_000)],
    ),
    9: (Mode.PRODUCTION, [A], [(_key(KeyKind.PUBLISHABLE, 7), None)]),
}
AFTER = {1: CHANGED[1], 9: CHANGED[9], MAX: BEFORE[MAX]}
EVERY_KEY = [key for p in (BEFORE, CHANGED) for _, _, keys in p.values() for key, _ in keys]


def test_update_answers_as_a_build_of_the_final_rows() -> None:
    before = _fill(RegistryBuilder(), BEFORE).build()
    expected_before = _answers(before, EVERY_KEY, [A, B])
    updated = before.with_projects(_fill(RegistryBuilder(), CHANGED), removed=[2])
    built = _fill(RegistryBuilder(), AFTER).build()
    assert _answers(updated, EVERY_KEY, [A, B]) == _answers(built, EVERY_KEY, [A, B])
    assert _answers(before, EVERY_KEY, [A, B]) == expected_before  # untouched
    # The change took effect: the removed project's key is unknown, the new one works.
    with pytest.raises(picket.AuthError) as caught:
        updated.authenticate(basic(_key(KeyKind.SECRET, 4).expose() + ":"), NOW)
    assert caught.value.code is Code.AUTH_UNKNOWN_KEY
    assert updated.authenticate(basic(_key(KeyKind.SECRET, 6).expose() + ":"), NOW) == (
        1,
        KeyKind.SECRET,
    )
    assert updated.authenticate(basic(_key(KeyKind.SECRET, 5).expose() + ":"), NOW) == (
        MAX,
        KeyKind.SECRET,
    )
    for registry in (before, updated, built):
        registry.close()


def test_duplicate_keys_are_build_errors_and_consume_the_builder() -> None:
    with _fill(RegistryBuilder(), BEFORE).build() as registry:
        # A key of a kept project (MAX) in a changed one.
        changes = RegistryBuilder().add_project(7, Mode.PRODUCTION)
        changes.add_key(_key(KeyKind.SECRET, 5), 7)
        with pytest.raises(BuildError) as caught:
            registry.with_projects(changes)
        assert caught.value.code is Code.BUILD_DUPLICATE_KEY
        assert changes.closed
        # The same key in the replacement of its own project is no duplicate.
        same = RegistryBuilder().add_project(MAX, Mode.PRODUCTION)
        same.add_key(_key(KeyKind.SECRET, 5), MAX)
        with registry.with_projects(same) as updated:
            assert updated.authenticate(basic(_key(KeyKind.SECRET, 5).expose() + ":"), NOW) == (
                MAX,
                KeyKind.SECRET,
            )


def test_misuse_raises_and_frees_the_builder() -> None:
    registry = _fill(RegistryBuilder(), BEFORE).build()
    with pytest.raises(TypeError):
        registry.with_projects(registry)  # type: ignore[arg-type]
    for removed, error in (
        ([-1], ValueError),
        ([MAX + 1], ValueError),
        (["1"], TypeError),
        ([True], TypeError),
    ):
        changes = RegistryBuilder()
        with pytest.raises(error):
            registry.with_projects(changes, removed=removed)  # type: ignore[arg-type]
        assert changes.closed
    used = RegistryBuilder()
    used.build().close()
    with pytest.raises(ValueError):
        registry.with_projects(used)
    with registry.with_projects(RegistryBuilder(), removed=[MAX, 12345, MAX]) as updated:
        with pytest.raises(picket.AuthError):
            updated.authenticate(basic(_key(KeyKind.SECRET, 5).expose() + ":"), NOW)
    registry.close()
    changes = RegistryBuilder()
    with pytest.raises(ValueError, match="closed"):
        registry.with_projects(changes)
    assert changes.closed


def test_holder_update_swaps_and_closes_the_old_registry() -> None:
    holder = RegistryHolder(lambda: _fill(RegistryBuilder(), BEFORE).build())
    first = holder.registry
    holder.update(
        lambda current: current.with_projects(_fill(RegistryBuilder(), CHANGED), removed=[2])
    )
    assert first.closed and not holder.registry.closed
    assert holder.authenticate(basic(_key(KeyKind.SECRET, 6).expose() + ":"), NOW) == (
        1,
        KeyKind.SECRET,
    )
    assert holder.authorize_redirect(_key(KeyKind.PUBLISHABLE, 7).expose(), A, NOW) == 9
    current = holder.registry
    with pytest.raises(RuntimeError):
        holder.update(lambda registry: (_ for _ in ()).throw(RuntimeError("refused")))
    with pytest.raises(TypeError):
        holder.update(lambda registry: None)  # type: ignore[arg-type,return-value]
    closed = RegistryBuilder().build()
    closed.close()
    with pytest.raises(ValueError):
        holder.update(lambda registry: closed)
    holder.update(lambda registry: registry)  # the same registry: nothing swapped or closed
    assert holder.registry is current and not current.closed
    holder.close()
    with pytest.raises(ValueError):
        holder.update(lambda registry: registry)


def test_updates_race_authentication() -> None:
    secret = _key(KeyKind.SECRET, 5)
    holder = RegistryHolder(lambda: _fill(RegistryBuilder(), BEFORE).build())
    stop = threading.Event()
    failures: list = []

    def authenticate() -> None:
        header = basic(secret.expose() + ":")
        while not stop.is_set():
            try:
                assert holder.authenticate(header, NOW) == (MAX, KeyKind.SECRET)
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)
                return

    threads = [threading.Thread(target=authenticate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for n in range(200):
        changes = RegistryBuilder().add_project(n % 3 + 1, Mode.DEVELOPMENT)
        changes.add_key(_key(KeyKind.SECRET, 1_000 + n), n % 3 + 1)
        holder.update(lambda current, changes=changes: current.with_projects(changes))
    stop.set()
    for thread in threads:
        thread.join()
    holder.close()
    assert failures == []
