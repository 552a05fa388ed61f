"""Who runs the service (issue 15): accounts with the role ``operator``.

An operator is created only from the command line (``python -m mes_app operator add EMAIL``)
and sees no health data: the operator console's use cases load accounts, professionals'
applications and aggregate counts, never a profile's record. This module is the one gate every
operator use case and route goes through, so "is this caller an operator?" is answered once.
"""

from __future__ import annotations

from sqlmodel import Session

from mes_app.db.models import User

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
