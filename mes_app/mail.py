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
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlencode

from mes_app import i18n
from mes_app.settings import settings

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 15
RESET_PATH = "/api/password-reset"
ACTIVATION_PATH = "/api/activate"


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


def activation_link(secret: str) -> str:
    return f"{settings.app_origin.rstrip('/')}{ACTIVATION_PATH}?{urlencode({'t': secret})}"


def _message(to: str, subject_key: str, lang: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = i18n.t(subject_key, lang)
    message["From"] = settings.mail_from
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_sender_domain())
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


def activation_message(to: str, link: str, lang: str, *, hours: int = 24) -> EmailMessage:
    return _message(to, "activation.mail_subject", lang, i18n.t("activation.mail_body", lang, link=link, hours=hours))


def already_registered_message(to: str, lang: str) -> EmailMessage:
    """To the owner of an address someone tried to register again: no link that changes anything."""
    base = settings.app_origin.rstrip("/")
    body = i18n.t("activation.taken_mail_body", lang, login=f"{base}/login", forgot=f"{base}/forgot-password")
    return _message(to, "activation.taken_mail_subject", lang, body)


def send_activation(to: str, secret: str, lang: str) -> bool:
    return deliver(activation_message(to, activation_link(secret), lang), what="account-activation")


def send_already_registered(to: str, lang: str) -> bool:
    return deliver(already_registered_message(to, lang), what="already-registered")


def send_password_reset(to: str, secret: str, lang: str) -> bool:
    """E-mail the link; True when handed to the SMTP server (or to the catch-all)."""
    return deliver(password_reset_message(to, reset_link(secret), lang), what="password-reset")


# teen (issue 13 item 4): the hand-over at majority
MAJORITY_PATH = "/majority"


def majority_link(secret: str) -> str:
    return f"{settings.app_origin.rstrip('/')}{MAJORITY_PATH}?{urlencode({'t': secret})}"


def majority_message(to: str, link: str, lang: str, *, inviter: str, days: int = 14) -> EmailMessage:
    """No health data, not even the profile's name: the inviter's name and the link."""
    return _message(to, "majority.mail_subject", lang,
                    i18n.t("majority.mail_body", lang, inviter=inviter, link=link, days=days))


def send_majority_invitation(to: str, secret: str, lang: str, inviter: str) -> bool:
    return deliver(majority_message(to, majority_link(secret), lang, inviter=inviter), what="majority-invitation")


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


# --------------------------------------------------------------------------- the queue

# Two threads: a burst of requests queues up instead of opening many SMTP connections.
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mes-mail")
_pending: set[Future] = set()
_pending_lock = threading.Lock()


def queue(job: Callable[..., object], *args: object, what: str = "mail") -> None:
    """Run ``job(*args)`` (a look-up and/or a send) in a mail thread, detached from the request:
    answers do not wait for SMTP, nor show by their timing whether a mail was sent. Errors
    are logged by class only (never an address)."""

    def run() -> None:
        try:
            job(*args)
        except Exception as error:  # noqa: BLE001 - the answer is gone; say what failed, not to whom
            log.error("a queued %s job failed (%s)", what, type(error).__name__)

    future = _POOL.submit(run)
    with _pending_lock:
        _pending.add(future)

    def done(finished: Future) -> None:
        with _pending_lock:
            _pending.discard(finished)

    future.add_done_callback(done)


def wait_for_queued(timeout: float = 30) -> None:
    """Wait until every queued job is done (tests, orderly shutdown)."""
    with _pending_lock:
        pending = list(_pending)
    futures_wait(pending, timeout=timeout)


def _sender_domain() -> str:
    address = settings.mail_from.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "localhost"


# --------------------------------------------------------------------------- closing and deleting (issue 13, item 3)


def closure_message(to: str, lang: str) -> EmailMessage:
    """To a guardian whose child's profile another guardian closed: "something changed in MES",
    no name, no health data (the e-mail may be read by someone else)."""
    body = i18n.t("closing.mail_body", lang, login=f"{settings.app_origin.rstrip('/')}/login")
    return _message(to, "closing.mail_subject", lang, body)


def send_closure_notice(to: str, lang: str) -> bool:
    return deliver(closure_message(to, lang), what="closure-notice")


# --------------------------------------------------------------------------- notifications (issue 15 item 2)

NOTIFICATION_PREFERENCES_PATH = "/account/notifications"


def notification_message(to: str, lang: str, *, count: int, job_id: int) -> EmailMessage:
    """"Something new in MES" and a link, nothing else: no kind, no name, no title (the mail
    may be read by someone else). ``count`` > 1 for a weekly digest. The Message-ID comes from
    the job, so that a mail client can collapse the rare duplicate of a crash (see
    :mod:`mes_app.services.notifications`)."""
    base = settings.app_origin.rstrip("/")
    key = "notify.mail_digest_body" if count > 1 else "notify.mail_body"
    body = i18n.t(key, lang, link=f"{base}/", count=count, settings=f"{base}{NOTIFICATION_PREFERENCES_PATH}")
    message = _message(to, "notify.mail_subject", lang, body)
    del message["Message-ID"]
    message["Message-ID"] = f"<notification-{job_id}@{_sender_domain()}>"
    return message
