"""Memory safety under misuse with threads (issue 10, point 5): a builder's build or
close racing its use on another thread, a registry's close racing authenticate, and the
RegistryHolder swapping registries under calls in flight. cffi releases the GIL during
every call, so these threads really are inside the library at the same time. Run under
AddressSanitizer by bindings/python/asan.sh."""

from __future__ import annotations

import os
import sys
import threading
from typing import Iterator, List

import pytest
from conftest import basic

import picket
from picket import KeyKind, Mode, RegistryBuilder, RegistryHolder, Requirement, _fast, _registry
from picket._ffi import ffi

NOW = 1_000
ROUNDS = int(os.environ.get("PICKET_RACE_ROUNDS", "150"))


@pytest.fixture(autouse=True)
def switch_often() -> Iterator[None]:
    """The interpreter switches threads every microsecond instead of every 5 ms, so that a
    thread is often preempted between taking a handle and calling the library with it:
    the window a missing lock would leave open."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


@pytest.fixture
def freed(monkeypatch: pytest.MonkeyPatch) -> List[int]:
    """The address of each registry the library frees during the test, in order: the
    binding's free call, counted on its way through."""
    addresses: List[int] = []
    real_free = _registry._registry_free

    def counting_free(handle: object) -> None:
        addresses.append(int(ffi.cast("uintptr_t", handle)))
        real_free(handle)

    monkeypatch.setattr(_registry, "_registry_free", counting_free)
    return addresses


def test_speedups_are_what_authenticate_is() -> None:
    """The C path is used when built, unless PICKET_NO_SPEEDUPS=1 (the tests run both)."""
    wanted = os.environ.get("PICKET_NO_SPEEDUPS") != "1"
    assert _fast.SPEEDUPS is wanted
    with RegistryBuilder() as builder:
        registry = builder.build()
    with registry:
        bound_to = getattr(registry.authenticate, "__self__", None)
        assert (type(bound_to).__name__ == "Authenticator") is wanted


def _long_uri(n: int) -> str:
    """A redirect URI near the 2,048-byte limit: the library spends a while validating it,
    inside the call, with the GIL released."""
    return f"https://app.example.com/{n:08d}/" + "a" * 1990


def test_build_racing_add_never_frees_under_it() -> None:
    """One thread adds redirect URIs as fast as it can while another builds: every add
    either completes before the build (its URI is in the registry) or fails with
    ValueError after it; none runs on a freed builder. The main thread waits for the GIL
    while the adder is inside the library, so it builds right then."""
    pk = picket.format_key(KeyKind.PUBLISHABLE, os.urandom(16))
    for _ in range(ROUNDS):
        builder = RegistryBuilder()
        builder.add_project(1, Mode.DEVELOPMENT).add_key(pk, 1)
        added: List[str] = []
        refused: List[str] = []
        go = threading.Barrier(2)

        def adder() -> None:
            go.wait()
            n = 0
            while True:
                uri = _long_uri(n)
                try:
                    builder.add_redirect_uri(1, uri)
                except ValueError as error:
                    refused.append(str(error))
                    return
                added.append(uri)
                n += 1

        thread = threading.Thread(target=adder)
        thread.start()
        go.wait()
        while not added:  # the adder is running: from here it is mostly inside the library
            pass
        registry = builder.build()
        thread.join()
        assert refused == ["this RegistryBuilder is closed or already built"]
        with registry:
            for uri in added:  # every add that returned is in the registry
                assert registry.authorize_redirect(pk.expose(), uri, NOW) == 1


def test_close_racing_builder_use() -> None:
    for _ in range(ROUNDS):
        builder = RegistryBuilder()
        builder.add_project(1, Mode.DEVELOPMENT)
        errors: List[BaseException] = []
        go = threading.Barrier(3)

        def user(index: int) -> None:
            go.wait()
            n = 0
            while True:
                try:
                    builder.add_redirect_uri(1, _long_uri(n))
                    builder.add_project(1_000_000 * (index + 1) + n, Mode.DEVELOPMENT)
                except ValueError:
                    return
                except BaseException as error:  # pragma: no cover - the failure reported
                    errors.append(error)
                    return
                n += 1
                done.append(n)

        done: List[int] = []
        threads = [threading.Thread(target=user, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        go.wait()
        while not done:
            pass
        builder.close()
        for thread in threads:
            thread.join()
        assert errors == []
        assert builder.closed


def test_close_racing_authenticate_frees_after_the_last_call(freed: List[int]) -> None:
    """Threads authenticate in a loop while the main thread closes the registry: each
    call returns the right answer or ValueError (closed); the registry is freed exactly
    once, after the calls."""
    key = picket.format_key(KeyKind.SECRET, os.urandom(16))
    header = basic(key.expose() + ":")
    for round_ in range(ROUNDS):
        with RegistryBuilder() as builder:
            builder.add_project(7, Mode.PRODUCTION).add_key(key, 7)
            registry = builder.build()
        address = int(ffi.cast("uintptr_t", registry._live))
        wrong: List[str] = []
        go = threading.Barrier(5)

        calls: List[int] = []

        def caller() -> None:
            go.wait()
            while True:
                try:
                    auth = registry.authenticate(header, NOW, Requirement.SECRET)
                except ValueError:
                    return
                if auth.project != 7:  # pragma: no cover - the failure reported
                    wrong.append(repr(auth))
                calls.append(1)

        threads = [threading.Thread(target=caller) for _ in range(4)]
        for thread in threads:
            thread.start()
        go.wait()
        while len(calls) < 8:  # the callers are running: most of the time inside the library
            pass
        registry.close()
        for thread in threads:
            thread.join()
        assert wrong == []
        assert freed[round_:] == [address]


def _load(keys: List[picket.Key]) -> picket.Registry:
    builder = RegistryBuilder()
    builder.add_project(1, Mode.PRODUCTION)
    for key in keys:
        builder.add_key(key, 1)
    return builder.build()


def test_holder_swaps_under_calls_in_flight(freed: List[int]) -> None:
    """Threads authenticate through a RegistryHolder while another thread reloads it with
    a rolled key each time: the key present in every generation always authenticates, no
    call fails, and every registry loaded is freed once (the last by close())."""
    stable = picket.format_key(KeyKind.SECRET, os.urandom(16))
    loads: List[int] = []
    latest: List[picket.Key] = []

    def loader() -> picket.Registry:
        rolled = picket.format_key(KeyKind.SECRET, os.urandom(16))
        registry = _load([stable, rolled])
        latest[:] = [rolled]
        loads.append(int(ffi.cast("uintptr_t", registry._live)))
        return registry

    holder = RegistryHolder(loader)
    stop = threading.Event()
    failures: List[str] = []
    calls = [0]

    def caller() -> None:
        header = basic(stable.expose() + ":")
        while not stop.is_set():
            try:
                holder.authenticate(header, NOW, Requirement.SECRET)
                calls[0] += 1
            except Exception as error:  # pragma: no cover - the failure reported
                failures.append(repr(error))
                return

    threads = [threading.Thread(target=caller) for _ in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(ROUNDS):
        holder.reload()
        rolled_header = basic(latest[0].expose() + ":")
        assert holder.authenticate(rolled_header, NOW).project == 1
    stop.set()
    for thread in threads:
        thread.join()
    assert failures == [] and calls[0] > 0
    assert len(loads) == ROUNDS + 1
    assert sorted(freed) == sorted(loads[:-1])  # every old one freed, the current not
    holder.close()
    assert sorted(freed) == sorted(loads)
    holder.close()  # idempotent
    with pytest.raises(ValueError):
        holder.authenticate("", NOW)


def test_holder_call_on_a_registry_a_reload_just_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window between reading the current registry and calling it: a reload that swaps
    and closes it there (a call in another thread sees exactly this) must not fail the
    call; it lands on the registry that replaced it."""
    key = picket.format_key(KeyKind.SECRET, os.urandom(16))
    header = basic(key.expose() + ":")
    holder = RegistryHolder(lambda: _load([key]))
    stale = holder.registry
    holder.reload()
    assert stale.closed and holder.registry is not stale
    current = RegistryHolder.registry
    reads = iter([stale, stale])

    def racing_read(self: RegistryHolder) -> picket.Registry:
        return next(reads, None) or current.fget(self)

    monkeypatch.setattr(RegistryHolder, "registry", property(racing_read))
    assert holder.authenticate(header, NOW, Requirement.SECRET).project == 1
    with pytest.raises(picket.AuthorizeError):
        holder.authorize_redirect(key.expose(), "https://example.com/cb", NOW)
    monkeypatch.undo()
    # A registry closed by hand while still current is an error, not a retry forever.
    holder.registry.close()
    with pytest.raises(ValueError, match="closed"):
        holder.authenticate(header, NOW)
    holder.close()
    with pytest.raises(ValueError, match="closed"):
        holder.authenticate(header, NOW)


def test_holder_keeps_the_current_registry_when_the_loader_fails() -> None:
    key = picket.format_key(KeyKind.SECRET, os.urandom(16))
    fail = [False]

    def loader() -> picket.Registry:
        if fail[0]:
            raise RuntimeError("database down")
        return _load([key])

    with RegistryHolder(loader) as holder:
        before = holder.registry
        fail[0] = True
        with pytest.raises(RuntimeError, match="database down"):
            holder.reload()
        assert holder.registry is before and not before.closed
        assert holder.authenticate(basic(key.expose() + ":"), NOW).project == 1


def test_holder_refreshes_on_version_change_and_polls() -> None:
    keys = [picket.format_key(KeyKind.SECRET, os.urandom(16))]
    version = [1]
    with RegistryHolder(lambda: _load(list(keys)), version=lambda: version[0]) as holder:
        assert holder.refresh() is False  # nothing changed: no rebuild
        new = picket.format_key(KeyKind.SECRET, os.urandom(16))
        keys.append(new)
        header = basic(new.expose() + ":")
        with pytest.raises(picket.AuthError):
            holder.authenticate(header, NOW)  # not loaded yet
        version[0] = 2
        assert holder.refresh() is True
        assert holder.authenticate(header, NOW).project == 1
        # A background poll picks up the next change by itself.
        newer = picket.format_key(KeyKind.SECRET, os.urandom(16))
        keys.append(newer)
        version[0] = 3
        holder.poll(0.01)
        swapped = threading.Event()
        for _ in range(500):
            try:
                holder.authenticate(basic(newer.expose() + ":"), NOW)
                swapped.set()
                break
            except picket.AuthError:
                threading.Event().wait(0.01)
        assert swapped.is_set()
    with pytest.raises(TypeError):
        RegistryHolder(lambda: "not a registry")  # type: ignore[arg-type,return-value]
