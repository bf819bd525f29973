"""FastAPI: the dependency is async, an OpenAPI security scheme (what Swagger UI's Authorize
button reads), refuses two Authorization headers as the ASGI middleware does, and answers the
API error object with add_error_handler (FastAPI's detail wrapper without it). Driven by
httpx over loopback against uvicorn (kernel-chosen ports)."""

from __future__ import annotations

import inspect
from typing import Any, Dict, Iterator

import httpx
import pytest
from conftest import PK, SK, basic
from serving import serve_asgi, two_key_registry

import picket
from picket import Requirement
from picket.fastapi import PicketAuth, add_error_handler


@pytest.fixture(scope="module")
def registry() -> Iterator[picket.Registry]:
    with two_key_registry(PK, SK) as reg:
        yield reg


def make_app(registry: picket.Registry, handler: bool) -> Any:
    from fastapi import Depends, FastAPI

    app = FastAPI()
    if handler:
        add_error_handler(app)
    secret = PicketAuth(registry, Requirement.SECRET)
    publishable = PicketAuth(registry, Requirement.PUBLISHABLE)

    @app.get("/admin")
    async def admin(auth: picket.Auth = Depends(secret)) -> Dict[str, Any]:
        return {"project": auth.project, "kind": str(auth.kind)}

    @app.get("/widget")
    async def widget(auth: picket.Auth = Depends(publishable)) -> Dict[str, Any]:
        return {"project": auth.project, "kind": str(auth.kind)}

    @app.get("/healthz")
    async def healthz() -> Dict[str, str]:
        return {"status": "ok"}

    return app


def test_the_dependency_is_an_async_security_scheme(registry: picket.Registry) -> None:
    assert inspect.iscoroutinefunction(PicketAuth.__call__)
    doc = make_app(registry, True).openapi()
    assert doc["components"]["securitySchemes"] == {
        "picket": {
            "type": "http",
            "scheme": "basic",
            "description": "A picket API key as the username of HTTP Basic, with an empty "
            "password (`curl -u KEY:`).",
        }
    }
    paths = doc["paths"]
    assert paths["/admin"]["get"]["security"] == [{"picket": []}]
    assert paths["/widget"]["get"]["security"] == [{"picket": []}]
    assert "security" not in paths["/healthz"]["get"]


@pytest.mark.parametrize("handler", [True, False])
def test_refusals_over_http(registry: picket.Registry, handler: bool) -> None:
    url, stop = serve_asgi(make_app(registry, handler))
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            ok = client.get("/admin", auth=(SK, ""))
            assert ok.status_code == 200 and ok.json() == {"project": 1, "kind": "secret"}
            two = client.get("/admin", headers=[("Authorization", basic(SK + ":"))] * 2)
            assert two.status_code == 400
            missing = client.get("/widget")
            assert missing.status_code == 401
            assert missing.headers["www-authenticate"] == 'Basic realm="picket"'
            for r, rule, code in (
                (two, "duplicate_authorization", 860),
                (missing, "header_missing", 300),
            ):
                body = r.json() if handler else r.json()["detail"]
                assert body["error"] == rule and body["code"] == code and body["message"], r.text
                assert set(r.json()) == ({"error", "code", "message"} if handler else {"detail"})
            # Swagger UI is served and reads the document with the scheme.
            assert client.get("/docs").status_code == 200
            assert client.get("/openapi.json").json()["components"]["securitySchemes"]["picket"]
    finally:
        stop()
