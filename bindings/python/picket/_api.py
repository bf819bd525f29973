"""The Python API over the C ABI. Re-exported by :mod:`picket`; see its documentation."""

from __future__ import annotations

import enum
import hmac
import math
import threading
from ctypes import (
    byref,
    c_bool,
    c_size_t,
    c_uint32,
    c_uint64,
    c_void_p,
    create_string_buffer,
)
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    NamedTuple,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)

from . import _ffi
from ._ffi import Code, Slice
from .errors import (
    AuthError,
    AuthorizeError,
    DigestError,
    HeaderError,
    InvalidKeyError,
    PicketError,
    PkceError,
    RedirectError,
    error_class,
    error_for,
)

__all__ = [
    "KeyKind",
    "Mode",
    "Requirement",
    "Key",
    "Auth",
    "RegistryBuilder",
    "Registry",
    "NO_EXPIRY",
    "KEY_LEN",
    "DIGEST_LEN",
    "DIGEST_HEX_LEN",
    "REDACTED_LEN",
    "MAX_HEADER_LEN",
    "MAX_REDIRECT_URI_LEN",
    "parse_key",
    "format_key",
    "generate_key",
    "digest",
    "digest_hex",
    "digest_from_hex",
    "verify",
    "verify_any",
    "redacted",
    "parse_authorization",
    "http_status",
    "www_authenticate",
    "validate_redirect_uri",
    "match_redirect_uri",
    "verify_pkce",
    "redact",
    "result_text",
    "library_version",
]

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


# --------------------------------------------------------------------------------------
# Conversions and errors
# --------------------------------------------------------------------------------------


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


_last_error_message = _ffi.lib.picket_last_error_message
_result_text = _ffi.lib.picket_result_text


def _read_string(call: Callable[..., int], *head: Any, size: int = 256) -> Tuple[int, bytes]:
    """Calls a function that writes into ``(buf, len, out_len)`` after ``head`` arguments,
    growing the buffer once when the library says it is too small."""
    out_len = c_size_t(0)
    buf = create_string_buffer(size)
    code = call(*head, buf, size, byref(out_len))
    if code == Code.BUFFER_TOO_SMALL:
        size = out_len.value
        buf = create_string_buffer(size)
        code = call(*head, buf, size, byref(out_len))
    return code, buf.raw[: out_len.value] if code == Code.OK else b""


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
    version = _ffi.version()
    if version is None:  # pragma: no cover - only after a caught panic
        raise PicketError(Code.PANIC, "picket_version returned NULL")
    return version


# --------------------------------------------------------------------------------------
# Keys and digests
# --------------------------------------------------------------------------------------

_key_parse = _ffi.lib.picket_key_parse
_key_format = _ffi.lib.picket_key_format
_key_generate = _ffi.lib.picket_key_generate
_key_digest = _ffi.lib.picket_key_digest
_key_digest_hex = _ffi.lib.picket_key_digest_hex
_digest_from_hex = _ffi.lib.picket_digest_from_hex
_key_verify = _ffi.lib.picket_key_verify
_key_verify_any = _ffi.lib.picket_key_verify_any
_key_redacted = _ffi.lib.picket_key_redacted


class Key:
    """A well-formed API key: its :attr:`kind` and its 35-byte text.

    ``Key(text)`` parses ``text`` (``str`` or ``bytes``) exactly as :func:`parse_key` does.
    A secret key never shows in ``str()`` or ``repr()``: ``Key(sk_…9e24)``. A publishable
    key prints in full, as the Rust core does. :meth:`expose` gives the full text, for
    handing a newly issued key to its owner. Keys compare in constant time.

    Python cannot wipe memory reliably, so unlike the Rust core the text is not zeroized
    when the key is dropped.
    """

    __slots__ = ("_text", "_kind", "_digest")

    _text: bytes
    _kind: KeyKind
    _digest: Optional[bytes]

    def __init__(self, text: Text) -> None:
        raw = _utf8(text, "key")
        kind = c_uint32(0)
        code = _key_parse(raw, len(raw), byref(kind))
        if code != Code.OK:
            raise _error(code, InvalidKeyError)
        self._text = raw
        self._kind = KeyKind(kind.value)
        self._digest = None

    @property
    def kind(self) -> KeyKind:
        """:attr:`KeyKind.PUBLISHABLE` (``pk_``) or :attr:`KeyKind.SECRET` (``sk_``)."""
        return self._kind

    @property
    def is_secret(self) -> bool:
        """Whether this is a secret (``sk_``) key."""
        return self._kind is KeyKind.SECRET

    def expose(self) -> str:
        """The full text of the key. For a secret key this is the secret itself: only hand
        it to its owner, never to a log."""
        return self._text.decode("ascii")

    def expose_bytes(self) -> bytes:
        """The full text of the key as bytes. See :meth:`expose`."""
        return self._text

    def redacted(self) -> str:
        """The form of the key that is safe to log: ``sk_…9e24`` (prefix, ``…``, the last
        4 digits). Every key redacts the same way."""
        return redacted(self._text)

    def digest(self) -> bytes:
        """The 32-byte SHA-256 digest of the key: what a database stores."""
        if self._digest is None:
            self._digest = digest(self._text)
        return self._digest

    def digest_hex(self) -> str:
        """The digest as 64 lowercase hex digits (for a text column)."""
        return digest_hex(self._text)

    def verify(self, stored: bytes) -> bool:
        """Whether ``stored`` (32 bytes) is this key's digest; constant-time compare."""
        return verify(self._text, stored)

    def __str__(self) -> str:
        if self._kind is KeyKind.SECRET:
            return self.redacted()
        return self._text.decode("ascii")

    def __repr__(self) -> str:
        return f"Key({self})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Key):
            return NotImplemented
        return hmac.compare_digest(self._text, other._text)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self.digest())


def parse_key(text: Text) -> Key:
    """Parses and classifies an API key: ``pk_`` or ``sk_`` and exactly 32 lowercase hex
    digits, with nothing around it (no trimming, no case folding).

    Raises:
        InvalidKeyError: naming the first rule broken (codes 100-105).
    """
    return Key(text)


def _new_key(text: bytes) -> Key:
    return Key(text)


def format_key(kind: KeyKind, random16: bytes) -> Key:
    """A key of ``kind`` formatted from 16 random bytes that the caller drew from a CSPRNG
    (``secrets.token_bytes(16)``). Use :func:`generate_key` to let the library draw them.

    Raises:
        ValueError: ``random16`` is not 16 bytes, or ``kind`` is not a :class:`KeyKind`.
    """
    kind_value = _enum(kind, KeyKind, "kind")
    raw = bytes(random16)
    if len(raw) != KEY_RANDOM_LEN:
        raise ValueError(f"random16 must be exactly 16 bytes, not {len(raw)}")
    code, text = _read_string(_key_format, kind_value, raw, size=KEY_LEN)
    if code != Code.OK:
        raise _error(code)
    return _new_key(text)


def generate_key(kind: KeyKind) -> Key:
    """A new key of ``kind`` from the operating system's CSPRNG. Store only its
    :meth:`Key.digest`; hand :meth:`Key.expose` to its owner once.

    Raises:
        RandomError: the operating system cannot supply random bytes.
    """
    kind_value = _enum(kind, KeyKind, "kind")
    code, text = _read_string(_key_generate, kind_value, size=KEY_LEN)
    if code != Code.OK:
        raise _error(code)
    return _new_key(text)


def _key_bytes(key: Union[Key, Text]) -> bytes:
    if isinstance(key, Key):
        return key._text
    return _utf8(key, "key")


def digest(key: Union[Key, Text]) -> bytes:
    """The 32-byte SHA-256 digest of a key (parsed first), the value a database stores.

    Raises:
        InvalidKeyError: the key is malformed.
    """
    raw = _key_bytes(key)
    out = create_string_buffer(DIGEST_LEN)
    code = _key_digest(raw, len(raw), out)
    if code != Code.OK:
        raise _error(code, InvalidKeyError)
    return out.raw


def digest_hex(key: Union[Key, Text]) -> str:
    """A key's digest as 64 lowercase hex digits.

    Raises:
        InvalidKeyError: the key is malformed.
    """
    raw = _key_bytes(key)
    code, text = _read_string(_key_digest_hex, raw, len(raw), size=DIGEST_HEX_LEN)
    if code != Code.OK:
        raise _error(code, InvalidKeyError)
    return text.decode("ascii")


def digest_from_hex(text: Text) -> bytes:
    """The 32 bytes of a digest stored as 64 lowercase hex digits. Uppercase is refused:
    a stored digest has one spelling.

    Raises:
        DigestError: wrong length or a character that is not a lowercase hex digit.
    """
    raw = _utf8(text, "hex digest")
    out = create_string_buffer(DIGEST_LEN)
    code = _digest_from_hex(raw, len(raw), out)
    if code != Code.OK:
        raise _error(code, DigestError)
    return out.raw


def _digest_arg(value: bytes, what: str = "digest") -> bytes:
    raw = bytes(value)
    if len(raw) != DIGEST_LEN:
        raise ValueError(f"{what} must be exactly 32 bytes, not {len(raw)}")
    return raw


def verify(key: Union[Key, Text], stored: bytes) -> bool:
    """Whether ``key`` is the key the 32-byte digest ``stored`` was made from: parses the
    key, hashes it and compares in constant time.

    Raises:
        InvalidKeyError: the key is malformed.
        ValueError: ``stored`` is not 32 bytes.
    """
    raw = _key_bytes(key)
    stored_raw = _digest_arg(stored)
    code = _key_verify(raw, len(raw), stored_raw)
    if code == Code.OK:
        return True
    if code == Code.KEY_MISMATCH:
        return False
    raise _error(code, InvalidKeyError)


def verify_any(key: Union[Key, Text], stored: Iterable[bytes]) -> Optional[int]:
    """Checks ``key`` against several stored digests (key rolling: the old and the new key
    are both valid for a while). Every digest is compared in constant time, whatever the
    others give. Returns the index of the matching digest (the last one if several are
    equal), or ``None``.

    Raises:
        InvalidKeyError: the key is malformed.
        ValueError: a digest is not 32 bytes.
    """
    raw = _key_bytes(key)
    digests = [_digest_arg(d, "each digest") for d in stored]
    packed = b"".join(digests)
    index = c_size_t(0)
    code = _key_verify_any(raw, len(raw), packed, len(digests), byref(index))
    if code == Code.OK:
        return index.value
    if code == Code.KEY_MISMATCH:
        return None
    raise _error(code, InvalidKeyError)


def redacted(key: Union[Key, Text]) -> str:
    """The redacted form of a key, safe to log: ``sk_…9e24``.

    Raises:
        InvalidKeyError: the key is malformed.
    """
    raw = _key_bytes(key)
    code, text = _read_string(_key_redacted, raw, len(raw), size=REDACTED_LEN)
    if code != Code.OK:
        raise _error(code, InvalidKeyError)
    return text.decode("utf-8")


# --------------------------------------------------------------------------------------
# Authorization headers
# --------------------------------------------------------------------------------------

_authorization_parse = _ffi.lib.picket_authorization_parse
_auth_http_status = _ffi.lib.picket_auth_http_status
_www_authenticate = _ffi.lib.picket_www_authenticate


def parse_authorization(header: Text, *, accept_bearer: bool = False) -> Key:
    """The API key an ``Authorization`` value carries, without looking it up: HTTP Basic
    with the key as the username and an empty password (``Basic base64(KEY:)``, and the
    JS SDK's ``Basic  base64(KEY)``); with ``accept_bearer`` also ``Bearer KEY``.

    A ``str`` value is taken as the ISO-8859-1 decoding of the bytes received (what WSGI
    and ``http.server`` give); pass ``bytes`` to be exact.

    Raises:
        HeaderError: naming the rule broken (codes 300-312, or 100-105 for a malformed
            key inside the credentials).
    """
    raw = _header_bytes(header)
    options = _OPTION_ACCEPT_BEARER if accept_bearer else 0
    kind = c_uint32(0)
    buf = create_string_buffer(KEY_LEN)
    out_len = c_size_t(0)
    code = _authorization_parse(raw, len(raw), options, byref(kind), buf, KEY_LEN, byref(out_len))
    if code != Code.OK:
        raise _error(code, HeaderError)
    return _new_key(buf.raw[: out_len.value])


_status_cache: Dict[int, int] = {}
_challenge_cache: Dict[int, Optional[str]] = {}


def http_status(code: int) -> int:
    """The HTTP status to answer for an authentication result code: 200 for success, 403
    for a valid key of the wrong kind, 401 for anything else (``picket_auth_http_status``)."""
    status = _status_cache.get(code)
    if status is None:
        status = int(_auth_http_status(_u32(code, "code")))
        _status_cache[code] = status
    return status


def www_authenticate(code: int) -> Optional[str]:
    """The ``WWW-Authenticate`` value to send with the answer to an authentication result
    code: ``Basic realm="picket"`` for a 401, ``None`` for a 200 or 403."""
    if code in _challenge_cache:
        return _challenge_cache[code]
    status, raw = _read_string(_www_authenticate, _u32(code, "code"), size=64)
    if status != Code.OK:
        raise _error(status)
    challenge = raw.decode("ascii") if raw else None
    _challenge_cache[code] = challenge
    return challenge


def _auth_error(code: int, message: str) -> PicketError:
    if code < 100:
        return error_class(code)(code, message)
    return AuthError(code, message, http_status(code), www_authenticate(code))


# --------------------------------------------------------------------------------------
# Redirect URIs
# --------------------------------------------------------------------------------------

_redirect_validate = _ffi.lib.picket_redirect_validate
_redirect_match = _ffi.lib.picket_redirect_match


def _redirect_options(allow_private_use_schemes: bool, loopback_any_port: bool) -> int:
    return (_OPTION_ALLOW_PRIVATE_USE_SCHEMES if allow_private_use_schemes else 0) | (
        _OPTION_LOOPBACK_ANY_PORT if loopback_any_port else 0
    )


def validate_redirect_uri(
    uri: Text,
    mode: Mode,
    *,
    allow_private_use_schemes: bool = False,
    loopback_any_port: bool = False,
) -> None:
    """Checks that ``uri`` may be registered as a redirect URI by a project in ``mode``.

    ``allow_private_use_schemes`` accepts RFC 8252 reverse-DNS schemes for native apps
    (``com.example.app:/callback``). ``loopback_any_port`` changes only matching.

    Raises:
        RedirectError: naming the first rule broken (codes 400-415).
    """
    raw = _utf8(uri, "uri")
    mode_value = _enum(mode, Mode, "mode")
    options = _redirect_options(allow_private_use_schemes, loopback_any_port)
    code = _redirect_validate(raw, len(raw), mode_value, options)
    if code != Code.OK:
        raise _error(code, RedirectError)


def match_redirect_uri(
    registered: Iterable[Text],
    candidate: Text,
    mode: Mode,
    *,
    allow_private_use_schemes: bool = False,
    loopback_any_port: bool = False,
) -> bool:
    """Whether ``candidate`` matches one of ``registered`` for a project in ``mode``. Each
    entry is first validated for ``mode``; entries registration would refuse never match.
    Matching is byte-exact (with ``loopback_any_port`` in development, the port of an
    ``http://127.0.0.1`` or ``http://[::1]`` entry may differ)."""
    entries = [_utf8(e, "each registered uri") for e in registered]
    raw = _utf8(candidate, "candidate")
    mode_value = _enum(mode, Mode, "mode")
    options = _redirect_options(allow_private_use_schemes, loopback_any_port)
    array = (Slice * max(len(entries), 1))()
    for i, entry in enumerate(entries):
        array[i].data = entry
        array[i].len = len(entry)
    matched = c_bool(False)
    code = _redirect_match(array, len(entries), raw, len(raw), mode_value, options, byref(matched))
    if code != Code.OK:
        raise _error(code)
    return bool(matched.value)


# --------------------------------------------------------------------------------------
# PKCE and redaction
# --------------------------------------------------------------------------------------

_pkce_verify = _ffi.lib.picket_pkce_verify
_redact = _ffi.lib.picket_redact


def verify_pkce(verifier: Text, challenge: Text, method: Text = "S256") -> None:
    """Checks an RFC 7636 ``code_verifier`` against the stored ``code_challenge``: only
    the ``S256`` method (case-sensitive) is accepted, ``plain`` is refused; the hashes are
    compared in constant time.

    Raises:
        PkceError: naming the rule broken (codes 700-707; 707 is a mismatch).
    """
    v = _utf8(verifier, "verifier")
    c = _utf8(challenge, "challenge")
    m = _utf8(method, "method")
    code = _pkce_verify(v, len(v), c, len(c), m, len(m))
    if code != Code.OK:
        raise _error(code, PkceError)


_T = TypeVar("_T", str, bytes)


def redact(text: _T) -> _T:
    """``text`` with every secret key masked, for logging: a bare ``sk_`` key becomes
    ``sk_…9e24``; a ``Basic`` credential whose base64 decodes to something containing a
    secret key becomes ``Basic [REDACTED sk_…9e24]``. Publishable keys and everything
    else are left unchanged. ``str`` in, ``str`` out; ``bytes`` in, ``bytes`` out.
    """
    if isinstance(text, str):
        raw = text.encode("utf-8", "surrogateescape")
        return _redact_bytes(raw).decode("utf-8", "surrogateescape")
    if isinstance(text, (bytes, bytearray, memoryview)):
        return _redact_bytes(bytes(text))
    raise TypeError(f"text must be str or bytes, not {type(text).__name__}")


def _redact_bytes(raw: bytes) -> bytes:
    # The output is never longer than the input.
    size = len(raw)
    buf = create_string_buffer(size)
    out_len = c_size_t(0)
    code = _redact(raw, size, buf, size, byref(out_len))
    if code != Code.OK:
        raise _error(code)
    return buf.raw[: out_len.value]


# --------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------

_builder_new = _ffi.lib.picket_registry_builder_new
_builder_free = _ffi.lib.picket_registry_builder_free
_builder_set_options = _ffi.lib.picket_registry_builder_set_options
_builder_add_project = _ffi.lib.picket_registry_builder_add_project
_builder_add_redirect_uri = _ffi.lib.picket_registry_builder_add_redirect_uri
_builder_add_key = _ffi.lib.picket_registry_builder_add_key
_builder_build = _ffi.lib.picket_registry_builder_build
_registry_free = _ffi.lib.picket_registry_free
# The hot path keeps the GIL: see picket._ffi.lib_gil.
_registry_authenticate = _ffi.lib_gil.picket_registry_authenticate
# The hot path itself: the same C function through a second ctypes function object that
# has no converters (`argtypes` stays None on this one object only). ctypes then calls no
# `from_param` per argument: each argument below is already a ctypes object of exactly the
# C parameter's type (or a `bytes` for `const uint8_t *`), so the C ABI is the same as with
# the declared `_registry_authenticate`, at about half the call overhead. Only
# `Registry.authenticate` uses it, and only with the objects `_Outs`, `_size` and `_u64obj`
# make; tests check it against the declared function, including values above 2**32.
_registry_authenticate_fast = _ffi.lib_gil["picket_registry_authenticate"]
_registry_authenticate_fast.restype = c_uint32
_registry_authorize_redirect = _ffi.lib.picket_registry_authorize_redirect


class _BuilderHandle(c_void_p):
    """A ``picket_registry_builder *`` that frees itself when the last reference goes."""

    def __del__(self) -> None:
        if self.value:
            _builder_free(self)
            self.value = None


class _RegistryHandle(c_void_p):
    """A ``picket_registry *`` that frees itself when the last reference goes.

    :class:`Registry` holds one reference and each call in flight holds another (a local
    variable), so :meth:`Registry.close` from one thread never frees a registry that
    another thread is still inside: the memory goes when the last call returns.
    """

    def __del__(self) -> None:
        if self.value:
            _registry_free(self)
            self.value = None


class Auth(NamedTuple):
    """A request that authenticated: the key's ``project`` and ``kind``."""

    #: The project the key belongs to.
    project: int
    #: The key's kind.
    kind: KeyKind


_KINDS = {int(k): k for k in KeyKind}


_C = TypeVar("_C", bound="_Closeable")


class _Closeable:
    """What :class:`RegistryBuilder` and :class:`Registry` share as owners of a library
    handle: a context manager that closes on exit, a finalizer as a safety net and a
    ``repr`` that says whether the handle is still open. Subclasses define ``close`` and
    ``closed``."""

    __slots__ = ()

    def close(self) -> None:
        raise NotImplementedError

    @property
    def closed(self) -> bool:
        raise NotImplementedError

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown, half-built object
            pass

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {'closed' if self.closed else 'open'}>"


class RegistryBuilder(_Closeable):
    """Collects projects, redirect URIs and keys, then :meth:`build` s a :class:`Registry`.

    Add each project before its keys and redirect URIs. The methods return the builder, so
    calls can be chained. A builder is used by one thread at a time. :meth:`build`
    consumes it; :meth:`close` (or leaving a ``with`` block) frees an unbuilt one.

    Example::

        with RegistryBuilder() as b:
            b.add_project(1, Mode.DEVELOPMENT)
            b.add_redirect_uri(1, "http://localhost:3000/callback")
            b.add_key(pk, 1)            # a Key: its digest and kind are used
            registry = b.build()
    """

    __slots__ = ("_handle",)

    def __init__(self, *, accept_bearer: bool = False) -> None:
        address = _builder_new()
        if not address:
            raise MemoryError("picket_registry_builder_new returned NULL")
        self._handle: Optional[_BuilderHandle] = _BuilderHandle(address)
        if accept_bearer:
            self.set_options(accept_bearer=True)

    def _live(self) -> _BuilderHandle:
        handle = self._handle
        if handle is None:
            raise ValueError("this RegistryBuilder is closed or already built")
        return handle

    def set_options(self, *, accept_bearer: bool = False) -> "RegistryBuilder":
        """Sets the header options :meth:`Registry.authenticate` uses: ``accept_bearer``
        also accepts ``Authorization: Bearer <key>``."""
        code = _builder_set_options(self._live(), _OPTION_ACCEPT_BEARER if accept_bearer else 0)
        if code != Code.OK:
            raise _error(code)
        return self

    def add_project(
        self,
        project: int,
        mode: Mode,
        *,
        allow_private_use_schemes: bool = False,
        loopback_any_port: bool = False,
    ) -> "RegistryBuilder":
        """Adds a project (the server's own id, 0 to 2**64-1) with its mode and redirect
        options.

        Raises:
            BuildError: the project was already added (``BUILD_DUPLICATE_PROJECT``).
        """
        handle = self._live()
        code = _builder_add_project(
            handle,
            _u64(project, "project"),
            _enum(mode, Mode, "mode"),
            _redirect_options(allow_private_use_schemes, loopback_any_port),
        )
        if code != Code.OK:
            raise _error(code)
        return self

    def add_redirect_uri(self, project: int, uri: Text) -> "RegistryBuilder":
        """Registers a redirect URI for ``project``, validated for the project's mode.

        Raises:
            BuildError: the project was not added (``BUILD_UNKNOWN_PROJECT``).
            RedirectError: the URI is refused, naming the rule (codes 400-415).
        """
        handle = self._live()
        raw = _utf8(uri, "uri")
        code = _builder_add_redirect_uri(handle, _u64(project, "project"), raw, len(raw))
        if code != Code.OK:
            raise _error(code)
        return self

    def add_key(
        self,
        key: Union[Key, bytes, str],
        project: int,
        kind: Optional[KeyKind] = None,
        expires_at: Optional[Union[int, float]] = None,
    ) -> "RegistryBuilder":
        """Adds a key to ``project``.

        ``key`` is a :class:`Key` (its digest and kind are used; ``kind``, if given, must
        agree), or a stored digest: 32 raw bytes, or 64 lowercase hex digits, with its
        ``kind``. ``expires_at`` (unix seconds) ends the key's validity: it is valid while
        ``now < expires_at``; a float is rounded down (the key never lasts longer than
        asked). ``None`` means it never expires. Several keys per project and kind are
        allowed, so a key can be rolled with an overlap.

        Raises:
            BuildError: the project was not added (``BUILD_UNKNOWN_PROJECT``) or too many
                keys. A digest added twice is found by :meth:`build`.
            DigestError: a hex digest is malformed.
        """
        handle = self._live()
        if isinstance(key, Key):
            raw_digest = key.digest()
            if kind is not None and _enum(kind, KeyKind, "kind") != key.kind:
                raise ValueError(f"kind is {KeyKind(kind)} but the key is {key.kind}")
            kind_value = int(key.kind)
        else:
            if kind is None:
                raise TypeError("kind is required when a digest is given")
            kind_value = _enum(kind, KeyKind, "kind")
            if isinstance(key, str):
                raw_digest = digest_from_hex(key)
            else:
                raw_digest = _digest_arg(key)
        expiry = (
            NO_EXPIRY if expires_at is None else min(_seconds(expires_at, "expires_at"), NO_EXPIRY)
        )
        code = _builder_add_key(handle, raw_digest, _u64(project, "project"), kind_value, expiry)
        if code != Code.OK:
            raise _error(code)
        return self

    def build(self) -> "Registry":
        """Builds the immutable :class:`Registry`. The builder is consumed, whether or not
        the build succeeds.

        Raises:
            BuildError: a digest was added twice (``BUILD_DUPLICATE_KEY``).
        """
        handle = self._live()
        self._handle = None
        registry = _RegistryHandle()
        code = _builder_build(handle, byref(registry))
        handle.value = None  # consumed by the library, on success and failure alike
        if code != Code.OK:
            raise _error(code)
        return Registry._wrap(registry)

    def close(self) -> None:
        """Frees the builder if it was not built. Idempotent."""
        handle, self._handle = self._handle, None
        del handle  # the handle frees itself when its last reference goes

    @property
    def closed(self) -> bool:
        """Whether the builder was built or closed."""
        return self._handle is None


class _Outs:
    """One thread's output parameters for :meth:`Registry.authenticate`, made once per
    thread (the values are read after the call, so threads must not share them)."""

    __slots__ = ("project", "kind", "project_arg", "kind_arg")

    def __init__(self) -> None:
        self.project = c_uint64(0)
        self.kind = c_uint32(0)
        self.project_arg = byref(self.project)
        self.kind_arg = byref(self.kind)


_local = threading.local()


def _outs() -> _Outs:
    outs = _Outs()
    _local.outs = outs
    return outs


# Ready-made arguments of the hot path: ctypes "parameter objects" (what `from_param` and
# `byref` return), which ctypes passes to C as they are, without converting or allocating
# anything. They hold plain values, are never changed once made, and are shared by every
# thread: `size_t` header lengths up to the longest header accepted (made on first use),
# `uint64_t` times (the few most recent seconds) and the three `uint32_t` requirements.
_LEN_ARGS: List[Any] = [None] * (MAX_HEADER_LEN + 1)
_NOW_ARGS: Dict[int, Any] = {}
_REQUIREMENT_ARGS: Tuple[Any, ...] = tuple(c_uint32.from_param(i) for i in range(4))
_FLOAT_U64_LIMIT = float(2**64)


def _len_arg(n: int) -> Any:
    arg = c_size_t.from_param(n)
    if n <= MAX_HEADER_LEN:
        _LEN_ARGS[n] = arg
    return arg


def _now_arg(now: Union[int, float]) -> Any:
    seconds = _seconds(now, "now")
    arg = _NOW_ARGS.get(seconds)
    if arg is None:
        if len(_NOW_ARGS) >= 64:
            _NOW_ARGS.clear()
        arg = _NOW_ARGS[seconds] = c_uint64.from_param(seconds)
    return arg


class Registry(_Closeable):
    """The immutable, thread-safe index of keys and projects, built by a
    :class:`RegistryBuilder`. Any number of threads may call :meth:`authenticate` and
    :meth:`authorize_redirect` at once.

    Use it as a context manager, or call :meth:`close` (idempotent) when done; a registry
    that is garbage-collected is freed too. Calls after ``close`` raise ``ValueError``. A
    ``close`` while other threads are still inside a call is safe: the memory is freed
    when the last of those calls returns.
    """

    __slots__ = ("_live", "_results", "__weakref__")

    # (the handle, which owns the registry, and its address as a ready-made argument);
    # None once closed. A call holds this tuple, so the handle outlives the call.
    _live: Optional[Tuple[_RegistryHandle, Any]]
    _results: Dict[int, Auth]

    def __init__(self) -> None:
        raise TypeError("build a Registry with RegistryBuilder().build()")

    @classmethod
    def _wrap(cls, handle: _RegistryHandle) -> "Registry":
        self = object.__new__(cls)
        self._live = (handle, c_void_p.from_param(handle.value))
        self._results = {}
        return self

    @property
    def _handle(self) -> Optional[_RegistryHandle]:
        live = self._live
        return None if live is None else live[0]

    def authenticate(
        self,
        header: Union[str, bytes],
        now: Union[int, float],
        requirement: Requirement = Requirement.ANY,
    ) -> Auth:
        """Authenticates a request from its ``Authorization`` value (``""`` when absent).

        In order: parse the header, parse the key, SHA-256, look it up (constant-time
        compare of the full digest), check expiry against ``now`` (unix seconds: pass
        ``time.time()``, a float is rounded down; the library has no clock), check the kind
        against ``requirement``. A ``str`` header is the ISO-8859-1 decoding of the bytes
        received (as WSGI gives it); ``bytes`` are used as they are.

        Raises:
            AuthError: with ``http_status`` 401 and the ``challenge`` to send, or 403 for a
                valid key of the wrong kind.
            ValueError: the registry is closed, or ``now`` or ``requirement`` is invalid.
        """
        live = self._live
        if live is None:
            raise ValueError("this Registry is closed")
        kind_of_header = header.__class__
        if kind_of_header is not bytes:
            if kind_of_header is str:
                try:
                    header = header.encode("latin-1")  # type: ignore[union-attr]
                except UnicodeEncodeError:
                    header = _header_bytes(header)
            else:
                header = _header_bytes(header)
        try:
            len_arg = _LEN_ARGS[len(header)]
        except IndexError:  # longer than any header accepted: the library says so
            len_arg = None
        if len_arg is None:
            len_arg = _len_arg(len(header))
        if now.__class__ is float and 0.0 <= now < _FLOAT_U64_LIMIT:
            now = int(now)
        now_arg = _NOW_ARGS.get(now)  # type: ignore[arg-type]
        if now_arg is None:
            now_arg = _now_arg(now)
        if requirement.__class__ is Requirement:
            requirement_arg = _REQUIREMENT_ARGS[requirement]
        else:
            requirement_arg = _REQUIREMENT_ARGS[_enum(requirement, Requirement, "requirement")]
        try:
            outs = _local.outs
        except AttributeError:
            outs = _outs()
        code = _registry_authenticate_fast(
            live[1], header, len_arg, now_arg, requirement_arg, outs.project_arg, outs.kind_arg
        )
        if code == 0:
            result = self._results.get((outs.project.value << 2) | outs.kind.value)
            if result is None:
                result = self._remember((outs.project.value << 2) | outs.kind.value)
            return result
        del live
        raise _auth_error(code, _message(code))

    def _authenticate_typed(
        self, header: bytes, now: int, requirement: Requirement
    ) -> Tuple[int, int, int]:
        """The same call through the declared function (every argument converted by its
        ``argtypes``): (code, project, kind). For tests and the benchmark's breakdown."""
        handle = self._handle
        if handle is None:
            raise ValueError("this Registry is closed")
        project = c_uint64(0)
        kind = c_uint32(0)
        code = _registry_authenticate(
            handle, header, len(header), now, requirement, byref(project), byref(kind)
        )
        return int(code), project.value, kind.value

    def _remember(self, key: int) -> Auth:
        result = Auth(key >> 2, _KINDS[key & 3])
        if len(self._results) < 65536:
            self._results[key] = result
        return result

    def authorize_redirect(
        self, client_id: Text, redirect_uri: Text, now: Union[int, float]
    ) -> int:
        """Checks an OAuth authorize request: ``client_id`` must be a known, unexpired
        publishable key, and ``redirect_uri`` byte-identical to one its project registered.
        Returns the project. On an error, do not redirect: answer 400 with the message.

        Raises:
            AuthorizeError: a malformed ``client_id`` (codes 100-105), a secret key as
                ``client_id`` (``AUTHORIZE_SECRET_KEY_EXPOSED``: it has been exposed and
                must be rolled), an unknown or expired client, or an unregistered
                ``redirect_uri``.
        """
        handle = self._handle
        if handle is None:
            raise ValueError("this Registry is closed")
        client = _utf8(client_id, "client_id")
        uri = _utf8(redirect_uri, "redirect_uri")
        project = c_uint64(0)
        code = _registry_authorize_redirect(
            handle, client, len(client), uri, len(uri), _seconds(now, "now"), byref(project)
        )
        if code != Code.OK:
            del handle
            raise _error(code, AuthorizeError)
        return project.value

    def close(self) -> None:
        """Releases the registry. Idempotent; safe while other threads are in a call."""
        live, self._live = self._live, None
        del live  # the handle frees itself when its last reference goes

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._live is None
