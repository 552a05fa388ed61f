"""The patient's access history: who opened which document or section, when, and through
which grant or link — everyone's accesses (and refused attempts) except the viewer's own.

Only the profile's owner or a guardian may read it (MANAGE on the profile).

It does not flood. Consecutive identical events (same actor, same action, same target, same
grant; for refusals, whatever the entry id tried) are one line with a count and a time range.
The lines (``access_line``) are kept up to date as events are recorded
(:func:`mes_app.services.access_facts.extend_line`), so a page reads only the lines it shows,
newest first, on the (profile, time) index — however many events there were. Strangers'
refused attempts live in the operator's security log; the patient gets one line per run of
them ("12 tentatives refusées entre … et …"), never who made them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, or_, select

from mes_app.db import models
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, Via
from mes_app.domain.access_log import LEDGER, STRANGERS, LoggedAction
from mes_app.services.access_facts import authorize

PAGE_SIZE = 30
MAX_PAGE = 10_000


@dataclass(frozen=True)
class AccessView:
    """One line of the history: one event, or a run of identical consecutive ones."""

    id: int  # the line's id (an access_line row)
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


def _lines(pid: int, viewer_id: int, page_no: int):  # noqa: ANN202 - a select of AccessLine
    """The lines one page shows (and one more, for "see more"), on the (profile, time) index."""
    return (
        select(models.AccessLine)
        .where(
            models.AccessLine.profile_id == pid,
            or_(col(models.AccessLine.actor_user_id).is_(None), models.AccessLine.actor_user_id != viewer_id),
        )
        .order_by(col(models.AccessLine.last_at).desc(), col(models.AccessLine.id).desc())
        .offset(page_no * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )


def access_history(
    session: Session, actor: UserActor, profile_id: object, *, page: object = 0, now: datetime
) -> AccessPage:
    pid = v.parse_id(profile_id)
    page_no = v.parse_optional_int(page, field="page", min_value=0, max_value=MAX_PAGE) or 0
    decision = authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now,
                         target_kind="access_history")
    session.commit()
    rows = session.exec(_lines(pid, actor.user_id, page_no)).all()
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if decision.via is not Via.OWNER:
        rows = _without_secrets(session, pid, rows)
    users = _by_id(session, models.User, {r.actor_user_id for r in rows})
    docs = _by_id(session, models.Document, {r.min_target_id for r in rows if _one_document(r)})
    links = _by_id(session, models.ShareLink, {r.grant_id for r in rows if r.via == "share_link"})
    return AccessPage([_view(r, pid, users, docs, links) for r in rows], page_no, has_more)


def _one_document(line: models.AccessLine) -> bool:
    return (
        line.target_kind == "document" and line.min_target_id is not None and line.min_target_id == line.max_target_id
    )


def _view(r: models.AccessLine, pid: int, users: dict, docs: dict, links: dict) -> AccessView:
    stranger = r.source == STRANGERS
    user = users.get(r.actor_user_id)
    doc = docs.get(r.min_target_id) if _one_document(r) else None
    if doc is not None and doc.profile_id != pid:
        doc = None  # an event about another family's id: never show their title
    link = links.get(r.grant_id) if r.via == "share_link" else None
    if stranger:
        who, role = "", "stranger"
    else:
        who = user.display_name if user else (r.actor_label or "")
        role = user.role if user else ("link" if r.via == "share_link" else "")
    return AccessView(
        id=r.id,
        occurred_at=r.last_at.isoformat(),
        who=who,
        who_role=role,
        action=r.action,
        target_kind=r.target_kind,
        target_label=doc.title if doc else "",
        via=r.via,
        grant_label=(link.label if link and link.profile_id == pid else ""),
        count=r.count,
        first_at=r.first_at.isoformat(),
        source=STRANGERS if stranger else LEDGER,
    )


def _by_id(session: Session, model, ids: set[int | None]) -> dict:  # noqa: ANN001
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {row.id: row for row in session.exec(select(model).where(model.id.in_(wanted)))}


# --------------------------------------------------------------------------- teen: minors' secrecy


def _without_secrets(session: Session, pid: int, rows: Sequence[models.AccessLine]) -> list[models.AccessLine]:
    """A guardian's history leaves out every line about an entry or document kept from the legal
    representatives (CSP L.1111-5): "Dr X opened <title>" would tell them it exists. A line of
    several targets is left out when any of them is such an entry (fail closed)."""
    from mes_app.services.records import MODELS

    tables = {"document": models.Document, **MODELS}
    kept = []
    for row in rows:
        model = tables.get(row.target_kind)
        low, high = row.min_target_id, row.max_target_id
        if model is None or low is None or high is None:
            kept.append(row)
            continue
        secret = session.exec(select(model.id).where(
            model.profile_id == pid, col(model.hidden_from_guardians).is_(True),
            col(model.id) >= low, col(model.id) <= high).limit(1)).first()
        if secret is None:
            kept.append(row)
    return kept
