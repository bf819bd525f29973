"""RegistryBuilder and Registry: building, authenticating, authorizing, lifetimes."""

from __future__ import annotations

import gc
import threading

import pytest
from conftest import PK, PK_JS_SDK, SK, SK_CURL, SK_SECRET_PART, basic

import picket
from picket import (
    Auth,
    AuthError,
    AuthorizeError,
    BuildError,
    Code,
    KeyKind,
    Mode,
    RedirectError,
    Registry,
    RegistryBuilder,
    Requirement,
)

NOW = 1_000
CALLBACK = "http://localhost:3000/callback"


def test_authenticate_every_client_form(registry: Registry) -> None:
    for header in (SK_CURL, basic(SK), basic(SK + ":", spaces=3), SK_CURL.encode()):
        auth = registry.authenticate(header, NOW, Requirement.SECRET)
        assert auth == Auth(1, KeyKind.SECRET)
        assert auth.project == 1 and auth.kind is KeyKind.SECRET
    auth = registry.authenticate(PK_JS_SDK, NOW, Requirement.PUBLISHABLE)
    assert auth == (1, KeyKind.PUBLISHABLE)
    assert registry.authenticate(PK_JS_SDK, NOW) == (1, KeyKind.PUBLISHABLE)  # ANY by default
    assert registry.authenticate(PK_JS_SDK, NOW, 3) == (1, KeyKind.PUBLISHABLE)  # type: ignore[arg-type]


def test_wrong_kind_is_403_without_challenge(registry: Registry) -> None:
    with pytest.raises(AuthError) as caught:
        registry.authenticate(PK_JS_SDK, NOW, Requirement.SECRET)
    error = caught.value
    assert error.code is Code.AUTH_WRONG_KIND
    assert (error.http_status, error.challenge) == (403, None)
    assert "requires a secret key, but a publishable key was sent" in error.message
    with pytest.raises(AuthError) as caught:
        registry.authenticate(SK_CURL, NOW, Requirement.PUBLISHABLE)
    assert caught.value.http_status == 403


@pytest.mark.parametrize(
    "header, code",
    [
        ("", Code.HEADER_MISSING),
        ("Bearer " + SK, Code.HEADER_BEARER_NOT_ENABLED),
        (basic(PK + ":" + SK), Code.HEADER_NON_EMPTY_PASSWORD),
        (basic("sk_" + "0" * 31 + "F:"), Code.KEY_UPPERCASE),
        (basic("sk_" + "0" * 32 + ":"), Code.AUTH_UNKNOWN_KEY),
    ],
)
def test_refusals_are_401_with_challenge(registry: Registry, header: str, code: Code) -> None:
    with pytest.raises(AuthError) as caught:
        registry.authenticate(header, NOW, Requirement.ANY)
    error = caught.value
    assert error.code is code
    assert (error.http_status, error.challenge) == (401, 'Basic realm="picket"')
    assert SK_SECRET_PART not in error.message and SK_SECRET_PART not in repr(error)


def test_expiry_and_now() -> None:
    key = picket.format_key(KeyKind.SECRET, b"\x07" * 16)
    with RegistryBuilder() as builder:
        builder.add_project(9, Mode.PRODUCTION).add_key(key, 9, expires_at=2_000.9)
        registry = builder.build()
    header = basic(key.expose() + ":")
    with registry:
        assert registry.authenticate(header, 1_999, Requirement.SECRET).project == 9
        assert registry.authenticate(header, 1_999.99, Requirement.SECRET).project == 9
        # A float expiry is rounded down: the key never lasts longer than asked.
        for now in (2_000, 2_000.5, 10**12):
            with pytest.raises(AuthError) as caught:
                registry.authenticate(header, now, Requirement.SECRET)
            assert caught.value.code is Code.AUTH_EXPIRED and caught.value.http_status == 401
        for bad in (-1, float("nan"), float("inf"), 2**64):
            with pytest.raises(ValueError):
                registry.authenticate(header, bad, Requirement.SECRET)
        with pytest.raises(TypeError):
            registry.authenticate(header, "now", Requirement.SECRET)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            registry.authenticate(header, 0, 7)  # type: ignore[arg-type]


def test_fixture_project_2_expires(registry: Registry) -> None:
    key = picket.format_key(KeyKind.SECRET, bytes(range(16)))
    header = basic(key.expose() + ":")
    assert registry.authenticate(header, 1_999, Requirement.SECRET) == (2, KeyKind.SECRET)
    with pytest.raises(AuthError):
        registry.authenticate(header, 2_000, Requirement.SECRET)


def test_accept_bearer_option() -> None:
    key = picket.parse_key(SK)
    for builder in (
        RegistryBuilder(accept_bearer=True),
        RegistryBuilder().set_options(accept_bearer=True),
    ):
        with builder:
            builder.add_project(1, Mode.PRODUCTION).add_key(key, 1)
            with builder.build() as registry:
                assert registry.authenticate(f"Bearer {SK}", NOW).project == 1
                assert registry.authenticate(SK_CURL, NOW).project == 1


def test_add_key_forms() -> None:
    keys = [picket.format_key(KeyKind.SECRET, bytes([i]) * 16) for i in range(3)]
    with RegistryBuilder() as builder:
        builder.add_project(2**64 - 1, Mode.PRODUCTION)
        builder.add_key(keys[0], 2**64 - 1)
        builder.add_key(keys[1].digest(), 2**64 - 1, KeyKind.SECRET)
        builder.add_key(keys[2].digest_hex(), 2**64 - 1, KeyKind.SECRET, expires_at=None)
        registry = builder.build()
    with registry:
        for key in keys:
            assert registry.authenticate(basic(key.expose()), NOW) == (2**64 - 1, KeyKind.SECRET)


def test_add_key_argument_errors() -> None:
    key = picket.parse_key(SK)
    with RegistryBuilder() as builder:
        builder.add_project(1, Mode.PRODUCTION)
        with pytest.raises(ValueError):
            builder.add_key(key, 1, KeyKind.PUBLISHABLE)  # disagrees with the key
        with pytest.raises(TypeError):
            builder.add_key(key.digest(), 1)  # a digest needs its kind
        with pytest.raises(ValueError):
            builder.add_key(b"\0" * 31, 1, KeyKind.SECRET)
        with pytest.raises(picket.DigestError):
            builder.add_key("ab" * 31, 1, KeyKind.SECRET)
        with pytest.raises(ValueError):
            builder.add_key(key, -1)
        with pytest.raises(ValueError):
            builder.add_key(key, 2**64)
        with pytest.raises(ValueError):
            builder.add_key(key, 1, expires_at=-5)
        with pytest.raises(TypeError):
            builder.add_project("1", Mode.PRODUCTION)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            builder.add_project(3, 9)  # type: ignore[arg-type]


def test_build_errors() -> None:
    key = picket.parse_key(SK)
    with RegistryBuilder() as builder:
        with pytest.raises(BuildError) as caught:
            builder.add_redirect_uri(5, "https://example.com/")
        assert caught.value.code is Code.BUILD_UNKNOWN_PROJECT
        assert "project 5" in caught.value.message
        with pytest.raises(BuildError) as caught:
            builder.add_key(key, 5)
        assert caught.value.code is Code.BUILD_UNKNOWN_PROJECT
        builder.add_project(5, Mode.PRODUCTION)
        with pytest.raises(BuildError) as caught:
            builder.add_project(5, Mode.PRODUCTION)
        assert caught.value.code is Code.BUILD_DUPLICATE_PROJECT
        with pytest.raises(RedirectError) as caught_redirect:
            builder.add_redirect_uri(5, "http://localhost:3000")
        assert caught_redirect.value.code is Code.REDIRECT_INSECURE_SCHEME
        builder.add_key(key, 5)
        builder.add_key(key, 5)
        with pytest.raises(BuildError) as caught:
            builder.build()
        assert caught.value.code is Code.BUILD_DUPLICATE_KEY
        # The builder was consumed by the failed build.
        assert builder.closed
        with pytest.raises(ValueError):
            builder.add_project(6, Mode.PRODUCTION)


def test_builder_lifetime() -> None:
    builder = RegistryBuilder()
    assert not builder.closed and "open" in repr(builder)
    builder.close()
    builder.close()  # idempotent
    assert builder.closed and "closed" in repr(builder)
    with pytest.raises(ValueError):
        builder.build()
    with RegistryBuilder() as b:
        registry = b.build()
    assert b.closed
    registry.close()
    with pytest.raises(TypeError):
        Registry()


def test_registry_lifetime() -> None:
    with RegistryBuilder() as builder:
        builder.add_project(1, Mode.PRODUCTION).add_key(picket.parse_key(SK), 1)
        registry = builder.build()
    with registry as same:
        assert same is registry
        assert registry.authenticate(SK_CURL, NOW).project == 1
    assert registry.closed and "closed" in repr(registry)
    registry.close()  # idempotent
    with pytest.raises(ValueError):
        registry.authenticate(SK_CURL, NOW)
    with pytest.raises(ValueError):
        registry.authorize_redirect(PK, CALLBACK, NOW)


def test_handles_are_freed_when_collected(monkeypatch: pytest.MonkeyPatch) -> None:
    from picket import _registry
    from picket._ffi import ffi

    freed: list = []

    def counting(real):  # type: ignore[no-untyped-def]
        def free(handle):  # type: ignore[no-untyped-def]
            freed.append((real.__name__, int(ffi.cast("uintptr_t", handle))))
            real(handle)

        return free

    monkeypatch.setattr(_registry, "_registry_free", counting(_registry._registry_free))
    monkeypatch.setattr(_registry, "_builder_free", counting(_registry._builder_free))
    with RegistryBuilder() as builder:
        registry = builder.build()
    assert freed == []  # a built builder is the library's to free, not ours
    address = int(ffi.cast("uintptr_t", registry._live))
    del registry  # no close(): the garbage collector frees it
    gc.collect()
    assert freed == [("picket_registry_free", address)]
    builder2 = RegistryBuilder()
    address = int(ffi.cast("uintptr_t", builder2._handle))
    del builder2
    gc.collect()
    assert freed[1:] == [("picket_registry_builder_free", address)]
    # close() frees at once, and only once.
    builder3 = RegistryBuilder()
    address = int(ffi.cast("uintptr_t", builder3._handle))
    builder3.close()
    assert freed[2:] == [("picket_registry_builder_free", address)]
    builder3.close()
    del builder3
    gc.collect()
    assert freed[2:] == [("picket_registry_builder_free", address)]
    # A closed registry is freed at close() when no call is in flight.
    with RegistryBuilder() as builder:
        registry = builder.build()
    address = int(ffi.cast("uintptr_t", registry._live))
    registry.close()
    assert freed[3:] == [("picket_registry_free", address)]


def test_close_while_other_threads_authenticate() -> None:
    """close() from one thread while others are inside calls: they finish, then see
    ValueError; nothing crashes and the memory is freed after the last call."""
    key = picket.parse_key(SK)
    with RegistryBuilder() as builder:
        builder.add_project(1, Mode.PRODUCTION).add_key(key, 1)
        registry = builder.build()
    started = threading.Barrier(9)
    outcomes: list = []

    def worker() -> None:
        started.wait()
        ok = 0
        while True:
            try:
                assert registry.authenticate(SK_CURL, NOW).project == 1
                ok += 1
            except ValueError:
                outcomes.append(ok)
                return

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    started.wait()
    registry.close()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == 8


def test_authorize_redirect(registry: Registry) -> None:
    assert registry.authorize_redirect(PK, CALLBACK, NOW) == 1
    assert registry.authorize_redirect(PK.encode(), b"http://localhost:3000/", NOW) == 1
    cases = [
        (PK, CALLBACK + "/", Code.AUTHORIZE_REDIRECT_NOT_REGISTERED),
        (PK, "http://localhost:3000", Code.AUTHORIZE_REDIRECT_NOT_REGISTERED),
        (SK, CALLBACK, Code.AUTHORIZE_SECRET_KEY_EXPOSED),
        ("pk_" + "0" * 32, CALLBACK, Code.AUTHORIZE_UNKNOWN_CLIENT),
        ("pk_x", CALLBACK, Code.KEY_WRONG_LENGTH),
        ("", CALLBACK, Code.KEY_EMPTY),
    ]
    for client_id, uri, code in cases:
        with pytest.raises(AuthorizeError) as caught:
            registry.authorize_redirect(client_id, uri, NOW)
        assert caught.value.code is code, (client_id, uri)
        assert SK_SECRET_PART not in caught.value.message
    with pytest.raises(AuthorizeError) as caught:
        registry.authorize_redirect(SK, CALLBACK, NOW)
    assert "exposed" in caught.value.message and "rolled" in caught.value.message


def test_authorize_expired_client() -> None:
    pk = picket.format_key(KeyKind.PUBLISHABLE, b"\x01" * 16)
    with RegistryBuilder() as builder:
        builder.add_project(3, Mode.DEVELOPMENT, loopback_any_port=True)
        builder.add_redirect_uri(3, "http://127.0.0.1:8000/cb")
        builder.add_key(pk, 3, expires_at=100)
        registry = builder.build()
    with registry:
        assert registry.authorize_redirect(pk.expose(), "http://127.0.0.1:9999/cb", 99) == 3
        with pytest.raises(AuthorizeError) as caught:
            registry.authorize_redirect(pk.expose(), "http://127.0.0.1:8000/cb", 100)
        assert caught.value.code is Code.AUTHORIZE_EXPIRED


def test_results_are_shared_objects(registry: Registry) -> None:
    a = registry.authenticate(SK_CURL, NOW)
    b = registry.authenticate(SK_CURL, NOW)
    assert a == b == (1, KeyKind.SECRET) and isinstance(a, Auth)


def _typed(registry: picket.Registry, header: bytes, now: int, requirement: int) -> tuple:
    """The C function called directly through cffi: (code, project, kind)."""
    from picket._ffi import ffi, lib

    project = ffi.new("uint64_t *")
    kind = ffi.new("uint32_t *")
    code = lib.picket_registry_authenticate(
        registry._live, header, len(header), now, int(requirement), project, kind
    )
    return (code, 0, 0) if code else (0, project[0], kind[0])


def _answer(call, *args) -> tuple:  # type: ignore[no-untyped-def]
    try:
        auth = call(*args)
        return (0, auth.project, int(auth.kind))
    except AuthError as error:
        return (int(error.code), 0, 0)


def test_fast_paths_agree_with_the_c_function() -> None:
    """Registry.authenticate (the C path of picket._speedups when built, and the Python
    path it falls back on) gives the C function's answers, for 64-bit projects and times
    too (a truncated argument would change them), with str, bytes and float inputs."""
    from picket import _fast

    slow = _fast.authenticate
    big = 2**64 - 2
    keys = [
        picket.format_key(kind, bytes([i]) * 16)
        for i, kind in enumerate([KeyKind.SECRET, KeyKind.PUBLISHABLE] * 4)
    ]
    with RegistryBuilder() as builder:
        builder.add_project(big, Mode.PRODUCTION).add_project(2**32 + 5, Mode.PRODUCTION)
        for i, key in enumerate(keys):
            builder.add_key(key, big if i % 2 else 2**32 + 5, expires_at=2**33 + i)
        registry = builder.build()
    headers = [basic(k.expose() + ":") for k in keys] + ["", "Basic x", basic("sk_" + "0" * 32)]
    with registry:
        for header in headers:
            for now in (0, 2**32 + 1, 2**33 + 3, 2**64 - 1):
                for requirement in Requirement:
                    typed = _typed(registry, header.encode(), now, requirement)
                    for args in (
                        (header, now, requirement),
                        (header.encode(), now, int(requirement)),
                        (header, float(now) + 0.5 if now < 2**52 else now, requirement),
                    ):
                        assert _answer(registry.authenticate, *args) == typed, args
                        assert _answer(slow, registry, *args) == typed, args
        assert registry.authenticate(headers[1], 2**33).project == big
        assert registry.authenticate(headers[0], 2**33 - 1).project == 2**32 + 5
        with pytest.raises(AuthError):
            registry.authenticate(headers[0], 2**33)  # key 0 expires at 2**33


def test_prefix_decides_the_kind() -> None:
    """Issue 10.2: a stored digest added with the kind its key's prefix contradicts never
    authenticates (503, a 401 with the challenge) and is no client_id either."""
    pk = picket.format_key(KeyKind.PUBLISHABLE, b"\x21" * 16)
    sk = picket.format_key(KeyKind.SECRET, b"\x22" * 16)
    with RegistryBuilder() as builder:
        builder.add_project(1, Mode.DEVELOPMENT)
        builder.add_redirect_uri(1, CALLBACK)
        builder.add_key(pk.digest(), 1, kind=KeyKind.SECRET)
        builder.add_key(sk.digest(), 1, kind=KeyKind.PUBLISHABLE)
        registry = builder.build()
    with registry:
        for key in (pk, sk):
            for requirement in Requirement:
                with pytest.raises(AuthError) as caught:
                    registry.authenticate(basic(key.expose() + ":"), NOW, requirement)
                error = caught.value
                assert error.code is Code.AUTH_KIND_MISMATCH and int(error.code) == 503
                assert (error.http_status, error.challenge) == (401, 'Basic realm="picket"')
                assert "the other kind than the key's own prefix" in error.message
                assert key.expose()[3:] not in error.message
        with pytest.raises(AuthorizeError) as caught_authorize:
            registry.authorize_redirect(pk.expose(), CALLBACK, NOW)
        assert caught_authorize.value.code is Code.AUTHORIZE_UNKNOWN_CLIENT
