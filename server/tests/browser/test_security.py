"""The dashboard's defences, in Chromium: a form posted from another origin is refused
(CSRF), another account's project is unreachable, a session id planted before log-in is
worthless after it (fixation); and the pages are usable by keyboard, with labels."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboard import (
    PASSWORD,
    SIGNED_UP,
    log_in,
    new_account,
    new_email,
    new_keys,
    rule_shown,
    sign_up,
)
from playwright.sync_api import expect

from conftest import Browsing
from harness import Server


@contextmanager
def other_origin(directory: Path, html: str) -> Iterator[str]:
    """Serves html as /attack.html from another origin (another port on the same host:
    the same site, so SameSite=Lax cookies go along, and only the CSRF check stands)."""
    (directory / "attack.html").write_text(html)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: object, **kw: object) -> None:
            super().__init__(*a, directory=str(directory), **kw)  # type: ignore[arg-type]

        def log_message(self, *a: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/attack.html"
    finally:
        srv.shutdown()
        srv.server_close()


def project_id(b: Browsing) -> int:
    b.page.get_by_role("link", name="Continue to My First Project").click()
    m = re.search(r"/projects/(\d+)$", b.page.url)
    assert m, b.page.url
    return int(m.group(1))


def test_csrf_refused(server: Server, browse: Callable[[Server], Browsing], tmp_path: Path) -> None:
    b = browse(server)
    new_account(b.page, new_email())
    pid = project_id(b)
    csrf = b.page.locator("input[name=csrf]").first.input_value()
    # A page elsewhere posts to the dashboard, with and even without the victim's token.
    form = (
        f'<form method="post" action="{server.url}/dashboard/projects/{pid}/redirect_uris">'
        '<input name="uri" value="https://evil.example/steal">'
        '<input name="csrf" value="{csrf}"><button id="a">a</button></form>'
    )
    for token in ("guessed", csrf):
        with other_origin(tmp_path, form.replace("{csrf}", token)) as attack:
            b.page.goto(attack)
            with b.page.expect_response(lambda r: "/redirect_uris" in r.url) as resp:
                b.page.click("#a")
            assert resp.value.status == 403
            assert rule_shown(b.page) == "csrf_refused"
    b.page.goto(f"/dashboard/projects/{pid}")
    expect(b.page.locator("main")).not_to_contain_text("evil.example")
    # From the dashboard's own page, without the token (or another session's), refused too.
    other = browse(server)
    new_account(other.page, new_email())
    other_csrf = other.page.locator("input[name=csrf]").first.input_value()
    for token in ("", other_csrf):
        r = b.context.request.post(
            f"/dashboard/projects/{pid}/redirect_uris",
            form={"uri": "https://app.example.com/x", "csrf": token},
            headers={"Origin": server.url},
            max_redirects=0,
        )
        assert r.status == 403, (token, r.status)
    # The log-in form is bound to its pre-session cookie: a post without it is refused.
    fresh = browse(server)
    r = fresh.context.request.post(
        "/dashboard/login", form={"email": "a@example.com", "password": PASSWORD, "csrf": "x"}
    )
    assert r.status == 403


def test_other_accounts_project_unreachable(
    server: Server, browse: Callable[[Server], Browsing]
) -> None:
    alice, bob = browse(server), browse(server)
    new_account(alice.page, new_email())
    alice_pid = project_id(alice)
    new_account(bob.page, new_email())
    bob_pid = project_id(bob)
    bob_csrf = bob.page.locator("input[name=csrf]").first.input_value()
    # Bob's browser asks for Alice's project: the same 404 as a project that does not exist.
    for pid in (alice_pid, 999999):
        resp = bob.page.goto(f"/dashboard/projects/{pid}")
        assert resp is not None and resp.status == 404
        assert rule_shown(bob.page) == "not_found"
    # Nor can he change it, with his own valid token.
    for path in ("keys", "redirect_uris", "mode", "keys/1/revoke", "keys/1/roll"):
        r = bob.context.request.post(
            f"/dashboard/projects/{alice_pid}/{path}",
            form={
                "csrf": bob_csrf,
                "kind": "secret",
                "expires": "none",
                "uri": "https://x.example/cb",
                "mode": "production",
                "grace": "0",
            },
            headers={"Origin": server.url},
            max_redirects=0,
        )
        assert r.status == 404, (path, r.status)
    # One of Alice's key ids through Bob's own project: not his key.
    alice.page.goto(f"/dashboard/projects/{alice_pid}")
    alice_key = alice.page.locator("tr[data-key]").first.get_attribute("data-key")
    for action in ("revoke", "roll"):
        r = bob.context.request.post(
            f"/dashboard/projects/{bob_pid}/keys/{alice_key}/{action}",
            form={"csrf": bob_csrf, "grace": "0"},
            headers={"Origin": server.url},
        )
        assert r.status == 404 and 'data-rule="unknown_key"' in r.text(), (action, r.status)
    alice.page.reload()
    expect(alice.page.locator("tr[data-state=live]")).to_have_count(2)
    bob.page.goto("/dashboard/projects")
    expect(bob.page.locator("tbody tr")).to_have_count(1)
    expect(bob.page.locator(f'a[href="/dashboard/projects/{alice_pid}"]')).to_have_count(0)


def session_cookie(b: Browsing) -> str:
    values = [c.get("value", "") for c in b.context.cookies() if c.get("name") == "picket_session"]
    assert len(values) == 1, b.context.cookies()
    return str(values[0])


def test_session_fixation_refused(server: Server, browse: Callable[[Server], Browsing]) -> None:
    # The attacker has a real session of their own, and plants its id in the victim's
    # browser (and, in a second try, an id they made up).
    attacker = browse(server)
    new_account(attacker.page, new_email())
    planted = session_cookie(attacker)
    victim_email = new_email()
    setup = browse(server)
    new_account(setup.page, victim_email)
    setup.page.get_by_role("button", name="Log out").click()

    for fixed in (planted, "A" * 43):
        victim = browse(server)
        victim.context.add_cookies([{"name": "picket_session", "value": fixed, "url": server.url}])
        log_in(victim.page, victim_email)
        expect(victim.page).to_have_url(server.url + "/dashboard/projects")
        assert session_cookie(victim) != fixed, "the session id was not rotated at log-in"
        expect(victim.page.locator(".who")).to_have_text(victim_email)
        # The planted id no longer opens anything.
        probe = browse(server)
        probe.context.add_cookies([{"name": "picket_session", "value": fixed, "url": server.url}])
        probe.page.goto("/dashboard/projects")
        expect(probe.page).to_have_url(server.url + "/dashboard/login?notice=session_ended")
    # The cookie's attributes.
    c = [c for c in victim.context.cookies() if c.get("name") == "picket_session"][0]
    assert c.get("httpOnly") is True and c.get("sameSite") == "Lax" and c.get("path") == "/"


def test_keyboard_and_labels(server: Server, browse: Callable[[Server], Browsing]) -> None:
    b = browse(server)
    page = b.page
    page.goto("/dashboard/signup")
    # Sign up by keyboard alone: Tab reaches the fields and the button in order.
    order = []
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")
        )
    assert order.index("email") < order.index("password") < order.index("Create account"), order
    # Focus is visible: the focused field has an outline.
    page.focus("#email")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    email = new_email()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(SIGNED_UP)
    # Then the first log-in, by keyboard too: the first project's keys.
    page.focus("#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My First Project")
    page.get_by_role("link", name="Continue to My First Project").click()
    # Every visible field of every form has a real <label for>.
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
             .filter(e => !e.id || !document.querySelector('label[for="' + e.id + '"]'))
             .map(e => e.outerHTML)"""
    )
    assert unlabelled == []
    # Every button says what it does to an assistive technology.
    nameless = page.evaluate(
        "[...document.querySelectorAll('button')].filter(b => !b.textContent.trim()).length"
    )
    assert nameless == 0
    # The CSP: no inline script or style allowed, no framing.
    resp = page.goto(page.url)
    assert resp is not None
    csp = resp.headers["content-security-policy"]
    assert (
        "unsafe-inline" not in csp
        and "frame-ancestors 'none'" in csp
        and "script-src 'self'" in csp
    )
    assert (
        resp.headers["x-frame-options"] == "DENY"
        and resp.headers["x-content-type-options"] == "nosniff"
    )


def test_signup_tells_nothing(server: Server, browse: Callable[[Server], Browsing]) -> None:
    """Signing up with a taken address looks exactly like a first sign-up, and changes
    nothing: the owner's password still logs in, the newcomer's does not."""
    email = new_email()
    owner, other = browse(server), browse(server)
    sign_up(owner.page, email)
    first = csrf_free(owner.page.content())
    sign_up(other.page, email, "another password, long enough")
    assert other.page.url == owner.page.url
    assert csrf_free(other.page.content()) == first
    log_in(other.page, email, "another password, long enough")
    assert rule_shown(other.page) == "login_failed"
    # The owner's first log-in shows the keys; the next one does not.
    log_in(owner.page, email)
    expect(owner.page.get_by_role("heading", level=1)).to_have_text("My First Project")
    assert sorted(new_keys(owner.page)) == ["publishable", "secret"]
    log_in(other.page, email)
    expect(other.page).to_have_url(server.url + "/dashboard/projects")
    expect(other.page.locator("input.secret")).to_have_count(0)


def csrf_free(html: str) -> str:
    """A page without its CSRF token (one per browser by design)."""
    return re.sub(r'name="csrf" value="[^"]*"', 'name="csrf"', html)
