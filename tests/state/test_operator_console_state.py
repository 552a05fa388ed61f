"""The console's home state (/operator): counts of what waits, the latest decisions of the
log; anyone else finds no page. And where each kind of account lands after signing in."""

from __future__ import annotations

from mes_app.services import operator_accounts, professionals
from mes_app.state.home import HomeState
from mes_app.state.operator_console import OperatorHomeState
from tests.factories import make_operator, make_owner, make_professional, make_stranger
from tests.state.test_app_state import login, real_now, redirect_path, state_for, test_database  # noqa: F401

FORM = {"display_name": "Dr Claire Dubois", "profession": "infirmier", "rpps": "10003456786",
        "workplace": "Maison de santé, Vannes"}


def _page(session, who, cls, path):  # noqa: ANN001, ANN202
    state = state_for(login(session, who), who, path=path)
    return state.get_substate(cls.get_full_name().split(".")[2:])


def test_the_home_counts_what_waits_and_lists_the_latest_decisions(session):
    claire, bob = make_owner(session, "Claire"), make_owner(session, "Bob")
    professionals.apply(session, claire.id, FORM, real_now())
    olivia = make_operator(session)
    operator_accounts.lock(session, olivia.id, bob.id, real_now())
    page = _page(session, olivia, OperatorHomeState, "/operator")
    assert page.load_home() is None and page.allowed
    assert page.applications_waiting == 1 and page.waiting_text == "1 demande à examiner"
    assert page.locked_text == "1 compte verrouillé"
    [line] = page.recent
    assert (line.action, line.operator, line.target) == ("Compte verrouillé", olivia.user.email, bob.user.email)
    assert "Claire" not in repr(page.recent)


def test_an_empty_console_says_so(session):
    page = _page(session, make_operator(session), OperatorHomeState, "/operator")
    page.load_home()
    assert page.allowed and page.recent == [] and page.waiting_text == "0 demande à examiner"


def test_non_operators_find_no_console(session):
    claire = make_owner(session, "Claire")
    professionals.apply(session, claire.id, FORM, real_now())
    for who in (make_stranger(session), make_professional(session), claire):
        page = _page(session, who, OperatorHomeState, "/operator")
        page.load_home()
        assert not page.allowed and page.loaded
        assert page.applications_waiting == 0 and page.waiting_text == "" and page.recent == []


def test_an_operator_opening_home_goes_to_the_console_and_a_patient_stays(session):
    page = _page(session, make_operator(session), HomeState, "/")
    assert redirect_path(page.load_home()) == "/operator"
    assert page.runs_the_service and page.profiles == []
    page = _page(session, make_owner(session, "Alice"), HomeState, "/")
    assert redirect_path(page.load_home()) is None and not page.runs_the_service
