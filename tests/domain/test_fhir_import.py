"""A FHIR file brought by the patient, read without the database (issue 12 item 3)."""

from __future__ import annotations

import json

import pytest

from mes_app.domain import fhir_import as fimp
from mes_app.domain.errors import ValidationError
from mes_app.domain.terminology import load_default
from tests.conftest import NOW
from tests.fhir_samples import (
    allergy,
    as_bytes,
    condition,
    hospital_lab_searchset,
    hospital_searchset,
    lab_collection_by_full_url,
    odd_collection,
    weight,
)


def parse(data: bytes, filename: str = "export.json") -> fimp.ParsedFile:
    return fimp.parse_file(data, filename, terminology=load_default(), now=NOW)


def test_a_hospital_searchset_gives_its_entries_and_skips_the_included_patient():
    parsed = parse(as_bytes(hospital_searchset()))
    assert [(i.target, i.summary, i.day) for i in parsed.items] == [
        ("conditions", "Asthme", "2019-03-01"), ("conditions", "Diabète de type 2", "2019-03-01"),
        ("documents", "Compte rendu", "2026-11-20")]
    assert [(s.index, s.resource_type, s.reason) for s in parsed.skipped] == [(3, "Patient", fimp.CONTEXT)]
    assert parsed.source == "Portail CHU de Nantes"  # meta.source, spaces trimmed
    assert parsed.items[0].key == "Condition|https://chu.example/ids|c-1"
    assert parsed.items[0].intake.form["code"]  # the SNOMED code is kept


def test_unknown_types_code_systems_and_invalid_entries_are_skipped_with_their_reason():
    parsed = parse(as_bytes(odd_collection()), "mon-carnet.json")
    assert [(s.index, s.reason) for s in parsed.skipped] == [
        (1, fimp.UNKNOWN_TYPE), (2, fimp.UNKNOWN_SYSTEM), (4, fimp.INVALID), (5, fimp.NOT_SUPPORTED),
        (7, fimp.INVALID)]
    assert [(i.index, i.target, i.summary) for i in parsed.items] == [
        (3, "lab_results", "Hémoglobine"), (6, "allergies", "Pénicilline")]
    assert parsed.source == "mon-carnet.json"  # no meta.source, no Composition: the file name


def test_a_single_resource_is_a_file_of_one_entry():
    parsed = parse(as_bytes(weight()))
    assert [(i.index, i.target, i.summary, i.day) for i in parsed.items] == [(0, "measures", "72.5 kg", "2026-11-20")]


def test_the_same_entry_twice_in_a_file_is_added_once():
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": allergy()}, {"resource": {**allergy(), "id": "other-id"}}]}
    parsed = parse(as_bytes(bundle))
    assert len(parsed.items) == 1 and [s.reason for s in parsed.skipped] == [fimp.DUPLICATE]


def test_the_key_ignores_what_changes_between_two_exports_of_the_same_data():
    one = {**allergy(), "id": "a", "meta": {"lastUpdated": "2026-01-01T00:00:00Z"}}
    two = {**allergy(), "id": "b", "patient": {"reference": "urn:uuid:1234"}}
    keys = [parse(as_bytes(r)).items[0].key for r in (one, two)]
    assert keys[0] == keys[1]
    assert parse(as_bytes(condition("Asthme"))).items[0].key != parse(as_bytes(condition("Autre"))).items[0].key


def test_the_composition_custodian_names_an_ips_document():
    bundle = {"resourceType": "Bundle", "type": "document", "entry": [
        {"fullUrl": "urn:uuid:c", "resource": {"resourceType": "Composition", "status": "final",
                                                 "custodian": {"display": "Hôpital Nord"}}},
        {"resource": allergy()}]}
    parsed = parse(as_bytes(bundle))
    assert parsed.source == "Hôpital Nord"
    assert [s.reason for s in parsed.skipped] == [fimp.CONTEXT]


def test_an_author_organization_of_the_bundle_names_it_too():
    bundle = {"resourceType": "Bundle", "type": "document", "entry": [
        {"resource": {"resourceType": "Composition", "author": [{"reference": "urn:uuid:o"}]}},
        {"fullUrl": "urn:uuid:o", "resource": {"resourceType": "Organization", "name": "Clinique du Parc"}}]}
    assert parse(as_bytes(bundle)).source == "Clinique du Parc"


@pytest.mark.parametrize(("data", "code"), [
    (b"{not json", "error.fhir_import_not_json"),
    (b"\xff\xfe\x00garbage", "error.fhir_import_not_json"),
    (b"   ", "error.fhir_import_empty"),
    (b"[1, 2]", "error.fhir_import_not_fhir"),
    (b'{"resourceType": "Bundle", "type": "nonsense"}', "error.fhir_import_not_fhir"),
    (b'{"resourceType": "Bundle", "type": "collection", "entry": {}}', "error.fhir_import_not_fhir"),
    (b"[" * 100_000, "error.fhir_import_not_json"),
])
def test_a_malformed_file_is_refused_as_a_whole(data, code):
    with pytest.raises(ValidationError) as refused:
        parse(data)
    assert refused.value.code == code


def test_an_oversized_file_is_refused_before_it_is_read():
    data = b'{"resourceType": "Bundle", "type": "collection", "entry": []}' + b" " * fimp.MAX_FILE_BYTES
    with pytest.raises(ValidationError) as refused:
        parse(data)
    assert (refused.value.code, refused.value.params) == ("error.fhir_import_too_large", {"max": 20})


def test_too_many_entries_are_refused():
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{}] * (fimp.MAX_ENTRIES + 1)}
    with pytest.raises(ValidationError) as refused:
        parse(json.dumps(bundle).encode())
    assert refused.value.code == "error.fhir_import_too_many"


def test_a_lab_report_takes_its_observations_by_relative_reference_or_full_url():
    parsed = parse(as_bytes(hospital_lab_searchset()))
    assert [(i.index, i.resource_type, i.target) for i in parsed.items] == [
        (1, "DiagnosticReport", "lab_results"), (5, "Observation", "lab_results"), (6, "Observation", "measures")]
    report = parsed.items[0].intake
    assert report.lab is not None and [v.loinc for v in report.lab.values] == ["718-7", "2951-2", "2823-3"]
    assert report.data.startswith(b"%PDF")  # its PDF, for the document linked to it
    by_url = parse(as_bytes(lab_collection_by_full_url()))
    assert [(i.resource_type, len(i.intake.lab.values) if i.intake.lab else 0) for i in by_url.items] == [
        ("DiagnosticReport", 2)]


def test_a_report_pointing_twice_to_one_value_or_outside_the_file_is_skipped():
    bundle = lab_collection_by_full_url()
    report = bundle["entry"][2]["resource"]
    report["result"] = [report["result"][0], report["result"][0]]
    for data in (bundle, lab_collection_by_full_url(dangling=True)):
        parsed = parse(as_bytes(data))
        assert [(s.resource_type, s.reason) for s in parsed.skipped] == [("DiagnosticReport", fimp.MISSING_RESULTS)]
        assert [i.resource_type for i in parsed.items] == ["Observation", "Observation"]  # one-value reports
