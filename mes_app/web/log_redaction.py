"""Keep session cookies out of every log line, and keep every log line one line.

An unknown event name makes Reflex log the whole request, headers included (the session
cookie with them). Reflex's ``handle_frontend_exception`` logs the text a browser sends
(anyone's browser) with its newlines, so a client could forge whole log lines, or colour and
rewrite the terminal with ANSI escapes. A log-record factory redacts every record and escapes
its control characters (:func:`escape_control`) before any handler sees it: whatever a client
manages to get logged stays inside its own line.
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


# C0 controls, DEL, C1 controls (ESC starts ANSI sequences; U+009B is the one-byte CSI), and
# the Unicode line/paragraph separators that some log viewers treat as line breaks.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_one(match: re.Match) -> str:
    char = match.group(0)
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def escape_control(text: object) -> str:
    """``text`` on one line: control characters written as ``\\n``, ``\\r``, ``\\x1b``..."""
    return _CONTROL.sub(_escape_one, text if isinstance(text, str) else str(text))


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
        record.msg, record.args = escape_control(redact(message)), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
