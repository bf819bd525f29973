"""The WSGI middleware: 200 with the environ filled in, 401 with the challenge, 403."""

from __future__ import annotations

import base64
import http.client
import json
import threading
import urllib.error
import urllib.request
from typing import Any, Dict, Iterable, List, Optional, Tuple
from wsgiref.simple_server import WSGIRequestHandler, make_server
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest
from conftest import PK, PK_JS_SDK, SK, SK_CURL, SK_SECRET_PART, basic

import picket
from picket import KeyKind, Registry, Requirement
from picket.wsgi import ENVIRON_KEY_KIND, ENVIRON_PROJECT, PicketMiddleware

NOW = 1_000


def app(environ: Dict[str, Any], start_response: Any) -> Iterable[bytes]:
    body = json.dumps(
        {"project": environ[ENVIRON_PROJECT], "kind": str(environ[ENVIRON_KEY_KIND])}
    ).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def call(
    wsgi_app: Any, authorization: Optional[str]
) -> Tuple[str, Dict[str, str], bytes, Dict[str, Any]]:
    environ: Dict[str, Any] = {}
    setup_testing_defaults(environ)
    environ.setdefault("QUERY_STRING", "")
    if authorization is not None:
        environ["HTTP_AUTHORIZATION"] = authorization
    captured: Dict[str, Any] = {}

    def start_response(status: str, headers: List[Tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"] = status
        captured["headers"] = headers
        return lambda data: None

    result = validator(wsgi_app)(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()
    headers = {k.lower(): v for k, v in captured["headers"]}
    return captured["status"], headers, body, environ


def test_secret_endpoint_accepts_a_secret_key(registry: Registry) -> None:
    wsgi = PicketMiddleware(app, registry, Requirement.SECRET, clock=lambda: NOW)
    status, headers, body, environ = call(wsgi, SK_CURL)
    assert status == "200 OK"
    assert json.loads(body) == {"project": 1, "kind": "secret"}
    assert environ[ENVIRON_PROJECT] == 1
    assert environ[ENVIRON_KEY_KIND] is KeyKind.SECRET


def test_any_endpoint_accepts_the_js_sdk_form(registry: Registry) -> None:
    wsgi = PicketMiddleware(app, registry)
    status, _, body, environ = call(wsgi, PK_JS_SDK)
    assert status == "200 OK"
    assert json.loads(body) == {"project": 1, "kind": "publishable"}
    assert environ[ENVIRON_KEY_KIND] is KeyKind.PUBLISHABLE


@pytest.mark.parametrize(
    "authorization, error",
    [
        (None, "header_missing"),
        ("", "header_missing"),
        ("Basic !!!", "header_invalid_base64"),
        (basic("sk_" + "0" * 32 + ":"), "auth_unknown_key"),
        (basic(PK + ":" + SK), "header_non_empty_password"),
        (basic(SK + "x:"), "key_wrong_length"),
        ("Bearer " + SK, "header_bearer_not_enabled"),
    ],
)
def test_refusals_are_401_with_a_json_body(
    registry: Registry, authorization: Optional[str], error: str
) -> None:
    reached = []

    def inner(environ: Dict[str, Any], start_response: Any) -> Iterable[bytes]:
        reached.append(True)
        return app(environ, start_response)

    wsgi = PicketMiddleware(inner, registry, Requirement.SECRET, clock=lambda: NOW)
    status, headers, body, environ = call(wsgi, authorization)
    assert status == "401 Unauthorized"
    assert headers["www-authenticate"] == 'Basic realm="picket"'
    assert headers["content-type"] == "application/json"
    assert int(headers["content-length"]) == len(body)
    payload = json.loads(body)
    assert set(payload) == {"error", "code", "message"}
    assert payload["error"] == error and payload["message"]
    assert payload["code"] == picket.Code[error.upper()]
    assert SK_SECRET_PART not in body.decode() and SK_SECRET_PART not in str(headers)
    assert reached == [] and ENVIRON_PROJECT not in environ


def test_wrong_kind_is_403_without_challenge(registry: Registry) -> None:
    wsgi = PicketMiddleware(app, registry, Requirement.SECRET, clock=lambda: NOW)
    status, headers, body, _ = call(wsgi, PK_JS_SDK)
    assert status == "403 Forbidden"
    assert "www-authenticate" not in headers
    assert json.loads(body) == {
        "error": "auth_wrong_kind",
        "code": 502,
        "message": "this endpoint requires a secret key, but a publishable key was sent",
    }


def test_clock_decides_expiry(registry: Registry) -> None:
    key = picket.format_key(KeyKind.SECRET, bytes(range(16)))  # project 2, valid while now < 2000
    now = [1_999.5]
    wsgi = PicketMiddleware(app, registry, clock=lambda: now[0])
    assert call(wsgi, basic(key.expose()))[0] == "200 OK"
    now[0] = 2_000
    status, _, body, _ = call(wsgi, basic(key.expose()))
    assert status == "401 Unauthorized" and json.loads(body)["error"] == "auth_expired"


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def test_real_server_and_clients(registry: Registry) -> None:
    """The middleware behind wsgiref's HTTP server, driven by urllib and http.client."""
    server = make_server(
        "127.0.0.1",
        0,
        PicketMiddleware(app, registry, Requirement.SECRET),
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        url = f"http://127.0.0.1:{port}/v1/ping"
        # urllib with the header `requests`/`curl -u KEY:` send.
        request = urllib.request.Request(url, headers={"Authorization": SK_CURL})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert json.loads(response.read()) == {"project": 1, "kind": "secret"}
        # No key.
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(url, timeout=10)
        assert caught.value.code == 401
        assert caught.value.headers["WWW-Authenticate"] == 'Basic realm="picket"'
        assert json.loads(caught.value.read())["error"] == "header_missing"
        # http.client with the JS SDK's exact header: a publishable key on a secret endpoint.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(
            "GET",
            "/v1/ping",
            headers={"Authorization": "Basic  " + base64.b64encode(PK.encode()).decode()},
        )
        response = connection.getresponse()
        assert response.status == 403
        assert json.loads(response.read())["error"] == "auth_wrong_kind"
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
