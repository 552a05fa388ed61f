"""One readable summary of a profile for a given reader, following the IPS sections.

Identity, allergies, current problems, current treatments, vaccinations, latest measures and
the documents switched on for that reader. Every part goes through the access policy *for
that reader*: an account (owner, guardian, care team, caregiver) through :func:`authorize`,
a share link through :func:`authorize_link`. A section outside the reader's scope is simply
absent (``None``); an entry the reader may not see (hidden from professionals, a document not
switched on) is left out. A reader who may read nothing gets NotFound.

The opening is recorded once (one access event "summary") for readers outside the household;
each part and each entry is then decided by the pure policy (``decide``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from mes_app.db import models
from mes_app.domain import validation as v
from mes_app.domain.access import (
    Action,
    LinkActor,
    ProfileFacts,
    Section,
    Target,
    UserActor,
    decide,
    entry_target,
    readable_sections,
)
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound
from mes_app.services.access_facts import authorize, authorize_link, document_switches, load_profile_facts
from mes_app.services.visibility import latest_per_kind, read_filter

# The sections a summary is made of, in the order a reader expects them.
SUMMARY_SECTIONS: tuple[Section, ...] = (
    Section.PROFILE,
    Section.RISK_FACTORS,  # allergies
    Section.CONDITIONS,
    Section.TREATMENTS,
    Section.VACCINATIONS,
    Section.MEASURES,
    Section.DOCUMENTS,
)
MAX_DOCUMENTS = 50
MAX_VACCINATIONS = 100


@dataclass(frozen=True)
class Identity:
    given_name: str
    family_name: str
    birth_date: str  # ISO
    sex: str  # female | male | other | unknown


@dataclass(frozen=True)
class Coded:
    text: str  # what the user typed (or the display)
    system: str | None
    code: str | None
    display: str | None


@dataclass(frozen=True)
class AllergyItem:
    substance: Coded
    reaction: str
    severity: str  # mild | moderate | severe | unknown
    status: str  # active | resolved
    onset: str  # ISO or ""


@dataclass(frozen=True)
class ProblemItem:
    condition: Coded
    status: str  # active
    onset: str


@dataclass(frozen=True)
class TreatmentItem:
    medication: Coded
    dosage: str
    start: str
    end: str


@dataclass(frozen=True)
class VaccinationItem:
    vaccine: Coded
    cvx: str | None
    given_on: str
    dose_number: int | None
    lot_number: str


@dataclass(frozen=True)
class MeasureItem:
    kind: str
    loinc: str
    value: float
    value_secondary: float | None
    unit: str  # UCUM
    measured_at: str  # ISO datetime (UTC)
    date: str  # local ISO date


@dataclass(frozen=True)
class DocumentItem:
    id: int
    title: str
    date: str
    category_code: str
    category_display: str
    mime_type: str


@dataclass(frozen=True)
class Summary:
    """``None`` for a part outside the reader's scope; an empty tuple for "nothing recorded"."""

    profile_id: int
    generated_at: str  # ISO datetime
    identity: Identity | None
    allergies: tuple[AllergyItem, ...] | None
    problems: tuple[ProblemItem, ...] | None
    treatments: tuple[TreatmentItem, ...] | None
    vaccinations: tuple[VaccinationItem, ...] | None
    measures: tuple[MeasureItem, ...] | None
    documents: tuple[DocumentItem, ...] | None

    @property
    def sections(self) -> tuple[str, ...]:
        """The parts present, for the page (in display order)."""
        names = ("identity", "allergies", "problems", "treatments", "vaccinations", "measures", "documents")
        return tuple(n for n in names if getattr(self, n) is not None)


# --------------------------------------------------------------------------- entry points


def build_summary(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> Summary:
    """The summary of a profile for a logged-in reader (NotFound for a stranger)."""
    pid = v.parse_id(profile_id)
    facts = load_profile_facts(session, pid)
    if facts is None:
        raise NotFound()
    readable = readable_sections(actor, facts, now) & set(SUMMARY_SECTIONS)
    first = next((s for s in SUMMARY_SECTIONS if s in readable), Section.PROFILE)
    # Records the opening (care team, caregivers) or the refusal, and raises for a stranger.
    authorize(session, actor, Action.READ, pid, Target(first), now=now, target_kind="summary")
    session.commit()
    return _build(session, actor, facts, readable, now)


def build_link_summary(
    session: Session, actor: LinkActor, *, now: datetime, opener_label: str | None = None, via: str = "share_link"
) -> Summary:
    """The summary through a share link, in the link's scope; the opening is recorded."""
    facts = load_profile_facts(session, actor.link.profile_id)
    if facts is None:
        raise NotFound()
    readable = readable_sections(actor, facts, now) & set(SUMMARY_SECTIONS)
    first = next((s for s in SUMMARY_SECTIONS if s in readable), Section.PROFILE)
    authorize_link(session, actor, Target(first), now=now, opener_label=opener_label, target_kind="summary", via=via)
    session.commit()
    return _build(session, actor, facts, readable, now)


# --------------------------------------------------------------------------- parts


def _build(session: Session, actor: UserActor | LinkActor, facts: ProfileFacts, readable: frozenset[Section],
           now: datetime) -> Summary:
    pid = facts.profile_id

    def sees(section: Section) -> bool:
        return section in readable and decide(actor, Action.READ, facts, Target(section), now).visible

    def entry_visible(section: Section) -> Callable[[models.SQLModel], bool]:
        def check(row) -> bool:  # noqa: ANN001
            target = entry_target(section, row)
            return decide(actor, Action.READ, facts, target, now).visible
        return check

    today = local_date(now)
    profile = session.get(models.Profile, pid)
    if profile is None:  # the facts were loaded above; the profile was deleted since
        raise NotFound()
    identity = (
        Identity(profile.given_name, profile.family_name, profile.birth_date.isoformat(), profile.sex)
        if sees(Section.PROFILE) else None
    )

    allergies = None
    if sees(Section.RISK_FACTORS):
        ok = entry_visible(Section.RISK_FACTORS)
        rows = session.exec(select(models.Allergy).where(models.Allergy.profile_id == pid,
                                                         models.Allergy.status == "active")).all()
        allergies = tuple(
            AllergyItem(_coded(r), r.reaction or "", r.severity, r.status, _iso(r.onset_date))
            for r in sorted(rows, key=lambda r: (r.code_text.lower(), r.id)) if ok(r)
        )

    problems = None
    if sees(Section.CONDITIONS):
        ok = entry_visible(Section.CONDITIONS)
        rows = session.exec(select(models.Condition).where(models.Condition.profile_id == pid,
                                                           models.Condition.status == "active")).all()
        problems = tuple(
            ProblemItem(_coded(r), r.status, _iso(r.onset_date))
            for r in sorted(rows, key=lambda r: (_iso(r.onset_date), r.id), reverse=True) if ok(r)
        )

    treatments = None
    if sees(Section.TREATMENTS):
        ok = entry_visible(Section.TREATMENTS)
        rows = session.exec(select(models.Treatment).where(models.Treatment.profile_id == pid)).all()
        current = [r for r in rows if (r.end_date is None or r.end_date >= today)
                   and (r.start_date is None or r.start_date <= today)]
        treatments = tuple(
            TreatmentItem(_coded(r), r.dosage or "", _iso(r.start_date), _iso(r.end_date))
            for r in sorted(current, key=lambda r: (_iso(r.start_date), r.id), reverse=True) if ok(r)
        )

    vaccinations = None
    if sees(Section.VACCINATIONS):
        ok = entry_visible(Section.VACCINATIONS)
        rows_filter = read_filter(actor, facts, Section.VACCINATIONS, models.Vaccination, now)
        rows = [] if rows_filter is None else session.exec(
            select(models.Vaccination).where(models.Vaccination.profile_id == pid, rows_filter)
            .order_by(col(models.Vaccination.given_on).desc(), col(models.Vaccination.id).desc())
            .limit(MAX_VACCINATIONS)
        ).all()
        vaccinations = tuple(
            VaccinationItem(_coded(r), r.cvx_code, r.given_on.isoformat(), r.dose_number, r.lot_number or "")
            for r in rows if ok(r)
        )

    measures = None
    if sees(Section.MEASURES):
        ok = entry_visible(Section.MEASURES)
        latest = [r for r in latest_per_kind(session, actor, facts, now) if ok(r)]
        measures = tuple(
            MeasureItem(r.kind, r.loinc_code, r.value, r.value_secondary, r.unit, r.measured_at.isoformat(),
                        local_date(r.measured_at).isoformat())
            for r in latest
        )

    documents = None
    if sees(Section.DOCUMENTS):
        rows_filter = read_filter(actor, facts, Section.DOCUMENTS, models.Document, now)
        rows = [] if rows_filter is None else session.exec(
            select(models.Document).where(models.Document.profile_id == pid, col(models.Document.deleted_at).is_(None),
                                          rows_filter)
            .order_by(col(models.Document.document_date).desc(), col(models.Document.id).desc()).limit(MAX_DOCUMENTS)
        ).all()
        switches = document_switches(session, [d.id for d in rows])
        shown = []
        for doc in rows:
            target = entry_target(Section.DOCUMENTS, doc, document_id=doc.id,
                            document_switches=switches[doc.id])
            if decide(actor, Action.READ, facts, target, now).visible:
                shown.append(DocumentItem(doc.id, doc.title, doc.document_date.isoformat(), doc.category_code or "",
                                          doc.category_display or "", doc.mime_type))
        documents = tuple(shown)

    return Summary(pid, now.isoformat(), identity, allergies, problems, treatments, vaccinations, measures, documents)


def _coded(row) -> Coded:  # noqa: ANN001
    return Coded(row.code_text, row.code_system or None, row.code or None, row.code_display or None)


def _iso(value) -> str:  # noqa: ANN001
    return value.isoformat() if value is not None else ""
