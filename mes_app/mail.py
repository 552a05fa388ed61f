"""Outgoing e-mail, through SMTP (``MES_SMTP_*`` settings), with the standard library.

Without ``MES_SMTP_HOST`` (``make run``) a catch-all only logs that a mail was sent: never
the address, never the content. Logs never carry an address or a link either when sending
fails (an SMTP error can quote the recipient: only its class is logged). Mails carry no
health data.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlencode

from mes_app import i18n
from mes_app.settings import settings

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 15
RESET_PATH = "/api/password-reset"


def reset_link(secret: str) -> str:
    return f"{settings.app_origin.rstrip('/')}{RESET_PATH}?{urlencode({'t': secret})}"


def password_reset_message(to: str, link: str, lang: str, *, minutes: int = 30) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = i18n.t("reset.mail_subject", lang)
    message["From"] = settings.mail_from
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_sender_domain())
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(i18n.t("reset.mail_body", lang, link=link, minutes=minutes))
    return message


def send_password_reset(to: str, secret: str, lang: str) -> bool:
    """E-mail the link; True when handed to the SMTP server (or to the catch-all)."""
    return deliver(password_reset_message(to, reset_link(secret), lang), what="password-reset")


def deliver(message: EmailMessage, *, what: str) -> bool:
    """Hand one message to the configured SMTP server; never raises, never logs its content."""
    if not settings.smtp_host:
        # A warning, so that it shows with no logging set up (``make run``): the mail went nowhere.
        log.warning("a %s e-mail was sent (no SMTP server configured: nothing delivered)", what)
        return True
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        log.warning("a %s e-mail could not be sent (%s)", what, type(error).__name__)
        return False
    log.info("a %s e-mail was sent", what)
    return True


def _sender_domain() -> str:
    address = settings.mail_from.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "localhost"
