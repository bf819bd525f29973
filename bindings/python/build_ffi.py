"""Build script of ``picket._native``: cffi in API mode over ``include/picket.h``, with
``libpicket.a`` (the Rust crate ``picket-ffi``, built here by cargo) linked statically into
the one extension module. Nothing else is shipped: the wheel needs no ``libpicket.so`` and
no environment variable.

setuptools runs it (``cffi_modules`` in ``setup.py``). The Rust sources are found:

1. in ``rust/`` next to this file: an sdist carries them there (``setup.py`` copies the
   crates ``picket-core`` and ``picket-ffi``, the header, ``Cargo.toml`` and
   ``Cargo.lock``);
2. else in the repository this file sits in (``../..``): a build from a checkout.

cargo's output goes to ``$CARGO_TARGET_DIR`` when set, else ``target/`` of that root.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

from cffi import FFI

HERE = Path(__file__).resolve().parent

#: The oldest CPython the extensions' limited API targets (Py_LIMITED_API), and the wheel's
#: tag for it: one cp39-abi3 wheel runs on every CPython from 3.9 on.
LIMITED_API = "0x03090000"
ABI3_TAG = "cp39"

RUST_MISSING = (
    "picket: building this package needs a Rust toolchain (cargo, Rust 1.82 or newer) to "
    "compile libpicket from its sources. Install it with rustup (https://rustup.rs) or your "
    "system's package manager (Debian: apt-get install cargo), check that `cargo --version` "
    "works in this shell, then run the install again. Or install a prebuilt picket wheel."
)


def rust_root() -> Path:
    """The directory that holds ``Cargo.toml``, ``picket-ffi/`` and ``include/picket.h``."""
    for root in (HERE / "rust", HERE.parent.parent):
        if (root / "picket-ffi" / "Cargo.toml").is_file() and (
            root / "include" / "picket.h"
        ).is_file():
            return root
    raise RuntimeError(
        "picket: the Rust sources of libpicket are missing: expected rust/ next to "
        f"{HERE / 'setup.py'} (an sdist) or the picket repository around it."
    )


def target_dir(root: Path) -> Path:
    explicit = os.environ.get("CARGO_TARGET_DIR")
    if explicit:
        path = Path(explicit)
        return path if path.is_absolute() else root / path
    return root / "target"


def static_library(root: Path) -> Path:
    return target_dir(root) / "release" / "libpicket.a"


def cargo_build(root: Path) -> Path:
    """Runs ``cargo build --release -p picket-ffi`` and returns ``libpicket.a``; with
    ``PICKET_STATIC_LIB`` set (a prebuilt ``libpicket.a``, e.g. the AddressSanitizer build
    of ``asan.sh``), returns that instead."""
    prebuilt = os.environ.get("PICKET_STATIC_LIB")
    if prebuilt:
        if not Path(prebuilt).is_file():
            raise RuntimeError(f"picket: PICKET_STATIC_LIB={prebuilt} is not a file")
        return Path(prebuilt)
    cargo = os.environ.get("CARGO") or shutil.which("cargo")
    if not cargo:
        home_cargo = Path.home() / ".cargo" / "bin" / "cargo"
        cargo = str(home_cargo) if home_cargo.is_file() else None
    if not cargo:
        raise RuntimeError(RUST_MISSING)
    command = [cargo, "build", "--release", "-p", "picket-ffi"]
    print("picket: " + " ".join(command) + f"  (in {root})", file=sys.stderr)
    try:
        subprocess.run(command, cwd=root, check=True, env={**os.environ})
    except FileNotFoundError:
        raise RuntimeError(RUST_MISSING) from None
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"picket: cargo failed (exit {exc.returncode}); see above") from exc
    library = static_library(root)
    if not library.is_file():
        raise RuntimeError(f"picket: cargo succeeded but {library} is missing")
    return library


def cdef(header: str) -> str:
    """The declarations cffi needs, taken from the header itself: every ``picket_*``
    function prototype and every integer ``#define``. The enum types are ``uint32_t`` in C
    (the header's own typedefs), and the handles stay opaque. cffi compiles a call to each
    declared function against the real header, so a prototype that disagreed with it would
    fail the build."""
    text = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    lines: List[str] = [
        "typedef uint32_t picket_result;",
        "typedef uint32_t picket_key_kind;",
        "typedef uint32_t picket_mode;",
        "typedef uint32_t picket_requirement;",
        "struct picket_registry;",
        "struct picket_registry_builder;",
        "struct picket_slice { const uint8_t *data; size_t len; ...; };",
    ]
    for name, value in re.findall(r"^#define\s+(PICKET_\w+)\s+(\S+)\s*$", text, flags=re.M):
        if not value.startswith('"'):
            lines.append(f"#define {name} ...")
    pattern = re.compile(r"^([A-Za-z_][\w \t\*]*?\bpicket_\w+\s*\([^;{}]*?\)\s*;)", re.S | re.M)
    found = pattern.findall(text)
    if len(found) < 20:
        raise RuntimeError(f"picket: found only {len(found)} functions in picket.h")
    lines.extend(" ".join(f.split()) for f in found)
    return "\n".join(lines) + "\n"


def native_libraries() -> List[str]:
    """What a Rust static library needs from the system (``cargo rustc --print
    native-static-libs`` on each platform)."""
    if sys.platform == "darwin":
        return ["System", "c", "m"]
    if sys.platform.startswith("linux"):
        return ["gcc_s", "util", "rt", "pthread", "m", "dl", "c"]
    return []


def make_ffi(build: bool) -> FFI:
    root = rust_root()
    header = (root / "include" / "picket.h").read_text(encoding="utf-8")
    prebuilt = os.environ.get("PICKET_STATIC_LIB")
    library = cargo_build(root) if build else Path(prebuilt) if prebuilt else static_library(root)
    link_args: List[str] = []
    if sys.platform.startswith("linux"):
        # Keep the Rust symbols of libpicket.a private to this module (native.map exports
        # PyInit__native only): another extension that links its own Rust code never binds
        # to these. A version script, which GNU ld, lld and zig cc all take.
        link_args = [
            f"-Wl,--version-script={HERE / 'native.map'}",
            "-Wl,--gc-sections",
            "-Wl,--strip-debug",
        ]
    ffi = FFI()
    ffi.cdef(cdef(header))
    ffi.set_source(
        "picket._native",
        '#include "picket.h"\n',
        include_dirs=[str(root / "include")],
        extra_objects=[str(library)],
        libraries=native_libraries(),
        extra_link_args=link_args,
        define_macros=[("Py_LIMITED_API", LIMITED_API)],
        py_limited_api=True,
        # Not every compiler setuptools may be given (zig cc, for the release) gets the
        # build Python's optimisation flags: say it here, as setup.py does for _speedups.
        extra_compile_args=["-O2"] if sys.platform != "win32" else [],
    )
    return ffi


# setuptools (cffi_modules) imports this module for every command and uses `ffibuilder`;
# cargo runs only when the extension is built (setup.py's build_ext), not for an sdist.
ffibuilder = make_ffi(build=False)

if __name__ == "__main__":
    make_ffi(build=True).compile(tmpdir=str(HERE), verbose=True)
