"""Accounts and server-side sessions: register, log in (throttled), resolve, log out.

The session secret travels only in an HttpOnly cookie; the database keeps its SHA-256.
Every Reflex event resolves the cookie again here, so revoking a session stops the very
next event.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from mes_app.db.models import AuthSession, Profile, User
from mes_app.domain import validation as v
from mes_app.domain.errors import ValidationError
from mes_app.domain.login_throttle import after_failure, login_gate
from mes_app.services.passwords import hash_password, verify_password

SEXES = ("female", "male", "other", "unknown")
SESSION_SECRET_BYTES = 32


@dataclass(frozen=True)
class Identity:
    """Who is behind a request: the only thing about the user that states keep."""

    user_id: int
    role: str
    display_name: str
    email: str
    session_id: int


class LoginRefused(Exception):
    """A login that did not succeed; ``code`` is a message key, never says which part was wrong."""

    def __init__(self, code: str, retry_after_seconds: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after_seconds = retry_after_seconds


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- registration


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    given_name: str
    family_name: str
    birth_date: date
    sex: str


def parse_registration(form: dict, *, today: date) -> Registration:
    """Validate a registration form; raises ValidationError with the first problem found."""
    email = v.parse_email(form.get("email"))
    given = v.clean_text(form.get("given_name"), field="given_name", max_len=100, required=True)
    family = v.clean_text(form.get("family_name"), field="family_name", max_len=100, required=True)
    password = form.get("password")
    if not isinstance(password, str):
        raise ValidationError("error.weak_password")
    # A password made of one's own name or e-mail is the first thing an attacker tries.
    v.check_password_strength(password, forbidden=(email.split("@", 1)[0], given, family))
    birth = v.parse_date(form.get("birth_date"), field="birth_date", required=True)
    v.check_not_future(birth, today)
    if birth.year < 1900:
        raise ValidationError("error.invalid_date")
    sex = v.parse_choice(form.get("sex") or "unknown", SEXES, field="sex")
    return Registration(email, password, given, family, birth, sex)


def register(session: Session, reg: Registration, *, now: datetime) -> User:
    """Create the account and the person's own profile."""
    if session.exec(select(User).where(User.email == reg.email)).first() is not None:
        raise ValidationError("error.email_taken")
    user = User(
        email=reg.email,
        password_hash=hash_password(reg.password),
        display_name=f"{reg.given_name} {reg.family_name}",
        role="patient",
        created_at=now,
    )
    session.add(user)
    session.flush()
    session.add(
        Profile(
            given_name=reg.given_name,
            family_name=reg.family_name,
            birth_date=reg.birth_date,
            sex=reg.sex,
            kind="self",
            owner_user_id=user.id,
            created_by_user_id=user.id,
            created_at=now,
        )
    )
    session.commit()
    return user


# --------------------------------------------------------------------------- login


def authenticate(session: Session, *, email: object, password: object, now: datetime) -> User:
    """Return the user for a right e-mail + password, or raise LoginRefused.

    Wrong e-mail and wrong password give the same answer, after the same work. Repeated
    failures make the account wait longer and longer, then lock it for a while.
    """
    if not isinstance(password, str) or not password or len(password) > 128:
        raise LoginRefused("error.bad_credentials")
    try:
        address = v.parse_email(email)
    except ValidationError:
        verify_password(password, None)
        raise LoginRefused("error.bad_credentials") from None
    user = session.exec(select(User).where(User.email == address)).first()
    if user is None:
        verify_password(password, None)
        raise LoginRefused("error.bad_credentials")
    gate = login_gate(user.failed_login_count, user.last_failed_login_at, user.locked_until, now)
    if not gate.allowed:
        code = "error.account_locked" if gate.locked else "error.too_many_attempts"
        raise LoginRefused(code, gate.retry_after_seconds)
    if not verify_password(password, user.password_hash):
        outcome = after_failure(user.failed_login_count, now)
        user.failed_login_count = outcome.failed_count
        user.last_failed_login_at = now
        user.locked_until = outcome.locked_until
        session.add(user)
        session.commit()
        if outcome.locked_until is not None:
            raise LoginRefused("error.account_locked", int((outcome.locked_until - now).total_seconds()))
        raise LoginRefused("error.bad_credentials")
    user.failed_login_count = 0
    user.last_failed_login_at = None
    user.locked_until = None
    session.add(user)
    session.commit()
    return user


def open_session(session: Session, user: User, *, now: datetime, lifetime: timedelta) -> str:
    """Create a server-side session and return its secret (to put in the cookie, nowhere else)."""
    secret = secrets.token_urlsafe(SESSION_SECRET_BYTES)
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=hash_secret(secret),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.commit()
    return secret


def resolve_session(session: Session, secret: str | None, *, now: datetime) -> Identity | None:
    """The identity behind a cookie secret, or None when missing, unknown, expired or revoked."""
    if not secret or not isinstance(secret, str) or len(secret) > 200:
        return None
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == hash_secret(secret))).first()
    if row is None or row.revoked_at is not None or now >= row.expires_at:
        return None
    user = session.get(User, row.user_id)
    if user is None:
        return None
    return Identity(user.id, user.role, user.display_name, user.email, row.id)


def revoke_session(session: Session, secret: str | None, *, now: datetime) -> int | None:
    """End the session this secret opened; returns its id (None when there was none)."""
    if not secret:
        return None
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == hash_secret(secret))).first()
    if row is None:
        return None
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        session.commit()
    return row.id


def revoke_all_sessions(session: Session, user_id: int, *, now: datetime) -> int:
    rows = session.exec(
        select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    ).all()
    for row in rows:
        row.revoked_at = now
        session.add(row)
    session.commit()
    return len(rows)


