"""Django: a middleware that authenticates requests against a :class:`picket.Registry` (or
a :class:`picket.RegistryHolder`), with per-route requirements and exempt paths, sync and
async alike.

Settings::

    MIDDLEWARE = [..., "picket.django.PicketMiddleware", ...]
    PICKET = {
        "REGISTRY": "myproject.auth.registry",  # a registry, or the dotted path of one (or
                                                # of a function that returns one)
        "REQUIREMENT": "secret",                # every path not below; None: only ROUTES
        "ROUTES": {"/widget": "publishable"},   # path prefix -> requirement (None: no key)
        "EXEMPT": ["/healthz"],                 # path prefixes that need no key
    }

Paths match as in :mod:`picket.wsgi` (whole segments, the longest prefix wins, compared to
``request.path``). A request that authenticates reaches its view with ``request.picket``,
a :class:`picket.Auth`. Any other is answered by the middleware, as every picket middleware
answers it: 401 with ``WWW-Authenticate``, 403 for the wrong kind of key, 400 for a value
with a comma (a WSGI server joins two ``Authorization`` lines so), with the API error
object ``{"error": ..., "code": ..., "message": ...}``. Needs Django; only this module
imports it.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping, Optional, Union

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from ._convert import Requirement
from ._web import Refusal, Routes, check

__all__ = ["PicketMiddleware", "REQUEST_ATTRIBUTE"]

#: The attribute of the request that receives its :class:`picket.Auth`.
REQUEST_ATTRIBUTE = "picket"

Rule = Optional[Union[Requirement, str]]


def _requirement(value: Rule) -> Optional[Requirement]:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return Requirement[value.upper()]
        except KeyError:
            raise ImproperlyConfigured(
                f"PICKET: {value!r} is not a requirement (any, publishable, secret or None)"
            ) from None
    return Requirement(value)


def _registry(value: Any) -> Any:
    if isinstance(value, str):
        value = import_string(value)
    if callable(value) and not hasattr(value, "authenticate"):
        value = value()
    if not hasattr(value, "authenticate"):
        raise ImproperlyConfigured("PICKET['REGISTRY'] must be a picket registry (or name one)")
    return value


class PicketMiddleware:
    """The middleware (configured by ``settings.PICKET``, read once at start).

    Example::

        def dashboard(request):
            return JsonResponse({"project": request.picket.project})
    """

    sync_capable = True
    async_capable = True

    def __init__(
        self,
        get_response: Callable[[HttpRequest], Any],
        *,
        clock: Callable[[], Union[int, float]] = time.time,
    ) -> None:
        config: Mapping[str, Any] = getattr(settings, "PICKET", None) or {}
        if "REGISTRY" not in config:
            raise ImproperlyConfigured("settings.PICKET needs a REGISTRY")
        self.get_response = get_response
        self.registry = _registry(config["REGISTRY"])
        routes = {p: _requirement(r) for p, r in (config.get("ROUTES") or {}).items()}
        self.routes = Routes(
            routes,
            exempt=config.get("EXEMPT", ()),
            default=_requirement(config.get("REQUIREMENT", Requirement.ANY)),
        )
        self.clock = clock
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def _refusal(self, request: HttpRequest) -> Optional[HttpResponse]:
        requirement = self.routes.requirement(request.path)
        if requirement is None:
            return None
        header = request.META.get("HTTP_AUTHORIZATION")
        auth = check(self.registry, [] if header is None else [header], self.clock(), requirement)
        if isinstance(auth, Refusal):
            response = HttpResponse(auth.body, status=auth.status, content_type="application/json")
            for name, value in auth.headers:
                if name not in ("content-type", "content-length"):
                    response[name] = value
            return response
        setattr(request, REQUEST_ATTRIBUTE, auth)
        return None

    def __call__(self, request: HttpRequest) -> Any:
        if iscoroutinefunction(self):
            return self.__acall__(request)
        refused = self._refusal(request)
        return refused if refused is not None else self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> Any:
        refused = self._refusal(request)
        return refused if refused is not None else await self.get_response(request)
