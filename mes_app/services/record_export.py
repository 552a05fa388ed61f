"""Take the whole record out as FHIR R4 (issue 13, item 1): one ``collection`` Bundle per profile.

Who may: the owner and the guardians (every section), a caregiver (only the sections shared
with them, the Bundle's ``meta.tag`` says ``partial``), decided by
:func:`mes_app.domain.fhir_export.export_scope` (the access policy, section by section, and
entry by entry as everywhere else: a document a caregiver has not been switched on for stays
out). A professional in the care team is refused (Forbidden); a stranger gets NotFound and the
attempt goes to the security log. Every export is recorded in the patient's access history
(action ``export``, target ``record_export``), the owner's and guardians' own included: data
leaving the record is worth knowing about for a co-guardian.

Queries: one per table of the record (plus the authors and the document switches), whatever
the number of entries; the documents' files are read from the storage.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from mes_app.db import models
from mes_app.domain import terminology
from mes_app.domain import validation as v
from mes_app.domain.access import (
    Action,
    ProfileFacts,
    Section,
    Target,
    UserActor,
    decide,
    entry_target,
    relationship_to,
)
from mes_app.domain.access_log import LoggedAction, TargetKind
from mes_app.domain.errors import Forbidden, NotFound
from mes_app.domain.fhir_export import ExportedFile, Person, RecordData, export_scope, record_to_bundle
from mes_app.services.access_facts import document_switches, load_profile_facts, record_access, record_refusal
from mes_app.storage import default_storage
from mes_app.storage.base import DocumentStorage as Storage

MEDIA_TYPE = "application/fhir+json"


@dataclass(frozen=True)
class ExportFile:
    body: bytes
    filename: str  # ASCII, readable: "dossier-hugo-durand-2026-12-02.fhir.json"
    media_type: str
    complete: bool  # False: only the sections shared with the reader


def may_export(actor: UserActor, facts: ProfileFacts, now: datetime) -> bool:
    """The capability flag behind the record page's export button."""
    return export_scope(actor, facts, now) is not None


def export_record(session: Session, actor: UserActor, profile_id: object, *, now: datetime,
                  storage: Storage | None = None, bundle_id: str | None = None) -> ExportFile:
    """The record of ``profile_id`` as a FHIR Bundle (JSON bytes), for ``actor``."""
    data, facts = load_record(session, actor, profile_id, now=now, storage=storage)
    bundle = record_to_bundle(data, bundle_id=bundle_id or str(uuid.uuid4()), now=now)
    body = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    record_export_access(session, actor, facts, data.sections, now=now, target_kind=TargetKind.RECORD_EXPORT.value)
    session.commit()
    return ExportFile(body, export_filename(data.profile, now), MEDIA_TYPE, data.complete)


def load_record(session: Session, actor: UserActor, profile_id: object, *, now: datetime,
                storage: Storage | None = None,
                refusal_kind: str = TargetKind.RECORD_EXPORT.value) -> tuple[RecordData, ProfileFacts]:
    """What ``actor`` may take out of ``profile_id`` (the sections and entries the policy lets
    them read), checked: a stranger gets NotFound, anyone else who may not export Forbidden,
    both recorded as refusals. Records nothing else: the caller records the export."""
    facts, sections = check_export(session, actor, profile_id, now=now, refusal_kind=refusal_kind)
    return _load(session, actor, facts, sections, now, storage or default_storage()), facts


def check_export(session: Session, actor: UserActor, profile_id: object, *, now: datetime,
                 refusal_kind: str = TargetKind.RECORD_EXPORT.value) -> tuple[ProfileFacts, frozenset[Section]]:
    """The profile's facts and the sections ``actor`` may take out of it; a stranger gets
    NotFound, anyone else who may not export Forbidden, both recorded as refusals (committed)."""
    pid = v.parse_id(profile_id)
    facts = load_profile_facts(session, pid)
    sections = None
    if facts is not None and relationship_to(actor, facts, now) is not None:
        sections = export_scope(actor, facts, now)
    if facts is None or sections is None:
        record_refusal(session, actor_user_id=actor.user_id, profile_id=pid, target_kind=refusal_kind, target_id=None,
                       now=now, facts=facts)
        session.commit()
        if facts is None or relationship_to(actor, facts, now) is None:
            raise NotFound()
        raise Forbidden()
    return facts, sections


def record_export_access(session: Session, actor: UserActor, facts: ProfileFacts, sections: frozenset[Section], *,
                         now: datetime, target_kind: str) -> None:
    """The export goes into the patient's access history (not committed)."""
    first = next(s for s in Section if s in sections)
    via = decide(actor, Action.READ, facts, Target(first), now)
    if via.via is None:  # export_scope allowed the section, so decide does too
        raise Forbidden()
    record_access(session, actor_user_id=actor.user_id, profile_id=facts.profile_id, action=LoggedAction.EXPORT.value,
                  target_kind=target_kind, via=via.via.value, grant_id=via.grant_id, now=now)


def export_filename(profile: models.Profile, now: datetime) -> str:
    name = unicodedata.normalize("NFKD", f"{profile.given_name} {profile.family_name}")
    slug = re.sub(r"[^a-z0-9]+", "-", name.encode("ascii", "ignore").decode().lower()).strip("-")[:60] or "profil"
    return f"dossier-{slug}-{now.date().isoformat()}.fhir.json"


# --------------------------------------------------------------------------- loading


def _load(session: Session, actor: UserActor, facts: ProfileFacts, sections: frozenset[Section], now: datetime,
          storage: Storage) -> RecordData:
    pid = facts.profile_id
    profile = session.get(models.Profile, pid)

    def visible(section: Section) -> Callable[[object], bool]:
        def check(row) -> bool:  # noqa: ANN001
            target = entry_target(section, row)
            return decide(actor, Action.READ, facts, target, now).visible
        return check

    def rows(model, section: Section, order) -> tuple:  # noqa: ANN001
        if section not in sections:
            return ()
        ok = visible(section)
        found = session.exec(select(model).where(model.profile_id == pid).order_by(order, model.id)).all()
        return tuple(r for r in found if ok(r))

    M = models
    encounters = rows(M.Encounter, Section.HISTORY, M.Encounter.occurred_at)
    conditions = rows(M.Condition, Section.CONDITIONS, M.Condition.created_at)
    treatments = rows(M.Treatment, Section.TREATMENTS, M.Treatment.created_at)
    stays = rows(M.Hospitalisation, Section.HOSPITALISATIONS, M.Hospitalisation.admitted_on)
    handicaps = rows(M.Handicap, Section.HOSPITALISATIONS, M.Handicap.created_at)
    allergies = rows(M.Allergy, Section.RISK_FACTORS, M.Allergy.created_at)
    family = rows(M.FamilyHistory, Section.RISK_FACTORS, M.FamilyHistory.created_at)
    habits = rows(M.Habit, Section.RISK_FACTORS, M.Habit.created_at)
    vaccinations = rows(M.Vaccination, Section.VACCINATIONS, M.Vaccination.given_on)
    measures = rows(M.Measure, Section.MEASURES, M.Measure.measured_at)
    appointments = rows(M.Appointment, Section.APPOINTMENTS, M.Appointment.starts_at)
    # --- lab results (issue 12) ---
    lab_reports = rows(M.LabReport, Section.LAB_RESULTS, M.LabReport.collected_at)
    lab_results: tuple = ()
    if lab_reports:
        lab_results = tuple(session.exec(select(M.LabResult).where(
            col(M.LabResult.report_id).in_([r.id for r in lab_reports]))).all())

    files: list[ExportedFile] = []
    if Section.DOCUMENTS in sections:
        docs = session.exec(select(M.Document).where(M.Document.profile_id == pid, col(M.Document.deleted_at).is_(None))
                            .order_by(col(M.Document.document_date), col(M.Document.id))).all()
        switches = document_switches(session, [d.id for d in docs])
        for doc in docs:
            target = entry_target(Section.DOCUMENTS, doc, document_id=doc.id,
                            document_switches=switches[doc.id])
            if not decide(actor, Action.READ, facts, target, now).visible:
                continue
            try:
                data = b"".join(storage.open(doc.storage_key))
            except NotFound:
                continue  # a file missing from the store: the entry is left out rather than exported empty
            files.append(ExportedFile(doc, data))

    threads: tuple = ()
    messages: tuple = ()
    if Section.MESSAGES in sections:
        threads = tuple(session.exec(select(M.MessageThread).where(M.MessageThread.profile_id == pid)
                                     .order_by(col(M.MessageThread.id))).all())
        if threads:
            messages = tuple(session.exec(select(M.Message).where(col(M.Message.thread_id).in_([t.id for t in threads]))
                                          .order_by(col(M.Message.sent_at), col(M.Message.id))).all())

    author_ids = {r.author_user_id for group in (encounters, conditions, treatments, stays, handicaps, allergies,
                                                 family, habits, vaccinations, measures, appointments,
                                                 lab_reports)
                  for r in group if r.author_user_id is not None}
    author_ids |= {f.document.author_user_id for f in files if f.document.author_user_id is not None}
    author_ids |= {m.author_user_id for m in messages}
    people: dict[int, Person] = {}
    if author_ids:
        for user in session.exec(select(M.User).where(col(M.User.id).in_(sorted(author_ids)))).all():
            if user.id == facts.owner_user_id:
                kind = "patient"
            elif user.role == "professional":
                kind = "practitioner"
            else:
                kind = "related"
            people[user.id] = Person(user.id, user.display_name, kind, user.professional_id, user.specialty)

    terms = terminology.load_default()
    procedure_codes = frozenset(
        (r.code_system, r.code) for r in stays
        if r.code_system and r.code and terms.lookup("procedure", r.code_system, r.code) is not None
    )
    return RecordData(
        profile=profile,
        sections=sections,
        complete=sections == frozenset(Section),
        people=people,
        encounters=encounters,
        conditions=conditions,
        handicaps=handicaps,
        treatments=treatments,
        hospitalisations=stays,
        allergies=allergies,
        family_history=family,
        habits=habits,
        vaccinations=vaccinations,
        measures=measures,
        files=tuple(files),
        appointments=appointments,
        threads=threads,
        messages=messages,
        procedure_codes=procedure_codes,
        lab_reports=lab_reports,
        lab_results=lab_results,
    )
