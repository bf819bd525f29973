"""The middleware under real servers, driven over loopback by real clients: the ASGI
middleware and the FastAPI dependency under uvicorn, the WSGI middleware under the
standard library's wsgiref server (a real HTTP/1.1 server, threaded), each by httpx, by
requests, and by Node's fetch with the JS SDK's exact header (``Basic  `` + base64(key):
two spaces, no colon). Ports are the kernel's (serving.py)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import httpx
import pytest
import requests
from conftest import PK, SK
from serving import Stop, serve_asgi, serve_wsgi, two_key_registry

import picket
import picket.asgi
import picket.wsgi
from picket import KeyKind, Mode, Requirement

HOST = "127.0.0.1"
UNKNOWN = "sk_" + "0" * 32


def js_sdk(key: str) -> str:
    """The JS SDK's header, byte for byte."""
    return "Basic  " + base64.b64encode(key.encode()).decode()


def curl_form(key: str) -> str:
    return "Basic " + base64.b64encode((key + ":").encode()).decode()


@pytest.fixture(scope="module")
def registry() -> Iterator[picket.Registry]:
    with two_key_registry(PK, SK) as reg:
        yield reg


# ------------------------------------------------------------------------------------
# Applications
# ------------------------------------------------------------------------------------


def wsgi_app(environ: Dict[str, Any], start_response: Callable[..., Any]) -> List[bytes]:
    path = environ["PATH_INFO"]
    if path not in ("/healthz", "/admin", "/widget", "/api/items"):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    body = json.dumps(
        {
            "path": path,
            "project": environ.get(picket.wsgi.ENVIRON_PROJECT),
            "kind": str(environ[picket.wsgi.ENVIRON_KEY_KIND])
            if picket.wsgi.ENVIRON_KEY_KIND in environ
            else None,
        }
    ).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def starlette_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def endpoint(request: Request) -> JSONResponse:
        auth: Optional[picket.Auth] = request.scope.get(picket.asgi.SCOPE_KEY)
        return JSONResponse(
            {
                "path": request.url.path,
                "project": auth.project if auth else None,
                "kind": str(auth.kind) if auth else None,
            }
        )

    return Starlette(
        routes=[Route(p, endpoint) for p in ("/healthz", "/admin", "/widget", "/api/items")]
    )


def fastapi_app(registry: picket.Registry) -> Any:
    from fastapi import Depends, FastAPI

    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> Dict[str, Any]:
        return {"path": "/healthz", "project": None, "kind": None}

    @app.get("/admin")
    def admin(
        auth: picket.Auth = Depends(picket.asgi.require_key(registry, Requirement.SECRET)),
    ) -> Dict[str, Any]:
        return {"path": "/admin", "project": auth.project, "kind": str(auth.kind)}

    @app.get("/widget")
    def widget(
        auth: picket.Auth = Depends(picket.asgi.require_key(registry, Requirement.PUBLISHABLE)),
    ) -> Dict[str, Any]:
        return {"path": "/widget", "project": auth.project, "kind": str(auth.kind)}

    @app.get("/api/items")
    def items(auth: picket.Auth = Depends(picket.asgi.require_key(registry))) -> Dict[str, Any]:
        return {"path": "/api/items", "project": auth.project, "kind": str(auth.kind)}

    return app


# Per-route requirements: only the listed prefixes need a key, so an unknown path is the
# application's 404; /healthz is exempt.
ROUTES = {"/admin": Requirement.SECRET, "/widget": Requirement.PUBLISHABLE, "/api": Requirement.ANY}


# ------------------------------------------------------------------------------------
# Servers
# ------------------------------------------------------------------------------------


def _starlette_with_add_middleware(reg: picket.Registry) -> Tuple[str, Stop]:
    app = starlette_app()
    app.add_middleware(picket.asgi.PicketMiddleware, registry=reg, requirement=None, routes=ROUTES)
    return serve_asgi(app)


SERVERS: Dict[str, Callable[[picket.Registry], Tuple[str, Stop]]] = {
    "wsgi-routes": lambda reg: serve_wsgi(
        picket.wsgi.PicketMiddleware(wsgi_app, reg, None, routes=ROUTES)
    ),
    "asgi-routes": lambda reg: serve_asgi(
        picket.asgi.PicketMiddleware(starlette_app(), reg, None, routes=ROUTES)
    ),
    "starlette-add-middleware": _starlette_with_add_middleware,
    "fastapi-depends": lambda reg: serve_asgi(fastapi_app(reg)),
}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request: pytest.FixtureRequest, registry: picket.Registry) -> Iterator[str]:
    url, stop = SERVERS[request.param](registry)
    try:
        yield url
    finally:
        stop()


# (path, Authorization or None, status, project and kind in the body or an error name)
CASES: List[Tuple[str, Optional[str], int, Any]] = [
    ("/healthz", None, 200, (None, None)),
    ("/no-such-page", None, 404, None),  # not turned into a 401
    ("/admin", None, 401, "header_missing"),
    ("/admin", curl_form(SK), 200, (1, "secret")),
    ("/admin", js_sdk(SK), 200, (1, "secret")),
    ("/admin", js_sdk(PK), 403, "auth_wrong_kind"),
    ("/admin", curl_form(UNKNOWN), 401, "auth_unknown_key"),
    ("/admin", "Bearer " + SK, 401, "header_bearer_not_enabled"),
    ("/widget", js_sdk(PK), 200, (1, "publishable")),
    ("/widget", curl_form(SK), 403, "auth_wrong_kind"),
    ("/api/items", js_sdk(PK), 200, (1, "publishable")),
    ("/api/items", curl_form(SK), 200, (1, "secret")),
    ("/api/items", "Basic !!!", 401, "header_invalid_base64"),
]


def _check(status: int, body: str, headers: Dict[str, str], case: Tuple[Any, ...]) -> None:
    path, auth, want_status, want = case
    assert status == want_status, (case, body)
    assert SK not in body and SK[3:] not in body  # the secret never echoes
    if want_status == 200:
        data = json.loads(body)
        assert (data["project"], data["kind"]) == want and data["path"] == path
    elif want_status in (401, 403):
        data = json.loads(body)
        error = data.get("detail", data)  # FastAPI puts the dependency's detail there
        assert error["error"] == want, body
        assert error["message"]
        challenge = headers.get("www-authenticate")
        assert challenge == ('Basic realm="picket"' if want_status == 401 else None)


def test_httpx(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as client:
        for case in CASES:
            path, auth, _, _ = case
            response = client.get(path, headers={"Authorization": auth} if auth else {})
            _check(response.status_code, response.text, dict(response.headers), case)


def test_requests(server: str) -> None:
    with requests.Session() as session:
        for case in CASES:
            path, auth, _, _ = case
            response = session.get(
                server + path, headers={"Authorization": auth} if auth else {}, timeout=10
            )
            headers = {k.lower(): v for k, v in response.headers.items()}
            _check(response.status_code, response.text, headers, case)
        # requests' own Basic auth (`KEY:`), as a Python client would send it.
        response = session.get(server + "/admin", auth=(SK, ""), timeout=10)
        assert response.status_code == 200 and response.json()["kind"] == "secret"


NODE_CLIENT = r"""
// As the JS SDK sends it: "Basic  " + base64(key), two spaces, no colon.
const [base, pk, sk] = process.argv.slice(2);
const sdk = (key) => "Basic  " + Buffer.from(key).toString("base64");
const out = [];
const cases = [
  ["/widget", pk], ["/admin", sk], ["/admin", pk], ["/admin", null], ["/no-such-page", null],
];
for (const [path, key] of cases) {
  const headers = key ? { Authorization: sdk(key) } : {};
  const r = await fetch(base + path, { headers });
  out.push([path, r.status, r.headers.get("www-authenticate"), await r.text()]);
}
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_fetch_with_the_js_sdk_header(server: str, tmp_path: Any) -> None:
    script = tmp_path / "client.mjs"
    script.write_text(NODE_CLIENT)
    result = subprocess.run(
        ["node", str(script), server, PK, SK], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)
    statuses = [(path, status) for path, status, _, _ in answers]
    assert statuses == [
        ("/widget", 200),
        ("/admin", 200),
        ("/admin", 403),
        ("/admin", 401),
        ("/no-such-page", 404),
    ]
    assert json.loads(answers[0][3])["kind"] == "publishable"
    assert json.loads(answers[1][3])["kind"] == "secret"
    assert answers[3][2] == 'Basic realm="picket"'
    assert all(SK[3:] not in body for _, _, _, body in answers)


@pytest.fixture(scope="module")
def protected_by_default(registry: picket.Registry) -> Iterator[Dict[str, str]]:
    """Both middleware with every path protected but the exempt health check."""
    wsgi_url, stop_wsgi = serve_wsgi(
        picket.wsgi.PicketMiddleware(wsgi_app, registry, exempt=["/healthz"])
    )
    asgi_url, stop_asgi = serve_asgi(
        picket.asgi.PicketMiddleware(starlette_app(), registry, exempt=["/healthz"])
    )
    try:
        yield {"wsgi": wsgi_url, "asgi": asgi_url}
    finally:
        stop_wsgi()
        stop_asgi()


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_exempt_paths_when_everything_else_is_protected(
    protected_by_default: Dict[str, str], kind: str
) -> None:
    base = protected_by_default[kind]
    with httpx.Client(base_url=base, timeout=10) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz/deep").status_code == 404  # exempt, then the app's 404
        assert client.get("/healthzx").status_code == 401  # a segment boundary
        assert client.get("/no-such-page").status_code == 401  # protected by default
        with_key = {"Authorization": js_sdk(PK)}
        assert client.get("/no-such-page", headers=with_key).status_code == 404
        assert client.get("/admin", headers=with_key).json()["kind"] == "publishable"


def test_asgi_refuses_duplicate_authorization_headers(registry: picket.Registry) -> None:
    """Two Authorization headers are refused (400 duplicate_authorization), never read as
    the first or the last."""
    import asyncio

    sent: List[Dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:  # pragma: no cover
        raise AssertionError("the app must not run")

    async def send(message: Dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> Dict[str, Any]:  # pragma: no cover
        return {"type": "http.request"}

    middleware = picket.asgi.PicketMiddleware(app, registry)
    scope = {
        "type": "http",
        "path": "/",
        "headers": [(b"authorization", curl_form(SK).encode()), (b"authorization", b"x")],
    }
    asyncio.run(middleware(scope, receive, send))
    assert sent[0]["status"] == 400
    assert json.loads(sent[1]["body"])["error"] == "duplicate_authorization"


def test_asgi_passes_lifespan_through(registry: picket.Registry) -> None:
    import asyncio

    seen: List[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    async def nothing(*args: Any) -> Any:  # pragma: no cover
        return None

    asyncio.run(picket.asgi.PicketMiddleware(app, registry)({"type": "lifespan"}, nothing, nothing))
    assert seen == ["lifespan"]


def test_fastapi_dependency_needs_no_key_twice(registry: picket.Registry) -> None:
    """A protected FastAPI route answers the dependency's 401 with its challenge; an
    unknown path stays a 404 (FastAPI routes first)."""
    url, stop = serve_asgi(fastapi_app(registry))
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            refused = client.get("/admin")
            assert refused.status_code == 401
            assert refused.headers["www-authenticate"] == 'Basic realm="picket"'
            assert refused.json()["detail"]["error"] == "header_missing"
            assert client.get("/nope").status_code == 404
    finally:
        stop()


def test_holder_behind_the_middleware(registry: picket.Registry) -> None:
    """A RegistryHolder works wherever a Registry does: a key issued and reloaded is
    accepted on the next request, with no restart."""
    keys = [picket.parse_key(SK)]

    def load() -> picket.Registry:
        builder = picket.RegistryBuilder()
        builder.add_project(1, Mode.DEVELOPMENT)
        for key in keys:
            builder.add_key(key, 1)
        return builder.build()

    holder = picket.RegistryHolder(load)
    url, stop = serve_asgi(
        picket.asgi.PicketMiddleware(starlette_app(), holder, None, routes=ROUTES)
    )
    try:
        new = picket.generate_key(KeyKind.SECRET)
        with httpx.Client(base_url=url, timeout=10) as client:
            headers = {"Authorization": curl_form(new.expose())}
            assert client.get("/admin", headers=headers).status_code == 401
            keys.append(new)
            holder.reload()
            assert client.get("/admin", headers=headers).status_code == 200
    finally:
        stop()
        holder.close()
