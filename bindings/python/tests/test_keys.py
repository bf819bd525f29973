"""Keys, digests, verification and redacted forms."""

from __future__ import annotations

import copy
import hashlib
import pickle

import pytest
from conftest import PK, SK, SK_SECRET_PART

import picket
from picket import Code, InvalidKeyError, Key, KeyKind


def test_parse_classifies() -> None:
    pk = picket.parse_key(PK)
    sk = picket.parse_key(SK.encode())
    assert pk.kind is KeyKind.PUBLISHABLE and not pk.is_secret
    assert sk.kind is KeyKind.SECRET and sk.is_secret
    assert pk.expose() == PK and sk.expose() == SK
    assert sk.expose_bytes() == SK.encode()
    assert Key(SK) == sk
    assert picket.parse_key(bytearray(PK.encode())) == pk
    assert picket.parse_key(memoryview(PK.encode())) == pk


@pytest.mark.parametrize(
    "text, code, message_part",
    [
        ("", Code.KEY_EMPTY, "empty"),
        (" " + SK, Code.KEY_SURROUNDING_WHITESPACE, "whitespace"),
        (SK + "\n", Code.KEY_SURROUNDING_WHITESPACE, "trailing newline"),
        ("SK_e1f767d29fa6e533f2e5c62342fb9e24", Code.KEY_UNKNOWN_PREFIX, "prefix"),
        ("rk_e1f767d29fa6e533f2e5c62342fb9e24", Code.KEY_UNKNOWN_PREFIX, "prefix"),
        ("sk_", Code.KEY_WRONG_LENGTH, "found 0 characters"),
        (SK[:-1], Code.KEY_WRONG_LENGTH, "found 31 characters"),
        (SK + "4", Code.KEY_WRONG_LENGTH, "found 33 characters"),
        ("sk_g1f767d29fa6e533f2e5c62342fb9e24", Code.KEY_NON_HEX, "position 3"),
        ("sk_e1f767d29fa6e533f2e5c62342fb9E24", Code.KEY_UPPERCASE, "position 32"),
        # A NUL byte is data like any other: it is the last body byte here.
        ("sk_e1f767d29fa6e533f2e5c62342fb9e2\0", Code.KEY_NON_HEX, "position 34"),
        # Non-ASCII in UTF-8: 'é' is two bytes, so the body is 33 bytes long.
        ("sk_e1f767d29fa6e533f2e5c62342fb9e2é", Code.KEY_WRONG_LENGTH, "found 33"),
    ],
)
def test_each_rule_has_its_error(text: str, code: Code, message_part: str) -> None:
    with pytest.raises(InvalidKeyError) as caught:
        picket.parse_key(text)
    assert caught.value.code is code
    assert message_part in caught.value.message
    assert SK_SECRET_PART not in str(caught.value) and SK_SECRET_PART not in repr(caught.value)


def test_nul_inside_is_not_a_terminator() -> None:
    # If the binding passed a NUL-terminated string, the library would see "sk_" (length
    # 0); it sees all 35 bytes.
    with pytest.raises(InvalidKeyError) as caught:
        picket.parse_key("sk_\0" + "0" * 31)
    assert caught.value.code is Code.KEY_NON_HEX
    assert "position 3" in caught.value.message


def test_secret_never_prints() -> None:
    sk = picket.parse_key(SK)
    for shown in (
        str(sk),
        repr(sk),
        f"{sk}",
        f"{sk!r}",
        "%s" % sk,
        "%r" % sk,
        str([sk]),
        str({"k": sk}),
    ):
        assert SK_SECRET_PART not in shown, shown
        assert "sk_…9e24" in shown, shown
    assert repr(sk) == "Key(sk_…9e24)"
    assert str(sk) == "sk_…9e24"
    assert sk.redacted() == "sk_…9e24"


def test_publishable_prints_in_full() -> None:
    pk = picket.parse_key(PK)
    assert str(pk) == PK
    assert repr(pk) == f"Key({PK})"
    assert pk.redacted() == "pk_…8854"


def test_equality_and_hash() -> None:
    a, b = picket.parse_key(SK), picket.parse_key(SK)
    c = picket.parse_key(PK)
    assert a == b and hash(a) == hash(b)
    assert a != c and not (a == c)
    assert a != SK  # a Key is not equal to its text
    assert len({a, b, c}) == 2
    assert copy.copy(a) == a
    assert pickle.loads(pickle.dumps(a)) == a


def test_digest_known_answer() -> None:
    # sha256("pk_d9960d04426c1e9f3941bec7e39c8854"), as in the core's own test.
    want = "ac8f7eaf19affd051e4d838c334056dac5df782d7d8caa8855ea1f87c6f665a3"
    assert picket.digest_hex(PK) == want
    assert picket.digest(PK).hex() == want
    assert picket.parse_key(PK).digest_hex() == want
    assert picket.parse_key(PK).digest() == bytes.fromhex(want)
    assert picket.digest(SK) == hashlib.sha256(SK.encode()).digest()


def test_digest_of_a_malformed_key_is_refused() -> None:
    for function in (picket.digest, picket.digest_hex, picket.redacted):
        with pytest.raises(InvalidKeyError) as caught:
            function("pk_x")
        assert caught.value.code is Code.KEY_WRONG_LENGTH


def test_digest_from_hex() -> None:
    d = picket.digest(SK)
    assert picket.digest_from_hex(d.hex()) == d
    assert picket.digest_from_hex(d.hex().encode()) == d
    with pytest.raises(picket.DigestError) as caught:
        picket.digest_from_hex(d.hex().upper())
    assert caught.value.code is Code.DIGEST_INVALID_CHARACTER
    with pytest.raises(picket.DigestError) as caught:
        picket.digest_from_hex("00" * 31)
    assert caught.value.code is Code.DIGEST_WRONG_LENGTH
    assert "found 62" in caught.value.message
    bad = "0" * 40 + "g" + "0" * 23
    with pytest.raises(picket.DigestError) as caught:
        picket.digest_from_hex(bad)
    assert "position 40" in caught.value.message


def test_verify() -> None:
    sk, pk = picket.parse_key(SK), picket.parse_key(PK)
    assert picket.verify(sk, sk.digest()) is True
    assert picket.verify(SK, sk.digest()) is True
    assert picket.verify(pk, sk.digest()) is False
    assert sk.verify(sk.digest()) and not pk.verify(sk.digest())
    with pytest.raises(InvalidKeyError):
        picket.verify("nope", sk.digest())
    with pytest.raises(ValueError):
        picket.verify(sk, b"short")


def test_verify_any() -> None:
    old = picket.parse_key(SK)
    new = picket.parse_key("sk_00000000000000000000000000000001")
    other = picket.parse_key("sk_00000000000000000000000000000002")
    stored = [old.digest(), new.digest()]
    assert picket.verify_any(old, stored) == 0
    assert picket.verify_any(new, stored) == 1
    assert picket.verify_any(other, stored) is None
    assert picket.verify_any(other, []) is None
    assert picket.verify_any(new, [new.digest(), old.digest(), new.digest()]) == 2  # the last
    with pytest.raises(InvalidKeyError):
        picket.verify_any("sk_", stored)
    with pytest.raises(ValueError):
        picket.verify_any(new, [b"\0" * 31])


def test_format_key() -> None:
    key = picket.format_key(KeyKind.PUBLISHABLE, bytes([0xAB] * 16))
    assert key.expose() == "pk_" + "ab" * 16
    assert key.kind is KeyKind.PUBLISHABLE
    key = picket.format_key(KeyKind.SECRET, bytes(range(16)))
    assert key.expose() == "sk_000102030405060708090a0b0c0d0e0f"
    with pytest.raises(ValueError):
        picket.format_key(KeyKind.SECRET, b"\0" * 15)
    with pytest.raises(ValueError):
        picket.format_key(3, b"\0" * 16)  # type: ignore[arg-type]


def test_generate_key() -> None:
    keys = [picket.generate_key(KeyKind.SECRET) for _ in range(50)]
    assert len({k.expose() for k in keys}) == 50
    assert all(k.kind is KeyKind.SECRET and k.expose().startswith("sk_") for k in keys)
    pk = picket.generate_key(KeyKind.PUBLISHABLE)
    assert pk.kind is KeyKind.PUBLISHABLE
    assert picket.parse_key(pk.expose()) == pk


def test_type_errors() -> None:
    with pytest.raises(TypeError):
        picket.parse_key(35)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        picket.digest(None)  # type: ignore[arg-type]
