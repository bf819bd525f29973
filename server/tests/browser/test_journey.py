"""The journey of a new user, in Chromium: sign-up → first log-in → My First Project with
its keys, shown once → a key used with curl → redirect URIs (one refused with its rule, one
accepted) → production (refused, then allowed once the http URI is gone) → roll and revoke
→ log out → log in again (no keys shown). With PICKET_SCREENSHOTS set, it saves a
screenshot of each page there (run.sh --update-docs: docs/dashboard/, the README's
pictures)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

from dashboard import first_log_in, log_in, new_email, new_keys, rule_shown, shot, sign_up
from playwright.sync_api import expect

from conftest import Browsing, screenshot_dir
from harness import Server


def curl(server: Server, key: str, path: str = "/v1/ping") -> tuple[int, dict[str, object]]:
    """GET path with curl -u KEY: (the way the README shows it): status and JSON body."""
    cp = subprocess.run(
        ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-u", f"{key}:", server.url + path],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    body, _, status = cp.stdout.rpartition("\n")
    return int(status), json.loads(body)


def test_journey(server: Server, browse: Callable[[Server], Browsing]) -> None:
    shots = screenshot_dir()
    b = browse(server)
    page = b.page

    # Log-in page first (the dashboard's root leads there), then sign-up.
    page.goto("/dashboard/")
    expect(page).to_have_url(server.url + "/dashboard/login")
    shot(page, shots, "1-login")
    page.get_by_role("link", name="Sign up").click()
    shot(page, shots, "2-signup")
    email = new_email()
    # Sign-up answers the log-in form with a notice that does not say whether the address
    # was new; the first log-in shows My First Project's keys.
    sign_up(page, email)
    shot(page, shots, "3-signed-up")
    keys = first_log_in(page, email)
    assert sorted(keys) == ["publishable", "secret"]
    assert keys["publishable"].startswith("pk_") and keys["secret"].startswith("sk_")
    shot(page, shots, "4-first-project-keys")

    # The copy button puts the key on the clipboard.
    page.get_by_role("button", name="Copy the secret key").click()
    expect(page.get_by_role("button", name="Copied the secret key")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == keys["secret"]

    # The keys work with curl at once.
    status, body = curl(server, keys["secret"])
    assert status == 200 and body["key_kind"] == "secret", body
    project_id = body["project_id"]
    status, body = curl(server, keys["publishable"])
    assert status == 200 and body["project_id"] == project_id

    # The project page: the keys with their last 4, never the keys.
    page.get_by_role("link", name="Continue to My First Project").click()
    expect(page).to_have_url(f"{server.url}/dashboard/projects/{project_id}")
    expect(page.locator("[data-mode]")).to_have_text("development")
    html = page.content()
    assert keys["secret"] not in html and keys["publishable"] not in html
    for k in keys.values():
        expect(page.locator("table.keys")).to_contain_text("…" + k[-4:])

    # Redirect URIs: one refused with picket's rule, then two accepted.
    uri = page.get_by_label("Redirect URI", exact=True)
    uri.fill("https://app.example.com/callback#section")
    page.get_by_role("button", name="Add redirect URI").click()
    assert rule_shown(page) == "redirect_fragment"
    expect(page.get_by_role("alert")).to_contain_text("fragment")
    expect(page.get_by_label("Redirect URI", exact=True)).to_have_value(
        "https://app.example.com/callback#section"
    )
    shot(page, shots, "5-redirect-refused")
    for u in ("http://localhost:3000/callback", "https://app.example.com/callback"):
        page.get_by_label("Redirect URI", exact=True).fill(u)
        page.get_by_role("button", name="Add redirect URI").click()
        expect(page.get_by_role("status")).to_have_text("The redirect URI is added.")
        expect(page.locator("ul.uris")).to_contain_text(u)

    # Production is refused while the http URI is there, with the URI and its rule.
    page.get_by_role("button", name="Switch to production").click()
    assert rule_shown(page) == "production_refused"
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("http://localhost:3000/callback")
    expect(alert).to_contain_text("redirect_")
    expect(alert).not_to_contain_text("https://app.example.com/callback")
    shot(page, shots, "6-production-refused")
    page.get_by_role("button", name="Remove http://localhost:3000/callback").click()
    expect(page.get_by_role("status")).to_have_text("The redirect URI is removed.")
    page.get_by_role("button", name="Switch to production").click()
    expect(page.locator("[data-mode]")).to_have_text("production")
    # The registry took the change at once: the API answers the same.
    status, body = curl(server, keys["secret"], "/v1/project")
    assert status == 200 and body["mode"] == "production", body

    # Roll the secret key with an hour's grace: a new key shown once, the old one still works.
    old = keys["secret"]
    page.get_by_label("Old key works for").nth(0).select_option("1h")
    page.get_by_role("button", name=f"Roll the secret key ending {old[-4:]}").click()
    rolled = new_keys(page)["secret"]
    assert rolled != old and rolled.startswith("sk_")
    expect(page.get_by_role("status")).to_contain_text("the old one works until")
    shot(page, shots, "7-key-rolled")
    assert curl(server, rolled)[0] == 200
    assert curl(server, old)[0] == 200

    # Revoke the old key: it stops at once. The new one is then the last working secret
    # key, which the dashboard refuses to revoke (the same rule as the API's).
    page.get_by_role("button", name=f"Revoke the secret key ending {old[-4:]}").click()
    expect(page.get_by_role("status")).to_have_text("The key is revoked.")
    status, body = curl(server, old)
    assert status == 401, body
    page.get_by_role("button", name=f"Revoke the secret key ending {rolled[-4:]}").click()
    assert rule_shown(page) == "last_secret_key"
    assert curl(server, rolled)[0] == 200
    shot(page, shots, "8-project")

    # Create a second project from the list.
    page.get_by_role("link", name="All projects").click()
    page.get_by_label("Name").fill("Shop")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shop")
    assert sorted(new_keys(page)) == ["publishable", "secret"]
    page.get_by_role("link", name="Projects", exact=True).click()
    expect(page.locator("table")).to_contain_text("My First Project")
    expect(page.locator("table")).to_contain_text("Shop")
    shot(page, shots, "9-projects")

    # Log out: the project page now leads to the log-in form, and logging in again works.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_have_text("You are logged out.")
    page.goto(f"/dashboard/projects/{project_id}")
    expect(page).to_have_url(server.url + "/dashboard/login?notice=session_ended")
    # Logging in again goes to the projects: the first keys were shown once.
    log_in(page, email)
    expect(page).to_have_url(server.url + "/dashboard/projects")
    expect(page.locator("input.secret")).to_have_count(0)
