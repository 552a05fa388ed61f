"""The FHIR R4 API's use cases (issue 12 item 2): find a patient, create resources (plain and
conditional), transaction and batch Bundles.

The token says who is asking (:class:`~mes_app.services.connected_software.Caller`: a
software of one professional); the access policy decides. Every write goes through the very
use case of a deposit made in the UI by that professional (records.add_entry,
measures.add_measure, documents.upload_document, lab_results.add_report): the same checks, the same provenance
(author = the professional, role ``professional``), the same defaults of the record. The API
adds a :class:`~mes_app.db.models.FhirIntake` row (which software, the sender's identifier), and
its one ``api_create`` event per resource replaces the use case's ``create`` event in the access
history (:func:`~mes_app.services.access_facts.written_by_software`).

A refused request stores nothing (refusals are recorded in the access history or the
security log, as in the UI). A transaction Bundle is one database transaction: the use
cases' commits are held (:func:`held_commits`) and everything is rolled back on the first
refusal; the files it stored are deleted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlmodel import Session, col, select

from mes_app import fault_points
from mes_app.db import models
from mes_app.domain import fhir_intake as fi
from mes_app.domain import smart_backend as smart
from mes_app.domain.access import Action, Section, Target
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.domain.fhir_intake import IntakeError
from mes_app.domain.terminology import load_default
from mes_app.services import documents, lab_results, measures, records
from mes_app.services.access_facts import authorize, record_access, written_by_software
from mes_app.services.connected_software import Caller
from mes_app.storage.base import DocumentStorage

PATIENT_SYSTEM = "https://mes.example/fhir/sid/patient"  # MES's own patient identifier (the profile id)
MAX_BUNDLE_ENTRIES = 100

# What the API does, per resource type: the token endpoint grants scopes from this, and the
# CapabilityStatement is built from it (tests compare it to the routes).
SUPPORTED: dict[str, frozenset[str]] = {
    "Patient": frozenset("rs"),
    **{resource_type: frozenset("c") for resource_type in fi.CREATABLE},
}


@dataclass(frozen=True)
class Created:
    resource_type: str
    id: int
    status: int  # 201 created, 200 already there (conditional create)


@dataclass
class Context:
    """One request (or one Bundle): the caller, the clock, the files stored so far."""

    caller: Caller
    now: datetime
    storage: DocumentStorage
    max_bytes: int
    stored_keys: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- patients


def patient_resource(profile: models.Profile) -> dict:
    return {
        "resourceType": "Patient",
        "id": str(profile.id),
        "identifier": [{"system": PATIENT_SYSTEM, "value": str(profile.id)}],
        "name": [{"family": profile.family_name, "given": [profile.given_name]}],
        "birthDate": profile.birth_date.isoformat(),
        **({"gender": profile.sex} if profile.sex in ("female", "male", "other") else {}),
    }


def _profile_id_of_identifier(token: object) -> int | None:
    if not isinstance(token, str) or "|" not in token or len(token) > 300:
        return None
    system, value = token.split("|", 1)
    if system != PATIENT_SYSTEM or not value.isdigit() or len(value) > 12:
        return None
    return int(value)


def _care_team_profile(session: Session, caller: Caller, pid: int, *, now: datetime,
                       log_read: bool = True) -> models.Profile | None:
    """The profile if the professional is in its care team now, else None (a refusal is
    recorded as the UI records it: a stranger's in the security log)."""
    try:
        authorize(session, caller.actor, Action.READ, pid, Target(Section.PROFILE), now=now, target_kind="profile",
                  log_reads=log_read)
    except (NotFound, Forbidden):
        return None
    session.commit()
    return session.get(models.Profile, pid)


def search_patients(session: Session, caller: Caller, identifier: object, *, now: datetime) -> list[dict]:
    """``Patient?identifier=system|value``: the patient only when the professional is in its
    care team; anyone else is an empty result, exactly as an unknown identifier is."""
    if not smart.allows(caller.scopes, "Patient", "s"):
        raise Forbidden()
    pid = _profile_id_of_identifier(identifier)
    if pid is None:
        return []
    profile = _care_team_profile(session, caller, pid, now=now)
    return [patient_resource(profile)] if profile is not None else []


def _resolve_patient(session: Session, caller: Caller, reference: str, *, now: datetime) -> int:
    """``Patient/<id>`` or the conditional ``Patient?identifier=system|value``; a patient
    outside the care team is not found."""
    pid: int | None = None
    if reference.startswith("Patient/") and reference[8:].isdigit() and len(reference) < 21:
        pid = int(reference[8:])
    elif reference.startswith("Patient?identifier="):
        pid = _profile_id_of_identifier(reference[len("Patient?identifier="):])
    if pid is None:
        raise IntakeError(422, "invalid", "the subject must be Patient/<id> or Patient?identifier=",
                          "subject.reference")
    if _care_team_profile(session, caller, pid, now=now, log_read=False) is None:
        raise IntakeError(404, "not-found", "unknown patient", "subject.reference")
    return pid


# --------------------------------------------------------------------------- create


def _upload(session: Session, context: Context, intake: fi.Intake, pid: int) -> int:
    """A file through the professional's document deposit (its first bytes decide its type)."""
    view = documents.upload_document(session, context.caller.actor, pid, intake.form, intake.filename, [intake.data],
                                     storage=context.storage, max_bytes=context.max_bytes, now=context.now)
    doc = session.get(models.Document, view.id)
    if doc is not None:
        context.stored_keys.append(doc.storage_key)
    return view.id


def labs_intake(session: Session, context: Context, intake: fi.Intake, pid: int) -> int:
    """A laboratory Observation (a one-value report) or a DiagnosticReport whose values were
    gathered from its Bundle (:func:`transaction`) → ``lab_results.add_report``; the report's
    PDF is deposited first as a document and linked to it."""
    report = intake.lab
    if report is None or not report.values:
        raise _unresolved_results()
    if intake.data:
        document_id = _upload(session, context, intake, pid)
        # the PDF is a document of its own (its own "via", no identifier: the report has it)
        _record_intake(session, context, pid, "DocumentReference", None, fi.DOCUMENTS, document_id)
        report = replace(report, document_id=document_id)
    return lab_results.add_report(session, context.caller.actor, pid, report, now=context.now)


def _unresolved_results() -> IntakeError:
    return IntakeError(422, "invalid", "a DiagnosticReport's results must be laboratory Observations posted with it "
                       "in the same transaction Bundle (by their urn:uuid fullUrl)", "DiagnosticReport.result")


def _write(session: Session, context: Context, intake: fi.Intake, pid: int) -> int:
    """The professional's own deposit use case, with the form the UI would post."""
    actor, now = context.caller.actor, context.now
    if intake.target == fi.LAB:
        return labs_intake(session, context, intake, pid)
    if intake.target == fi.MEASURES:
        return measures.add_measure(session, actor, pid, intake.form, now=now)
    if intake.target == fi.DOCUMENTS:
        return _upload(session, context, intake, pid)
    return records.add_entry(session, actor, pid, intake.target, intake.form, now=now).id


def _conditional(token: object) -> tuple[str, str]:
    """``If-None-Exist: identifier=system|value`` (the query part only)."""
    if not isinstance(token, str) or not token.startswith("identifier=") or "|" not in token or "&" in token:
        raise IntakeError(400, "not-supported", "only If-None-Exist: identifier=system|value is supported",
                          "If-None-Exist")
    system, value = token[len("identifier="):].split("|", 1)
    if not system or not value:
        raise IntakeError(400, "invalid", "identifier needs a system and a value", "If-None-Exist")
    return system[:255], value[:255]


def _existing(session: Session, pid: int, resource_type: str, identifier: tuple[str, str]) -> Created | None:
    rows = session.exec(select(models.FhirIntake).where(
        models.FhirIntake.profile_id == pid, models.FhirIntake.resource_type == resource_type,
        models.FhirIntake.identifier_system == identifier[0], models.FhirIntake.identifier_value == identifier[1],
    ).order_by(col(models.FhirIntake.id))).all()
    alive = [row for row in rows if _target_exists(session, row)]
    if len(alive) > 1:
        raise IntakeError(412, "multiple-matches", "more than one resource has this identifier", "If-None-Exist")
    return Created(resource_type, alive[0].target_id, 200) if alive else None


def _target_exists(session: Session, row: models.FhirIntake) -> bool:
    if row.target_kind == fi.LAB:
        return session.get(models.LabReport, row.target_id) is not None
    if row.target_kind == fi.MEASURES:
        return session.get(models.Measure, row.target_id) is not None
    if row.target_kind == fi.DOCUMENTS:
        doc = session.get(models.Document, row.target_id)
        return doc is not None and doc.deleted_at is None
    model = records.MODELS.get(row.target_kind)
    return model is not None and session.get(model, row.target_id) is not None


@dataclass(frozen=True)
class Prepared:
    """A resource checked and mapped, its patient found in the professional's care team."""

    intake: fi.Intake
    profile_id: int
    identifier: tuple[str, str] | None  # If-None-Exist's, else the resource's own
    conditional: bool


def prepare(session: Session, context: Context, resource: object, *, if_none_exist: object = None) -> Prepared:
    """Everything that can be refused before writing: scopes, structure, codes, patient."""
    caller = context.caller
    resource_type = resource.get("resourceType") if isinstance(resource, dict) else None
    if isinstance(resource_type, str) and not smart.allows(caller.scopes, resource_type, "c"):
        raise IntakeError(403, "forbidden", "the token's scopes do not allow this creation", "resourceType")
    intake = fi.map_resource(resource, terminology=load_default(), now=context.now)
    wanted = _conditional(if_none_exist) if if_none_exist not in (None, "") else None
    pid = _resolve_patient(session, caller, intake.patient_ref, now=context.now)
    return Prepared(intake, pid, wanted or intake.identifier, wanted is not None)


def write(session: Session, context: Context, prepared: Prepared) -> Created:
    """Create a prepared resource through the professional's deposit use case; a
    conditional create that finds its identifier returns the existing one (200)."""
    intake, pid = prepared.intake, prepared.profile_id
    if prepared.conditional and prepared.identifier is not None:
        found = _existing(session, pid, intake.resource_type, prepared.identifier)
        if found is not None:
            return found
    try:
        with written_by_software():
            target_id = _write(session, context, intake, pid)
    except NotFound:
        raise IntakeError(404, "not-found", "unknown patient", "subject.reference") from None
    except Forbidden:
        raise IntakeError(403, "forbidden", "the patient's record does not allow this", "resourceType") from None
    except ValidationError as refused:  # a code (error.*) only: never the value sent
        if refused.code.endswith("too_large"):
            raise IntakeError(413, "too-costly", refused.code, intake.resource_type) from None
        raise IntakeError(422, "invariant", refused.code, intake.resource_type) from None
    _record_intake(session, context, pid, intake.resource_type, prepared.identifier, intake.target, target_id)
    session.commit()
    return Created(intake.resource_type, target_id, 201)


def _record_intake(session: Session, context: Context, pid: int, resource_type: str,
                   identifier: tuple[str, str] | None, target_kind: str, target_id: int) -> None:
    """Which software wrote what (the patient sees "via <software>"), and the access history line."""
    caller = context.caller
    session.add(models.FhirIntake(
        software_id=caller.software_id, profile_id=pid, resource_type=resource_type,
        identifier_system=identifier[0] if identifier else None,
        identifier_value=identifier[1] if identifier else None,
        target_kind=target_kind, target_id=target_id, created_at=context.now,
    ))
    record_access(session, actor_user_id=caller.actor.user_id, profile_id=pid, action="api_create",
                  target_kind=target_kind, target_id=target_id, via="care_team", grant_id=caller.software_id,
                  now=context.now)


def create(session: Session, context: Context, resource: object, *, if_none_exist: object = None) -> Created:
    """``POST [base]/[type]``: one resource, all or nothing (a DiagnosticReport only comes
    with its Observations, in a transaction Bundle)."""
    prepared = prepare(session, context, resource, if_none_exist=if_none_exist)
    if prepared.intake.resource_type == "DiagnosticReport":
        raise _unresolved_results()
    try:
        with held_commits(session):
            done = write(session, context, prepared)
    except BaseException:
        discard_files(context)
        raise
    context.stored_keys.clear()  # committed: the files belong to their rows now
    return done


# --------------------------------------------------------------------------- bundles


@contextmanager
def held_commits(session: Session) -> Iterator[None]:
    """The use cases' ``commit()`` becomes a ``flush()`` inside: one database transaction
    for a whole transaction Bundle, committed at the end or rolled back on any error."""
    real_commit, real_rollback = session.commit, session.rollback
    session.commit = session.flush  # type: ignore[method-assign]
    # A use case's own rollback (the document upload drops its early CREATE record) must not
    # drop the entries written before it: inside, it does nothing; the end decides.
    session.rollback = lambda: None  # type: ignore[method-assign]
    try:
        yield
    except BaseException:
        del session.commit, session.rollback
        real_rollback()
        raise
    del session.commit, session.rollback
    real_commit()


@dataclass(frozen=True)
class EntryResult:
    status: str  # "201 Created", "200 OK", "422 Unprocessable Entity"...
    location: str = ""
    outcome: IntakeError | None = None


_REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
            412: "Precondition Failed", 422: "Unprocessable Entity"}


def _entry_request(entry: object) -> tuple[dict, dict, str]:
    if not isinstance(entry, dict):
        raise IntakeError(400, "structure", "a Bundle entry must be an object", "Bundle.entry")
    request, resource = entry.get("request"), entry.get("resource")
    if not isinstance(request, dict) or request.get("method") != "POST" or not isinstance(resource, dict):
        raise IntakeError(400, "not-supported", "only POST entries with a resource are supported",
                          "Bundle.entry.request.method")
    url = request.get("url")
    if url != resource.get("resourceType"):
        raise IntakeError(400, "invalid", "request.url must be the resource type", "Bundle.entry.request.url")
    full_url = entry.get("fullUrl")
    full_url = full_url if isinstance(full_url, str) else ""
    return request, resource, full_url


def _check_bundle(bundle: object, kind: str) -> list:
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle" or bundle.get("type") != kind:
        raise IntakeError(400, "structure", "a Bundle is expected", "Bundle.type")
    fi.validate_model({k: v for k, v in bundle.items() if k != "entry"} | {"entry": []})
    entries = bundle.get("entry") or []
    if not isinstance(entries, list) or len(entries) > MAX_BUNDLE_ENTRIES:
        raise IntakeError(413, "too-costly", f"at most {MAX_BUNDLE_ENTRIES} entries", "Bundle.entry")
    return entries


def _references(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from _references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _references(inner)


def transaction(session: Session, context: Context, bundle: object) -> list[EntryResult]:
    """All or nothing: every entry created, or none (the first refusal is raised). The lab
    Observations a DiagnosticReport's ``result`` points to become the values of its one report."""
    entries = [_entry_request(e) for e in _check_bundle(bundle, "transaction")]
    full_urls = [url for _, _, url in entries if url]
    if len(set(full_urls)) != len(full_urls):
        raise IntakeError(400, "invalid", "two entries have the same fullUrl", "Bundle.entry.fullUrl")
    known = set(full_urls)
    for _, resource, _ in entries:
        checked = resource  # a report's results are checked below, with a 422 that says so
        if resource.get("resourceType") == "DiagnosticReport":
            checked = {k: v for k, v in resource.items() if k != "result"}
        for ref in _references(checked):
            if ref.startswith("urn:uuid:") and ref not in known:
                raise IntakeError(400, "invalid", "a urn:uuid reference points outside the Bundle",
                                  "Bundle.entry.resource")
    # Every urn:uuid points inside the Bundle. The subject must be a Patient, and patients are
    # not created here: a subject given as urn:uuid is refused; links between the created
    # entries (Condition.encounter...) are not kept by MES, except a report's results.
    prepared = [prepare(session, context, resource, if_none_exist=request.get("ifNoneExist"))
                for request, resource, _ in entries]
    prepared, parts = _gather_lab_results(prepared, [url for _, _, url in entries])
    results: dict[int, EntryResult] = {}
    try:
        with held_commits(session):
            for index, one in enumerate(prepared):
                if one is None:
                    continue
                done = write(session, context, one)
                results[index] = _result(done)
                if index in parts:
                    results |= _value_results(session, done, parts[index])
            fault_points.pause("fhir.transaction")  # the fault tests' kill -9 before the one commit
    except BaseException:
        discard_files(context)
        raise
    context.stored_keys.clear()
    return [results[index] for index in range(len(prepared))]


def _gather_lab_results(prepared: list[Prepared], full_urls: list[str],
                        ) -> tuple[list[Prepared | None], dict[int, list[int]]]:
    """Each DiagnosticReport gets the values of the lab Observations its ``result`` points to
    (by fullUrl); those Observations are then written as part of it (``None`` in the list).
    Returns the list and, per report index, the indexes of its Observations."""
    where = {url: index for index, url in enumerate(full_urls) if url}
    out: list[Prepared | None] = list(prepared)
    parts: dict[int, list[int]] = {}
    taken: set[int] = set()
    for index, one in enumerate(prepared):
        if one.intake.resource_type != "DiagnosticReport":
            continue
        mine = [where.get(ref) for ref in one.intake.results]
        for part in mine:
            if part is None or part in taken or prepared[part].intake.resource_type != "Observation" \
                    or prepared[part].intake.target != fi.LAB:
                raise _unresolved_results()
            if prepared[part].profile_id != one.profile_id:
                raise IntakeError(422, "invalid", "a report's results must be of its patient",
                                  "DiagnosticReport.result")
            taken.add(part)
        indexes = [part for part in mine if part is not None]
        values = fi.lab_report_with_values(one.intake, [prepared[part].intake for part in indexes])
        out[index] = replace(one, intake=replace(one.intake, lab=values))
        parts[index] = indexes
        for part in indexes:
            out[part] = None
    return out, parts


def _value_results(session: Session, report: Created, indexes: list[int]) -> dict[int, EntryResult]:
    """The response entries of a report's Observations: each its value (by position)."""
    ids = session.exec(select(models.LabResult.id).where(models.LabResult.report_id == report.id)
                       .order_by(col(models.LabResult.position), col(models.LabResult.id))).all()
    status = f"{report.status} {_REASONS[report.status]}"
    return {index: EntryResult(status, f"Observation/{ids[n]}/_history/1" if n < len(ids)
                               else f"DiagnosticReport/{report.id}/_history/1")
            for n, index in enumerate(indexes)}


def batch(session: Session, context: Context, bundle: object) -> list[EntryResult]:
    """Each entry on its own: one response entry per request entry, in the same order."""
    results: list[EntryResult] = []
    for entry in _check_bundle(bundle, "batch"):
        try:
            request, resource, _ = _entry_request(entry)
            if any(ref.startswith("urn:uuid:") for ref in _references(resource)):
                raise IntakeError(400, "invalid", "entries of a batch may not refer to each other",
                                  "Bundle.entry.resource")
            results.append(_result(create(session, context, resource, if_none_exist=request.get("ifNoneExist"))))
        except IntakeError as refused:
            results.append(EntryResult(f"{refused.status} {_REASONS.get(refused.status, 'Error')}", outcome=refused))
    return results


def _result(done: Created) -> EntryResult:
    return EntryResult(f"{done.status} {_REASONS[done.status]}", f"{done.resource_type}/{done.id}/_history/1")


def discard_files(context: Context) -> None:
    """Delete the files a rolled-back request had stored (their rows are gone)."""
    for key in context.stored_keys:
        context.storage.delete(key)
    context.stored_keys.clear()
