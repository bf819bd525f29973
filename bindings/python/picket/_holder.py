"""The :class:`RegistryHolder`: the current :class:`Registry` of a server whose keys
change, swapped atomically (a reload, a refresh when a version changes, or an update of a
few projects). Private: see :mod:`picket`.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Hashable, Optional, TypeVar, Union

from ._convert import Text
from ._fast import Auth
from ._registry import Registry

__all__ = ["RegistryHolder"]

_T = TypeVar("_T")


class RegistryHolder:
    """The current :class:`Registry` of a server whose keys change: it loads one from the
    caller's ``loader``, rebuilds on demand (:meth:`reload`) or when ``version`` changes
    (:meth:`refresh`, or a background thread started by :meth:`poll`), and swaps
    atomically. A call in flight on the old registry completes; the old one is freed after
    it. A loader that raises leaves the current registry in place.

    ``loader()`` returns a new :class:`Registry` (built from the database, a file...).
    ``version()``, if given, returns anything comparable that changes when the keys do (a
    counter, a row's ``updated_at``, a file's mtime).

    Example::

        def load() -> picket.Registry:
            b = picket.RegistryBuilder()
            for project, mode in db.projects(): b.add_project(project, mode)
            for row in db.keys(): b.add_key(row.digest, row.project, row.kind, row.expires_at)
            return b.build()

        holder = picket.RegistryHolder(load, version=db.keys_version)
        holder.authenticate(header, time.time(), Requirement.SECRET)
        holder.reload()            # after issuing or revoking a key
    """

    __slots__ = ("_loader", "_version", "_current", "_seen", "_lock", "_stop", "_thread")

    def __init__(
        self,
        loader: Callable[[], Registry],
        *,
        version: Optional[Callable[[], Hashable]] = None,
    ) -> None:
        self._loader = loader
        self._version = version
        self._lock = threading.Lock()  # one rebuild at a time
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._seen: Hashable = version() if version is not None else None
        self._current: Optional[Registry] = self._load()

    def _load(self) -> Registry:
        registry = self._loader()
        if not isinstance(registry, Registry):
            raise TypeError(f"loader must return a picket.Registry, not {type(registry).__name__}")
        return registry

    @property
    def registry(self) -> Registry:
        """The current registry. Keep it for one request at most: a reload closes it."""
        current = self._current
        if current is None:
            raise ValueError("this RegistryHolder is closed")
        return current

    def _on_current(self, call: Callable[[Registry], _T]) -> _T:
        """``call`` on the current registry. A reload may swap and close the registry read
        here before ``call`` reaches it (the swap comes first, then the close); then the
        call is made again on the one that replaced it, so that a reload never fails a
        request."""
        while True:
            registry = self.registry
            try:
                return call(registry)
            except ValueError:
                current = self._current
                if registry.closed and current is not None and current is not registry:
                    continue
                raise

    def authenticate(
        self,
        header: Union[str, bytes],
        now: Union[int, float],
        requirement: Any = None,
    ) -> Auth:
        """:meth:`Registry.authenticate` on the current registry."""
        if requirement is None:
            return self._on_current(lambda registry: registry.authenticate(header, now))
        return self._on_current(lambda registry: registry.authenticate(header, now, requirement))

    def authorize_redirect(
        self, client_id: Text, redirect_uri: Text, now: Union[int, float]
    ) -> int:
        """:meth:`Registry.authorize_redirect` on the current registry."""
        return self._on_current(
            lambda registry: registry.authorize_redirect(client_id, redirect_uri, now)
        )

    def reload(self) -> None:
        """Builds a new registry with the loader and swaps it in; the old one is closed
        (freed once the calls in flight on it return). If the loader raises, the current
        registry stays and the exception propagates."""
        with self._lock:
            if self._current is None:
                raise ValueError("this RegistryHolder is closed")
            seen = self._version() if self._version is not None else None
            new = self._load()
            old, self._current = self._current, new
            self._seen = seen
        old.close()

    def update(self, change: Callable[[Registry], Registry]) -> None:
        """Swaps in ``change(current)``, made under the lock :meth:`reload` takes (one change
        at a time), typically :meth:`Registry.with_projects` after a change to a few
        projects; the old registry is closed, as by a reload. If ``change`` raises, the
        current registry stays and the exception propagates. ``version`` is not read:
        the next :meth:`refresh` after a change to the store still reloads whole.

        Example::

            changes = picket.RegistryBuilder().add_project(7, picket.Mode.DEVELOPMENT)
            holder.update(lambda current: current.with_projects(changes))
        """
        with self._lock:
            current = self._current
            if current is None:
                raise ValueError("this RegistryHolder is closed")
            new = change(current)
            if not isinstance(new, Registry):
                raise TypeError(f"change must return a picket.Registry, not {type(new).__name__}")
            if new.closed:
                raise ValueError("change returned a closed Registry")
            if new is current:
                return
            self._current = new
        current.close()

    def refresh(self) -> bool:
        """Reloads if ``version()`` changed since the last load; returns whether it did."""
        if self._version is None:
            raise ValueError(
                "refresh needs a version function: RegistryHolder(loader, version=...)"
            )
        if self._version() == self._seen:
            return False
        self.reload()
        return True

    def poll(self, interval: float) -> None:
        """Starts a daemon thread that calls :meth:`refresh` every ``interval`` seconds
        until :meth:`close`. A refresh that raises is retried at the next tick."""
        if interval <= 0:
            raise ValueError("interval must be positive")
        if self._version is None:
            raise ValueError("poll needs a version function: RegistryHolder(loader, version=...)")
        if self._thread is not None:
            raise ValueError("already polling")

        def run() -> None:
            while not self._stop.wait(interval):
                try:
                    self.refresh()
                except Exception:  # the current registry stays; try again next tick
                    continue

        self._thread = threading.Thread(target=run, name="picket-registry-poll", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stops polling and closes the current registry. Idempotent."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        with self._lock:
            current, self._current = self._current, None
        if current is not None:
            current.close()

    def __enter__(self) -> "RegistryHolder":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
