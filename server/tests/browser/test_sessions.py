"""The session cookie as a browser and an attacker see it: its attributes over plain HTTP
and over TLS (serve -tls-cert/-tls-key), and a session that log-out ends on the server, so
that its id replayed afterwards opens nothing."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from dashboard import new_account, new_email
from playwright.sync_api import Browser, expect

from conftest import Browsing
from harness import BACKENDS, Server, new_store, self_signed_certificate, start_server


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(params=BACKENDS)
def tls_server(
    request: pytest.FixtureRequest, tmp_path: Path, certificate: tuple[Path, Path]
) -> Iterator[Server]:
    cert, key = certificate
    srv = start_server(
        new_store(str(request.param), tmp_path),
        extra=("-tls-cert", str(cert), "-tls-key", str(key)),
    )
    assert srv.url.startswith("https://"), srv.url
    yield srv
    srv.stop()


def cookie(b: Browsing, name: str) -> dict[str, object]:
    found = [c for c in b.context.cookies() if c.get("name") == name]
    assert len(found) == 1, b.context.cookies()
    return dict(found[0])


def log_out_then_replay(
    b: Browsing, server: Server, name: str, verify: ssl.SSLContext | bool
) -> None:
    """Logs out in the browser, then sends the session id it had, as an attacker who kept a
    copy would: the server must have ended the session, not only the browser its cookie."""
    old = str(cookie(b, name)["value"])
    with httpx.Client(base_url=server.url, verify=verify) as c:
        c.cookies.set(name, old, domain="127.0.0.1")
        assert c.get("/dashboard/projects").status_code == 200, "the session works before"
        b.page.get_by_role("button", name="Log out").click()
        expect(b.page.get_by_role("status")).to_have_text("You are logged out.")
        assert not [x for x in b.context.cookies() if x.get("name") == name]
        r = c.get("/dashboard/projects")
        assert r.status_code == 303, r.status_code
        assert r.headers["location"] == "/dashboard/login?notice=session_ended"


def test_session_over_tls(
    tls_server: Server, browser: Browser, certificate: tuple[Path, Path]
) -> None:
    cert, _ = certificate
    trust = ssl.create_default_context(cafile=str(cert))
    # A client that checks the certificate: the forms' pre-session cookie, and HSTS.
    with httpx.Client(base_url=tls_server.url, verify=trust) as c:
        r = c.get("/dashboard/login")
        assert r.status_code == 200
        assert r.headers["strict-transport-security"] == "max-age=31536000"
        pre = r.headers["set-cookie"]
        assert pre.startswith("__Host-picket_pre=") and "; Secure" in pre, pre
        assert "; HttpOnly" in pre and "; SameSite=Lax" in pre and "; Path=/" in pre, pre
        assert "domain=" not in pre.lower(), pre
    # A browser signs up and logs in over TLS: the session cookie is Secure, HttpOnly,
    # SameSite=Lax and __Host- prefixed (no Domain, Path=/), and no unprefixed one is set.
    # (The test's certificate is its own: Chromium is told to accept it.)
    b = Browsing(browser, tls_server.url, ignore_https_errors=True)
    try:
        new_account(b.page, new_email())
        s = cookie(b, "__Host-picket_session")
        assert s["secure"] is True and s["httpOnly"] is True, s
        assert s["sameSite"] == "Lax" and s["path"] == "/" and s["domain"] == "127.0.0.1", s
        assert not [x for x in b.context.cookies() if x.get("name") == "picket_session"]
        log_out_then_replay(b, tls_server, "__Host-picket_session", trust)
        # (Chromium's request for /favicon.ico is a 404: the dashboard has none.)
        real = [e for e in b.errors if "Failed to load resource" not in e]
        assert not real, real
    finally:
        b.close()


def test_session_over_http(server: Server, browse: Callable[[Server], Browsing]) -> None:
    """Over plain HTTP the cookie cannot be Secure (the browser would drop it) nor
    __Host- prefixed; it is still HttpOnly and SameSite=Lax, and log-out ends it."""
    b = browse(server)
    new_account(b.page, new_email())
    s = cookie(b, "picket_session")
    assert s["secure"] is False and s["httpOnly"] is True and s["sameSite"] == "Lax", s
    log_out_then_replay(b, server, "picket_session", True)
