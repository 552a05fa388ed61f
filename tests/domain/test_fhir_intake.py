"""FHIR resources coming in through the API → the forms the record pages post (issue 12 item 2)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from mes_app.domain import fhir_intake as fi
from mes_app.domain import measures as m
from mes_app.domain.fhir_export import MEASURE_DISPLAYS
from mes_app.domain.terminology import load_default

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SUBJECT = {"reference": "Patient/7"}
VITAL = [{"coding": [{"system": fi.OBSERVATION_CATEGORY, "code": "vital-signs"}]}]


def intake(resource: dict) -> fi.Intake:
    return fi.map_resource(resource, terminology=load_default(), now=NOW)


def refused(resource: object) -> fi.IntakeError:
    with pytest.raises(fi.IntakeError) as error:
        fi.map_resource(resource, terminology=load_default(), now=NOW)
    return error.value


def test_every_exported_measure_code_maps_back_to_its_kind():
    """One LOINC ↔ kind mapping: what the export writes, the API reads."""
    for code in MEASURE_DISPLAYS:
        kind = m.kind_for_loinc(code)
        assert kind is not None and (kind.loinc == code or code == m.RECUMBENT_LENGTH_LOINC)
    assert m.kind_for_loinc("0000-0") is None


def test_a_blood_pressure_panel():
    got = intake({"resourceType": "Observation", "status": "final", "category": VITAL, "subject": SUBJECT,
                  "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
                  "effectiveDateTime": "2026-11-30T08:00:00+01:00",
                  "identifier": [{"system": "https://x.example", "value": "1"}],
                  "component": [
                      {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
                       "valueQuantity": {"value": 128, "system": fi.UCUM, "code": "mm[Hg]"}},
                      {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]},
                       "valueQuantity": {"value": 82, "system": fi.UCUM, "code": "mm[Hg]"}}]})
    assert (got.target, got.patient_ref, got.identifier) == (fi.MEASURES, "Patient/7", ("https://x.example", "1"))
    assert got.form["kind"] == "blood_pressure" and (got.form["value"], got.form["value_secondary"]) == ("128.0",
                                                                                                      "82.0")
    reading = m.parse_reading(got.form, now=NOW, birth_date=datetime(1980, 1, 1).date())
    assert (reading.value, reading.value_secondary) == (128, 82)


def test_a_condition_coded_in_snomed_and_one_with_an_unlisted_code():
    coded = intake({"resourceType": "Condition", "subject": SUBJECT,
                    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "38341003"}]},
                    "onsetDateTime": "2020-05-01"})
    assert coded.target == "conditions" and coded.form["code"] == "http://snomed.info/sct|38341003"
    assert coded.form["status"] == "active" and coded.form["onset_date"] == "2020-05-01"
    free = intake({"resourceType": "Condition", "subject": SUBJECT,
                   "code": {"coding": [{"system": "http://snomed.info/sct", "code": "999999999"}], "text": "Rare"}})
    assert (free.form["code"], free.form["code_text"]) == ("", "Rare")


@pytest.mark.parametrize("resource, where", [
    ({"resourceType": "Condition", "subject": SUBJECT,
      "code": {"coding": [{"system": "http://example.org/mine", "code": "1"}], "text": "x"}}, "Condition.code"),
    ({"resourceType": "Immunization", "status": "completed", "patient": SUBJECT, "occurrenceDateTime": "2026-01-01",
      "vaccineCode": {"coding": [{"system": "urn:oid:1.2.3", "code": "1"}], "text": "x"}}, "Immunization"),
    ({"resourceType": "Observation", "status": "final", "category": VITAL, "subject": SUBJECT,
      "code": {"coding": [{"system": "http://example.org", "code": "w"}]}, "effectiveDateTime": "2026-11-30T08:00:00Z",
      "valueQuantity": {"value": 1}}, "Observation.code"),
])
def test_an_unknown_code_system_is_422(resource, where):
    error = refused(resource)
    assert (error.status, error.issue) == (422, "code-invalid") and error.expression.startswith(where)


def test_structure_errors():
    assert refused("[]").status == 400
    assert refused({"resourceType": "Nope"}).status == 404
    assert refused({"resourceType": "Patient"}).status == 404  # not creatable here
    error = refused({"resourceType": "Condition", "subject": SUBJECT, "code": {"text": "x"}, "onsetDateTime": 5})
    assert error.status == 422


def test_other_resources_map_to_their_entry_kinds():
    vaccine = intake({"resourceType": "Immunization", "status": "completed", "patient": SUBJECT,
                      "vaccineCode": {"coding": [{"system": "http://www.whocc.no/atc", "code": "J07BB02"}]},
                      "occurrenceDateTime": "2026-10-10", "protocolApplied": [{"doseNumberPositiveInt": 2}]})
    assert vaccine.target == "vaccinations" and vaccine.form["given_on"] == "2026-10-10"
    assert vaccine.form["dose_number"] == "2" and vaccine.form["code"].startswith("http://www.whocc.no/atc|")
    drug = intake({"resourceType": "MedicationRequest", "status": "active", "intent": "order", "subject": SUBJECT,
                   "medicationCodeableConcept": {"text": "Paracétamol 1 g"}, "authoredOn": "2026-11-01",
                   "dosageInstruction": [{"text": "1 cp 3 fois par jour"}]})
    assert drug.target == "treatments" and drug.form["dosage"] == "1 cp 3 fois par jour"
    assert drug.form["start_date"] == "2026-11-01"
    allergy = intake({"resourceType": "AllergyIntolerance", "patient": SUBJECT, "criticality": "high",
                      "code": {"text": "Pénicilline"}})
    assert allergy.target == "allergies" and allergy.form["severity"] == "severe"
    visit = intake({"resourceType": "Encounter", "status": "finished", "subject": SUBJECT,
                    "class": {"system": fi.ACT_CODE, "code": "EMER"}, "reasonCode": [{"text": "Chute"}],
                    "period": {"start": "2026-11-30T23:30:00Z"}})
    assert visit.target == "encounters" and visit.form["kind"] == "emergency"
    assert visit.form["occurred_on"] == "2026-12-01"  # the local (Paris) day


def test_a_medication_by_reference_or_a_not_done_vaccine_is_refused():
    assert refused({"resourceType": "MedicationStatement", "status": "active", "subject": SUBJECT,
                    "medicationReference": {"reference": "Medication/1"}}).issue == "not-supported"
    assert refused({"resourceType": "Immunization", "status": "not-done", "patient": SUBJECT,
                    "vaccineCode": {"text": "x"}, "occurrenceDateTime": "2026-01-01"}).issue == "business-rule"


def test_a_document_carries_its_file():
    got = intake({"resourceType": "DocumentReference", "status": "current", "subject": SUBJECT,
                  "type": {"coding": [{"system": "http://loinc.org", "code": "11488-4"}]},
                  "date": "2026-11-30T10:00:00Z",
                  "content": [{"attachment": {"data": base64.b64encode(b"%PDF-1.4 x").decode(), "title": "cr.pdf"}}]})
    assert (got.target, got.data, got.filename) == (fi.DOCUMENTS, b"%PDF-1.4 x", "cr.pdf")
    assert got.form == {"title": "cr.pdf", "document_date": "2026-11-30", "category": "11488-4"}
    error = refused({"resourceType": "DocumentReference", "status": "current", "subject": SUBJECT,
                     "type": {"coding": [{"system": "http://loinc.org", "code": "11488-4"}]},
                     "content": [{"attachment": {"url": "https://x.example/cr.pdf"}}]})
    assert error.status == 422 and error.expression.endswith("attachment.data")


def test_lab_results_are_for_the_lab_service():
    lab = {"resourceType": "Observation", "status": "final", "subject": SUBJECT,
           "code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"}]}, "valueQuantity": {"value": 1}}
    assert intake(lab).target == fi.LAB
    report = {"resourceType": "DiagnosticReport", "status": "final", "code": {"text": "Bilan"}, "subject": SUBJECT}
    assert intake(report).target == fi.LAB
