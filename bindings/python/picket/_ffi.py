"""Loading ``libpicket`` and declaring its C functions (``include/picket.h``) for ctypes.

This module is private: the public API is in :mod:`picket`. It finds the library, declares
``argtypes`` and ``restype`` for every function the header declares (:data:`PROTOTYPES`),
and holds the result codes (:class:`Code`).

The library is looked up, in order:

1. the path in the ``PICKET_LIB`` environment variable (an error if that file is missing);
2. ``target/release/libpicket.so`` of the repository this package sits in (the output of
   ``cargo build --release -p picket-ffi``);
3. ``target/debug/libpicket.so`` of the same repository.
"""

from __future__ import annotations

import ctypes
import enum
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


class Code(enum.IntEnum):
    """Every value of ``picket_result`` (``PICKET_RESULT_<NAME>`` in the header).

    0 is success; 1-99 are conditions of the C ABI itself; 100-199 a malformed key; 200-299
    a malformed hex digest; 300-399 a malformed ``Authorization`` header; 400-499 a redirect
    URI that cannot be registered; 500-519 a failed authentication; 520-539 a refused OAuth
    authorize request; 600-699 a registry that cannot be built; 700-799 a failed PKCE check.
    """

    OK = 0
    PANIC = 1
    NULL_PARAMETER = 2
    BUFFER_TOO_SMALL = 3
    INVALID_PARAMETER = 4
    RANDOM_UNAVAILABLE = 5
    KEY_MISMATCH = 6
    INTERNAL_ERROR = 7
    KEY_EMPTY = 100
    KEY_UNKNOWN_PREFIX = 101
    KEY_WRONG_LENGTH = 102
    KEY_NON_HEX = 103
    KEY_SURROUNDING_WHITESPACE = 104
    KEY_UPPERCASE = 105
    DIGEST_WRONG_LENGTH = 200
    DIGEST_INVALID_CHARACTER = 201
    HEADER_MISSING = 300
    HEADER_TOO_LONG = 301
    HEADER_CONTROL_CHARACTER = 302
    HEADER_NON_ASCII = 303
    HEADER_UNSUPPORTED_SCHEME = 304
    HEADER_BEARER_NOT_ENABLED = 305
    HEADER_TAB_SEPARATOR = 306
    HEADER_MISSING_CREDENTIALS = 307
    HEADER_INVALID_BASE64 = 308
    HEADER_CREDENTIALS_TOO_LONG = 309
    HEADER_EMPTY_KEY = 310
    HEADER_KEY_IN_PASSWORD = 311
    HEADER_NON_EMPTY_PASSWORD = 312
    REDIRECT_EMPTY = 400
    REDIRECT_TOO_LONG = 401
    REDIRECT_NON_PRINTABLE = 402
    REDIRECT_UNSAFE_CHARACTER = 403
    REDIRECT_FRAGMENT = 404
    REDIRECT_WILDCARD = 405
    REDIRECT_BAD_PERCENT_ENCODING = 406
    REDIRECT_MISSING_SCHEME = 407
    REDIRECT_DISALLOWED_SCHEME = 408
    REDIRECT_MISSING_AUTHORITY = 409
    REDIRECT_USERINFO = 410
    REDIRECT_EMPTY_HOST = 411
    REDIRECT_INVALID_PORT = 412
    REDIRECT_INVALID_URL = 413
    REDIRECT_INSECURE_SCHEME = 414
    REDIRECT_LOOPBACK_IN_PRODUCTION = 415
    AUTH_UNKNOWN_KEY = 500
    AUTH_EXPIRED = 501
    AUTH_WRONG_KIND = 502
    AUTH_KIND_MISMATCH = 503
    AUTHORIZE_SECRET_KEY_EXPOSED = 521
    AUTHORIZE_UNKNOWN_CLIENT = 522
    AUTHORIZE_EXPIRED = 523
    AUTHORIZE_REDIRECT_NOT_REGISTERED = 524
    BUILD_UNKNOWN_PROJECT = 600
    BUILD_DUPLICATE_PROJECT = 601
    BUILD_DUPLICATE_KEY = 602
    BUILD_TOO_MANY_KEYS = 603
    PKCE_PLAIN_REFUSED = 700
    PKCE_UNSUPPORTED_METHOD = 701
    PKCE_VERIFIER_LENGTH = 702
    PKCE_VERIFIER_CHARACTER = 703
    PKCE_CHALLENGE_LENGTH = 704
    PKCE_CHALLENGE_CHARACTER = 705
    PKCE_CHALLENGE_NOT_CANONICAL = 706
    PKCE_MISMATCH = 707


def version() -> Optional[str]:
    """The library's version string (``picket_version()``), or None after a caught panic."""
    raw = lib.picket_version()
    return None if raw is None else raw.decode("ascii")
