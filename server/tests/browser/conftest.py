"""Fixtures of the dashboard's browser tests: Debian's headless Chromium driven by
Playwright, and a real picket-server on SQLite and on PostgreSQL (server/tests/harness.py).
Run by server/tests/browser/run.sh, which installs both (scripts/tools.sh browser)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import BACKENDS, Server, new_store, start_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield b
    b.close()


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    srv = start_server(new_store(str(request.param), tmp_path))
    yield srv
    srv.stop()
    assert "sk_" not in "".join(
        line for line in srv.output.splitlines(True) if line.startswith("{")
    ), "a secret key reached the server's log"


class Browsing:
    """A browser context (its own cookies) with a page that fails the test on any console
    error, such as a Content-Security-Policy violation."""

    def __init__(self, browser: Browser, base: str, **options: object) -> None:
        self.context: BrowserContext = browser.new_context(
            base_url=base,
            viewport={"width": 1100, "height": 800},
            **options,  # type: ignore[arg-type]
        )
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def browse(browser: Browser) -> Iterator[object]:
    """browse(server) opens a fresh browser context on the server's dashboard."""
    opened: list[Browsing] = []

    def open_(srv: Server) -> Browsing:
        b = Browsing(browser, srv.url)
        opened.append(b)
        return b

    yield open_
    for b in opened:
        # Console errors other than the answers the tests provoke (403, 404, 409...) fail.
        real = [e for e in b.errors if "Failed to load resource" not in e]
        b.close()
        assert not real, f"console errors: {real}"


def screenshot_dir() -> Path | None:
    d = os.environ.get("PICKET_SCREENSHOTS")
    return Path(d) if d else None
