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
