"""Pure ASGI middleware that authenticates requests against a :class:`picket.Registry`
(or a :class:`picket.RegistryHolder`), written as Starlette's own middleware is, and a
FastAPI dependency.

::

    from picket.asgi import PicketMiddleware, require_key

    app = PicketMiddleware(app, registry, Requirement.ANY, exempt=["/healthz"])
    # Starlette / FastAPI: app.add_middleware(PicketMiddleware, registry=registry, ...)

    @app.get("/admin")
    def admin(auth: picket.Auth = Depends(require_key(registry, Requirement.SECRET))):
        return {"project": auth.project}

The middleware handles ``http`` and ``websocket`` scopes and passes every other scope
(``lifespan``) through. A path that needs a key (see ``routes``, ``exempt`` and
``requirement``, as in :mod:`picket.wsgi`) is authenticated from its ``authorization``
header (bytes, as the server received them; several such headers are refused as
malformed). On success the application runs with ``scope["picket"]``, a
:class:`picket.Auth` (``project``, ``kind``). Otherwise the middleware answers 401 (with
``WWW-Authenticate``) or 403 with the JSON body ``{"error": ..., "message": ...}``; a
websocket is closed with code 1008 before it is accepted.
"""

from __future__ import annotations

import inspect
import time
from typing import (
    Any,
    Awaitable,
    Callable,
    Dict,
    Iterable,
    Mapping,
    MutableMapping,
    Optional,
    Union,
)

from ._convert import Requirement
from ._fast import Auth
from ._web import Routes, refusal
from .errors import AuthError

__all__ = ["PicketMiddleware", "require_key", "SCOPE_KEY"]

#: The scope key that receives the :class:`picket.Auth` of an authenticated request.
SCOPE_KEY = "picket"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _authorization(scope: Scope) -> bytes:
    found = [value for name, value in scope.get("headers", ()) if name.lower() == b"authorization"]
    if not found:
        return b""
    # Several values: joined, so the library refuses them as one malformed header.
    return found[0] if len(found) == 1 else b", ".join(found)


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
        try:
            auth = self.registry.authenticate(_authorization(scope), self.clock(), requirement)
        except AuthError as error:
            if kind == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": error.name.lower()})
                return
            status, _, headers, body = refusal(error)
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(n.encode("latin-1"), v.encode("latin-1")) for n, v in headers],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        scope[SCOPE_KEY] = auth
        await self.app(scope, receive, send)


def require_key(
    registry: Any,
    requirement: Requirement = Requirement.ANY,
    *,
    clock: Callable[[], Union[int, float]] = time.time,
) -> Callable[..., Auth]:
    """A FastAPI dependency that authenticates the request and returns its
    :class:`picket.Auth`, or raises ``HTTPException`` 401 (with ``WWW-Authenticate``) or
    403, whose ``detail`` is ``{"error": ..., "message": ...}``. Needs FastAPI (or
    Starlette) installed; only this function imports it.

    Example::

        @app.get("/admin")
        def admin(auth: picket.Auth = Depends(require_key(registry, Requirement.SECRET))):
            return {"project": auth.project}
    """
    # Starlette's HTTPException (FastAPI's subclasses it): FastAPI and Starlette both turn
    # it into the response, with its headers.
    from starlette.exceptions import HTTPException
    from starlette.requests import Request

    wanted = Requirement(requirement)

    def dependency(request: Any) -> Auth:
        header = request.headers.get("authorization", "")
        try:
            result: Auth = registry.authenticate(header, clock(), wanted)
            return result
        except AuthError as error:
            headers: Dict[str, str] = {}
            if error.challenge:
                headers["WWW-Authenticate"] = error.challenge
            detail: Any = {"error": error.name.lower(), "message": error.message}
            raise HTTPException(
                status_code=error.http_status,
                detail=detail,
                headers=headers or None,
            ) from None

    # FastAPI reads the signature to inject the request; name the real class.
    dependency.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)],
        return_annotation=Auth,
    )
    dependency.__name__ = f"require_key_{wanted}"
    return dependency
