"""The FHIR API's use cases (issue 12 item 2), below HTTP: transactions hold every write, a
token lives 5 minutes, and the software row is checked on every call."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from sqlmodel import select

from mes_app.db.models import AccessEvent, Document, FhirAccessToken, FhirIntake, Measure
from mes_app.domain.fhir_intake import IntakeError
from mes_app.services import access_history, connected_software, fhir_api
from mes_app.services.connected_software import Caller
from mes_app.storage import LocalStorage
from tests.conftest import NOW
from tests.factories import committed_count, give_care, make_owner, make_professional

PDF = b"%PDF-1.4\n" + b"a" * 300
PNG = b"\x89PNG\r\n\x1a\n" + b"b" * 300
RSA = {"kty": "RSA", "kid": "r1", "n": base64.urlsafe_b64encode(b"\xc1" + b"\x01" * 255).rstrip(b"=").decode(),
       "e": "AQAB"}


@pytest.fixture()
def setup(session, tmp_path):
    alice = make_owner(session, "Alice")
    doctor = make_professional(session)
    give_care(session, doctor, alice)
    software = connected_software.register_software(session, doctor.actor, "Soft", json.dumps({"keys": [RSA]}),
                                                    now=NOW)
    caller = Caller(software.id, "Soft", doctor.actor, ("system/*.c",))
    storage = LocalStorage(tmp_path / "docs")
    return alice, doctor, caller, storage


def context(caller, storage) -> fhir_api.Context:
    return fhir_api.Context(caller=caller, now=NOW, storage=storage, max_bytes=100_000)


def doc(alice, data: bytes, title: str) -> dict:
    return {"resource": {"resourceType": "DocumentReference", "status": "current",
                         "subject": {"reference": f"Patient/{alice.profile.id}"}, "description": title,
                         "type": {"coding": [{"system": "http://loinc.org", "code": "11488-4"}]},
                         "date": "2026-11-20T10:00:00+01:00",
                         "content": [{"attachment": {"data": base64.b64encode(data).decode()}}]},
            "request": {"method": "POST", "url": "DocumentReference"}}


def test_a_transaction_of_two_documents_keeps_both(session, setup):
    alice, _, caller, storage = setup
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [doc(alice, PDF, "A"), doc(alice, PNG, "B")]}
    results = fhir_api.transaction(session, context(caller, storage), bundle)
    assert [r.status for r in results] == ["201 Created", "201 Created"]
    assert committed_count(session, Document) == 2 and len(storage.stored_files()) == 2


def test_a_refused_transaction_leaves_no_file_no_row(session, setup):
    alice, _, caller, storage = setup
    bad = doc(alice, PDF, "B")
    bad["resource"]["date"] = "2099-01-01T10:00:00+01:00"  # in the future: refused by the deposit use case
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [doc(alice, PNG, "A"), bad]}
    with pytest.raises(IntakeError) as refused:
        fhir_api.transaction(session, context(caller, storage), bundle)
    assert (refused.value.status, refused.value.issue) == (422, "invariant")  # refused by the deposit use case
    assert committed_count(session, Document) == 0 and committed_count(session, FhirIntake) == 0
    assert storage.stored_files() == []
    assert committed_count(session, AccessEvent, AccessEvent.action == "api_create") == 0


def test_a_urn_reference_outside_the_bundle_is_refused(session, setup):
    alice, _, caller, storage = setup
    entry = doc(alice, PDF, "A")
    entry["resource"]["subject"] = {"reference": "urn:uuid:0b2b0b2b-0000-4000-8000-000000000000"}
    with pytest.raises(IntakeError) as refused:
        fhir_api.transaction(session, context(caller, storage),
                             {"resourceType": "Bundle", "type": "transaction", "entry": [entry]})
    assert refused.value.status == 400


def test_a_token_lives_five_minutes_and_dies_with_its_software(session, setup):
    _, doctor, caller, _ = setup
    software = connected_software.list_software(session, doctor.actor)[0]
    secret = "t" * 43
    session.add(FhirAccessToken(software_id=software.id, token_hash=connected_software._hash(secret),
                                scope="system/*.c", expires_at=NOW + timedelta(minutes=5)))
    session.commit()
    assert connected_software.caller_for_token(session, secret, now=NOW + timedelta(minutes=4)) is not None
    assert connected_software.caller_for_token(session, secret, now=NOW + timedelta(minutes=5)) is None
    connected_software.revoke_software(session, doctor.actor, software.id, now=NOW)
    assert connected_software.caller_for_token(session, secret, now=NOW) is None
    assert session.exec(select(FhirAccessToken)).all() == []


def test_conditional_create_finds_it_again_and_a_deleted_entry_is_made_anew(session, setup):
    alice, _, caller, storage = setup
    observation = {"resourceType": "Observation", "status": "final",
                   "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                             "code": "vital-signs"}]}],
                   "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                   "subject": {"reference": f"Patient/{alice.profile.id}"},
                   "effectiveDateTime": "2026-11-27T08:00:00+01:00", "valueQuantity": {"value": 64, "code": "/min"}}
    cond = "identifier=https://x.example|9"
    first = fhir_api.create(session, context(caller, storage), observation, if_none_exist=cond)
    again = fhir_api.create(session, context(caller, storage), observation, if_none_exist=cond)
    assert (first.status, again.status, again.id) == (201, 200, first.id)
    session.delete(session.get(Measure, first.id))
    session.commit()
    assert fhir_api.create(session, context(caller, storage), observation, if_none_exist=cond).status == 201


def pulse(alice, bpm: int) -> dict:
    return {"resourceType": "Observation", "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                      "code": "vital-signs"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
            "subject": {"reference": f"Patient/{alice.profile.id}"},
            "effectiveDateTime": (NOW - timedelta(minutes=bpm)).isoformat(),
            "valueQuantity": {"value": bpm, "code": "/min"}}


def test_a_burst_of_deposits_by_software_is_one_line_of_the_patient_s_history(session, setup):
    """Each resource is one event of the audit trail, "added by a connected software", and the
    patient reads one line for the burst (not two alternating lines per resource)."""
    alice, doctor, caller, storage = setup
    for bpm in range(60, 70):
        assert fhir_api.create(session, context(caller, storage), pulse(alice, bpm)).status == 201
    events = session.exec(select(AccessEvent).where(AccessEvent.profile_id == alice.profile.id)).all()
    by_software = ("api_create", doctor.id, caller.software_id)
    assert [(e.action, e.actor_user_id, e.grant_id) for e in events] == [by_software] * 10
    assert sorted(e.target_id for e in events) == sorted(m.id for m in session.exec(select(Measure)).all())
    lines = access_history.access_history(session, alice.actor, alice.profile.id, now=NOW).items
    [line] = lines
    assert (line.who, line.action, line.count) == (doctor.user.display_name, "api_create", 10)


# --------------------------------------------------------------------------- lab results


def lab_entry(alice, url: str, loinc: str = "2823-3", value: float = 4.2, category: str = "laboratory",
              unit: str = "mmol/L") -> dict:
    unit = unit if category == "laboratory" else "kg"
    return {"fullUrl": url, "request": {"method": "POST", "url": "Observation"}, "resource": {
        "resourceType": "Observation", "status": "final", "subject": {"reference": f"Patient/{alice.profile.id}"},
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": category}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": loinc if category == "laboratory" else "29463-7"}]},
        "effectiveDateTime": (NOW - timedelta(days=2)).isoformat(),
        "valueQuantity": {"value": value, "system": "http://unitsofmeasure.org", "code": unit}}}


def lab_bundle(alice, results: list[str], entries: list[dict]) -> dict:
    report = {"resourceType": "DiagnosticReport", "status": "final", "code": {"text": "Bilan"},
              "subject": {"reference": f"Patient/{alice.profile.id}"},
              "effectiveDateTime": (NOW - timedelta(days=2)).isoformat(),
              "result": [{"reference": ref} for ref in results]}
    return {"resourceType": "Bundle", "type": "transaction",
            "entry": [*entries, {"request": {"method": "POST", "url": "DiagnosticReport"}, "resource": report}]}


def test_a_report_takes_its_observations_in_result_order_and_others_stay_on_their_own(session, setup):
    from mes_app.db.models import LabReport, LabResult

    alice, _, caller, storage = setup
    a, b, c = (f"urn:uuid:a0000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))
    entries = [lab_entry(alice, a, "2823-3"), lab_entry(alice, b, "2951-2", 140),
               lab_entry(alice, c, "718-7", 13, unit="g/dL")]
    results = fhir_api.transaction(session, context(caller, storage), lab_bundle(alice, [b, a], entries))
    assert [r.status for r in results] == ["201 Created"] * 4
    reports = session.exec(select(LabReport).order_by(LabReport.id)).all()
    assert len(reports) == 2  # the report with b and a, and c alone
    values = session.exec(select(LabResult.loinc_code).where(LabResult.report_id == reports[1].id)
                          .order_by(LabResult.position)).all()
    assert list(values) == ["2951-2", "2823-3"]
    assert committed_count(session, FhirIntake, FhirIntake.target_kind == "lab_results") == 2


@pytest.mark.parametrize("case", ["twice", "vital_signs", "not_in_bundle", "by_id"])
def test_a_report_whose_results_are_not_its_lab_observations_is_refused(session, setup, case):
    alice, _, caller, storage = setup
    a = "urn:uuid:b0000000-0000-4000-8000-000000000001"
    entries = [lab_entry(alice, a, category="vital-signs" if case == "vital_signs" else "laboratory")]
    elsewhere = "urn:uuid:b0000000-0000-4000-8000-00000000000f"
    results = {"twice": [a, a], "vital_signs": [a], "not_in_bundle": [a, elsewhere],
               "by_id": [a, "Observation/1"]}[case]
    with pytest.raises(IntakeError) as refused:
        fhir_api.transaction(session, context(caller, storage), lab_bundle(alice, results, entries))
    assert (refused.value.status, refused.value.expression) == (422, "DiagnosticReport.result")
    assert committed_count(session, FhirIntake) == 0 and committed_count(session, Measure) == 0


def test_a_report_in_a_batch_is_refused_on_its_own(session, setup):
    alice, _, caller, storage = setup
    bundle = lab_bundle(alice, ["Observation/1"], [])
    bundle["type"] = "batch"
    [result] = fhir_api.batch(session, context(caller, storage), bundle)
    assert result.status.startswith("422") and result.outcome is not None
    assert "same transaction Bundle" in result.outcome.diagnostics
