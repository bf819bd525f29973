"""Flask: an extension that authenticates a view's request, or every request of an app or
a blueprint, against a :class:`picket.Registry` (or a :class:`picket.RegistryHolder`).

::

    from flask import Flask, g
    from picket import Requirement
    from picket.flask import Picket

    app = Flask(__name__)
    keys = Picket(app, registry)

    @app.get("/admin")
    @keys.require(Requirement.SECRET)
    def admin():
        return {"project": g.picket.project}

    keys.protect(api_blueprint, Requirement.ANY)   # every route of the blueprint

A request that authenticates runs the view with ``flask.g.picket``, a
:class:`picket.Auth`. Any other is answered by the extension, as every picket middleware
answers it: 401 with ``WWW-Authenticate``, 403 for the wrong kind of key, 400 for more than
one ``Authorization`` header (or a value with a comma, as a WSGI server joins two), with
the API error object ``{"error": ..., "code": ..., "message": ...}``. Needs Flask; only this
module imports it.
"""

from __future__ import annotations

import functools
import inspect
import time
from typing import Any, Callable, Optional, TypeVar, Union, cast

from flask import Blueprint, Flask, Response, g, request

from ._convert import Requirement
from ._fast import Auth
from ._web import Refusal, check

__all__ = ["Picket", "EXTENSION", "current"]

#: The key of ``app.extensions`` that holds the :class:`Picket` of an app.
EXTENSION = "picket"

F = TypeVar("F", bound=Callable[..., Any])


def _answer(refusal: Refusal) -> Response:
    return Response(refusal.body, status=refusal.status, headers=refusal.headers)


class Picket:
    """The extension. ``registry`` is shared by every request and thread and is not closed
    by the extension; ``clock`` returns the current unix time in seconds.

    Example::

        keys = Picket()               # an application factory: keys.init_app(app) later
        keys.init_app(app, registry)
    """

    def __init__(
        self,
        app: Optional[Flask] = None,
        registry: Any = None,
        *,
        clock: Callable[[], Union[int, float]] = time.time,
    ) -> None:
        self.registry = registry
        self.clock = clock
        if app is not None:
            self.init_app(app, registry)

    def init_app(self, app: Flask, registry: Any = None) -> None:
        """Registers the extension on ``app`` (``app.extensions["picket"]``); ``registry``,
        when given, replaces the one the constructor had."""
        if registry is not None:
            self.registry = registry
        if self.registry is None:
            raise ValueError("picket.flask.Picket needs a registry")
        app.extensions[EXTENSION] = self

    def authenticate(self, requirement: Requirement) -> Optional[Response]:
        """Authenticates the current request for ``requirement``: ``None`` when it passes
        (``g.picket`` is then its :class:`picket.Auth`), else the answer to send."""
        values = request.headers.getlist("Authorization")
        auth = check(self.registry, values, self.clock(), Requirement(requirement))
        if isinstance(auth, Refusal):
            return _answer(auth)
        g.picket = auth
        return None

    def require(self, requirement: Requirement = Requirement.ANY) -> Callable[[F], F]:
        """A view decorator: the view runs only for a request with a key that meets
        ``requirement`` (sync and async views alike).

        Example::

            @app.get("/widget")
            @keys.require(Requirement.PUBLISHABLE)
            def widget():
                return {"project": g.picket.project}
        """
        wanted = Requirement(requirement)

        def decorate(view: F) -> F:
            if inspect.iscoroutinefunction(view):

                @functools.wraps(view)
                async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                    refused = self.authenticate(wanted)
                    return refused if refused is not None else await view(*args, **kwargs)

                return cast(F, async_wrapper)

            @functools.wraps(view)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                refused = self.authenticate(wanted)
                return refused if refused is not None else view(*args, **kwargs)

            return cast(F, wrapper)

        return decorate

    def protect(
        self, target: Union[Flask, Blueprint], requirement: Requirement = Requirement.ANY
    ) -> None:
        """Makes every route of an app or a blueprint need a key that meets
        ``requirement`` (a ``before_request`` hook; a request no route matches gets its 404
        first).

        Example::

            api = Blueprint("api", __name__, url_prefix="/api")
            keys.protect(api, Requirement.SECRET)
        """
        wanted = Requirement(requirement)

        def before() -> Optional[Response]:
            if request.url_rule is None:
                return None  # no such route: Flask's own 404
            return self.authenticate(wanted)

        target.before_request(before)


def current() -> Auth:
    """The current request's :class:`picket.Auth` (``g.picket``), in a view a
    :class:`Picket` let through."""
    auth: Auth = g.picket
    return auth
