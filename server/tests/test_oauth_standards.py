"""The OAuth endpoints by their RFCs, driven by a standard client (Authlib, over requests):
RFC 8414 metadata discovery, the code flow with PKCE and RFC 9207's iss, RFC 7662
introspection with the project's secret key, RFC 7009 revocation by the public client and by
the secret key, and RFC 6749 error objects. Each on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.integrations.base_client.errors import OAuthError  # type: ignore[import-untyped]
from authlib.integrations.requests_client import OAuth2Session  # type: ignore[import-untyped]

from harness import new_store
from projects import (
    REDIRECT_A,
    Project,
    authorize_query,
    pkce,
    running_project,
    send_authorize,
)

METADATA = "/.well-known/oauth-authorization-server"
RFC6749_ERRORS = {
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "unsupported_response_type",
    "server_error",
}
# An internal rule name in an error_description: snake_case that is not an OAuth parameter.
SNAKE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")
PARAMS = {
    "client_id",
    "redirect_uri",
    "response_type",
    "code_challenge",
    "code_verifier",
    "grant_type",
}


def metadata(p: Project) -> dict[str, Any]:
    r = p.client.get(METADATA)
    assert r.status_code == 200, r.text
    m: dict[str, Any] = r.json()
    return m


def public_client(p: Project) -> OAuth2Session:
    return OAuth2Session(
        client_id=p.pk,
        redirect_uri=REDIRECT_A,
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
        default_timeout=10,
    )


def resource_server(p: Project) -> OAuth2Session:
    """The project's backend: client_secret_basic with the secret key as client_id and an
    empty secret, which is picket's Basic form (the key as the username, no password)."""
    return OAuth2Session(
        client_id=p.sk,
        client_secret="",
        token_endpoint_auth_method="client_secret_basic",
        revocation_endpoint_auth_method="client_secret_basic",
        default_timeout=10,
    )


def code_flow(p: Project, meta: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The code flow as Authlib runs it: the authorization URL, the server's redirect (no
    log-in page: the authorize step redirects at once), the token request. Returns the token
    and the redirect's query."""
    verifier, _ = pkce()
    with public_client(p) as client:
        url, state = client.create_authorization_url(
            meta["authorization_endpoint"], code_verifier=verifier
        )
        r = httpx.get(url, follow_redirects=False, timeout=10)
        assert r.status_code == 302, r.text
        location = r.headers["location"]
        assert location.startswith(REDIRECT_A + "?"), location
        query = parse_qs(urlsplit(location).query)
        assert query["state"] == [state]
        token: dict[str, Any] = client.fetch_token(
            meta["token_endpoint"], authorization_response=location, code_verifier=verifier
        )
    return token, query


def assert_rfc6749_error(body: dict[str, Any]) -> None:
    assert body["error"] in RFC6749_ERRORS and body["error_description"], body
    assert "code" not in body and "message" not in body, body
    names = set(SNAKE.findall(body["error_description"])) - PARAMS
    assert not names, f"internal names in {body['error_description']!r}"


def introspect(p: Project, meta: dict[str, Any], token: str) -> dict[str, Any]:
    with resource_server(p) as rs:
        r = rs.introspect_token(meta["introspection_endpoint"], token=token)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_discovery_flow_introspection_revocation(project: Project) -> None:
    p = project
    meta = metadata(p)
    # The issuer is the server's own URL when no -issuer or -public-url is given.
    assert meta["issuer"] == p.server.url
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["authorization_response_iss_parameter_supported"] is True
    before = int(time.time())
    token, query = code_flow(p, meta)
    assert query["iss"] == [meta["issuer"]], "RFC 9207: the authorization response names its issuer"
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600

    m = introspect(p, meta, token["access_token"])
    assert m["active"] is True and m["client_id"] == p.pk and m["token_type"] == "Bearer", m
    assert before - 1 <= m["iat"] <= int(time.time()) + 1 and m["exp"] == m["iat"] + 3600, m
    assert "scope" not in m, m

    # The public client revokes its token (client_id in the form, RFC 7009 §2.1).
    with public_client(p) as client:
        r = client.revoke_token(meta["revocation_endpoint"], token=token["access_token"])
    assert r.status_code == 200, r.text
    assert introspect(p, meta, token["access_token"]) == {"active": False}

    # The project's backend revokes a token with its secret key.
    token, _ = code_flow(p, meta)
    with resource_server(p) as rs:
        r = rs.revoke_token(meta["revocation_endpoint"], token=token["access_token"])
    assert r.status_code == 200, r.text
    assert introspect(p, meta, token["access_token"]) == {"active": False}
    # An unknown token: 200, nothing to do.
    with resource_server(p) as rs:
        assert rs.revoke_token(meta["revocation_endpoint"], token="0" * 64).status_code == 200


def test_public_client_by_http_basic(project: Project) -> None:
    """A public client that authenticates by HTTP Basic (client_secret_basic with an empty
    secret: Authlib form-urlencodes the client_id, RFC 6749 §2.3.1, as requests-oauthlib's
    default does) gets its token and revokes it; no-store and no-cache on the answer."""
    p = project
    meta = metadata(p)
    assert meta["token_endpoint_auth_methods_supported"] == ["none", "client_secret_basic"]
    verifier, _ = pkce()
    with OAuth2Session(
        client_id=p.pk,
        client_secret="",
        redirect_uri=REDIRECT_A,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
        revocation_endpoint_auth_method="client_secret_basic",
        default_timeout=10,
    ) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"], code_verifier=verifier
        )
        location = httpx.get(url, timeout=10).headers["location"]
        token = client.fetch_token(
            meta["token_endpoint"], authorization_response=location, code_verifier=verifier
        )
        assert introspect(p, meta, token["access_token"])["active"] is True
        assert client.revoke_token(meta["revocation_endpoint"], token=token["access_token"]).ok
    assert introspect(p, meta, token["access_token"]) == {"active": False}
    # The headers RFC 6749 §5.1 asks of a token answer, seen by a plain HTTP client.
    verifier, challenge = pkce()
    r = send_authorize(p.client, *authorize_query(p.pk, REDIRECT_A, challenge, state=None))
    code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_A}
    r = p.client.post("/oauth2/token", data={**form, "code_verifier": verifier}, auth=(p.pk, ""))
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store" and r.headers["pragma"] == "no-cache"
    r = p.client.post("/oauth2/token", data=form, auth=("pk_" + "0" * 32, ""))
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic"), r.text
    assert_rfc6749_error(r.json())


def test_rfc6749_errors(project: Project) -> None:
    p = project
    meta = metadata(p)
    # A wrong code_verifier: Authlib raises the server's RFC 6749 error.
    verifier, _ = pkce()
    with public_client(p) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"], code_verifier=verifier
        )
        location = httpx.get(url, timeout=10).headers["location"]
        with pytest.raises(OAuthError) as caught:
            client.fetch_token(
                meta["token_endpoint"], authorization_response=location, code_verifier=pkce()[0]
            )
    assert caught.value.error == "invalid_grant"
    assert "does not match" in caught.value.description and "pkce" not in caught.value.description
    # 405 on the token endpoint, an unknown client at authorize (no redirect), the secret key
    # as the resource server's credential checked, a publishable key refused there.
    r = p.client.get("/oauth2/token")
    assert r.status_code == 405 and "POST" in r.headers["allow"], r.text
    assert_rfc6749_error(r.json())
    r = send_authorize(
        p.client,
        ("response_type", "code"),
        ("client_id", "pk_" + "0" * 32),
        ("redirect_uri", REDIRECT_A),
    )
    assert r.status_code == 400 and "location" not in r.headers, r.text
    assert r.json()["error"] == "invalid_client"
    assert_rfc6749_error(r.json())
    r = p.client.post("/oauth2/introspect", data={"token": "x"}, auth=(p.pk, ""))
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic"), r.text
    assert r.json()["error"] == "invalid_client"
    assert_rfc6749_error(r.json())
    # A scope: this server grants none, and says so rather than dropping it (RFC 6749 §3.3).
    with public_client(p) as client:
        client.scope = "openid profile"
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"], code_verifier=pkce()[0]
        )
    query = parse_qs(urlsplit(httpx.get(url, timeout=10).headers["location"]).query)
    assert query["error"] == ["invalid_scope"] and "code" not in query, query
    assert query["iss"] == [meta["issuer"]]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_configured_issuer(backend: str, tmp_path: Path) -> None:
    """Behind a proxy the issuer is the public URL (-issuer), never the request's Host."""
    issuer = "https://auth.example.test/picket"
    with running_project(new_store(backend, tmp_path), "-issuer", issuer + "/") as p:
        m = p.client.get(METADATA, headers={"Host": "evil.example"}).json()
        assert m["issuer"] == issuer and m["token_endpoint"] == issuer + "/oauth2/token", m
        assert p.client.get(METADATA + "/picket").json() == m, "RFC 8414 §3.1 path"
        _, challenge = pkce()
        r = send_authorize(p.client, *authorize_query(p.pk, REDIRECT_A, challenge, state=None))
        assert parse_qs(urlsplit(r.headers["location"]).query)["iss"] == [issuer]
