"""FHIR files shaped like other systems' exports, for the import tests (issue 12 item 3)."""

from __future__ import annotations

import base64
import json

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
PDF = b"%PDF-1.4\n" + b"a" * 300


def condition(text: str = "Asthme", *, system: str = SNOMED, code: str = "195967001", ident: str = "") -> dict:
    out = {"resourceType": "Condition", "subject": {"reference": "Patient/p1"},
           "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                          "code": "active"}]},
           "code": {"coding": [{"system": system, "code": code}], "text": text},
           "onsetDateTime": "2019-03-01"}
    if ident:
        out["identifier"] = [{"system": "https://chu.example/ids", "value": ident}]
    return out


def allergy() -> dict:
    return {"resourceType": "AllergyIntolerance", "patient": {"reference": "Patient/p1"},
            "code": {"text": "Pénicilline"}, "criticality": "high"}


def weight(value: float = 72.5, when: str = "2026-11-20T08:00:00+01:00") -> dict:
    return {"resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/p1"},
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                      "code": "vital-signs"}]}],
            "code": {"coding": [{"system": LOINC, "code": "29463-7"}]}, "effectiveDateTime": when,
            "valueQuantity": {"value": value, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}}


def lab() -> dict:
    return {"resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/p1"},
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                      "code": "laboratory"}]}],
            "code": {"coding": [{"system": LOINC, "code": "718-7"}], "text": "Hémoglobine"},
            "effectiveDateTime": "2026-11-10T08:00:00+01:00", "valueQuantity": {"value": 13.5, "unit": "g/dL"}}


def document() -> dict:
    return {"resourceType": "DocumentReference", "status": "current", "subject": {"reference": "Patient/p1"},
            "description": "Compte rendu", "type": {"coding": [{"system": LOINC, "code": "11488-4"}]},
            "date": "2026-11-20T10:00:00+01:00",
            "content": [{"attachment": {"contentType": "application/pdf", "title": "cr.pdf",
                                        "data": base64.b64encode(PDF).decode()}}]}


def hospital_searchset() -> dict:
    """A hospital portal's search result: a patient included, conditions with identifiers."""
    return {"resourceType": "Bundle", "type": "searchset", "total": 3,
            "meta": {"source": "  Portail   CHU de Nantes  "},
            "entry": [
                {"fullUrl": "https://chu.example/fhir/Condition/1", "resource": condition("Asthme", ident="c-1"),
                 "search": {"mode": "match"}},
                {"fullUrl": "https://chu.example/fhir/Condition/2",
                 "resource": condition("Diabète de type 2", code="44054006", ident="c-2"),
                 "search": {"mode": "match"}},
                {"fullUrl": "https://chu.example/fhir/Patient/p1",
                 "resource": {"resourceType": "Patient", "id": "p1"}, "search": {"mode": "include"}},
                {"fullUrl": "https://chu.example/fhir/DocumentReference/9", "resource": document(),
                 "search": {"mode": "match"}},
            ]}


def odd_collection() -> dict:
    """Another record's collection: an unknown type, an unknown code system, a lab result,
    an invalid entry, a type FHIR knows that MES keeps nowhere, a good allergy."""
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Spaceship", "id": "x"}},
        {"resource": condition("Migraine", system="http://example.org/my-codes", code="MIG")},
        {"resource": lab()},
        {"resource": {"resourceType": "Condition", "code": {"text": "Sans patient"}, "onsetDateTime": 12}},
        {"resource": {"resourceType": "Goal", "lifecycleStatus": "active", "description": {"text": "Marcher"},
                      "subject": {"reference": "Patient/p1"}}},
        {"resource": allergy()},
        "not an entry",
    ]}


def as_bytes(resource: dict) -> bytes:
    return json.dumps(resource, ensure_ascii=False).encode()
