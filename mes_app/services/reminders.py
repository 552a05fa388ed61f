"""Reminders: what needs attention across every profile the user manages (their own and the
children's): proposals to answer, appointments in the next 7 days, overdue vaccinations,
documents added by someone else in the last 7 days, unread messages, and the openings of an
emergency card in the last 7 days (a notice: "your card was opened by X on ...").

Only the account's own profile and the profiles it is a guardian of are scanned; every count
goes through the access policy (a document switched off, an entry hidden… are not counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from mes_app.db import models
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, decide, entry_target
from mes_app.domain.calendar import DEFAULT_TIMEZONE, local_date
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.record_kinds import ENTRY_KINDS
from mes_app.services import appointments, emergency_card, prevention
from mes_app.services.access_facts import document_switches, load_facts_of, load_profile_facts
from mes_app.services.profiles import accessible_profiles

SOON = timedelta(days=7)
RECENT = timedelta(days=7)
MAX_EMERGENCY_NOTICES = 10
EMERGENCY_KEY = "emergency-"  # a notice's key: "emergency-<access event id>"
DISMISSABLE = frozenset({"emergency_opened"})
KINDS = (
    "emergency_opened", "appointment_proposed", "appointment_soon", "vaccine_overdue", "new_documents",
    "unread_messages",
    "software_entries",  # FHIR API (issue 12 item 2): entries a professional's software added
)
LINKS = {
    "emergency_opened": "/access-history",
    "appointment_proposed": "/appointments",
    "appointment_soon": "/appointments",
    "vaccine_overdue": "/prevention",
    "new_documents": "/documents",
    "unread_messages": "/messages",
    "software_entries": "/access-history",  # FHIR API (issue 12 item 2)
}


@dataclass(frozen=True)
class ReminderView:
    key: str
    kind: str  # one of KINDS
    profile_id: int
    profile_name: str  # given name
    title: str  # an appointment's or a vaccine's name, "" for counts
    date: str  # ISO local date, "" for counts
    time: str  # "09:30", "" when not an appointment
    count: int
    link: str


def reminders(session: Session, actor: UserActor, *, now: datetime, lang: str = "fr",
              upcoming: list[appointments.AppointmentView] | None = None) -> list[ReminderView]:
    """What needs attention across the household. ``upcoming``: the household's appointments
    from today (not closed), when the caller (home) has already read them."""
    household = [p for p in accessible_profiles(session, actor, now=now) if p.relationship in ("owner", "guardian")]
    if not household:
        return []
    found: list[ReminderView] = []
    ids = [p.id for p in household]
    if upcoming is None:
        upcoming = appointments.list_upcoming(session, actor, ids, now=now, include_closed=False)
    for item in upcoming:
        starts = datetime.fromisoformat(item.values["starts_at"]).replace(tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
        if item.status == "proposed":
            kind = "appointment_proposed"
        elif starts <= now + SOON and starts >= now - timedelta(hours=1):
            kind = "appointment_soon"
        else:
            continue
        found.append(ReminderView(f"appointment-{item.id}", kind, item.profile_id, item.profile_name, item.title,
                                  item.date, item.time, 1, LINKS[kind]))
    names = {p.id: p.given_name for p in household}
    dismissed = _dismissed_event_ids(session, actor)
    openings = [o for o in emergency_card.recent_openings(session, ids, since=now - RECENT) if o.id not in dismissed]
    for opening in openings[:MAX_EMERGENCY_NOTICES]:
        when = opening.occurred_at.astimezone(ZoneInfo(DEFAULT_TIMEZONE))
        found.append(ReminderView(f"{EMERGENCY_KEY}{opening.id}", "emergency_opened", opening.profile_id,
                                  names[opening.profile_id], opening.label, local_date(opening.occurred_at).isoformat(),
                                  when.strftime("%H:%M"), 1, LINKS["emergency_opened"]))
    # Every count below is read for the whole household at once: a fixed number of queries,
    # whatever the number of profiles (tests/services/test_query_counts.py).
    overdue = prevention.household_overdue(session, actor, ids, now=now, lang=lang)
    documents = _new_documents(session, actor, ids, now)
    added = _software_entries(session, actor, ids, now)
    unread = _unread_messages(session, actor, ids)
    for profile in household:
        by_series: dict[str, list] = {}
        for item in overdue.get(profile.id, []):
            by_series.setdefault(item.label, []).append(item)
        for label, items in by_series.items():
            found.append(ReminderView(f"vaccine-{profile.id}-{items[0].key}", "vaccine_overdue", profile.id,
                                      profile.given_name, label, items[0].late_date, "", len(items),
                                      LINKS["vaccine_overdue"]))
        if documents.get(profile.id):
            found.append(ReminderView(f"documents-{profile.id}", "new_documents", profile.id, profile.given_name, "",
                                      "", "", documents[profile.id], LINKS["new_documents"]))
        if added.get(profile.id):
            found.append(ReminderView(f"software-{profile.id}", "software_entries", profile.id, profile.given_name,
                                      "", "", "", added[profile.id], LINKS["software_entries"]))
        if unread.get(profile.id):
            found.append(ReminderView(f"messages-{profile.id}", "unread_messages", profile.id, profile.given_name, "",
                                      "", "", unread[profile.id], LINKS["unread_messages"]))
    found.sort(key=lambda r: (KINDS.index(r.kind), r.date, r.time, r.key))
    return found


_IDS = sa.bindparam("ids", expanding=True)
_NEW_DOCUMENTS = select(models.Document).where(
    col(models.Document.profile_id).in_(_IDS),
    col(models.Document.deleted_at).is_(None),
    models.Document.created_at >= sa.bindparam("since"),
    models.Document.author_user_id != sa.bindparam("uid"),
).order_by(col(models.Document.id))


def _new_documents(session: Session, actor: UserActor, profile_ids: list[int], now: datetime) -> dict[int, int]:
    """Per profile: the documents someone else added in the last 7 days, that the actor may read."""
    rows = session.exec(_NEW_DOCUMENTS, params={"ids": profile_ids, "since": now - RECENT,
                                                "uid": actor.user_id}).all()
    if not rows:
        return {}
    facts = load_facts_of(session, sorted({r.profile_id for r in rows}))
    switches = document_switches(session, [r.id for r in rows])
    counts: dict[int, int] = {}
    for row in rows:
        profile = facts.get(row.profile_id)
        if profile is None:  # no profile, so none of its documents either
            continue
        target = entry_target(Section.DOCUMENTS, row, document_id=row.id, document_switches=switches.get(row.id, {}))
        if decide(actor, Action.READ, profile, target, now).visible:
            counts[row.profile_id] = counts.get(row.profile_id, 0) + 1
    return counts


# What a connected software adds besides record entries and documents: (model, section).
_SOFTWARE_TARGETS = {"measures": (models.Measure, Section.MEASURES),
                     "lab_results": (models.LabReport, Section.LAB_RESULTS)}
_INTAKES = select(models.FhirIntake.profile_id, models.FhirIntake.target_kind, models.FhirIntake.target_id).where(
    col(models.FhirIntake.profile_id).in_(_IDS), models.FhirIntake.created_at >= sa.bindparam("since"),
    models.FhirIntake.target_kind != "documents").order_by(col(models.FhirIntake.id))


def _software_target(kind: str) -> tuple[Any, Section] | None:
    from mes_app.services.records import MODELS

    if kind in _SOFTWARE_TARGETS:
        return _SOFTWARE_TARGETS[kind]
    if kind in MODELS and kind in ENTRY_KINDS:
        return MODELS[kind], ENTRY_KINDS[kind].section
    return None


def _software_entries(session: Session, actor: UserActor, profile_ids: list[int], now: datetime) -> dict[int, int]:
    """FHIR API (issue 12 item 2): per profile, the entries other than documents (those are
    counted above) that a professional's connected software added in the last 7 days, that the
    actor may read: one query for the intakes, one per kind of entry they name.

    Each entry is judged by the policy: one marked "invisible to legal representatives"
    afterwards (teen) must not show up in a guardian's count either."""
    intakes = session.exec(_INTAKES, params={"ids": profile_ids, "since": now - RECENT}).all()
    if not intakes:
        return {}
    facts = load_facts_of(session, sorted({pid for pid, _, _ in intakes}))
    targets = {kind: found for kind in {kind for _, kind, _ in intakes} if (found := _software_target(kind))}
    rows: dict[tuple[str, int], Any] = {}
    for kind, (model, _) in targets.items():
        ids = sorted({target_id for _, k, target_id in intakes if k == kind})
        for row in session.exec(select(model).where(col(model.id).in_(ids))):
            rows[(kind, row.id)] = row
    counts: dict[int, int] = {}
    for pid, kind, target_id in intakes:
        row, profile = rows.get((kind, target_id)), facts.get(pid)
        if row is None or row.profile_id != pid or profile is None:
            continue
        if decide(actor, Action.READ, profile, entry_target(targets[kind][1], row), now).visible:
            counts[pid] = counts.get(pid, 0) + 1
    return counts


def _build_unread() -> sa.Select:
    """Per profile of ``ids``: the messages written by others after the user ``uid`` last read
    their thread (built once: it runs on every home load)."""
    uid = sa.bindparam("uid")
    last_read = (
        select(models.MessageRead.last_read_at)
        .where(models.MessageRead.thread_id == models.MessageThread.id, models.MessageRead.user_id == uid)
        .scalar_subquery()
    )
    return (
        sa.select(col(models.MessageThread.profile_id), func.count(col(models.Message.id)))
        .join(models.MessageThread, col(models.MessageThread.id) == models.Message.thread_id)
        .where(
            col(models.MessageThread.profile_id).in_(_IDS),
            col(models.Message.author_user_id) != uid,
            (last_read.is_(None)) | (models.Message.sent_at > last_read),
        )
        .group_by(col(models.MessageThread.profile_id))
    )


_UNREAD = _build_unread()


def _unread_messages(session: Session, actor: UserActor, profile_ids: list[int]) -> dict[int, int]:
    """Per profile: the messages written by others after the user last read their thread."""
    return {pid: int(n or 0) for pid, n in session.execute(_UNREAD, {"uid": actor.user_id, "ids": profile_ids}).all()}


# --------------------------------------------------------------------------- dismissing notices


def _dismissed_event_ids(session: Session, actor: UserActor) -> set[int]:
    return set(session.exec(
        select(models.NoticeDismissal.access_event_id).where(models.NoticeDismissal.user_id == actor.user_id)
    ).all())


def dismiss_notice(session: Session, actor: UserActor, key: object, *, now: datetime) -> None:
    """The account no longer sees this emergency-opening notice (the access history keeps it).

    ``key`` comes from the browser ("emergency-<access event id>"): the event must be an
    emergency-card opening of a profile the actor manages (owner or guardian), checked with
    the access policy against that profile; anything else is *not found*. Idempotent.
    """
    if not isinstance(key, str) or not key.startswith(EMERGENCY_KEY):
        raise NotFound()
    try:
        event_id = v.parse_id(key[len(EMERGENCY_KEY):])
    except ValidationError:
        raise NotFound() from None
    event = session.get(models.AccessEvent, event_id)
    if (event is None or event.via != emergency_card.PURPOSE or event.action != "read"
            or event.profile_id is None):
        raise NotFound()
    facts = load_profile_facts(session, event.profile_id)
    if facts is None or not decide(actor, Action.MANAGE, facts, Target(Section.PROFILE), now).allowed:
        raise NotFound()
    if event_id not in _dismissed_event_ids(session, actor):
        session.add(models.NoticeDismissal(user_id=actor.user_id, access_event_id=event_id, dismissed_at=now))
    session.commit()
