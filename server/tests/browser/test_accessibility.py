"""Every page of the dashboard, checked as an assistive technology and a keyboard user meet
it: axe-core (through axe-playwright-python, which ships it) finds no violation of any of
its rules, and Tab alone reaches every control of the page (every link, field and button),
each of which has an accessible name."""

from __future__ import annotations

from collections.abc import Callable

from axe_playwright_python.sync_playwright import Axe
from dashboard import PASSWORD, log_in, new_email, sign_up
from playwright.sync_api import Page, expect

from conftest import Browsing
from harness import Server

AXE = Axe()

# Every control a keyboard user must reach, as a CSS selector.
CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea"

# A page's controls, each with its accessible name as Chromium computes it (through the
# aria snapshot would need a locator per control; the DOM's label and text suffice for
# the dashboard's markup: a <label for>, aria-label, or the button's or link's text).
_DESCRIBE = """el => {
  const label = el.id && document.querySelector('label[for="' + el.id + '"]');
  const name = (el.getAttribute('aria-label') || (label && label.textContent) ||
                el.textContent || '').trim();
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + JSON.stringify(name);
}"""


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the page, one line each: rule (impact): elements."""
    results = AXE.run(page, options={"resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
    ]


def tab_reaches_every_control(page: Page) -> None:
    """Presses Tab from the top of the page until the focus comes back round, and checks
    that it met every visible control of the page, each with a name."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    controls = page.locator(CONTROLS)
    want = {
        controls.nth(i).evaluate(_DESCRIBE)
        for i in range(controls.count())
        if controls.nth(i).is_visible()
    }
    assert want, "no control on the page"
    nameless = [c for c in want if c.endswith(' ""')]
    assert not nameless, f"controls without a name: {nameless}"
    reached: list[str] = []
    for _ in range(len(want) + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            f"document.activeElement && document.activeElement.matches({CONTROLS!r}) "
            f"? ({_DESCRIBE})(document.activeElement) : null"
        )
        if focused is None or (reached and focused == reached[0]):
            break
        reached.append(focused)
    # The skip link is visible only when focused: it counts when Tab reaches it.
    missed = want - set(reached)
    assert not missed, f"Tab never reached: {sorted(missed)} (reached, in order: {reached})"


def check_page(page: Page, what: str) -> None:
    assert axe_violations(page) == [], what
    tab_reaches_every_control(page)


def test_every_page_accessible(server: Server, browse: Callable[[Server], Browsing]) -> None:
    b = browse(server)
    page = b.page
    page.goto("/dashboard/login")
    check_page(page, "log-in")
    page.goto("/dashboard/signup")
    check_page(page, "sign-up")
    email = new_email()
    sign_up(page, email)
    check_page(page, "after sign-up")
    log_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("My First Project")
    check_page(page, "first log-in: the keys shown once")
    page.get_by_role("link", name="Continue to My First Project").click()
    check_page(page, "project")
    page.get_by_label("Redirect URI", exact=True).fill("http://localhost:3000/cb")
    page.get_by_role("button", name="Add redirect URI").click()
    page.get_by_role("button", name="Switch to production").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check_page(page, "project: production refused, with the URIs and their rules")
    page.get_by_role("link", name="All projects").click()
    check_page(page, "projects")
    page.goto("/dashboard/no-such-page")
    check_page(page, "error page")
    log_in(page, email, PASSWORD + " but wrong")
    expect(page.get_by_role("alert")).to_be_visible()
    check_page(page, "log-in refused")


def test_checks_can_fail(server: Server, browse: Callable[[Server], Browsing]) -> None:
    """The checks above find what they look for: a field without a label, and a button
    Tab cannot reach."""
    b = browse(server)
    page = b.page
    page.goto("/dashboard/login")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=nolabel>')"
    )
    assert any(v.startswith("label ") for v in axe_violations(page))
    page.goto("/dashboard/login")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        "'<button tabindex=\"-1\">Hidden from Tab</button>')"
    )
    try:
        tab_reaches_every_control(page)
    except AssertionError as e:
        assert "Hidden from Tab" in str(e)
    else:
        raise AssertionError("a button Tab cannot reach went unnoticed")
