"""The compiled module ``picket._native`` (cffi, API mode, over ``include/picket.h``, with
``libpicket`` linked in), and the one place that imports it.

This module is private: the public API is in :mod:`picket`. ``ffi`` and ``lib`` are cffi's
objects; every ``picket_*`` function of the header is ``lib.picket_*``. A call releases the
GIL while the library runs, so calls from several threads run in parallel; the owners of
handles (:mod:`picket._registry`) make each handle's use exclusive with its free.
"""

from __future__ import annotations

from typing import Any, Optional

try:
    from ._native import ffi as _cffi_ffi
    from ._native import lib as _cffi_lib
except ImportError as exc:  # pragma: no cover - depends on how the package was made
    raise ImportError(
        "picket: the compiled module picket._native is missing or cannot load "
        f"({exc}). This copy of picket was not built: install it with "
        "`pip install ./bindings/python` (from the repository; it needs cargo), or "
        "`pip install picket-*.whl`."
    ) from exc

__all__ = ["ffi", "lib", "version", "NULL"]

#: cffi's FFI object of ``picket._native``.
ffi: Any = _cffi_ffi
#: Every function and integer constant of ``include/picket.h``.
lib: Any = _cffi_lib
#: ``NULL``.
NULL: Any = _cffi_ffi.NULL


def version() -> Optional[str]:
    """The library's version string (``picket_version()``), or None after a caught panic."""
    raw = lib.picket_version()
    if raw == NULL:
        return None
    return str(ffi.string(raw).decode("ascii"))
