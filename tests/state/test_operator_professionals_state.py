"""The state of /operator/professionals: every decision confirmed first, identity from the
session, every argument checked, and a non-operator finds no console."""

from __future__ import annotations

import pytest

from mes_app.db.models import OperatorAction, User
from mes_app.state.operator_professionals import OperatorProfessionalsState
from tests.factories import committed_count, committed_rows, make_operator, make_owner, make_professional
from tests.state.test_app_state import login, redirect_path, state_for, test_database  # noqa: F401
from tests.state.test_professionals_state import FORM, apply_page


def console(session, who):  # noqa: ANN001, ANN201
    state = state_for(login(session, who), who, path="/operator/professionals")
    return state.get_substate(OperatorProfessionalsState.get_full_name().split(".")[2:])


def test_a_gone_session_goes_to_login(session):
    olivia = make_operator(session)
    state = state_for(None, olivia, path="/operator/professionals")
    page = state.get_substate(OperatorProfessionalsState.get_full_name().split(".")[2:])
    assert redirect_path(page.load_console()) == "/login"


def test_the_operator_verifies_an_application_after_confirming(session):
    claire = make_owner(session, "Claire")
    apply_page(session, claire).submit_application(FORM)
    olivia = make_operator(session)
    page = console(session, olivia)
    page.load_console()
    assert page.allowed and [(r.email, r.rpps, r.profession) for r in page.pending] == [
        (claire.email, "10003456786", "Infirmier ou infirmière")]
    page.confirm_decision()  # not asked: nothing
    assert committed_count(session, OperatorAction) == 0
    page.ask_decision("verify", claire.id)
    assert page.confirm_open and page.confirm_title == "Valider Dr Claire Dubois ?"
    page.confirm_decision()
    assert page.info == "Dr Claire Dubois est vérifié." and not page.confirm_open
    assert page.pending == [] and [(r.email, r.status_label) for r in page.members] == [(claire.email, "Vérifié")]
    assert committed_rows(session, User, User.id == claire.id)[0].role == "professional"


def test_suspend_asks_first_and_a_closed_dialog_forgets_the_target(session):
    dr = make_professional(session)
    olivia = make_operator(session)
    page = console(session, olivia)
    page.load_console()
    page.ask_decision("suspend", dr.id)
    page.set_confirm_open(False)
    page.confirm_decision()
    assert committed_rows(session, User, User.id == dr.id)[0].professional_status == "verified"
    page.ask_decision("suspend", dr.id)
    page.confirm_decision()
    assert committed_rows(session, User, User.id == dr.id)[0].professional_status == "suspended"
    assert page.members[0].suspended


@pytest.mark.parametrize(("decision", "target"), [
    ("delete", "me"), ("verify", None), ("verify", "1 OR 1=1"), ("verify", True), ("verify", 999_999),
    ("verify", "patient"), (None, "me"), (["verify"], "me"),
])
def test_odd_decisions_and_targets_open_nothing(session, decision, target):
    alice = make_owner(session)
    olivia = make_operator(session)
    page = console(session, olivia)
    page.load_console()
    user_id = {"me": olivia.id, "patient": alice.id}.get(target, target) if isinstance(target, str) else target
    page.ask_decision(decision, user_id)
    assert not page.confirm_open
    page.confirm_decision()
    assert committed_count(session, OperatorAction) == 0


@pytest.mark.parametrize("who", ["patient", "professional"])
def test_a_non_operator_finds_no_console_and_decides_nothing(session, who):
    claire = make_owner(session, "Claire")
    apply_page(session, claire).submit_application(FORM)
    caller = make_owner(session, "Alice") if who == "patient" else make_professional(session)
    page = console(session, caller)
    assert page.load_console() is None
    assert not page.allowed and page.pending == [] and page.members == []
    page.ask_decision("verify", claire.id)
    assert not page.confirm_open
    page.confirm_open = True  # even a forged open dialog with a forged target decides nothing
    page._target_id, page._decision = claire.id, "verify"
    page.confirm_decision()
    assert not page.allowed
    assert committed_rows(session, User, User.id == claire.id)[0].professional_status == "applied"
    assert committed_count(session, OperatorAction) == 0
