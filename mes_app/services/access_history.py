"""The patient's access history: who opened which document or section, when, and through
which grant or link — everyone's accesses (and refused attempts) except the viewer's own.

Only the profile's owner or a guardian may read it (MANAGE on the profile).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, or_, select

from mes_app.db import models
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor
from mes_app.services.access_facts import authorize

PAGE_SIZE = 30


@dataclass(frozen=True)
class AccessView:
    id: int
    occurred_at: str  # ISO timestamp (UTC); the UI shows it in local time
    who: str  # a display name, or the label a link opener gave
    who_role: str  # professional | patient | link | ""
    action: str  # read | download | create | update | delete | manage | denied | ...
    target_kind: str  # a section / entry kind, or "document"
    target_label: str  # the document's title, "" for a section
    via: str  # care_team | caregiver | share_link | none
    grant_label: str  # the share link's label, "" otherwise


@dataclass(frozen=True)
class AccessPage:
    items: list[AccessView]
    page: int
    has_more: bool


def access_history(
    session: Session, actor: UserActor, profile_id: object, *, page: object = 0, now: datetime
) -> AccessPage:
    pid = v.parse_id(profile_id)
    page_no = v.parse_optional_int(page, field="page", min_value=0, max_value=10_000) or 0
    authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind="access_history")
    session.commit()
    rows = session.exec(
        select(models.AccessEvent)
        .where(
            models.AccessEvent.profile_id == pid,
            or_(models.AccessEvent.actor_user_id.is_(None), models.AccessEvent.actor_user_id != actor.user_id),
        )
        .order_by(models.AccessEvent.occurred_at.desc(), models.AccessEvent.id.desc())
        .offset(page_no * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    users = _by_id(session, models.User, {r.actor_user_id for r in rows})
    docs = _by_id(session, models.Document, {r.target_id for r in rows if r.target_kind == "document"})
    links = _by_id(session, models.ShareLink, {r.grant_id for r in rows if r.via == "share_link"})
    items = []
    for r in rows:
        user = users.get(r.actor_user_id)
        doc = docs.get(r.target_id) if r.target_kind == "document" else None
        if doc is not None and doc.profile_id != pid:
            doc = None  # an event about another family's id: never show their title
        link = links.get(r.grant_id) if r.via == "share_link" else None
        items.append(AccessView(
            id=r.id,
            occurred_at=r.occurred_at.isoformat(),
            who=user.display_name if user else (r.actor_label or ""),
            who_role=user.role if user else ("link" if r.via == "share_link" else ""),
            action=r.action,
            target_kind=r.target_kind,
            target_label=doc.title if doc else "",
            via=r.via,
            grant_label=(link.label if link and link.profile_id == pid else ""),
        ))
    return AccessPage(items, page_no, has_more)


def _by_id(session: Session, model, ids: set[int | None]) -> dict:  # noqa: ANN001
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {row.id: row for row in session.exec(select(model).where(model.id.in_(wanted)))}
