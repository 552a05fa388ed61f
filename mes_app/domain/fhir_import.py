"""A FHIR file brought by the patient (issue 12 item 3): what it holds, what MES will add.

Pure Python: no database, no clock (``now`` passed in), no Reflex. The file is a Bundle from
another personal health record or a hospital portal (an IPS ``document`` with its
Composition, a ``collection``, a ``searchset``, the resources of a ``batch`` /
``transaction``) or a single resource. Each resource is mapped by
:func:`mes_app.domain.fhir_intake.map_resource` — the very mapping of the care-software API,
so an import is validated exactly as an API deposit and then as a deposit typed in the UI.

Each entry is either an :class:`Item` (the section it goes to, a summary line for the preview,
a de-duplication key) or a :class:`Skipped` with a reason code (see :data:`REASONS`). The file
as a whole is refused (:class:`~mes_app.domain.errors.ValidationError`, one message) when it
is over :data:`MAX_FILE_BYTES`, not JSON, not a FHIR resource, or holds more than
:data:`MAX_ENTRIES` entries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from mes_app.domain import fhir_intake as fi
from mes_app.domain.errors import ValidationError
from mes_app.domain.terminology import Terminology

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_SOURCE = 120

# Resources that describe the document rather than hold an entry of the record.
CONTEXT_TYPES = frozenset({"Composition", "Patient", "Practitioner", "PractitionerRole", "Organization",
                           "RelatedPerson", "Device", "Provenance", "Location"})
# Reason codes of a skipped entry (i18n key ``fhir_import.skip.<code>``).
CONTEXT, UNKNOWN_TYPE, UNKNOWN_SYSTEM, INVALID, NOT_SUPPORTED, DUPLICATE, NOT_ALLOWED, MISSING_RESULTS = (
    "context", "unknown_type", "unknown_system", "invalid", "not_supported", "duplicate", "not_allowed",
    "missing_results")
REASONS = (CONTEXT, UNKNOWN_TYPE, UNKNOWN_SYSTEM, INVALID, NOT_SUPPORTED, DUPLICATE, NOT_ALLOWED, MISSING_RESULTS)
_BUNDLE_TYPES = frozenset({"document", "collection", "searchset", "batch", "transaction", "batch-response",
                           "transaction-response", "history", "message"})
# Where the patient is referenced, per resource type (a file's own patient ids mean nothing here).
_PATIENT_ELEMENT = {"AllergyIntolerance": "patient", "Immunization": "patient"}
_LOCAL_PATIENT = "Patient/import"
# Elements left out of the content hash: they change from one export of the same data to the next.
_VOLATILE = frozenset({"id", "meta", "subject", "patient", "encounter", "text"})


@dataclass(frozen=True)
class Item:
    """An entry MES will add."""

    index: int  # position in the file (0 for a single resource)
    resource_type: str
    target: str  # an entry kind, fhir_intake.MEASURES, DOCUMENTS or LAB
    summary: str  # the entry's name as the file gives it (code text, title, measure value...)
    day: str  # its date, ISO ("" when none)
    key: str  # de-duplication key
    intake: fi.Intake = field(repr=False)


@dataclass(frozen=True)
class Skipped:
    index: int
    resource_type: str  # "" when the entry has none
    reason: str  # one of REASONS
    summary: str = ""


@dataclass(frozen=True)
class ParsedFile:
    source: str  # "imported from <source>"
    items: list[Item]
    skipped: list[Skipped]


def _text(value: object, limit: int = MAX_SOURCE) -> str:
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


def load_json(data: object) -> Any:
    """Bytes of the file → JSON; oversized, not UTF-8 or not JSON → one ValidationError."""
    if not isinstance(data, bytes | bytearray):
        raise ValidationError("error.fhir_import_not_json")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError("error.fhir_import_too_large", max=MAX_FILE_BYTES // (1024 * 1024))
    if not data.strip():
        raise ValidationError("error.fhir_import_empty")
    try:
        return json.loads(bytes(data).decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError("error.fhir_import_not_json") from None


def _entries(document: Any) -> list[tuple[int, Any, str]]:
    """(position, resource, fullUrl) of each entry ("" when the entry has no fullUrl)."""
    if not isinstance(document, dict) or not isinstance(document.get("resourceType"), str):
        raise ValidationError("error.fhir_import_not_fhir")
    if document["resourceType"] != "Bundle":
        return [(0, document, "")]
    if document.get("type") not in _BUNDLE_TYPES:
        raise ValidationError("error.fhir_import_not_fhir")
    entries = document.get("entry", [])
    if not isinstance(entries, list):
        raise ValidationError("error.fhir_import_not_fhir")
    if len(entries) > MAX_ENTRIES:
        raise ValidationError("error.fhir_import_too_many", max=MAX_ENTRIES)
    out = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            out.append((index, None, ""))
            continue
        url = entry.get("fullUrl")
        out.append((index, entry.get("resource"), url if isinstance(url, str) else ""))
    return out


def find_source(document: Any, filename: object) -> str:
    """Where the file comes from: Bundle ``meta.source``, the Composition's custodian or
    author, else the file name (trimmed, at most :data:`MAX_SOURCE` characters)."""
    candidates: list[object] = []
    if isinstance(document, dict):
        meta = document.get("meta")
        if isinstance(meta, dict):
            candidates.append(meta.get("source"))
        for entry in document.get("entry") or [] if isinstance(document.get("entry"), list) else []:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict) and resource.get("resourceType") == "Composition":
                custodian = resource.get("custodian")
                if isinstance(custodian, dict):
                    candidates.append(custodian.get("display"))
                for author in resource.get("author") or []:
                    if isinstance(author, dict):
                        candidates.append(author.get("display"))
                        candidates.append(_organization_name(document, author.get("reference")))
                break
    candidates.append(filename)
    return next((_text(c) for c in candidates if _text(c)), "FHIR")


def _organization_name(document: dict, reference: object) -> str:
    """The name of an Organization of the Bundle that a reference points to ("" if none)."""
    if not isinstance(reference, str):
        return ""
    for entry in document.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "Organization":
            continue
        if reference in (entry.get("fullUrl"), f"Organization/{resource.get('id')}"):
            return _text(resource.get("name"))
    return ""


def content_key(resource: dict, intake: fi.Intake) -> str:
    """Resource type + business identifier, else a hash of the resource without what changes
    from one export to the next (ids, meta, patient references, narrative)."""
    if intake.identifier is not None:
        system, value = intake.identifier
        return f"{resource['resourceType']}|{system}|{value}"[:255]
    stable = {k: v for k, v in resource.items() if k not in _VOLATILE}
    digest = hashlib.sha256(json.dumps(stable, sort_keys=True, ensure_ascii=False,
                                       separators=(",", ":")).encode()).hexdigest()
    return f"{resource['resourceType']}#{digest}"


def _with_local_patient(resource: dict) -> dict:
    """The file's patient is the profile imported into: its own reference is replaced."""
    element = _PATIENT_ELEMENT.get(resource["resourceType"], "subject")
    return {**resource, element: {"reference": _LOCAL_PATIENT}}


def _summary(intake: fi.Intake) -> tuple[str, str]:
    form = intake.form
    if intake.target == fi.LAB and intake.lab is not None:
        report = intake.lab
        names = ", ".join(value.name for value in report.values if value.name)
        text = f"{report.title} : {names}" if report.title and names else report.title or names
        return _text(text, 200), report.collected_at.date().isoformat()
    if intake.target == fi.MEASURES:
        value = str(form.get("value", ""))
        if form.get("value_secondary"):
            value += "/" + str(form["value_secondary"])
        when = form.get("measured_at")
        day = when.date().isoformat() if isinstance(when, datetime) else ""
        return f"{value} {form.get('unit', '')}".strip(), day
    text = form.get("code_text") or form.get("title") or ""
    day = next((str(form[k]) for k in ("onset_date", "given_on", "start_date", "occurred_on", "document_date")
                if form.get(k)), "")
    return _text(text, 200), day


def _reason(error: fi.IntakeError) -> str:
    if error.issue == "code-invalid" and "system" in error.diagnostics:
        return UNKNOWN_SYSTEM
    if error.issue == "not-supported" or error.status == 404:
        return UNKNOWN_TYPE if error.expression == "resourceType" else NOT_SUPPORTED
    return INVALID


def classify(resource: Any, index: int, *, terminology: Terminology, now: datetime) -> Item | Skipped:
    """One resource of the file → an :class:`Item` or a :class:`Skipped`."""
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        return Skipped(index, "", INVALID)
    kind = resource["resourceType"][:40]
    if kind in CONTEXT_TYPES:
        return Skipped(index, kind, CONTEXT)
    if kind != "DiagnosticReport" and kind not in fi.CREATABLE:
        try:
            fi.validate_model(resource)
        except fi.IntakeError as error:
            if error.status == 404:
                return Skipped(index, kind, UNKNOWN_TYPE)
        return Skipped(index, kind, NOT_SUPPORTED)
    try:
        intake = fi.map_resource(_with_local_patient(resource), terminology=terminology, now=now)
    except fi.IntakeError as error:
        return Skipped(index, kind, _reason(error))
    summary, day = _summary(intake)
    return Item(index, kind, intake.target, summary, day, content_key(resource, intake), intake)


def parse_file(data: object, filename: object, *, terminology: Terminology, now: datetime) -> ParsedFile:
    """The whole file: refused as a whole (ValidationError) or split into items and skips.
    Two entries of the file with the same key: the second is skipped as a duplicate."""
    document = load_json(data)
    entries = _entries(document)
    items: list[Item] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    found_at = {index: classify(resource, index, terminology=terminology, now=now)
                for index, resource, _url in entries}
    for index, found in _with_lab_values(found_at, entries):
        if isinstance(found, Item) and found.key in seen:
            found = Skipped(index, found.resource_type, DUPLICATE, found.summary)
        if isinstance(found, Item):
            seen.add(found.key)
            items.append(found)
        else:
            skipped.append(found)
    return ParsedFile(find_source(document, filename), items, skipped)


def _lab_references(entries: list[tuple[int, Any, str]], found_at: dict[int, Item | Skipped]) -> dict[str, int]:
    """How a report of the file may point to each lab Observation of the file: its fullUrl,
    or ``Observation/<id>`` (a searchset's relative references)."""
    where: dict[str, int] = {}
    for index, resource, url in entries:
        found = found_at[index]
        if not isinstance(found, Item) or found.target != fi.LAB or found.resource_type != "Observation":
            continue
        if url:
            where[url] = index
        if isinstance(resource, dict) and isinstance(resource.get("id"), str) and resource["id"]:
            where[f"Observation/{resource['id']}"] = index
    return where


def _with_lab_values(found_at: dict[int, Item | Skipped],
                     entries: list[tuple[int, Any, str]]) -> list[tuple[int, Item | Skipped]]:
    """Each DiagnosticReport of the file becomes one lab report holding the values of the
    Observations its ``result`` points to (those are then not imported on their own); a report
    whose results are not all lab Observations of the file (or points to one twice, or to one
    an earlier report took) is skipped (MISSING_RESULTS); its Observations that are in the file
    then stay one-value reports, as does a lab Observation no report points to."""
    where = _lab_references(entries, found_at)
    out = dict(found_at)
    taken: set[int] = set()
    for index, found in found_at.items():
        if not isinstance(found, Item) or found.target != fi.LAB or found.resource_type != "DiagnosticReport":
            continue
        parts = [where.get(ref) for ref in found.intake.results]
        if any(part is None or part in taken for part in parts) or len(set(parts)) != len(parts):
            out[index] = Skipped(index, found.resource_type, MISSING_RESULTS, found.summary)
            continue
        mine = [part for part in parts if part is not None]
        taken.update(mine)
        observations = [item.intake for part in mine if isinstance(item := found_at[part], Item)]
        intake = replace(found.intake, lab=fi.lab_report_with_values(found.intake, observations))
        summary, day = _summary(intake)
        out[index] = replace(found, intake=intake, summary=summary, day=day)
    return [(index, found) for index, found in out.items() if index not in taken]
