"""FastAPI: an async dependency that authenticates a route's request and is an OpenAPI
security scheme (HTTP Basic: the API key as the username, no password), so that the app's
OpenAPI document lists it under ``securitySchemes`` and each route that depends on it
under ``security``, and Swagger UI shows its Authorize button.

::

    from fastapi import Depends, FastAPI
    import picket
    from picket import Requirement
    from picket.fastapi import PicketAuth, add_error_handler

    app = FastAPI()
    add_error_handler(app)      # refusals answer the API error object itself
    secret_key = PicketAuth(registry, Requirement.SECRET)

    @app.get("/admin")
    async def admin(auth: picket.Auth = Depends(secret_key)):
        return {"project": auth.project}

A refused request raises :class:`PicketHTTPException` (an ``HTTPException``): 401 with
``WWW-Authenticate``, 403 for the wrong kind of key, 400 for more than one
``Authorization`` header (as :mod:`picket.asgi`). With :func:`add_error_handler` its body is
the API error object ``{"error": ..., "code": ..., "message": ...}``, the same as every
picket middleware answers; without it, FastAPI's own handler nests that object under
``detail``. Needs FastAPI; only this module imports it.
"""

# No `from __future__ import annotations`: FastAPI reads the annotation of
# PicketAuth.__call__ to inject the Request, and releases before 0.129 (the last that run on
# Python 3.9) cannot resolve it from a string; it then asked for a query parameter `request`.
import time
from typing import Any, Callable, Dict, Optional, Union

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response
from fastapi.security.http import HTTPBase

from ._convert import Requirement
from ._fast import Auth
from ._web import Refusal, check

__all__ = ["PicketAuth", "PicketHTTPException", "add_error_handler"]


class PicketHTTPException(HTTPException):
    """A request :class:`PicketAuth` refused. ``detail`` is the API error object (a
    ``dict``); ``refusal`` the whole answer (status, headers, body)."""

    def __init__(self, refusal: Refusal) -> None:
        challenge = refusal.challenge
        super().__init__(
            status_code=refusal.status,
            detail=refusal.error,
            headers={"WWW-Authenticate": challenge} if challenge else None,
        )
        self.refusal = refusal


class PicketAuth(HTTPBase):
    """A dependency that authenticates the request against ``registry`` (a
    :class:`picket.Registry` or :class:`picket.RegistryHolder`) for ``requirement`` and
    returns its :class:`picket.Auth`, or raises :class:`PicketHTTPException`.

    It is an OpenAPI ``http``/``basic`` security scheme named ``scheme_name`` (default
    ``picket``): one scheme for every instance with that name, so a secret-key route and a
    publishable-key route share one Authorize button.

    Example::

        publishable = PicketAuth(registry, Requirement.PUBLISHABLE)

        @app.get("/widget")
        async def widget(auth: picket.Auth = Depends(publishable)):
            return {"project": auth.project}
    """

    def __init__(
        self,
        registry: Any,
        requirement: Requirement = Requirement.ANY,
        *,
        scheme_name: str = "picket",
        clock: Callable[[], Union[int, float]] = time.time,
    ) -> None:
        super().__init__(
            scheme="basic",
            scheme_name=scheme_name,
            description="A picket API key as the username of HTTP Basic, with an empty "
            "password (`curl -u KEY:`).",
        )
        self.registry = registry
        self.requirement = Requirement(requirement)
        self.clock = clock

    async def __call__(self, request: Request) -> Auth:  # type: ignore[override]
        values = [v for k, v in request.headers.raw if k.lower() == b"authorization"]
        auth = check(self.registry, values, self.clock(), self.requirement)
        if isinstance(auth, Refusal):
            raise PicketHTTPException(auth)
        return auth


async def _answer(request: Request, exc: Exception) -> Response:
    refusal: Optional[Refusal] = getattr(exc, "refusal", None)
    assert refusal is not None
    headers: Dict[str, str] = {k: v for k, v in refusal.headers if k != "content-length"}
    return Response(refusal.body, status_code=refusal.status, headers=headers)


def add_error_handler(app: FastAPI) -> None:
    """Makes ``app`` answer a :class:`PicketHTTPException` with the API error object
    itself (rather than under FastAPI's ``detail``)."""
    app.add_exception_handler(PicketHTTPException, _answer)
