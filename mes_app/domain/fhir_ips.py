"""The summary as a FHIR R4 International Patient Summary ``Bundle`` (a document).

Pure mapping: a :class:`mes_app.services.summary.Summary`-shaped object in, a JSON-ready dict
out. No database, no clock, no randomness: the caller passes the bundle id (a UUID) and every
entry's ``urn:uuid`` is derived from it, so the same input always gives the same document.

Shape (HL7 IPS 2.0.0, ``../shared/reference/standards.md`` §3): ``Bundle.type = document``
with ``identifier``, ``timestamp`` and ``language``; first entry the ``Composition`` (LOINC
60591-5, its ``language`` too; subject the ``Patient``; author the ``Patient`` for a summary
the patient made, else a ``RelatedPerson``, the guardian who made it); then the ``Patient``
and the entries. The three required sections (problems 11450-4, allergies 48765-2,
medications 10160-0) are always present, with an ``emptyReason`` when there is nothing to
list (``withheld`` when the section is outside the reader's scope, ``unavailable`` when
nothing is recorded); the others only when they are in scope: immunizations (11369-6),
results (30954-2: blood glucose, a laboratory Observation), vital signs (8716-3), and, from
``extras`` (:class:`mes_app.services.ips.IpsExtras`-shaped), past illness (11348-0),
procedures (47519-4: hospital stays), functional status (47420-5: disabilities), social
history (29762-2: lifestyle) and plan of care (18776-5: upcoming appointments, one CarePlan).
Every coding has a ``display``; every section a generated XHTML narrative, its text escaped
(a record entry is never markup).
"""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass
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
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
XHTML = "http://www.w3.org/1999/xhtml"

IPS_DOCUMENT_CODE = "60591-5"
SECTION_CODES = {
    "problems": "11450-4",
    "allergies": "48765-2",
    "medications": "10160-0",
    "immunizations": "11369-6",
    "results": "30954-2",
    "vital_signs": "8716-3",
    "past_illness": "11348-0",
    "procedures": "47519-4",
    "functional_status": "47420-5",
    "social_history": "29762-2",
    "plan_of_care": "18776-5",
}
# LOINC displays of the section codes (as in the IPS 2.0.0 Composition profile).
SECTION_DISPLAYS = {
    "11450-4": "Problem list - Reported",
    "48765-2": "Allergies and adverse reactions Document",
    "10160-0": "History of Medication use Narrative",
    "11369-6": "History of Immunization Narrative",
    "30954-2": "Relevant diagnostic tests/laboratory data Narrative",
    "8716-3": "Vital signs",
    "11348-0": "History of Past illness Narrative",
    "47519-4": "History of Procedures Document",
    "47420-5": "Functional status assessment note",
    "29762-2": "Social history Narrative",
    "18776-5": "Plan of care note",
}
BP_SYSTOLIC, BP_DIASTOLIC = "8480-6", "8462-4"
BODY_HEIGHT, BODY_LENGTH_LYING = "8302-2", "8306-3"
OXYGEN_SATURATION, PULSE_OXIMETRY = "2708-6", "59408-5"
# LOINC codings of each measure kind: the first is the one the R4 vital-signs profile wants;
# a kind's stored code (e.g. 8306-3, a baby's length lying down) is added as an extra coding.
MEASURE_CODINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "weight": (("29463-7", "Body weight"),),
    "height": ((BODY_HEIGHT, "Body height"),),
    "bmi": (("39156-5", "Body mass index (BMI) [Ratio]"),),
    "blood_pressure": (("85354-9", "Blood pressure panel with all children optional"),),
    "heart_rate": (("8867-4", "Heart rate"),),
    "temperature": (("8310-5", "Body temperature"),),
    "spo2": ((OXYGEN_SATURATION, "Oxygen saturation in Arterial blood"),
             (PULSE_OXIMETRY, "Oxygen saturation in Arterial blood by Pulse oximetry")),
    "glucose": (("2339-0", "Glucose [Mass/volume] in Blood"),),
    "head_circumference": (("9843-4", "Head Occipital-frontal circumference"),),
    "waist_circumference": (("8280-0", "Waist Circumference at umbilicus by Tape measure"),),
}
LOINC_DISPLAYS = {
    BODY_LENGTH_LYING: "Body height --lying",
    BP_SYSTOLIC: "Systolic blood pressure",
    BP_DIASTOLIC: "Diastolic blood pressure",
    **{code: display for codings in MEASURE_CODINGS.values() for code, display in codings},
}
# Filed as a laboratory result (Results section), not as a vital sign.
LABORATORY_KINDS = frozenset({"glucose"})
MEASURE_NAMES = {
    "fr": {"weight": "Poids", "height": "Taille", "bmi": "Indice de masse corporelle",
           "blood_pressure": "Tension artérielle", "heart_rate": "Fréquence cardiaque",
           "temperature": "Température", "spo2": "Saturation en oxygène", "glucose": "Glycémie",
           "head_circumference": "Périmètre crânien", "waist_circumference": "Tour de taille"},
    "en": {"weight": "Body weight", "height": "Body height", "bmi": "Body mass index",
           "blood_pressure": "Blood pressure", "heart_rate": "Heart rate",
           "temperature": "Body temperature", "spo2": "Oxygen saturation", "glucose": "Blood glucose",
           "head_circumference": "Head circumference", "waist_circumference": "Waist circumference"},
}
# Social history: LOINC for the two IPS observations; the other habits are described in words.
HABIT_CODINGS = {"tobacco": ("72166-2", "Tobacco smoking status"), "alcohol": ("74013-4", "Alcoholic drinks per day")}
HABIT_NAMES = {
    "fr": {"tobacco": "Tabac", "alcohol": "Alcool", "physical_activity": "Activité physique",
           "diet": "Alimentation", "other": "Habitude de vie"},
    "en": {"tobacco": "Tobacco", "alcohol": "Alcohol", "physical_activity": "Physical activity",
           "diet": "Diet", "other": "Lifestyle"},
}
LANGUAGES = {"fr": "fr-FR", "en": "en"}
_DISPLAYS = {
    EMPTY_REASON: {"withheld": "Information Withheld", "unavailable": "Unavailable"},
    ALLERGY_CLINICAL: {"active": "Active", "resolved": "Resolved", "inactive": "Inactive"},
    ALLERGY_VERIFICATION: {"confirmed": "Confirmed"},
    CONDITION_CLINICAL: {"active": "Active", "resolved": "Resolved", "inactive": "Inactive"},
    CONDITION_CATEGORY: {"problem-list-item": "Problem List Item"},
    OBSERVATION_CATEGORY: {"vital-signs": "Vital Signs", "laboratory": "Laboratory",
                           "social-history": "Social History"},
    ROLE_CODE: {"GUARD": "guardian"},
}


@dataclass(frozen=True)
class Author:
    """Who made the summary when it is not the patient: a guardian (``RelatedPerson``)."""

    name: str
    relationship: str = "guardian"


def coding(system: str, code: str, display: str | None = None) -> dict:
    """A Coding with its display (ours, or the one given)."""
    shown = display or _DISPLAYS.get(system, {}).get(code) or (LOINC_DISPLAYS.get(code) if system == LOINC else None)
    out = {"system": system, "code": code}
    if shown:
        out["display"] = shown
    return out


def _coded_concept(system: str, code: str) -> dict:
    return {"coding": [coding(system, code)]}

_TITLES = {
    "fr": {
        "document": "Synthèse patient",
        "problems": "Problèmes de santé actuels",
        "allergies": "Allergies et intolérances",
        "medications": "Traitements en cours",
        "immunizations": "Vaccinations",
        "results": "Résultats d'examens",
        "vital_signs": "Dernières mesures",
        "past_illness": "Antécédents (maladies passées)",
        "procedures": "Hospitalisations et interventions",
        "functional_status": "Handicaps",
        "social_history": "Habitudes de vie",
        "plan_of_care": "Rendez-vous à venir",
        "upcoming": "Rendez-vous à venir",
        "withheld": "Non partagé.",
        "unavailable": "Aucune information.",
    },
    "en": {
        "document": "International Patient Summary",
        "problems": "Active problems",
        "allergies": "Allergies and intolerances",
        "medications": "Current medications",
        "immunizations": "Immunizations",
        "results": "Results",
        "vital_signs": "Latest vital signs",
        "past_illness": "Past illness",
        "procedures": "Hospital stays and procedures",
        "functional_status": "Disabilities",
        "social_history": "Lifestyle",
        "plan_of_care": "Upcoming appointments",
        "upcoming": "Upcoming appointments",
        "withheld": "Not shared.",
        "unavailable": "No information.",
    },
}
_GENDERS = {"female": "female", "male": "male", "other": "other"}
_CRITICALITY = {"severe": "high", "moderate": "low", "mild": "low"}


def summary_to_bundle(summary: Any, *, bundle_id: str, lang: str = "fr", author: Author | None = None,
                      extras: Any = None) -> dict:
    """The IPS document of ``summary`` (see the module docstring). ``author``: the guardian who
    made it (None: the patient). ``extras``: the further sections (None: left out)."""
    lang = lang if lang in _TITLES else "fr"
    titles = _TITLES[lang]
    names = MEASURE_NAMES[lang]
    base = uuid.UUID(bundle_id)
    counter = iter(range(1_000_000))

    def new_urn() -> str:
        return f"urn:uuid:{uuid.uuid5(base, str(next(counter)))}"

    composition_urn, patient_urn = new_urn(), new_urn()
    subject = {"reference": patient_urn}
    entries: list[tuple[str, dict]] = [(patient_urn, _patient(summary.identity))]
    author_ref = subject
    if author is not None:
        author_urn = new_urn()
        entries.append((author_urn, _related_person(author, subject)))
        author_ref = {"reference": author_urn, "display": author.name}
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
        code = SECTION_CODES[key]
        block = {
            "title": titles[key],
            "code": {"coding": [coding(LOINC, code, SECTION_DISPLAYS[code])]},
        }
        if refs:
            block["text"] = _narrative("<ul>" + "".join(f"<li>{_esc(x)}</li>" for x in lines) + "</ul>")
            block["entry"] = refs
        else:
            reason = "withheld" if items is None else "unavailable"
            block["text"] = _narrative(f"<p>{_esc(titles[reason])}</p>")
            block["emptyReason"] = {"coding": [coding(EMPTY_REASON, reason)]}
        sections.append(block)

    def observation(item: Any, subj: dict) -> dict:
        return _observation(item, subj, names)

    def measure_text(item: Any) -> str:
        return _measure_text(item, names)

    measures = summary.measures
    labs = None if measures is None else tuple(m for m in measures if m.kind in LABORATORY_KINDS)
    vitals = None if measures is None else tuple(m for m in measures if m.kind not in LABORATORY_KINDS)

    section("problems", summary.problems, _condition, lambda p: _label(p.condition), required=True)
    section("allergies", summary.allergies, _allergy,
            lambda a: " — ".join(x for x in (_label(a.substance), a.reaction) if x), required=True)
    section("medications", summary.treatments, _medication,
            lambda t: " — ".join(x for x in (_label(t.medication), t.dosage) if x), required=True)
    section("immunizations", summary.vaccinations, _immunization,
            lambda i: f"{_label(i.vaccine)} ({i.given_on})", required=False)
    lab_reports = getattr(extras, "lab_reports", None) if extras is not None else None
    if lab_reports:  # --- lab results (issue 12): the reports with the lab measures ---
        _lab_results_section(sections, entries, new_urn, subject, labs or (), observation, measure_text,
                             lab_reports, titles["results"])
    else:
        section("results", labs or None, observation, measure_text, required=False)
    section("vital_signs", vitals, observation, measure_text, required=False)
    if extras is not None:
        habit_names = HABIT_NAMES[lang]
        section("past_illness", extras.past_illness, _past_condition,
                lambda p: " — ".join(x for x in (_label(p.condition), _period_text(p.onset, p.abatement)) if x),
                required=False)
        section("procedures", extras.procedures, _procedure,
                lambda p: " — ".join(x for x in (_label(p.reason), p.facility, _period_text(p.start, p.end)) if x),
                required=False)
        section("functional_status", extras.disabilities, _disability, lambda d: _label(d.condition), required=False)
        section("social_history", extras.habits, lambda h, subj: _habit(h, subj, habit_names),
                lambda h: f"{habit_names.get(h.kind, habit_names['other'])}: {_label(h.value)}", required=False)
        appointments = extras.appointments
        if appointments is not None:
            plan = (appointments,) if appointments else ()
            section("plan_of_care", plan, lambda items, subj: _care_plan(items, subj, titles["upcoming"]),
                    lambda items: "; ".join(_appointment_text(a) for a in items), required=False)

    identity = summary.identity
    who = _esc(f"{identity.given_name} {identity.family_name}") if identity else ""
    composition = {
        "resourceType": "Composition",
        "id": composition_urn.rsplit(":", 1)[1],
        "language": LANGUAGES[lang],
        "text": _narrative(f"<p>{_esc(titles['document'])}{(' — ' + who) if who else ''}</p>"),
        "status": "final",
        "type": {"coding": [coding(LOINC, IPS_DOCUMENT_CODE, "Patient summary Document")]},
        "subject": subject,
        "date": summary.generated_at,
        "author": [author_ref],
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
        "language": LANGUAGES[lang],
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


def _related_person(author: Author, subject: dict) -> dict:
    return {
        "resourceType": "RelatedPerson",
        "patient": subject,
        "relationship": [{"coding": [coding(ROLE_CODE, "GUARD")], "text": author.relationship}],
        "name": [{"text": author.name}],
    }


def _concept(coded: Any) -> dict:
    """A record entry's concept: what was typed as ``text``, its code (with a display: the
    terminology's, else the typed text) when it has one."""
    concept: dict = {"text": coded.text}
    if coded.system and coded.code:
        concept["coding"] = [coding(coded.system, coded.code, coded.display or coded.text or coded.code)]
    return concept


def _allergy(item: Any, subject: dict) -> dict:
    out = {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": _coded_concept(ALLERGY_CLINICAL,
                                         item.status if item.status in ("active", "resolved") else "active"),
        "verificationStatus": _coded_concept(ALLERGY_VERIFICATION, "confirmed"),
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
        "clinicalStatus": _coded_concept(CONDITION_CLINICAL, "active"),
        "category": [_coded_concept(CONDITION_CATEGORY, "problem-list-item")],
        "code": _concept(item.condition),
        "subject": subject,
    }
    if item.onset:
        out["onsetDateTime"] = item.onset
    return out


def _past_condition(item: Any, subject: dict) -> dict:
    status = item.status if item.status in ("resolved", "inactive") else "resolved"
    out = {
        "resourceType": "Condition",
        "clinicalStatus": _coded_concept(CONDITION_CLINICAL, status),
        "category": [_coded_concept(CONDITION_CATEGORY, "problem-list-item")],
        "code": _concept(item.condition),
        "subject": subject,
    }
    if item.onset:
        out["onsetDateTime"] = item.onset
    if item.abatement:
        out["abatementDateTime"] = item.abatement
    return out


def _disability(item: Any, subject: dict) -> dict:
    out = {
        "resourceType": "Condition",
        "clinicalStatus": _coded_concept(CONDITION_CLINICAL, "active"),
        "category": [_coded_concept(CONDITION_CATEGORY, "problem-list-item")],
        "code": _concept(item.condition),
        "subject": subject,
    }
    if item.since:
        out["onsetDateTime"] = item.since
    return out


def _procedure(item: Any, subject: dict) -> dict:
    out: dict = {
        "resourceType": "Procedure",
        "status": "completed",
        "code": _concept(item.reason),
        "subject": subject,
    }
    period = {k: v for k, v in (("start", item.start), ("end", item.end)) if v}
    if period:
        out["performedPeriod"] = period
    if item.facility:
        out["location"] = {"display": item.facility}
    return out


def _habit(item: Any, subject: dict, names: dict[str, str]) -> dict:
    code: dict = {"text": names.get(item.kind, names["other"])}
    if item.kind in HABIT_CODINGS:
        code["coding"] = [coding(LOINC, *HABIT_CODINGS[item.kind])]
    out: dict = {
        "resourceType": "Observation",
        "status": "final",
        "category": [_coded_concept(OBSERVATION_CATEGORY, "social-history")],
        "code": code,
        "subject": subject,
        "valueCodeableConcept": _concept(item.value),
    }
    period = {k: v for k, v in (("start", item.start), ("end", item.end)) if v}
    if period:
        out["effectivePeriod"] = period
    return out


def _care_plan(items: tuple, subject: dict, title: str) -> dict:
    activities = []
    for a in items:
        detail: dict = {
            "kind": "Appointment",
            "status": "scheduled" if a.status == "planned" else "not-started",
            "description": " — ".join(x for x in (a.title, a.reason) if x),
            "scheduledPeriod": {k: v for k, v in (("start", a.starts_at), ("end", a.ends_at)) if v},
        }
        if a.location:
            detail["location"] = {"display": a.location}
        if a.practitioner:
            detail["performer"] = [{"display": a.practitioner}]
        activities.append({"detail": detail})
    return {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "title": title,
        "subject": subject,
        "activity": activities,
    }


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
        concept.setdefault("coding", []).append(coding(CVX, item.cvx, item.vaccine.display or item.vaccine.text))
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


def measure_codings(kind: str, stored_loinc: str | None = None) -> list[dict]:
    """The LOINC codings of a measure kind (the profile's first), plus the stored code when it
    differs (8306-3 for a baby's length lying down)."""
    codings = [coding(LOINC, code, display) for code, display in MEASURE_CODINGS.get(kind, ())]
    if stored_loinc and all(c["code"] != stored_loinc for c in codings):
        codings.append(coding(LOINC, stored_loinc))
    return codings


def _observation(item: Any, subject: dict, names: dict[str, str] | None = None) -> dict:
    names = names or MEASURE_NAMES["fr"]
    laboratory = item.kind in LABORATORY_KINDS
    out = {
        "resourceType": "Observation",
        "status": "final",
        "category": [_coded_concept(OBSERVATION_CATEGORY, "laboratory" if laboratory else "vital-signs")],
        "code": {"coding": measure_codings(item.kind, item.loinc), "text": names.get(item.kind, item.kind)},
        "subject": subject,
        "effectiveDateTime": item.measured_at,
    }
    if laboratory:  # IPS lab results want a performer: a reading the patient (or family) took
        out["performer"] = [subject]
    if item.value_secondary is not None:  # blood pressure: one panel, two components
        out["component"] = [
            {"code": {"coding": [coding(LOINC, BP_SYSTOLIC)]},
             "valueQuantity": _quantity(item.value, item.unit)},
            {"code": {"coding": [coding(LOINC, BP_DIASTOLIC)]},
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


def _period_text(start: str, end: str) -> str:
    if start and end:
        return f"{start} → {end}"
    return start or end or ""


def _appointment_text(a: Any) -> str:
    return " — ".join(x for x in (a.starts_at[:16].replace("T", " "), a.title, a.location) if x)


def _measure_text(item: Any, names: dict[str, str] | None = None) -> str:
    names = names or MEASURE_NAMES["fr"]
    value = f"{item.value:g}" + (f"/{item.value_secondary:g}" if item.value_secondary is not None else "")
    return f"{names.get(item.kind, item.kind)}: {value} {item.unit} ({item.date})"


# --------------------------------------------------------------------------- lab results (issue 12)


def _lab_results_section(sections: list, entries: list, new_urn, subject: dict, lab_measures: tuple,  # noqa: ANN001
                         observation, measure_text, lab_reports: tuple, title: str) -> None:  # noqa: ANN001
    """The Results section (30954-2) with the lab reports: one Observation per value and one
    DiagnosticReport per report (``lab_reports``: items with ``.report`` and ``.results``), after
    the lab measures (blood glucose) the patient took."""
    from mes_app.domain import fhir_labs

    refs, lines = [], []
    for item in lab_measures:
        urn = new_urn()
        entries.append((urn, observation(item, subject)))
        refs.append({"reference": urn})
        lines.append(measure_text(item))
    for item in lab_reports:
        result_urns = []
        for result in item.results:
            urn = new_urn()
            entries.append((urn, fhir_labs.observation(result, item.report, subject)))
            result_urns.append(urn)
            lines.append(fhir_labs.value_text(result))
        report_urn = new_urn()
        entries.append((report_urn, fhir_labs.diagnostic_report(item.report, subject, result_urns)))
        refs += [{"reference": report_urn}, *({"reference": u} for u in result_urns)]
    code = SECTION_CODES["results"]
    sections.append({
        "title": title,
        "code": {"coding": [coding(LOINC, code, SECTION_DISPLAYS[code])]},
        "text": _narrative("<ul>" + "".join(f"<li>{_esc(x)}</li>" for x in lines) + "</ul>"),
        "entry": refs,
    })

