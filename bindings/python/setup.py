"""Builds picket with libpicket inside: see build_ffi.py. Metadata is in pyproject.toml.

``build_ext`` first runs cargo (``build_ffi.cargo_build``), then cffi compiles
``picket._native`` and links ``libpicket.a`` into it. ``sdist`` copies the Rust sources the
build needs into ``rust/`` of the archive, so that an sdist builds on its own.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_ffi  # noqa: E402

# What an sdist carries in rust/: the two crates libpicket is made of, the two unpublished
# crates their tests depend on (cargo reads every path dependency's manifest, dev ones too),
# the header, and the workspace's manifest (its members cut to those) and lock file.
RUST_CRATES = ("picket-core", "picket-ffi", "test-support", "codegen")
RUST_ITEMS = (*RUST_CRATES, "include", "Cargo.lock")
IGNORED = shutil.ignore_patterns("target", "*.rs.bk", ".git*")


class CargoBuildExt(build_ext):
    """Compiles libpicket with cargo before the extension that links it.

    The in-tree ``build/`` outlives a checkout: setuptools would skip an extension whose
    object there is newer than its ``.c`` file although the header or the library changed,
    and would ship every extension file an older build left (an ``_speedups`` of an older
    checkout, whose version-specific name CPython prefers over ``.abi3.so``). So every
    build starts with no extension in ``build/`` and compiles both (``force``: about a
    second); cargo rebuilds only what changed."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.force = True

    def run(self) -> None:
        for stale in Path(self.build_lib, "picket").glob("*.so"):
            stale.unlink()
        build_ffi.cargo_build(build_ffi.rust_root())
        super().run()


class SdistWithRust(sdist):
    """Puts the Rust sources into ``rust/`` of the sdist."""

    def make_release_tree(self, base_dir: str, files: list) -> None:  # type: ignore[type-arg]
        super().make_release_tree(base_dir, files)
        root = build_ffi.rust_root()
        dest = Path(base_dir) / "rust"
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir()
        for item in RUST_ITEMS:
            source = root / item
            if source.is_dir():
                shutil.copytree(source, dest / item, ignore=IGNORED)
            else:
                shutil.copy2(source, dest / item)
        manifest = (root / "Cargo.toml").read_text(encoding="utf-8")
        manifest, count = re.subn(
            r"(?m)^members\s*=\s*\[[^\]]*\]",
            "members = [" + ", ".join(f'"{c}"' for c in RUST_CRATES) + "]",
            manifest,
        )
        if count != 1:
            raise RuntimeError("picket: cannot find `members` in the workspace Cargo.toml")
        manifest = re.sub(r"(?m)^exclude\s*=\s*\[[^\]]*\]\n", "", manifest)
        (dest / "Cargo.toml").write_text(manifest, encoding="utf-8")


# The C hot path of Registry.authenticate. It does not link libpicket: it calls the
# library through the function pointer picket._native hands it (one copy of the library).
# Both extensions are built on the limited API of CPython 3.9 (build_ffi.LIMITED_API), so
# the wheel is one abi3 wheel for every CPython from 3.9 on (cp39-abi3).
speedups = Extension(
    "picket._speedups",
    sources=["picket/_speedups.c"],
    include_dirs=[str(build_ffi.rust_root() / "include")],
    extra_compile_args=["-O2"] if sys.platform != "win32" else [],
    define_macros=[("Py_LIMITED_API", build_ffi.LIMITED_API)],
    py_limited_api=True,
)

setup(
    cmdclass={"build_ext": CargoBuildExt, "sdist": SdistWithRust},
    cffi_modules=["build_ffi.py:ffibuilder"],
    ext_modules=[speedups],
    options={"bdist_wheel": {"py_limited_api": build_ffi.ABI3_TAG}},
)
