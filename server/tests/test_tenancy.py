"""Hostile tenants and traffic (issue 22): strict input, keys, quotas, CORS, token
inactivation, retention, rate limits and metrics, each on SQLite and on PostgreSQL with
real clients (httpx, curl)."""

from __future__ import annotations

import base64
import subprocess
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from projects import (
    REDIRECT_A,
    REDIRECT_B,
    Project,
    pkce,
    sk_auth,
)


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


# --- One value per field ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body,message",
    [
        (b'{"KIND": "secret"}', 'unknown field "KIND"'),
        (b'{"kind": "publishable", "kind": "secret"}', 'duplicate field "kind"'),
        (b'{"kind": "publishable", "Kind": "secret"}', 'unknown field "Kind"'),
    ],
)
def test_json_duplicate_and_case_mismatched_fields_are_refused(
    project: Project, body: bytes, message: str
) -> None:
    before = project.snapshot()
    r = project.client.post(
        "/v1/keys",
        content=body,
        headers={"content-type": "application/json"},
        auth=sk_auth(project.sk),
    )
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "invalid_json" and message in r.json()["message"], r.json()
    assert project.snapshot() == before


def test_two_authorization_headers_are_refused_everywhere(project: Project) -> None:
    two = [("authorization", basic(project.sk)), ("authorization", basic(project.pk))]
    for method, path in (("GET", "/v1/ping"), ("GET", "/v1/keys"), ("POST", "/v1/keys")):
        r = project.client.request(method, path, headers=two, json={"kind": "secret"})
        assert r.status_code == 400, f"{path}: {r.status_code} {r.text}"
        assert r.json()["error"] == "duplicate_authorization", r.json()
    r = project.client.post("/oauth2/token", headers=two, data={"grant_type": "authorization_code"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request", r.text
    # curl sends both lines as given.
    out = subprocess.run(
        [
            "curl",
            "-s",
            "-w",
            "\n%{http_code}",
            "-H",
            f"Authorization: {basic(project.sk)}",
            "-H",
            f"Authorization: {basic(project.sk)}",
            f"{project.server.url}/v1/project",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    body, status = out.rsplit("\n", 1)
    assert status == "400" and '"duplicate_authorization"' in body, out


def test_repeated_authorize_parameters_are_invalid_request(project: Project) -> None:
    _, challenge = pkce()
    base = [
        ("response_type", "code"),
        ("client_id", project.pk),
        ("redirect_uri", REDIRECT_A),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        ("state", "xyz"),
    ]
    # client_id or redirect_uri twice: answered here, never redirected.
    for extra in (("client_id", project.pk), ("redirect_uri", REDIRECT_B)):
        r = project.client.get("/oauth2/authorize?" + urlencode([*base, extra]))
        assert r.status_code == 400 and "location" not in r.headers, r.text
        assert r.json()["error"] == "invalid_request"
    for extra in (("response_type", "token"), ("code_challenge_method", "plain"), ("state", "abc")):
        r = project.client.get("/oauth2/authorize?" + urlencode([*base, extra]))
        assert r.status_code == 302, r.text
        q = parse_qs(urlsplit(r.headers["location"]).query)
        assert q["error"] == ["invalid_request"] and "code" not in q, q
        assert f"{extra[0]} is repeated" in q["error_description"][0]
