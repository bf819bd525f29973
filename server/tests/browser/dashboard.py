"""What a person does on the dashboard, as Playwright steps, and the screenshots of it."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery staple"
_emails = itertools.count(1)


def new_email() -> str:
    return f"user{next(_emails)}@example.com"


SIGNED_UP = "If this address is new, your account is ready"


def sign_up(page: Page, email: str, password: str = PASSWORD) -> None:
    """Signs up from the log-in page. The answer, the same whether the address was new or
    not, is the log-in form with a notice that holds for both."""
    page.goto("/dashboard/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/dashboard/login\?notice=signed_up$"))
    expect(page.get_by_role("status")).to_contain_text(SIGNED_UP)


def first_log_in(page: Page, email: str, password: str = PASSWORD) -> dict[str, str]:
    """The account's first log-in: My First Project with its keys, shown this once, by kind."""
    log_in(page, email, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("My First Project")
    return new_keys(page)


def new_account(page: Page, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Signs up and logs in for the first time: the first project's keys, by kind."""
    sign_up(page, email, password)
    return first_log_in(page, email, password)


def new_keys(page: Page) -> dict[str, str]:
    """The keys shown once on the page, by kind."""
    out = {}
    for field in page.locator("input.secret").all():
        out[str(field.get_attribute("data-kind"))] = field.input_value()
    return out


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/dashboard/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def rule_shown(page: Page) -> str:
    """The rule named by the page's error box."""
    return str(page.locator("[role=alert]").get_attribute("data-rule"))


def shot(page: Page, directory: Path | None, name: str) -> None:
    """A full-page screenshot for the README, reduced to a 64-colour palette (lossless
    enough for text, a fraction of the size)."""
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
