"""Lab results in the IPS summary (Results section, 30954-2) and in the full FHIR export, by
code, validated with fhir.resources R4B."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle

from mes_app.domain.fhir_export import resources_of
from mes_app.services import ips, lab_results, record_export
from mes_app.services.lab_results import LabReportInput, LabValueInput
from mes_app.storage import LocalStorage
from tests.factories import give_care, make_caregiver, make_owner, make_professional

LOINC = "http://loinc.org"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
DAY = timedelta(days=1)


def add(session, who, profile, now, *, hidden=False):
    rid = lab_results.add_report(session, who.actor, profile.id, LabReportInput(
        collected_at=now - 2 * DAY, issued_at=now - DAY, lab_name="Laboratoire des Lilas", values=(
            LabValueInput("14682-9", "umol/L", 118.0, low=45.0, high=90.0),
            LabValueInput("1988-5", "mg/L", value_text="< 0,5", range_text="< 5"),
        )), now=now)
    if hidden:
        lab_results.set_hidden(session, who.actor, rid, True, now=now)
    return rid


def results_section(bundle: dict) -> dict | None:
    composition = bundle["entry"][0]["resource"]
    return next((s for s in composition["section"] if s["code"]["coding"][0]["code"] == "30954-2"), None)


def by_url(bundle: dict) -> dict[str, dict]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def test_the_ips_results_section_holds_the_report_and_its_observations(session, now):
    alice = make_owner(session)
    add(session, alice, alice.profile, now)
    bundle = ips.download_bundle(session, alice.actor, alice.profile.id, now=now)
    Bundle.model_validate(bundle)
    section = results_section(bundle)
    assert section is not None
    resources = [by_url(bundle)[e["reference"]] for e in section["entry"]]
    report = next(r for r in resources if r["resourceType"] == "DiagnosticReport")
    assert report["code"]["coding"][0]["code"] == "11502-2" and len(report["result"]) == 2
    observations = [r for r in resources if r["resourceType"] == "Observation"]
    creat = next(o for o in observations if o["code"]["coding"][0]["code"] == "14682-9")
    assert creat["category"][0]["coding"][0]["code"] == "laboratory"
    assert creat["valueQuantity"]["code"] == "umol/L" and creat["valueQuantity"]["unit"] == "µmol/L"
    assert creat["interpretation"][0]["coding"][0] == {"system": INTERPRETATION, "code": "H", "display": "High"}
    assert creat["referenceRange"][0]["high"]["value"] == 90.0
    assert creat["effectiveDateTime"].startswith((now - 2 * DAY).date().isoformat())
    crp = next(o for o in observations if o["code"]["coding"][0]["code"] == "1988-5")
    assert crp["valueString"] == "< 0,5" and crp["referenceRange"][0]["text"] == "< 5"


def test_a_hidden_report_stays_out_of_a_professionals_summary(session, now):
    alice = make_owner(session)
    add(session, alice, alice.profile, now, hidden=True)
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    bundle = ips.download_bundle(session, dr.actor, alice.profile.id, now=now)
    Bundle.model_validate(bundle)
    assert not resources_of(bundle, "DiagnosticReport")
    assert results_section(bundle) is None  # nothing else to list there


def test_the_full_export_has_the_observations_and_the_report(session, now, tmp_path):
    alice = make_owner(session)
    add(session, alice, alice.profile, now)
    found = record_export.export_record(session, alice.actor, alice.profile.id, now=now,
                                        storage=LocalStorage(tmp_path / "docs"))
    bundle = json.loads(found.body)
    Bundle.model_validate(bundle)
    (report,) = resources_of(bundle, "DiagnosticReport")
    assert report["category"][0]["coding"][0]["code"] == "LAB"
    labs = [o for o in resources_of(bundle, "Observation")
            if o["category"][0]["coding"][0]["code"] == "laboratory"]
    assert {o["code"]["coding"][0]["code"] for o in labs} == {"14682-9", "1988-5"}
    urls = by_url(bundle)
    assert {urls[r["reference"]]["code"]["coding"][0]["code"] for r in report["result"]} == {"14682-9", "1988-5"}
    targets = {t["reference"] for p in resources_of(bundle, "Provenance") for t in p["target"]}
    assert all(r["reference"] in targets for r in report["result"])
    tags = {t["code"] for t in bundle["meta"]["tag"]}
    assert "lab_results" in tags


@pytest.mark.parametrize(("scope", "expected"), [(("lab_results",), 1), (("vaccinations",), 0)])
def test_a_caregiver_exports_lab_results_only_when_shared(session, now, tmp_path, scope, expected):
    alice = make_owner(session)
    add(session, alice, alice.profile, now)
    helper = make_caregiver(session, alice, scope, now=now)
    found = record_export.export_record(session, helper.actor, alice.profile.id, now=now,
                                        storage=LocalStorage(tmp_path / "docs"))
    bundle = json.loads(found.body)
    Bundle.model_validate(bundle)
    assert len(resources_of(bundle, "DiagnosticReport")) == expected
