import logging

from mes_app.web import log_redaction


def test_session_cookie_values_are_redacted_from_any_log_line(caplog):
    log_redaction.install()
    secret = "S3cr3tS3ssionValue_abcdefghijklmnop"
    logger = logging.getLogger("reflex_base.event.processor.event_processor")
    with caplog.at_level(logging.INFO):
        logger.error("router_data %s", {"headers": {"cookie": f"mes_lang=fr; mes_session={secret}"}})
        logger.error("raw Cookie: 'mes_session=%s'", secret)
    assert secret not in caplog.text
    assert "[redacted]" in caplog.text


def test_exception_text_is_redacted_too(caplog):
    log_redaction.install()
    secret = "AnotherSecretValue_0123456789"
    try:
        raise KeyError(f"mes_session={secret}")
    except KeyError:
        logging.getLogger("x").exception("boom")
    assert secret not in caplog.text


FORGED = "boom\n2026-12-02 10:00:00 INFO login ok for admin@mes.example\r\x1b[2K\x1b[31mred\x9b0m\u2028x\x00"


def test_a_client_cannot_forge_log_lines_or_send_terminal_escapes(caplog):
    log_redaction.install()
    with caplog.at_level(logging.INFO):
        logging.getLogger("reflex.app").error("[Reflex Frontend Exception]\n %s\n", FORGED)
    (record,) = caplog.records
    text = record.getMessage()
    assert "\n" not in text and "\r" not in text and "\x1b" not in text and "\x9b" not in text
    assert "\u2028" not in text and "\x00" not in text
    assert "boom\\n2026-12-02 10:00:00 INFO login ok" in text and "\\x1b[31mred" in text
    assert len(caplog.text.strip().splitlines()) == 1


def test_reflex_frontend_exception_handler_logs_one_line(caplog):
    from reflex.app import default_frontend_exception_handler

    log_redaction.install()
    with caplog.at_level(logging.INFO):
        default_frontend_exception_handler(Exception(FORGED))
    assert len(caplog.text.strip().splitlines()) == 1
    assert "login ok for admin" in caplog.text


def test_escape_control_keeps_ordinary_text():
    assert log_redaction.escape_control("Élodie a 3 ans — ok [x] \\ /") == "Élodie a 3 ans — ok [x] \\ /"
    assert log_redaction.escape_control("a\tb\x7f") == "a\\tb\\x7f"
    assert log_redaction.escape_control(42) == "42"
