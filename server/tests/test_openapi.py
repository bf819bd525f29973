"""The OpenAPI document (GET /openapi.json, server/internal/app/openapi.json) is kept true by
schemathesis: it drives the live server from the document, on SQLite and on PostgreSQL, and
fails on any answer the document does not describe (status, content type, body schema,
headers), any 5xx, a request outside the document that is accepted or one inside it that
is refused without a documented reason, an endpoint that ignores its authentication, and a
method it does not take answered otherwise than 405 with Allow (--checks all).

Bounded: a fixed seed and EXAMPLES cases per operation and phase (examples, coverage,
fuzzing), on a server without rate limits or quotas (so that the cases reach the API's
logic rather than a 429; both are documented all the same)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from harness import REPO, new_store, start_server

HERE = Path(__file__).resolve().parent / "openapi"
EXAMPLES = os.environ.get("PICKET_OPENAPI_EXAMPLES", "100")
NO_LIMITS = (
    "-rate-authorize-per-address", "0", "-rate-authorize-per-client", "0",
    "-rate-token-per-address", "0", "-rate-token-per-client", "0",
    "-rate-auth-failures-per-address", "0", "-rate-management-per-project", "0",
    "-max-keys-per-project", "0", "-max-redirect-uris-per-project", "0",
)  # fmt: skip


def openapi_venv() -> Path:
    """target/openapi-venv, schemathesis pinned (scripts/tools.sh installs it)."""
    cp = subprocess.run(
        [str(REPO / "scripts" / "tools.sh"), "openapi"], capture_output=True, text=True, check=True
    )
    return Path(cp.stdout.strip())


def test_the_server_is_what_its_openapi_document_says(backend: str, tmp_path: Path) -> None:
    st = openapi_venv() / "bin" / "st"
    server = start_server(new_store(backend, tmp_path), extra=NO_LIMITS)
    try:
        pk, sk = server.first_start_keys()
        with server.client() as client:
            key_id = next(
                k["id"]
                for k in client.get("/v1/keys", auth=(sk, "")).json()["keys"]
                if k["kind"] == "secret"
            )
        env = {
            **os.environ,
            "SCHEMATHESIS_HOOKS": "hooks",
            "PYTHONPATH": str(HERE),
            "PICKET_OPENAPI_KEY_ID": str(key_id),
            "PICKET_OPENAPI_PK": pk,
        }
        cp = subprocess.run(
            [
                str(st), "--config-file", str(HERE / "schemathesis.toml"), "run",
                f"{server.url}/openapi.json", "--auth", f"{sk}:", "--checks", "all",
                "--max-examples", EXAMPLES, "--seed", "1", "--workers", "1",
                "--phases", "examples,coverage,fuzzing", "--no-color",
                "--report", "junit", "--report-dir", str(tmp_path / "report"),
            ],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    finally:
        server.stop()
    out = cp.stdout + cp.stderr
    assert cp.returncode == 0, out[-6000:]
    # It ran every operation of the document.
    tested = next((ln for ln in out.splitlines() if ln.strip().startswith("Tested:")), "")
    selected = next((ln for ln in out.splitlines() if ln.strip().startswith("Selected:")), "")
    assert (
        tested and tested.split(":")[1].strip() == selected.split(":")[1].strip().split("/")[0]
    ), out[-2000:]
    assert sk not in out
