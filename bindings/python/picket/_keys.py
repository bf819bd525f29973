"""Keys and digests: :class:`Key` and the functions that make, hash, verify and redact
keys. Private: see :mod:`picket`."""

from __future__ import annotations

import hmac
from typing import Iterable, Optional, Union

from ._codes import Code
from ._convert import (
    DIGEST_HEX_LEN,
    DIGEST_LEN,
    KEY_LEN,
    KEY_RANDOM_LEN,
    REDACTED_LEN,
    KeyKind,
    Text,
    _enum,
    _error,
    _read_string,
    _utf8,
)
from ._ffi import ffi, lib
from .errors import DigestError, InvalidKeyError

_key_parse = lib.picket_key_parse
_key_format = lib.picket_key_format
_key_generate = lib.picket_key_generate
_key_digest = lib.picket_key_digest
_key_digest_hex = lib.picket_key_digest_hex
_digest_from_hex = lib.picket_digest_from_hex
_key_verify = lib.picket_key_verify
_key_verify_any = lib.picket_key_verify_any
_key_redacted = lib.picket_key_redacted


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
        kind = ffi.new("uint32_t *")
        code = _key_parse(raw, len(raw), kind)
        if code != Code.OK:
            raise _error(code, InvalidKeyError)
        self._text = raw
        self._kind = KeyKind(kind[0])
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
    out = ffi.new("uint8_t[]", DIGEST_LEN)
    code = _key_digest(raw, len(raw), out)
    if code != Code.OK:
        raise _error(code, InvalidKeyError)
    return bytes(ffi.buffer(out))


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
    out = ffi.new("uint8_t[]", DIGEST_LEN)
    code = _digest_from_hex(raw, len(raw), out)
    if code != Code.OK:
        raise _error(code, DigestError)
    return bytes(ffi.buffer(out))


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
    index = ffi.new("size_t *")
    code = _key_verify_any(raw, len(raw), packed, len(digests), index)
    if code == Code.OK:
        return int(index[0])
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
