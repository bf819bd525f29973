"""Redirect URIs, PKCE and redaction."""

from __future__ import annotations

import json

import pytest
from conftest import PK, SK, SK_SECRET_PART, basic

import picket
from picket import Code, Mode, PkceError, RedirectError

# --- redirect URIs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri, mode",
    [
        ("https://example.com/callback", Mode.PRODUCTION),
        ("https://example.com/callback", Mode.DEVELOPMENT),
        ("http://localhost:3000/", Mode.DEVELOPMENT),
        ("http://127.0.0.1:8080/cb", Mode.DEVELOPMENT),
        ("http://[::1]/cb", Mode.DEVELOPMENT),
    ],
)
def test_redirect_accepted(uri: str, mode: Mode) -> None:
    assert picket.validate_redirect_uri(uri, mode) is None


@pytest.mark.parametrize(
    "uri, mode, code",
    [
        ("", Mode.PRODUCTION, Code.REDIRECT_EMPTY),
        ("https://example.com/" + "a" * 2048, Mode.PRODUCTION, Code.REDIRECT_TOO_LONG),
        ("https://example.com/a b", Mode.PRODUCTION, Code.REDIRECT_NON_PRINTABLE),
        ("https://example.com/\0", Mode.PRODUCTION, Code.REDIRECT_NON_PRINTABLE),
        ("https://example.com/{x}", Mode.PRODUCTION, Code.REDIRECT_UNSAFE_CHARACTER),
        ("https://example.com/#", Mode.PRODUCTION, Code.REDIRECT_FRAGMENT),
        ("https://*.example.com/", Mode.PRODUCTION, Code.REDIRECT_WILDCARD),
        ("https://example.com/%zz", Mode.PRODUCTION, Code.REDIRECT_BAD_PERCENT_ENCODING),
        ("/callback", Mode.PRODUCTION, Code.REDIRECT_MISSING_SCHEME),
        ("javascript:alert(1)", Mode.PRODUCTION, Code.REDIRECT_DISALLOWED_SCHEME),
        ("https:example.com/x", Mode.PRODUCTION, Code.REDIRECT_MISSING_AUTHORITY),
        ("https://user@example.com/", Mode.PRODUCTION, Code.REDIRECT_USERINFO),
        ("https:///x", Mode.PRODUCTION, Code.REDIRECT_EMPTY_HOST),
        ("https://example.com:0/", Mode.PRODUCTION, Code.REDIRECT_INVALID_PORT),
        ("https://[::1/", Mode.PRODUCTION, Code.REDIRECT_INVALID_URL),
        ("http://example.com/", Mode.PRODUCTION, Code.REDIRECT_INSECURE_SCHEME),
        ("http://example.com/", Mode.DEVELOPMENT, Code.REDIRECT_INSECURE_SCHEME),
        ("https://localhost/", Mode.PRODUCTION, Code.REDIRECT_LOOPBACK_IN_PRODUCTION),
        ("https://127.1/cb", Mode.PRODUCTION, Code.REDIRECT_LOOPBACK_IN_PRODUCTION),
        ("https://localhost.my.domain./", Mode.PRODUCTION, Code.REDIRECT_LOOPBACK_IN_PRODUCTION),
        ("https://intranet/cb", Mode.PRODUCTION, Code.REDIRECT_SINGLE_LABEL_HOST),
    ],
)
def test_redirect_refused(uri: str, mode: Mode, code: Code) -> None:
    with pytest.raises(RedirectError) as caught:
        picket.validate_redirect_uri(uri, mode)
    assert caught.value.code is code


def test_private_use_scheme_is_opt_in() -> None:
    with pytest.raises(RedirectError):
        picket.validate_redirect_uri("com.example.app:/callback", Mode.PRODUCTION)
    picket.validate_redirect_uri(
        "com.example.app:/callback", Mode.PRODUCTION, allow_private_use_schemes=True
    )


def test_redirect_mode_is_checked() -> None:
    with pytest.raises(ValueError):
        picket.validate_redirect_uri("https://example.com/", 7)  # type: ignore[arg-type]
    picket.validate_redirect_uri("https://example.com/", 2)  # type: ignore[arg-type]


def test_match_is_exact() -> None:
    registered = ["http://localhost:3000/", "https://app.example.com/cb"]
    dev = Mode.DEVELOPMENT
    assert picket.match_redirect_uri(registered, "http://localhost:3000/", dev)
    assert picket.match_redirect_uri(registered, b"https://app.example.com/cb", dev)
    assert not picket.match_redirect_uri(registered, "http://localhost:3000", dev)
    assert not picket.match_redirect_uri(registered, "http://LOCALHOST:3000/", dev)
    assert not picket.match_redirect_uri(registered, "https://app.example.com/cb/", dev)
    assert not picket.match_redirect_uri(registered, "http://localhost:3000/\0", dev)
    # An entry registration refuses never matches: localhost in production.
    assert not picket.match_redirect_uri(registered, "http://localhost:3000/", Mode.PRODUCTION)
    assert picket.match_redirect_uri(registered, "https://app.example.com/cb", Mode.PRODUCTION)
    assert not picket.match_redirect_uri([], "https://app.example.com/cb", dev)


def test_match_loopback_any_port() -> None:
    registered = ["http://127.0.0.1:8080/cb", "http://localhost:3000/cb"]
    dev = Mode.DEVELOPMENT
    assert not picket.match_redirect_uri(registered, "http://127.0.0.1:9999/cb", dev)
    assert picket.match_redirect_uri(
        registered, "http://127.0.0.1:9999/cb", dev, loopback_any_port=True
    )
    assert picket.match_redirect_uri(registered, "http://127.0.0.1/cb", dev, loopback_any_port=True)
    # localhost stays exact.
    assert not picket.match_redirect_uri(
        registered, "http://localhost:3001/cb", dev, loopback_any_port=True
    )


# --- PKCE --------------------------------------------------------------------------------

RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_pkce_rfc7636_appendix_b() -> None:
    assert picket.verify_pkce(RFC_VERIFIER, RFC_CHALLENGE, "S256") is None
    assert picket.verify_pkce(RFC_VERIFIER.encode(), RFC_CHALLENGE.encode()) is None


@pytest.mark.parametrize(
    "verifier, challenge, method, code",
    [
        (RFC_VERIFIER, RFC_VERIFIER, "plain", Code.PKCE_PLAIN_REFUSED),
        (RFC_VERIFIER, RFC_CHALLENGE, "s256", Code.PKCE_UNSUPPORTED_METHOD),
        (RFC_VERIFIER, RFC_CHALLENGE, "", Code.PKCE_UNSUPPORTED_METHOD),
        ("a" * 42, RFC_CHALLENGE, "S256", Code.PKCE_VERIFIER_LENGTH),
        ("a" * 129, RFC_CHALLENGE, "S256", Code.PKCE_VERIFIER_LENGTH),
        ("a" * 42 + "+", RFC_CHALLENGE, "S256", Code.PKCE_VERIFIER_CHARACTER),
        ("a" * 42 + "\0", RFC_CHALLENGE, "S256", Code.PKCE_VERIFIER_CHARACTER),
        (RFC_VERIFIER, RFC_CHALLENGE + "=", "S256", Code.PKCE_CHALLENGE_LENGTH),
        (RFC_VERIFIER, RFC_CHALLENGE[:-1] + "+", "S256", Code.PKCE_CHALLENGE_CHARACTER),
        (RFC_VERIFIER, RFC_CHALLENGE[:-1] + "N", "S256", Code.PKCE_CHALLENGE_NOT_CANONICAL),
        (RFC_VERIFIER, RFC_CHALLENGE[:-1] + "A", "S256", Code.PKCE_MISMATCH),
        ("b" * 43, RFC_CHALLENGE, "S256", Code.PKCE_MISMATCH),
    ],
)
def test_pkce_errors(verifier: str, challenge: str, method: str, code: Code) -> None:
    with pytest.raises(PkceError) as caught:
        picket.verify_pkce(verifier, challenge, method)
    assert caught.value.code is code


# --- redaction ---------------------------------------------------------------------------

MASK = "sk_…9e24"
CRED_MASK = "[REDACTED sk_…9e24]"


@pytest.mark.parametrize(
    "text, want",
    [
        (f"key {SK} used", f"key {MASK} used"),
        (
            json.dumps({"api_key": SK, "pk": PK}),
            json.dumps({"api_key": MASK, "pk": PK}).replace("\\u2026", "…"),
        ),
        (f"GET /v1/ping?key={SK}&x=1", f"GET /v1/ping?key={MASK}&x=1"),
        (f"https://api.example.com/{SK}/x", f"https://api.example.com/{MASK}/x"),
        (f"Authorization: {basic(SK + ':')}", f"Authorization: Basic {CRED_MASK}"),
        (f"Authorization: {basic(SK, spaces=2)}", f"Authorization: Basic  {CRED_MASK}"),
        (f"auth={basic(PK + ':' + SK)}", f"auth=Basic {CRED_MASK}"),
        (f"{SK}{SK}", MASK + MASK),
        # Issue #10.1: case folding and URL decoding recover the key.
        (f"key {SK.upper()} used", f"key {MASK} used"),
        (f"key={SK.replace('_', '%5F')}", f"key={MASK}"),
        # Issue 20: a fragment of 20 or more digits, the encodings tools write.
        (f"key={SK[:34]} cut", "key=sk_…(partial) cut"),
        (f"key={SK.replace('_', '=5F')}", f"key={MASK}"),
        (f"key={SK[:9]}\u200b{SK[9:]}", f"key={MASK}"),
        (f"k=[{' '.join(str(b) for b in SK.encode())}]", f"k=[[REDACTED {MASK}]]"),
    ],
)
def test_redact_masks_secret_keys(text: str, want: str) -> None:
    got = picket.redact(text)
    assert got == want
    assert SK_SECRET_PART not in got
    assert picket.redact(got) == got  # twice changes nothing


def test_redact_leaves_other_text_alone() -> None:
    for text in (
        "",
        "nothing to see",
        f"publishable {PK} and {basic(PK + ':')}",
        "sk_e1f767d29fa6e533f2e (19 digits: too few to guess the rest)",
        "unicode é … \u2028 and a NUL \0 inside",
        "lone surrogate \udcff survives",
    ):
        assert picket.redact(text) == text


def test_redact_bytes_in_bytes_out() -> None:
    raw = b"\xff\xfe not utf-8 " + SK.encode() + b" \0 end"
    got = picket.redact(raw)
    assert isinstance(got, bytes)
    assert got == b"\xff\xfe not utf-8 " + MASK.encode() + b" \0 end"
    assert picket.redact(bytearray(raw)) == got


def test_redact_a_large_text() -> None:
    line = f"user=42 key={SK} pk={PK} " * 10_000
    got = picket.redact(line)
    assert SK_SECRET_PART not in got
    assert got.count(MASK) == 10_000 and got.count(PK) == 10_000


def test_redact_type_error() -> None:
    with pytest.raises(TypeError):
        picket.redact(42)  # type: ignore[type-var]
