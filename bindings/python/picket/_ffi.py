"""Loading ``libpicket`` and declaring its C functions (``include/picket.h``) for ctypes.

This module is private: the public API is in :mod:`picket`. It finds the library, declares
``argtypes`` and ``restype`` for every function the header declares (:data:`PROTOTYPES`),
and re-exports the result codes (:class:`Code`, generated in :mod:`picket._codes`).

The library is looked up, in order:

1. the path in the ``PICKET_LIB`` environment variable (an error if that file is missing);
2. ``target/release/libpicket.so`` of the repository this package sits in (the output of
   ``cargo build --release -p picket-ffi``);
3. ``target/debug/libpicket.so`` of the same repository.
"""

from __future__ import annotations

import ctypes
import os
import sys
from ctypes import (
    POINTER,
    Structure,
    c_bool,
    c_char_p,
    c_size_t,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ._codes import Code

__all__ = [
    "Code",
    "PROTOTYPES",
    "Slice",
    "lib",
    "lib_gil",
    "library_path",
]

#: The repository root when this file is ``<repo>/bindings/python/picket/_ffi.py`` (an
#: installed copy elsewhere has no build output next to it and needs ``PICKET_LIB``).
_HERE = Path(__file__).resolve()
REPO_ROOT = _HERE.parents[3] if len(_HERE.parents) > 3 else _HERE.parent


def _library_name() -> str:
    if sys.platform == "darwin":
        return "libpicket.dylib"
    if sys.platform == "win32":
        return "picket.dll"
    return "libpicket.so"


def _candidates() -> List[Path]:
    name = _library_name()
    return [REPO_ROOT / "target" / profile / name for profile in ("release", "debug")]


def _find_library() -> Path:
    explicit = os.environ.get("PICKET_LIB")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ImportError(
                f"picket: PICKET_LIB is set to {explicit!r}, which is not a file. Point it at "
                f"libpicket, or unset it to use the build output "
                f"{_candidates()[0]} (cargo build --release -p picket-ffi)."
            )
        return path
    for path in _candidates():
        if path.is_file():
            return path
    raise ImportError(
        "picket: the C library libpicket was not found. Build it with "
        "`cargo build --release -p picket-ffi` (it is then found at "
        f"{_candidates()[0]}), or set the PICKET_LIB environment variable to its path."
    )


#: The path of the loaded library.
library_path: Path = _find_library()

try:
    #: The library, for calls that release the GIL while they run (``ctypes.CDLL``).
    lib = ctypes.CDLL(str(library_path))
    #: The same library, for calls that keep the GIL (``ctypes.PyDLL``): used on the hot
    #: path (``Registry.authenticate``), where a call lasts well under a microsecond and
    #: releasing and re-acquiring the GIL would cost more than the call itself.
    lib_gil = ctypes.PyDLL(str(library_path))
except OSError as exc:  # pragma: no cover - depends on the file found
    raise ImportError(
        f"picket: cannot load {library_path}: {exc}. Rebuild it with "
        "`cargo build --release -p picket-ffi`, or set PICKET_LIB to a working libpicket."
    ) from exc


class Slice(Structure):
    """``struct picket_slice``: a borrowed byte string (``data``, ``len``)."""

    _fields_ = [("data", c_char_p), ("len", c_size_t)]


# Argument types. Inputs (`const uint8_t *`) are declared `c_char_p`: a Python `bytes` is
# then passed as a pointer to its own buffer, without a copy. The length always travels
# with it, so a NUL byte inside is data (the library never looks for a terminator).
_IN = c_char_p
# Output buffers (`uint8_t *`): ctypes character arrays (`create_string_buffer`).
_OUT = c_void_p
_SIZE_P = POINTER(c_size_t)
_U32_P = POINTER(c_uint32)
_U64_P = POINTER(c_uint64)
# Opaque handles (`struct picket_registry *`, `struct picket_registry_builder *`).
_HANDLE = c_void_p

#: Every function of ``include/picket.h``: name -> (restype, argtypes). A test parses the
#: header and checks that this table has every function, with the C types it declares.
PROTOTYPES: Dict[str, Tuple[Any, List[Any]]] = {
    "picket_version": (c_char_p, []),
    "picket_authorization_parse": (
        c_uint32,
        [_IN, c_size_t, c_uint32, _U32_P, _OUT, c_size_t, _SIZE_P],
    ),
    "picket_auth_http_status": (c_uint16, [c_uint32]),
    "picket_www_authenticate": (c_uint32, [c_uint32, _OUT, c_size_t, _SIZE_P]),
    "picket_key_parse": (c_uint32, [_IN, c_size_t, _U32_P]),
    "picket_key_format": (c_uint32, [c_uint32, _IN, _OUT, c_size_t, _SIZE_P]),
    "picket_key_generate": (c_uint32, [c_uint32, _OUT, c_size_t, _SIZE_P]),
    "picket_key_digest": (c_uint32, [_IN, c_size_t, _OUT]),
    "picket_key_digest_hex": (c_uint32, [_IN, c_size_t, _OUT, c_size_t, _SIZE_P]),
    "picket_digest_from_hex": (c_uint32, [_IN, c_size_t, _OUT]),
    "picket_key_verify": (c_uint32, [_IN, c_size_t, _IN]),
    "picket_key_verify_any": (c_uint32, [_IN, c_size_t, _IN, c_size_t, _SIZE_P]),
    "picket_key_redacted": (c_uint32, [_IN, c_size_t, _OUT, c_size_t, _SIZE_P]),
    "picket_redact": (c_uint32, [_IN, c_size_t, _OUT, c_size_t, _SIZE_P]),
    "picket_pkce_verify": (c_uint32, [_IN, c_size_t, _IN, c_size_t, _IN, c_size_t]),
    "picket_redirect_validate": (c_uint32, [_IN, c_size_t, c_uint32, c_uint32]),
    "picket_redirect_match": (
        c_uint32,
        [POINTER(Slice), c_size_t, _IN, c_size_t, c_uint32, c_uint32, POINTER(c_bool)],
    ),
    "picket_registry_builder_new": (_HANDLE, []),
    "picket_registry_builder_free": (None, [_HANDLE]),
    "picket_registry_builder_set_options": (c_uint32, [_HANDLE, c_uint32]),
    "picket_registry_builder_add_project": (c_uint32, [_HANDLE, c_uint64, c_uint32, c_uint32]),
    "picket_registry_builder_add_redirect_uri": (c_uint32, [_HANDLE, c_uint64, _IN, c_size_t]),
    "picket_registry_builder_add_key": (
        c_uint32,
        [_HANDLE, _IN, c_uint64, c_uint32, c_uint64],
    ),
    "picket_registry_builder_build": (c_uint32, [_HANDLE, POINTER(_HANDLE)]),
    "picket_registry_free": (None, [_HANDLE]),
    "picket_registry_authenticate": (
        c_uint32,
        [_HANDLE, _IN, c_size_t, c_uint64, c_uint32, _U64_P, _U32_P],
    ),
    "picket_registry_authorize_redirect": (
        c_uint32,
        [_HANDLE, _IN, c_size_t, _IN, c_size_t, c_uint64, _U64_P],
    ),
    "picket_result_text": (c_uint32, [c_uint32, _OUT, c_size_t, _SIZE_P]),
    "picket_last_error_message": (c_uint32, [_OUT, c_size_t, _SIZE_P]),
}


def _declare(library: ctypes.CDLL) -> None:
    for name, (restype, argtypes) in PROTOTYPES.items():
        try:
            function = getattr(library, name)
        except AttributeError as exc:
            raise ImportError(
                f"picket: {library_path} has no function {name}: it is older than this "
                "binding. Rebuild it with `cargo build --release -p picket-ffi`."
            ) from exc
        function.restype = restype
        function.argtypes = argtypes


_declare(lib)
_declare(lib_gil)


def version() -> Optional[str]:
    """The library's version string (``picket_version()``), or None after a caught panic."""
    raw = lib.picket_version()
    return None if raw is None else raw.decode("ascii")
