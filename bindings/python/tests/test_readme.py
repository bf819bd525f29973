"""The main README's Python quick start runs as written: its shell block in a fresh
virtual environment (from the repository root, as a user would), its Python blocks from a
temporary directory with the installed package, nothing from the checkout on any path.
And redaction attached as it shows catches a named child logger's records."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path
from typing import List

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "readme"))
from blocks import blocks  # noqa: E402  (the one README block reader every such test shares)

SECRET_BODY = re.compile(r"sk_[0-9a-f]{32}")


def _blocks(language: str) -> List[str]:
    return blocks(
        (REPO / "README.md").read_text(encoding="utf-8"), "## Python quick start", language
    )


def _clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PICKET", "PYTHON"))}
    env.update(extra)
    return env


def _run_block(
    directory: Path, name: str, source: str, python: str = sys.executable, env: dict | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs source as the script name in directory, from there, as a user runs a block pasted
    into a file: with python (this interpreter unless given) and env (a clean one unless
    given)."""
    script = directory / name
    script.write_text(source)
    return subprocess.run(
        [python, name],
        cwd=directory,
        env=_clean_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=120,
    )


MISSING_KEY = (
    "401 Basic realm=\"picket\" {'error': 'header_missing', 'code': 300, "
    "'message': 'missing api key: send it as the username of HTTP Basic auth'}"
)


def test_quick_start_has_the_blocks_it_shows() -> None:
    # The first sh block installs the release wheel (tests/install/python.sh runs it); the
    # second builds from the checkout (below).
    assert len(_blocks("sh")) == 2 and len(_blocks("python")) == 4


def test_python_block_runs_and_redacts_every_logger(tmp_path: Path) -> None:
    result = _run_block(tmp_path, "quickstart.py", _blocks("python")[0])
    assert result.returncode == 0, result.stderr
    out, err = result.stdout, result.stderr
    assert re.search(r"^sk_…[0-9a-f]{4}$", out, re.M), out
    assert "Auth(project=1, kind=<KeyKind.SECRET: 2>)" in out
    assert "['200 OK', '401 Unauthorized']" in out
    # The named child logger's record went through the root handler, redacted.
    assert re.search(r"^app\.db: client sent Basic \[REDACTED sk_…[0-9a-f]{4}\]$", err, re.M), err
    assert not SECRET_BODY.search(out + err)
    assert "c2tf" not in err  # nor the key's base64 (it starts with base64("sk_"))


def test_fastapi_block_runs(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    result = _run_block(
        tmp_path,
        "fastapi_app.py",
        _blocks("python")[1]
        + "\nfrom fastapi.testclient import TestClient\n"
        + "c = TestClient(app)\n"
        + "r = c.get('/admin')\n"
        + "print(r.status_code, r.headers['www-authenticate'], r.json())\n",
    )
    if result.returncode != 0 and "No module named 'httpx'" in result.stderr:
        pytest.skip("fastapi.testclient needs httpx")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == MISSING_KEY, result.stdout


@pytest.mark.parametrize(
    "framework, block, client",
    [
        ("flask", 2, "c = app.test_client()\nr = c.get('/admin')\njson = r.get_json()\n"),
        (
            "django",
            3,
            "from django.test import Client\nr = Client().get('/admin')\njson = r.json()\n",
        ),
    ],
)
def test_flask_and_django_blocks_run(
    tmp_path: Path, framework: str, block: int, client: str
) -> None:
    """The Flask and Django blocks, as written, under the real framework and its own
    client (Werkzeug's and Django's test clients): a request without a key is refused with
    the API error object, and one with the secret key reaches the view."""
    pytest.importorskip(framework)
    ok_key = "sk_fedcba9876543210fedcba9876543210"
    result = _run_block(
        tmp_path,
        f"{framework}_app.py",
        _blocks("python")[block].replace(
            "add_project(1, picket.Mode.PRODUCTION).build()",
            "add_project(1, picket.Mode.PRODUCTION)"
            f".add_key(picket.digest({ok_key!r}), 1, picket.KeyKind.SECRET).build()",
        )
        + client
        + "print(r.status_code, r.headers['WWW-Authenticate'], json)\n"
        + client.replace(
            "get('/admin')",
            f"get('/admin', headers={{'Authorization': 'Basic ' + __import__('base64')"
            f".b64encode(b'{ok_key}:').decode()}})",
        )
        + "print(r.status_code, json)\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [MISSING_KEY, "200 {'project': 1}"], result.stdout


@pytest.mark.skipif(
    os.environ.get("PICKET_TEST_PIP_INSTALL") != "1",
    reason="builds the package again with pip: set PICKET_TEST_PIP_INSTALL=1 (test.sh does)",
)
def test_shell_block_installs_into_a_fresh_venv(tmp_path: Path) -> None:
    """`pip install ./bindings/python`, as written, from the repository root, into a fresh
    venv; then the quick start runs with that venv's Python from a temporary directory."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    env = _clean_env(
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", VIRTUAL_ENV=str(env_dir)
    )
    for line in _blocks("sh")[1].splitlines():
        command = line.split("#", 1)[0].strip()
        if not command:
            continue
        result = subprocess.run(
            command, shell=True, cwd=REPO, env=env, capture_output=True, text=True, timeout=1200
        )
        assert result.returncode == 0, (command, result.stdout[-3000:], result.stderr[-3000:])
    run = tmp_path / "run"
    run.mkdir()
    result = _run_block(
        run, "quickstart.py", _blocks("python")[0], python=str(bin_dir / "python"), env=env
    )
    assert result.returncode == 0, result.stderr
    assert "['200 OK', '401 Unauthorized']" in result.stdout
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import picket; print(picket.__file__)"],
        cwd=run,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert where.stdout.strip().startswith(str(env_dir)), where.stdout
