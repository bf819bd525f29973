"""The exceptions of picket: :class:`PicketError` and one subclass per area.

Every exception carries the library's numeric ``code`` (a :class:`picket.Code`) and the
detailed ``message`` naming the rule that was broken. Messages never contain a key or any
other secret, so they are safe to log and to send back to a client.

Which class is raised depends on what was being done, and the code gives the detail:

========================  ============================================================
class                     raised by
========================  ============================================================
:class:`InvalidKeyError`  parsing a key (codes 100-105)
:class:`DigestError`      parsing a hex digest (200-201)
:class:`HeaderError`      parsing an ``Authorization`` value (300-312, or the key's
                          own code 100-105 when the header carries a malformed key)
:class:`RedirectError`    validating a redirect URI (400-415), also when it is
                          registered through a :class:`picket.RegistryBuilder`
:class:`AuthError`        :meth:`picket.Registry.authenticate` (500-503, and the header
                          or key code when the header is malformed); carries
                          ``http_status`` and ``challenge``
:class:`AuthorizeError`   :meth:`picket.Registry.authorize_redirect` (521-524, and the
                          key code when ``client_id`` is malformed)
:class:`BuildError`       building a registry (600-603)
:class:`PkceError`        PKCE verification (700-707)
:class:`UsageError`       the C ABI refused an argument (2-4): a bug in the caller
:class:`PanicError`       a panic caught inside the library, or an internal error
                          (1, 7): a bug in picket
:class:`RandomError`      the operating system's random generator failed (5)
========================  ============================================================

A wrong key given to :func:`picket.verify` (code 6, ``KEY_MISMATCH``) is not an exception:
``verify`` returns ``False`` and ``verify_any`` returns ``None``. Only a direct use of
:func:`error_for` turns code 6 into an exception (:class:`KeyMismatchError`).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Type

from ._codes import Code

__all__ = [
    "PicketError",
    "UsageError",
    "PanicError",
    "RandomError",
    "KeyMismatchError",
    "InvalidKeyError",
    "DigestError",
    "HeaderError",
    "RedirectError",
    "AuthError",
    "AuthorizeError",
    "BuildError",
    "PkceError",
    "error_class",
    "error_for",
]


def _code_of(code: int) -> "Code | int":
    try:
        return Code(code)
    except ValueError:
        return code


class PicketError(Exception):
    """Base class of every picket error.

    Attributes:
        code: the ``picket_result`` value (a :class:`picket.Code` when the code is known).
        message: what went wrong, naming the rule that was broken. Never contains a secret.
    """

    code: "Code | int"
    message: str

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code, message)
        self.code = _code_of(code)
        self.message = message

    @property
    def name(self) -> str:
        """The code's name without its prefix (``KEY_UPPERCASE``), or its number."""
        return self.code.name if isinstance(self.code, Code) else str(int(self.code))

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={int(self.code)} {self.name}, message={self.message!r})"


class UsageError(PicketError):
    """The C ABI refused an argument (``NULL_PARAMETER``, ``BUFFER_TOO_SMALL``,
    ``INVALID_PARAMETER``, ``WRONG_HANDLE``, ``HANDLE_FREED``). The Python API checks its
    arguments and guards its handles first, so this is a bug in the caller of the low-level
    functions, or in this binding."""


class PanicError(PicketError):
    """A bug inside picket: a panic caught at the C boundary (``PANIC``) or an error the
    library had no code for (``INTERNAL_ERROR``). Please report it."""


class RandomError(PicketError):
    """The operating system's random number generator failed (``RANDOM_UNAVAILABLE``)."""


class KeyMismatchError(PicketError):
    """A well-formed key matched none of the given digests (``KEY_MISMATCH``)."""


class InvalidKeyError(PicketError):
    """A string is not a well-formed API key (codes 100-105)."""


class DigestError(PicketError):
    """A string is not a 64-digit lowercase hex digest (codes 200-201)."""


class HeaderError(PicketError):
    """An ``Authorization`` value does not carry a usable key (codes 300-312, or 100-105
    for a malformed key inside it)."""


class RedirectError(PicketError):
    """A redirect URI cannot be registered (codes 400-415)."""


class AuthError(PicketError):
    """A request did not authenticate, and the HTTP answer it deserves.

    Attributes:
        http_status: 401 (missing, malformed, unknown or expired key) or 403 (a valid key
            of the wrong kind for this endpoint), as the library decides.
        challenge: the ``WWW-Authenticate`` value to send with a 401
            (``Basic realm="picket"``), or ``None`` for a 403.
    """

    http_status: int
    challenge: Optional[str]

    def __init__(
        self,
        code: int,
        message: str,
        http_status: int = 401,
        challenge: Optional[str] = None,
    ) -> None:
        super().__init__(code, message)
        self.http_status = http_status
        self.challenge = challenge

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (int(self.code), self.message, self.http_status, self.challenge))


class AuthorizeError(PicketError):
    """An OAuth authorize request (``client_id``, ``redirect_uri``) is refused: do not
    redirect; answer 400 with the message (codes 521-524, or 100-105 for a malformed
    ``client_id``)."""


class BuildError(PicketError):
    """A registry cannot be built (codes 600-603)."""


class PkceError(PicketError):
    """A PKCE ``code_verifier`` does not check out against its ``code_challenge``
    (codes 700-707)."""


_FFI_CLASSES: Dict[int, Type[PicketError]] = {
    Code.PANIC: PanicError,
    Code.NULL_PARAMETER: UsageError,
    Code.BUFFER_TOO_SMALL: UsageError,
    Code.INVALID_PARAMETER: UsageError,
    Code.RANDOM_UNAVAILABLE: RandomError,
    Code.KEY_MISMATCH: KeyMismatchError,
    Code.INTERNAL_ERROR: PanicError,
    Code.WRONG_HANDLE: UsageError,
    Code.HANDLE_FREED: UsageError,
}

_RANGES: Tuple[Tuple[int, int, Type[PicketError]], ...] = (
    (100, 199, InvalidKeyError),
    (200, 299, DigestError),
    (300, 399, HeaderError),
    (400, 499, RedirectError),
    (500, 519, AuthError),
    (520, 539, AuthorizeError),
    (600, 699, BuildError),
    (700, 799, PkceError),
)


def error_class(code: int) -> Type[PicketError]:
    """The exception class of a result code on its own (by the code's range).

    Codes 1-99 always map to :class:`UsageError`, :class:`PanicError`,
    :class:`RandomError` or :class:`KeyMismatchError`; an unknown code maps to
    :class:`PanicError`; 0 (success) raises ``ValueError``.
    """
    if code == Code.OK:
        raise ValueError("code 0 is success, not an error")
    if code in _FFI_CLASSES:
        return _FFI_CLASSES[code]
    for low, high, cls in _RANGES:
        if low <= code <= high:
            return cls
    return PanicError


def error_for(
    code: int,
    message: str,
    area: Optional[Type[PicketError]] = None,
) -> PicketError:
    """The exception for ``code``: of class ``area`` when given and the code is one of the
    library's domain codes (100 and up), else of :func:`error_class` ``(code)``."""
    if area is not None and code >= 100:
        return area(code, message)
    return error_class(code)(code, message)
