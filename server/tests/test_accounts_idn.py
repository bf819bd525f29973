"""One internationalized domain, several spellings, one account (issue 25): sign-up and
log-in on the dashboard with httpx and the operator CLI, against a real picket-server on
SQLite and on PostgreSQL. ada@bücher.example (U-label) and ada@xn--bcher-kva.example
(A-label) are one mailbox; so are its upper-case and full-width spellings."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx

from harness import json_lines, new_store, operator, server_bin, start_server

U_LABEL = "ada@bücher.example"
A_LABEL = "ada@xn--bcher-kva.example"
FULL_WIDTH = "ADA@ｂüｃｈｅｒ.example"
PASSWORD = "correct horse battery staple"


def form(c: httpx.Client, path: str, **fields: str) -> httpx.Response:
    """Posts the dashboard form at path with the CSRF token of its page."""
    m = re.search(r'name="csrf" value="([^"]+)"', c.get(path).text)
    assert m, path
    return c.post(path, data={**fields, "csrf": m.group(1)})


def test_one_mailbox_by_any_spelling_of_its_domain_is_one_account(
    backend: str, tmp_path: Path
) -> None:
    store = new_store(backend, tmp_path)
    server = start_server(store)
    try:
        with server.client() as c:
            r = form(c, "/dashboard/signup", email=U_LABEL, password=PASSWORD)
            assert (
                r.status_code == 303
                and r.headers["location"] == "/dashboard/login?notice=signed_up"
            ), r
        # The A-label spelling (what a browser's type="email" field may send) is the taken
        # address: the same answer as a new one, and nothing changes (the server's log says so).
        with server.client() as c:
            r = form(c, "/dashboard/signup", email=A_LABEL, password="another long enough password")
            assert (
                r.status_code == 303
                and r.headers["location"] == "/dashboard/login?notice=signed_up"
            ), r
        assert "sign-up with an existing account's email: nothing changed" in server.output
        # The operator's CLI names it: account_exists, for the A-label and the full width.
        for spelling in (A_LABEL, FULL_WIDTH):
            cp = subprocess.run(
                [server_bin(), "account", "create", "-email", spelling, *store.flags],
                input="a third long enough password\n",
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert cp.returncode == 1 and "account_exists" in cp.stderr, (spelling, cp.stderr)
        # One account, shown with its domain's U-label.
        accounts = json_lines(operator(store, "account", "list").stdout)
        assert [a["email"] for a in accounts] == [U_LABEL], accounts

        # Log-in works with every spelling, with the first sign-up's password only.
        with server.client() as c:
            r = form(c, "/dashboard/login", email=A_LABEL, password="another long enough password")
            assert r.status_code == 401 and "login_failed" in r.text, r
        for i, spelling in enumerate((A_LABEL, U_LABEL, FULL_WIDTH)):
            with server.client() as c:
                r = form(c, "/dashboard/login", email=spelling, password=PASSWORD)
                # The first log-in after a sign-up shows the first keys (200); later ones go
                # to the projects.
                assert r.status_code == (200 if i == 0 else 303), (
                    spelling,
                    r.status_code,
                    r.text[:300],
                )
                page = c.get("/dashboard/projects")
                assert (
                    page.status_code == 200 and f'<span class="who">{U_LABEL}</span>' in page.text
                ), spelling

        # A domain IDNA refuses is email_invalid, and makes no account.
        for bad in ("ada@a_b.example", "ada@xn--zz.example", "ada@" + "a" * 64 + ".example"):
            with server.client() as c:
                r = form(c, "/dashboard/signup", email=bad, password=PASSWORD)
                assert r.status_code == 400 and "email_invalid" in r.text, (bad, r.status_code)
        assert len(json_lines(operator(store, "account", "list").stdout)) == 1
    finally:
        server.stop()
