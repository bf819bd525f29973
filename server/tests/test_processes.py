"""Real processes: a restart keeps every key and project and prints no key; two servers on
one PostgreSQL, and the operator's CLI, reach a running server within a second."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from harness import (
    PK_RE,
    SK_RE,
    Store,
    json_lines,
    new_store,
    operator,
    postgres_enabled,
    start_server,
    wait_until,
)
from projects import (
    REDIRECT_B,
    Project,
    assert_no_secret_after_startup,
    authorize_query,
    note,
    ping,
    pkce,
    send_authorize,
    setup_project,
    sk_auth,
)

# --- 4. Restart persistence -----------------------------------------------------------------


def test_restart_keeps_keys_and_projects_and_prints_no_keys(backend: str, tmp_path: Path) -> None:
    store = new_store(backend, tmp_path)
    first = start_server(store)
    try:
        p = setup_project(first)
        r = p.client.post("/v1/keys", json={"kind": "secret"}, auth=sk_auth(p.sk))
        assert r.status_code == 201, r.text
        (issued,) = SK_RE.findall(r.text)
        token, _, _ = p.access_token()
        before = p.snapshot()
        p.client.close()
    finally:
        first.stop()
    created = json_lines(operator(store, "project", "create", "-name", "Second").stdout)
    assert created, "project create printed no JSON line"
    projects_before = json_lines(operator(store, "project", "list").stdout)
    assert {"My First Project", "Second"} <= {pr.get("name") for pr in projects_before}

    second = start_server(store)
    try:
        assert not PK_RE.search(second.startup) and not SK_RE.search(second.startup), (
            "the second start printed keys again"
        )
        with second.client() as c:
            for key in (p.pk, p.sk, issued):
                assert ping(c, key) == 200, "a key did not survive the restart"
            p2 = Project(second, c, p.pk, p.sk, p.project_id)
            assert p2.snapshot() == before, "state changed across the restart"
            assert p2.active(token), "an access token did not survive the restart"
            verifier, challenge = pkce()  # the redirect URIs survived: the flow works
            code = p2.authorize(REDIRECT_B, challenge)
            assert p2.token(code, REDIRECT_B, verifier).status_code == 200
    finally:
        second.stop()
    assert json_lines(operator(store, "project", "list").stdout) == projects_before
    assert_no_secret_after_startup(second)

    third = start_server(store)  # and a third start still prints nothing
    third.stop()
    assert not SK_RE.search(third.output) and not PK_RE.search(third.output)


# --- 3. Two server processes on one PostgreSQL ----------------------------------------------

PROPAGATION_LIMIT = 1.0


@pytest.mark.skipif(not postgres_enabled(), reason="PICKET_TEST_POSTGRES_URL not set")
def test_two_processes_see_each_others_changes_within_a_second(tmp_path: Path) -> None:
    store = new_store("postgres", tmp_path)
    a = start_server(store)
    b = start_server(Store("postgres", tmp_path / "b", store.db_url))
    times: dict[str, float] = {}
    try:
        assert not SK_RE.search(b.startup), "the second process printed first-start keys"
        pa = setup_project(a)
        cb = b.client()

        def measure(what: str, pred: Any) -> None:
            took = wait_until(pred, PROPAGATION_LIMIT + 2)
            assert took is not None, f"{what}: not seen by the other process after 3 s"
            times[what] = took
            assert took <= PROPAGATION_LIMIT, f"{what}: took {took:.3f} s on the other process"

        r = pa.client.post("/v1/keys", json={"kind": "secret"}, auth=sk_auth(pa.sk))
        assert r.status_code == 201, r.text
        k1 = SK_RE.findall(r.text)[0]
        k1_id = r.json()["id"]
        measure("key issued", lambda: ping(cb, k1) == 200)

        r = pa.client.post(f"/v1/keys/{k1_id}/roll", json={"grace_seconds": 0}, auth=sk_auth(pa.sk))
        assert r.status_code == 201, r.text
        k2 = SK_RE.findall(r.text)[0]
        k2_id = r.json()["id"]
        measure("key rolled", lambda: ping(cb, k1) == 401 and ping(cb, k2) == 200)

        r = pa.client.post(f"/v1/keys/{k2_id}/revoke", auth=sk_auth(pa.sk))
        assert r.status_code in (200, 204), r.text
        measure("key revoked", lambda: ping(cb, k2) == 401)

        uri = "http://localhost:3000/added-" + secrets.token_hex(4)
        _, challenge = pkce()
        query = authorize_query(pa.pk, uri, challenge)
        assert send_authorize(cb, *query).status_code == 400
        r = pa.client.post("/v1/redirect_uris", json={"uri": uri}, auth=sk_auth(pa.sk))
        assert r.status_code == 201, r.text
        measure(
            "redirect URI added",
            lambda: send_authorize(cb, *query).status_code == 302,
        )
        # Keys untouched by the changes still work on both.
        assert ping(cb, pa.sk) == 200 and ping(pa.client, pa.pk) == 200
        cb.close()
        pa.client.close()
    finally:
        a.stop()
        b.stop()
    note(
        "propagation to the other process (PostgreSQL): "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in times.items())
    )
    assert_no_secret_after_startup(a)
    assert_no_secret_after_startup(b)


def test_operator_changes_reach_the_running_server_within_a_second(project: Project) -> None:
    """The CLI writes to the store behind a running server's back: the server must honour
    each change on its own (a version poll), without a restart."""
    store = project.server.store
    keys = json_lines(operator(store, "key", "list", "-project", str(project.project_id)).stdout)
    issued = json_lines(
        operator(
            store, "key", "issue", "-project", str(project.project_id), "-kind", "secret"
        ).stdout
    )[0]
    new_sk = issued["key"]
    took = wait_until(lambda: ping(project.client, new_sk) == 200, 3)
    assert took is not None and took <= 1.0, f"key issued by the CLI: {took}"

    uri = "http://localhost:3000/cli-" + secrets.token_hex(4)
    operator(store, "redirect", "add", "-project", str(project.project_id), uri)
    _, challenge = pkce()
    query = authorize_query(project.pk, uri, challenge, state=None)
    took = wait_until(lambda: send_authorize(project.client, *query).status_code == 302, 3)
    assert took is not None and took <= 1.0, f"redirect URI added by the CLI: {took}"

    (secret,) = [k for k in keys if k["kind"] == "secret"]
    operator(store, "key", "revoke", "-key", str(secret["id"]))
    took = wait_until(lambda: ping(project.client, project.sk) == 401, 3)
    assert took is not None and took <= 1.0, f"key revoked by the CLI: {took}"
    assert ping(project.client, new_sk) == 200 and ping(project.client, project.pk) == 200
