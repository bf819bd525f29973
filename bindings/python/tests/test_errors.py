"""Every result code has its text and its exception class."""

from __future__ import annotations

import pickle
import threading

import pytest

import picket
from picket import Code, errors

EXPECTED_CLASS = {
    Code.PANIC: picket.PanicError,
    Code.NULL_PARAMETER: picket.UsageError,
    Code.BUFFER_TOO_SMALL: picket.UsageError,
    Code.INVALID_PARAMETER: picket.UsageError,
    Code.RANDOM_UNAVAILABLE: picket.RandomError,
    Code.KEY_MISMATCH: picket.KeyMismatchError,
    Code.INTERNAL_ERROR: picket.PanicError,
    Code.WRONG_HANDLE: picket.UsageError,
    Code.HANDLE_FREED: picket.UsageError,
}
RANGES = [
    ("KEY_", picket.InvalidKeyError),
    ("DIGEST_", picket.DigestError),
    ("HEADER_", picket.HeaderError),
    ("REDIRECT_", picket.RedirectError),
    ("AUTHORIZE_", picket.AuthorizeError),
    ("AUTH_", picket.AuthError),
    ("BUILD_", picket.BuildError),
    ("PKCE_", picket.PkceError),
]


def expected_class(code: Code) -> type:
    if code in EXPECTED_CLASS:
        return EXPECTED_CLASS[code]
    for prefix, cls in RANGES:
        if code.name.startswith(prefix):
            return cls
    raise AssertionError(f"no class expected for {code!r}")


@pytest.mark.parametrize("code", [c for c in Code if c is not Code.OK], ids=lambda c: c.name)
def test_every_code_maps_to_its_class(code: Code) -> None:
    cls = errors.error_class(code)
    assert cls is expected_class(code)
    assert issubclass(cls, picket.PicketError)
    error = errors.error_for(code, "why")
    assert type(error) is cls
    assert error.code is code and error.message == "why" and str(error) == "why"
    assert error.name == code.name
    assert f"code={int(code)} {code.name}" in repr(error)


@pytest.mark.parametrize("code", list(Code), ids=lambda c: c.name)
def test_every_code_has_a_text(code: Code) -> None:
    text = picket.result_text(code)
    assert text and text == text.strip()
    assert text[0].islower() or text[0] in "\"'", text


@pytest.mark.parametrize("code", list(Code), ids=lambda c: c.name)
def test_the_c_rule_name_is_the_python_one(code: Code) -> None:
    """picket_result_name gives the name the middleware's JSON bodies use."""
    from picket._convert import _read_string
    from picket._ffi import lib

    status, raw = _read_string(lib.picket_result_name, int(code))
    assert status == Code.OK and raw.decode("ascii") == code.name.lower()


def test_texts_are_distinct() -> None:
    texts = [picket.result_text(c) for c in Code]
    assert len(set(texts)) == len(texts)


def test_result_text_of_an_unknown_code() -> None:
    with pytest.raises(ValueError):
        picket.result_text(99)
    with pytest.raises(ValueError):
        picket.result_text(2**32)


def test_error_class_edges() -> None:
    with pytest.raises(ValueError):
        errors.error_class(0)
    assert errors.error_class(999) is picket.PanicError
    assert errors.error_class(540) is picket.PanicError  # between areas: no such code
    error = errors.error_for(999, "odd")
    assert error.code == 999 and error.name == "999"


def test_area_overrides_domain_codes_only() -> None:
    # A malformed key inside a header is a HeaderError, keeping the key's code.
    error = errors.error_for(Code.KEY_UPPERCASE, "m", picket.HeaderError)
    assert type(error) is picket.HeaderError and error.code is Code.KEY_UPPERCASE
    # FFI codes keep their own class whatever the area.
    error = errors.error_for(Code.INVALID_PARAMETER, "m", picket.HeaderError)
    assert type(error) is picket.UsageError


def test_auth_error_fields_and_pickling() -> None:
    error = picket.AuthError(Code.HEADER_MISSING, "missing", 401, 'Basic realm="picket"')
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is picket.AuthError
    assert (again.code, again.message, again.http_status, again.challenge) == (
        Code.HEADER_MISSING,
        "missing",
        401,
        'Basic realm="picket"',
    )
    plain = pickle.loads(pickle.dumps(picket.PkceError(Code.PKCE_MISMATCH, "no")))
    assert type(plain) is picket.PkceError and plain.code is Code.PKCE_MISMATCH


def test_classes_do_not_shadow_builtins() -> None:
    import builtins

    for name in picket.__all__:
        if name.endswith("Error"):
            assert not hasattr(builtins, name), name


def test_messages_are_per_thread() -> None:
    """The detailed message is read on the thread that failed, right after the call, so
    concurrent failures of different kinds never see each other's message."""
    failures = []

    def worker(text: str, code: Code, part: str) -> None:
        for _ in range(2000):
            try:
                picket.parse_key(text)
            except picket.InvalidKeyError as error:
                if error.code is not code or part not in error.message:
                    failures.append((code, error.code, error.message))
            else:
                failures.append((code, "no error"))

    threads = [
        threading.Thread(
            target=worker, args=("sk_" + "0" * 31 + "F", Code.KEY_UPPERCASE, "position 34")
        ),
        threading.Thread(
            target=worker, args=("sk_" + "0" * 30 + "z0", Code.KEY_NON_HEX, "position 33")
        ),
        threading.Thread(target=worker, args=("sk_" + "0" * 5, Code.KEY_WRONG_LENGTH, "found 5")),
        threading.Thread(target=worker, args=("xx_" + "0" * 32, Code.KEY_UNKNOWN_PREFIX, "prefix")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
