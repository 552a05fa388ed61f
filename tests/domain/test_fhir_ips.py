"""The summary as a FHIR R4 IPS Bundle, validated with fhir.resources (R4B models)."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from mes_app.domain import fhir_ips
from mes_app.services.summary import (
    AllergyItem,
    Coded,
    DocumentItem,
    Identity,
    MeasureItem,
    ProblemItem,
    Summary,
    TreatmentItem,
    VaccinationItem,
)

BUNDLE_ID = "0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"


def _summary(**overrides) -> Summary:
    values = dict(
        profile_id=7,
        generated_at="2026-11-28T12:00:00+00:00",
        identity=Identity("Léa", "Martin", "2026-03-15", "female"),
        allergies=(AllergyItem(Coded("Arachide", "http://snomed.info/sct", "91935009", "Allergy to peanut"),
                               "Urticaire <b>géante</b>", "severe", "active", "2026-06-01"),),
        problems=(ProblemItem(Coded("Eczéma", "http://snomed.info/sct", "43116000", None), "active", "2026-05-01"),),
        treatments=(TreatmentItem(Coded("Doliprane", None, None, None), "2,4 mL si fièvre", "2026-11-01", ""),),
        vaccinations=(VaccinationItem(Coded("Hexavalent", "http://www.whocc.no/atc", "J07CA09", None), "146",
                                      "2026-05-15", 1, "LOT42"),),
        measures=(
            MeasureItem("weight", "29463-7", 7.9, None, "kg", "2026-11-20T08:00:00+00:00", "2026-11-20"),
            MeasureItem("blood_pressure", "85354-9", 120, 80, "mm[Hg]", "2026-11-21T08:00:00+00:00", "2026-11-21"),
        ),
        documents=(DocumentItem(3, "Compte rendu", "2026-10-01", "11488-4", "Consult note", "application/pdf"),),
    )
    values.update(overrides)
    return Summary(**values)


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _section(bundle: dict, code: str) -> dict | None:
    comp = bundle["entry"][0]["resource"]
    return next((s for s in comp["section"] if s["code"]["coding"][0]["code"] == code), None)


def test_a_full_summary_is_a_valid_ips_document():
    bundle = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID)
    parsed = Bundle.model_validate(bundle)  # raises on any invalid resource
    assert parsed.type == "document" and parsed.identifier.value == f"urn:uuid:{BUNDLE_ID}"
    comp = bundle["entry"][0]["resource"]
    assert comp["resourceType"] == "Composition"
    assert comp["type"]["coding"][0] == {"system": "http://loinc.org", "code": "60591-5",
                                         "display": "Patient summary Document"}
    assert [r["resourceType"] for r in (e["resource"] for e in bundle["entry"])].count("Composition") == 1
    codes = {s["code"]["coding"][0]["code"] for s in comp["section"]}
    assert codes == {"11450-4", "48765-2", "10160-0", "11369-6", "8716-3"}
    for section in comp["section"]:  # ips-comp-1 and the mandatory narrative
        assert section["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
        assert ("entry" in section) != ("emptyReason" in section)
    # every reference resolves to an entry of the bundle
    urls = {e["fullUrl"] for e in bundle["entry"]}
    for section in comp["section"]:
        assert {r["reference"] for r in section.get("entry", [])} <= urls
    [patient] = _resources(bundle, "Patient")
    assert patient["birthDate"] == "2026-03-15" and patient["name"][0]["given"] == ["Léa"]
    assert comp["subject"]["reference"] == next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is patient)


def test_codes_keep_their_systems():
    bundle = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID)
    [allergy] = _resources(bundle, "AllergyIntolerance")
    assert allergy["code"]["coding"] == [{"system": "http://snomed.info/sct", "code": "91935009",
                                          "display": "Allergy to peanut"}]
    assert allergy["criticality"] == "high" and allergy["reaction"][0]["severity"] == "severe"
    [immunization] = _resources(bundle, "Immunization")
    assert {(c["system"], c["code"]) for c in immunization["vaccineCode"]["coding"]} == {
        ("http://www.whocc.no/atc", "J07CA09"), ("http://hl7.org/fhir/sid/cvx", "146")}
    assert immunization["protocolApplied"] == [{"doseNumberPositiveInt": 1}]
    weight, pressure = _resources(bundle, "Observation")
    assert weight["valueQuantity"] == {"value": 7.9, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}
    assert [c["code"]["coding"][0]["code"] for c in pressure["component"]] == ["8480-6", "8462-4"]
    assert "valueQuantity" not in pressure
    [medication] = _resources(bundle, "MedicationStatement")
    assert "coding" not in medication["medicationCodeableConcept"]  # uncoded: text only
    assert medication["medicationCodeableConcept"]["text"] == "Doliprane"


def test_sections_outside_the_scope_are_withheld_or_absent():
    summary = _summary(problems=None, treatments=None, vaccinations=None, measures=None, allergies=())
    bundle = fhir_ips.summary_to_bundle(summary, bundle_id=BUNDLE_ID, lang="en")
    Bundle.model_validate(bundle)
    assert _section(bundle, "11450-4")["emptyReason"]["coding"][0]["code"] == "withheld"
    assert _section(bundle, "48765-2")["emptyReason"]["coding"][0]["code"] == "unavailable"
    assert _section(bundle, "11369-6") is None and _section(bundle, "8716-3") is None
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds == {"Composition", "Patient"}
    assert bundle["entry"][0]["resource"]["title"] == "International Patient Summary"


def test_markup_in_entries_is_escaped_in_the_narrative():
    bundle = fhir_ips.summary_to_bundle(
        _summary(problems=(ProblemItem(Coded("<script>alert(1)</script>", None, None, None), "active", ""),)),
        bundle_id=BUNDLE_ID,
    )
    div = _section(bundle, "11450-4")["text"]["div"]
    assert "<script>" not in div and "&lt;script&gt;alert(1)&lt;/script&gt;" in div
    assert "<b>" not in json.dumps(_section(bundle, "48765-2")["text"])


def test_the_same_summary_gives_the_same_document():
    one = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID)
    two = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID)
    assert one == two
    assert len({e["fullUrl"] for e in one["entry"]}) == len(one["entry"])


def test_an_invalid_resource_is_rejected_by_the_validator():
    bundle = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID)
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Observation":
            del entry["resource"]["status"]
    with pytest.raises(Exception):
        Bundle.model_validate(bundle)
