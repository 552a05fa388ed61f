"""Who runs the service (issue 15): accounts with the role ``operator``.

An operator is created only from the command line (``python -m mes_app operator add EMAIL``)
and sees no health data: the operator console's use cases load accounts, professionals'
applications and aggregate counts, never a profile's record. This module is the one gate every
operator use case and route goes through, so "is this caller an operator?" is answered once.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import Session, select

from mes_app.db.models import User
from mes_app.domain import validation as v
from mes_app.domain.errors import ValidationError
from mes_app.services import operator_log
from mes_app.services.passwords import hash_password

OPERATOR_ROLE = "operator"


def is_operator(user: User | None) -> bool:
    """Whether this account may use the operator console: role operator and activated."""
    return user is not None and user.role == OPERATOR_ROLE and user.activated_at is not None


def operator_account(session: Session, user_id: int | None) -> User | None:
    """The operator behind ``user_id`` (from the server-side session), or None for anyone else:
    callers answer *not found* then, like for any stranger."""
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    user = session.get(User, user_id)
    return user if is_operator(user) else None


NAME_MAX_LEN = 120
ADD = "operator_add"  # the operator log code (operator_log.ACTIONS), not an access-log one


def add_operator(session: Session, email: object, name: object, now: datetime) -> User:
    """Create an activated operator account (the command line's ``operator add``) and log it.

    The password is a random secret nobody ever sees: the operator chooses theirs through a
    one-time reset link. Raises ``ValidationError`` (nothing changed) for an invalid e-mail
    (``error.invalid_email`` / ``error.required``), an e-mail that already has an account
    (``error.email_taken``) or a name longer than 120 characters (``error.text_too_long``).
    """
    address = v.parse_email(email)
    if session.exec(select(User).where(User.email == address)).first() is not None:
        raise ValidationError("error.email_taken", field="email")
    display_name = name.strip() if isinstance(name, str) and name.strip() else address.partition("@")[0]
    if len(display_name) > NAME_MAX_LEN:
        raise ValidationError("error.text_too_long", field="name", max=NAME_MAX_LEN)
    user = User(
        email=address,
        password_hash=hash_password(secrets.token_urlsafe(32)),  # unusable: never shown, never kept
        display_name=display_name,
        role=OPERATOR_ROLE,
        created_at=now,
        activated_at=now,
    )
    session.add(user)
    session.flush()
    operator_log.record(session, operator_user_id=None, action=ADD, target_user_id=user.id, now=now)
    session.commit()
    return user
