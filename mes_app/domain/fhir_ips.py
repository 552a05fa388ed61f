"""The summary as a FHIR R4 International Patient Summary ``Bundle`` (a document).

Pure mapping: a :class:`mes_app.services.summary.Summary`-shaped object in, a JSON-ready dict
out. No database, no clock, no randomness: the caller passes the bundle id (a UUID) and every
entry's ``urn:uuid`` is derived from it, so the same input always gives the same document.

Shape (HL7 IPS 2.0.0, ``../shared/reference/standards.md`` §3): ``Bundle.type = document``
with ``identifier`` and ``timestamp``; first entry the ``Composition`` (LOINC 60591-5,
subject and author the ``Patient``); then the ``Patient`` and the entries. The three required
sections (problems 11450-4, allergies 48765-2, medications 10160-0) are always present, with
an ``emptyReason`` when there is nothing to list (``withheld`` when the section is outside
the reader's scope, ``unavailable`` when nothing is recorded); immunizations (11369-6) and
vital signs (8716-3) only when they are in scope. Every section has a generated XHTML
narrative, its text escaped (a record entry is never markup).
"""

from __future__ import annotations

import html
import uuid
from typing import Any

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
CVX = "http://hl7.org/fhir/sid/cvx"
EMPTY_REASON = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
XHTML = "http://www.w3.org/1999/xhtml"

IPS_DOCUMENT_CODE = "60591-5"
SECTION_CODES = {
    "problems": "11450-4",
    "allergies": "48765-2",
    "medications": "10160-0",
    "immunizations": "11369-6",
    "vital_signs": "8716-3",
}
BP_SYSTOLIC, BP_DIASTOLIC = "8480-6", "8462-4"

_TITLES = {
    "fr": {
        "document": "Synthèse patient",
        "problems": "Problèmes de santé actuels",
        "allergies": "Allergies et intolérances",
        "medications": "Traitements en cours",
        "immunizations": "Vaccinations",
        "vital_signs": "Dernières mesures",
        "withheld": "Non partagé.",
        "unavailable": "Aucune information.",
    },
    "en": {
        "document": "International Patient Summary",
        "problems": "Active problems",
        "allergies": "Allergies and intolerances",
        "medications": "Current medications",
        "immunizations": "Immunizations",
        "vital_signs": "Latest vital signs",
        "withheld": "Not shared.",
        "unavailable": "No information.",
    },
}
_GENDERS = {"female": "female", "male": "male", "other": "other"}
_CRITICALITY = {"severe": "high", "moderate": "low", "mild": "low"}


def summary_to_bundle(summary: Any, *, bundle_id: str, lang: str = "fr") -> dict:
    """The IPS document of ``summary`` (see the module docstring)."""
    titles = _TITLES.get(lang, _TITLES["fr"])
    base = uuid.UUID(bundle_id)
    counter = iter(range(1_000_000))

    def new_urn() -> str:
        return f"urn:uuid:{uuid.uuid5(base, str(next(counter)))}"

    composition_urn, patient_urn = new_urn(), new_urn()
    subject = {"reference": patient_urn}
    entries: list[tuple[str, dict]] = [(patient_urn, _patient(summary.identity))]
    sections: list[dict] = []

    def section(key: str, items: tuple | None, build, describe, *, required: bool) -> None:  # noqa: ANN001
        if items is None and not required:
            return
        refs, lines = [], []
        for item in items or ():
            urn = new_urn()
            entries.append((urn, build(item, subject)))
            refs.append({"reference": urn})
            lines.append(describe(item))
        block = {
            "title": titles[key],
            "code": {"coding": [{"system": LOINC, "code": SECTION_CODES[key]}]},
        }
        if refs:
            block["text"] = _narrative("<ul>" + "".join(f"<li>{_esc(x)}</li>" for x in lines) + "</ul>")
            block["entry"] = refs
        else:
            reason = "withheld" if items is None else "unavailable"
            block["text"] = _narrative(f"<p>{_esc(titles[reason])}</p>")
            block["emptyReason"] = {"coding": [{"system": EMPTY_REASON, "code": reason}]}
        sections.append(block)

    section("problems", summary.problems, _condition, lambda p: _label(p.condition), required=True)
    section("allergies", summary.allergies, _allergy,
            lambda a: " — ".join(x for x in (_label(a.substance), a.reaction) if x), required=True)
    section("medications", summary.treatments, _medication,
            lambda t: " — ".join(x for x in (_label(t.medication), t.dosage) if x), required=True)
    section("immunizations", summary.vaccinations, _immunization,
            lambda i: f"{_label(i.vaccine)} ({i.given_on})", required=False)
    section("vital_signs", summary.measures, _observation, _measure_text, required=False)

    identity = summary.identity
    who = _esc(f"{identity.given_name} {identity.family_name}") if identity else ""
    composition = {
        "resourceType": "Composition",
        "id": composition_urn.rsplit(":", 1)[1],
        "text": _narrative(f"<p>{_esc(titles['document'])}{(' — ' + who) if who else ''}</p>"),
        "status": "final",
        "type": {"coding": [{"system": LOINC, "code": IPS_DOCUMENT_CODE, "display": "Patient summary Document"}]},
        "subject": subject,
        "date": summary.generated_at,
        "author": [subject],
        "title": titles["document"],
        "confidentiality": "N",
        "section": sections,
    }
    all_entries = [(composition_urn, composition), *entries]
    for urn, resource in all_entries:
        resource.setdefault("id", urn.rsplit(":", 1)[1])
    return {
        "resourceType": "Bundle",
        "id": str(base),
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{base}"},
        "type": "document",
        "timestamp": summary.generated_at,
        "entry": [{"fullUrl": urn, "resource": resource} for urn, resource in all_entries],
    }


# --------------------------------------------------------------------------- resources


def _patient(identity: Any) -> dict:
    if identity is None:  # identity outside the scope: IPS still wants a Patient with a name
        return {"resourceType": "Patient", "name": [{"text": "—"}]}
    out = {
        "resourceType": "Patient",
        "name": [{"family": identity.family_name, "given": [identity.given_name],
                  "text": f"{identity.given_name} {identity.family_name}"}],
        "gender": _GENDERS.get(identity.sex, "unknown"),
        "birthDate": identity.birth_date,
    }
    return out


def _concept(coded: Any) -> dict:
    concept: dict = {"text": coded.text}
    if coded.system and coded.code:
        coding = {"system": coded.system, "code": coded.code}
        if coded.display:
            coding["display"] = coded.display
        concept["coding"] = [coding]
    return concept


def _allergy(item: Any, subject: dict) -> dict:
    out = {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": {"coding": [{
            "system": ALLERGY_CLINICAL, "code": item.status if item.status in ("active", "resolved") else "active",
        }]},
        "verificationStatus": {"coding": [{"system": ALLERGY_VERIFICATION, "code": "confirmed"}]},
        "code": _concept(item.substance),
        "patient": subject,
    }
    if item.severity in _CRITICALITY:
        out["criticality"] = _CRITICALITY[item.severity]
    if item.onset:
        out["onsetDateTime"] = item.onset
    if item.reaction:
        reaction: dict = {"manifestation": [{"text": item.reaction}]}
        if item.severity in ("mild", "moderate", "severe"):
            reaction["severity"] = item.severity
        out["reaction"] = [reaction]
    return out


def _condition(item: Any, subject: dict) -> dict:
    out = {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "problem-list-item"}]}],
        "code": _concept(item.condition),
        "subject": subject,
    }
    if item.onset:
        out["onsetDateTime"] = item.onset
    return out


def _medication(item: Any, subject: dict) -> dict:
    out = {
        "resourceType": "MedicationStatement",
        "status": "active",
        "medicationCodeableConcept": _concept(item.medication),
        "subject": subject,
    }
    period = {k: v for k, v in (("start", item.start), ("end", item.end)) if v}
    if period:
        out["effectivePeriod"] = period
    if item.dosage:
        out["dosage"] = [{"text": item.dosage}]
    return out


def _immunization(item: Any, subject: dict) -> dict:
    concept = _concept(item.vaccine)
    if item.cvx and not any(c.get("system") == CVX for c in concept.get("coding", [])):
        concept.setdefault("coding", []).append({"system": CVX, "code": item.cvx})
    out = {
        "resourceType": "Immunization",
        "status": "completed",
        "vaccineCode": concept,
        "patient": subject,
        "occurrenceDateTime": item.given_on,
    }
    if item.lot_number:
        out["lotNumber"] = item.lot_number
    if item.dose_number:
        out["protocolApplied"] = [{"doseNumberPositiveInt": item.dose_number}]
    return out


def _quantity(value: float, unit: str) -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _observation(item: Any, subject: dict) -> dict:
    out = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "vital-signs"}]}],
        "code": {"coding": [{"system": LOINC, "code": item.loinc}], "text": item.kind},
        "subject": subject,
        "effectiveDateTime": item.measured_at,
    }
    if item.value_secondary is not None:  # blood pressure: one panel, two components
        out["component"] = [
            {"code": {"coding": [{"system": LOINC, "code": BP_SYSTOLIC}]},
             "valueQuantity": _quantity(item.value, item.unit)},
            {"code": {"coding": [{"system": LOINC, "code": BP_DIASTOLIC}]},
             "valueQuantity": _quantity(item.value_secondary, item.unit)},
        ]
    else:
        out["valueQuantity"] = _quantity(item.value, item.unit)
    return out


# --------------------------------------------------------------------------- narrative


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _narrative(inner: str) -> dict:
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{inner}</div>'}


def _label(coded: Any) -> str:
    return coded.text or coded.display or coded.code or ""


def _measure_text(item: Any) -> str:
    value = f"{item.value:g}" + (f"/{item.value_secondary:g}" if item.value_secondary is not None else "")
    return f"{item.kind}: {value} {item.unit} ({item.date})"
