"""The operator actions log (issue 15): every decision of the console and of the command line,
with who made it and when. Codes and account ids only, never health data.

:func:`record` is called by each operator use case in the same transaction as the decision it
records (the caller commits). :func:`entries` is what the console's audit export lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from mes_app.db.models import OperatorAction, User

# The codes an action may have (a typo in a caller fails loudly instead of writing a new code).
ACTIONS = frozenset({
    "operator_add",  # the command line: operator_user_id is None
    "professional_verify",
    "professional_refuse",
    "professional_suspend",
    "professional_reactivate",
    "account_lock",
    "account_unlock",
    "account_end_sessions",
    "audit_export",
})


@dataclass(frozen=True)
class LoggedOperatorAction:
    """One line of the audit export: when, which operator (e-mail), what, on which account."""

    occurred_at: datetime
    operator_email: str  # "" for the command line
    action: str
    target_email: str  # "" when the action has no target account


def record(session: Session, *, operator_user_id: int | None, action: str, target_user_id: int | None,
           now: datetime) -> OperatorAction:
    """Add one line to the log (not committed: it belongs to the caller's transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown operator action {action!r}")
    row = OperatorAction(occurred_at=now, operator_user_id=operator_user_id, action=action,
                         target_user_id=target_user_id)
    session.add(row)
    return row


def entries(session: Session, *, limit: int | None = None) -> list[LoggedOperatorAction]:
    """The log, newest first, with the e-mails of the operator and of the target account."""
    operator = aliased(User)
    target = aliased(User)
    query = (
        select(OperatorAction.occurred_at, operator.email, OperatorAction.action, target.email)
        .outerjoin(operator, col(operator.id) == OperatorAction.operator_user_id)
        .outerjoin(target, col(target.id) == OperatorAction.target_user_id)
        .order_by(col(OperatorAction.occurred_at).desc(), col(OperatorAction.id).desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        LoggedOperatorAction(occurred_at=when, operator_email=by or "", action=what, target_email=on or "")
        for when, by, what, on in session.exec(query).all()
    ]
