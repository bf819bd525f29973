"""Authorization headers: every real-client form, every rule, the HTTP answer."""

from __future__ import annotations

import base64

import pytest
from conftest import PK, PK_JS_SDK, SK, SK_CURL, SK_SECRET_PART, basic

import picket
from picket import Code, HeaderError


@pytest.mark.parametrize(
    "header",
    [
        basic(PK + ":"),
        basic(PK, spaces=2),  # the JS SDK
        PK_JS_SDK,
        "basic " + base64.b64encode(PK.encode()).decode(),
        "BASIC " + base64.b64encode(PK.encode()).decode(),
        " \tBasic " + base64.b64encode(PK.encode()).decode() + "\t ",
    ],
)
def test_real_client_forms(header: str) -> None:
    key = picket.parse_authorization(header)
    assert key.expose() == PK
    assert picket.parse_authorization(header.encode("latin-1")) == key


def test_curl_form_of_a_secret_key() -> None:
    key = picket.parse_authorization(SK_CURL)
    assert key.expose() == SK and key.is_secret


@pytest.mark.parametrize(
    "header, code",
    [
        ("", Code.HEADER_MISSING),
        ("  \t ", Code.HEADER_MISSING),
        ("a" * 8193, Code.HEADER_TOO_LONG),
        (basic(PK) + "\r\n", Code.HEADER_CONTROL_CHARACTER),
        ("Basic \0", Code.HEADER_CONTROL_CHARACTER),
        ("Basic é", Code.HEADER_NON_ASCII),
        ("Digest abc", Code.HEADER_UNSUPPORTED_SCHEME),
        (PK, Code.HEADER_UNSUPPORTED_SCHEME),
        (f"Bearer {PK}", Code.HEADER_BEARER_NOT_ENABLED),
        ("Basic\t" + base64.b64encode(PK.encode()).decode(), Code.HEADER_TAB_SEPARATOR),
        ("Basic", Code.HEADER_MISSING_CREDENTIALS),
        ("Basic cGtfZA", Code.HEADER_INVALID_BASE64),
        ("Basic cGtfZB==", Code.HEADER_INVALID_BASE64),
        (basic("x" * 300), Code.HEADER_CREDENTIALS_TOO_LONG),
        (basic(":"), Code.HEADER_EMPTY_KEY),
        (basic(":" + PK), Code.HEADER_KEY_IN_PASSWORD),
        (basic(PK + ":" + SK), Code.HEADER_NON_EMPTY_PASSWORD),
        (basic(PK + "\n"), Code.KEY_SURROUNDING_WHITESPACE),
        ("Basic cGtf", Code.KEY_WRONG_LENGTH),
    ],
)
def test_each_rule_has_its_error(header: str, code: Code) -> None:
    with pytest.raises(HeaderError) as caught:
        picket.parse_authorization(header)
    assert caught.value.code is code
    assert SK_SECRET_PART not in caught.value.message


def test_str_header_is_latin1_bytes() -> None:
    # 'é' as WSGI gives it (one character per byte): the byte is at position 6.
    with pytest.raises(HeaderError) as caught:
        picket.parse_authorization("Basic \xe9")
    assert "position 6" in caught.value.message
    # Characters that no header byte decodes to are sent as UTF-8 and still refused.
    with pytest.raises(HeaderError) as caught:
        picket.parse_authorization("Basic \u20ac")
    assert caught.value.code is Code.HEADER_NON_ASCII


def test_bearer_when_enabled() -> None:
    key = picket.parse_authorization(f"bearer  {SK}", accept_bearer=True)
    assert key.expose() == SK
    with pytest.raises(HeaderError) as caught:
        picket.parse_authorization("Bearer", accept_bearer=True)
    assert caught.value.code is Code.HEADER_MISSING_CREDENTIALS


def test_http_answers() -> None:
    assert picket.http_status(Code.OK) == 200
    assert picket.http_status(Code.AUTH_WRONG_KIND) == 403
    for code in (
        Code.HEADER_MISSING,
        Code.AUTH_UNKNOWN_KEY,
        Code.AUTH_EXPIRED,
        Code.KEY_EMPTY,
        Code.NULL_PARAMETER,
    ):
        assert picket.http_status(code) == 401
        assert picket.www_authenticate(code) == 'Basic realm="picket"'
    assert picket.www_authenticate(Code.OK) is None
    assert picket.www_authenticate(Code.AUTH_WRONG_KIND) is None
    with pytest.raises(ValueError):
        picket.http_status(-1)
