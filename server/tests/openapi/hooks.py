"""Schemathesis hooks of the OpenAPI run (test_openapi.py sets SCHEMATHESIS_HOOKS).

The run authenticates with one secret key (its id in PICKET_OPENAPI_KEY_ID): a case that
would roll or revoke that key would turn every later request into a 401 (the answers would
still match the document, but the run would exercise nothing else), so such cases are left
out. Every other id, valid or not, is generated as schemathesis likes; the token endpoint's
requests authenticate with the publishable key (before_call)."""

from __future__ import annotations

import os
from typing import Any

import schemathesis

PROTECTED = os.environ["PICKET_OPENAPI_KEY_ID"]
# The token endpoint's client authenticates by HTTP Basic with its publishable key (or
# client_id in the form): the run's secret key there would make every case a 401, so its
# requests carry the first project's publishable key instead (a request's own auth wins over
# the session's, which --auth sets).
PUBLIC_AUTH = (os.environ["PICKET_OPENAPI_PK"], "")


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    return str((case.path_parameters or {}).get("id")) != PROTECTED


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: Any) -> None:
    if case.path == "/oauth2/token":
        kwargs["auth"] = PUBLIC_AUTH
