"""Keep session cookies out of every log line.

An unknown event name makes Reflex log the whole request, headers included (the session
cookie with them). A log-record factory redacts every record before any handler sees it.
"""

from __future__ import annotations

import logging
import re

COOKIE_NAME = "mes_session"

_PATTERNS = (
    re.compile(rf"({COOKIE_NAME}=)[^;\s'\"]+"),
    re.compile(r"""(['"]?cookie['"]?\s*[:=]\s*)(['"]).*?\2""", re.IGNORECASE),
    re.compile(r"""(['"]?set-cookie['"]?\s*[:=]\s*)(['"]).*?\2""", re.IGNORECASE),
)


def redact(text: str) -> str:
    text = _PATTERNS[0].sub(r"\1[redacted]", text)
    for pattern in _PATTERNS[1:]:
        text = pattern.sub(r"\1\2[redacted]\2", text)
    return text


_installed = False


def install() -> None:
    """Wrap the log-record factory once per process."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not break logging
            return record
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
