"""Two-factor sign-in and one's own sessions (issue 15, item 3): use cases.

Enrolment: :func:`start_enrolment` keeps a new secret (encrypted, see
:mod:`mes_app.services.secret_box`), not yet switched on; :func:`confirm_enrolment` switches it
on with a first right code and returns the recovery codes, shown once (only their keyed hash is
kept). :func:`disable` needs the password and a code.

Log-in: after a right password (``accounts.authenticate``) an account with the second factor on
gets no session: :func:`begin_login` opens a pending step (a random secret for an HttpOnly
cookie; the database keeps its SHA-256) bound to the user, 5 minutes, a few attempts, used once.
:func:`finish_login` takes a TOTP code or a recovery code; wrong codes are counted by the same
throttle as wrong passwords (:mod:`mes_app.domain.login_throttle`), under the same keys.

Sessions: :func:`list_sessions`, :func:`end_session` (one of one's own; another's is "not found").
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import segno
from sqlalchemy import delete as sa_delete
from sqlmodel import Session, col, select

from mes_app.db.models import AuthSession, LoginChallenge, RecoveryCode, User
from mes_app.domain import second_factor as rules
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.login_throttle import combined_gate
from mes_app.services import accounts, secret_box
from mes_app.services.passwords import verify_password

WRONG_CODE = "error.second_factor_wrong"
ALREADY_ON = "error.second_factor_on"
NOT_STARTED = "error.second_factor_not_started"
REQUIRED = "error.second_factor_required"


@dataclass(frozen=True)
class SecurityStatus:
    on: bool
    required: bool  # the role must keep it on (it cannot be disabled)
    recovery_codes_left: int


@dataclass(frozen=True)
class Enrolment:
    secret: str  # to type into an app that cannot read the QR code
    uri: str
    qr_svg_data_uri: str


@dataclass(frozen=True)
class SessionView:
    id: int
    browser: str
    system: str
    created_at: datetime
    last_seen_at: datetime | None
    current: bool


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def status(session: Session, user_id: int) -> SecurityStatus:
    user = _user(session, user_id)
    left = len(session.exec(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user_id, col(RecoveryCode.used_at).is_(None))).all())
    required = accounts.settings.second_factor_required and rules.must_enrol(user.role)
    return SecurityStatus(user.second_factor_on_at is not None, required, left)


def start_enrolment(session: Session, user_id: int, *, now: datetime) -> Enrolment:
    """A new secret for this account, kept encrypted but not on until confirmed."""
    user = _user(session, user_id)
    if user.second_factor_on_at is not None:
        raise ValidationError(ALREADY_ON)
    secret = rules.new_secret()
    user.second_factor_secret = secret_box.encrypt(secret)
    user.second_factor_last_step = None
    session.add(user)
    session.commit()
    uri = rules.provisioning_uri(secret, user.email)
    return Enrolment(secret, uri, segno.make(uri, error="m").svg_data_uri(scale=4, border=2))


def confirm_enrolment(session: Session, user_id: int, code: object, *, now: datetime) -> list[str]:
    """Switch the second factor on with a first right code; the recovery codes (shown once)."""
    user = _user(session, user_id)
    if user.second_factor_on_at is not None:
        raise ValidationError(ALREADY_ON)
    secret = secret_box.decrypt(user.second_factor_secret) if user.second_factor_secret else None
    if secret is None:
        raise ValidationError(NOT_STARTED)
    step = rules.matching_step(secret, code, now, user.second_factor_last_step)
    if step is None:
        raise ValidationError(WRONG_CODE)
    user.second_factor_on_at = now
    user.second_factor_last_step = step
    session.add(user)
    codes = _replace_recovery_codes(session, user_id, now)
    session.commit()
    return codes


def _replace_recovery_codes(session: Session, user_id: int, now: datetime) -> list[str]:
    session.execute(sa_delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    codes = rules.new_recovery_codes()
    for code in codes:
        normalised = rules.normalise_recovery_code(code)
        assert normalised is not None
        session.add(RecoveryCode(user_id=user_id, code_hash=secret_box.keyed_hash(normalised), created_at=now))
    return codes


def disable(
    session: Session, user_id: int, *, password: object, code: object, now: datetime, client: str = ""
) -> None:
    """Switch the second factor off: the password and a code (TOTP or recovery) are needed.
    Wrong ones count as failed log-ins (same throttle, same keys): a stolen session cannot
    guess the password here faster than at the log-in."""
    user = _user(session, user_id)
    if user.second_factor_on_at is None:
        raise ValidationError(NOT_STARTED)
    if accounts.settings.second_factor_required and rules.must_enrol(user.role):
        raise ValidationError(REQUIRED)
    keys = accounts._throttle_keys(client, user.email)  # noqa: SLF001 - the log-in's counters
    rows = accounts._throttle_rows(session, keys)  # noqa: SLF001
    counters = {scope: accounts._counter(rows.get(scope)) for scope in keys}  # noqa: SLF001
    if not combined_gate(counters, now).allowed:
        raise ValidationError("error.too_many_attempts")
    refusal = None
    if not isinstance(password, str) or len(password) > 128 or not verify_password(password, user.password_hash):
        refusal = "error.bad_credentials"
    elif not _use_code(session, user, code, now):
        refusal = WRONG_CODE
    if refusal is not None:
        session.rollback()
        accounts._record_failures(session, keys, rows, counters, now)  # noqa: SLF001 - commits
        raise ValidationError(refusal)
    user.second_factor_secret = None
    user.second_factor_on_at = None
    user.second_factor_last_step = None
    session.add(user)
    session.execute(sa_delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    session.commit()


def _use_code(session: Session, user: User, code: object, now: datetime) -> bool:
    """Spend a right TOTP code (its step is remembered: no replay) or a recovery code (used
    once). The caller commits."""
    secret = secret_box.decrypt(user.second_factor_secret) if user.second_factor_secret else None
    if secret is not None:
        step = rules.matching_step(secret, code, now, user.second_factor_last_step)
        if step is not None:
            user.second_factor_last_step = step
            session.add(user)
            return True
    recovery = rules.normalise_recovery_code(code)
    if recovery is None:
        return False
    row = session.exec(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == secret_box.keyed_hash(recovery),
        col(RecoveryCode.used_at).is_(None))).first()
    if row is None:
        return False
    row.used_at = now
    session.add(row)
    return True


# --------------------------------------------------------------------------- log-in


def is_on(user: User) -> bool:
    return user.second_factor_on_at is not None


def begin_login(session: Session, user: User, *, now: datetime) -> str:
    """The pending second-factor step after a right password: its secret, for the cookie."""
    secret = secrets.token_urlsafe(accounts.SESSION_SECRET_BYTES)
    session.execute(sa_delete(LoginChallenge).where(col(LoginChallenge.expires_at) < now))
    session.add(LoginChallenge(user_id=user.id, token_hash=accounts.hash_secret(secret), created_at=now,
                               expires_at=now + rules.PENDING_LIFETIME))
    session.commit()
    return secret


def finish_login(session: Session, secret: object, code: object, *, now: datetime, client: str = "") -> User:
    """The user once the second factor is right; else ``accounts.LoginRefused``.

    ``error.second_factor_expired``: no pending step (missing, unknown, used, expired, too many
    wrong codes): the person starts again from the password. ``error.second_factor_wrong``: try
    again. Wrong codes are counted under the log-in throttle keys of the account's address.
    """
    if not isinstance(secret, str) or not secret or len(secret) > 200:
        raise accounts.LoginRefused("error.second_factor_expired")
    challenge = session.exec(select(LoginChallenge).where(
        LoginChallenge.token_hash == accounts.hash_secret(secret))).first()
    if challenge is None or challenge.used_at is not None or now >= challenge.expires_at \
            or challenge.failed_count >= rules.PENDING_MAX_ATTEMPTS:
        raise accounts.LoginRefused("error.second_factor_expired")
    user = _user(session, challenge.user_id)
    keys = accounts._throttle_keys(client, user.email)  # noqa: SLF001 - the same counters as passwords
    rows = accounts._throttle_rows(session, keys)  # noqa: SLF001
    counters = {scope: accounts._counter(rows.get(scope)) for scope in keys}  # noqa: SLF001
    gate = combined_gate(counters, now)
    if not gate.allowed:
        raise accounts.LoginRefused("error.account_locked" if gate.locked else "error.too_many_attempts",
                                    gate.retry_after_seconds)
    if not is_on(user) or not _use_code(session, user, code, now):
        session.rollback()
        challenge = session.get(LoginChallenge, challenge.id)
        assert challenge is not None
        challenge.failed_count += 1
        session.add(challenge)
        pair = accounts._record_failures(session, keys, rows, counters, now)  # noqa: SLF001 - commits
        if pair.locked_until is not None:
            raise accounts.LoginRefused("error.account_locked", int((pair.locked_until - now).total_seconds()))
        if challenge.failed_count >= rules.PENDING_MAX_ATTEMPTS:
            raise accounts.LoginRefused("error.second_factor_expired")
        raise accounts.LoginRefused(WRONG_CODE)
    challenge.used_at = now
    session.add(challenge)
    for scope in ("pair", "account"):
        if rows.get(scope) is not None:
            session.delete(rows[scope])
    session.commit()
    return user


# --------------------------------------------------------------------------- sessions


def list_sessions(session: Session, user_id: int, current_session_id: int, *, now: datetime) -> list[SessionView]:
    """One's own sessions still open (not revoked, not expired, not idle), the newest first."""
    rows = session.exec(select(AuthSession).where(
        AuthSession.user_id == user_id, col(AuthSession.revoked_at).is_(None), AuthSession.expires_at > now,
    ).order_by(col(AuthSession.created_at).desc(), col(AuthSession.id).desc())).all()
    limit = accounts.idle_limit()
    views = []
    for row in rows:
        if rules.is_idle(row.last_seen_at or row.created_at, now, limit):
            continue
        browser, system = rules.device_label(row.user_agent)
        views.append(SessionView(row.id, browser, system, row.created_at, row.last_seen_at,
                                 row.id == current_session_id))
    return views


def end_session(session: Session, user_id: int, session_id: object, *, now: datetime) -> int:
    """Log one of one's own sessions out; its id. Someone else's (or none) is not found."""
    if isinstance(session_id, bool) or not isinstance(session_id, (int, str)):
        raise NotFound()
    try:
        wanted = int(session_id)
    except ValueError as error:
        raise NotFound() from error
    row = session.get(AuthSession, wanted)
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        raise NotFound()
    row.revoked_at = now
    session.add(row)
    session.commit()
    return row.id


@dataclass(frozen=True)
class StoredSecrets:
    """Second-factor secrets in the database against the key of this machine (backups, restores)."""

    accounts: int  # accounts with a stored secret
    unreadable: int  # of those, how many this machine's key cannot open


def check_stored_secrets(session: Session) -> StoredSecrets:
    """Whether this machine's key (:mod:`mes_app.services.secret_box`) opens the stored secrets.

    The key is deliberately not in the database nor in a backup; a database restored on a machine
    with another key leaves those accounts unable to sign in until the old key is put back."""
    stored = session.exec(select(User.second_factor_secret).where(col(User.second_factor_secret).is_not(None))).all()
    unreadable = sum(1 for token in stored if token is not None and secret_box.decrypt(token) is None)
    return StoredSecrets(len(stored), unreadable)
