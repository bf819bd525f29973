"""A :class:`logging.Filter` that masks secret keys in log records (issue 7).

::

    import logging
    from picket.logging import RedactingFilter

    logging.basicConfig(level=logging.INFO)
    picket.logging.redact_handlers()   # a RedactingFilter on each handler of the root logger

    logging.info("request with %s", "Authorization: Basic c2tf...")
    # -> request with Authorization: Basic [REDACTED sk_…9e24]

The filter formats the record's message with its arguments first (``record.getMessage()``),
redacts the result with :func:`picket.redact`, and stores it back as ``record.msg`` with
no arguments, so every handler and formatter after it sees only the redacted text. A
secret key (``sk_`` and 32 hex digits) becomes ``sk_…9e24``; a ``Basic`` credential that
decodes to one becomes ``[REDACTED sk_…9e24]``. Publishable keys and other text are left
unchanged. The exception text (``exc_info``) and ``stack_info`` are formatted and redacted
as well when ``redact_exceptions`` is on (the default).

Attach it to a **handler** to cover every logger that reaches that handler (a filter on a
logger only sees records logged on that very logger, not its children's).
"""

from __future__ import annotations

import logging

from ._rules import redact

__all__ = ["RedactingFilter", "redact_handlers"]


class RedactingFilter(logging.Filter):
    """Redacts secret keys in each record's message; never drops a record.

    Every record is redacted, whatever its logger.

    Args:
        redact_exceptions: also format and redact ``exc_info`` and ``stack_info``. The
            formatted, redacted traceback is kept in ``record.exc_text`` (which the
            standard :class:`logging.Formatter` prints) and ``record.exc_info`` is cleared,
            so that no later formatter renders the exception again with its secrets.
    """

    def __init__(self, *, redact_exceptions: bool = True) -> None:
        super().__init__()
        self.redact_exceptions = redact_exceptions

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let logging report it as usual
            return True
        record.msg = redact(message)
        record.args = None
        if self.redact_exceptions:
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact(record.exc_text)
                record.exc_info = None
            if record.stack_info:
                record.stack_info = redact(record.stack_info)
        return True


def redact_handlers(logger: "logging.Logger | None" = None) -> RedactingFilter:
    """Attaches one :class:`RedactingFilter` to every handler of ``logger`` (the root
    logger by default) and returns it. A record of any logger that propagates to those
    handlers (``logging.getLogger("app.db")``, a library's logger) is redacted before it is
    written; a filter on the logger itself would see only that logger's own records.

    Example::

        logging.basicConfig(level=logging.INFO)
        picket.logging.redact_handlers()
        logging.getLogger("app.db").info("key %s", "sk_e1f7...")   # written redacted
    """
    target = logging.getLogger() if logger is None else logger
    if not target.handlers:
        raise ValueError(
            f"logger {target.name!r} has no handler yet: configure logging first "
            "(logging.basicConfig(), dictConfig...), then call redact_handlers()"
        )
    redacting = RedactingFilter()
    for handler in target.handlers:
        handler.addFilter(redacting)
    return redacting
