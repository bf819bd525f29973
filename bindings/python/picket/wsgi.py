"""WSGI middleware that authenticates every request against a :class:`picket.Registry`.

::

    from picket.wsgi import PicketMiddleware
    app = PicketMiddleware(app, registry, Requirement.SECRET)

For each request it reads ``environ["HTTP_AUTHORIZATION"]`` (a missing header is the empty
value, which the library refuses as ``HEADER_MISSING``) and asks the registry. On success
the wrapped application runs with ``environ["picket.project"]`` (the project id, an
``int``) and ``environ["picket.key_kind"]`` (a :class:`picket.KeyKind`; ``str()`` gives
``"publishable"`` or ``"secret"``). Otherwise the middleware answers itself, with the
status the library decides: ``401 Unauthorized`` with the ``WWW-Authenticate`` challenge
for a missing, malformed, unknown or expired key, ``403 Forbidden`` for a valid key of
the wrong kind. The body is JSON, ``{"error": ..., "message": ...}``: ``error`` is the
result code's name in lowercase (``header_missing``, ``auth_wrong_kind``, ...) and
``message`` the library's message naming the rule broken. Neither ever contains the
credentials that were sent.
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Union

from ._api import Registry, Requirement
from .errors import AuthError

__all__ = ["PicketMiddleware", "ENVIRON_PROJECT", "ENVIRON_KEY_KIND"]

#: The environ key that receives the authenticated project id.
ENVIRON_PROJECT = "picket.project"
#: The environ key that receives the authenticated key's :class:`picket.KeyKind`.
ENVIRON_KEY_KIND = "picket.key_kind"

WSGIEnviron = Dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[WSGIEnviron, StartResponse], Iterable[bytes]]

_REASONS = {401: "401 Unauthorized", 403: "403 Forbidden"}


class PicketMiddleware:
    """Wraps a WSGI application so that it only sees requests with a valid API key.

    Args:
        app: the WSGI application to protect.
        registry: the registry to authenticate against. It is shared by every request and
            thread; the middleware does not close it.
        requirement: which kinds of key the application accepts (default: either).
        clock: returns the current unix time in seconds (``time.time`` by default; tests
            pass a fixed clock).
    """

    def __init__(
        self,
        app: WSGIApp,
        registry: Registry,
        requirement: Requirement = Requirement.ANY,
        clock: Callable[[], Union[int, float]] = time.time,
    ) -> None:
        self.app = app
        self.registry = registry
        self.requirement = Requirement(requirement)
        self.clock = clock

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        header = environ.get("HTTP_AUTHORIZATION", "")
        try:
            auth = self.registry.authenticate(header, self.clock(), self.requirement)
        except AuthError as error:
            return self._refuse(error, start_response)
        environ[ENVIRON_PROJECT] = auth.project
        environ[ENVIRON_KEY_KIND] = auth.kind
        return self.app(environ, start_response)

    @staticmethod
    def _refuse(error: AuthError, start_response: StartResponse) -> List[bytes]:
        body = json.dumps({"error": error.name.lower(), "message": error.message}).encode("utf-8")
        headers: List[Tuple[str, str]] = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ]
        challenge: Optional[str] = error.challenge
        if challenge:
            headers.append(("WWW-Authenticate", challenge))
        status = _REASONS.get(error.http_status, f"{error.http_status} Error")
        start_response(status, headers)
        return [body]
