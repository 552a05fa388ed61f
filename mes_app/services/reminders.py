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
from mes_app.domain.access import Action, Section, Target, UserActor, Via, decide, entry_target, relationship_to
from mes_app.domain.calendar import DEFAULT_TIMEZONE
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.record_kinds import ENTRY_KINDS
from mes_app.services import appointments, emergency_card, prevention
from mes_app.services.access_facts import document_switches, load_facts_of, load_profile_facts
from mes_app.services.profiles import ProfileView, accessible_profiles

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
              upcoming: list[appointments.AppointmentView] | None = None,
              profiles: list[ProfileView] | None = None) -> list[ReminderView]:
    """What needs attention across the household. ``upcoming``: the household's appointments
    from today (not closed), when the caller (home) has already read them; ``profiles``: the
    profiles the actor may open, when the caller has read them in this session (the household
    is then re-judged on the session's facts: no statement, no stale view trusted)."""
    household = _household(session, actor, profiles, now)
    if not household:
        return []
    found: list[ReminderView] = []
    ids = [p.id for p in household]
    if upcoming is None:
        upcoming = appointments.list_upcoming(session, actor, ids, now=now, include_closed=False)
    for item in upcoming:
        starts = datetime.fromisoformat(item.values["starts_at"]).replace(tzinfo=_PARIS)
        if item.status == "proposed":
            kind = "appointment_proposed"
        elif starts <= now + SOON and starts >= now - timedelta(hours=1):
            kind = "appointment_soon"
        else:
            continue
        found.append(ReminderView(f"appointment-{item.id}", kind, item.profile_id, item.profile_name, item.title,
                                  item.date, item.time, 1, LINKS[kind]))
    names = {p.id: p.given_name for p in household}
    openings = emergency_card.recent_openings(session, ids, since=now - RECENT, dismissed_by=actor.user_id)
    for opening in openings[:MAX_EMERGENCY_NOTICES]:
        when = opening.occurred_at.astimezone(_PARIS)
        found.append(ReminderView(f"{EMERGENCY_KEY}{opening.id}", "emergency_opened", opening.profile_id,
                                  names[opening.profile_id], opening.label, when.date().isoformat(),
                                  when.strftime("%H:%M"), 1, LINKS["emergency_opened"]))
    # Every count below is read for the whole household at once: a fixed number of queries,
    # whatever the number of profiles (tests/services/test_query_counts.py).
    overdue = prevention.household_overdue(session, actor, ids, now=now, lang=lang)
    documents, added, unread = _news(session, actor, ids, now)
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


_PARIS = ZoneInfo(DEFAULT_TIMEZONE)
_HOUSEHOLD = (Via.OWNER, Via.GUARDIAN)


def _household(session: Session, actor: UserActor, profiles: list[ProfileView] | None,
               now: datetime) -> list[ProfileView]:
    """The profiles the actor manages (their own, the children's). From ``profiles`` when given:
    each is judged again by the policy on the facts this session holds (cached by the caller's
    ``accessible_profiles``: no statement), so a view older than the session counts for nothing."""
    if profiles is None:
        return [p for p in accessible_profiles(session, actor, now=now) if p.relationship in ("owner", "guardian")]
    facts = load_facts_of(session, [p.id for p in profiles])
    return [p for p in profiles
            if (f := facts.get(p.id)) is not None and relationship_to(actor, f, now) in _HOUSEHOLD]


_IDS = sa.bindparam("ids", expanding=True)

def _build_news() -> sa.CompoundSelect:
    """What is new on the profiles ``ids``, in one statement (built once: it runs on every home
    load), one row per candidate, the policy judging them afterwards in Python:

    - ``documents``: a document someone else than the user ``uid`` added since ``since``, with
      the marks the policy reads (``ref``: its id);
    - ``intake``: an entry other than a document that a connected software added since
      ``since`` (``kind``: its kind, ``ref``: its id), the entry itself read afterwards;
    - ``messages``: per profile, the messages written by others after ``uid`` last read their
      thread (``n``)."""
    d, intake, m, thread = models.Document, models.FhirIntake, models.Message, models.MessageThread
    uid, since = sa.bindparam("uid"), sa.bindparam("since")

    def what(name: str) -> sa.ColumnElement:
        return sa.literal_column(f"'{name}'", sa.String).label("what")

    nothing = sa.null()
    documents = sa.select(
        what("documents"), sa.literal_column("''", sa.String).label("kind"), col(d.profile_id),
        col(d.id).label("ref"), col(d.author_user_id), col(d.author_role), col(d.hidden_from_professionals),
        col(d.hidden_from_guardians), sa.literal_column("1", sa.Integer).label("n"),
    ).where(col(d.profile_id).in_(_IDS), col(d.deleted_at).is_(None), col(d.created_at) >= since,
            col(d.author_user_id) != uid)
    intakes = sa.select(
        what("intake"), col(intake.target_kind), col(intake.profile_id), col(intake.target_id), nothing, nothing,
        nothing, nothing, sa.literal_column("1", sa.Integer),
    ).where(col(intake.profile_id).in_(_IDS), col(intake.created_at) >= since, col(intake.target_kind) != "documents")
    last_read = (
        sa.select(col(models.MessageRead.last_read_at))
        .where(col(models.MessageRead.thread_id) == thread.id, col(models.MessageRead.user_id) == uid)
        .scalar_subquery()
    )
    unread = (
        sa.select(what("messages"), sa.literal_column("''", sa.String), col(thread.profile_id), nothing, nothing,
                  nothing, nothing, nothing, func.count(col(m.id)))
        .join(thread, col(thread.id) == m.thread_id)
        .where(col(thread.profile_id).in_(_IDS), col(m.author_user_id) != uid,
               (last_read.is_(None)) | (col(m.sent_at) > last_read))
        .group_by(col(thread.profile_id))
    )
    return sa.union_all(documents, intakes, unread)


_NEWS = _build_news()


def _news(session: Session, actor: UserActor, profile_ids: list[int],
          now: datetime) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Per profile: the new documents, the entries added by a connected software, the unread
    messages (see :func:`_build_news`), each document and entry judged by the policy."""
    rows = session.execute(_NEWS, {"ids": profile_ids, "since": now - RECENT, "uid": actor.user_id}).all()
    documents = _new_documents(session, actor, [r for r in rows if r.what == "documents"], now)
    added = _software_entries(session, actor, [(r.profile_id, r.kind, r.ref) for r in rows if r.what == "intake"],
                              now)
    unread = {r.profile_id: int(r.n or 0) for r in rows if r.what == "messages"}
    return documents, added, unread


def _new_documents(session: Session, actor: UserActor, rows: list[Any], now: datetime) -> dict[int, int]:
    """Per profile: the new documents (rows of :func:`_build_news`) that the actor may read."""
    if not rows:
        return {}
    facts = load_facts_of(session, sorted({r.profile_id for r in rows}))
    switches = document_switches(session, [r.ref for r in rows])
    counts: dict[int, int] = {}
    for row in rows:
        profile = facts.get(row.profile_id)
        if profile is None:  # no profile, so none of its documents either
            continue
        target = entry_target(Section.DOCUMENTS, row, document_id=row.ref, document_switches=switches.get(row.ref, {}))
        if decide(actor, Action.READ, profile, target, now).visible:
            counts[row.profile_id] = counts.get(row.profile_id, 0) + 1
    return counts


# What a connected software adds besides record entries and documents: (model, section).
_SOFTWARE_TARGETS = {"measures": (models.Measure, Section.MEASURES),
                     "lab_results": (models.LabReport, Section.LAB_RESULTS)}


def _software_target(kind: str) -> tuple[Any, Section] | None:
    from mes_app.services.records import MODELS

    if kind in _SOFTWARE_TARGETS:
        return _SOFTWARE_TARGETS[kind]
    if kind in MODELS and kind in ENTRY_KINDS:
        return MODELS[kind], ENTRY_KINDS[kind].section
    return None


def _software_entries(session: Session, actor: UserActor, intakes: list[tuple[int, str, int]],
                      now: datetime) -> dict[int, int]:
    """FHIR API (issue 12 item 2): per profile, the entries other than documents (those are
    counted above) that a professional's connected software added in the last 7 days
    (``intakes``: profile id, kind, entry id), that the actor may read: one query per kind of
    entry they name.

    Each entry is judged by the policy: one marked "invisible to legal representatives"
    afterwards (teen) must not show up in a guardian's count either."""
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
