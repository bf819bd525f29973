"""The ctypes declarations match include/picket.h: every function, every type, every code."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from ctypes import POINTER, c_bool, c_char_p, c_size_t, c_uint16, c_uint32, c_uint64, c_void_p
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from conftest import BINDING, HEADER, REPO

import picket
from picket import _api, _ffi


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


C_TYPES: Dict[str, Any] = {
    "void": None,
    "picket_result": c_uint32,
    "uint16_t": c_uint16,
    "uint32_t": c_uint32,
    "uint64_t": c_uint64,
    "size_t": c_size_t,
    "const char*": c_char_p,
    "const uint8_t*": c_char_p,
    "uint8_t*": c_void_p,
    "uint32_t*": POINTER(c_uint32),
    "uint64_t*": POINTER(c_uint64),
    "size_t*": POINTER(c_size_t),
    "bool*": POINTER(c_bool),
    "const struct picket_slice*": POINTER(_ffi.Slice),
    "struct picket_registry_builder*": c_void_p,
    "struct picket_registry*": c_void_p,
    "const struct picket_registry*": c_void_p,
    "struct picket_registry**": POINTER(c_void_p),
}


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


def test_every_header_function_is_declared_with_its_c_types() -> None:
    functions = header_functions()
    assert set(functions) == set(_ffi.PROTOTYPES), "PROTOTYPES differs from the header"
    for library in (_ffi.lib, _ffi.lib_gil):
        for name, (ret, params) in functions.items():
            function = getattr(library, name)
            assert function.argtypes is not None, f"{name} has no argtypes"
            assert list(function.argtypes) == [C_TYPES[p] for p in params], name
            assert function.restype is C_TYPES[ret], f"{name} restype"


def _address(function: Any) -> int:
    return ctypes.cast(function, c_void_p).value  # type: ignore[return-value]


def test_the_api_uses_the_declared_functions() -> None:
    """Every ctypes function object the API calls is a declared one, except the one
    documented fast path of Registry.authenticate, which is the same C function."""
    declared = {
        id(getattr(lib, name)) for lib in (_ffi.lib, _ffi.lib_gil) for name in _ffi.PROTOTYPES
    }
    used = {k: v for k, v in vars(_api).items() if isinstance(v, ctypes._CFuncPtr)}  # type: ignore[attr-defined]
    assert len(used) >= len(_ffi.PROTOTYPES) - 2
    undeclared = {k for k, v in used.items() if id(v) not in declared}
    assert undeclared == {"_registry_authenticate_fast"}
    fast = used["_registry_authenticate_fast"]
    assert _address(fast) == _address(_ffi.lib.picket_registry_authenticate)
    assert fast.restype is c_uint32 and fast.argtypes is None


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
    assert int(_define("PICKET_KEY_RANDOM_LEN")) == _api.KEY_RANDOM_LEN
    assert int(_define("PICKET_DIGEST_LEN")) == picket.DIGEST_LEN
    assert int(_define("PICKET_DIGEST_HEX_LEN")) == picket.DIGEST_HEX_LEN
    assert int(_define("PICKET_REDACTED_LEN")) == picket.REDACTED_LEN
    assert int(_define("PICKET_MAX_HEADER_LEN")) == picket.MAX_HEADER_LEN
    assert int(_define("PICKET_MAX_REDIRECT_URI_LEN")) == picket.MAX_REDIRECT_URI_LEN
    assert _define("PICKET_NO_EXPIRY") == "UINT64_MAX" and picket.NO_EXPIRY == 2**64 - 1
    assert int(_define("PICKET_OPTION_ACCEPT_BEARER")) == _api._OPTION_ACCEPT_BEARER
    assert (
        int(_define("PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES"))
        == _api._OPTION_ALLOW_PRIVATE_USE_SCHEMES
    )
    assert int(_define("PICKET_OPTION_LOOPBACK_ANY_PORT")) == _api._OPTION_LOOPBACK_ANY_PORT
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


def _import_in_subprocess(env: Dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import picket"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_picket_lib_that_is_missing_is_an_import_error(tmp_path: Path) -> None:
    env = dict(os.environ, PICKET_LIB=str(tmp_path / "nowhere.so"), PYTHONPATH=str(BINDING))
    result = _import_in_subprocess(env, tmp_path)
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "PICKET_LIB" in result.stderr and "nowhere.so" in result.stderr


def test_picket_lib_is_used(tmp_path: Path) -> None:
    copy = tmp_path / "libpicket-copy.so"
    shutil.copy(_ffi.library_path, copy)
    env = dict(os.environ, PICKET_LIB=str(copy), PYTHONPATH=str(BINDING))
    result = subprocess.run(
        [sys.executable, "-c", "from picket import _ffi; print(_ffi.library_path)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(copy)


def test_no_library_anywhere_names_both_ways(tmp_path: Path) -> None:
    # A copy of the package outside the repository has no build output next to it.
    shutil.copytree(BINDING / "picket", tmp_path / "a" / "b" / "c" / "picket")
    env = {k: v for k, v in os.environ.items() if k != "PICKET_LIB"}
    env["PYTHONPATH"] = str(tmp_path / "a" / "b" / "c")
    result = _import_in_subprocess(env, tmp_path)
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "PICKET_LIB" in result.stderr
    assert "target/release/libpicket.so" in result.stderr
    assert "cargo build --release -p picket-ffi" in result.stderr


def test_default_library_is_the_repository_build() -> None:
    if "PICKET_LIB" in os.environ:
        pytest.skip("PICKET_LIB is set")
    assert _ffi.library_path in (
        REPO / "target" / "release" / "libpicket.so",
        REPO / "target" / "debug" / "libpicket.so",
    )
