"""The state of /professional/apply: identity from the session, every field checked, and an
account that may not apply is not offered the form."""

from __future__ import annotations

import pytest

from mes_app.db.models import User
from mes_app.state.professionals import ProfessionalApplyState
from tests.factories import committed_rows, make_operator, make_owner
from tests.state.test_app_state import login, redirect_path, state_for, test_database  # noqa: F401

FORM = {"display_name": "Dr Claire Dubois", "profession": "infirmier", "rpps": "10003456786",
        "workplace": "Maison de santé, Vannes"}


def _page(session, who, cls, path):  # noqa: ANN001, ANN202
    state = state_for(login(session, who), who, path=path)
    return state.get_substate(cls.get_full_name().split(".")[2:])


def apply_page(session, who):  # noqa: ANN001, ANN201
    return _page(session, who, ProfessionalApplyState, "/professional/apply")


def test_an_account_applies_and_sees_its_application_under_review(session):
    claire = make_owner(session, "Claire")
    page = apply_page(session, claire)
    assert page.load_apply() is None
    assert page.may_apply and page.status == ""
    page.submit_application({**FORM, "role": "operator", "professional_status": "verified"})  # extras ignored
    assert page.error == "" and page.status == "applied" and not page.may_apply
    assert page.status_text == "Votre demande est en cours d'examen par un opérateur de MES."
    assert page.profession_label == "Infirmier ou infirmière"
    stored = committed_rows(session, User, User.id == claire.id)[0]
    assert (stored.role, stored.professional_status) == ("patient", "applied")


@pytest.mark.parametrize("junk", [None, [], "x", {"rpps": ["10003456786"]}, {**FORM, "rpps": "10003456780"},
                                  {**FORM, "profession": "operator"}])
def test_odd_arguments_are_refused_with_a_message(session, junk):
    claire = make_owner(session, "Claire")
    page = apply_page(session, claire)
    page.load_apply()
    page.submit_application(junk)
    assert page.error and page.status == ""
    assert committed_rows(session, User, User.id == claire.id)[0].professional_status == ""


def test_an_operator_is_not_offered_the_form(session):
    olivia = make_operator(session)
    page = apply_page(session, olivia)
    page.load_apply()
    assert not page.may_apply
    page.submit_application(FORM)
    assert page.error == "Ce compte ne peut pas faire de demande : elle est déjà faite, ou c'est un compte " \
                         "professionnel ou d'opérateur."


def test_a_gone_session_goes_to_login(session):
    claire = make_owner(session, "Claire")
    state = state_for(None, claire, path="/professional/apply")
    page = state.get_substate(ProfessionalApplyState.get_full_name().split(".")[2:])
    assert redirect_path(page.load_apply()) == "/login"
