"""A Django site for the tests (ROOT_URLCONF): /any, /publishable, /secret and /healthz
answer the Auth the middleware put on the request; /async/secret is an async view. The
middleware is configured by settings.PICKET, which configure() sets before each server
loads it (Django reads its middleware when a handler is made)."""

from __future__ import annotations

from typing import Any, Dict, Optional

import django
from django.conf import settings
from django.http import JsonResponse
from django.urls import path

import picket


def configure(picket_settings: Dict[str, Any]) -> None:
    """Configures Django once per process, and PICKET for the handlers made after."""
    if not settings.configured:
        settings.configure(
            DEBUG=False,
            ALLOWED_HOSTS=["127.0.0.1"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=["picket.django.PicketMiddleware"],
            SECRET_KEY="tests-only: signs nothing",
            INSTALLED_APPS=[],
            DATABASES={},
            USE_TZ=True,
        )
        django.setup()
    settings.PICKET = picket_settings


def _body(request: Any) -> Dict[str, Any]:
    auth: Optional[picket.Auth] = getattr(request, "picket", None)
    if auth is None:
        return {"project": None, "kind": None}
    return {"project": auth.project, "kind": str(auth.kind)}


def view(request: Any) -> JsonResponse:
    return JsonResponse(_body(request))


async def async_view(request: Any) -> JsonResponse:
    return JsonResponse(_body(request))


urlpatterns = [
    path("any", view),
    path("publishable", view),
    path("secret", view),
    path("healthz", view),
    path("async/secret", async_view),
]


def wsgi_app() -> Any:
    from django.core.handlers.wsgi import WSGIHandler

    return WSGIHandler()


def asgi_app() -> Any:
    from django.core.handlers.asgi import ASGIHandler

    return ASGIHandler()
