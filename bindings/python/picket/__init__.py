"""picket: API key authentication and OAuth redirect URI guarding for Python servers.

A binding over the C ABI of the picket Rust core: ``libpicket`` is compiled into the
extension module ``picket._native`` (cffi, API mode, over ``include/picket.h``). Every
rule (key format, ``Authorization`` grammar, redirect URI rules, PKCE, redaction) is the
core's; this package only converts and calls.

A tour::

    import time, picket
    from picket import KeyKind, Mode, Requirement

    pk = picket.generate_key(KeyKind.PUBLISHABLE)
    sk = picket.generate_key(KeyKind.SECRET)
    print(sk)                       # sk_…9e24: a secret key never prints in full

    with picket.RegistryBuilder() as builder:
        builder.add_project(1, Mode.DEVELOPMENT)
        builder.add_redirect_uri(1, "http://localhost:3000/callback")
        builder.add_key(pk, 1)      # the registry stores digests, not keys
        builder.add_key(sk, 1)
        registry = builder.build()

    with registry:
        auth = registry.authenticate(header, time.time(), Requirement.SECRET)
        auth.project, auth.kind     # (1, KeyKind.SECRET)
        registry.authorize_redirect(pk.expose(), "http://localhost:3000/callback", time.time())

Errors are :class:`PicketError` subclasses carrying the library's ``code`` and a
``message`` that names the rule broken and never contains a secret; see
:mod:`picket.errors`. :class:`AuthError` also carries the ``http_status`` (401 or 403) and
the ``WWW-Authenticate`` ``challenge``.

Also: :mod:`picket.wsgi` and :mod:`picket.asgi` (middleware with per-route requirements
and exempt paths), :mod:`picket.fastapi` (``PicketAuth``, an async dependency and security
scheme), :mod:`picket.flask` (an extension) and :mod:`picket.django` (a middleware), which
all answer a refusal with picket-server's error object ``{"error", "code", "message"}``;
:class:`RegistryHolder` (a registry that reloads and swaps atomically),
:mod:`picket.logging` (a ``logging.Filter`` that redacts secret keys), and
``python3 -m picket.vectors FILE...`` (the shared test vectors).
"""

from ._codes import Code
from ._convert import (
    DIGEST_HEX_LEN,
    DIGEST_LEN,
    KEY_LEN,
    MAX_HEADER_LEN,
    MAX_REDIRECT_URI_LEN,
    NO_EXPIRY,
    REDACTED_LEN,
    KeyKind,
    Mode,
    Requirement,
    library_version,
    result_text,
)
from ._fast import Auth
from ._holder import RegistryHolder
from ._keys import (
    Key,
    digest,
    digest_from_hex,
    digest_hex,
    format_key,
    generate_key,
    parse_key,
    redacted,
    verify,
    verify_any,
)
from ._registry import Registry, RegistryBuilder
from ._rules import (
    http_status,
    match_redirect_uri,
    parse_authorization,
    redact,
    validate_redirect_uri,
    verify_pkce,
    www_authenticate,
)
from .errors import (
    AuthError,
    AuthorizeError,
    BuildError,
    DigestError,
    HeaderError,
    InvalidKeyError,
    KeyMismatchError,
    PanicError,
    PicketError,
    PkceError,
    RandomError,
    RedirectError,
    UsageError,
)

#: The version of this package; :func:`library_version` gives the loaded library's.
__version__ = "0.1.0"

__all__ = [
    "__version__",
    "Code",
    "KeyKind",
    "Mode",
    "Requirement",
    "Key",
    "Auth",
    "RegistryBuilder",
    "Registry",
    "RegistryHolder",
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
    "asgi",
    "logging",
    "wsgi",
]

# The integrations, so that `import picket` is enough for `picket.wsgi.…`, `picket.asgi.…`
# and `picket.logging.…` (none of them imports a web framework).
from . import asgi, logging, wsgi  # noqa: E402
