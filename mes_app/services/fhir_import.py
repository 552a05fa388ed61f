"""Import a FHIR file into a record (issue 12 item 3): the patient, or a guardian for a child.

``preview`` tells what will be added to which section and what will be skipped and why,
storing nothing. ``run_import`` adds everything, or nothing: the write use cases of the UI
(records.add_entry, measures.add_measure, documents.upload_document, lab_results.add_report) run inside one database
transaction (:func:`mes_app.services.fhir_api.held_commits`, the API's transaction Bundle
helper); the files stored are deleted when it rolls back. Each entry gets a
:class:`~mes_app.db.models.RecordImport` row (its source: "imported from <source>", and its
de-duplication key): importing the same file again adds nothing.

Who may import: the owner or a guardian (the import is the patient's own deposit); anyone
else who can see the profile is refused (Forbidden), a stranger does not find it (NotFound).
Each entry is still checked by its use case (CREATE on its section).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlmodel import Session, col, select

from mes_app.db import models
from mes_app.domain import fhir_import as fimp
from mes_app.domain import fhir_intake as fi
from mes_app.domain import lab_results as lab
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, Via, decide, readable_sections
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.domain.measures import parse_reading
from mes_app.domain.record_kinds import entry_kind
from mes_app.domain.terminology import load_default
from mes_app.services import documents, lab_results, measures, records
from mes_app.services.access_facts import load_profile_facts, record_refusal
from mes_app.services.fhir_api import held_commits  # the API's all-or-nothing helper, reused
from mes_app.storage.base import DocumentStorage

MAX_FILE_BYTES = fimp.MAX_FILE_BYTES
PREVIEW_LINES = 200


@dataclass(frozen=True)
class PreviewLine:
    section: str  # an entry kind, "measures", "documents" or "lab_results"
    resource_type: str
    summary: str
    day: str  # ISO, "" when none


@dataclass(frozen=True)
class SkippedLine:
    index: int  # position in the file (1 = first entry; 0 = the file is one resource)
    resource_type: str
    reason: str  # fhir_import.REASONS


@dataclass(frozen=True)
class ImportPreview:
    source: str
    counts: dict[str, int]  # section → entries to add
    lines: list[PreviewLine]  # at most PREVIEW_LINES
    total: int  # entries to add
    skipped: list[SkippedLine]
    duplicates: int  # entries already imported before (skipped too, reason "duplicate")


@dataclass(frozen=True)
class ImportResult:
    source: str
    counts: dict[str, int]
    total: int
    skipped: int


def _section(target: str) -> Section:
    if target == fi.MEASURES:
        return Section.MEASURES
    if target == fi.DOCUMENTS:
        return Section.DOCUMENTS
    if target == fi.LAB:
        return Section.LAB_RESULTS
    kind = entry_kind(target)
    if kind is None:  # pragma: no cover - fhir_intake maps to known kinds only
        raise NotFound()
    return kind.section


def _authorize(session: Session, actor, profile_id: object, now: datetime) -> int:  # noqa: ANN001
    """The owner or a guardian; anyone else who can read some of the record is refused
    (Forbidden), a stranger does not find it (NotFound). Refusals are recorded."""
    pid = v.parse_id(profile_id)
    facts = load_profile_facts(session, pid)
    readable = readable_sections(actor, facts, now) if facts is not None else frozenset()
    decision = decide(actor, Action.CREATE, facts, Target(Section.PROFILE), now) if facts is not None else None
    if decision is not None and decision.allowed and decision.via in (Via.OWNER, Via.GUARDIAN):
        return pid
    record_refusal(session, actor_user_id=actor.user_id, profile_id=pid, target_kind="fhir_import", target_id=None,
                   now=now, facts=facts)
    session.commit()
    raise Forbidden() if readable else NotFound()


def _plan(session: Session, actor, pid: int, data: object, filename: object,  # noqa: ANN001
          now: datetime) -> tuple[fimp.ParsedFile, list[fimp.Item], list[SkippedLine], int]:
    """What the file holds, minus what was imported before and what the actor may not add."""
    parsed = fimp.parse_file(data, filename, terminology=load_default(), now=now)
    keys = [item.key for item in parsed.items]
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        known |= set(session.exec(select(models.RecordImport.dedup_key).where(
            models.RecordImport.profile_id == pid,
            col(models.RecordImport.dedup_key).in_(keys[start:start + 500]))).all())
    facts = load_profile_facts(session, pid)
    profile = session.get(models.Profile, pid)
    if facts is None or profile is None:
        raise NotFound()
    skipped = [SkippedLine(s.index, s.resource_type, s.reason) for s in parsed.skipped]
    kept: list[fimp.Item] = []
    duplicates = 0
    for item in parsed.items:
        if item.key in known:
            duplicates += 1
            skipped.append(SkippedLine(item.index, item.resource_type, fimp.DUPLICATE))
        elif not decide(actor, Action.CREATE, facts, Target(_section(item.target)), now).allowed:
            skipped.append(SkippedLine(item.index, item.resource_type, fimp.NOT_ALLOWED))
        elif not _form_is_valid(item, profile.birth_date, now):
            skipped.append(SkippedLine(item.index, item.resource_type, fimp.INVALID))
        else:
            kept.append(item)
    skipped.sort(key=lambda s: s.index)
    return parsed, kept, skipped, duplicates


def _form_is_valid(item: fimp.Item, birth_date: date, now: datetime) -> bool:
    """The checks of the use case the entry will go through (the same pure parsers), so the
    preview is truthful: an entry the record would refuse is skipped, not a failed import."""
    try:
        if item.target == fi.MEASURES:
            parse_reading(item.intake.form, now=now, birth_date=birth_date)
        elif item.target == fi.LAB:
            if item.intake.lab is None or not item.intake.lab.values:
                return False
            lab.check_report(item.intake.lab, now=now, birth_date=birth_date)
        elif item.target != fi.DOCUMENTS:  # documents: checked by the upload (type, size, date)
            kind = entry_kind(item.target)
            if kind is None:
                return False
            records.parse_entry_form(kind, item.intake.form, birth_date=birth_date, today=local_date(now))
    except ValidationError:
        return False
    return True


def _counts(items: list[fimp.Item]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.target] = counts.get(item.target, 0) + 1
    return counts


def preview(session: Session, actor, profile_id: object, data: object, *, now: datetime,  # noqa: ANN001
            filename: object = "") -> ImportPreview:
    """Check the file and tell what an import would do; stores nothing."""
    pid = _authorize(session, actor, profile_id, now)
    session.commit()
    parsed, kept, skipped, duplicates = _plan(session, actor, pid, data, filename, now)
    lines = [PreviewLine(i.target, i.resource_type, i.summary, i.day) for i in kept[:PREVIEW_LINES]]
    return ImportPreview(parsed.source, _counts(kept), lines, len(kept), skipped, duplicates)


def _upload(session: Session, actor, pid: int, intake: fi.Intake, *, storage: DocumentStorage,  # noqa: ANN001
            max_bytes: int, stored: list[str], now: datetime) -> int:
    view = documents.upload_document(session, actor, pid, intake.form, intake.filename, [intake.data],
                                     storage=storage, max_bytes=max_bytes, now=now)
    doc = session.get(models.Document, view.id)
    if doc is not None:
        stored.append(doc.storage_key)
    return view.id


def _write_lab(session: Session, actor, pid: int, item: fimp.Item, source: str, *,  # noqa: ANN001
               storage: DocumentStorage, max_bytes: int, stored: list[str], now: datetime) -> int:
    """A lab report (a DiagnosticReport with its Observations' values, or one loose lab
    Observation) → ``lab_results.add_report``; the report's PDF is deposited first as a
    document of its own ("imported from" too) and linked to it."""
    report = item.intake.lab
    if report is None:  # pragma: no cover - fhir_intake gives every lab intake its report
        raise ValidationError("error.fhir_import_refused")
    if item.intake.data:
        document_id = _upload(session, actor, pid, item.intake, storage=storage, max_bytes=max_bytes,
                              stored=stored, now=now)
        session.add(models.RecordImport(
            profile_id=pid, resource_type="DocumentReference", dedup_key=f"{item.key[:250]}#pdf", source=source,
            target_kind=fi.DOCUMENTS, target_id=document_id, created_at=now))
        report = replace(report, document_id=document_id)
    return lab_results.add_report(session, actor, pid, report, now=now)


def _write(session: Session, actor, pid: int, item: fimp.Item, source: str, *,  # noqa: ANN001
           storage: DocumentStorage, max_bytes: int, stored: list[str], now: datetime) -> int:
    intake = item.intake
    if intake.target == fi.LAB:
        return _write_lab(session, actor, pid, item, source, storage=storage, max_bytes=max_bytes, stored=stored,
                          now=now)
    if intake.target == fi.MEASURES:
        measure_id = measures.add_measure(session, actor, pid, intake.form, now=now)
        row = session.get(models.Measure, measure_id)
        if row is not None:
            row.source = "import"
        return measure_id
    if intake.target == fi.DOCUMENTS:
        return _upload(session, actor, pid, intake, storage=storage, max_bytes=max_bytes, stored=stored, now=now)
    return records.add_entry(session, actor, pid, intake.target, intake.form, now=now).id


def run_import(session: Session, actor, profile_id: object, data: object, *, now: datetime,  # noqa: ANN001
               storage: DocumentStorage, max_bytes: int, filename: object = "") -> ImportResult:
    """Add every entry of the file not imported before, in one transaction: any refusal
    (ValidationError of a use case) stores nothing."""
    pid = _authorize(session, actor, profile_id, now)
    session.commit()
    parsed, kept, skipped, _duplicates = _plan(session, actor, pid, data, filename, now)
    stored: list[str] = []
    try:
        with held_commits(session):
            for item in kept:
                target_id = _write(session, actor, pid, item, parsed.source, storage=storage, max_bytes=max_bytes,
                                   stored=stored, now=now)
                session.add(models.RecordImport(
                    profile_id=pid, resource_type=item.resource_type, dedup_key=item.key, source=parsed.source,
                    target_kind=item.target, target_id=target_id, created_at=now))
    except BaseException as error:
        for key in stored:
            storage.delete(key)
        if isinstance(error, ValidationError):  # a use case refused an entry: nothing was stored
            raise ValidationError("error.fhir_import_refused") from None
        raise
    return ImportResult(parsed.source, _counts(kept), len(kept), len(skipped))


def imported_from(session: Session, target_kind: str, ids: list[int]) -> dict[int, str]:
    """For entries of one kind: id → the source of the file it was imported from."""
    if not ids:
        return {}
    rows = session.exec(select(models.RecordImport.target_id, models.RecordImport.source).where(
        models.RecordImport.target_kind == target_kind, col(models.RecordImport.target_id).in_(ids))).all()
    return {target_id: source for target_id, source in rows}
