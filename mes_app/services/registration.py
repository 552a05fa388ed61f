"""Registration with a confirmed address (no account enumeration).

- :func:`sign_up` does the same work (one password hash) and gives the caller the same kind
  of result whether the address is new or already has an account; the caller answers the
  same either way ("check your mailbox") and queues the mail it is told to send.
- New address: the account is created *pending* (``activated_at`` is None: it cannot log in)
  and an activation link valid 24 h is opened (:mod:`mes_app.services.mail_links`).
- Address already registered (activated or pending): nothing changes; the owner is told by
  mail that someone tried, with the way to log in or reset the password (a password reset
  also activates a pending account).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mes_app.db.models import AccountActivation, User
from mes_app.services import accounts, mail_links
from mes_app.services.passwords import hash_password

ACTIVATION_LIFETIME = timedelta(hours=24)
LANGS = ("fr", "en")
ACTIVATE = "activate"
ALREADY_REGISTERED = "already_registered"


@dataclass(frozen=True)
class SignUpMail:
    """What to e-mail after a registration: ``kind`` is ``activate`` (with ``secret``) or
    ``already_registered`` (no secret)."""

    kind: str
    to: str
    lang: str
    secret: str | None = None
    expires_at: datetime | None = None


def sign_up(session: Session, reg: accounts.Registration, *, now: datetime, lang: object = None) -> SignUpMail:
    chosen = lang if lang in LANGS else "fr"
    existing = session.exec(select(User).where(User.email == reg.email)).first()
    if existing is not None:
        hash_password(reg.password)  # the same work as creating the account
        return _already(existing, lang)
    try:
        user = accounts.register(session, reg, now=now, locale=chosen, commit=False)
        secret, expires_at = mail_links.open_link(
            session, AccountActivation, user.id, now=now, lifetime=ACTIVATION_LIFETIME
        )
        session.commit()
    except IntegrityError:  # the same address registered at the same moment by another request
        session.rollback()
        existing = session.exec(select(User).where(User.email == reg.email)).first()
        return _already(existing, lang) if existing is not None else SignUpMail(ALREADY_REGISTERED, reg.email, chosen)
    return SignUpMail(ACTIVATE, user.email, chosen, secret, expires_at)


def activation_expires_at(session: Session, secret: object, *, now: datetime) -> datetime | None:
    """When a still-working activation link ends (None: unknown, used, ended or expired); uses nothing."""
    row = mail_links.find_open(session, AccountActivation, secret, now=now)
    return None if row is None else row.expires_at


def activate(session: Session, secret: object, *, now: datetime) -> int | None:
    """Activate the account of a valid link, once. The user id, or None (unknown, used,
    ended or expired link)."""
    row = mail_links.find_open(session, AccountActivation, secret, now=now)
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not mail_links.use(session, AccountActivation, row, now=now):
        session.rollback()
        return None
    mail_links.end_open_links(session, AccountActivation, user.id, now)
    if user.activated_at is None:
        user.activated_at = now
        session.add(user)
    session.commit()
    return user.id


def _already(user: User, lang: object) -> SignUpMail:
    chosen = lang if lang in LANGS else (user.locale if user.locale in LANGS else "fr")
    return SignUpMail(ALREADY_REGISTERED, user.email, chosen)
