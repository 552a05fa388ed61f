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

import sqlalchemy as sa
from sqlalchemy import delete as sa_delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mes_app.db.core import core
from mes_app.db.models import AuthSession, LoginFailure, Profile, User
from mes_app.domain import second_factor as second_factor_rules
from mes_app.domain import validation as v
from mes_app.domain.errors import ValidationError
from mes_app.domain.login_throttle import (
    POLICIES,
    RESET_ON_SUCCESS,
    Counter,
    combined_gate,
    expires_at,
    record_failure,
)
from mes_app.services.passwords import hash_password, verify_password
from mes_app.settings import settings

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
    # A role that must have a second factor, without one yet: only the security page serves it
    # (mes_app.web.auth.resolve refuses it everywhere else). Issue 15, item 3.
    must_enrol: bool = False


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


def register(
    session: Session, reg: Registration, *, now: datetime, locale: str = "fr", commit: bool = True
) -> User:
    """Create a *pending* account (``activated_at`` None: it cannot log in until its address is
    confirmed, see :mod:`mes_app.services.registration`) and the person's own profile."""
    if session.exec(select(User).where(User.email == reg.email)).first() is not None:
        raise ValidationError("error.email_taken")
    user = User(
        email=reg.email,
        password_hash=hash_password(reg.password),
        display_name=f"{reg.given_name} {reg.family_name}",
        role="patient",
        locale=locale,
        created_at=now,
        activated_at=None,
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
    if commit:
        session.commit()
    return user


# --------------------------------------------------------------------------- login


def authenticate(
    session: Session, *, email: object, password: object, now: datetime, client: str = ""
) -> User:
    """Return the user for a right e-mail + password, or raise LoginRefused.

    ``client`` is who is asking (the client's address, see :mod:`mes_app.web.client`).
    Wrong e-mail and wrong password give the same answer, after the same work, and are
    throttled the same way: failures are counted per (client, e-mail typed), per client and
    per e-mail typed — whether or not an account has that e-mail (see
    :mod:`mes_app.domain.login_throttle`). Another client's failures never lock the owner out.
    """
    if not isinstance(password, str) or not password or len(password) > 128:
        raise LoginRefused("error.bad_credentials")
    try:
        address: str | None = v.parse_email(email)
    except ValidationError:
        address = None
    keys = _throttle_keys(client, address if address is not None else email)
    rows = _throttle_rows(session, keys)
    counters = {scope: _counter(rows.get(scope)) for scope in keys}
    gate = combined_gate(counters, now)
    if not gate.allowed:
        code = "error.account_locked" if gate.locked else "error.too_many_attempts"
        raise LoginRefused(code, gate.retry_after_seconds)
    user = session.exec(select(User).where(User.email == address)).first() if address is not None else None
    # A pending account (address not confirmed) and an account locked by an operator are
    # refused exactly like a wrong password: the answer never tells a locked account apart.
    if (user is None or not verify_password(password, user.password_hash) or user.activated_at is None
            or user.locked_by_operator_at is not None):
        if user is None:
            verify_password(password, None)  # the same work as a wrong password
        pair = _record_failures(session, keys, rows, counters, now)
        if pair.locked_until is not None:
            raise LoginRefused("error.account_locked", int((pair.locked_until - now).total_seconds()))
        raise LoginRefused("error.bad_credentials")
    for scope in RESET_ON_SUCCESS:
        if rows.get(scope) is not None:
            session.delete(rows[scope])
    session.commit()
    return user


def forget_login_failures(session: Session, email: str, client: str = "") -> None:
    """After a password reset: the e-mail's own counter and this client's lock for it go
    (the caller commits). Other clients' pair counters stay: they were someone else's guesses."""
    keys = _throttle_keys(client, email)
    for scope, row in _throttle_rows(session, keys).items():
        if scope in ("pair", "account"):
            session.delete(row)


def _throttle_keys(client: object, email: object) -> dict[str, str]:
    """The SHA-256 keys of the three counters: what was typed, not whether it is an account."""
    who = client if isinstance(client, str) and client else "unknown"
    typed = email.strip().lower()[:320] if isinstance(email, str) else ""
    return {
        "pair": hash_secret(f"pair\0{who}\0{typed}"),
        "client": hash_secret(f"client\0{who}"),
        "account": hash_secret(f"account\0{typed}"),
    }


def _throttle_rows(session: Session, keys: dict[str, str]) -> dict[str, LoginFailure]:
    found = session.exec(select(LoginFailure).where(col(LoginFailure.key_hash).in_(list(keys.values())))).all()
    return {row.scope: row for row in found if keys.get(row.scope) == row.key_hash}


def _counter(row: LoginFailure | None) -> Counter:
    if row is None:
        return Counter()
    return Counter(row.failed_count, row.last_failed_at, row.locked_until)


def _record_failures(
    session: Session, keys: dict[str, str], rows: dict[str, LoginFailure], counters: dict[str, Counter], now: datetime
) -> Counter:
    """Count one more failure under every key; forget expired counters. The new pair counter."""
    updated = {scope: record_failure(counters[scope], POLICIES[scope], now) for scope in keys}
    for scope, counter in updated.items():
        row = rows.get(scope) or LoginFailure(scope=scope, key_hash=keys[scope], expires_at=now)
        row.failed_count, row.last_failed_at, row.locked_until = (
            counter.failed_count, counter.last_failed_at, counter.locked_until,
        )
        row.expires_at = expires_at(counter, POLICIES[scope]) or now
        session.add(row)
    session.execute(sa_delete(LoginFailure).where(col(LoginFailure.expires_at) < now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # a concurrent failure created the same key first: it was counted
    return updated["pair"]


def open_session(
    session: Session, user: User, *, now: datetime, lifetime: timedelta, user_agent: object = None
) -> str:
    """Create a server-side session and return its secret (to put in the cookie, nowhere else).
    ``user_agent`` (the request's, cut to 300 characters) names the device in the sessions list."""
    secret = secrets.token_urlsafe(SESSION_SECRET_BYTES)
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=hash_secret(secret),
            created_at=now,
            expires_at=now + lifetime,
            last_seen_at=now,
            user_agent=user_agent[:300] if isinstance(user_agent, str) and user_agent else None,
        )
    )
    session.commit()
    return secret


# Before every event: built once, and only the columns the identity needs (no ORM rows).
_SESSION_IDENTITY = sa.select(
    col(AuthSession.id).label("session_id"), col(AuthSession.revoked_at), col(AuthSession.expires_at),
    col(AuthSession.created_at), col(AuthSession.last_seen_at),
    col(User.id).label("user_id"), col(User.role), col(User.display_name), col(User.email),
    col(User.second_factor_on_at), col(User.locked_by_operator_at),
).join(User, col(User.id) == col(AuthSession.user_id)).where(col(AuthSession.token_hash) == sa.bindparam("token_hash"))
# The write of last use (at most once a minute) and the end for inactivity: one UPDATE each.
_TOUCH_SESSION = sa.update(AuthSession).where(col(AuthSession.id) == sa.bindparam("sid")).values(
    last_seen_at=sa.bindparam("now"))
_IDLE_SESSION = sa.update(AuthSession).where(
    col(AuthSession.id) == sa.bindparam("sid"), col(AuthSession.revoked_at).is_(None)).values(
    revoked_at=sa.bindparam("now"))


def idle_limit() -> timedelta:
    return timedelta(minutes=settings.session_idle_minutes)


def must_enrol(role: str, second_factor_on_at: datetime | None) -> bool:
    """Whether this account has to turn the second factor on before anything else."""
    return settings.second_factor_required and second_factor_rules.must_enrol(role) and second_factor_on_at is None


def resolve_session(session: Session, secret: str | None, *, now: datetime) -> Identity | None:
    """The identity behind a cookie secret, or None when missing, unknown, expired, revoked or
    unused for longer than the idle limit (``MES_SESSION_IDLE_MINUTES``; it is then revoked).

    Runs before every event: one prebuilt Core query; ``last_seen_at`` is written only when the
    stored value is a minute old or more, so a burst of events costs one UPDATE at most.
    """
    if not secret or not isinstance(secret, str) or len(secret) > 200:
        return None
    db = core(session)  # Core, not the ORM: these statements read and write no entity
    found = db.execute(_SESSION_IDENTITY, {"token_hash": hash_secret(secret)}).first()
    if found is None:
        return None
    if found.revoked_at is not None or now >= found.expires_at or found.locked_by_operator_at is not None:
        return None  # a locked account's sessions are revoked too; this holds even if one was missed
    if second_factor_rules.is_idle(found.last_seen_at or found.created_at, now, idle_limit()):
        db.execute(_IDLE_SESSION, {"sid": found.session_id, "now": now})
        session.commit()
        return None
    if second_factor_rules.needs_touch(found.last_seen_at, now):
        db.execute(_TOUCH_SESSION, {"sid": found.session_id, "now": now})
        session.commit()
    return Identity(found.user_id, found.role, found.display_name, found.email, found.session_id,
                    must_enrol(found.role, found.second_factor_on_at))


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
        select(AuthSession).where(AuthSession.user_id == user_id, col(AuthSession.revoked_at).is_(None))
    ).all()
    for row in rows:
        row.revoked_at = now
        session.add(row)
    session.commit()
    return len(rows)


