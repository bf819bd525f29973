"""The API error object, ``{"error": rule, "code": n, "message": text}``, as every Python
middleware answers it: the shared cases of tests/error-object/refusals.jsonl (which the Go
middleware, picket-server's rules and the Node middleware answer alike) run over loopback
HTTP, with httpx, against the WSGI middleware under wsgiref, the ASGI middleware under
uvicorn, the FastAPI dependency under uvicorn, the Flask extension under Werkzeug's server,
and the Django middleware under wsgiref (WSGI) and uvicorn (ASGI, its async path). Ports
are the kernel's."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Iterator, List, Tuple

import httpx
import pytest
from conftest import REPO
from serving import Stop, serve_asgi, serve_werkzeug, serve_wsgi, two_key_registry

import picket
import picket.asgi
import picket.wsgi
from picket import Requirement

CASES = [
    json.loads(line)
    for line in (REPO / "tests" / "error-object" / "refusals.jsonl").read_text().splitlines()
]
# The registry of refusals.jsonl (its README): test keys, in no store.
PK = "pk_0123456789abcdef0123456789abcdef"
SK = "sk_fedcba9876543210fedcba9876543210"
REQUIREMENTS = {
    "any": Requirement.ANY,
    "publishable": Requirement.PUBLISHABLE,
    "secret": Requirement.SECRET,
}


@pytest.fixture(scope="module")
def registry() -> Iterator[picket.Registry]:
    with two_key_registry(PK, SK) as reg:
        yield reg


# --- one application per framework: /any, /publishable, /secret --------------------------


def wsgi(registry: picket.Registry) -> Any:
    def app(environ: Dict[str, Any], start_response: Callable[..., Any]) -> List[bytes]:
        body = {
            "project": environ[picket.wsgi.ENVIRON_PROJECT],
            "kind": str(environ[picket.wsgi.ENVIRON_KEY_KIND]),
        }
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    return picket.wsgi.PicketMiddleware(
        app, registry, None, routes={"/" + k: r for k, r in REQUIREMENTS.items()}
    )


def asgi(registry: picket.Registry) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def endpoint(request: Request) -> JSONResponse:
        auth: picket.Auth = request.scope[picket.asgi.SCOPE_KEY]
        return JSONResponse({"project": auth.project, "kind": str(auth.kind)})

    app = Starlette(routes=[Route("/" + k, endpoint) for k in REQUIREMENTS])
    return picket.asgi.PicketMiddleware(
        app, registry, None, routes={"/" + k: r for k, r in REQUIREMENTS.items()}
    )


def fastapi(registry: picket.Registry) -> Any:
    from fastapi import Depends, FastAPI

    from picket.fastapi import PicketAuth, add_error_handler

    app = FastAPI()
    add_error_handler(app)
    for name, requirement in REQUIREMENTS.items():
        dependency = PicketAuth(registry, requirement)

        async def endpoint(auth: picket.Auth = Depends(dependency)) -> Dict[str, Any]:
            return {"project": auth.project, "kind": str(auth.kind)}

        app.get("/" + name)(endpoint)
    return app


def flask(registry: picket.Registry) -> Any:
    from flask import Flask, g

    from picket.flask import Picket

    app = Flask(__name__)
    keys = Picket(app, registry)
    for name, requirement in REQUIREMENTS.items():

        def endpoint() -> Dict[str, Any]:
            return {"project": g.picket.project, "kind": str(g.picket.kind)}

        app.add_url_rule("/" + name, name, keys.require(requirement)(endpoint))
    return app


def django(registry: picket.Registry) -> Any:
    import django_site

    routes = {"/" + k: r for k, r in REQUIREMENTS.items()}
    django_site.configure({"REGISTRY": registry, "REQUIREMENT": None, "ROUTES": routes})
    return django_site


SERVERS: Dict[str, Callable[[picket.Registry], Tuple[str, Stop]]] = {
    "wsgi": lambda reg: serve_wsgi(wsgi(reg)),
    "asgi": lambda reg: serve_asgi(asgi(reg)),
    "fastapi": lambda reg: serve_asgi(fastapi(reg)),
    "flask": lambda reg: serve_werkzeug(flask(reg)),
    "django-wsgi": lambda reg: serve_wsgi(django(reg).wsgi_app()),
    "django-asgi": lambda reg: serve_asgi(django(reg).asgi_app()),
}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request: pytest.FixtureRequest, registry: picket.Registry) -> Iterator[str]:
    url, stop = SERVERS[request.param](registry)
    try:
        yield url
    finally:
        stop()


def test_the_shared_cases(server: str) -> None:
    assert len(CASES) >= 10
    with httpx.Client(base_url=server, timeout=10) as client:
        for case in CASES:
            headers = [("Authorization", h) for h in case["headers"]]
            r = client.get("/" + case["requirement"], headers=headers)
            assert r.status_code == case["status"], (case["id"], r.text)
            body = r.json()
            if case["status"] == 200:
                assert body == {"project": case["project"], "kind": case["kind"]}, case["id"]
                continue
            assert r.headers.get("www-authenticate") == case["challenge"], case["id"]
            assert body == case["body"], case["id"]
            assert r.headers["content-type"] == "application/json", case["id"]
