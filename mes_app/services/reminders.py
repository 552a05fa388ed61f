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
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from mes_app.db import models
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, decide, entry_target
from mes_app.domain.calendar import DEFAULT_TIMEZONE, local_date
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import appointments, emergency_card, prevention
from mes_app.services.access_facts import document_switches, load_profile_facts
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
    for profile in household:
        try:
            overdue = prevention.overdue_vaccines(session, actor, profile.id, now=now, lang=lang)
        except NotFound:
            overdue = []
        by_series: dict[str, list] = {}
        for item in overdue:
            by_series.setdefault(item.label, []).append(item)
        for label, items in by_series.items():
            found.append(ReminderView(f"vaccine-{profile.id}-{items[0].key}", "vaccine_overdue", profile.id,
                                      profile.given_name, label, items[0].late_date, "", len(items),
                                      LINKS["vaccine_overdue"]))
        documents = _new_documents(session, actor, profile.id, now)
        if documents:
            found.append(ReminderView(f"documents-{profile.id}", "new_documents", profile.id, profile.given_name, "",
                                      "", "", documents, LINKS["new_documents"]))
        added = _software_entries(session, profile.id, now)
        if added:
            found.append(ReminderView(f"software-{profile.id}", "software_entries", profile.id, profile.given_name,
                                      "", "", "", added, LINKS["software_entries"]))
        unread = _unread_messages(session, actor, profile.id)
        if unread:
            found.append(ReminderView(f"messages-{profile.id}", "unread_messages", profile.id, profile.given_name, "",
                                      "", "", unread, LINKS["unread_messages"]))
    found.sort(key=lambda r: (KINDS.index(r.kind), r.date, r.time, r.key))
    return found


_NEW_DOCUMENTS = select(models.Document).where(
    models.Document.profile_id == sa.bindparam("pid"),
    col(models.Document.deleted_at).is_(None),
    models.Document.created_at >= sa.bindparam("since"),
    models.Document.author_user_id != sa.bindparam("uid"),
)


def _new_documents(session: Session, actor: UserActor, profile_id: int, now: datetime) -> int:
    """Documents someone else added to the profile in the last 7 days, that the actor may read."""
    rows = session.exec(_NEW_DOCUMENTS, params={"pid": profile_id, "since": now - RECENT, "uid": actor.user_id}).all()
    if not rows:
        return 0
    facts = load_profile_facts(session, profile_id)
    if facts is None:  # no profile, so none of these documents either
        return 0
    switches = document_switches(session, [r.id for r in rows])
    count = 0
    for row in rows:
        target = entry_target(Section.DOCUMENTS, row, document_id=row.id, document_switches=switches.get(row.id, {}))
        if decide(actor, Action.READ, facts, target, now).visible:
            count += 1
    return count


def _software_entries(session: Session, profile_id: int, now: datetime) -> int:
    """FHIR API (issue 12 item 2): entries other than documents (those are counted above) that
    a professional's connected software added in the last 7 days. The owner and guardians see
    every entry, so no per-entry policy check is needed here."""
    return session.exec(select(func.count()).select_from(models.FhirIntake).where(
        models.FhirIntake.profile_id == profile_id, models.FhirIntake.created_at >= now - RECENT,
        models.FhirIntake.target_kind != "documents")).one()


def _build_unread() -> SelectOfScalar[int]:
    """Messages of the profile ``pid`` written by others after the user ``uid`` last read
    their thread (built once: it runs for each household profile on every home load)."""
    uid = sa.bindparam("uid")
    last_read = (
        select(models.MessageRead.last_read_at)
        .where(models.MessageRead.thread_id == models.MessageThread.id, models.MessageRead.user_id == uid)
        .scalar_subquery()
    )
    return (
        select(func.count(col(models.Message.id)))
        .join(models.MessageThread, col(models.MessageThread.id) == models.Message.thread_id)
        .where(
            models.MessageThread.profile_id == sa.bindparam("pid"),
            models.Message.author_user_id != uid,
            (last_read.is_(None)) | (models.Message.sent_at > last_read),
        )
    )


_UNREAD = _build_unread()


def _unread_messages(session: Session, actor: UserActor, profile_id: int) -> int:
    """Messages written by others after the user last read their thread."""
    return int(session.exec(_UNREAD, params={"uid": actor.user_id, "pid": profile_id}).one() or 0)


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
