"""The patient's access history: who opened which document or section, when, and through
which grant or link — everyone's accesses (and refused attempts) except the viewer's own.

Only the profile's owner or a guardian may read it (MANAGE on the profile).

It does not flood. Consecutive identical events (same actor, same action, same target, same
grant; for refusals, whatever the entry id tried) are one line with a count and a time range,
computed in SQL (window functions: "gaps and islands") and paged in SQL. Strangers' refused
attempts live in the operator's security log; the patient gets one line per run of them
("12 tentatives refusées entre … et …"), never who made them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from mes_app.db import models
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor
from mes_app.domain.access_log import LoggedAction
from mes_app.services.access_facts import authorize

PAGE_SIZE = 30
MAX_PAGE = 10_000

LEDGER = "ledger"
STRANGERS = "strangers"


@dataclass(frozen=True)
class AccessView:
    """One line of the history: one event, or a run of identical consecutive ones."""

    id: int  # the newest event of the line (in its source table)
    occurred_at: str  # ISO timestamp (UTC) of the newest event; the UI shows it in local time
    who: str  # a display name, or the label a link opener gave; "" for strangers
    who_role: str  # professional | patient | link | stranger | ""
    action: str  # a LoggedAction code: read | download | create | ... | denied
    target_kind: str  # a TARGET_KINDS code; "" for strangers' attempts
    target_label: str  # the document's title, "" for a section or several documents
    via: str  # care_team | caregiver | share_link | emergency | none
    grant_label: str  # the share link's label, "" otherwise
    count: int = 1  # how many events the line stands for
    first_at: str = ""  # ISO timestamp of the oldest event of the line
    source: str = LEDGER  # ledger | strangers (the security log, grouped)
    actors: int = 1  # for strangers: how many accounts tried

    @property
    def refused(self) -> bool:
        return self.action == LoggedAction.DENIED

    @property
    def key(self) -> str:
        return f"{self.source}-{self.id}"


@dataclass(frozen=True)
class AccessPage:
    items: list[AccessView]
    page: int
    has_more: bool


def _events(pid: int, viewer_id: int, since: datetime | None) -> sa.Subquery:
    """The ledger's events and the strangers' refusals of one profile, as one stream."""
    ae = models.AccessEvent.__table__
    se = models.SecurityEvent.__table__
    null_int = sa.cast(sa.null(), sa.Integer)
    null_str = sa.cast(sa.null(), sa.String)
    ledger = sa.select(
        ae.c.id.label("id"),
        ae.c.occurred_at.label("at"),
        sa.literal_column("0").label("src"),
        ae.c.actor_user_id.label("actor"),
        ae.c.actor_user_id.label("who_id"),
        ae.c.actor_label.label("label"),
        ae.c.action.label("action"),
        ae.c.target_kind.label("target_kind"),
        # a refusal is the same line whatever entry id was tried
        sa.case((ae.c.action == LoggedAction.DENIED.value, null_int), else_=ae.c.target_id).label("key_target"),
        ae.c.target_id.label("target_id"),
        ae.c.via.label("via"),
        ae.c.grant_id.label("grant_id"),
    ).where(
        ae.c.profile_id == pid,
        sa.or_(ae.c.actor_user_id.is_(None), ae.c.actor_user_id != viewer_id),
    )
    strangers = sa.select(
        se.c.id,
        se.c.occurred_at,
        sa.literal_column("1"),
        null_int,  # every stranger is the same "actor": the patient never learns who
        se.c.actor_user_id,
        null_str,
        se.c.action,
        sa.cast(sa.literal_column("''"), sa.String),
        null_int,
        null_int,
        sa.cast(sa.literal_column("'none'"), sa.String),
        null_int,
    ).where(se.c.profile_id == pid)
    if since is not None:  # an id probed before the profile existed is not about this patient
        strangers = strangers.where(se.c.occurred_at >= since)
    return sa.union_all(ledger, strangers).subquery("events")


def _grouped(pid: int, viewer_id: int, since: datetime | None, page_no: int) -> sa.Select:
    events = _events(pid, viewer_id, since)
    order = (events.c.at.desc(), events.c.src.desc(), events.c.id.desc())
    key = (events.c.src, events.c.actor, events.c.label, events.c.action, events.c.target_kind,
           events.c.key_target, events.c.via, events.c.grant_id)
    numbered = sa.select(
        events,
        sa.func.row_number().over(order_by=order).label("pos"),
        # equal for a run of consecutive events with the same key: the run's "island"
        (sa.func.row_number().over(order_by=order)
         - sa.func.row_number().over(partition_by=key, order_by=order)).label("island"),
    ).subquery("numbered")
    n = numbered.c
    group_key = (n.src, n.actor, n.label, n.action, n.target_kind, n.key_target, n.via, n.grant_id, n.island)
    return (
        sa.select(
            n.src, n.actor, n.label, n.action, n.target_kind, n.via, n.grant_id,
            sa.func.count().label("count"),
            sa.func.min(n.at).label("first_at"),
            sa.func.max(n.at).label("last_at"),
            sa.func.max(n.id).label("last_id"),
            sa.func.min(n.target_id).label("min_target"),
            sa.func.max(n.target_id).label("max_target"),
            sa.func.count(sa.distinct(n.who_id)).label("actors"),
            sa.func.min(n.pos).label("first_pos"),
        )
        .group_by(*group_key)
        .order_by(sa.func.min(n.pos))
        .offset(page_no * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )


def access_history(
    session: Session, actor: UserActor, profile_id: object, *, page: object = 0, now: datetime
) -> AccessPage:
    pid = v.parse_id(profile_id)
    page_no = v.parse_optional_int(page, field="page", min_value=0, max_value=MAX_PAGE) or 0
    authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind="access_history")
    session.commit()
    profile = session.get(models.Profile, pid)
    rows = session.execute(_grouped(pid, actor.user_id, profile.created_at if profile else None, page_no)).all()
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    users = _by_id(session, models.User, {r.actor for r in rows})
    single_docs = {r.min_target for r in rows if r.target_kind == "document" and r.min_target == r.max_target}
    docs = _by_id(session, models.Document, single_docs)
    links = _by_id(session, models.ShareLink, {r.grant_id for r in rows if r.via == "share_link"})
    return AccessPage([_view(r, pid, users, docs, links) for r in rows], page_no, has_more)


def _view(r, pid: int, users: dict, docs: dict, links: dict) -> AccessView:  # noqa: ANN001 - a result row
    stranger = r.src == 1
    user = users.get(r.actor)
    doc = docs.get(r.min_target) if r.target_kind == "document" and r.min_target == r.max_target else None
    if doc is not None and doc.profile_id != pid:
        doc = None  # an event about another family's id: never show their title
    link = links.get(r.grant_id) if r.via == "share_link" else None
    if stranger:
        who, role = "", "stranger"
    else:
        who = user.display_name if user else (r.label or "")
        role = user.role if user else ("link" if r.via == "share_link" else "")
    return AccessView(
        id=r.last_id,
        occurred_at=_iso(r.last_at),
        who=who,
        who_role=role,
        action=r.action,
        target_kind=r.target_kind,
        target_label=doc.title if doc else "",
        via=r.via,
        grant_label=(link.label if link and link.profile_id == pid else ""),
        count=r.count,
        first_at=_iso(r.first_at),
        source=STRANGERS if stranger else LEDGER,
        actors=r.actors if stranger else 1,
    )


def _iso(value: datetime | str) -> str:
    """A timestamp of the SQL aggregates, as aware UTC ISO text."""
    if isinstance(value, str):  # defensive: a driver that does not type aggregates
        value = datetime.fromisoformat(value)
    return models.TZ.process_result_value(value, None).isoformat()


def _by_id(session: Session, model, ids: set[int | None]) -> dict:  # noqa: ANN001
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {row.id: row for row in session.exec(select(model).where(model.id.in_(wanted)))}
