"""Hostile tenants and traffic (issue 22): strict input, keys, quotas, CORS, token
inactivation, retention, rate limits and metrics, each on SQLite and on PostgreSQL with
real clients (httpx, curl)."""

from __future__ import annotations

import base64
import re
import subprocess
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from harness import (
    Store,
    json_lines,
    new_store,
    operator,
    postgres_enabled,
    server_bin,
    start_server,
    wait_until,
)
from projects import (
    REDIRECT_A,
    REDIRECT_B,
    Project,
    authorize_query,
    ping,
    pkce,
    running_project,
    send_authorize,
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
    base = authorize_query(project.pk, REDIRECT_A, challenge)
    # client_id or redirect_uri twice: answered here, never redirected.
    for extra in (("client_id", project.pk), ("redirect_uri", REDIRECT_B)):
        r = send_authorize(project.client, *base, extra)
        assert r.status_code == 400 and "location" not in r.headers, r.text
        assert r.json()["error"] == "invalid_request"
    for extra in (("response_type", "token"), ("code_challenge_method", "plain"), ("state", "abc")):
        r = send_authorize(project.client, *base, extra)
        assert r.status_code == 302, r.text
        q = parse_qs(urlsplit(r.headers["location"]).query)
        assert q["error"] == ["invalid_request"] and "code" not in q, q
        assert f"{extra[0]} is repeated" in q["error_description"][0]


def form_post(
    project: Project,
    path: str,
    pairs: list[tuple[str, str]],
    query: str = "",
    auth: tuple[str, str] | None = None,
) -> httpx.Response:
    """POSTs pairs as the form body, in order (repeats kept), with query on the URL."""
    return project.client.post(
        path + (f"?{query}" if query else ""),
        content=urlencode(pairs),
        headers={"content-type": "application/x-www-form-urlencoded"},
        auth=httpx.USE_CLIENT_DEFAULT if auth is None else auth,
    )


def test_repeated_parameters_at_token_introspect_and_revoke_are_invalid_request(
    project: Project,
) -> None:
    """Each parameter of /oauth2/token, /oauth2/introspect and /oauth2/revoke, sent twice in
    the body or once in the body and once in the query, is refused before anything is done:
    the code is still redeemable and the token still active afterwards."""
    verifier, challenge = pkce()
    code = project.authorize(REDIRECT_A, challenge)
    grant = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT_A),
        ("client_id", project.pk),
        ("code_verifier", verifier),
    ]
    kept, _, _ = project.access_token()
    forms: list[tuple[str, list[tuple[str, str]], tuple[str, str] | None]] = [
        ("/oauth2/token", grant, None),
        ("/oauth2/introspect", [("token", kept), ("token_type_hint", "access_token")],
         sk_auth(project.sk)),
        ("/oauth2/revoke", [("token", kept), ("token_type_hint", "access_token"),
                            ("client_id", project.pk)], None),
    ]  # fmt: skip
    for path, pairs, auth in forms:
        for name, value in pairs:
            for how, body, query in (
                ("twice in the body", [*pairs, (name, value)], ""),
                ("in the body and the query", pairs, urlencode([(name, value)])),
            ):
                r = form_post(project, path, body, query, auth)
                assert r.status_code == 400, f"{path} {name} {how}: {r.status_code} {r.text}"
                assert r.json() == {
                    "error": "invalid_request",
                    "error_description": f"{name} is repeated: each parameter may be sent once "
                    "(RFC 6749 §3.1)",
                }, f"{path} {name} {how}: {r.text}"
    # Nothing was done: the code redeems once, the token is active.
    assert project.active(kept)
    r = form_post(project, "/oauth2/token", grant)
    assert r.status_code == 200, r.text


# --- Keys: the last secret key, seniority, what a roll inherits ---------------------------


def issue(project: Project, key: str, **fields: object) -> dict[str, object]:
    r = project.client.post("/v1/keys", json={"kind": "secret", **fields}, auth=sk_auth(key))
    assert r.status_code == 201, r.text
    body: dict[str, object] = r.json()
    return body


def test_last_secret_key_and_seniority(project: Project) -> None:
    c = project.client
    r = c.post("/v1/keys/2/revoke", auth=sk_auth(project.sk))
    assert r.status_code == 409 and r.json()["error"] == "last_secret_key", r.text
    # A stolen younger key issues itself a fresh one: neither can take the owner's key.
    ci = issue(project, project.sk)
    thief = issue(project, str(ci["key"]))
    for key in (str(ci["key"]), str(thief["key"])):
        for action in ("revoke", "roll"):
            r = c.post(f"/v1/keys/2/{action}", auth=sk_auth(key))
            assert r.status_code == 403 and r.json()["error"] == "key_outranks_caller", r.text
    assert c.get("/v1/ping", auth=sk_auth(project.sk)).status_code == 200
    for k in (thief, ci):
        r = c.post(f"/v1/keys/{k['id']}/revoke", auth=sk_auth(project.sk))
        assert r.status_code == 200 and r.json()["revoked"] is True, r.text


def test_roll_keeps_the_lifetime_unless_asked(project: Project) -> None:
    day = issue(project, project.sk, expires_in_seconds=86400)
    r = project.client.post(
        f"/v1/keys/{day['id']}/roll", json={"grace_seconds": 0}, auth=sk_auth(project.sk)
    )
    assert r.status_code == 201, r.text
    new = r.json()
    issued, expires = (
        datetime.fromisoformat(new[f].replace("Z", "+00:00")) for f in ("created_at", "expires_at")
    )
    assert expires - issued == timedelta(days=1), new
    r = project.client.post(
        f"/v1/keys/{new['id']}/roll",
        json={"grace_seconds": 0, "expires_in_seconds": 0},
        auth=sk_auth(project.sk),
    )
    assert r.status_code == 201 and r.json()["expires_at"] is None, r.text


def test_operator_revokes_the_last_secret_key_only_with_force(project: Project) -> None:
    store = project.server.store
    cp = operator(store, "key", "revoke", "-key", "2", check=False)
    assert cp.returncode == 1 and json_lines(cp.stderr)[0]["error"] == "last_secret_key"
    assert project.client.get("/v1/ping", auth=sk_auth(project.sk)).status_code == 200
    (revoked,) = json_lines(operator(store, "key", "revoke", "-key", "2", "-force").stdout)
    assert revoked["revoked"] is True
    assert wait_until(
        lambda: project.client.get("/v1/ping", auth=sk_auth(project.sk)).status_code == 401, 2.0
    )


# --- Quotas and pages ---------------------------------------------------------------------


def all_pages(project: Project, path: str, field: str, limit: int) -> list[object]:
    items: list[object] = []
    params = {"limit": str(limit)}
    for _ in range(100):
        r = project.client.get(path, params=params, auth=sk_auth(project.sk))
        assert r.status_code == 200, r.text
        page = r.json()
        assert 0 < len(page[field]) <= limit, page
        items += page[field]
        if page["next_cursor"] is None:
            return items
        params["cursor"] = page["next_cursor"]
    raise AssertionError(f"{path}: the pages do not end")


def test_quotas_refuse_with_the_rule_and_lists_are_paged(backend: str, tmp_path: Path) -> None:
    flags = ("-max-keys-per-project", "6", "-max-redirect-uris-per-project", "5")
    with running_project(new_store(backend, tmp_path), *flags) as p:
        # 2 keys and 2 redirect URIs at start (setup_project adds REDIRECT_B).
        for _ in range(4):
            issue(p, p.sk)
        r = p.client.post("/v1/keys", json={"kind": "publishable"}, auth=sk_auth(p.sk))
        assert r.status_code == 409, r.text
        assert r.json()["error"] == "quota_keys" and r.json()["quota"] == 6, r.json()
        for i in range(3):
            r = p.client.post(
                "/v1/redirect_uris", json={"uri": f"https://a{i}.example/cb"}, auth=sk_auth(p.sk)
            )
            assert r.status_code == 201, r.text
        r = p.client.post(
            "/v1/redirect_uris", json={"uri": "https://z.example/cb"}, auth=sk_auth(p.sk)
        )
        assert r.status_code == 409 and r.json()["error"] == "quota_redirect_uris", r.text
        keys = all_pages(p, "/v1/keys", "keys", 4)
        assert [k["id"] for k in keys if isinstance(k, dict)] == [1, 2, 3, 4, 5, 6]
        uris = all_pages(p, "/v1/redirect_uris", "redirect_uris", 2)
        assert len(uris) == 5 and len(set(map(str, uris))) == 5, uris
        r = p.client.get("/v1/keys", params={"limit": "1001"}, auth=sk_auth(p.sk))
        assert r.status_code == 400 and r.json()["error"] == "bad_request", r.text
        # The operator's list, one page at a time.
        store = p.server.store
        first = json_lines(operator(store, "key", "list", "-project", "1", "-limit", "4").stdout)
        assert [k.get("id") for k in first[:4]] == [1, 2, 3, 4] and "next_cursor" in first[4]
        cursor = first[4]["next_cursor"]
        rest = operator(store, "key", "list", "-project", "1", "-limit", "4", "-cursor", cursor)
        assert [k["id"] for k in json_lines(rest.stdout)] == [5, 6]
        assert len(json_lines(operator(store, "key", "list", "-project", "1").stdout)) == 6


def dashboard_account(c: httpx.Client) -> Callable[..., httpx.Response]:
    """Signs up and logs in on the dashboard with c; returns post(path, **form), which
    posts a form of the dashboard with the CSRF token of the page at form_page (default:
    path itself)."""

    def post(path: str, form_page: str = "", **form: str) -> httpx.Response:
        page = c.get(form_page or path).text
        m = re.search(r'name="csrf" value="([^"]+)"', page)
        assert m, page
        return c.post(path, data={**form, "csrf": m.group(1)})

    account = {"email": "mallory@example.com", "password": "correct horse battery staple"}
    assert post("/dashboard/signup", **account).status_code == 303
    r = post("/dashboard/login", **account)
    assert "picket_session" in c.cookies or "__Host-picket_session" in c.cookies, r.text
    return post


def test_an_account_may_hold_only_its_quota_of_projects(backend: str, tmp_path: Path) -> None:
    """Anyone may sign up (the default): without a bound on projects per account, one
    account would grow every server's registry, the per-project quotas notwithstanding."""
    store = new_store(backend, tmp_path)
    server = start_server(store, extra=("-max-projects-per-account", "3"))
    try:
        with server.client() as c:
            post = dashboard_account(c)
            # "My First Project" and two more.
            for i in range(2):
                r = post("/dashboard/projects", name=f"more {i}")
                assert r.status_code == 201, r.text
            r = post("/dashboard/projects", name="one too many")
            assert r.status_code == 409, r.text
            assert 'data-rule="quota_projects"' in r.text, r.text
            assert "the account holds 3 projects, its first included (its quota)" in r.text
            assert "one too many" not in c.get("/dashboard/projects").text
        # The operator's own projects have no bound.
        operator(store, "project", "create", "-name", "the operator's")
    finally:
        server.stop()
    cp = subprocess.run(
        [server_bin(), "serve", "-max-projects-per-account", "-1", "-data", str(tmp_path / "n")],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert cp.returncode == 2 and "-max-projects-per-account" in cp.stderr, cp


def test_dashboard_changes_spend_the_projects_management_limit(
    backend: str, tmp_path: Path
) -> None:
    """The dashboard's changes of a project and its API calls spend one bucket: the limit is
    the project's, whichever way it is changed."""
    store = new_store(backend, tmp_path)
    server = start_server(store, extra=("-rate-management-per-project", "3/1m"))
    try:
        with server.client() as c:
            post = dashboard_account(c)
            r = post("/dashboard/projects", name="limited")
            assert r.status_code == 201, r.text
            sk = re.findall(r"sk_[0-9a-f]{32}", r.text)[0]
            m = re.search(r'href="/dashboard/projects/(\d+)"', r.text)
            assert m, r.text
            page = f"/dashboard/projects/{m.group(1)}"
            keys = page + "/keys"
            for _ in range(2):
                r = post(keys, form_page=page, kind="publishable", expires="none")
                assert r.status_code == 201, r.text
            assert c.get("/v1/project", auth=sk_auth(sk)).status_code == 200
            r = post(keys, form_page=page, kind="publishable", expires="none")
            assert r.status_code == 429 and 'data-rule="rate_limited"' in r.text, r.text
            assert int(r.headers["retry-after"]) >= 1, r.headers
            assert "management calls" in r.text and "per project" in r.text, r.text
            assert_limited(c.get("/v1/project", auth=sk_auth(sk)), "management_per_project")
            # Viewing the project is not a change.
            assert c.get(page).status_code == 200
        # The refused form issued nothing: the project's two first keys and two more.
        listed = json_lines(operator(store, "key", "list", "-project", m.group(1)).stdout)
        assert len(listed) == 4, listed
    finally:
        server.stop()


# --- CORS per project ---------------------------------------------------------------------


def other_project(project: Project, uri: str) -> str:
    """Creates project 2 with the operator's CLI, registers uri, and returns its publishable
    key once the running server authenticates it."""
    store = project.server.store
    operator(store, "project", "create", "-name", "Other")
    (k,) = json_lines(
        operator(store, "key", "issue", "-project", "2", "-kind", "publishable").stdout
    )
    operator(store, "redirect", "add", "-project", "2", uri)
    key = str(k["key"])
    assert wait_until(lambda: project.client.get("/v1/ping", auth=(key, "")).status_code == 200, 2)
    return key


def test_an_origin_is_allowed_only_for_its_own_project(project: Project) -> None:
    evil = "https://evil.example"
    other = other_project(project, evil + "/cb")
    c = project.client

    def acao(key: str, origin: str) -> str | None:
        # The JS SDK's exact header: two spaces, no colon.
        auth = "Basic  " + base64.b64encode(key.encode()).decode()
        r = c.get("/v1/ping", headers={"origin": origin, "authorization": auth})
        assert r.status_code == 200 and "Origin" in r.headers.get("vary", ""), r.headers
        origin_: str | None = r.headers.get("access-control-allow-origin")
        return origin_

    assert wait_until(lambda: acao(other, evil) == evil, 2), "project 2's own origin"
    assert acao(project.pk, evil) is None, "project 1 answered project 2's origin"
    assert acao(project.pk, "http://localhost:3000") == "http://localhost:3000"
    assert acao(other, "http://localhost:3000") is None
    verifier, challenge = pkce()
    code = project.authorize(REDIRECT_A, challenge)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_A,
        "client_id": project.pk,
        "code_verifier": verifier,
    }
    r = c.post("/oauth2/token", data=form, headers={"origin": evil})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers, r.headers
    # Preflights: every origin gets the same answer, registered or not.
    seen = set()
    for origin in ("http://localhost:3000", evil, "https://nobody.example"):
        for path in ("/v1/ping", "/oauth2/token"):
            r = c.options(
                path,
                headers={
                    "origin": origin,
                    "access-control-request-method": "POST",
                    "access-control-request-headers": "authorization",
                },
            )
            assert r.status_code == 204 and r.headers["access-control-allow-origin"] == origin
            h = r.headers
            seen.add((h["access-control-allow-methods"], h["access-control-allow-headers"]))
    assert len(seen) == 1, seen


# --- Tokens inactive at once --------------------------------------------------------------


def token_for(project: Project, client_id: str, redirect_uri: str) -> str:
    verifier, challenge = pkce()
    code = project.authorize(redirect_uri, challenge, client_id=client_id)
    r = project.token(code, redirect_uri, verifier, client_id=client_id)
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def test_tokens_of_a_revoked_client_or_removed_uri_are_inactive_at_once(
    project: Project,
) -> None:
    r = project.client.post("/v1/keys", json={"kind": "publishable"}, auth=sk_auth(project.sk))
    assert r.status_code == 201, r.text
    client = r.json()
    of_client = token_for(project, client["key"], REDIRECT_A)
    on_b = token_for(project, project.pk, REDIRECT_B)
    kept = token_for(project, project.pk, REDIRECT_A)
    assert project.active(of_client) and project.active(on_b) and project.active(kept)
    r = project.client.post(f"/v1/keys/{client['id']}/revoke", auth=sk_auth(project.sk))
    assert r.status_code == 200, r.text
    assert not project.active(of_client), "the revoked client's token is still active"
    r = project.client.request(
        "DELETE", "/v1/redirect_uris", json={"uri": REDIRECT_B}, auth=sk_auth(project.sk)
    )
    assert r.status_code == 200, r.text
    assert not project.active(on_b), "the removed redirect URI's token is still active"
    r = project.client.post("/v1/redirect_uris", json={"uri": REDIRECT_B}, auth=sk_auth(project.sk))
    assert r.status_code == 201 and not project.active(on_b), "re-adding the URI revived a token"
    assert project.active(kept)


def test_tokens_of_an_expired_client_are_inactive_at_once(project: Project) -> None:
    """A client (publishable key) that expires takes its tokens with it when it expires, not
    when they do (theirs is an hour)."""
    r = project.client.post(
        "/v1/keys",
        json={"kind": "publishable", "expires_in_seconds": 4},
        auth=sk_auth(project.sk),
    )
    assert r.status_code == 201, r.text
    client = r.json()
    token = token_for(project, client["key"], REDIRECT_A)
    r = project.client.post("/oauth2/introspect", data={"token": token}, auth=sk_auth(project.sk))
    assert r.status_code == 200 and r.json()["active"] is True, r.text
    assert r.json()["exp"] - r.json()["iat"] == 3600, r.json()
    expires = datetime.fromisoformat(client["expires_at"].replace("Z", "+00:00"))
    # expires_at is shown to the second: one second past it, the key has expired.
    time.sleep(max(0.0, (expires - datetime.now(timezone.utc)).total_seconds() + 1))
    r = project.client.post("/oauth2/introspect", data={"token": token}, auth=sk_auth(project.sk))
    assert r.status_code == 200 and r.json() == {"active": False}, r.text
    assert not project.active(token)


# --- Retention and the admin address ------------------------------------------------------


def metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in the metrics")


def test_retention_deletes_spent_codes_and_metrics_are_admin_only(
    backend: str, tmp_path: Path
) -> None:
    flags = ("-code-ttl", "1s", "-retention-interval", "1s", "-metrics-addr", "127.0.0.1:0")
    with running_project(new_store(backend, tmp_path), *flags) as p:
        m = re.search(r"metrics on (http://\S+)", p.server.startup)
        assert m, p.server.startup
        admin = m.group(1)
        assert p.client.get("/metrics").status_code == 404, "metrics on the public address"
        _, challenge = pkce()
        for _ in range(20):
            p.authorize(REDIRECT_A, challenge)
        kept, _, _ = p.access_token()

        def rows() -> tuple[float, float]:
            text = httpx.get(admin, timeout=10).text
            return (
                metric(text, 'picket_store_rows{table="oauth_codes"}'),
                metric(text, 'picket_store_rows{table="tokens"}'),
            )

        # The 20 unused codes go within a second or two of expiring; the redeemed one stays
        # with its token, which stays active.
        assert wait_until(lambda: rows() == (1.0, 1.0), 6, step=0.2), rows()
        assert p.active(kept)
        text = httpx.get(admin, timeout=10).text
        assert metric(text, 'picket_retention_deleted_total{table="oauth_codes"}') >= 20
        assert metric(text, "picket_store_bytes") > 0


def test_retention_deletes_expired_tokens_and_then_their_codes(
    backend: str, tmp_path: Path
) -> None:
    """A redeemed code outlives its own expiry while the token issued from it lives (a replay
    must still find it, to revoke the token), then goes with the token once that expires."""
    flags = ("-code-ttl", "1s", "-token-ttl", "6s", "-retention-interval", "1s",
             "-metrics-addr", "127.0.0.1:0")  # fmt: skip
    with running_project(new_store(backend, tmp_path), *flags) as p:
        m = re.search(r"metrics on (http://\S+)", p.server.startup)
        assert m, p.server.startup
        admin = m.group(1)
        start = time.monotonic()
        token, code, verifier = p.access_token()
        r = p.client.post("/oauth2/introspect", data={"token": token}, auth=sk_auth(p.sk))
        assert r.json()["active"] is True and r.json()["exp"] - r.json()["iat"] == 6, r.text
        exp = r.json()["exp"]  # Unix seconds, as the store keeps it

        def rows() -> tuple[float, float]:
            text = httpx.get(admin, timeout=10).text
            return (
                metric(text, 'picket_store_rows{table="oauth_codes"}'),
                metric(text, 'picket_store_rows{table="tokens"}'),
            )

        # The code expired a second after it was issued; sweeps ran since: it stays.
        time.sleep(max(0.0, 3.0 - (time.monotonic() - start)))
        assert rows() == (1.0, 1.0) and p.active(token)
        assert wait_until(lambda: rows() == (0.0, 0.0), 10, step=0.2), rows()
        assert time.time() >= exp, "deleted before the token expired"
        assert not p.active(token)
        r = p.token(code, REDIRECT_A, verifier)
        assert r.status_code == 400, r.text
        assert r.json()["error_description"] == "unknown authorization code", r.text
        text = httpx.get(admin, timeout=10).text
        assert metric(text, 'picket_retention_deleted_total{table="tokens"}') == 1
        assert metric(text, 'picket_retention_deleted_total{table="oauth_codes"}') == 1
    for ttl in ("500ms", "25h"):
        cp = subprocess.run(
            [server_bin(), "serve", "-token-ttl", ttl, "-data", str(tmp_path / "never")],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert cp.returncode == 2, cp
        assert json_lines(cp.stderr)[0]["message"] == "-token-ttl must be between 1s and 24h"
    assert not (tmp_path / "never").exists()


def test_retention_deletes_dead_keys_after_key_retention(backend: str, tmp_path: Path) -> None:
    """Issuing and revoking keys cannot grow the store for ever: a key revoked or expired
    longer ago than -key-retention is deleted; live keys, and the lineage seniority of the
    keys rolled from a deleted one, stay."""
    flags = ("-key-retention", "2s", "-retention-interval", "1s", "-metrics-addr", "127.0.0.1:0")
    with running_project(new_store(backend, tmp_path), *flags) as p:
        m = re.search(r"metrics on (http://\S+)", p.server.startup)
        assert m, p.server.startup
        admin = m.group(1)
        revoked = issue(p, p.sk)
        r = p.client.post(f"/v1/keys/{revoked['id']}/revoke", auth=sk_auth(p.sk))
        assert r.status_code == 200, r.text
        expiring = issue(p, p.sk, expires_in_seconds=1)
        # A secret key rolled without grace: the old one dies, its successor keeps its rank.
        junior = issue(p, p.sk)
        r = p.client.post(
            f"/v1/keys/{junior['id']}/roll", json={"grace_seconds": 0}, auth=sk_auth(p.sk)
        )
        assert r.status_code == 201, r.text
        successor = r.json()
        dead = {revoked["id"], expiring["id"], junior["id"]}

        def ids() -> set[object]:
            return {k["id"] for k in all_pages(p, "/v1/keys", "keys", 100) if isinstance(k, dict)}

        assert dead <= ids()
        assert wait_until(lambda: not (dead & ids()), 10, step=0.2), ids()
        assert ids() == {1, 2, successor["id"]}
        text = httpx.get(admin, timeout=10).text
        assert metric(text, 'picket_retention_deleted_total{table="keys"}') == 3
        assert ping(p.client, p.pk) == 200 and ping(p.client, str(successor["key"])) == 200
        # The successor still may not touch the owner's (more senior) key.
        r = p.client.post("/v1/keys/2/revoke", auth=sk_auth(str(successor["key"])))
        assert r.status_code == 403 and r.json()["error"] == "key_outranks_caller", r.text


# --- Rate limits --------------------------------------------------------------------------


def assert_limited(r: httpx.Response, rule: str) -> None:
    assert r.status_code == 429, f"{r.status_code} {r.text}"
    body = r.json()
    assert body["error"] == "rate_limited" and body["limit"] == rule, body
    assert int(r.headers["retry-after"]) >= 1 and body["retry_after"] == int(
        r.headers["retry-after"]
    )


def test_rate_limits_answer_429_with_retry_after_and_the_rule(backend: str, tmp_path: Path) -> None:
    flags = (
        "-rate-authorize-per-address", "5/1m",
        "-rate-token-per-client", "2/1m",
        "-rate-auth-failures-per-address", "3/1m",
        "-rate-management-per-project", "4/1m",
    )  # fmt: skip
    with running_project(new_store(backend, tmp_path), *flags) as p:
        # setup_project made 3 management calls (2 GETs and a POST; a ping is not one).
        assert p.client.get("/v1/project", auth=sk_auth(p.sk)).status_code == 200
        assert_limited(p.client.get("/v1/project", auth=sk_auth(p.sk)), "management_per_project")
        assert p.client.get("/v1/ping", auth=sk_auth(p.sk)).status_code == 200
        # Token per client_id: 2 redeemed, the 3rd refused before the code is looked at.
        for _ in range(2):
            p.access_token()
        verifier, challenge = pkce()
        assert_limited(p.token("0" * 64, REDIRECT_A, verifier), "token_per_client")
        # Authorize per address: 2 above, 3 more, then 429 with no redirect.
        for _ in range(3):
            p.authorize(REDIRECT_A, challenge)
        r = send_authorize(p.client, *authorize_query(p.pk, REDIRECT_A, challenge, state=None))
        assert_limited(r, "authorize_per_address")
        assert "location" not in r.headers

        # Failed authentications per address, with curl: 3 wrong keys, then the right one is
        # refused too (the address is blocked, whatever it sends).
        def curl(key: str) -> tuple[str, str]:
            out = subprocess.run(
                ["curl", "-s", "-i", "-u", f"{key}:", f"{p.server.url}/v1/ping"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            return out.split(" ", 2)[1], out

        wrong = "sk_" + "ab" * 16
        assert [curl(wrong)[0] for _ in range(3)] == ["401"] * 3
        status, out = curl(p.pk)
        assert status == "429" and "auth_failures_per_address" in out, out
        assert re.search(r"(?im)^retry-after: [1-9][0-9]*\r?$", out), out


def test_authorize_per_client_and_token_per_address(backend: str, tmp_path: Path) -> None:
    """The two rules the test above leaves at their defaults: authorize per client_id (one
    client's bucket, not its project's nor its address's) and token per address (every
    request spends, a malformed one too)."""
    flags = ("-rate-authorize-per-client", "3/1m", "-rate-token-per-address", "2/1m")
    with running_project(new_store(backend, tmp_path), *flags) as p:
        _, challenge = pkce()
        for _ in range(3):
            p.authorize(REDIRECT_A, challenge)
        r = send_authorize(p.client, *authorize_query(p.pk, REDIRECT_A, challenge, state=None))
        assert_limited(r, "authorize_per_client")
        assert "location" not in r.headers
        # Another client of the same project, from the same address, has its own bucket.
        r = p.client.post("/v1/keys", json={"kind": "publishable"}, auth=sk_auth(p.sk))
        assert r.status_code == 201, r.text
        other = str(r.json()["key"])
        assert wait_until(lambda: ping(p.client, other) == 200, 2)
        p.authorize(REDIRECT_A, challenge, client_id=other)
        # Token per address: two requests, refused or not, then 429 whatever is sent.
        r = p.client.post("/oauth2/token", data={"grant_type": "password"})
        assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type", r.text
        verifier, challenge = pkce()
        code = p.authorize(REDIRECT_A, challenge, client_id=other)
        assert p.token(code, REDIRECT_A, verifier, client_id=other).status_code == 200
        verifier, challenge = pkce()
        code = p.authorize(REDIRECT_A, challenge, client_id=other)
        assert_limited(p.token(code, REDIRECT_A, verifier, client_id=other), "token_per_address")


def test_per_address_limits_follow_trusted_proxies_only(backend: str, tmp_path: Path) -> None:
    # Without -trusted-proxies a client cannot pick its address by sending X-Forwarded-For.
    flags = ("-rate-auth-failures-per-address", "2/1m")
    wrong = ("sk_" + "cd" * 16, "")
    with running_project(new_store(backend, tmp_path), *flags) as p:
        for i in range(2):
            xff = {"x-forwarded-for": f"203.0.113.{i}"}
            assert p.client.get("/v1/ping", auth=wrong, headers=xff).status_code == 401
        r = p.client.get("/v1/ping", auth=(p.pk, ""), headers={"x-forwarded-for": "198.51.100.1"})
        assert_limited(r, "auth_failures_per_address")
    # Behind a trusted proxy (here loopback itself), each forwarded client has its bucket.
    with running_project(
        new_store(backend, tmp_path), *flags, "-trusted-proxies", "127.0.0.1/32"
    ) as p:
        bad = {"x-forwarded-for": "203.0.113.7"}
        for _ in range(2):
            assert p.client.get("/v1/ping", auth=wrong, headers=bad).status_code == 401
        assert_limited(
            p.client.get("/v1/ping", auth=(p.pk, ""), headers=bad), "auth_failures_per_address"
        )
        # A forged left-most entry does not escape: the proxy appended the real one.
        forged = {"x-forwarded-for": "198.51.100.1, 203.0.113.7"}
        assert_limited(
            p.client.get("/v1/ping", auth=(p.pk, ""), headers=forged), "auth_failures_per_address"
        )
        other = {"x-forwarded-for": "203.0.113.8"}
        assert p.client.get("/v1/ping", auth=(p.pk, ""), headers=other).status_code == 200


@pytest.mark.skipif(not postgres_enabled(), reason="PICKET_TEST_POSTGRES_URL not set")
def test_a_token_is_inactive_on_the_other_process_within_a_second(tmp_path: Path) -> None:
    store = new_store("postgres", tmp_path)
    with running_project(store) as a:
        b = start_server(Store("postgres", tmp_path / "b", store.db_url))
        try:
            with b.client() as cb:
                pb = Project(b, cb, a.pk, a.sk, a.project_id)
                r = a.client.post("/v1/keys", json={"kind": "publishable"}, auth=sk_auth(a.sk))
                client = r.json()
                assert wait_until(lambda: ping(cb, client["key"]) == 200, 2)
                token = token_for(a, client["key"], REDIRECT_A)
                on_b = token_for(a, a.pk, REDIRECT_B)
                assert pb.active(token) and pb.active(on_b)
                r = a.client.post(f"/v1/keys/{client['id']}/revoke", auth=sk_auth(a.sk))
                assert r.status_code == 200, r.text
                took = wait_until(lambda: not pb.active(token), 2)
                assert took is not None and took <= 1.0, f"revoked client's token on B: {took}"
                r = a.client.request(
                    "DELETE", "/v1/redirect_uris", json={"uri": REDIRECT_B}, auth=sk_auth(a.sk)
                )
                assert r.status_code == 200, r.text
                took = wait_until(lambda: not pb.active(on_b), 2)
                assert took is not None and took <= 1.0, f"removed URI's token on B: {took}"
        finally:
            b.stop()
