"""The hot path: :meth:`picket.Registry.authenticate`.

Two implementations of the same call to ``picket_registry_authenticate``:

* ``picket._speedups.Authenticator`` (C, ``_speedups.c``, on CPython's limited API): bound
  to each registry by :func:`bind`, its ``authenticate`` method is what
  ``registry.authenticate`` is when the extension is present (it always is in a built
  wheel). It takes the header without a copy, releases the GIL around the call and hands
  every unusual input and every failure back to Python.
* :func:`authenticate` (Python, cffi): the method of :class:`~picket.Registry`, used when
  ``_speedups`` is missing (``PICKET_NO_SPEEDUPS=1`` forces it; the tests run both) and for
  the inputs the C path hands back. It is the reference the C path is tested against.

What the Python path avoids, each measured by ``bench.py``: no per-call allocation of output
parameters (each thread has its own two, made once), no validation of values the C ABI
checks itself (an out-of-range ``now`` makes cffi raise ``OverflowError``, and only then
is the value examined for a clear message), and no new :class:`Auth` per call (the
registry keeps the answers it has given, bounded).

The registry's handle is read once into a local variable: that reference keeps the
library's registry alive until the call returns, even if another thread closes the
:class:`~picket.Registry` meanwhile (the handle frees itself when its last reference
goes; see :mod:`picket._registry`).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any, NamedTuple, Optional, Tuple, Union

from ._convert import KeyKind, Requirement, _enum, _header_bytes, _message, _seconds
from ._ffi import ffi, lib
from ._rules import _auth_error

if TYPE_CHECKING:
    from ._registry import Registry

__all__ = ["Auth", "authenticate", "bind", "SPEEDUPS"]


class Auth(NamedTuple):
    """A request that authenticated: the key's ``project`` and ``kind``."""

    #: The project the key belongs to.
    project: int
    #: The key's kind.
    kind: KeyKind


_KINDS = {int(k): k for k in KeyKind}
_authenticate = lib.picket_registry_authenticate
_local = threading.local()
_FLOAT_U64_LIMIT = float(2**64)
_RESULTS_MAX = 65536


def _outs() -> Tuple[Any, Any]:
    """This thread's output parameters (``uint64_t *project``, ``uint32_t *kind``): read
    right after the call by the same thread, so threads never share them."""
    outs = (ffi.new("uint64_t *"), ffi.new("uint32_t *"))
    _local.outs = outs
    return outs


def authenticate(
    self: "Registry",
    header: Union[str, bytes],
    now: Union[int, float],
    requirement: Requirement = Requirement.ANY,
) -> Auth:
    """Authenticates a request from its ``Authorization`` value (``""`` when absent).

    In order: parse the header, parse the key, SHA-256, look it up (constant-time
    compare of the full digest), check expiry against ``now`` (unix seconds: pass
    ``time.time()``, a float is rounded down; the library has no clock), check the kind
    against ``requirement``. A ``str`` header is the ISO-8859-1 decoding of the bytes
    received (as WSGI and ASGI servers give it); ``bytes`` are used as they are.

    Example::

        auth = registry.authenticate(environ.get("HTTP_AUTHORIZATION", ""), time.time(),
                                     Requirement.SECRET)
        auth.project, auth.kind

    Raises:
        AuthError: with ``http_status`` 401 and the ``challenge`` to send, or 403 for a
            valid key of the wrong kind.
        ValueError: the registry is closed, or ``now`` or ``requirement`` is invalid.
    """
    live = self._live
    if live is None:
        raise ValueError("this Registry is closed")
    if header.__class__ is str:
        try:
            header = header.encode("latin-1")
        except UnicodeEncodeError:
            header = _header_bytes(header)
    elif header.__class__ is not bytes:
        header = _header_bytes(header)
    if now.__class__ is float and 0.0 <= now < _FLOAT_U64_LIMIT:
        now = int(now)
    try:
        outs = _local.outs
    except AttributeError:
        outs = _outs()
    try:
        code = _authenticate(live, header, len(header), now, requirement, outs[0], outs[1])
    except (OverflowError, TypeError):
        # cffi refused a value for its C type: say which and why.
        now = _seconds(now, "now")
        requirement = Requirement(_enum(requirement, Requirement, "requirement"))
        code = _authenticate(live, header, len(header), now, requirement, outs[0], outs[1])
    if code == 0:
        found = (outs[0][0] << 2) | outs[1][0]
        result = self._results.get(found)
        if result is None:
            result = Auth(found >> 2, _KINDS[found & 3])
            if len(self._results) < _RESULTS_MAX:
                self._results[found] = result
        return result
    del live
    message = _message(code)  # first: the library's message is this thread's latest
    if code < 100:
        _enum(requirement, Requirement, "requirement")  # a ValueError that says why
    raise _auth_error(code, message)


def _fail(code: int, requirement: Any) -> None:
    """Raises the error of a failed call (the C path's ``fail``); reads this thread's last
    error message first."""
    message = _message(code)
    if code < 100 and requirement is not None:
        _enum(requirement, Requirement, "requirement")
    raise _auth_error(code, message)


def _make_auth(found: int) -> Auth:
    return Auth(found >> 2, _KINDS[found & 3])


_speedups: Any
try:
    if os.environ.get("PICKET_NO_SPEEDUPS") == "1":
        raise ImportError("PICKET_NO_SPEEDUPS=1")
    from . import _speedups  # type: ignore[attr-defined,no-redef]
except ImportError:
    _speedups = None

#: Whether ``registry.authenticate`` is the C path (``picket._speedups``).
SPEEDUPS: bool = _speedups is not None
_FUNCTION = int(ffi.cast("uintptr_t", ffi.addressof(lib, "picket_registry_authenticate")))


def bind(registry: "Registry") -> Optional[Any]:
    """The C ``Authenticator`` of ``registry`` (None without ``_speedups``): its
    ``authenticate`` method is the registry's, and its fallback the Python method, bound to
    the same registry."""
    if _speedups is None:
        return None
    live = registry._live
    return _speedups.Authenticator(
        _FUNCTION,
        int(ffi.cast("uintptr_t", live)),
        live,
        registry._results,
        _make_auth,
        _fail,
        authenticate.__get__(registry),
    )
