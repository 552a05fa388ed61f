"""Lab results through the service, with personas: who adds, who reads, what is hidden."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mes_app.db.models import AccessEvent, Document, LabReport, LabResult
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import lab_results as labs
from mes_app.services.lab_results import LabReportInput, LabValueInput
from tests.factories import (
    committed_count,
    give_care,
    make_caregiver,
    make_child,
    make_owner,
    make_professional,
    make_stranger,
)

DAY = timedelta(days=1)


def glucose_report(now, value=7.2, unit="mmol/L", loinc="14771-0", **extra) -> LabReportInput:
    return LabReportInput(
        collected_at=now - 2 * DAY, issued_at=now - DAY, lab_name="Laboratoire des Lilas",
        values=(
            LabValueInput(loinc=loinc, unit=unit, value=value, low=3.9, high=5.8),
            LabValueInput(loinc="2823-3", unit="mmol/L", value=4.1, low=3.5, high=5.0),
        ),
        **extra,
    )


@pytest.fixture()
def alice(session):
    return make_owner(session)


def test_owner_adds_a_report_and_reads_high_in_it(session, alice, now):
    rid = labs.add_report(session, alice.actor, alice.profile.id, glucose_report(now), now=now)
    view = labs.report_detail(session, alice.actor, rid, now=now)
    assert [(v.name, v.value, v.unit, v.interpretation, v.out_of_range) for v in view.values] == [
        ("Glycémie à jeun", "7,2", "mmol/L", "H", True),
        ("Potassium (kaliémie)", "4,1", "mmol/L", "N", False),
    ]
    assert view.values[0].ref_range == "3,9 – 5,8" and view.values[0].computed
    assert view.lab_name == "Laboratoire des Lilas" and view.can_delete and view.can_hide
    reports, more = labs.list_reports(session, alice.actor, alice.profile.id, now=now)
    assert [(r.id, r.value_count, r.out_of_range) for r in reports] == [(rid, 2, 1)] and not more
    assert committed_count(session, LabResult, LabResult.report_id == rid) == 2


def test_the_lab_flag_is_kept_over_the_computed_one(session, alice, now):
    report = LabReportInput(collected_at=now - DAY, values=(
        LabValueInput(loinc="1988-5", unit="mg/L", value=4.0, high=5.0, interpretation="A"),))
    rid = labs.add_report(session, alice.actor, alice.profile.id, report, now=now)
    value = labs.report_detail(session, alice.actor, rid, now=now).values[0]
    assert (value.interpretation, value.computed) == ("A", False)


def test_guardian_adds_for_the_child(session, alice, now):
    lea = make_child(session, alice)
    rid = labs.add_report(session, alice.actor, lea.profile.id, glucose_report(now), now=now)
    row = session.get(LabReport, rid)
    assert (row.profile_id, row.author_role) == (lea.profile.id, "guardian")


def test_a_bad_unit_or_an_unknown_test_is_refused(session, alice, now):
    with pytest.raises(ValidationError) as err:
        labs.add_report(session, alice.actor, alice.profile.id, glucose_report(now, unit="kg"), now=now)
    assert err.value.code == "error.lab_unit"
    with pytest.raises(ValidationError) as err:
        labs.add_report(session, alice.actor, alice.profile.id, glucose_report(now, loinc="x"), now=now)
    assert err.value.code == "error.lab_unknown_test"
    future = LabReportInput(collected_at=now + DAY, values=glucose_report(now).values)
    with pytest.raises(ValidationError):
        labs.add_report(session, alice.actor, alice.profile.id, future, now=now)
    assert committed_count(session, LabReport) == 0


def test_caregiver_without_the_lab_scope_sees_nothing(session, alice, now):
    labs.add_report(session, alice.actor, alice.profile.id, glucose_report(now), now=now)
    nanny = make_caregiver(session, alice, ("vaccinations",), now=now)
    with pytest.raises(NotFound):
        labs.list_reports(session, nanny.actor, alice.profile.id, now=now)
    with pytest.raises(NotFound):
        labs.trend(session, nanny.actor, alice.profile.id, "glucose_fasting", now=now)


def test_caregiver_with_the_lab_scope_reads_but_does_not_add(session, alice, now):
    rid = labs.add_report(session, alice.actor, alice.profile.id, glucose_report(now), now=now)
    nurse = make_caregiver(session, alice, ("lab_results",), now=now)
    reports, _ = labs.list_reports(session, nurse.actor, alice.profile.id, now=now)
    assert [r.id for r in reports] == [rid]
    view = labs.report_detail(session, nurse.actor, rid, now=now)
    assert not view.can_delete and not view.can_hide
    with pytest.raises(Forbidden):
        labs.add_report(session, nurse.actor, alice.profile.id, glucose_report(now), now=now)


def test_professional_sees_unless_hidden_and_the_read_is_recorded(session, alice, now):
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    rid = labs.add_report(session, alice.actor, alice.profile.id, glucose_report(now), now=now)
    assert labs.report_detail(session, dr.actor, rid, now=now).values[0].interpretation == "H"
    assert committed_count(session, AccessEvent, AccessEvent.actor_user_id == dr.id,
                           AccessEvent.target_kind == "lab_results") >= 1
    assert labs.trend(session, dr.actor, alice.profile.id, "glucose_fasting", now=now).total == 1
    labs.set_hidden(session, alice.actor, rid, True, now=now)
    with pytest.raises(NotFound):
        labs.report_detail(session, dr.actor, rid, now=now)
    assert labs.list_reports(session, dr.actor, alice.profile.id, now=now) == ([], False)
    assert labs.trend(session, dr.actor, alice.profile.id, "glucose_fasting", now=now).total == 0
    with pytest.raises(NotFound):
        labs.set_hidden(session, dr.actor, rid, False, now=now)


def test_professional_adds_as_professional_and_the_patient_cannot_delete_it(session, alice, now):
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    rid = labs.add_report(session, dr.actor, alice.profile.id, glucose_report(now), now=now)
    assert session.get(LabReport, rid).author_role == "professional"
    assert not labs.report_detail(session, alice.actor, rid, now=now).can_delete
    with pytest.raises(Forbidden):
        labs.delete_report(session, alice.actor, rid, now=now)


def test_stranger_gets_not_found_everywhere(session, alice, now):
    rid = labs.add_report(session, alice.actor, alice.profile.id, glucose_report(now), now=now)
    mallory = make_stranger(session)
    for call in (
        lambda: labs.list_reports(session, mallory.actor, alice.profile.id, now=now),
        lambda: labs.report_detail(session, mallory.actor, rid, now=now),
        lambda: labs.add_report(session, mallory.actor, alice.profile.id, glucose_report(now), now=now),
        lambda: labs.delete_report(session, mallory.actor, rid, now=now),
        lambda: labs.set_hidden(session, mallory.actor, rid, True, now=now),
        lambda: labs.trend(session, mallory.actor, alice.profile.id, "glucose_fasting", now=now),
        lambda: labs.report_detail(session, mallory.actor, 999_999, now=now),
    ):
        with pytest.raises(NotFound):
            call()


def test_owner_deletes_a_report_and_its_values(session, alice, now):
    rid = labs.add_report(session, alice.actor, alice.profile.id, glucose_report(now), now=now)
    labs.delete_report(session, alice.actor, rid, now=now)
    assert committed_count(session, LabReport) == 0 and committed_count(session, LabResult) == 0


def test_trend_converts_between_mass_and_molar_units(session, alice, now):
    in_grams = LabReportInput(collected_at=now - 2 * DAY, values=(
        LabValueInput(loinc="1558-6", unit="g/L", value=1.30, low=0.70, high=1.05),))
    labs.add_report(session, alice.actor, alice.profile.id, in_grams, now=now)
    report = LabReportInput(collected_at=now - 10 * DAY, values=(
        LabValueInput(loinc="14771-0", unit="mmol/L", value=5.0, low=3.9, high=5.8),))
    labs.add_report(session, alice.actor, alice.profile.id, report, now=now)
    molar = labs.trend(session, alice.actor, alice.profile.id, "glucose_fasting", now=now)
    assert molar.unit == "mmol/L" and [c for c, _ in molar.units] == ["mmol/L", "g/L"]
    ys = molar.figure["data"][0]["y"]
    assert ys[0] == pytest.approx(5.0) and ys[1] == pytest.approx(1.30 * 5.551)
    assert molar.figure["layout"]["shapes"][0]["name"] == "reference"
    mass = labs.trend(session, alice.actor, alice.profile.id, "glucose_fasting", now=now, unit="g/L")
    assert mass.figure["data"][0]["y"][0] == pytest.approx(5.0 / 5.551)
    assert [p.interpretation for p in mass.points] == ["H", "N"]  # newest first


def test_a_pdf_of_the_same_profile_links_both_ways(session, alice, now):
    doc = Document(profile_id=alice.profile.id, author_user_id=alice.id, title="CR biologie",
                   document_date=(now - DAY).date(), storage_key="k-lab-1", sha256="0" * 64, size_bytes=10,
                   mime_type="application/pdf", category_code="11502-2")
    session.add(doc)
    session.commit()
    rid = labs.add_report(session, alice.actor, alice.profile.id, glucose_report(now, document_id=doc.id), now=now)
    assert labs.report_detail(session, alice.actor, rid, now=now).document_id == doc.id
    link = labs.report_for_document(session, alice.actor, doc.id, now=now)
    assert link is not None and link.report_id == rid
    bob = make_owner(session, "Bob")
    with pytest.raises(NotFound):  # a document of another profile
        labs.add_report(session, bob.actor, bob.profile.id, glucose_report(now, document_id=doc.id), now=now)


def test_search_finds_tests_without_accents(session):
    assert labs.search_tests("glycemie")[0] == ("glucose_fasting", "Glycémie à jeun")
    assert labs.search_tests("creat", lang="en")[0] == ("creatinine", "Creatinine")
    assert labs.search_tests("x") == [] and labs.search_tests(None) == []


def test_a_report_shows_in_the_history_and_its_filter(session, alice, now):
    from mes_app.services import timeline

    rid = labs.add_report(session, alice.actor, alice.profile.id, glucose_report(now, title="Bilan annuel"), now=now)
    page = timeline.history_page(session, alice.actor, alice.profile.id, kind="lab_result", now=now)
    assert [(i.key, i.kind, i.title, i.details) for i in page.items] == [
        (f"labreport-{rid}", "lab_result", "Bilan annuel", "Laboratoire des Lilas")]
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    labs.set_hidden(session, alice.actor, rid, True, now=now)
    assert timeline.history_page(session, dr.actor, alice.profile.id, now=now).items == []


def test_the_documents_list_links_a_pdf_to_its_structured_report(session, alice, now):
    from mes_app.services import documents

    doc = Document(profile_id=alice.profile.id, author_user_id=alice.id, title="CR biologie",
                   document_date=(now - DAY).date(), storage_key="k-lab-2", sha256="1" * 64, size_bytes=10,
                   mime_type="application/pdf", category_code="11502-2")
    session.add(doc)
    session.commit()
    rid = labs.add_report(session, alice.actor, alice.profile.id, glucose_report(now, document_id=doc.id), now=now)
    page = documents.documents_page(session, alice.actor, alice.profile.id, now=now)
    assert [(d.id, d.lab_report_id) for d in page.items] == [(doc.id, rid)]
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    labs.set_hidden(session, alice.actor, rid, True, now=now)  # the report hidden, the PDF not
    page = documents.documents_page(session, dr.actor, alice.profile.id, now=now)
    assert [(d.id, d.lab_report_id) for d in page.items] == [(doc.id, 0)]
