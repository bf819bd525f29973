"""picket.django: the middleware in a Django site served by a real WSGI server (wsgiref)
and by uvicorn (ASGI: the middleware's async path), driven by httpx over loopback: the
default requirement, per-route requirements, exempt paths, request.picket in sync and async
views, and the settings it refuses."""

from __future__ import annotations

from typing import Any, Iterator

import httpx
import pytest
from conftest import PK, SK
from serving import serve_asgi, serve_wsgi, two_key_registry

import picket

# A dotted path the middleware imports (as settings name one).
REGISTRY: Any = None


@pytest.fixture(scope="module")
def registry() -> Iterator[picket.Registry]:
    global REGISTRY
    with two_key_registry(PK, SK) as reg:
        REGISTRY = reg
        yield reg
        REGISTRY = None


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_django_middleware(registry: picket.Registry, kind: str) -> None:
    import django_site

    django_site.configure(
        {
            "REGISTRY": "test_django.REGISTRY",
            "REQUIREMENT": "secret",
            "ROUTES": {"/publishable": "publishable", "/any": "any"},
            "EXEMPT": ["/healthz"],
        }
    )
    url, stop = (
        serve_wsgi(django_site.wsgi_app()) if kind == "wsgi" else serve_asgi(django_site.asgi_app())
    )
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            assert client.get("/healthz").json() == {"project": None, "kind": None}
            assert client.get("/secret", auth=(SK, "")).json() == {"project": 1, "kind": "secret"}
            assert client.get("/async/secret", auth=(SK, "")).json()["kind"] == "secret"
            assert client.get("/publishable", auth=(PK, "")).json()["kind"] == "publishable"
            assert client.get("/any", auth=(PK, "")).json()["kind"] == "publishable"
            refused = client.get("/secret", auth=(PK, ""))
            assert refused.status_code == 403 and refused.json()["error"] == "auth_wrong_kind"
            assert refused.headers["content-type"] == "application/json"
            missing = client.get("/async/secret")
            assert missing.status_code == 401
            assert missing.headers["www-authenticate"] == 'Basic realm="picket"'
            assert set(missing.json()) == {"error", "code", "message"}
            # Paths the site does not serve need the default key too (then Django's 404).
            assert client.get("/nothing").status_code == 401
            assert client.get("/nothing", auth=(SK, "")).status_code == 404
    finally:
        stop()


def test_django_settings_it_refuses(registry: picket.Registry) -> None:
    import django_site
    from django.core.exceptions import ImproperlyConfigured

    from picket.django import PicketMiddleware

    for config, says in (
        ({}, "needs a REGISTRY"),
        ({"REGISTRY": object()}, "must be a picket registry"),
        ({"REGISTRY": registry, "REQUIREMENT": "root"}, "is not a requirement"),
    ):
        django_site.configure(config)
        with pytest.raises(ImproperlyConfigured, match=says):
            PicketMiddleware(lambda request: None)
