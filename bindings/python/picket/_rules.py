"""The stateless rules: ``Authorization`` headers, redirect URIs, PKCE and redaction.
Private: see :mod:`picket`."""

from __future__ import annotations

from typing import Dict, Iterable, Optional, TypeVar

from ._codes import Code
from ._convert import (
    _OPTION_ACCEPT_BEARER,
    _OPTION_ALLOW_PRIVATE_USE_SCHEMES,
    _OPTION_LOOPBACK_ANY_PORT,
    KEY_LEN,
    Mode,
    Text,
    _enum,
    _error,
    _header_bytes,
    _read_string,
    _u32,
    _utf8,
)
from ._ffi import ffi, lib
from ._keys import Key, _new_key
from .errors import (
    AuthError,
    HeaderError,
    PicketError,
    PkceError,
    RedirectError,
    error_class,
)

_authorization_parse = lib.picket_authorization_parse
_auth_http_status = lib.picket_auth_http_status
_www_authenticate = lib.picket_www_authenticate


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
    kind = ffi.new("uint32_t *")
    buf = ffi.new("uint8_t[]", KEY_LEN)
    out_len = ffi.new("size_t *")
    code = _authorization_parse(raw, len(raw), options, kind, buf, KEY_LEN, out_len)
    if code != Code.OK:
        raise _error(code, HeaderError)
    return _new_key(bytes(ffi.buffer(buf, out_len[0])))


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

_redirect_validate = lib.picket_redirect_validate
_redirect_match = lib.picket_redirect_match


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
    # Each slice points into a `bytes` of `entries`, which outlives the call; cffi keeps
    # the `from_buffer` objects alive in `keep` for as long as the array is used.
    array = ffi.new("struct picket_slice[]", max(len(entries), 1))
    keep = []
    for i, entry in enumerate(entries):
        data = ffi.from_buffer("uint8_t[]", entry)
        keep.append(data)
        array[i].data = data
        array[i].len = len(entry)
    matched = ffi.new("bool *")
    code = _redirect_match(array, len(entries), raw, len(raw), mode_value, options, matched)
    del keep
    if code != Code.OK:
        raise _error(code)
    return bool(matched[0])


# --------------------------------------------------------------------------------------
# PKCE and redaction
# --------------------------------------------------------------------------------------

_pkce_verify = lib.picket_pkce_verify
_redact = lib.picket_redact


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
    """``text`` with every secret key masked, for logging: a bare ``sk_`` key (any case,
    escaped, with invisible characters inside) becomes ``sk_…9e24`` and a fragment of 20 or
    more of its digits ``sk_…(partial)``; base64 (cut, wrapped or twice) or a byte dump
    carrying one, such as a ``Basic`` credential, becomes ``[REDACTED sk_…9e24]``.
    Publishable keys and everything else are left unchanged. ``str`` in, ``str`` out;
    ``bytes`` in, ``bytes`` out.
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
    buf = ffi.new("uint8_t[]", max(size, 1))
    out_len = ffi.new("size_t *")
    code = _redact(raw, size, buf, size, out_len)
    if code != Code.OK:
        raise _error(code)
    return bytes(ffi.buffer(buf, out_len[0]))
