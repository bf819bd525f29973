"""The compiled module matches include/picket.h: every function, every type, every code;
and the package carries the library inside."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from conftest import BINDING, HEADER, REPO

import picket
from picket import _convert
from picket._ffi import ffi, lib


def _header_text() -> str:
    text = HEADER.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def header_functions() -> Dict[str, Tuple[str, List[str]]]:
    """name -> (return type, [parameter types]) for every function the header declares."""
    found: Dict[str, Tuple[str, List[str]]] = {}
    pattern = re.compile(r"([A-Za-z_][\w \t\*]*?)\b(picket_\w+)\s*\(([^;{}]*?)\)\s*;", re.S)
    for match in pattern.finditer(_header_text()):
        ret, name, params = match.groups()
        ret = " ".join(ret.split())
        params = " ".join(params.split())
        types = []
        if params != "void":
            for param in params.split(","):
                # Drop the parameter's name: the last identifier.
                types.append(re.sub(r"\s*\b\w+\s*$", "", param.strip()).replace(" *", "*").strip())
        found[name] = (ret.replace(" *", "*"), types)
    return found


def test_header_is_parsed() -> None:
    functions = header_functions()
    assert len(functions) >= 29
    assert functions["picket_registry_authenticate"][1] == [
        "const struct picket_registry*",
        "const uint8_t*",
        "size_t",
        "uint64_t",
        "uint32_t",
        "uint64_t*",
        "uint32_t*",
    ]


def _cffi_functions() -> Dict[str, Any]:
    return {
        name: ffi.typeof(ffi.addressof(lib, name))
        for name in dir(lib)
        if name.startswith("picket_") and callable(getattr(lib, name))
    }


def _c_type(text: str) -> str:
    """A header type as cffi spells it: the enum typedefs are uint32_t."""
    for alias in ("picket_result", "picket_key_kind", "picket_mode", "picket_requirement"):
        text = text.replace(alias, "uint32_t")
    return text.replace("*", " *").replace("  ", " ").strip()


def test_every_header_function_is_in_the_compiled_module_with_its_c_types() -> None:
    """cffi compiled a call to each declared function against the real header (a mismatch
    fails the build); this checks that none is missing and that the types agree."""
    functions = header_functions()
    compiled = _cffi_functions()
    assert set(functions) == set(compiled), "the cdef differs from the header"
    for name, (ret, params) in functions.items():
        function = compiled[name]
        assert function.kind == "function", name
        assert function.result.cname == (
            "void" if ret == "void" else ffi.typeof(_c_type(ret)).cname
        ), name
        assert [a.cname for a in function.args] == [ffi.typeof(_c_type(p)).cname for p in params], (
            name
        )


def test_speedups_prototype_is_the_header_s() -> None:
    """picket/_speedups.c calls picket_registry_authenticate through a pointer type it
    declares: that type must be the header's prototype."""
    source = (BINDING / "picket" / "_speedups.c").read_text()
    match = re.search(r"typedef picket_result \(\*authenticate_fn\)\(([^;]*)\);", source, re.S)
    assert match, "authenticate_fn typedef not found"
    declared = [" ".join(p.split()) for p in match.group(1).split(",")]
    header = header_functions()["picket_registry_authenticate"][1]
    assert [_c_type(d) for d in declared] == [
        _c_type(h.replace("picket_requirement", "uint32_t")) for h in header
    ]


def test_code_enum_is_the_header_enum() -> None:
    enum_body = re.search(r"enum picket_result[^{]*\{(.*?)\}", _header_text(), re.S)
    assert enum_body is not None
    pairs = re.findall(r"PICKET_RESULT_(\w+)\s*=\s*(\d+)", enum_body.group(1))
    assert pairs
    assert {name: int(value) for name, value in pairs} == {c.name: int(c) for c in picket.Code}


def _define(name: str) -> str:
    match = re.search(rf"#define {name} (\S+)", _header_text())
    assert match, name
    return match.group(1)


def test_constants_match_the_header() -> None:
    assert int(_define("PICKET_KEY_LEN")) == picket.KEY_LEN
    assert int(_define("PICKET_KEY_RANDOM_LEN")) == _convert.KEY_RANDOM_LEN
    assert int(_define("PICKET_DIGEST_LEN")) == picket.DIGEST_LEN
    assert int(_define("PICKET_DIGEST_HEX_LEN")) == picket.DIGEST_HEX_LEN
    assert int(_define("PICKET_REDACTED_LEN")) == picket.REDACTED_LEN
    assert int(_define("PICKET_MAX_HEADER_LEN")) == picket.MAX_HEADER_LEN
    assert int(_define("PICKET_MAX_REDIRECT_URI_LEN")) == picket.MAX_REDIRECT_URI_LEN
    assert _define("PICKET_NO_EXPIRY") == "UINT64_MAX" and picket.NO_EXPIRY == 2**64 - 1
    assert int(_define("PICKET_OPTION_ACCEPT_BEARER")) == _convert._OPTION_ACCEPT_BEARER
    assert (
        int(_define("PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES"))
        == _convert._OPTION_ALLOW_PRIVATE_USE_SCHEMES
    )
    assert int(_define("PICKET_OPTION_LOOPBACK_ANY_PORT")) == _convert._OPTION_LOOPBACK_ANY_PORT
    text = _header_text()
    for enum_name, cls in (
        ("KEY_KIND", picket.KeyKind),
        ("MODE", picket.Mode),
        ("REQUIREMENT", picket.Requirement),
    ):
        for member in cls:
            assert re.search(rf"PICKET_{enum_name}_{member.name} = {int(member)},", text), member


def test_versions_agree() -> None:
    assert picket.library_version() == _define("PICKET_VERSION").strip('"') == picket.__version__
    pyproject = (BINDING / "pyproject.toml").read_text()
    assert f'version = "{picket.__version__}"' in pyproject


def test_constants_are_the_compiled_header_s() -> None:
    """The integer #defines as the C compiler saw them (cffi API mode)."""
    assert lib.PICKET_KEY_LEN == picket.KEY_LEN
    assert lib.PICKET_NO_EXPIRY == picket.NO_EXPIRY
    assert lib.PICKET_MAX_HEADER_LEN == picket.MAX_HEADER_LEN


def test_the_library_is_inside_the_package() -> None:
    """One extension module with libpicket linked in: no libpicket.so next to it or
    needed by it, and no environment variable."""
    import picket._native as native

    path = Path(native.__file__)
    assert path.parent == Path(picket.__file__).parent
    assert not list(path.parent.glob("libpicket*"))
    assert "PICKET_LIB" not in os.environ
    if shutil.which("ldd"):
        needed = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
        assert "libpicket" not in needed


def test_import_works_from_any_directory_with_no_environment(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PICKET", "PYTHONPATH"))}
    result = subprocess.run(
        [sys.executable, "-c", "import picket; print(picket.library_version(), picket.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(picket.__version__ + " ")


def test_building_without_rust_says_what_to_install(tmp_path: Path) -> None:
    """`pip wheel` of the binding on a machine with no cargo fails with the message that
    names what to install."""
    if not (BINDING / "build_ffi.py").is_file():
        pytest.skip("the binding's sources are not at hand")
    source = tmp_path / "src"
    shutil.copytree(
        BINDING, source, ignore=shutil.ignore_patterns("build", "*.so", "__pycache__", "*.egg-info")
    )
    # The Rust sources where an sdist has them, so the build gets as far as cargo.
    rust = source / "rust"
    rust.mkdir()
    for item in ("picket-ffi", "include"):
        (rust / item).mkdir()
    shutil.copy(REPO / "picket-ffi" / "Cargo.toml", rust / "picket-ffi" / "Cargo.toml")
    shutil.copy(HEADER, rust / "include" / "picket.h")
    env = {
        "PATH": str(tmp_path / "empty-bin"),
        "HOME": str(tmp_path),
        "PIP_NO_INDEX": "1",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "out"),
            str(source),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "needs a Rust toolchain" in output and "rustup" in output, output[-3000:]
