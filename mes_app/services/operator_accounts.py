"""The operator's account tools (issue 15): find an account by e-mail, lock, unlock, end its
sessions. What an operator sees of an account is :class:`AccountView`: the account itself,
never a profile, a record, a document or any health data.

Every use case goes through :func:`mes_app.services.operators.operator_account`: a caller who
is not an operator gets ``NotFound``, like an unknown account. Each decision is logged
(:mod:`mes_app.services.operator_log`) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from mes_app.db.models import AuthSession, User
from mes_app.domain import validation as v
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import accounts, operator_log
from mes_app.services.operators import OPERATOR_ROLE, operator_account

CANNOT_LOCK_OPERATOR = "error.operator_cannot_lock_operator"
# Operator log codes (operator_log.ACTIONS), named here so they are not mistaken for access-log codes.
LOCK, UNLOCK, END_SESSIONS = "account_lock", "account_unlock", "account_end_sessions"


@dataclass(frozen=True)
class AccountView:
    """An account as the operator console shows it (no health data, by construction)."""

    user_id: int
    email: str
    display_name: str
    role: str
    created_at: datetime
    activated: bool
    locked: bool
    second_factor_on: bool
    active_sessions: int
    last_activity: datetime | None


def _gate(session: Session, operator_id: int | None) -> User:
    operator = operator_account(session, operator_id)
    if operator is None:
        raise NotFound()
    return operator


def _view(session: Session, user: User, now: datetime | None = None) -> AccountView:
    live = [col(AuthSession.user_id) == user.id, col(AuthSession.revoked_at).is_(None)]
    if now is not None:
        live.append(col(AuthSession.expires_at) > now)
    count = session.exec(select(sa.func.count()).select_from(AuthSession).where(*live)).one()
    last = session.exec(select(sa.func.max(AuthSession.last_seen_at)).where(AuthSession.user_id == user.id)).one()
    return AccountView(
        user_id=user.id, email=user.email, display_name=user.display_name, role=user.role,
        created_at=user.created_at, activated=user.activated_at is not None,
        locked=user.locked_by_operator_at is not None, second_factor_on=user.second_factor_on_at is not None,
        active_sessions=int(count), last_activity=last,
    )


def find_account(session: Session, operator_id: int | None, email: object, *,
                 now: datetime | None = None) -> AccountView:
    """The account with this e-mail; ``NotFound`` for a non-operator or an unknown address."""
    _gate(session, operator_id)
    try:
        address = v.parse_email(email)
    except ValidationError:
        raise NotFound() from None
    user = session.exec(select(User).where(User.email == address)).first()
    if user is None:
        raise NotFound()
    return _view(session, user, now)


def _target(session: Session, user_id: object) -> User:
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise NotFound()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def account(session: Session, operator_id: int | None, user_id: object, now: datetime) -> AccountView:
    """The account with this id as the console shows it (after an action on it)."""
    _gate(session, operator_id)
    return _view(session, _target(session, user_id), now)


def lock(session: Session, operator_id: int | None, user_id: object, now: datetime) -> AccountView:
    """Lock the account (it can no longer log in) and end all its sessions. Operators (including
    oneself) cannot be locked: ``ValidationError(error.operator_cannot_lock_operator)``."""
    operator = _gate(session, operator_id)
    user = _target(session, user_id)
    if user.role == OPERATOR_ROLE or user.id == operator.id:
        raise ValidationError(CANNOT_LOCK_OPERATOR)
    if user.locked_by_operator_at is None:
        user.locked_by_operator_at = now
        session.add(user)
    operator_log.record(session, operator_user_id=operator.id, action=LOCK, target_user_id=user.id, now=now)
    accounts.revoke_all_sessions(session, user.id, now=now)  # commits the lock and the log line too
    return _view(session, user, now)


def unlock(session: Session, operator_id: int | None, user_id: object, now: datetime) -> AccountView:
    """Lift an operator's lock: the account can log in again."""
    operator = _gate(session, operator_id)
    user = _target(session, user_id)
    user.locked_by_operator_at = None
    session.add(user)
    operator_log.record(session, operator_user_id=operator.id, action=UNLOCK, target_user_id=user.id,
                        now=now)
    session.commit()
    return _view(session, user, now)


def end_sessions(session: Session, operator_id: int | None, user_id: object, now: datetime) -> int:
    """End every session of the account (it stays able to log in); returns how many ended."""
    operator = _gate(session, operator_id)
    user = _target(session, user_id)
    operator_log.record(session, operator_user_id=operator.id, action=END_SESSIONS,
                        target_user_id=user.id, now=now)
    return accounts.revoke_all_sessions(session, user.id, now=now)  # commits the log line too
