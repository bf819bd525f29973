"""The whole OAuth 2.0 code flow with PKCE against a running picket-server, with httpx.

Same checks as flow.mjs; S256 from hashlib. Environment: PICKET_URL, PICKET_PK, PICKET_SK,
PICKET_REDIRECT_A, PICKET_REDIRECT_B. Exits non-zero with the failed check.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import sys
from urllib.parse import parse_qs, urlsplit

import httpx


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_verifier() -> str:
    return b64url(secrets.token_bytes(32))


def challenge_of(verifier: str) -> str:
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


class Flow:
    def __init__(self, client: httpx.Client, pk: str, sk: str) -> None:
        self.client = client
        self.pk = pk
        self.sk = sk

    def authorize(self, redirect_uri: str, challenge: str, state: str) -> str:
        r = self.client.get(
            "/oauth2/authorize",
            params={
                "response_type": "code",
                "client_id": self.pk,
                "redirect_uri": redirect_uri,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "state": state,
            },
        )
        assert r.status_code == 302, f"authorize: {r.status_code} {r.text}"
        location = r.headers["location"]
        assert location.startswith(redirect_uri + "?"), f"authorize: redirected to {location}"
        query = parse_qs(urlsplit(location).query)
        assert "error" not in query, f"authorize: {location}"
        assert query["state"] == [state], "authorize: state not echoed"
        code = query["code"][0]
        assert len(code) >= 16, "authorize: short code"
        return code

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

    def validate(self, token: str) -> dict[str, object]:
        r = self.client.post("/v1/tokens/validate", json={"token": token}, auth=(self.sk, ""))
        assert r.status_code == 200, f"validate: {r.status_code} {r.text}"
        body: dict[str, object] = r.json()
        return body


def main() -> None:
    env = os.environ
    pk, sk = env["PICKET_PK"], env["PICKET_SK"]
    a, b = env["PICKET_REDIRECT_A"], env["PICKET_REDIRECT_B"]
    with httpx.Client(base_url=env["PICKET_URL"], follow_redirects=False, timeout=10) as client:
        f = Flow(client, pk, sk)
        for key, kind in ((pk, "publishable"), (sk, "secret")):
            r = client.get("/v1/ping", auth=(key, ""))
            assert r.status_code == 200 and r.json()["key_kind"] == kind, f"ping: {r.status_code}"

        verifier = new_verifier()
        state = secrets.token_urlsafe(9)
        code = f.authorize(a, challenge_of(verifier), state)
        r = f.token(code, a, verifier)
        assert r.status_code == 200, f"token: {r.status_code} {r.text}"
        tok = r.json()
        assert tok["token_type"] == "Bearer"
        assert isinstance(tok["expires_in"], int) and tok["expires_in"] > 0
        access = tok["access_token"]
        assert isinstance(access, str) and len(access) >= 16
        v = f.validate(access)
        assert v["active"] is True and v["client_id"] == pk, f"validate: {v}"
        assert isinstance(v["project_id"], int) and "expires_at" in v

        r = f.token(code, a, verifier)
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant", f"replay: {r.text}"
        assert f.validate(access) == {"active": False}, "replay: token still active"

        v2 = new_verifier()
        code2 = f.authorize(a, challenge_of(v2), "s2")
        r = f.token(code2, a, new_verifier())
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant", (
            f"wrong verifier: {r.text}"
        )

        v3 = new_verifier()
        code3 = f.authorize(a, challenge_of(v3), "s3")
        r = f.token(code3, b, v3)
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant", f"other uri: {r.text}"

    print(
        "python: PKCE flow OK (authorize, token, validate, replay revokes,"
        " wrong verifier, other redirect_uri)"
    )


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"python flow: {e}", file=sys.stderr)
        sys.exit(1)
