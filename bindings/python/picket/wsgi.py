"""WSGI middleware that authenticates requests against a :class:`picket.Registry` (or a
:class:`picket.RegistryHolder`), with per-route requirements and exempt paths.

::

    from picket.wsgi import PicketMiddleware
    app = PicketMiddleware(app, registry, Requirement.SECRET, exempt=["/healthz"])

For each request whose path needs a key it reads ``environ["HTTP_AUTHORIZATION"]`` (a
missing header is the empty value, which the library refuses as ``HEADER_MISSING``) and
asks the registry. On success the wrapped application runs with
``environ["picket.project"]`` (the project id, an ``int``) and
``environ["picket.key_kind"]`` (a :class:`picket.KeyKind`). Otherwise the middleware
answers itself, with the status the library decides: ``401 Unauthorized`` with the
``WWW-Authenticate`` challenge for a missing, malformed, unknown or expired key, ``403
Forbidden`` for a valid key of the wrong kind, ``400 Bad Request`` for a value holding a
comma (a WSGI server joins repeated header lines so). The body is the API error object,
``{"error": ..., "code": ..., "message": ...}``: ``error`` is the result code's name in
lowercase (``header_missing``, ``auth_wrong_kind``, ``duplicate_authorization``, ...),
``code`` its number and ``message`` the library's message naming the rule broken. None
ever contains the credentials that were sent.

Which paths need which key: ``routes`` maps path prefixes to a requirement (``None``:
no key), ``exempt`` lists prefixes that need none, and every other path gets
``requirement``; ``requirement=None`` authenticates only the listed prefixes (so that a
path the application does not serve gets its 404). See :class:`picket._web.Routes`.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Union

from ._convert import Requirement
from ._web import Refusal, Routes, check

__all__ = ["PicketMiddleware", "ENVIRON_PROJECT", "ENVIRON_KEY_KIND"]

#: The environ key that receives the authenticated project id.
ENVIRON_PROJECT = "picket.project"
#: The environ key that receives the authenticated key's :class:`picket.KeyKind`.
ENVIRON_KEY_KIND = "picket.key_kind"

WSGIEnviron = Dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[WSGIEnviron, StartResponse], Iterable[bytes]]


class PicketMiddleware:
    """Wraps a WSGI application so that it only sees requests with a valid API key on the
    paths that need one.

    Args:
        app: the WSGI application to protect.
        registry: a :class:`picket.Registry` or :class:`picket.RegistryHolder` (anything
            with its ``authenticate``). Shared by every request and thread; the
            middleware does not close it.
        requirement: the requirement of every path not in ``routes`` or ``exempt``
            (default: either kind); ``None``: such paths need no key.
        routes: path prefix -> requirement (``None``: no key).
        exempt: path prefixes that need no key (health checks).
        clock: returns the current unix time in seconds (``time.time`` by default).

    Example::

        app = PicketMiddleware(app, registry, Requirement.SECRET,
                               routes={"/widget": Requirement.PUBLISHABLE},
                               exempt=["/healthz"])
    """

    def __init__(
        self,
        app: WSGIApp,
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

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        requirement = self.routes.requirement(path or "/")
        if requirement is None:
            return self.app(environ, start_response)
        header = environ.get("HTTP_AUTHORIZATION")
        auth = check(self.registry, [] if header is None else [header], self.clock(), requirement)
        if isinstance(auth, Refusal):
            start_response(f"{auth.status} {auth.reason}", auth.headers)
            return [auth.body]
        environ[ENVIRON_PROJECT] = auth.project
        environ[ENVIRON_KEY_KIND] = auth.kind
        return self.app(environ, start_response)
