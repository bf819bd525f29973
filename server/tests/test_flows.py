"""The whole PKCE flow, driven by four runtimes (Node, curl, Python, Go) against a real
server."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from projects import (
    Project,
    ping,
)

HERE = Path(__file__).resolve().parent

# --- 2. The whole PKCE flow, driven by four runtimes -------------------------------------


def client_command(runtime: str) -> list[str]:
    if runtime == "node":
        return ["node", str(HERE / "flow.mjs")]
    if runtime == "curl":
        return ["bash", str(HERE / "flow.sh")]
    if runtime == "python":
        return [os.environ.get("PYTHON", "python3"), str(HERE / "flow.py")]
    return [os.environ["PICKET_GOFLOW_BIN"]]


@pytest.mark.parametrize("runtime", ["node", "curl", "python", "go"])
def test_pkce_flow(project: Project, runtime: str) -> None:
    cp = subprocess.run(
        client_command(runtime), env=project.env(), capture_output=True, text=True, timeout=120
    )
    assert cp.returncode == 0, f"{runtime} flow failed:\n{cp.stdout}\n{cp.stderr}"
    assert "PKCE flow OK" in cp.stdout
    # The flow left the project as it was, but for its own codes and tokens.
    assert ping(project.client, project.pk) == 200
