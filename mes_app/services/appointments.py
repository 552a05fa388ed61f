"""Appointments (beyond Mon Espace Santé): add, edit, cancel, propose, accept/decline, export.

Rules (on top of the access policy, section APPOINTMENTS):

- The patient or a guardian adds an appointment: it is ``planned`` at once.
- A professional of the care team *proposes* one (CREATE): it is ``proposed`` until the
  patient or a guardian accepts it (-> ``planned``) or declines it (-> ``declined``). Answering
  is a MANAGE action: the entry stays the professional's (read-only to the family).
- Editing follows the policy (UPDATE: one's own entries); a cancelled or declined appointment
  can no longer be edited.
- Cancelling: whoever may edit the entry, or the patient/a guardian (MANAGE) for an
  appointment a professional proposed and they accepted. A proposal the family cancels is
  declined.
- Caregivers with the section in scope read; everyone else gets *not found*.

Past ``planned`` appointments join the health history (:mod:`mes_app.services.timeline`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from mes_app.db import models
from mes_app.domain import validation as v
from mes_app.domain.access import Action, ProfileFacts, Section, Target, UserActor, Via, decide, entry_target
from mes_app.domain.calendar import DEFAULT_TIMEZONE
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services.access_facts import authorize, load_profile_facts
from mes_app.services.transactions import commit_if_written

STATUSES = ("planned", "proposed", "cancelled", "declined")
OPEN_STATUSES = ("planned", "proposed")
MAX_FORM_FIELDS = 12
TITLE_MAX, PLACE_MAX, PRACTITIONER_MAX, REASON_MAX, NOTE_MAX = 200, 200, 200, 255, 2000
MAX_DURATION = timedelta(days=7)
# An appointment may be recorded after the fact, but not absurdly far from today.
MAX_PAST = timedelta(days=366 * 120)
MAX_FUTURE = timedelta(days=366 * 10)
UPCOMING_LIMIT = 200

_PARIS = ZoneInfo(DEFAULT_TIMEZONE)


@dataclass(frozen=True)
class AppointmentView:
    id: int
    profile_id: int
    profile_name: str  # given name of the person the appointment is for
    title: str
    date: str  # ISO local (Paris) date
    time: str  # "09:30", local
    end_time: str  # "" when no end
    location: str
    practitioner: str
    reason: str
    note: str
    status: str  # planned | proposed | cancelled | declined
    by_professional: bool  # proposed by a professional: the page names them
    author_name: str
    editable: bool
    cancellable: bool
    answerable: bool  # a proposal the viewer may accept or decline
    values: dict[str, str] = field(default_factory=dict)  # to prefill the edit form


@dataclass(frozen=True)
class AppointmentForm:
    title: str
    starts_at: datetime
    ends_at: datetime | None
    location: str | None
    practitioner: str | None
    reason: str | None
    note: str | None


# --------------------------------------------------------------------------- validation


def parse_form(form: object, *, now: datetime) -> AppointmentForm:
    """Clean values from an untrusted form (``starts_at``/``ends_at`` from datetime-local inputs)."""
    if not isinstance(form, dict) or len(form) > MAX_FORM_FIELDS:
        raise ValidationError("error.invalid_form")
    title = v.clean_text(form.get("title"), field="title", max_len=TITLE_MAX, required=True, multiline=False)
    starts_at = v.parse_datetime_local(form.get("starts_at"), field="starts_at")
    raw_end = form.get("ends_at")
    ends_at = None if raw_end in (None, "") else v.parse_datetime_local(raw_end, field="ends_at")
    if ends_at is not None:
        if ends_at < starts_at:
            raise ValidationError("error.end_before_start", field="ends_at")
        if ends_at - starts_at > MAX_DURATION:
            raise ValidationError("error.out_of_range", field="ends_at", min=0, max=7)
    if not now - MAX_PAST <= starts_at <= now + MAX_FUTURE:
        raise ValidationError("error.out_of_range", field="starts_at", min=-120, max=10)
    return AppointmentForm(
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=v.clean_text(form.get("location"), field="location", max_len=PLACE_MAX, multiline=False),
        practitioner=v.clean_text(form.get("practitioner"), field="practitioner", max_len=PRACTITIONER_MAX,
                                  multiline=False),
        reason=v.clean_text(form.get("reason"), field="reason", max_len=REASON_MAX, multiline=False),
        note=v.clean_text(form.get("note"), field="note", max_len=NOTE_MAX),
    )


# --------------------------------------------------------------------------- helpers


def _target(row: models.Appointment | None = None) -> Target:
    if row is None:
        return Target(Section.APPOINTMENTS)
    return entry_target(Section.APPOINTMENTS, row)


def _load(session: Session, appointment_id: object) -> models.Appointment:
    row = session.get(models.Appointment, v.parse_id(appointment_id))
    if row is None:
        raise NotFound()
    return row


def _author_role(via: Via | None) -> str:
    if via is None:
        return "patient"
    return {Via.OWNER: "patient", Via.GUARDIAN: "guardian", Via.CARE_TEAM: "professional"}.get(via, "patient")


def _local(moment: datetime) -> datetime:
    return moment.astimezone(_PARIS)


def _cancel_action(actor: UserActor, facts: ProfileFacts, row: models.Appointment, now: datetime) -> Action:
    """UPDATE when the actor may edit the entry; otherwise MANAGE (the family's own decision)."""
    if decide(actor, Action.UPDATE, facts, _target(row), now).allowed:
        return Action.UPDATE
    return Action.MANAGE


def _view(row: models.Appointment, actor: UserActor, facts: ProfileFacts, now: datetime,
          author_name: str, given_name: str) -> AppointmentView:
    target = _target(row)
    is_open = row.status in OPEN_STATUSES
    may_update = decide(actor, Action.UPDATE, facts, target, now).allowed
    may_manage = decide(actor, Action.MANAGE, facts, target, now).allowed
    start = _local(row.starts_at)
    end = _local(row.ends_at) if row.ends_at else None
    return AppointmentView(
        id=row.id,
        profile_id=row.profile_id,
        profile_name=given_name,
        title=row.title,
        date=start.date().isoformat(),
        time=start.strftime("%H:%M"),
        end_time=end.strftime("%H:%M") if end else "",
        location=row.location or "",
        practitioner=row.practitioner or "",
        reason=row.reason or "",
        note=row.note or "",
        status=row.status,
        by_professional=row.author_role == "professional",
        author_name=author_name,
        editable=is_open and may_update,
        cancellable=is_open and (may_update or may_manage) and row.starts_at >= now - timedelta(hours=12),
        answerable=row.status == "proposed" and may_manage,
        values={
            "title": row.title,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": end.strftime("%Y-%m-%dT%H:%M") if end else "",
            "location": row.location or "",
            "practitioner": row.practitioner or "",
            "reason": row.reason or "",
            "note": row.note or "",
        },
    )


def _names(session: Session, user_ids: Iterable[int | None]) -> dict[int | None, str]:
    ids = {uid for uid in user_ids if uid is not None}
    if not ids:
        return {}
    return {u.id: u.display_name for u in session.exec(select(models.User).where(col(models.User.id).in_(ids)))}


def _given_names(session: Session, profile_ids: Iterable[int]) -> dict[int, str]:
    ids = set(profile_ids)
    if not ids:
        return {}
    return {p.id: p.given_name for p in session.exec(select(models.Profile).where(col(models.Profile.id).in_(ids)))}


def _single_view(session: Session, actor: UserActor, row: models.Appointment, now: datetime) -> AppointmentView:
    facts = load_profile_facts(session, row.profile_id)
    if facts is None:
        raise NotFound()
    return _view(row, actor, facts, now, _names(session, [row.author_user_id]).get(row.author_user_id, ""),
                 _given_names(session, [row.profile_id]).get(row.profile_id, ""))


# --------------------------------------------------------------------------- reading


def list_upcoming(
    session: Session, actor: UserActor, profile_ids: object, *, now: datetime,
    include_closed: bool = True, limit: int = UPCOMING_LIMIT,
) -> list[AppointmentView]:
    """Appointments from today on for several profiles, soonest first.

    Every profile is checked (a profile the actor may not read is *not found*: the whole call
    fails, so a browser cannot probe ids). Each read by a non-household actor is recorded.
    """
    if not isinstance(profile_ids, (list, tuple)) or len(profile_ids) > 50:
        raise ValidationError("error.invalid_id")
    pids = list(dict.fromkeys(v.parse_id(pid) for pid in profile_ids))
    facts_by_pid: dict[int, ProfileFacts] = {}
    for pid in pids:
        authorize(session, actor, Action.READ, pid, _target(), now=now, target_kind="appointments")
        facts = load_profile_facts(session, pid)
        if facts is None:
            raise NotFound()
        facts_by_pid[pid] = facts
    commit_if_written(session)  # the reads recorded, if any were (the transaction goes on otherwise)
    if not pids:
        return []
    start_of_today = datetime.combine(_local(now).date(), datetime.min.time(), tzinfo=_PARIS)
    rows = session.exec(_UPCOMING, params={"ids": pids, "since": start_of_today.astimezone(UTC),
                                           "statuses": list(STATUSES if include_closed else OPEN_STATUSES)}).all()
    visible = [(r, given, author) for r, given, author in rows
               if decide(actor, Action.READ, facts_by_pid[r.profile_id], _target(r), now).visible][:limit]
    return [_view(r, actor, facts_by_pid[r.profile_id], now, author or "", given) for r, given, author in visible]


# Built once (it runs on every home load): the appointments with the given name of their
# profile and their author's name, in one statement.
_UPCOMING = (
    select(models.Appointment, models.Profile.given_name, models.User.display_name)
    .join(models.Profile, col(models.Profile.id) == models.Appointment.profile_id)
    .outerjoin(models.User, col(models.User.id) == models.Appointment.author_user_id)
    .where(
        col(models.Appointment.profile_id).in_(sa.bindparam("ids", expanding=True)),
        models.Appointment.starts_at >= sa.bindparam("since"),
        col(models.Appointment.status).in_(sa.bindparam("statuses", expanding=True)),
    )
    .order_by(col(models.Appointment.starts_at), col(models.Appointment.id))
)


def get_appointment(session: Session, actor: UserActor, appointment_id: object, *, now: datetime) -> AppointmentView:
    row = _load(session, appointment_id)
    authorize(session, actor, Action.READ, row.profile_id, _target(row), now=now, target_kind="appointments",
              target_id=row.id)
    session.commit()
    return _single_view(session, actor, row, now)


# --------------------------------------------------------------------------- changes


def add_appointment(
    session: Session, actor: UserActor, profile_id: object, form: object, *, now: datetime
) -> AppointmentView:
    """The family adds a planned appointment; a professional of the care team proposes one."""
    pid = v.parse_id(profile_id)
    decision = authorize(session, actor, Action.CREATE, pid, _target(), now=now, target_kind="appointments")
    values = parse_form(form, now=now)
    profile = session.get(models.Profile, pid)
    if profile is None:
        raise NotFound()
    if _local(values.starts_at).date() < profile.birth_date:
        raise ValidationError("error.before_birth", field="starts_at")
    role = _author_role(decision.via)
    row = models.Appointment(
        profile_id=pid,
        author_user_id=actor.user_id,
        author_role=role,
        created_at=now,
        updated_at=now,
        status="proposed" if role == "professional" else "planned",
        **vars(values),
    )
    session.add(row)
    session.commit()
    return _single_view(session, actor, row, now)


def update_appointment(
    session: Session, actor: UserActor, appointment_id: object, form: object, *, now: datetime
) -> AppointmentView:
    row = _load(session, appointment_id)
    authorize(session, actor, Action.UPDATE, row.profile_id, _target(row), now=now, target_kind="appointments",
              target_id=row.id)
    if row.status not in OPEN_STATUSES:
        raise ValidationError("appointments.error.closed")
    values = parse_form(form, now=now)
    profile = session.get(models.Profile, row.profile_id)
    if profile is None:
        raise NotFound()
    if _local(values.starts_at).date() < profile.birth_date:
        raise ValidationError("error.before_birth", field="starts_at")
    for name, value in vars(values).items():
        setattr(row, name, value)
    row.updated_at = now
    session.add(row)
    session.commit()
    return _single_view(session, actor, row, now)


def cancel_appointment(session: Session, actor: UserActor, appointment_id: object, *, now: datetime) -> AppointmentView:
    row = _load(session, appointment_id)
    facts = load_profile_facts(session, row.profile_id)
    if facts is None:
        raise NotFound()
    action = _cancel_action(actor, facts, row, now)
    decision = authorize(session, actor, action, row.profile_id, _target(row), now=now,
                         target_kind="appointments", target_id=row.id)
    if row.status not in OPEN_STATUSES:
        raise ValidationError("appointments.error.closed")
    family = decision.via in (Via.OWNER, Via.GUARDIAN)
    row.status = "declined" if row.status == "proposed" and family else "cancelled"
    row.updated_at = now
    session.add(row)
    session.commit()
    return _single_view(session, actor, row, now)


def answer_proposal(
    session: Session, actor: UserActor, appointment_id: object, accept: object, *, now: datetime
) -> AppointmentView:
    """The patient or a guardian accepts (-> planned) or declines (-> declined) a proposal."""
    if not isinstance(accept, bool):
        raise ValidationError("error.invalid_choice", field="accept")
    row = _load(session, appointment_id)
    authorize(session, actor, Action.MANAGE, row.profile_id, _target(row), now=now, target_kind="appointments",
              target_id=row.id)
    if row.status != "proposed":
        raise ValidationError("appointments.error.not_proposed")
    row.status = "planned" if accept else "declined"
    row.updated_at = now
    session.add(row)
    session.commit()
    return _single_view(session, actor, row, now)


# --------------------------------------------------------------------------- calendar export

ICS_STATUS = {"planned": "CONFIRMED", "proposed": "TENTATIVE", "cancelled": "CANCELLED"}


def _ics_event(row: models.Appointment, given_name: str, now: datetime, host: str):  # noqa: ANN202
    from icalendar import Event

    event = Event()
    event.add("uid", f"mes-appointment-{row.id}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", row.starts_at.astimezone(UTC))
    event.add("dtend", (row.ends_at or row.starts_at + timedelta(minutes=30)).astimezone(UTC))
    event.add("summary", f"{given_name} · {row.title}" if given_name else row.title)
    event.add("status", ICS_STATUS.get(row.status, "CONFIRMED"))
    if row.location:
        event.add("location", row.location)
    details = [x for x in (row.practitioner, row.reason, row.note) if x]
    if details:
        event.add("description", "\n".join(details))
    event.add("last-modified", row.updated_at.astimezone(UTC))
    return event


def _calendar(events: list) -> bytes:  # noqa: ANN001
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//MES//Rendez-vous//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def export_one_ics(session: Session, actor: UserActor, appointment_id: object, *, now: datetime,
                   host: str = "mes.local") -> bytes:
    row = _load(session, appointment_id)
    authorize(session, actor, Action.READ, row.profile_id, _target(row), now=now, target_kind="appointments",
              target_id=row.id)
    session.commit()
    if row.status == "declined":
        raise NotFound()
    return _calendar([_ics_event(row, _given_names(session, [row.profile_id]).get(row.profile_id, ""), now, host)])


def export_all_ics(session: Session, actor: UserActor, profile_ids: object, *, now: datetime,
                   host: str = "mes.local") -> bytes:
    """Every planned, proposed or cancelled appointment of these profiles (declined ones never were)."""
    if not isinstance(profile_ids, (list, tuple)) or len(profile_ids) > 50:
        raise ValidationError("error.invalid_id")
    pids = list(dict.fromkeys(v.parse_id(pid) for pid in profile_ids))
    facts_by_pid: dict[int, ProfileFacts] = {}
    for pid in pids:
        authorize(session, actor, Action.READ, pid, _target(), now=now, target_kind="appointments")
        facts = load_profile_facts(session, pid)
        if facts is None:
            raise NotFound()
        facts_by_pid[pid] = facts
    session.commit()
    rows = []
    if pids:
        rows = session.exec(
            select(models.Appointment)
            .where(col(models.Appointment.profile_id).in_(pids),
                   col(models.Appointment.status).in_(("planned", "proposed", "cancelled")))
            .order_by(col(models.Appointment.starts_at), col(models.Appointment.id))
        ).all()
    given = _given_names(session, pids)
    events = [
        _ics_event(r, given.get(r.profile_id, ""), now, host)
        for r in rows
        if decide(actor, Action.READ, facts_by_pid[r.profile_id], _target(r), now).visible
    ]
    return _calendar(events)


def calendar_of(rows: Iterable[models.Appointment], given_name: str, *, now: datetime,
                host: str = "mes.local") -> bytes:
    """An .ics of appointment rows the caller already checked (the take-out archive, issue 13):
    planned, proposed and cancelled ones (declined ones never were)."""
    return _calendar([_ics_event(r, given_name, now, host) for r in rows
                      if r.status in ("planned", "proposed", "cancelled")])


def household_profile_ids(session: Session, actor: UserActor, *, now: datetime) -> list[int]:
    """The profiles the actor manages: their own and those they are a guardian of."""
    from mes_app.services.profiles import accessible_profiles

    return [p.id for p in accessible_profiles(session, actor, now=now) if p.relationship in ("owner", "guardian")]


HOUSEHOLD = ("owner", "guardian")  # relationships whose appointments the agenda always lists


def household_upcoming(session: Session, actor: UserActor, profiles: Iterable[Any], *, now: datetime,
                       include_closed: bool = True) -> list[AppointmentView]:
    """Appointments of the profiles the user manages (own and children's), from the profile
    views the actor may open (``accessible_profiles``)."""
    household = [p.id for p in profiles if p.relationship in HOUSEHOLD]
    return list_upcoming(session, actor, household, now=now, include_closed=include_closed)


def upcoming_for(session: Session, actor: UserActor, profiles: Iterable[Any], shown_id: int | None, *,
                 now: datetime, include_closed: bool = True,
                 household_views: list[AppointmentView] | None = None) -> list[AppointmentView]:
    """The household's appointments, plus the profile shown when it is another one (a patient of
    the care team, a profile shared with a caregiver) and readable. ``household_views``: the
    first part, when the caller has already read it."""
    profiles = list(profiles)
    views = list(household_views) if household_views is not None else household_upcoming(
        session, actor, profiles, now=now, include_closed=include_closed)
    household = [p.id for p in profiles if p.relationship in HOUSEHOLD]
    if shown_id is not None and shown_id not in household:
        with contextlib.suppress(NotFound):  # a profile no longer shared: nothing of it
            views += list_upcoming(session, actor, [shown_id], now=now, include_closed=include_closed)
        views.sort(key=lambda a: (a.values.get("starts_at", ""), a.id))
    return views
