"""picket.flask: the extension under Werkzeug's server (as `flask run` serves an app),
driven by httpx over loopback: a decorated view, an async view, a protected blueprint
(whose unknown paths keep Flask's 404), the application-factory form, and g.picket."""

from __future__ import annotations

from typing import Any, Dict, Iterator

import httpx
import pytest
from conftest import PK, SK
from serving import serve_werkzeug, two_key_registry

import picket
from picket import Requirement


@pytest.fixture(scope="module")
def registry() -> Iterator[picket.Registry]:
    with two_key_registry(PK, SK) as reg:
        yield reg


def make_app(registry: picket.Registry) -> Any:
    from flask import Blueprint, Flask, g

    from picket.flask import EXTENSION, Picket, current

    keys = Picket()  # the application-factory form
    app = Flask(__name__)
    keys.init_app(app, registry)
    assert app.extensions[EXTENSION] is keys

    @app.get("/healthz")
    def healthz() -> Dict[str, str]:
        return {"status": "ok"}

    @app.get("/admin")
    @keys.require(Requirement.SECRET)
    def admin() -> Dict[str, Any]:
        return {"project": g.picket.project, "kind": str(current().kind)}

    @app.get("/async/widget")
    @keys.require(Requirement.PUBLISHABLE)
    async def widget() -> Dict[str, Any]:
        return {"project": g.picket.project, "kind": str(g.picket.kind)}

    api = Blueprint("api", __name__, url_prefix="/api")

    @api.get("/items/<int:item>")
    def item(item: int) -> Dict[str, Any]:
        return {"item": item, "kind": str(g.picket.kind)}

    keys.protect(api, Requirement.ANY)
    app.register_blueprint(api)
    return app


def test_flask_extension(registry: picket.Registry) -> None:
    url, stop = serve_werkzeug(make_app(registry))
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            assert client.get("/admin", auth=(SK, "")).json() == {"project": 1, "kind": "secret"}
            refused = client.get("/admin", auth=(PK, ""))
            assert refused.status_code == 403 and refused.json()["code"] == 502
            missing = client.get("/admin")
            assert missing.status_code == 401
            assert missing.headers["www-authenticate"] == 'Basic realm="picket"'
            assert missing.json()["error"] == "header_missing"
            assert client.get("/async/widget", auth=(PK, "")).json()["kind"] == "publishable"
            assert client.get("/async/widget", auth=(SK, "")).status_code == 403
            # The blueprint: every route needs a key; a path it does not serve is a 404.
            assert client.get("/api/items/7", auth=(PK, "")).json() == {
                "item": 7,
                "kind": "publishable",
            }
            assert client.get("/api/items/7").status_code == 401
            assert client.get("/api/nothing").status_code == 404
            two = client.get("/admin", headers=[("Authorization", f"Basic {'x'}")] * 2)
            assert two.status_code == 400 and two.json()["error"] == "duplicate_authorization"
    finally:
        stop()


def test_flask_extension_needs_a_registry() -> None:
    from flask import Flask

    from picket.flask import Picket

    with pytest.raises(ValueError, match="needs a registry"):
        Picket(Flask(__name__))
