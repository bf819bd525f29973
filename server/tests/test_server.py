"""picket-server with real parts: real processes, real SQLite and PostgreSQL, real clients.

Run by server/tests/run.sh (which builds the binaries and starts PostgreSQL); each test
starts its own server(s) on an empty store, over loopback.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from harness import (
    PK_RE,
    REPO,
    SK_RE,
    Server,
    Store,
    json_lines,
    new_store,
    operator,
    postgres_enabled,
    start_server,
    wait_until,
)

HERE = Path(__file__).resolve().parent
REDIRECT_A = "http://localhost:3000/callback"
REDIRECT_B = "http://localhost:3000/other"

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(
            not postgres_enabled(), reason="PICKET_TEST_POSTGRES_URL not set (run.sh sets it)"
        ),
    ),
]


def sk_auth(key: str) -> tuple[str, str]:
    return (key, "")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce() -> tuple[str, str]:
    verifier = b64url(secrets.token_bytes(32))
    return verifier, b64url(hashlib.sha256(verifier.encode()).digest())


@dataclass
class Project:
    """A started server with the first-start project's keys and two registered redirect URIs."""

    server: Server
    client: httpx.Client
    pk: str
    sk: str = field(repr=False)  # never in a failure report
    project_id: int = 0

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PICKET_URL": self.server.url,
            "PICKET_PK": self.pk,
            "PICKET_SK": self.sk,
            "PICKET_REDIRECT_A": REDIRECT_A,
            "PICKET_REDIRECT_B": REDIRECT_B,
        }

    def authorize(self, redirect_uri: str, challenge: str, client_id: str | None = None) -> str:
        r = self.client.get(
            "/oauth2/authorize",
            params={
                "response_type": "code",
                "client_id": client_id or self.pk,
                "redirect_uri": redirect_uri,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "state": "xyz",
            },
        )
        assert r.status_code == 302, f"authorize: {r.status_code} {r.text}"
        return parse_qs(urlsplit(r.headers["location"]).query)["code"][0]

    def token(self, code: str, redirect_uri: str, verifier: str) -> httpx.Response:
        return self.client.post(
            "/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": self.pk,
                "code_verifier": verifier,
            },
        )

    def access_token(self, redirect_uri: str = REDIRECT_A) -> tuple[str, str, str]:
        """A fresh access token; returns (token, code, verifier)."""
        verifier, challenge = pkce()
        code = self.authorize(redirect_uri, challenge)
        r = self.token(code, redirect_uri, verifier)
        assert r.status_code == 200, r.text
        return r.json()["access_token"], code, verifier

    def active(self, token: str) -> bool:
        r = self.client.post("/v1/tokens/validate", json={"token": token}, auth=sk_auth(self.sk))
        assert r.status_code == 200, r.text
        return bool(r.json()["active"])

    def snapshot(self) -> dict[str, Any]:
        """Everything the secret-key holder can read about the project."""
        out: dict[str, Any] = {}
        for path in ("/v1/project", "/v1/keys", "/v1/redirect_uris"):
            r = self.client.get(path, auth=sk_auth(self.sk))
            assert r.status_code == 200, f"{path}: {r.status_code} {r.text}"
            out[path] = r.json()
        return out


def note(line: str) -> None:
    """Keeps a measured figure for run.sh to print after the run ($PICKET_TEST_NOTES)."""
    path = os.environ.get("PICKET_TEST_NOTES")
    if path:
        with open(path, "a") as f:
            f.write(line + "\n")


def ping(client: httpx.Client, key: str) -> int:
    return client.get("/v1/ping", auth=(key, "")).status_code


def assert_no_secret_after_startup(server: Server, *secrets_: str) -> None:
    """Logs after the first-start banner never show a secret key (nor the given secrets)."""
    later = server.output[len(server.startup) :]
    assert not SK_RE.search(later), "a secret key appeared in the server's output"
    for s in secrets_:
        assert s not in later, "a secret appeared in the server's output"


def setup_project(server: Server) -> Project:
    pk, sk = server.first_start_keys()
    client = server.client()
    r = client.get("/v1/ping", auth=(sk, ""))
    assert r.status_code == 200, r.text
    assert r.json()["key_kind"] == "secret"
    project_id = r.json()["project_id"]
    for uri in (REDIRECT_A, REDIRECT_B):
        have = client.get("/v1/redirect_uris", auth=(sk, "")).text
        if uri not in have:
            r = client.post("/v1/redirect_uris", json={"uri": uri}, auth=(sk, ""))
            assert r.status_code == 201, f"add {uri}: {r.status_code} {r.text}"
    return Project(server, client, pk, sk, project_id)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def project(backend: str, tmp_path: Path) -> Iterator[Project]:
    server = start_server(new_store(backend, tmp_path))
    try:
        p = setup_project(server)
        yield p
        p.client.close()
    finally:
        server.stop()
    assert_no_secret_after_startup(server)


# --- 2. The whole PKCE flow, driven by four runtimes -------------------------------------


def client_command(runtime: str) -> list[str]:
    if runtime == "node":
        return ["node", str(HERE / "flow.mjs")]
    if runtime == "curl":
        return ["bash", str(HERE / "flow.sh")]
    if runtime == "python":
        return [os.environ.get("PYTHON", "python3"), str(HERE / "flow.py")]
    return [os.environ["PICKET_GOFLOW_BIN"]]


@pytest.mark.parametrize("runtime", ["node", "curl", "python", "go"])
def test_pkce_flow(project: Project, runtime: str) -> None:
    cp = subprocess.run(
        client_command(runtime), env=project.env(), capture_output=True, text=True, timeout=120
    )
    assert cp.returncode == 0, f"{runtime} flow failed:\n{cp.stdout}\n{cp.stderr}"
    assert "PKCE flow OK" in cp.stdout
    # The flow left the project as it was, but for its own codes and tokens.
    assert ping(project.client, project.pk) == 200


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
    r = project.client.get(
        "/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": unknown_pk,
            "redirect_uri": REDIRECT_A,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": "s",
        },
    )
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
    r = project.client.get(
        "/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": project.sk,
            "redirect_uri": REDIRECT_A,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert r.status_code == 400 and "location" not in r.headers
    # The picket code's name (authorize_secret_key_exposed): the rule is "roll it".
    assert error_body(r)["error"].endswith("secret_key_exposed")
    assert project.sk not in r.text
    # A secret key pasted where a redirect URI goes.
    r = project.client.post("/v1/redirect_uris", json={"uri": project.sk}, auth=sk_auth(project.sk))
    assert r.status_code == 400 and project.sk not in r.text
    error_body(r)
    # The publishable key on a secret endpoint: 403, key not echoed.
    r = project.client.get("/v1/keys", auth=(project.pk, ""))
    assert r.status_code == 403 and project.pk not in r.text


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
        params = {
            "response_type": "code",
            "client_id": pa.pk,
            "redirect_uri": uri,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": "s",
        }
        assert cb.get("/oauth2/authorize", params=params).status_code == 400
        r = pa.client.post("/v1/redirect_uris", json={"uri": uri}, auth=sk_auth(pa.sk))
        assert r.status_code == 201, r.text
        measure(
            "redirect URI added",
            lambda: cb.get("/oauth2/authorize", params=params).status_code == 302,
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
    params = {
        "response_type": "code",
        "client_id": project.pk,
        "redirect_uri": uri,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    took = wait_until(
        lambda: project.client.get("/oauth2/authorize", params=params).status_code == 302, 3
    )
    assert took is not None and took <= 1.0, f"redirect URI added by the CLI: {took}"

    (secret,) = [k for k in keys if k["kind"] == "secret"]
    operator(store, "key", "revoke", "-key", str(secret["id"]))
    took = wait_until(lambda: ping(project.client, project.sk) == 401, 3)
    assert took is not None and took <= 1.0, f"key revoked by the CLI: {took}"
    assert ping(project.client, new_sk) == 200 and ping(project.client, project.pk) == 200


# --- 6. Commands shown to users, run as written ----------------------------------------------


def run_lines(lines: list[str], env: dict[str, str], cwd: Path) -> list[tuple[int, str, str]]:
    """Runs the command lines with bash, in order, in one shell (a line may set a variable
    that a later one uses), each exactly as written, stopping at the first that fails.

    A curlrc (not the line) makes curl also dump the response headers to a file, so that the
    status of each line's last HTTP exchange is known even when the line pipes or captures
    curl's output. Returns (exit status, last HTTP status or 0, stdout) for each line."""
    curl_home = cwd / ".curlhome"
    curl_home.mkdir(exist_ok=True)
    headers = curl_home / "headers"
    (curl_home / ".curlrc").write_text(f'dump-header = "{headers}"\n')
    script = []
    for i, line in enumerate(lines):
        script += [
            f"rm -f '{headers}'; echo '@@LINE {i}'",
            line,
            "rc=$?; st=$(grep -a '^HTTP/' "
            f"'{headers}' 2>/dev/null | tail -1 | cut -d' ' -f2); "
            'echo "@@END $rc ${st:-0}"; [ $rc = 0 ] || exit $rc',
        ]
    cp = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        env={**env, "CURL_HOME": str(curl_home)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    results: list[tuple[int, str, str]] = []
    for chunk in cp.stdout.split("@@LINE ")[1:]:
        body, _, end = chunk.partition("@@END ")
        if not end:
            break
        rc, st = end.split()[:2]
        results.append((int(rc), st, body.split("\n", 1)[1] if "\n" in body else ""))
    if len(results) != len(lines) or any(rc != 0 for rc, _, _ in results):
        n = len(results) - 1 if results and results[-1][0] else len(results)
        bad = SK_RE.sub("sk_<redacted>", lines[min(n, len(lines) - 1)])
        raise AssertionError(
            f"line {n + 1} failed: {bad}\n" + SK_RE.sub("sk_<redacted>", cp.stderr[-2000:])
        )
    return results


def test_first_start_curl_lines_run_as_printed(backend: str, tmp_path: Path) -> None:
    server = start_server(new_store(backend, tmp_path))
    try:
        lines = [ln.strip() for ln in server.startup.splitlines() if ln.strip().startswith("curl ")]
        assert len(lines) >= 3, server.startup.count("\n")
        results = run_lines(lines, dict(os.environ), tmp_path)
    finally:
        server.stop()
    for line, (_, status, _) in zip(lines, results):
        want = "302" if "/oauth2/authorize" in line else "200"
        assert status == want, f"{status} from a printed curl line (want {want})"


def readme_blocks(section: str) -> list[list[str]]:
    """The ```sh blocks of the README section whose heading is `section`, as lists of lines."""
    text = Path(os.environ.get("PICKET_README", REPO / "README.md")).read_text()
    start = text.index(section + "\n")
    level = section.split(" ")[0]
    end = len(text)
    for head in ("\n" + level + " ", "\n" + level[:-1] + " "):
        j = text.find(head, start + len(section))
        if j != -1:
            end = min(end, j)
    blocks: list[list[str]] = []
    inside = False
    for line in text[start:end].splitlines():
        if line.startswith("```sh"):
            blocks.append([])
            inside = True
        elif line.startswith("```"):
            inside = False
        elif inside and line.strip() and not line.lstrip().startswith("#"):
            blocks[-1].append(line)
    return blocks


# What the README says each line of "Every endpoint" answers ("What they answer, in order"):
# the HTTP status of the line's last exchange, and a string its output holds.
README_ENDPOINTS: list[tuple[str, str]] = [
    ("200", '"status":"ok"'),
    ("200", '"status":"ready"'),
    ("200", '"key_kind":"publishable"'),
    ("200", '"My First Project"'),
    ("200", '"keys"'),
    ("200", 'picket_auth_total{outcome="ok"}'),
    ("201", '"key":"pk_'),
    ("400", "redirect_insecure_scheme"),
    ("201", "https://app.example/callback"),
    ("200", "https://app.example/callback"),
    ("200", "https://app.example/callback"),
    ("409", "production_refused"),
    ("204", "Access-Control-Allow-Origin: http://localhost:3000"),
    ("302", ""),  # CODE=$(…): captured
    ("200", ""),  # TOKEN=$(…): captured
    ("200", '"active":true'),
    ("400", "invalid_grant"),
    ("200", '"active":false'),
    ("400", "authorize_secret_key_exposed"),
    ("200", '"revoked":true'),
    ("201", '"key":"sk_'),
]


def test_readme_server_lines_run_as_written(tmp_path: Path) -> None:
    """Every curl line of the README's server section, then every operator line after them,
    run as written from a directory like the checkout: the server as scripts/demo.sh starts it
    (default ./picket-data), `target/picket-server` the same binary, BASE/PK/SK as the README
    says to set them. Only the port differs (BASE), as tests here use 18350-18399."""
    endpoints = readme_blocks("### Every endpoint")
    operators = readme_blocks("### Every operator subcommand")
    assert len(endpoints) == 1 and len(operators) == 1, "README server section changed shape"
    curl_lines, op_lines = endpoints[0], operators[0]
    assert all("curl " in ln for ln in curl_lines)
    assert len(curl_lines) == len(README_ENDPOINTS), (
        f"the README has {len(curl_lines)} endpoint lines; README_ENDPOINTS lists "
        f"{len(README_ENDPOINTS)}: update both together"
    )
    assert all(ln.startswith("target/picket-server ") for ln in op_lines)

    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "picket-server").symlink_to(os.environ["PICKET_SERVER_BIN"])
    store = Store("sqlite", tmp_path / "picket-data")
    server = start_server(store, cwd=tmp_path, default_store=True)
    try:
        pk, sk = server.first_start_keys()
        env = {**os.environ, "BASE": server.url, "PK": pk, "SK": sk}
        results = run_lines(curl_lines + op_lines, env, tmp_path)
    finally:
        server.stop()
    assert (tmp_path / "picket-data" / "picket.db").exists()
    for i, ((_, status, out), (want, holds)) in enumerate(zip(results, README_ENDPOINTS)):
        assert status == want, f"endpoint line {i + 1}: status {status}, README says {want}"
        assert holds in out, f"endpoint line {i + 1}: output lacks {holds!r}"
    # The operator lines: each printed JSON lines (exit status 0 checked by run_lines).
    for i, (_, _, out) in enumerate(results[len(curl_lines) :]):
        assert json_lines(out), f"operator line {i + 1} printed no JSON line"
    assert_no_secret_after_startup(server, sk)
