"""Conversions between Python values and the C ABI's, the constants and enums of the
header, and the exceptions of failed calls. Private: see :mod:`picket`."""

from __future__ import annotations

import enum
import math
from typing import Any, Callable, Optional, Tuple, Type, Union

from ._codes import Code
from ._ffi import ffi, lib
from ._ffi import version as _ffi_version
from .errors import PicketError, error_for

#: ``expires_at`` of a key that never expires (``PICKET_NO_EXPIRY``, ``UINT64_MAX``).
NO_EXPIRY: int = 2**64 - 1
#: Length in bytes of a key's text.
KEY_LEN: int = 35
#: Number of random bytes a key encodes (the input of :func:`format_key`).
KEY_RANDOM_LEN: int = 16
#: Length in bytes of a digest (SHA-256).
DIGEST_LEN: int = 32
#: Length of a digest's lowercase hex form.
DIGEST_HEX_LEN: int = 64
#: Length in UTF-8 bytes of a redacted key (``sk_…9e24``; ``…`` is 3 bytes).
REDACTED_LEN: int = 10
#: Longest ``Authorization`` value accepted, in bytes.
MAX_HEADER_LEN: int = 8192
#: Longest redirect URI accepted for registration, in bytes.
MAX_REDIRECT_URI_LEN: int = 2048

_U64_MAX = 2**64 - 1
_OPTION_ACCEPT_BEARER = 1
_OPTION_ALLOW_PRIVATE_USE_SCHEMES = 2
_OPTION_LOOPBACK_ANY_PORT = 4

Text = Union[str, bytes, bytearray, memoryview]


class KeyKind(enum.IntEnum):
    """The two kinds of API key (``picket_key_kind``). ``str()`` gives the lowercase name."""

    #: ``pk_``: used client-side, by a browser SDK; safe to expose.
    PUBLISHABLE = 1
    #: ``sk_``: used server-side only; must be kept secret.
    SECRET = 2

    def __str__(self) -> str:
        return self.name.lower()


class Mode(enum.IntEnum):
    """Whether a project is in development or production (``picket_mode``)."""

    #: ``http://localhost``, ``http://127.0.0.1`` and ``http://[::1]`` redirect URIs allowed.
    DEVELOPMENT = 1
    #: https only, and no loopback host.
    PRODUCTION = 2

    def __str__(self) -> str:
        return self.name.lower()


class Requirement(enum.IntEnum):
    """Which kinds of key an endpoint accepts (``picket_requirement``)."""

    #: Client-side endpoints: publishable keys only.
    PUBLISHABLE = 1
    #: Server-side endpoints: secret keys only.
    SECRET = 2
    #: Either kind.
    ANY = 3

    def __str__(self) -> str:
        return self.name.lower()


def _utf8(value: Text, what: str) -> bytes:
    """Input bytes: ``bytes`` as they are, ``str`` as UTF-8, other buffers copied."""
    if value.__class__ is bytes:
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


def _header_bytes(value: Text) -> bytes:
    """An ``Authorization`` value: a ``str`` is taken as the ISO-8859-1 decoding of the
    bytes received (as WSGI, ``http.server`` and ``http.client`` give header values), so
    each character is one byte; a value with characters above U+00FF is sent as UTF-8."""
    if value.__class__ is bytes:
        return value
    if isinstance(value, str):
        try:
            return value.encode("latin-1")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogatepass")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"header must be str or bytes, not {type(value).__name__}")


def _u64(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not 0 <= value <= _U64_MAX:
        raise ValueError(f"{what} must be from 0 to 2**64-1, not {value}")
    return value


def _seconds(value: Union[int, float], what: str) -> int:
    """Unix seconds as the library takes them: an int, or a float rounded down."""
    if value.__class__ is int and 0 <= value <= _U64_MAX:
        return value
    if not isinstance(value, (int, float)):
        raise TypeError(
            f"{what} must be an int or a float (unix seconds), not {type(value).__name__}"
        )
    if isinstance(value, float):
        if math.isnan(value):
            raise ValueError(f"{what} is NaN")
        if math.isinf(value):
            raise ValueError(f"{what} is infinite")
        value = math.floor(value)
    if not 0 <= value <= _U64_MAX:
        raise ValueError(f"{what} must be from 0 to 2**64-1 (unix seconds), not {value}")
    return int(value)


def _enum(value: Any, cls: Type[enum.IntEnum], what: str) -> int:
    try:
        return int(cls(value))
    except (ValueError, TypeError):
        allowed = ", ".join(f"{cls.__name__}.{m.name}" for m in cls)
        raise ValueError(f"{what} must be one of {allowed}, not {value!r}") from None


_last_error_message = lib.picket_last_error_message
_result_text = lib.picket_result_text


def _read_string(call: Callable[..., int], *head: Any, size: int = 256) -> Tuple[int, bytes]:
    """Calls a function that writes into ``(buf, len, out_len)`` after ``head`` arguments,
    growing the buffer once when the library says it is too small."""
    out_len = ffi.new("size_t *")
    buf = ffi.new("uint8_t[]", max(size, 1))
    code = call(*head, buf, size, out_len)
    if code == Code.BUFFER_TOO_SMALL:
        size = out_len[0]
        buf = ffi.new("uint8_t[]", max(size, 1))
        code = call(*head, buf, size, out_len)
    return code, bytes(ffi.buffer(buf, out_len[0])) if code == Code.OK else b""


def _message(code: int) -> str:
    """The detailed message of the failure that just happened on this thread (falls back
    on the code's static text)."""
    status, raw = _read_string(_last_error_message)
    if status == Code.OK and raw:
        return raw.decode("utf-8", "replace")
    return result_text(code)


def _error(code: int, area: Optional[Type[PicketError]] = None) -> PicketError:
    """The exception for a failed call; read the thread's message first thing."""
    return error_for(code, _message(code), area)


def result_text(code: int) -> str:
    """The static text of a result code (``picket_result_text``), e.g.
    ``result_text(Code.KEY_EMPTY) == "api key is empty"``.

    Raises:
        ValueError: ``code`` is not a ``picket_result`` value.
    """
    status, raw = _read_string(_result_text, _u32(code, "code"))
    if status != Code.OK:
        raise ValueError(f"{code} is not a picket result code")
    return raw.decode("utf-8")


def _u32(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not 0 <= value <= 0xFFFFFFFF:
        raise ValueError(f"{what} must be from 0 to 2**32-1, not {value}")
    return value


def library_version() -> str:
    """The version of the loaded ``libpicket`` (``picket_version()``), e.g. ``"0.1.0"``."""
    version = _ffi_version()
    if version is None:  # pragma: no cover - only after a caught panic
        raise PicketError(Code.PANIC, "picket_version returned NULL")
    return version
