"""The logging filter masks secret keys after the message is formatted (issue 7)."""

from __future__ import annotations

import io
import logging
from typing import Iterator, Tuple

import pytest
from conftest import PK, SK, SK_SECRET_PART, basic

from picket.logging import RedactingFilter


@pytest.fixture
def logger() -> Iterator[Tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    log = logging.getLogger("picket-test")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    log.addHandler(handler)
    try:
        yield log, stream
    finally:
        log.removeHandler(handler)


def test_message_arguments_are_redacted(logger: Tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = logger
    log.info("request with key %s and pk %s", SK, PK)
    log.warning("headers: %r", {"Authorization": basic(SK + ":")})
    log.error("js sdk sent %(header)s", {"header": basic(SK, spaces=2)})
    out = stream.getvalue()
    assert SK_SECRET_PART not in out
    assert f"INFO request with key sk_…9e24 and pk {PK}" in out
    assert "'Authorization': 'Basic [REDACTED sk_…9e24]'" in out
    assert "ERROR js sdk sent Basic  [REDACTED sk_…9e24]" in out


def test_text_without_secrets_is_unchanged(logger: Tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = logger
    log.info("plain %d%% done, pk=%s, é…", 50, PK)
    assert stream.getvalue() == f"INFO plain 50% done, pk={PK}, é…\n"


def test_record_is_rewritten_for_later_handlers() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "key=%s", (SK,), None)
    assert RedactingFilter().filter(record) is True
    assert record.msg == "key=sk_…9e24" and record.args is None
    assert record.getMessage() == "key=sk_…9e24"


def test_exceptions_and_stacks_are_redacted(logger: Tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = logger
    try:
        raise ValueError(f"bad key {SK}")
    except ValueError:
        log.exception("failed for %s", SK)
    log.info("here", stack_info=True)
    out = stream.getvalue()
    assert "ValueError: bad key sk_…9e24" in out
    assert "failed for sk_…9e24" in out
    assert "Stack (most recent call last)" in out
    assert SK_SECRET_PART not in out


def test_exceptions_can_be_left_alone() -> None:
    try:
        raise ValueError(SK)
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "m %s", (SK,), sys.exc_info())
    RedactingFilter(redact_exceptions=False).filter(record)
    assert record.msg == "m sk_…9e24"
    assert record.exc_info is not None and record.exc_text is None


def test_a_broken_format_is_left_to_logging() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d", ("not a number",), None)
    assert RedactingFilter().filter(record) is True
    assert record.msg == "%d"
