"""The C hot path (picket._speedups) and the Python path give the same answers and the
same errors for every kind of input, including the ones the C path hands back to Python;
and a closed registry is refused by both."""

from __future__ import annotations

import math
from typing import Any, Tuple

import pytest
from conftest import SK, SK_CURL

import picket
from picket import KeyKind, Mode, RegistryBuilder, Requirement, _fast


class StrSubclass(str):
    pass


def _outcome(call: Any, *args: Any, **kwargs: Any) -> Tuple[str, Any]:
    try:
        return ("ok", call(*args, **kwargs))
    except picket.AuthError as error:
        return ("auth", (error.code, error.http_status, error.message))
    except Exception as error:  # the type and text of any other error
        return (type(error).__name__, str(error))


INPUTS = [
    ((SK_CURL, 1_000), {}),
    ((SK_CURL, 1_000, Requirement.SECRET), {}),
    ((SK_CURL, 1_000), {"requirement": Requirement.PUBLISHABLE}),  # keyword: handed back
    ((SK_CURL.encode(), 1_000, 2), {}),
    ((bytearray(SK_CURL.encode()), 1_000), {}),
    ((memoryview(SK_CURL.encode()), 1_000), {}),
    ((StrSubclass(SK_CURL), 1_000), {}),
    ((SK_CURL + "\u20ac", 1_000), {}),  # wider than latin-1: sent as UTF-8, refused
    (("Basic \xe9", 1_000), {}),  # latin-1 but not ASCII
    (("", 1_000), {}),
    ((SK_CURL, 1_000.9), {}),
    ((SK_CURL, -1), {}),
    ((SK_CURL, -0.5), {}),
    ((SK_CURL, math.nan), {}),
    ((SK_CURL, math.inf), {}),
    ((SK_CURL, 2**64), {}),
    ((SK_CURL, 2**64 - 1), {}),
    ((SK_CURL, "1000"), {}),
    ((SK_CURL, True), {}),
    ((SK_CURL, 1_000, 0), {}),
    ((SK_CURL, 1_000, 7), {}),
    ((SK_CURL, 1_000, 2**40), {}),
    ((SK_CURL, 1_000, -1), {}),
    ((SK_CURL, 1_000, "secret"), {}),
    ((None, 1_000), {}),
    ((SK_CURL,), {}),
    ((SK_CURL, 1_000, 3, 4), {}),
]


@pytest.fixture
def registry() -> Any:
    with RegistryBuilder() as builder:
        builder.add_project(1, Mode.PRODUCTION).add_key(picket.parse_key(SK), 1)
        reg = builder.build()
    with reg:
        yield reg


@pytest.mark.parametrize("args,kwargs", INPUTS)
def test_both_paths_agree(registry: picket.Registry, args: Any, kwargs: Any) -> None:
    slow = _fast.authenticate.__get__(registry)
    assert _outcome(registry.authenticate, *args, **kwargs) == _outcome(slow, *args, **kwargs)


def test_the_answers_themselves(registry: picket.Registry) -> None:
    auth = registry.authenticate(SK_CURL, 1_000.9, Requirement.SECRET)
    assert auth == (1, KeyKind.SECRET) and isinstance(auth, picket.Auth)
    assert registry.authenticate(SK_CURL, 1_000) is auth  # the cached answer
    with pytest.raises(ValueError, match="now is NaN"):
        registry.authenticate(SK_CURL, math.nan)
    with pytest.raises(ValueError, match="requirement must be one of"):
        registry.authenticate(SK_CURL, 1_000, 7)
    with pytest.raises(picket.AuthError) as refused:
        registry.authenticate(SK_CURL, 1_000, Requirement.PUBLISHABLE)
    assert refused.value.http_status == 403


def test_closed_registry_is_refused_by_both_paths(registry: picket.Registry) -> None:
    fast = registry.authenticate
    slow = _fast.authenticate.__get__(registry)
    registry.close()
    for call in (fast, slow, registry.authenticate):
        with pytest.raises(ValueError, match="closed"):
            call(SK_CURL, 1_000)


def test_an_uninitialised_authenticator_refuses_calls() -> None:
    if not _fast.SPEEDUPS:
        pytest.skip("picket._speedups is not in use")
    from picket import _speedups  # type: ignore[attr-defined]

    bare = _speedups.Authenticator.__new__(_speedups.Authenticator)
    with pytest.raises(ValueError, match="closed"):
        bare.authenticate(SK_CURL, 1_000)
    with pytest.raises(TypeError):
        _speedups.Authenticator()  # no arguments: refused, and then unusable
