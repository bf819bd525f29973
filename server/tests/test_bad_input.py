"""Bad input: a clear error naming the rule, nothing lost, no secret echoed."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

from harness import (
    SK_RE,
    json_lines,
    operator,
)
from projects import (
    REDIRECT_A,
    REDIRECT_B,
    Project,
    authorize_query,
    ping,
    pkce,
    send_authorize,
    sk_auth,
)

# --- 5. Bad input: a clear error, and nothing lost ----------------------------------------


def error_body(r: httpx.Response) -> dict[str, Any]:
    assert r.headers.get("content-type", "").startswith("application/json"), r.headers
    body: dict[str, Any] = r.json()
    assert isinstance(body.get("error"), str) and body["error"], body
    return body


@pytest.mark.parametrize(
    "method,path",
    [
        ("POST", "/v1/keys"),
        ("POST", "/v1/redirect_uris"),
        ("DELETE", "/v1/redirect_uris"),
        ("POST", "/v1/project/mode"),
        ("POST", "/v1/tokens/validate"),
        ("POST", "/v1/keys/1/roll"),
    ],
)
@pytest.mark.parametrize("body", [b"{", b'{"uri": ', b"[1,2", b"not json", b'{"kind": 7}'])
def test_malformed_json_is_refused_and_changes_nothing(
    project: Project, method: str, path: str, body: bytes
) -> None:
    before = project.snapshot()
    r = project.client.request(
        method,
        path,
        content=body,
        headers={"content-type": "application/json"},
        auth=sk_auth(project.sk),
    )
    assert r.status_code == 400, f"{method} {path} {body!r}: {r.status_code} {r.text}"
    assert error_body(r)["error"] == "invalid_json"
    assert project.snapshot() == before


@pytest.mark.parametrize(
    "path,content_type",
    [
        ("/v1/redirect_uris", "application/json"),
        ("/v1/keys", "application/json"),
        ("/v1/tokens/validate", "application/json"),
        ("/oauth2/token", "application/x-www-form-urlencoded"),
    ],
)
def test_oversize_body_is_413_and_changes_nothing(
    project: Project, path: str, content_type: str
) -> None:
    before = project.snapshot()
    if content_type == "application/json":
        body = b'{"uri": "http://localhost:3000/' + b"a" * (1 << 20) + b'"}'
    else:
        body = b"grant_type=authorization_code&code=" + b"a" * (1 << 20)
    r = project.client.post(
        path, content=body, headers={"content-type": content_type}, auth=sk_auth(project.sk)
    )
    assert r.status_code == 413, f"{path}: {r.status_code} {r.text[:200]}"
    assert r.json()["error"]
    assert project.snapshot() == before
    assert ping(project.client, project.sk) == 200  # the server is still serving


def test_unknown_project_is_refused_and_changes_nothing(project: Project) -> None:
    store = project.server.store
    before = project.snapshot()
    projects = operator(store, "project", "list").stdout
    for args in (
        ("key", "issue", "-project", "999999", "-kind", "secret"),
        ("key", "list", "-project", "999999"),
        ("redirect", "add", "-project", "999999", "http://localhost:3000/x"),
        ("redirect", "list", "-project", "999999"),
        ("project", "mode", "-project", "999999", "-mode", "production"),
    ):
        cp = operator(store, *args, check=False)
        assert cp.returncode == 1, f"{args}: exit {cp.returncode}: {cp.stdout}"
        (err,) = json_lines(cp.stderr)
        assert err["error"] == "unknown_project" and err["message"], err
        assert not SK_RE.search(cp.stdout + cp.stderr)
    # A well-formed publishable key that no project holds.
    _, challenge = pkce()
    unknown_pk = "pk_" + secrets.token_hex(16)
    r = send_authorize(project.client, *authorize_query(unknown_pk, REDIRECT_A, challenge))
    assert r.status_code == 400, "an unknown client_id must never be redirected"
    assert "location" not in r.headers
    error_body(r)
    assert ping(project.client, "sk_" + secrets.token_hex(16)) == 401
    assert project.snapshot() == before
    assert operator(store, "project", "list").stdout == projects


def test_replayed_code_revokes_only_its_own_tokens(project: Project) -> None:
    token, code, verifier = project.access_token()
    other, _, _ = project.access_token()
    before = project.snapshot()
    r = project.token(code, REDIRECT_A, verifier)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
    assert r.json().get("error_description")
    assert not project.active(token), "the replayed code's token is still active"
    assert project.active(other), "a replay revoked another code's token"
    assert project.snapshot() == before


def test_wrong_verifier_and_other_redirect_are_refused_and_change_nothing(
    project: Project,
) -> None:
    other, _, _ = project.access_token()
    before = project.snapshot()
    verifier, challenge = pkce()
    code = project.authorize(REDIRECT_A, challenge)
    for redirect_uri, v in ((REDIRECT_A, pkce()[0]), (REDIRECT_B, verifier)):
        r = project.token(code, redirect_uri, v)
        assert r.status_code == 400, r.text
        body = r.json()
        assert body["error"] == "invalid_grant" and body.get("error_description"), body
        assert "access_token" not in body
    # A verifier shorter than RFC 7636 allows: a request error, not a grant.
    code2 = project.authorize(REDIRECT_A, challenge)
    r = project.token(code2, REDIRECT_A, "short")
    assert r.status_code == 400 and r.json()["error"] in ("invalid_request", "invalid_grant")
    assert project.active(other)
    assert project.snapshot() == before


def test_errors_never_echo_a_secret(project: Project) -> None:
    # A secret key used as client_id: refused before any redirect, the key not echoed.
    _, challenge = pkce()
    r = send_authorize(
        project.client, *authorize_query(project.sk, REDIRECT_A, challenge, state=None)
    )
    assert r.status_code == 400 and "location" not in r.headers
    # An RFC 6749 error object whose description says to roll the key.
    body = error_body(r)
    assert body["error"] == "invalid_client" and "must be rolled" in body["error_description"]
    assert project.sk not in r.text
    # A secret key pasted where a redirect URI goes.
    r = project.client.post("/v1/redirect_uris", json={"uri": project.sk}, auth=sk_auth(project.sk))
    assert r.status_code == 400 and project.sk not in r.text
    error_body(r)
    # The publishable key on a secret endpoint: 403, key not echoed.
    r = project.client.get("/v1/keys", auth=(project.pk, ""))
    assert r.status_code == 403 and project.pk not in r.text
