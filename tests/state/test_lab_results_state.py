"""The lab results pages' states: the hand-entry dialog, one report, one test's trend."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from mes_app.db.models import LabReport
from mes_app.services import lab_results as labs
from mes_app.services.lab_results import LabReportInput, LabValueInput
from mes_app.state.lab_entry import LabEntryState
from mes_app.state.lab_report import LabReportState, LabTrendState
from mes_app.state.lab_results import LabResultsState
from tests.factories import make_caregiver, make_child, make_owner, make_stranger
from tests.state.test_app_state import login, real_now, redirect_path, state_for, test_database  # noqa: F401


def _sub(state, cls):  # noqa: ANN001, ANN202
    return state.get_substate(cls.get_full_name().split(".")[2:])


def _run(result):  # noqa: ANN001, ANN202
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


def _report(session, who, profile, value=7.2):  # noqa: ANN001, ANN202
    now = real_now()
    return labs.add_report(session, who.actor, profile.id, LabReportInput(
        collected_at=now - timedelta(days=3), lab_name="Labo", values=(
            LabValueInput("14771-0", "mmol/L", value, low=3.9, high=5.8),)), now=now)


def test_a_guardian_types_a_report_for_the_child(session):  # noqa: ANN001
    parent = make_owner(session, "Claire Martin")
    child = make_child(session, parent)
    state = state_for(login(session, parent), parent, path="/lab-results")
    state._active_profile_id = child.profile.id
    page, dialog = _sub(state, LabResultsState), _sub(state, LabEntryState)
    assert _run(page.load_lab_results()) is None and page.reports == []
    dialog.open_new()
    assert dialog.form_open and dialog.draft == []
    dialog.add_value({"value": "7,2"})  # no test picked yet
    assert dialog.value_error != "" and dialog.draft == []
    dialog.search_tests("glycemie")
    assert dialog.suggestions[0] == {"key": "glucose_fasting", "label": "Glycémie à jeun"}
    dialog.pick_test("glucose_fasting")
    assert [u["code"] for u in dialog.unit_options] == ["mmol/L", "g/L", "mg/dL"]
    dialog.add_value({"value": "1,32", "unit": "g/L", "low": "0,70", "high": "1,05"})
    assert dialog.value_error == "" and dialog.draft[0]["flag"] == "H" and dialog.draft[0]["out"] == "1"
    dialog.search_tests("potassium")
    dialog.pick_test("potassium")
    dialog.add_value({"value": "4", "unit": "kg"})  # not a unit of potassium
    assert dialog.value_error != "" and len(dialog.draft) == 1
    dialog.add_value({"value": "4,2", "unit": "mmol/L", "low": "3,5", "high": "5"})
    dialog.remove_value(5)  # out of range: ignored
    assert len(dialog.draft) == 2
    events = dialog.submit_report({"collected_at": "2026-01-10T08:30", "lab_name": "Labo des Lilas"})
    assert not dialog.form_open, dialog.form_error
    row = session.exec(__import__("sqlmodel").select(LabReport)).one()
    assert (row.profile_id, row.author_role, row.lab_name) == (child.profile.id, "guardian", "Labo des Lilas")
    assert any(redirect_path(e) == f"/lab-results/report?id={row.id}" for e in events)
    assert _run(page.load_lab_results()) is None and [r.out_of_range for r in page.reports] == [1]


def test_the_report_page_says_high_in_words_and_the_trend_converts(session):  # noqa: ANN001
    owner = make_owner(session, "Claire Martin")
    rid = _report(session, owner, owner.profile)
    state = state_for(login(session, owner), owner, path=f"/lab-results/report?id={rid}")
    report = _sub(state, LabReportState)
    report._report_id = rid  # what load_report reads from the URL
    assert report._run_as_user(report._fill).ok
    assert [(v.interpretation, v.out_of_range) for v in report.values] == [("H", True)]
    assert report.can_delete and report.can_hide
    trend = _sub(state, LabTrendState)
    trend._test_key = "glucose_fasting"
    assert trend._run_as_user(trend._fill).ok and trend.has_points and trend.unit == "mmol/L"
    assert [u["code"] for u in trend.units] == ["mmol/L", "g/L"]
    trend.set_unit("g/L")
    assert trend.unit == "g/L" and abs(trend.figure["data"][0]["y"][0] - 7.2 / 5.551) < 1e-6
    trend.set_unit("kg")
    assert trend.unit == "g/L"


def test_a_caregiver_without_the_section_sees_no_report(session):  # noqa: ANN001
    owner = make_owner(session, "Claire Martin")
    _report(session, owner, owner.profile)
    nanny = make_caregiver(session, owner, ("vaccinations",), now=real_now())
    state = state_for(login(session, nanny), nanny, path="/lab-results")
    state._active_profile_id = owner.profile.id
    page = _sub(state, LabResultsState)
    _run(page.load_lab_results())
    assert page.reports == []


def test_an_event_bound_to_someone_else_shows_nothing(session):  # noqa: ANN001
    owner, stranger = make_owner(session, "Claire Martin"), make_stranger(session)
    rid = _report(session, owner, owner.profile)
    state = state_for(login(session, stranger), owner, path=f"/lab-results/report?id={rid}")
    report = _sub(state, LabReportState)
    report._report_id = rid
    done = report._run_as_user(report._fill)
    assert not done.ok and done.event is not None
    assert report.values == [] and not report.found


def test_load_report_reads_the_id_from_the_url(session):  # noqa: ANN001
    owner = make_owner(session, "Claire Martin")
    rid = _report(session, owner, owner.profile)
    state = state_for(login(session, owner), owner, path=f"/lab-results/report?id={rid}")
    report = _sub(state, LabReportState)
    assert report.load_report() is None
    assert report.found and report.values[0].interpretation == "H"
    state = state_for(login(session, owner), owner, path="/lab-results/report?id=abc")
    report = _sub(state, LabReportState)
    report.load_report()
    assert not report.found and report.error != ""
