"""Importing a phone's health app export: zip or xml, measures added once, the summary, the
background job's progress, and who may do it."""

from __future__ import annotations

from datetime import date

import pytest

from mes_app.db.models import AccessEvent, Measure
from mes_app.domain import apple_health as ah
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import apple_import
from tests.apple_export import MALICIOUS, export_xml, record, write_zip
from tests.factories import (
    committed_count,
    committed_rows,
    give_care,
    make_caregiver,
    make_child,
    make_co_guardian,
    make_owner,
    make_professional,
    make_stranger,
)


@pytest.fixture(autouse=True)
def no_jobs():
    apple_import._JOBS.clear()
    yield
    apple_import._JOBS.clear()


@pytest.fixture()
def alice(session):
    return make_owner(session, "Alice Durand")


@pytest.fixture()
def lea(session, alice):
    return make_child(session, alice, "Léa", birth_date=date(2018, 5, 1))


@pytest.fixture()
def export_zip(tmp_path):
    return write_zip(tmp_path / "export.zip", export_xml(), clinical=3)


def run(session, who, pid, path, now):
    return apple_import.import_file(session, who.actor, pid, path, now=now)


def test_a_guardian_imports_a_childs_export_zip(session, now, alice, lea, export_zip):
    summary = run(session, alice, lea.profile.id, export_zip, now)
    assert dict(summary.added) == {"weight": 2, "height": 2, "heart_rate": 1, "temperature": 1, "spo2": 1,
                                   "glucose": 2, "blood_pressure": 1}
    assert (summary.duplicates, summary.other_types, summary.bmi_derived, summary.clinical_records) == (0, 4, 1, 3)
    assert sum(summary.errors.values()) == 1
    rows = committed_rows(session, Measure)
    assert len(rows) == 10 and {r.profile_id for r in rows} == {lea.profile.id}
    bp = next(r for r in rows if r.kind == "blood_pressure")
    assert (bp.value, bp.value_secondary, bp.unit, bp.loinc_code, bp.source, bp.author_role) == (
        118.0, 76.0, "mm[Hg]", "85354-9", "import", "guardian")


def test_importing_again_adds_nothing(session, now, alice, lea, export_zip, tmp_path):
    run(session, alice, lea.profile.id, export_zip, now)
    again = run(session, alice, lea.profile.id, export_zip, now)
    assert again.added_total == 0 and again.duplicates == 10
    assert committed_count(session, Measure) == 10
    # the bare export.xml of the same data, plus one new reading: only that one is added
    xml = tmp_path / "export.xml"
    xml.write_bytes(export_xml(record("HeartRate", "77", "count/min", "2026-11-20 08:00:00 +0100")
                               + record("HeartRate", "88", "count/min", "2026-11-03 08:15:00 +0100")))
    third = run(session, alice, lea.profile.id, xml, now)
    assert (dict(third.added), third.duplicates) == ({"heart_rate": 1}, 1)


def test_a_localised_export_name_is_found_by_its_root(session, now, alice, tmp_path):
    path = write_zip(tmp_path / "export.zip", export_xml(), member="apple_health_export/导出.xml", clinical=0)
    assert run(session, alice, alice.profile.id, path, now).added_total == 10


def test_a_malicious_file_is_refused_and_stores_nothing(session, now, alice, tmp_path):
    path = write_zip(tmp_path / "export.zip", MALICIOUS)
    with pytest.raises(ah.ExportRefused) as refused:
        run(session, alice, alice.profile.id, path, now)
    assert refused.value.code == "error.apple_entities"
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ah.ExportRefused):
        run(session, alice, alice.profile.id, junk, now)
    assert committed_count(session, Measure) == 0


def test_who_may_import(session, now, alice, lea, export_zip):
    bob = make_co_guardian(session, lea)
    assert run(session, bob, lea.profile.id, export_zip, now).added_total == 10
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    assert run(session, dr, alice.profile.id, export_zip, now).added_total == 10
    assert committed_rows(session, AccessEvent)[-1].actor_user_id == dr.id  # recorded in her history
    nurse = make_caregiver(session, alice, ("measures",), now=now)
    with pytest.raises(Forbidden):
        run(session, nurse, alice.profile.id, export_zip, now)
    with pytest.raises(NotFound):
        run(session, make_stranger(session), lea.profile.id, export_zip, now)
    with pytest.raises(ValidationError):
        run(session, alice, "1 OR 1=1", export_zip, now)
    assert committed_count(session, Measure) == 20


def test_the_background_job_reports_progress_and_summary_to_its_requester_only(session, engine, now, alice,
                                                                               export_zip):
    path = apple_import.new_upload_path(export_zip.parent / "imports")
    path.write_bytes(export_zip.read_bytes())
    key = apple_import.start_import(session, alice.actor, alice.profile.id, path, now=now, run=False)
    assert apple_import.job_view(alice.actor, key).status == apple_import.QUEUED
    with pytest.raises(ValidationError):  # one at a time per account
        apple_import.check_import(session, alice.actor, alice.profile.id, now=now)
    with pytest.raises(NotFound):
        apple_import.job_view(make_stranger(session).actor, key)
    apple_import.run_job(engine, key, clock=lambda: now)
    view = apple_import.job_view(alice.actor, key)
    assert (view.status, view.percent, view.summary.added_total, view.summary.clinical_records) == ("done", 100, 10, 3)
    assert not path.exists()  # the upload is deleted once read


def test_a_failed_job_says_why_and_keeps_what_was_added(session, engine, now, alice, tmp_path, monkeypatch):
    path = apple_import.new_upload_path(tmp_path)
    path.write_bytes(export_xml())
    key = apple_import.start_import(session, alice.actor, alice.profile.id, path, now=now, run=False)
    monkeypatch.setattr(apple_import, "BATCH", 3)
    calls = {"n": 0}
    real = apple_import._store

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk")
        return real(*args, **kwargs)

    monkeypatch.setattr(apple_import, "_store", failing)
    apple_import.run_job(engine, key, clock=lambda: now)
    view = apple_import.job_view(alice.actor, key)
    assert (view.status, view.error_code, view.summary.added_total) == ("failed", "error.apple_failed", 3)
    assert committed_count(session, Measure) == 3


def test_uploads_left_by_a_killed_server_are_swept(session, now, alice, tmp_path):
    import os

    old = apple_import.new_upload_path(tmp_path)
    os.utime(old, (now.timestamp() - 2 * 86400,) * 2)
    fresh = apple_import.new_upload_path(tmp_path)
    fresh.write_bytes(export_xml())
    apple_import.start_import(session, alice.actor, alice.profile.id, fresh, now=now, run=False)
    assert not old.exists() and fresh.exists()
    assert oct(fresh.stat().st_mode & 0o777) == "0o600"


def test_the_clinical_records_go_through_the_fhir_import_once(session, now, alice, lea, tmp_path):
    import json
    import zipfile

    from mes_app.db.models import LabReport, LabResult
    from tests.fhir_samples import lab_report, lab_value

    report = lab_report(["Observation/k1", "Observation/k3"])
    del report["presentedForm"]
    path = write_zip(tmp_path / "export.zip", export_xml(), clinical=0)
    with zipfile.ZipFile(path, "a") as archive:  # one resource a file, as the phone writes them
        for name, resource in (("k1", lab_value("k1", "718-7", "Hémoglobine", 13.5, "g/dL", 12, 16)),
                               ("k3", lab_value("k3", "2823-3", "Potassium", 5.8, "mmol/L", 3.5, 5.0)),
                               ("r1", report)):
            archive.writestr(f"apple_health_export/clinical-records/{name}.json", json.dumps(resource))
        archive.writestr("apple_health_export/clinical-records/bad.json", "{}")
    summary = run(session, alice, lea.profile.id, path, now)
    assert (summary.clinical_imported, summary.clinical_records) == (1, 1)  # one report; the bad file not imported
    assert committed_count(session, LabReport) == 1 and committed_count(session, LabResult) == 2
    again = run(session, alice, lea.profile.id, path, now)
    assert again.clinical_imported == 0 and committed_count(session, LabReport) == 1
