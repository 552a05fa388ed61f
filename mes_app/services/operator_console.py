"""The operator console's home (issue 15 item 1): what needs the operator's attention, and the
latest decisions of the operator log. Counts and account e-mails only, never health data.

Anyone but an operator gets ``NotFound``, like for every operator use case.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from mes_app.db.models import User
from mes_app.domain.errors import NotFound
from mes_app.services import operator_log
from mes_app.services.operators import operator_account

RECENT_ACTIONS = 10


@dataclass(frozen=True)
class ConsoleOverview:
    applications_waiting: int  # professionals who applied and wait for a decision
    accounts_locked: int  # accounts an operator locked
    recent: list[operator_log.LoggedOperatorAction]  # newest first, at most RECENT_ACTIONS


def overview(session: Session, operator_id: object) -> ConsoleOverview:
    if operator_account(session, operator_id) is None:  # type: ignore[arg-type]  # any value: the gate checks
        raise NotFound()
    waiting = session.exec(
        select(sa.func.count()).select_from(User).where(col(User.professional_status) == "applied")
    ).one()
    locked = session.exec(
        select(sa.func.count()).select_from(User).where(col(User.locked_by_operator_at).is_not(None))
    ).one()
    return ConsoleOverview(applications_waiting=int(waiting), accounts_locked=int(locked),
                           recent=operator_log.entries(session, limit=RECENT_ACTIONS))
