"""The whole record as one FHIR R4 ``Bundle`` of type ``collection`` (issue 13, item 1).

Pure mapping: a :class:`RecordData` in (the rows the service loaded, duck-typed; the files'
bytes; who entered what), a JSON-ready dict out. No database, no clock, no randomness: the
caller passes the bundle id (a UUID) and the time; every ``fullUrl`` is a ``urn:uuid`` derived
from the bundle id and the row's kind and id, so the same input gives the same Bundle.

The IPS document (:mod:`mes_app.domain.fhir_ips`) stays the summary; this is the complete
record. Mapping (``../shared/reference/standards.md`` §1):

- profile → ``Patient``; conditions and handicaps → ``Condition`` (handicaps: category
  ``problem-list-item`` and a ``disability`` text category); treatments → ``MedicationStatement``;
  allergies → ``AllergyIntolerance``; family history → ``FamilyMemberHistory`` (v3-RoleCode);
  measures → ``Observation`` (``vital-signs``, or ``laboratory`` for lab values such as
  glucose; blood pressure as one panel with two components), habits → ``Observation``
  ``social-history`` (tobacco 72166-2, alcohol 74013-4, exercise 73985-4), the coded answer as
  ``valueCodeableConcept``; vaccinations → ``Immunization`` (ATC, plus CVX as an extra coding);
  visits → ``Encounter`` (``AMB``, ``EMER``), hospital stays → ``Encounter`` (``IMP``) and, when
  the stay is coded by a procedure, a ``Procedure`` in that encounter; documents →
  ``DocumentReference`` with the file inline (base64 ``data``, ``contentType``, ``title``,
  ``size``, SHA-1 ``hash`` as FHIR defines it); appointments → ``Appointment``; messages →
  ``Communication`` (``topic`` the thread subject, ``inResponseTo`` the previous message,
  an attachment as a reference to its ``DocumentReference`` when that is exported).
- Every entry has a ``Provenance`` (``target`` the entry, ``recorded`` when it was entered,
  ``agent.who`` who entered it: the ``Patient`` when the patient, a ``RelatedPerson`` for a
  guardian, a ``Practitioner`` for a professional, a display only for a device or an import).
- ``Bundle.meta.tag`` says whether the export is ``complete`` or ``partial`` (a caregiver gets
  only the sections shared with them) and lists the sections it holds.

Who may export (:func:`export_scope`) is decided by :func:`mes_app.domain.access.decide`.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mes_app.domain.access import Action, Actor, ProfileFacts, Section, Target, Via, decide
from mes_app.domain.fhir_ips import (
    ALLERGY_CLINICAL,
    ALLERGY_VERIFICATION,
    BP_DIASTOLIC,
    BP_SYSTOLIC,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CVX,
    LOINC,
    OBSERVATION_CATEGORY,
    UCUM,
)

EXPORT_TAG_SYSTEM = "https://mes.example/fhir/CodeSystem/export-scope"
EXPORT_SECTION_SYSTEM = "https://mes.example/fhir/CodeSystem/export-section"
RECORD_ID_SYSTEM = "https://mes.example/fhir/sid/record-entry"
RPPS = "urn:oid:1.2.250.1.71.4.2.1"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"

# LOINC measures that are laboratory results, not vital signs.
LAB_LOINC = frozenset({"2339-0", "2345-7", "4548-4", "2093-3", "2085-9", "13457-7", "2571-8"})
HABIT_CODES: Mapping[str, tuple[str, str]] = {
    "tobacco": ("72166-2", "Tobacco smoking status"),
    "alcohol": ("74013-4", "Alcoholic drinks per day"),
    "physical_activity": ("73985-4", "Exercise activity"),
}
RELATIONSHIP_CODES: Mapping[str, tuple[str, str]] = {
    "mother": ("MTH", "mother"),
    "father": ("FTH", "father"),
    "sibling": ("SIB", "sibling"),
    "grandparent": ("GRPRN", "grandparent"),
    "child": ("CHILD", "child"),
    "other": ("FAMMEMB", "family member"),
}
# Displays of the measures' LOINC codes (``Observation.code.text`` in words, not internal keys).
MEASURE_DISPLAYS: Mapping[str, str] = {
    "29463-7": "Body weight",
    "8302-2": "Body height",
    "8306-3": "Body height --lying",
    "39156-5": "Body mass index (BMI) [Ratio]",
    "85354-9": "Blood pressure panel with all children optional",
    "8867-4": "Heart rate",
    "8310-5": "Body temperature",
    "59408-5": "Oxygen saturation in Arterial blood by Pulse oximetry",
    "2339-0": "Glucose [Mass/volume] in Blood",
    "9843-4": "Head Occipital-frontal circumference",
    "8280-0": "Waist Circumference at umbilicus by Tape measure",
}
VISIT_DISPLAYS: Mapping[str, str] = {
    "gp_visit": "General practitioner visit",
    "specialist": "Specialist visit",
    "pharmacy": "Pharmacy",
    "lab": "Laboratory",
    "emergency": "Emergency",
    "other": "Other",
}
ENCOUNTER_CLASSES: Mapping[str, tuple[str, str]] = {
    "emergency": ("EMER", "emergency"),
    "stay": ("IMP", "inpatient encounter"),
}
AMBULATORY = ("AMB", "ambulatory")
APPOINTMENT_STATUSES = {"planned": "booked", "proposed": "proposed", "cancelled": "cancelled", "declined": "cancelled"}
_GENDERS = {"female": "female", "male": "male", "other": "other"}
_CRITICALITY = {"severe": "high", "moderate": "low", "mild": "low"}
_CONDITION_STATUSES = {"active", "resolved", "inactive"}

# What each exported section holds (for the meta tags and the tests).
EXPORT_SECTIONS: tuple[Section, ...] = tuple(Section)


# --------------------------------------------------------------------------- who may export


def export_scope(actor: Actor, facts: ProfileFacts, now: datetime) -> frozenset[Section] | None:
    """The sections ``actor`` may take out of the record, or None when they may not export.

    The owner and guardians take every section; a caregiver the sections shared with them.
    A professional does not export (the care team reads the record where it is). Each section
    is decided by :func:`decide`; nothing readable means no export."""
    sections: set[Section] = set()
    for section in Section:
        decision = decide(actor, Action.READ, facts, Target(section), now)
        if not decision.allowed:
            continue
        if decision.via not in (Via.OWNER, Via.GUARDIAN, Via.CAREGIVER):
            return None
        sections.add(section)
    return frozenset(sections) or None


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class Person:
    """Someone who entered something: an account (by user id)."""

    user_id: int
    name: str
    kind: str  # patient (the profile's owner) | related (a guardian, a caregiver) | practitioner
    professional_id: str | None = None  # RPPS
    specialty: str | None = None


@dataclass(frozen=True)
class ExportedFile:
    document: Any  # a Document row
    data: bytes


@dataclass(frozen=True)
class RecordData:
    """Everything the export holds; a section outside the scope is simply left empty."""

    profile: Any
    sections: frozenset[Section]
    complete: bool
    people: Mapping[int, Person] = field(default_factory=dict)
    encounters: tuple = ()
    conditions: tuple = ()
    handicaps: tuple = ()
    treatments: tuple = ()
    hospitalisations: tuple = ()
    allergies: tuple = ()
    family_history: tuple = ()
    habits: tuple = ()
    vaccinations: tuple = ()
    measures: tuple = ()
    files: tuple[ExportedFile, ...] = ()
    appointments: tuple = ()
    threads: tuple = ()
    messages: tuple = ()  # every message of the threads, any order
    procedure_codes: frozenset[tuple[str, str]] = frozenset()  # (system, code) that are procedures
    # --- lab results (issue 12): LabReport rows, and every LabResult of them (any order) ---
    lab_reports: tuple = ()
    lab_results: tuple = ()


# --------------------------------------------------------------------------- the bundle


def record_to_bundle(data: RecordData, *, bundle_id: str, now: datetime) -> dict:
    """The whole record as a ``collection`` Bundle (see the module docstring)."""
    base = uuid.UUID(bundle_id)

    def urn(kind: str, row_id: object) -> str:
        return f"urn:uuid:{uuid.uuid5(base, f'{kind}/{row_id}')}"

    entries: list[tuple[str, dict]] = []
    provenances: list[tuple[str, dict]] = []
    patient_urn = urn("Patient", data.profile.id)
    subject = {"reference": patient_urn}
    entries.append((patient_urn, _patient(data.profile, Section.PROFILE in data.sections)))

    agents: dict[int, str] = {}  # user id -> urn of its Practitioner / RelatedPerson

    def agent_of(user_id: int | None, role: str) -> dict:
        person = data.people.get(user_id) if user_id is not None else None
        if user_id is None or person is None:
            if role == "device":
                return {"display": "device"}
            if role == "system":
                return {"display": "import"}
            return {"display": "unknown"}
        if person.kind == "patient":
            return {"reference": patient_urn, "display": person.name}
        if user_id not in agents:
            if person.kind == "practitioner":
                agents[user_id] = urn("Practitioner", user_id)
                entries.append((agents[user_id], _practitioner(person)))
            else:
                agents[user_id] = urn("RelatedPerson", user_id)
                entries.append((agents[user_id], _related_person(person, subject)))
        return {"reference": agents[user_id], "display": person.name}

    def add(kind: str, row: Any, resource: dict, *, recorded: datetime | None = None,
            author_user_id: int | None = None, author_role: str | None = None) -> str:
        entry_urn = urn(kind, row.id)
        resource.setdefault("identifier", [{"system": RECORD_ID_SYSTEM, "value": f"{kind}/{row.id}"}])
        entries.append((entry_urn, resource))
        who_id = author_user_id if author_user_id is not None else getattr(row, "author_user_id", None)
        role = author_role or getattr(row, "author_role", "patient")
        when = recorded or getattr(row, "created_at", None) or now
        provenance = {
            "resourceType": "Provenance",
            "target": [{"reference": entry_urn}],
            "recorded": _instant(when),
            "agent": [{
                "type": {"coding": [{"system": PROVENANCE_AGENT, "code": "author", "display": "Author"}]},
                "who": agent_of(who_id, role),
            }],
        }
        updated = getattr(row, "updated_at", None)
        if updated is not None:
            provenance["occurredDateTime"] = _instant(updated)
        provenances.append((urn("Provenance/" + kind, row.id), provenance))
        return entry_urn

    s = data.sections
    if Section.CONDITIONS in s:
        for row in data.conditions:
            add("Condition", row, _condition(row, subject))
    if Section.HOSPITALISATIONS in s:
        for row in data.handicaps:
            add("Handicap", row, _handicap(row, subject))
        for row in data.hospitalisations:
            encounter_urn = add("Stay", row, _stay(row, subject))
            if row.code_system and row.code and (row.code_system, row.code) in data.procedure_codes:
                add("StayProcedure", row, _procedure(row, subject, encounter_urn))
    if Section.TREATMENTS in s:
        for row in data.treatments:
            add("MedicationStatement", row, _medication(row, subject, now))
    if Section.RISK_FACTORS in s:
        for row in data.allergies:
            add("AllergyIntolerance", row, _allergy(row, subject))
        for row in data.family_history:
            add("FamilyMemberHistory", row, _family(row, subject))
        for row in data.habits:
            add("Habit", row, _habit(row, subject))
    if Section.VACCINATIONS in s:
        for row in data.vaccinations:
            add("Immunization", row, _immunization(row, subject))
    if Section.MEASURES in s:
        for row in data.measures:
            add("Observation", row, _measure(row, subject))
    if Section.HISTORY in s:
        for row in data.encounters:
            add("Encounter", row, _visit(row, subject))
    document_urns: dict[int, str] = {}
    if Section.DOCUMENTS in s:
        for file in data.files:
            document_urns[file.document.id] = add("DocumentReference", file.document,
                                                  _document(file, subject))
    if Section.LAB_RESULTS in s:  # --- lab results (issue 12), after the documents (their PDF) ---
        _add_lab_reports(data, subject, add, document_urns)
    if Section.APPOINTMENTS in s:
        for row in data.appointments:
            add("Appointment", row, _appointment(row, subject))
    if Section.MESSAGES in s:
        subjects = {t.id: t.subject for t in data.threads}
        previous: dict[int, str] = {}
        for message in sorted(data.messages, key=lambda m: (m.thread_id, m.sent_at, m.id)):
            if message.thread_id not in subjects:
                continue
            sender = agent_of(message.author_user_id, "patient")
            resource = _communication(message, subjects[message.thread_id], subject, sender,
                                      previous.get(message.thread_id), document_urns)
            previous[message.thread_id] = add("Communication", message, resource, recorded=message.sent_at,
                                              author_user_id=message.author_user_id)

    all_entries = entries + provenances
    for entry_urn, resource in all_entries:
        resource.setdefault("id", entry_urn.rsplit(":", 1)[1])
    tags = [{"system": EXPORT_TAG_SYSTEM, "code": "complete" if data.complete else "partial",
             "display": "Whole record" if data.complete else "Only the sections shared with the reader"}]
    tags += [{"system": EXPORT_SECTION_SYSTEM, "code": section.value}
             for section in EXPORT_SECTIONS if section in s]
    return {
        "resourceType": "Bundle",
        "id": str(base),
        "meta": {"lastUpdated": _instant(now), "tag": tags},
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{base}"},
        "type": "collection",
        "timestamp": _instant(now),
        "entry": [{"fullUrl": u, "resource": r} for u, r in all_entries],
    }


# --------------------------------------------------------------------------- resources


def _patient(profile: Any, with_identity: bool) -> dict:
    name = {"family": profile.family_name, "given": [profile.given_name],
            "text": f"{profile.given_name} {profile.family_name}"}
    out = {"resourceType": "Patient", "name": [name]}
    if with_identity:
        out["gender"] = _GENDERS.get(profile.sex, "unknown")
        out["birthDate"] = profile.birth_date.isoformat()
    return out


def _practitioner(person: Person) -> dict:
    out: dict = {"resourceType": "Practitioner", "name": [{"text": person.name}]}
    if person.professional_id:
        out["identifier"] = [{"system": RPPS, "value": person.professional_id}]
    if person.specialty:
        out["qualification"] = [{"code": {"text": person.specialty}}]
    return out


def _related_person(person: Person, subject: dict) -> dict:
    return {
        "resourceType": "RelatedPerson",
        "patient": subject,
        "name": [{"text": person.name}],
        "relationship": [{"coding": [{"system": ROLE_CODE, "code": "GUARD", "display": "guardian"}]}]
        if person.kind == "related" else [],
    }


def _concept(row: Any) -> dict:
    concept: dict = {"text": row.code_text or row.code_display or row.code or "—"}
    if row.code_system and row.code:
        coding = {"system": row.code_system, "code": row.code}
        if row.code_display:
            coding["display"] = row.code_display
        concept["coding"] = [coding]
    return concept


def _notes(row: Any) -> dict:
    return {"note": [{"text": row.note}]} if getattr(row, "note", None) else {}


def _condition(row: Any, subject: dict) -> dict:
    status = row.status if row.status in _CONDITION_STATUSES else "active"
    out = {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": status}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "problem-list-item"}]}],
        "code": _concept(row),
        "subject": subject,
        "recordedDate": _instant(row.created_at),
        **_notes(row),
    }
    if row.onset_date:
        out["onsetDateTime"] = row.onset_date.isoformat()
    if row.abatement_date:
        out["abatementDateTime"] = row.abatement_date.isoformat()
    return out


def _handicap(row: Any, subject: dict) -> dict:
    out = {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "problem-list-item"}]},
                     {"text": "disability"}],
        "code": _concept(row),
        "subject": subject,
        "recordedDate": _instant(row.created_at),
        **_notes(row),
    }
    if row.since_date:
        out["onsetDateTime"] = row.since_date.isoformat()
    return out


def _medication(row: Any, subject: dict, now: datetime) -> dict:
    today = now.date()
    if row.end_date is not None and row.end_date < today:
        status = "completed"
    elif row.start_date is not None and row.start_date > today:
        status = "intended"
    else:
        status = "active"
    out = {
        "resourceType": "MedicationStatement",
        "status": status,
        "medicationCodeableConcept": _concept(row),
        "subject": subject,
        "dateAsserted": _instant(row.created_at),
        **_notes(row),
    }
    period = {k: v.isoformat() for k, v in (("start", row.start_date), ("end", row.end_date)) if v}
    if period:
        out["effectivePeriod"] = period
    if row.dosage:
        out["dosage"] = [{"text": row.dosage}]
    return out


def _allergy(row: Any, subject: dict) -> dict:
    out = {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": {"coding": [{
            "system": ALLERGY_CLINICAL, "code": row.status if row.status in ("active", "resolved") else "active",
        }]},
        "verificationStatus": {"coding": [{"system": ALLERGY_VERIFICATION, "code": "confirmed"}]},
        "code": _concept(row),
        "patient": subject,
        "recordedDate": _instant(row.created_at),
        **_notes(row),
    }
    if row.severity in _CRITICALITY:
        out["criticality"] = _CRITICALITY[row.severity]
    if row.onset_date:
        out["onsetDateTime"] = row.onset_date.isoformat()
    if row.reaction:
        reaction: dict = {"manifestation": [{"text": row.reaction}]}
        if row.severity in ("mild", "moderate", "severe"):
            reaction["severity"] = row.severity
        out["reaction"] = [reaction]
    return out


def _family(row: Any, subject: dict) -> dict:
    code, display = RELATIONSHIP_CODES.get(row.relationship, RELATIONSHIP_CODES["other"])
    condition: dict = {"code": _concept(row)}
    if row.onset_age is not None:
        condition["onsetAge"] = {"value": row.onset_age, "unit": "a", "system": UCUM, "code": "a"}
    return {
        "resourceType": "FamilyMemberHistory",
        "status": "completed",
        "patient": subject,
        "date": _instant(row.created_at),
        "relationship": {"coding": [{"system": ROLE_CODE, "code": code, "display": display}]},
        "condition": [condition],
        **_notes(row),
    }


def _habit(row: Any, subject: dict) -> dict:
    if row.kind in HABIT_CODES:
        code, display = HABIT_CODES[row.kind]
        concept = {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display}
    else:
        concept = {"text": row.kind}
    out = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "social-history",
                                  "display": "Social History"}]}],
        "code": concept,
        "subject": subject,
        "valueCodeableConcept": _concept(row),
        **_notes(row),
    }
    period = {k: v.isoformat() for k, v in (("start", row.start_date), ("end", row.end_date)) if v}
    if period:
        out["effectivePeriod"] = period
    else:
        out["effectiveDateTime"] = _instant(row.created_at)
    return out


def _immunization(row: Any, subject: dict) -> dict:
    concept = _concept(row)
    # cvx_code may list several CVX codes ("133,215,216": the ATC group has several products):
    # only a single one names what was given, so only then is it exported as a coding.
    cvx_codes = [code for code in (row.cvx_code or "").split(",") if code]
    if len(cvx_codes) == 1 and not any(c.get("system") == CVX for c in concept.get("coding", [])):
        concept.setdefault("coding", []).append({"system": CVX, "code": cvx_codes[0]})
    out = {
        "resourceType": "Immunization",
        "status": "completed",
        "vaccineCode": concept,
        "patient": subject,
        "occurrenceDateTime": row.given_on.isoformat(),
        "recorded": _instant(row.created_at),
        "primarySource": row.author_role == "professional",
        **_notes(row),
    }
    if row.lot_number:
        out["lotNumber"] = row.lot_number
    if row.performer:
        out["performer"] = [{"actor": {"display": row.performer}}]
    if row.dose_number:
        out["protocolApplied"] = [{"doseNumberPositiveInt": row.dose_number}]
    return out


def _quantity(value: float, unit: str) -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _measure(row: Any, subject: dict) -> dict:
    category = "laboratory" if row.loinc_code in LAB_LOINC else "vital-signs"
    out = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": category}]}],
        "code": _measure_code(row),
        "subject": subject,
        "effectiveDateTime": _instant(row.measured_at),
        **_notes(row),
    }
    if row.value_secondary is not None:  # blood pressure: one panel, two components
        out["component"] = [
            {"code": {"coding": [{"system": LOINC, "code": BP_SYSTOLIC}]},
             "valueQuantity": _quantity(row.value, row.unit)},
            {"code": {"coding": [{"system": LOINC, "code": BP_DIASTOLIC}]},
             "valueQuantity": _quantity(row.value_secondary, row.unit)},
        ]
    else:
        out["valueQuantity"] = _quantity(row.value, row.unit)
    return out


def _measure_code(row: Any) -> dict:
    display = MEASURE_DISPLAYS.get(row.loinc_code)
    coding = {"system": LOINC, "code": row.loinc_code}
    if display:
        coding["display"] = display
    return {"coding": [coding], "text": display or row.kind.replace("_", " ")}


def _encounter_class(key: str) -> dict:
    code, display = ENCOUNTER_CLASSES.get(key, AMBULATORY)
    return {"system": ACT_CODE, "code": code, "display": display}


def _visit(row: Any, subject: dict) -> dict:
    out = {
        "resourceType": "Encounter",
        "status": "finished",
        "class": _encounter_class(row.kind),
        "type": [{"text": VISIT_DISPLAYS.get(row.kind, row.kind)}],
        "subject": subject,
        "period": {"start": _instant(row.occurred_at)},
        "reasonCode": [{"text": row.title}],
    }
    if row.practitioner:
        out["participant"] = [{"individual": {"display": row.practitioner}}]
    if row.place:
        out["location"] = [{"location": {"display": row.place}}]
    if row.note:  # Encounter has no note: the patient's words are kept as a second reason text
        out["reasonCode"].append({"text": row.note})
    return out


def _stay(row: Any, subject: dict) -> dict:
    period = {"start": row.admitted_on.isoformat()}
    if row.discharged_on:
        period["end"] = row.discharged_on.isoformat()
    out = {
        "resourceType": "Encounter",
        "status": "finished" if row.discharged_on else "in-progress",
        "class": _encounter_class("stay"),
        "subject": subject,
        "period": period,
        "reasonCode": [_concept(row)],
    }
    if row.facility:
        out["serviceProvider"] = {"display": row.facility}
    if row.note:
        out["reasonCode"].append({"text": row.note})
    return out


def _procedure(row: Any, subject: dict, encounter_urn: str) -> dict:
    out = {
        "resourceType": "Procedure",
        "status": "completed",
        "code": _concept(row),
        "subject": subject,
        "encounter": {"reference": encounter_urn},
        "performedDateTime": row.admitted_on.isoformat(),
        **_notes(row),
    }
    return out


def _document(file: ExportedFile, subject: dict) -> dict:
    doc = file.document
    out = {
        "resourceType": "DocumentReference",
        "status": "current",
        "subject": subject,
        "date": _instant(doc.created_at),
        "description": doc.title,
        "content": [{"attachment": {
            "contentType": doc.mime_type,
            "data": base64.b64encode(file.data).decode("ascii"),
            "title": doc.original_filename or doc.title,
            "size": len(file.data),
            "hash": base64.b64encode(hashlib.sha1(file.data).digest()).decode("ascii"),  # noqa: S324 - FHIR defines SHA-1
            "creation": doc.document_date.isoformat(),
        }}],
    }
    if doc.category_code:
        coding = {"system": doc.category_system or LOINC, "code": doc.category_code}
        if doc.category_display:
            coding["display"] = doc.category_display
        out["type"] = {"coding": [coding], "text": doc.category_display or doc.category_code}
    if doc.note:
        out["description"] = f"{doc.title} — {doc.note}"
    return out


def _appointment(row: Any, subject: dict) -> dict:
    status = APPOINTMENT_STATUSES.get(row.status, "booked")
    participants = [{"actor": subject, "status": "needs-action" if status == "proposed" else "accepted"}]
    if row.practitioner:
        participants.append({"actor": {"display": row.practitioner}, "status": "accepted"})
    if row.location:
        participants.append({"actor": {"display": row.location}, "status": "accepted",
                             "type": [{"text": "location"}]})
    out = {
        "resourceType": "Appointment",
        "status": status,
        "description": row.title,
        "start": _instant(row.starts_at),
        "participant": participants,
        "created": _instant(row.created_at).split("T")[0],
    }
    if row.ends_at:
        out["end"] = _instant(row.ends_at)
    if row.reason:
        out["reasonCode"] = [{"text": row.reason}]
    if row.note:
        out["comment"] = row.note
    return out


def _communication(message: Any, topic: str, subject: dict, sender: dict, previous: str | None,
                   document_urns: Mapping[int, str]) -> dict:
    payload = [{"contentString": message.body}]
    if message.attachment_document_id in document_urns:
        payload.append({"contentReference": {"reference": document_urns[message.attachment_document_id]}})
    out = {
        "resourceType": "Communication",
        "status": "completed",
        "subject": subject,
        "topic": {"text": topic},
        "sent": _instant(message.sent_at),
        "sender": sender,
        "payload": payload,
    }
    if previous:
        out["inResponseTo"] = [{"reference": previous}]
    return out


def _instant(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return value.isoformat()


def resources_of(bundle: Mapping, resource_type: str) -> list[dict]:
    """The resources of one type in a bundle (for callers and tests)."""
    return [e["resource"] for e in bundle.get("entry", ()) if e["resource"]["resourceType"] == resource_type]


# --------------------------------------------------------------------------- lab results (issue 12)


def _add_lab_reports(data: RecordData, subject: dict, add, document_urns: Mapping[int, str]) -> None:  # noqa: ANN001
    """Each report as a DiagnosticReport (code 11502-2) after its laboratory Observations; its PDF,
    when exported, as ``presentedForm`` pointing at the DocumentReference."""
    from mes_app.domain import fhir_labs

    by_report: dict[int, list] = {}
    for result in sorted(data.lab_results, key=lambda r: (r.report_id, r.position, r.id)):
        by_report.setdefault(result.report_id, []).append(result)
    for report in data.lab_reports:
        refs = [add("LabObservation", result, fhir_labs.observation(result, report, subject),
                    recorded=report.created_at, author_user_id=report.author_user_id, author_role=report.author_role)
                for result in by_report.get(report.id, ())]
        form = None
        doc_urn = document_urns.get(report.document_id) if report.document_id is not None else None
        if doc_urn is not None:
            form = {"contentType": "application/pdf", "url": doc_urn, "title": report.title or "Laboratory report"}
        add("DiagnosticReport", report, fhir_labs.diagnostic_report(report, subject, refs, presented_form=form))

