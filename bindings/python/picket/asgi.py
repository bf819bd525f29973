"""Pure ASGI middleware that authenticates requests against a :class:`picket.Registry`
(or a :class:`picket.RegistryHolder`), written as Starlette's own middleware is, and a
FastAPI dependency.

::

    from picket.asgi import PicketMiddleware, require_key

    app = PicketMiddleware(app, registry, Requirement.ANY, exempt=["/healthz"])
    # Starlette / FastAPI: app.add_middleware(PicketMiddleware, registry=registry, ...)

    @app.get("/admin")
    async def admin(auth: picket.Auth = Depends(require_key(registry, Requirement.SECRET))):
        return {"project": auth.project}

The middleware handles ``http`` and ``websocket`` scopes and passes every other scope
(``lifespan``) through. A path that needs a key (see ``routes``, ``exempt`` and
``requirement``, as in :mod:`picket.wsgi`) is authenticated from its ``authorization``
header (bytes, as the server received them). On success the application runs with
``scope["picket"]``, a :class:`picket.Auth` (``project``, ``kind``). Otherwise the
middleware answers 401 (with ``WWW-Authenticate``), 403, or 400 for more than one
``authorization`` header, with the API error object ``{"error": ..., "code": ...,
"message": ...}`` (as :mod:`picket.wsgi`); a websocket is closed with code 1008 before it
is accepted.
"""

from __future__ import annotations

import time
from typing import (
    Any,
    Awaitable,
    Callable,
    Iterable,
    List,
    Mapping,
    MutableMapping,
    Optional,
    Union,
)

from ._convert import Requirement
from ._web import Refusal, Routes, check

__all__ = ["PicketMiddleware", "require_key", "SCOPE_KEY"]

#: The scope key that receives the :class:`picket.Auth` of an authenticated request.
SCOPE_KEY = "picket"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _authorization(scope: Scope) -> List[bytes]:
    """The scope's ``authorization`` lines, as the server received them."""
    return [value for name, value in scope.get("headers", ()) if name.lower() == b"authorization"]


class PicketMiddleware:
    """Wraps an ASGI application so that it only sees requests with a valid API key on
    the paths that need one. Arguments as :class:`picket.wsgi.PicketMiddleware`.

    Example::

        app = PicketMiddleware(app, registry, Requirement.SECRET,
                               routes={"/widget": Requirement.PUBLISHABLE},
                               exempt=["/healthz"])
    """

    def __init__(
        self,
        app: ASGIApp,
        registry: Any,
        requirement: Optional[Requirement] = Requirement.ANY,
        *,
        routes: Optional[Mapping[str, Optional[Requirement]]] = None,
        exempt: Iterable[str] = (),
        clock: Callable[[], Union[int, float]] = time.time,
    ) -> None:
        self.app = app
        self.registry = registry
        self.routes = Routes(routes, exempt=exempt, default=requirement)
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        # The full path: ASGI servers and Starlette's mounts include root_path in it.
        requirement = self.routes.requirement(scope.get("path") or "/")
        if requirement is None:
            await self.app(scope, receive, send)
            return
        auth = check(self.registry, _authorization(scope), self.clock(), requirement)
        if isinstance(auth, Refusal):
            if kind == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": auth.error["error"]})
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": auth.status,
                    "headers": [
                        (n.encode("latin-1"), v.encode("latin-1")) for n, v in auth.headers
                    ],
                }
            )
            await send({"type": "http.response.body", "body": auth.body})
            return
        scope[SCOPE_KEY] = auth
        await self.app(scope, receive, send)


def require_key(
    registry: Any,
    requirement: Requirement = Requirement.ANY,
    *,
    clock: Callable[[], Union[int, float]] = time.time,
) -> Any:
    """FastAPI's dependency: :class:`picket.fastapi.PicketAuth` (kept under this name).

    Example::

        @app.get("/admin")
        async def admin(auth: picket.Auth = Depends(require_key(registry, Requirement.SECRET))):
            return {"project": auth.project}
    """
    from .fastapi import PicketAuth

    return PicketAuth(registry, requirement, clock=clock)
