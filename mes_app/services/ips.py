"""The summary as an IPS document: the parts of :mod:`mes_app.services.summary` plus the IPS
sections the record can fill beyond them (past illness, procedures, functional status, social
history, plan of care), for a given reader, through the same access policy.

Every further section is read only when it is in the reader's scope (``readable_sections``)
and every entry only when the policy shows it (``decide``: hidden from professionals, a
caregiver's grant...): a section outside the scope is ``None`` (left out of the document).

:func:`download_bundle` is the checked way to take the IPS Bundle home from ``/summary``
(strangers: NotFound); each download is recorded in the access history.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from mes_app.db import models
from mes_app.domain import fhir_ips
from mes_app.domain import validation as v
from mes_app.domain.access import (
    Action,
    Actor,
    ProfileFacts,
    Section,
    Target,
    UserActor,
    decide,
    entry_target,
    readable_sections,
)
from mes_app.domain.errors import NotFound
from mes_app.services.access_facts import load_profile_facts, record_access
from mes_app.services.summary import Coded, build_summary

MAX_ITEMS = 100
MAX_APPOINTMENTS = 20


@dataclass(frozen=True)
class PastIllnessItem:
    condition: Coded
    status: str  # resolved | inactive
    onset: str
    abatement: str


@dataclass(frozen=True)
class ProcedureItem:
    reason: Coded
    facility: str
    start: str
    end: str


@dataclass(frozen=True)
class DisabilityItem:
    condition: Coded
    since: str


@dataclass(frozen=True)
class HabitItem:
    kind: str  # tobacco | alcohol | physical_activity | diet | other
    value: Coded
    start: str
    end: str


@dataclass(frozen=True)
class AppointmentItem:
    title: str
    starts_at: str  # ISO datetime
    ends_at: str
    location: str
    practitioner: str
    reason: str
    status: str  # planned | proposed


@dataclass(frozen=True)
class LabReportItem:
    """A lab report and its values (rows), for the Results section (issue 12)."""

    report: models.LabReport
    results: tuple[models.LabResult, ...]


@dataclass(frozen=True)
class IpsExtras:
    """``None``: outside the reader's scope; an empty tuple: nothing recorded."""

    past_illness: tuple[PastIllnessItem, ...] | None
    procedures: tuple[ProcedureItem, ...] | None
    disabilities: tuple[DisabilityItem, ...] | None
    habits: tuple[HabitItem, ...] | None
    appointments: tuple[AppointmentItem, ...] | None
    lab_reports: tuple[LabReportItem, ...] | None = None  # --- lab results (issue 12) ---


def _coded(row) -> Coded:  # noqa: ANN001
    return Coded(row.code_text, row.code_system or None, row.code or None, row.code_display or None)


def _iso(value) -> str:  # noqa: ANN001
    return value.isoformat() if value is not None else ""


def load_extras(session: Session, actor: Actor, facts: ProfileFacts, *, now: datetime) -> IpsExtras:
    """The further IPS sections of a profile for ``actor`` (records nothing: the caller has
    recorded the opening of the summary)."""
    pid = facts.profile_id
    readable = readable_sections(actor, facts, now)

    def visible(section: Section) -> Callable[[models.SQLModel], bool] | None:
        if section not in readable or not decide(actor, Action.READ, facts, Target(section), now).visible:
            return None

        def check(row) -> bool:  # noqa: ANN001
            target = entry_target(section, row)
            return decide(actor, Action.READ, facts, target, now).visible

        return check

    def rows(model, section: Section, *where, order=None):  # noqa: ANN001, ANN202
        ok = visible(section)
        if ok is None:
            return None
        query = select(model).where(model.profile_id == pid, *where)
        if order is not None:
            query = query.order_by(order)
        return [r for r in session.exec(query).all() if ok(r)][:MAX_ITEMS]

    past = rows(models.Condition, Section.CONDITIONS, col(models.Condition.status).in_(("resolved", "inactive")))
    stays = rows(models.Hospitalisation, Section.HOSPITALISATIONS, order=col(models.Hospitalisation.admitted_on).desc())
    handicaps = rows(models.Handicap, Section.HOSPITALISATIONS)
    habits = rows(models.Habit, Section.RISK_FACTORS)
    upcoming = rows(models.Appointment, Section.APPOINTMENTS, col(models.Appointment.starts_at) >= now,
                    col(models.Appointment.status).in_(("planned", "proposed")), order=models.Appointment.starts_at)
    lab_ok = visible(Section.LAB_RESULTS)
    lab_reports = None if lab_ok is None else _lab_reports(session, actor, facts, now, lab_ok)
    return IpsExtras(
        lab_reports=lab_reports,
        past_illness=None if past is None else tuple(
            PastIllnessItem(_coded(r), r.status, _iso(r.onset_date), _iso(r.abatement_date))
            for r in sorted(past, key=lambda r: (_iso(r.onset_date), r.id), reverse=True)),
        procedures=None if stays is None else tuple(
            ProcedureItem(_coded(r), r.facility or "", _iso(r.admitted_on), _iso(r.discharged_on)) for r in stays),
        disabilities=None if handicaps is None else tuple(
            DisabilityItem(_coded(r), _iso(r.since_date)) for r in handicaps),
        habits=None if habits is None else tuple(
            HabitItem(r.kind, _coded(r), _iso(r.start_date), _iso(r.end_date)) for r in habits),
        appointments=None if upcoming is None else tuple(
            AppointmentItem(r.title, r.starts_at.isoformat(), _iso(r.ends_at), r.location or "",
                            r.practitioner or "", r.reason or "", r.status)
            for r in upcoming[:MAX_APPOINTMENTS]),
    )


# --- lab results (issue 12) ---
MAX_LAB_REPORTS = 10


def _lab_reports(session: Session, actor: Actor, facts: ProfileFacts, now: datetime,
                 ok: Callable[[models.SQLModel], bool]) -> tuple[LabReportItem, ...]:
    """The latest readable lab reports (at most :data:`MAX_LAB_REPORTS`) with their values."""
    from mes_app.services.visibility import read_filter

    readable = read_filter(actor, facts, Section.LAB_RESULTS, models.LabReport, now)
    if readable is None:
        return ()
    lab_report = models.LabReport
    found = session.exec(select(lab_report).where(lab_report.profile_id == facts.profile_id, readable)
                         .order_by(col(lab_report.collected_at).desc(), col(lab_report.id).desc())
                         .limit(MAX_LAB_REPORTS)).all()
    reports = [r for r in found if ok(r)]
    if not reports:
        return ()
    values = session.exec(select(models.LabResult).where(col(models.LabResult.report_id).in_([r.id for r in reports]))
                          .order_by(col(models.LabResult.report_id), col(models.LabResult.position))).all()
    by_report: dict[int, list] = {}
    for value in values:
        by_report.setdefault(value.report_id, []).append(value)
    return tuple(LabReportItem(r, tuple(by_report.get(r.id, ()))) for r in reports)


def summary_author(session: Session, user_id: int | None, profile_id: int) -> fhir_ips.Author | None:
    """Who made a summary: None when it is the patient (the Patient is the author) or anyone
    but a guardian; a guardian of the profile (a parent for a child) as a RelatedPerson."""
    profile = session.get(models.Profile, profile_id)
    if profile is None or user_id is None or profile.owner_user_id == user_id:
        return None
    guardian = session.exec(select(models.Guardianship).where(
        models.Guardianship.profile_id == profile_id, models.Guardianship.user_id == user_id)).first()
    user = session.get(models.User, user_id)
    if guardian is None or user is None:
        return None
    return fhir_ips.Author(name=user.display_name, relationship="guardian")


def download_bundle(session: Session, actor: UserActor, profile_id: object, *, now: datetime,
                    lang: str = "fr") -> dict:
    """The IPS Bundle of a profile for a logged-in reader, recorded as a download (NotFound
    for a stranger or a reader who may read nothing of it)."""
    pid = v.parse_id(profile_id)
    summary = build_summary(session, actor, pid, now=now)  # the policy; records the opening
    facts = load_profile_facts(session, pid)
    if facts is None:
        raise NotFound()
    readable = readable_sections(actor, facts, now)
    first = next((s for s in Section if s in readable), None)
    decision = decide(actor, Action.READ, facts, Target(first), now) if first is not None else None
    if decision is None or not decision.allowed or decision.via is None:
        raise NotFound()
    record_access(session, actor_user_id=actor.user_id, profile_id=pid, action="download",
                  target_kind="summary_fhir", via=decision.via.value, grant_id=decision.grant_id, now=now)
    extras = load_extras(session, actor, facts, now=now)
    bundle = fhir_ips.summary_to_bundle(summary, bundle_id=str(uuid.uuid4()), lang=lang,
                                        author=summary_author(session, actor.user_id, pid), extras=extras)
    session.commit()
    return bundle
