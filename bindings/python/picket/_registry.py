"""The owners of library handles: :class:`RegistryBuilder` and :class:`Registry`
(:class:`RegistryHolder`, which swaps registries, is in ``_holder``). Private: see
:mod:`picket`.

Memory safety whatever the caller does, with threads (cffi releases the GIL during every
call, so two threads can be inside the library at once):

* A builder's every use, its consumption by :meth:`RegistryBuilder.build` and its free
  hold the builder's lock: ``build()`` racing ``add_key()`` on another thread waits for
  the add to leave the library, and the add after it finds the builder consumed
  (``ValueError``), never a freed pointer.
* A registry's handle is a cffi pointer whose destructor (``picket_registry_free``) runs
  when its last reference goes. :class:`Registry` holds one; each call in flight holds
  another in a local variable. :meth:`Registry.close` drops the registry's own, so a
  registry closed while other threads are inside ``authenticate`` is freed when the last
  of those calls returns, and ``authenticate`` itself takes no lock (the reference count
  is the in-flight counter, maintained by the interpreter).
"""

from __future__ import annotations

import threading
from typing import Any, Dict, Iterable, Optional, TypeVar, Union

from ._codes import Code
from ._convert import (
    _OPTION_ACCEPT_BEARER,
    NO_EXPIRY,
    KeyKind,
    Mode,
    Text,
    _enum,
    _error,
    _seconds,
    _u64,
    _utf8,
)
from ._fast import Auth, authenticate, bind
from ._ffi import NULL, ffi, lib
from ._keys import Key, _digest_arg, digest_from_hex
from ._rules import _redirect_options
from .errors import AuthorizeError

__all__ = ["RegistryBuilder", "Registry"]

_builder_new = lib.picket_registry_builder_new
_builder_free = lib.picket_registry_builder_free
_builder_set_options = lib.picket_registry_builder_set_options
_builder_add_project = lib.picket_registry_builder_add_project
_builder_add_redirect_uri = lib.picket_registry_builder_add_redirect_uri
_builder_add_key = lib.picket_registry_builder_add_key
_builder_build = lib.picket_registry_builder_build
_registry_free = lib.picket_registry_free
_registry_update = lib.picket_registry_update
_registry_authorize_redirect = lib.picket_registry_authorize_redirect

_C = TypeVar("_C", bound="_Closeable")


class _Closeable:
    """What the owners of a library handle share: a context manager that closes on exit,
    a finalizer as a safety net and a ``repr`` that says whether the handle is open.
    Subclasses define ``close`` and ``closed``."""

    __slots__ = ()

    def close(self) -> None:
        raise NotImplementedError

    @property
    def closed(self) -> bool:
        raise NotImplementedError

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown, half-built object
            pass

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {'closed' if self.closed else 'open'}>"


class RegistryBuilder(_Closeable):
    """Collects projects, redirect URIs and keys, then :meth:`build` s a :class:`Registry`.

    Add each project before its keys and redirect URIs. The methods return the builder, so
    calls can be chained. :meth:`build` consumes it; :meth:`close` (or leaving a ``with``
    block) frees an unbuilt one. Safe to share between threads: each call holds the
    builder's lock, so a ``build`` or ``close`` never frees the builder under another
    thread's call.

    Example::

        with RegistryBuilder() as b:
            b.add_project(1, Mode.DEVELOPMENT)
            b.add_redirect_uri(1, "http://localhost:3000/callback")
            b.add_key(pk, 1)            # a Key: its digest and kind are used
            registry = b.build()
    """

    __slots__ = ("_handle", "_lock")

    def __init__(self, *, accept_bearer: bool = False) -> None:
        self._lock = threading.Lock()
        self._handle: Any = None
        handle = _builder_new()
        if handle == NULL:
            raise MemoryError("picket_registry_builder_new returned NULL")
        self._handle = handle
        if accept_bearer:
            self.set_options(accept_bearer=True)

    def _live(self) -> Any:
        # Called with self._lock held.
        handle = self._handle
        if handle is None:
            raise ValueError("this RegistryBuilder is closed or already built")
        return handle

    def set_options(self, *, accept_bearer: bool = False) -> "RegistryBuilder":
        """Sets the header options :meth:`Registry.authenticate` uses: ``accept_bearer``
        also accepts ``Authorization: Bearer <key>``."""
        with self._lock:
            code = _builder_set_options(self._live(), _OPTION_ACCEPT_BEARER if accept_bearer else 0)
        if code != Code.OK:
            raise _error(code)
        return self

    def add_project(
        self,
        project: int,
        mode: Mode,
        *,
        allow_private_use_schemes: bool = False,
        loopback_any_port: bool = False,
    ) -> "RegistryBuilder":
        """Adds a project (the server's own id, 0 to 2**64-1) with its mode and redirect
        options.

        Raises:
            BuildError: the project was already added (``BUILD_DUPLICATE_PROJECT``).
        """
        project_value = _u64(project, "project")
        mode_value = _enum(mode, Mode, "mode")
        options = _redirect_options(allow_private_use_schemes, loopback_any_port)
        with self._lock:
            code = _builder_add_project(self._live(), project_value, mode_value, options)
            if code != Code.OK:
                raise _error(code)
        return self

    def add_redirect_uri(self, project: int, uri: Text) -> "RegistryBuilder":
        """Registers a redirect URI for ``project``, validated for the project's mode.

        Raises:
            BuildError: the project was not added (``BUILD_UNKNOWN_PROJECT``).
            RedirectError: the URI is refused, naming the rule (codes 400-415).
        """
        raw = _utf8(uri, "uri")
        project_value = _u64(project, "project")
        with self._lock:
            code = _builder_add_redirect_uri(self._live(), project_value, raw, len(raw))
            if code != Code.OK:
                raise _error(code)
        return self

    def add_key(
        self,
        key: Union[Key, bytes, str],
        project: int,
        kind: Optional[KeyKind] = None,
        expires_at: Optional[Union[int, float]] = None,
    ) -> "RegistryBuilder":
        """Adds a key to ``project``.

        ``key`` is a :class:`Key` (its digest and kind are used; ``kind``, if given, must
        agree), or a stored digest: 32 raw bytes, or 64 lowercase hex digits, with its
        ``kind``. ``expires_at`` (unix seconds) ends the key's validity: it is valid while
        ``now < expires_at``; a float is rounded down (the key never lasts longer than
        asked). ``None`` means it never expires. Several keys per project and kind are
        allowed, so a key can be rolled with an overlap.

        Raises:
            BuildError: the project was not added (``BUILD_UNKNOWN_PROJECT``) or too many
                keys. A digest added twice is found by :meth:`build`.
            DigestError: a hex digest is malformed.
        """
        if isinstance(key, Key):
            raw_digest = key.digest()
            if kind is not None and _enum(kind, KeyKind, "kind") != key.kind:
                raise ValueError(f"kind is {KeyKind(kind)} but the key is {key.kind}")
            kind_value = int(key.kind)
        else:
            if kind is None:
                raise TypeError("kind is required when a digest is given")
            kind_value = _enum(kind, KeyKind, "kind")
            if isinstance(key, str):
                raw_digest = digest_from_hex(key)
            else:
                raw_digest = _digest_arg(key)
        expiry = (
            NO_EXPIRY if expires_at is None else min(_seconds(expires_at, "expires_at"), NO_EXPIRY)
        )
        project_value = _u64(project, "project")
        with self._lock:
            code = _builder_add_key(self._live(), raw_digest, project_value, kind_value, expiry)
            if code != Code.OK:
                raise _error(code)
        return self

    def build(self) -> "Registry":
        """Builds the immutable :class:`Registry`. The builder is consumed, whether or not
        the build succeeds.

        Raises:
            BuildError: a digest was added twice (``BUILD_DUPLICATE_KEY``).
        """
        out = ffi.new("struct picket_registry **")
        with self._lock:
            handle = self._live()
            self._handle = None
            # Consumed by the library, on success and failure alike.
            code = _builder_build(handle, out)
            if code != Code.OK:
                raise _error(code)
        return Registry._wrap(out[0])

    def close(self) -> None:
        """Frees the builder if it was not built. Idempotent; waits for a call in flight
        on another thread."""
        with self._lock:
            handle, self._handle = self._handle, None
            if handle is not None:
                _builder_free(handle)

    @property
    def closed(self) -> bool:
        """Whether the builder was built or closed."""
        return self._handle is None


class Registry(_Closeable):
    """The immutable, thread-safe index of keys and projects, built by a
    :class:`RegistryBuilder`. Any number of threads may call :meth:`authenticate` and
    :meth:`authorize_redirect` at once; the library runs them in parallel.

    Use it as a context manager, or call :meth:`close` (idempotent) when done; a registry
    that is garbage-collected is freed too. Calls after ``close`` raise ``ValueError``. A
    ``close`` while other threads are still inside a call is safe: the memory is freed
    when the last of those calls returns.

    Example::

        with builder.build() as registry:
            registry.authenticate("Basic c2tf…", time.time(), Requirement.SECRET)
    """

    # `__dict__`: where the C `authenticate` of this registry (picket._fast.bind) goes; an
    # instance attribute wins over the method, which stays as the fallback.
    __slots__ = ("_live", "_results", "_fast", "__weakref__", "__dict__")

    # The registry handle (a cffi pointer that frees the registry when its last reference
    # goes); None once closed. A call holds it in a local, so it outlives the call.
    _live: Any
    _results: Dict[int, Auth]
    _fast: Any

    def __init__(self) -> None:
        raise TypeError("build a Registry with RegistryBuilder().build()")

    @classmethod
    def _wrap(cls, pointer: Any) -> "Registry":
        self = object.__new__(cls)
        self._live = ffi.gc(pointer, _registry_free)
        self._results = {}
        self._fast = bind(self)
        if self._fast is not None:
            self.__dict__["authenticate"] = self._fast.authenticate
        return self

    authenticate = authenticate

    def authorize_redirect(
        self, client_id: Text, redirect_uri: Text, now: Union[int, float]
    ) -> int:
        """Checks an OAuth authorize request: ``client_id`` must be a known, unexpired
        publishable key, and ``redirect_uri`` byte-identical to one its project registered.
        Returns the project. On an error, do not redirect: answer 400 with the message.

        Raises:
            AuthorizeError: a malformed ``client_id`` (codes 100-105), a secret key as
                ``client_id`` (``AUTHORIZE_SECRET_KEY_EXPOSED``: it has been exposed and
                must be rolled), an unknown or expired client, or an unregistered
                ``redirect_uri``.
        """
        live = self._live
        if live is None:
            raise ValueError("this Registry is closed")
        client = _utf8(client_id, "client_id")
        uri = _utf8(redirect_uri, "redirect_uri")
        project = ffi.new("uint64_t *")
        code = _registry_authorize_redirect(
            live, client, len(client), uri, len(uri), _seconds(now, "now"), project
        )
        del live
        if code != Code.OK:
            raise _error(code, AuthorizeError)
        return int(project[0])

    def with_projects(self, changes: RegistryBuilder, removed: Iterable[int] = ()) -> "Registry":
        """A new registry: this one with each project of ``changes`` replaced (or added)
        and each project in ``removed`` taken out, the rest kept, without placing every key
        again (one copy of the key index, as Go's ``Registry.WithProjects``). Fill
        ``changes`` as for a build, with only the changed projects, each whole: a key the
        project had and ``changes`` does not is gone. This registry is unchanged; swap the
        new one in (``RegistryHolder.update``) and close this one. ``changes`` is consumed,
        whether or not the update succeeds.

        Raises:
            BuildError: a key of ``changes`` belongs to a kept project or is in it twice
                (``BUILD_DUPLICATE_KEY``).
            TypeError: ``changes`` is not a RegistryBuilder, or an id is not an int.
            ValueError: this registry or ``changes`` is closed, or an id is out of range.

        Example::

            changes = RegistryBuilder().add_project(7, Mode.DEVELOPMENT)
            changes.add_key(new_key, 7)
            with registry.with_projects(changes, removed=[3]) as updated:
                updated.authenticate(header, time.time())
        """
        if not isinstance(changes, RegistryBuilder):
            raise TypeError(f"changes must be a RegistryBuilder, not {type(changes).__name__}")
        try:
            ids = [_u64(project, "removed") for project in removed]
            live = self._live
            if live is None:
                raise ValueError("this Registry is closed")
        except BaseException:
            changes.close()
            raise
        gone = ffi.new("uint64_t[]", ids) if ids else NULL
        out = ffi.new("struct picket_registry **")
        with changes._lock:
            handle = changes._live()
            changes._handle = None
            # Consumed by the library, on success and failure alike.
            code = _registry_update(live, handle, gone, len(ids), out)
        del live
        if code != Code.OK:
            raise _error(code)
        return Registry._wrap(out[0])

    def close(self) -> None:
        """Releases the registry. Idempotent; safe while other threads are in a call."""
        live, self._live = self._live, None
        fast, self._fast = getattr(self, "_fast", None), None
        if fast is not None:
            fast.close()  # its calls in flight hold their own reference to the handle
        del live  # the handle frees the registry when its last reference goes

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._live is None
