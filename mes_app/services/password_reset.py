"""Forgotten password (issue 11): a single-use link sent by e-mail, valid 30 minutes.

- Asking gives no sign of whether the address has an account: :func:`request_reset` returns
  what to send (or None), and the caller answers the same either way.
- The link carries a random secret of 256 bits; the database keeps only its SHA-256.
  Asking again ends the older links of the account; a link serves once
  (:mod:`mes_app.services.mail_links`, shared with account activation).
- Setting a new password also activates a pending account: the link proves the mailbox.
- Setting the new password follows the registration rules, ends every session of the
  account (the person then logs in with the new password) and lifts a login lock-out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from mes_app.db.models import AuthSession, PasswordReset, Profile, User
from mes_app.domain import validation as v
from mes_app.domain.errors import ValidationError
from mes_app.services import accounts, mail_links
from mes_app.services.passwords import hash_password

RESET_LIFETIME = timedelta(minutes=30)
INVALID_LINK = "error.reset_link_invalid"
PASSWORDS_DIFFER = "error.passwords_differ"
LANGS = ("fr", "en")


@dataclass(frozen=True)
class ResetMail:
    """What to e-mail: to whom, the secret to put in the link, in which language."""

    to: str
    secret: str
    lang: str
    expires_at: datetime


@dataclass(frozen=True)
class ResetDone:
    user_id: int
    ended_session_ids: tuple[int, ...]


def request_reset(session: Session, email: object, *, now: datetime, lang: object = None) -> ResetMail | None:
    """Open a new link for the account with this address and end its older ones.

    Returns None (and changes nothing) for an invalid or unknown address: the caller must
    answer exactly as when a mail is sent.
    """
    try:
        address = v.parse_email(email)
    except ValidationError:
        return None
    user = session.exec(select(User).where(User.email == address)).first()
    if user is None:
        return None
    secret, expires_at = mail_links.open_link(session, PasswordReset, user.id, now=now, lifetime=RESET_LIFETIME)
    session.commit()
    chosen = lang if lang in LANGS else (user.locale if user.locale in LANGS else "fr")
    return ResetMail(to=user.email, secret=secret, lang=chosen, expires_at=expires_at)


def link_is_valid(session: Session, secret: object, *, now: datetime) -> bool:
    """Whether this secret still opens the form (unknown, used, ended and expired: no)."""
    return _open_link(session, secret, now) is not None


def link_expires_at(session: Session, secret: object, *, now: datetime) -> datetime | None:
    row = _open_link(session, secret, now)
    return row.expires_at if row is not None else None


def reset_password(
    session: Session, secret: object, password: object, *, confirm: object, now: datetime, client: str = ""
) -> ResetDone:
    """Set the new password through a valid link, once; end every session of the account.

    Raises ``ValidationError``: ``error.reset_link_invalid`` (unknown, used, ended or expired
    link), ``error.passwords_differ``, ``error.weak_password`` (the registration rules). A
    refused password leaves the link usable.
    """
    row = _open_link(session, secret, now)
    if row is None:
        raise ValidationError(INVALID_LINK)
    user = session.get(User, row.user_id)
    if user is None:
        raise ValidationError(INVALID_LINK)
    if not isinstance(password, str) or not isinstance(confirm, str):
        raise ValidationError("error.weak_password")
    if password != confirm:
        raise ValidationError(PASSWORDS_DIFFER)
    v.check_password_strength(password, forbidden=_personal_words(session, user))

    # Single use even when two requests race: only one UPDATE finds the link still open.
    if not mail_links.use(session, PasswordReset, row, now=now):
        session.rollback()
        raise ValidationError(INVALID_LINK)
    mail_links.end_open_links(session, PasswordReset, user.id, now)
    if user.activated_at is None:  # a pending account: the link proves the mailbox, as activation does
        user.activated_at = now
    user.password_hash = hash_password(password)
    user.failed_login_count = 0
    user.last_failed_login_at = None
    user.locked_until = None
    session.add(user)
    accounts.forget_login_failures(session, user.email, client)  # the mailbox's owner is back
    ended = session.exec(
        select(AuthSession).where(AuthSession.user_id == user.id, col(AuthSession.revoked_at).is_(None))
    ).all()
    for auth in ended:
        auth.revoked_at = now
        session.add(auth)
    session.commit()
    return ResetDone(user.id, tuple(auth.id for auth in ended))


# --------------------------------------------------------------------------- helpers


def _open_link(session: Session, secret: object, now: datetime) -> PasswordReset | None:
    return mail_links.find_open(session, PasswordReset, secret, now=now)


def _personal_words(session: Session, user: User) -> tuple[str, ...]:
    """What registration forbids inside a password: the e-mail's name and the person's names."""
    words = [user.email.split("@", 1)[0], *user.display_name.split()]
    own = session.exec(select(Profile).where(Profile.owner_user_id == user.id, Profile.kind == "self")).first()
    if own is not None:
        words += [own.given_name, own.family_name]
    return tuple(words)
