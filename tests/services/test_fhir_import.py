"""Importing a FHIR file into a record (issue 12 item 3): preview, all or nothing, once only,
"imported from <source>", and who may do it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from mes_app.db import models
from mes_app.domain import fhir_import as fimp
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import documents, fhir_import, ips, measures, records
from mes_app.storage import LocalStorage
from tests.factories import (
    committed_count,
    committed_rows,
    give_care,
    make_caregiver,
    make_child,
    make_owner,
    make_professional,
    make_stranger,
)
from tests.fhir_samples import (
    allergy,
    as_bytes,
    hospital_lab_searchset,
    hospital_searchset,
    lab_collection_by_full_url,
    odd_collection,
    weight,
)


@pytest.fixture()
def alice(session):
    return make_owner(session, "Alice Durand")


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "docs")


def run(session, persona, pid, data, storage, now, filename="export.json"):  # noqa: ANN001, ANN201
    return fhir_import.run_import(session, persona.actor, pid, data, now=now, storage=storage, max_bytes=1_000_000,
                                  filename=filename)


def seeded_ips(session, now) -> bytes:  # noqa: ANN001
    """MES's own IPS of a record with one entry of each kind the import maps."""
    bob = make_owner(session, "Bob Martin")
    pid = bob.profile.id
    records.add_entry(session, bob.actor, pid, "conditions",
                      {"code_text": "Asthme", "status": "active", "onset_date": "2020-01-01"}, now=now)
    records.add_entry(session, bob.actor, pid, "allergies",
                      {"code_text": "Pénicilline", "status": "active", "severity": "severe"}, now=now)
    records.add_entry(session, bob.actor, pid, "vaccinations", {"code_text": "DTP", "given_on": "2024-01-01"}, now=now)
    records.add_entry(session, bob.actor, pid, "treatments",
                      {"code_text": "Ventoline", "dosage": "2 bouffées", "start_date": "2024-01-01"}, now=now)
    measures.add_measure(session, bob.actor, pid,
                         {"kind": "weight", "value": "72.5", "unit": "kg", "measured_at": "2026-11-20T08:00"}, now=now)
    return json.dumps(ips.download_bundle(session, bob.actor, pid, now=now)).encode()


def test_mes_own_ips_round_trips_into_a_fresh_profile(session, now, alice, storage):
    data = seeded_ips(session, now)
    preview = fhir_import.preview(session, alice.actor, alice.profile.id, data, now=now, filename="synthese.json")
    assert preview.counts == {"conditions": 1, "allergies": 1, "treatments": 1, "vaccinations": 1, "measures": 1}
    assert {(s.resource_type, s.reason) for s in preview.skipped} == {("Composition", "context"),
                                                                      ("Patient", "context")}
    assert committed_count(session, models.Condition) == 1  # the preview stored nothing (Bob's own only)
    done = run(session, alice, alice.profile.id, data, storage, now, "synthese.json")
    assert (done.total, done.source) == (5, "synthese.json")
    mine = alice.profile.id
    assert [c.code_text for c in committed_rows(session, models.Condition, models.Condition.profile_id == mine)] \
        == ["Asthme"]
    assert [(m.value, m.source, m.author_role) for m in committed_rows(
        session, models.Measure, models.Measure.profile_id == mine)] == [(72.5, "import", "patient")]
    assert committed_count(session, models.RecordImport, models.RecordImport.profile_id == mine) == 5
    shown, _more = measures.list_entries(session, alice.actor, mine, "weight", now=now)
    assert [w.imported_from for w in shown] == ["synthese.json"]


def test_a_second_import_of_the_same_file_adds_nothing(session, now, alice, storage):
    data = as_bytes(hospital_searchset())
    assert run(session, alice, alice.profile.id, data, storage, now).total == 3
    again = fhir_import.preview(session, alice.actor, alice.profile.id, data, now=now)
    assert (again.total, again.duplicates) == (0, 3)
    assert run(session, alice, alice.profile.id, data, storage, now).total == 0
    assert committed_count(session, models.Condition) == 2 and committed_count(session, models.Document) == 1


def test_each_entry_keeps_its_code_and_says_where_it_comes_from(session, now, alice, storage):
    run(session, alice, alice.profile.id, as_bytes(hospital_searchset()), storage, now)
    conditions = committed_rows(session, models.Condition)
    assert all(c.code_system and c.code for c in conditions)
    sources = fhir_import.imported_from(session, "conditions", [c.id for c in conditions])
    assert set(sources.values()) == {"Portail CHU de Nantes"}
    # what the record pages show: "imported from <source>" on each entry, and on the document
    views = records.list_entries(session, alice.actor, alice.profile.id, "conditions", now=now)
    assert [v.imported_from for v in views] == ["Portail CHU de Nantes"] * 2
    docs = documents.list_documents(session, alice.actor, alice.profile.id, now=now)
    assert [d.imported_from for d in docs] == ["Portail CHU de Nantes"]


def test_skipped_entries_are_told_with_their_reason(session, now, alice, storage):
    preview = fhir_import.preview(session, alice.actor, alice.profile.id, as_bytes(odd_collection()), now=now)
    assert preview.counts == {"lab_results": 1, "allergies": 1}
    assert [s.reason for s in preview.skipped] == ["unknown_type", "unknown_system", "invalid", "not_supported",
                                                   "invalid"]
    assert run(session, alice, alice.profile.id, as_bytes(odd_collection()), storage, now).total == 2


def test_an_entry_the_record_would_refuse_is_skipped_in_the_preview(session, now, alice):
    future = weight(when=(now + timedelta(days=3)).isoformat())
    preview = fhir_import.preview(session, alice.actor, alice.profile.id, as_bytes(future), now=now)
    assert (preview.total, [s.reason for s in preview.skipped]) == (0, [fimp.INVALID])


def test_a_refusal_during_the_import_stores_nothing(session, now, alice, storage):
    bundle = hospital_searchset()
    doc = bundle["entry"][3]["resource"]
    doc["content"][0]["attachment"]["data"] = "aGVsbG8="  # "hello": not a document type the record takes
    with pytest.raises(ValidationError) as refused:
        run(session, alice, alice.profile.id, as_bytes(bundle), storage, now)
    assert refused.value.code == "error.fhir_import_refused"
    assert committed_count(session, models.Condition) == 0 and committed_count(session, models.RecordImport) == 0
    assert storage.stored_files() == []


def test_a_malformed_or_oversized_file_is_refused_as_a_whole(session, now, alice, storage):
    for data, code in ((b"{oops", "error.fhir_import_not_json"),
                       (b"{}" + b" " * fimp.MAX_FILE_BYTES, "error.fhir_import_too_large")):
        with pytest.raises(ValidationError) as refused:
            run(session, alice, alice.profile.id, data, storage, now)
        assert refused.value.code == code
    assert committed_count(session, models.RecordImport) == 0


def test_a_guardian_imports_into_a_child_record(session, now, alice, storage):
    lea = make_child(session, alice)
    done = run(session, alice, lea.id, as_bytes(allergy()), storage, now)
    assert done.counts == {"allergies": 1}
    assert [(a.profile_id, a.author_role) for a in committed_rows(session, models.Allergy)] == [(lea.id, "guardian")]


def test_a_stranger_does_not_find_the_record(session, now, alice, storage):
    mallory = make_stranger(session)
    with pytest.raises(NotFound):
        fhir_import.preview(session, mallory.actor, alice.profile.id, as_bytes(allergy()), now=now)
    with pytest.raises(NotFound):
        run(session, mallory, alice.profile.id, as_bytes(allergy()), storage, now)
    with pytest.raises(NotFound):
        run(session, mallory, 999_999, as_bytes(allergy()), storage, now)


def test_a_caregiver_and_a_professional_may_not_import(session, now, alice, storage):
    nanny = make_caregiver(session, alice, ("risk_factors",))
    doctor = make_professional(session)
    give_care(session, doctor, alice, now=now - timedelta(days=1))
    for persona in (nanny, doctor):
        with pytest.raises(Forbidden):
            run(session, persona, alice.profile.id, as_bytes(allergy()), storage, now)
    assert committed_count(session, models.Allergy) == 0


def _clinical_content(bundle: bytes) -> dict[str, list]:
    """What a full export says clinically, by resource type, without ids, dates of writing,
    authors or provenance: the codes and values, sorted (never by position)."""
    wanted = {"Condition", "AllergyIntolerance", "Immunization", "MedicationStatement", "Observation", "Encounter"}
    found: dict[str, list] = {}
    for entry in json.loads(bundle)["entry"]:
        resource = entry["resource"]
        kind = resource["resourceType"]
        if kind not in wanted:
            continue
        code = resource.get("code") or resource.get("vaccineCode") or resource.get("medicationCodeableConcept") \
            or resource.get("type", [{}])[0]
        codings = sorted((c.get("system"), c.get("code")) for c in code.get("coding", []))
        value = resource.get("valueQuantity", {})
        found.setdefault(kind, []).append((code.get("text"), codings, value.get("value"), value.get("unit")))
    return {kind: sorted(items, key=repr) for kind, items in found.items()}


def test_the_full_export_imported_into_a_fresh_profile_exports_the_same_clinical_content(session, now, alice,
                                                                                          storage):
    """Issue 13's round trip: export → import into a fresh profile → export again."""
    from mes_app.services import record_export

    bob = make_owner(session, "Bob Martin")
    pid = bob.profile.id
    records.add_entry(session, bob.actor, pid, "conditions",
                      {"code_text": "Asthme", "status": "active", "onset_date": "2020-01-01"}, now=now)
    records.add_entry(session, bob.actor, pid, "allergies",
                      {"code_text": "Pénicilline", "status": "active", "severity": "severe"}, now=now)
    records.add_entry(session, bob.actor, pid, "vaccinations", {"code_text": "DTP", "given_on": "2024-01-01"}, now=now)
    records.add_entry(session, bob.actor, pid, "treatments",
                      {"code_text": "Ventoline", "dosage": "2 bouffées", "start_date": "2024-01-01"}, now=now)
    measures.add_measure(session, bob.actor, pid,
                         {"kind": "weight", "value": "72.5", "unit": "kg", "measured_at": "2026-11-20T08:00"}, now=now)
    first = record_export.export_record(session, bob.actor, pid, now=now, storage=storage).body

    done = run(session, alice, alice.profile.id, first, storage, now, "bob.fhir.json")
    assert done.total >= 5
    again = record_export.export_record(session, alice.actor, alice.profile.id, now=now, storage=storage).body

    assert _clinical_content(again) == _clinical_content(first)
    assert set(_clinical_content(first)) >= {"Condition", "AllergyIntolerance", "Immunization", "Observation"}


# --------------------------------------------------------------------------- lab results


def test_a_hospital_lab_report_becomes_one_report_with_its_values_and_its_pdf(session, now, alice, storage):
    from mes_app.services import lab_results

    pid = alice.profile.id
    data = as_bytes(hospital_lab_searchset())
    preview = fhir_import.preview(session, alice.actor, pid, data, now=now)
    assert preview.counts == {"lab_results": 2, "measures": 1}  # the report and the loose glucose
    assert [(line.section, line.summary) for line in preview.lines if line.section == "lab_results"] == [
        ("lab_results", "Bilan sanguin : Hémoglobine, Sodium, Potassium"), ("lab_results", "Glucose")]
    assert run(session, alice, pid, data, storage, now).total == 3
    reports, _more = lab_results.list_reports(session, alice.actor, pid, now=now)
    assert sorted((r.value_count, r.out_of_range) for r in reports) == [(1, 0), (3, 1)]
    assert {r.imported_from for r in reports} == {"Portail CHU de Nantes"}
    [bilan] = [r for r in reports if r.value_count == 3]
    detail = lab_results.report_detail(session, alice.actor, bilan.id, now=now)
    assert [v.interpretation for v in detail.values] == ["N", "N", "H"]  # in the report's order
    assert detail.document_id > 0 and detail.imported_from == "Portail CHU de Nantes"
    [doc] = documents.list_documents(session, alice.actor, pid, now=now)
    assert doc.id == detail.document_id and doc.imported_from == "Portail CHU de Nantes"
    assert committed_count(session, models.LabResult) == 4  # the report's values are not imported twice


def test_a_lab_file_imported_again_adds_nothing(session, now, alice, storage):
    pid = alice.profile.id
    data = as_bytes(hospital_lab_searchset())
    run(session, alice, pid, data, storage, now)
    again = fhir_import.preview(session, alice.actor, pid, data, now=now)
    assert again.total == 0 and again.duplicates == 3
    assert run(session, alice, pid, data, storage, now).total == 0
    assert committed_count(session, models.LabReport) == 2 and committed_count(session, models.Document) == 1


def test_a_report_pointing_to_its_values_by_full_url_is_one_report(session, now, alice, storage):
    pid = alice.profile.id
    assert run(session, alice, pid, as_bytes(lab_collection_by_full_url()), storage, now).counts == {"lab_results": 1}
    assert committed_count(session, models.LabReport) == 1 and committed_count(session, models.LabResult) == 2


def test_a_report_whose_results_are_not_in_the_file_is_skipped_with_its_reason(session, now, alice, storage):
    data = as_bytes(lab_collection_by_full_url(dangling=True))
    preview = fhir_import.preview(session, alice.actor, alice.profile.id, data, now=now)
    assert [(s.resource_type, s.reason) for s in preview.skipped] == [("DiagnosticReport", "missing_results")]
    assert preview.counts == {"lab_results": 2}  # its values present in the file stay, one report each
    run(session, alice, alice.profile.id, data, storage, now)
    assert committed_count(session, models.LabReport) == 2 and committed_count(session, models.Document) == 0


def test_a_lab_import_refused_midway_stores_nothing(session, now, alice, storage, monkeypatch):
    from mes_app.services import lab_results

    def refuse(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ValidationError("error.generic")

    monkeypatch.setattr(lab_results, "add_report", refuse)
    with pytest.raises(ValidationError):
        run(session, alice, alice.profile.id, as_bytes(hospital_lab_searchset()), storage, now)
    assert committed_count(session, models.Document) == 0 and committed_count(session, models.RecordImport) == 0
    assert committed_count(session, models.Measure) == 0 and storage.stored_files() == []  # the PDF deleted
