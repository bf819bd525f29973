"""The project a test works on: a started server with its first-start keys and two
registered redirect URIs, and the helpers that talk to it over HTTP."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from harness import (
    SK_RE,
    Server,
    Store,
    start_server,
)

REDIRECT_A = "http://localhost:3000/callback"
REDIRECT_B = "http://localhost:3000/other"


def sk_auth(key: str) -> tuple[str, str]:
    return (key, "")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce() -> tuple[str, str]:
    verifier = b64url(secrets.token_bytes(32))
    return verifier, b64url(hashlib.sha256(verifier.encode()).digest())


def authorize_query(
    client_id: str, redirect_uri: str, challenge: str, state: str | None = "xyz"
) -> list[tuple[str, str]]:
    """A well-formed authorization request's query (RFC 6749 §4.1.1 with PKCE S256), in
    order; without state when state is None."""
    query = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]
    return query if state is None else [*query, ("state", state)]


def send_authorize(client: httpx.Client, *parts: tuple[str, str] | str) -> httpx.Response:
    """GET /oauth2/authorize with exactly these query parts, in order: a pair is
    form-encoded (repeats kept), a string is sent as it is, unencoded. Returns the server's
    own answer: a redirect is never followed."""
    query = "&".join(part if isinstance(part, str) else urlencode([part]) for part in parts)
    return client.get("/oauth2/authorize?" + query, follow_redirects=False)


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
        r = send_authorize(
            self.client, *authorize_query(client_id or self.pk, redirect_uri, challenge)
        )
        assert r.status_code == 302, f"authorize: {r.status_code} {r.text}"
        return parse_qs(urlsplit(r.headers["location"]).query)["code"][0]

    def token(
        self, code: str, redirect_uri: str, verifier: str, client_id: str | None = None
    ) -> httpx.Response:
        return self.client.post(
            "/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": client_id or self.pk,
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


def ping_after_restart(store: Store, key: str) -> int:
    """The status of a ping with key on a new server started on store (then stopped): what
    the store kept, seen by the next process."""
    server = start_server(store)
    try:
        with server.client() as c:
            return ping(c, key)
    finally:
        server.stop()


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


@contextmanager
def running_project(store: Store, *flags: str) -> Iterator[Project]:
    """A project on a server started on store (with more serve flags), stopped afterwards;
    its output after the start is checked for secrets."""
    server = start_server(store, extra=flags)
    try:
        p = setup_project(server)
        yield p
        p.client.close()
    finally:
        server.stop()
    assert_no_secret_after_startup(server)
