"""FHIR R4 resources coming in through the API (issue 12 item 2) → typed MES inputs.

Pure Python: no database, no clock (``now`` passed in), no Reflex. Each resource is first
parsed by the ``fhir.resources`` R4B model (structure, cardinality, data types), then checked
by the rules below (required codes, known code systems), and mapped to the *same form* the
record pages post, so the use cases (:mod:`mes_app.services.records`, ``measures``,
``documents``) validate it once more exactly as they do a deposit made in the UI.

What is mapped
    ``Observation`` (category ``vital-signs``, a LOINC code of a MES measure kind) → a measure;
    ``DocumentReference`` (LOINC type, file in ``content.attachment.data``) → a document;
    ``Condition`` → conditions; ``AllergyIntolerance`` → allergies; ``Immunization`` →
    vaccinations; ``MedicationStatement`` / ``MedicationRequest`` → treatments; ``Encounter``
    → an encounter of the timeline. Laboratory ``Observation`` and ``DiagnosticReport`` are
    :data:`LAB` (handled by the lab results service, not here).

Codes
    A coding whose system is not one we know for that element is refused (422,
    ``code-invalid``). A known system with a code our terminology knows is stored coded; with
    a code it does not know, the entry is kept as free text (its ``text`` or ``display``),
    as the UI keeps an uncoded entry.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mes_app.domain import measures as m
from mes_app.domain.calendar import local_date
from mes_app.domain.fhir_export import LAB_LOINC
from mes_app.domain.terminology import ATC, CVX, ICD10, LOINC, SNOMED, Terminology

ICD11 = "http://id.who.int/icd/release/11/mms"
NUVA = "https://smt.esante.gouv.fr/terminologie-nuva"
CIP_UCD = "https://smt.esante.gouv.fr/terminologie-cip_ucd"
BDPM = "https://smt.esante.gouv.fr/terminologie-bdpm"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
UCUM = "http://unitsofmeasure.org"
BP_SYSTOLIC, BP_DIASTOLIC = "8480-6", "8462-4"

# The code systems accepted for the coded element of each resource type.
SYSTEMS: Mapping[str, frozenset[str]] = {
    "Condition": frozenset({SNOMED, ICD10, ICD11}),
    "AllergyIntolerance": frozenset({SNOMED, ATC}),
    "Immunization": frozenset({ATC, CVX, SNOMED, NUVA}),
    "MedicationStatement": frozenset({ATC, SNOMED, CIP_UCD, BDPM}),
    "MedicationRequest": frozenset({ATC, SNOMED, CIP_UCD, BDPM}),
    "Observation": frozenset({LOINC}),
    "DocumentReference": frozenset({LOINC}),
}
# resource type → (record entry kind, terminology kind of its coded field)
ENTRY_KINDS: Mapping[str, tuple[str, str]] = {
    "Condition": ("conditions", "health_problem"),
    "AllergyIntolerance": ("allergies", "allergy"),
    "Immunization": ("vaccinations", "vaccine"),
    "MedicationStatement": ("treatments", "medication"),
    "MedicationRequest": ("treatments", "medication"),
    "Encounter": ("encounters", ""),
}
CREATABLE = ("Observation", "DocumentReference", *ENTRY_KINDS)
LAB = "laboratory"  # the target of lab Observations and DiagnosticReports
MEASURES, DOCUMENTS = "measures", "documents"
MAX_TEXT = 200
MAX_NOTE = 2000

_CONDITION_STATUS = {"active": "active", "recurrence": "active", "relapse": "active", "inactive": "inactive",
                     "remission": "inactive", "resolved": "resolved"}
_ALLERGY_STATUS = {"active": "active", "inactive": "resolved", "resolved": "resolved"}
_ENCOUNTER_KIND = {"EMER": "emergency"}


class IntakeError(Exception):
    """A resource refused: HTTP status, FHIR issue type, and where (a FHIRPath). The
    diagnostics say what rule failed, never the value that was sent."""

    def __init__(self, status: int, issue: str, diagnostics: str, expression: str = "") -> None:
        super().__init__(diagnostics)
        self.status = status
        self.issue = issue
        self.diagnostics = diagnostics
        self.expression = expression


@dataclass(frozen=True)
class Intake:
    """A resource mapped to a MES use case's input."""

    resource_type: str
    patient_ref: str  # the reference of its subject: "Patient/12" or "urn:uuid:..."
    target: str  # an entry kind, MEASURES, DOCUMENTS or LAB
    form: dict = field(default_factory=dict)
    identifier: tuple[str, str] | None = None  # (system, value) of its business identifier
    data: bytes = b""  # DocumentReference: the file
    filename: str = ""


def _invalid(diagnostics: str, expression: str = "", issue: str = "invalid") -> IntakeError:
    return IntakeError(422, issue, diagnostics, expression)


def validate_model(resource: Any) -> dict:
    """Structure checks of the R4B model (400 when not even a resource, 422 when invalid)."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError as ModelError

    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        raise IntakeError(400, "structure", "a FHIR resource (JSON object with resourceType) is expected")
    try:
        model = get_fhir_model_class(resource["resourceType"])
    except (KeyError, ValueError, AttributeError):
        raise IntakeError(404, "not-supported", "unknown resource type", "resourceType") from None
    try:
        model.model_validate(resource)
    except (ModelError, ValueError, TypeError) as error:
        where = ""
        if isinstance(error, ModelError) and error.errors():
            where = ".".join(str(p) for p in error.errors()[0].get("loc", ()) if isinstance(p, str))
        raise _invalid(f"the resource does not follow the {resource['resourceType']} structure",
                       f"{resource['resourceType']}.{where}" if where else resource["resourceType"]) from None
    return resource


# --------------------------------------------------------------------------- small readers


def _text(value: object, limit: int = MAX_TEXT) -> str:
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


def _codings(concept: object) -> list[dict]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


def _concept_text(concept: object) -> str:
    if not isinstance(concept, dict):
        return ""
    return _text(concept.get("text")) or next((_text(c.get("display")) for c in _codings(concept)
                                               if _text(c.get("display"))), "")


def _check_systems(resource_type: str, concept: object, where: str) -> None:
    allowed = SYSTEMS.get(resource_type, frozenset())
    for coding in _codings(concept):
        if coding.get("system") not in allowed:
            raise _invalid("unknown code system", where + ".coding.system", "code-invalid")


def _coded_form(resource_type: str, concept: object, where: str, kind: str, terminology: Terminology) -> dict:
    """``code_text`` and ``code`` ("system|code") of a coded field, as the record forms post."""
    if not isinstance(concept, dict):
        raise _invalid("a code is required", where, "required")
    _check_systems(resource_type, concept, where)
    text = _concept_text(concept)
    picked = ""
    for coding in _codings(concept):
        system, code = coding.get("system"), coding.get("code")
        if not isinstance(code, str) or not isinstance(system, str):
            continue
        found = terminology.lookup(kind, system, code)
        if found is None and system == CVX and kind == "vaccine":
            found = next((c for c in terminology.concepts("vaccine") if code in c.extra_codes("cvx")), None)
        if found is not None:
            picked = f"{found.system}|{found.code}"
            text = text or found.display_fr or found.display
            break
    if not text:
        raise _invalid("the code needs a text or a display", where, "required")
    return {"code_text": text, "code": picked}


def _day(value: object, where: str, *, required: bool = False) -> str:
    """The local calendar day of a FHIR date / dateTime, ISO; "" when absent."""
    if value in (None, ""):
        if required:
            raise _invalid("a date is required", where, "required")
        return ""
    if not isinstance(value, str):
        raise _invalid("a date is expected", where, "value")
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid("a full date (YYYY-MM-DD) is expected", where, "value") from None
    if moment.tzinfo is None:
        raise _invalid("a time zone is required", where, "value")
    return local_date(moment).isoformat()


def _notes(resource: dict) -> str:
    texts = [_text(n.get("text"), MAX_NOTE) for n in resource.get("note") or [] if isinstance(n, dict)]
    return "\n".join(t for t in texts if t)[:MAX_NOTE]


def _identifier(resource: dict) -> tuple[str, str] | None:
    for ident in resource.get("identifier") or []:
        if isinstance(ident, dict) and isinstance(ident.get("system"), str) and isinstance(ident.get("value"), str):
            return ident["system"][:255], ident["value"][:255]
    return None


def _subject(resource: dict, element: str) -> str:
    ref = resource.get(element)
    reference = ref.get("reference") if isinstance(ref, dict) else None
    if not isinstance(reference, str) or not reference:
        raise _invalid("the patient reference is required", f"{resource['resourceType']}.{element}", "required")
    return reference


def _category_codes(resource: dict) -> set[str]:
    return {str(c.get("code")) for cat in resource.get("category") or [] for c in _codings(cat)
            if c.get("system") == OBSERVATION_CATEGORY}


# --------------------------------------------------------------------------- per resource


def is_lab(resource: dict) -> bool:
    """A laboratory Observation or a DiagnosticReport (the lab results service's business)."""
    if resource.get("resourceType") == "DiagnosticReport":
        return True
    if resource.get("resourceType") != "Observation":
        return False
    if "laboratory" in _category_codes(resource):
        return True
    return any(c.get("system") == LOINC and c.get("code") in LAB_LOINC for c in _codings(resource.get("code")))


def map_resource(resource: Any, *, terminology: Terminology, now: datetime) -> Intake:
    """One incoming resource → an :class:`Intake`, or :class:`IntakeError`."""
    resource = validate_model(resource)
    kind = resource["resourceType"]
    if kind != "DiagnosticReport" and kind not in CREATABLE:
        raise IntakeError(404, "not-supported", "this resource type cannot be created here", "resourceType")
    if is_lab(resource):
        return Intake(kind, _subject(resource, "subject"), LAB, identifier=_identifier(resource))
    if kind == "Observation":
        return _observation(resource, now)
    if kind == "DocumentReference":
        return _document(resource)
    mapper = {"Condition": _condition, "AllergyIntolerance": _allergy, "Immunization": _immunization,
              "MedicationStatement": _medication, "MedicationRequest": _medication, "Encounter": _encounter}[kind]
    entry_kind, terminology_kind = ENTRY_KINDS[kind]
    element = "patient" if kind in ("AllergyIntolerance", "Immunization") else "subject"
    form = mapper(resource, terminology, terminology_kind)
    return Intake(kind, _subject(resource, element), entry_kind, form, _identifier(resource))


def _condition(resource: dict, terminology: Terminology, kind: str) -> dict:
    form = _coded_form("Condition", resource.get("code"), "Condition.code", kind, terminology)
    clinical = next((c.get("code") for c in _codings(resource.get("clinicalStatus"))
                     if c.get("system") == CONDITION_CLINICAL), "active")
    if clinical not in _CONDITION_STATUS:
        raise _invalid("unknown clinical status", "Condition.clinicalStatus", "code-invalid")
    return {**form, "status": _CONDITION_STATUS[clinical],
            "onset_date": _day(resource.get("onsetDateTime"), "Condition.onsetDateTime"),
            "abatement_date": _day(resource.get("abatementDateTime"), "Condition.abatementDateTime"),
            "note": _notes(resource)}


def _allergy(resource: dict, terminology: Terminology, kind: str) -> dict:
    form = _coded_form("AllergyIntolerance", resource.get("code"), "AllergyIntolerance.code", kind, terminology)
    clinical = next((c.get("code") for c in _codings(resource.get("clinicalStatus"))
                     if c.get("system") == ALLERGY_CLINICAL), "active")
    if clinical not in _ALLERGY_STATUS:
        raise _invalid("unknown clinical status", "AllergyIntolerance.clinicalStatus", "code-invalid")
    reactions = [r for r in resource.get("reaction") or [] if isinstance(r, dict)]
    severity = reactions[0].get("severity") if reactions else None
    if severity is None and resource.get("criticality") == "high":
        severity = "severe"
    manifestation = _concept_text((reactions[0].get("manifestation") or [None])[0]) if reactions else ""
    return {**form, "status": _ALLERGY_STATUS[clinical],
            "severity": severity if severity in ("mild", "moderate", "severe") else "unknown",
            "reaction": manifestation,
            "onset_date": _day(resource.get("onsetDateTime"), "AllergyIntolerance.onsetDateTime"),
            "note": _notes(resource)}


def _immunization(resource: dict, terminology: Terminology, kind: str) -> dict:
    if resource.get("status") != "completed":
        raise _invalid("only a completed immunization can be recorded", "Immunization.status", "business-rule")
    form = _coded_form("Immunization", resource.get("vaccineCode"), "Immunization.vaccineCode", kind, terminology)
    doses = [p.get("doseNumberPositiveInt") for p in resource.get("protocolApplied") or [] if isinstance(p, dict)]
    performers = [p.get("actor") for p in resource.get("performer") or [] if isinstance(p, dict)]
    performer = next((_text(a.get("display")) for a in performers if isinstance(a, dict) and a.get("display")), "")
    return {**form, "given_on": _day(resource.get("occurrenceDateTime"), "Immunization.occurrenceDateTime",
                                     required=True),
            "dose_number": str(doses[0]) if doses and isinstance(doses[0], int) else "",
            "lot_number": _text(resource.get("lotNumber"), 60), "performer": performer,
            "note": _notes(resource)}


def _medication(resource: dict, terminology: Terminology, kind: str) -> dict:
    rt = resource["resourceType"]
    if "medicationCodeableConcept" not in resource:
        raise _invalid("medicationCodeableConcept is required (references are not supported)",
                       f"{rt}.medication", "not-supported")
    form = _coded_form(rt, resource["medicationCodeableConcept"], f"{rt}.medicationCodeableConcept", kind,
                       terminology)
    dosages = resource.get("dosage" if rt == "MedicationStatement" else "dosageInstruction") or []
    dosage = next((_text(d.get("text"), 255) for d in dosages if isinstance(d, dict) and d.get("text")), "")
    period = resource.get("effectivePeriod") or {}
    start = period.get("start") or resource.get("effectiveDateTime") or resource.get("authoredOn")
    return {**form, "dosage": dosage, "start_date": _day(start, f"{rt}.effective"),
            "end_date": _day(period.get("end"), f"{rt}.effectivePeriod.end"), "note": _notes(resource)}


def _encounter(resource: dict, _terminology: Terminology, _kind: str) -> dict:
    klass = resource.get("class") or {}
    if klass.get("system") not in (None, ACT_CODE):
        raise _invalid("unknown code system", "Encounter.class.system", "code-invalid")
    title = next((_concept_text(t) for t in resource.get("type") or [] if _concept_text(t)), "") \
        or next((_concept_text(r) for r in resource.get("reasonCode") or [] if _concept_text(r)), "") \
        or _concept_text(resource.get("serviceType"))
    if not title:
        raise _invalid("a type or a reason (with a text) is required", "Encounter.type", "required")
    participants = [p.get("individual") for p in resource.get("participant") or [] if isinstance(p, dict)]
    places = [p.get("location") for p in resource.get("location") or [] if isinstance(p, dict)]
    return {"kind": _ENCOUNTER_KIND.get(str(klass.get("code")), "other"), "title": title,
            "occurred_on": _day((resource.get("period") or {}).get("start"), "Encounter.period.start",
                                required=True),
            "practitioner": next((_text(i.get("display")) for i in participants
                                  if isinstance(i, dict) and i.get("display")), ""),
            "place": next((_text(p.get("display")) for p in places if isinstance(p, dict) and p.get("display")), ""),
            "note": ""}


def _observation(resource: dict, now: datetime) -> Intake:
    if "vital-signs" not in _category_codes(resource):
        raise _invalid("only vital-signs observations are accepted", "Observation.category", "not-supported")
    if resource.get("status") not in ("final", "amended", "corrected"):
        raise _invalid("only final observations are recorded", "Observation.status", "business-rule")
    _check_systems("Observation", resource.get("code"), "Observation.code")
    codes = [c.get("code") for c in _codings(resource.get("code")) if c.get("system") == LOINC]
    kind = next((k for k in (m.kind_for_loinc(code) for code in codes) if k is not None), None)
    if kind is None or kind.derived:
        raise _invalid("this LOINC code is not a measure MES keeps", "Observation.code", "code-invalid")
    effective = resource.get("effectiveDateTime")
    if not isinstance(effective, str) or len(effective) <= 10:
        raise _invalid("effectiveDateTime with a time is required", "Observation.effectiveDateTime", "required")
    try:
        measured_at = datetime.fromisoformat(effective.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid("invalid effectiveDateTime", "Observation.effectiveDateTime", "value") from None
    if measured_at.tzinfo is None:
        raise _invalid("a time zone is required", "Observation.effectiveDateTime", "value")
    form: dict[str, Any] = {"kind": kind.key, "measured_at": measured_at}
    if kind.secondary:
        parts = {}
        for component in resource.get("component") or []:
            code = next((c.get("code") for c in _codings(component.get("code")) if c.get("system") == LOINC), None)
            parts[code] = component.get("valueQuantity") or {}
        systolic, diastolic = parts.get(BP_SYSTOLIC), parts.get(BP_DIASTOLIC)
        if not systolic or not diastolic:
            raise _invalid("systolic and diastolic components are required", "Observation.component", "required")
        form |= {"value": _number(systolic, "Observation.component.valueQuantity"),
                 "value_secondary": _number(diastolic, "Observation.component.valueQuantity"),
                 "unit": _unit(systolic)}
    else:
        quantity = resource.get("valueQuantity")
        if not isinstance(quantity, dict):
            raise _invalid("valueQuantity is required", "Observation.valueQuantity", "required")
        form |= {"value": _number(quantity, "Observation.valueQuantity"), "unit": _unit(quantity)}
    del now  # the use case checks "not in the future" with the same clock
    return Intake("Observation", _subject(resource, "subject"), MEASURES, form, _identifier(resource))


def _number(quantity: dict, where: str) -> str:
    value = quantity.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid("a number is required", where + ".value", "required")
    if quantity.get("system") not in (None, UCUM):
        raise _invalid("unknown unit system", where + ".system", "code-invalid")
    return repr(float(value))


def _unit(quantity: dict) -> str:
    code = quantity.get("code") or quantity.get("unit")
    return code if isinstance(code, str) else ""


def _document(resource: dict) -> Intake:
    if resource.get("status") != "current":
        raise _invalid("only a current document can be deposited", "DocumentReference.status", "business-rule")
    concept = resource.get("type")
    _check_systems("DocumentReference", concept, "DocumentReference.type")
    category = next((c.get("code") for c in _codings(concept) if c.get("system") == LOINC), None)
    if not isinstance(category, str):
        raise _invalid("a LOINC document type is required", "DocumentReference.type", "required")
    contents = [c.get("attachment") for c in resource.get("content") or [] if isinstance(c, dict)]
    attachment = contents[0] if contents and isinstance(contents[0], dict) else {}
    raw = attachment.get("data")
    if not isinstance(raw, str) or not raw:
        raise _invalid("the file must be in content.attachment.data", "DocumentReference.content.attachment.data",
                       "required")
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise _invalid("attachment data is not base64", "DocumentReference.content.attachment.data",
                       "value") from None
    title = _text(resource.get("description")) or _text(attachment.get("title")) or _concept_text(concept)
    day = _day(resource.get("date"), "DocumentReference.date") or _day(attachment.get("creation"),
                                                                         "DocumentReference.content.attachment.creation")
    if not day:
        raise _invalid("a date is required", "DocumentReference.date", "required")
    filename = _text(attachment.get("title"), 255) or "document"
    form = {"title": title, "document_date": day, "category": category}
    subject = _subject(resource, "subject")
    return Intake("DocumentReference", subject, DOCUMENTS, form, _identifier(resource), data, filename)
