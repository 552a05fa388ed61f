"""The operator's security log: refused attempts by strangers (accounts with no relationship
to the profile they aimed at), newest first, paged in SQL.

Codes only — which account, which action and target kind, which ids, when — never health
data. There is no operator role yet: this is for trusted callers (a command line, a future
operator page behind its own access check). Never call it from a patient-facing State.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from mes_app.db import table_of
from mes_app.db.models import SecurityEvent
from mes_app.domain import validation as v

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class SecurityEventView:
    id: int
    occurred_at: str  # ISO timestamp, UTC
    actor_user_id: int | None
    action: str  # a LoggedAction code
    target_kind: str  # a TARGET_KINDS code
    profile_id: int | None  # the profile aimed at (it may not exist)
    target_id: int | None  # the id tried


@dataclass(frozen=True)
class SecurityPage:
    items: list[SecurityEventView]
    has_more: bool
    next_before_id: int | None  # pass as ``before_id`` for the next (older) page


@dataclass(frozen=True)
class ProberView:
    actor_user_id: int | None
    attempts: int
    profiles: int  # how many different profiles were aimed at
    first_at: str
    last_at: str


def security_events(
    session: Session,
    *,
    before_id: object = None,
    actor_user_id: object = None,
    since: datetime | None = None,
    page_size: object = PAGE_SIZE,
) -> SecurityPage:
    """One page of the log, newest first (keyset paging on the id: stable while rows arrive)."""
    before = v.parse_optional_int(before_id, field="before_id", min_value=1, max_value=2**62)
    actor = v.parse_optional_int(actor_user_id, field="actor_user_id", min_value=1, max_value=2**62)
    size = v.parse_optional_int(page_size, field="page_size", min_value=1, max_value=MAX_PAGE_SIZE) or PAGE_SIZE
    t = table_of(SecurityEvent)
    query = sa.select(t).order_by(t.c.id.desc()).limit(size + 1)
    if before is not None:
        query = query.where(t.c.id < before)
    if actor is not None:
        query = query.where(t.c.actor_user_id == actor)
    if since is not None:
        query = query.where(t.c.occurred_at >= since)
    rows = session.execute(query).all()
    has_more = len(rows) > size
    rows = rows[:size]
    items = [
        SecurityEventView(r.id, r.occurred_at.isoformat(), r.actor_user_id, r.action, r.target_kind,
                          r.profile_id, r.target_id)
        for r in rows
    ]
    return SecurityPage(items, has_more, items[-1].id if has_more else None)


def top_probers(session: Session, *, since: datetime, limit: object = 20) -> list[ProberView]:
    """The accounts with the most refused attempts since ``since``: who to look at first."""
    size = v.parse_optional_int(limit, field="limit", min_value=1, max_value=MAX_PAGE_SIZE) or 20
    t = table_of(SecurityEvent)
    rows = session.execute(
        sa.select(
            t.c.actor_user_id,
            sa.func.count().label("attempts"),
            sa.func.count(sa.distinct(t.c.profile_id)).label("profiles"),
            sa.func.min(t.c.occurred_at).label("first_at"),
            sa.func.max(t.c.occurred_at).label("last_at"),
        )
        .where(t.c.occurred_at >= since)
        .group_by(t.c.actor_user_id)
        .order_by(sa.func.count().desc(), t.c.actor_user_id)
        .limit(size)
    ).all()
    return [ProberView(r.actor_user_id, r.attempts, r.profiles, r.first_at.isoformat(), r.last_at.isoformat())
            for r in rows]
