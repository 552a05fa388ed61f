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


LAB_DAY = "2026-11-10T08:00:00+01:00"


def lab_value(ident: str, loinc: str, text: str, value: float, unit: str, low: float, high: float) -> dict:
    """A laboratory Observation with its reference range (a hospital portal's)."""
    return {"resourceType": "Observation", "id": ident, "status": "final", "subject": {"reference": "Patient/p1"},
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                      "code": "laboratory"}]}],
            "code": {"coding": [{"system": LOINC, "code": loinc}], "text": text}, "effectiveDateTime": LAB_DAY,
            "valueQuantity": {"value": value, "unit": unit},
            "referenceRange": [{"low": {"value": low, "unit": unit}, "high": {"value": high, "unit": unit}}]}


def lab_report(results: list[str], *, ident: str = "") -> dict:
    out = {"resourceType": "DiagnosticReport", "status": "final", "subject": {"reference": "Patient/p1"},
           "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "LAB"}]}],
           "code": {"text": "Bilan sanguin"}, "effectiveDateTime": LAB_DAY,
           "performer": [{"display": "Laboratoire du CHU"}],
           "result": [{"reference": ref} for ref in results],
           "presentedForm": [{"contentType": "application/pdf", "title": "bilan.pdf",
                              "data": base64.b64encode(PDF).decode()}]}
    if ident:
        out["identifier"] = [{"system": "https://chu.example/reports", "value": ident}]
    return out


def hospital_lab_searchset() -> dict:
    """A hospital portal's lab search: one report pointing to its 3 values by relative
    references (potassium out of range, high), a loose lab value, a weight, the patient."""
    url = "https://chu.example/fhir/"
    values = [lab_value("k1", "718-7", "Hémoglobine", 13.5, "g/dL", 12, 16),
              lab_value("k2", "2951-2", "Sodium", 140, "mmol/L", 136, 145),
              lab_value("k3", "2823-3", "Potassium", 5.8, "mmol/L", 3.5, 5.0)]
    loose = lab_value("k9", "2345-7", "Glucose", 5.1, "mmol/L", 3.9, 5.8)
    return {"resourceType": "Bundle", "type": "searchset", "meta": {"source": "Portail CHU de Nantes"}, "entry": [
        {"fullUrl": url + "DiagnosticReport/r1", "resource": lab_report(["Observation/k1", "Observation/k2",
                                                                         "Observation/k3"], ident="r-1"),
         "search": {"mode": "match"}},
        *({"fullUrl": url + f"Observation/{v['id']}", "resource": v, "search": {"mode": "include"}} for v in values),
        {"fullUrl": url + "Observation/k9", "resource": loose, "search": {"mode": "match"}},
        {"fullUrl": url + "Observation/w1", "resource": weight(7.9, "2026-11-20T08:00:00+01:00"),
         "search": {"mode": "match"}},
        {"fullUrl": url + "Patient/p1", "resource": {"resourceType": "Patient", "id": "p1"},
         "search": {"mode": "include"}},
    ]}


def lab_collection_by_full_url(*, dangling: bool = False) -> dict:
    """Another record's collection: a report pointing to its values by urn:uuid fullUrl
    (``dangling``: one of them is not in the file)."""
    a, b = "urn:uuid:c0000000-0000-4000-8000-000000000001", "urn:uuid:c0000000-0000-4000-8000-000000000002"
    missing = "urn:uuid:c0000000-0000-4000-8000-00000000000f"
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": a, "resource": lab_value("x1", "2951-2", "Sodium", 130, "mmol/L", 136, 145)},
        {"fullUrl": b, "resource": lab_value("x2", "2823-3", "Potassium", 4.2, "mmol/L", 3.5, 5.0)},
        {"resource": lab_report([a, missing if dangling else b])},
    ]}
