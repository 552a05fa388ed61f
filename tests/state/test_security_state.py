"""The security page's state (issue 15, item 3): enrolment, the rule that a professional
without a second factor is sent there from everywhere, the sessions shown."""

from __future__ import annotations

import pyotp

from mes_app.services import second_factor
from mes_app.state.security import SecurityState
from mes_app.state.takeout import TakeoutState
from tests.factories import make_owner, make_professional
from tests.state.test_app_state import login, redirect_path, state_for, test_database  # noqa: F401


def _page(session, who, cls=SecurityState, path="/account/security"):  # noqa: ANN001, ANN202
    state = state_for(login(session, who), who, path=path)
    return state.get_substate(cls.get_full_name().split(".")[2:])


def test_a_patient_turns_it_on_with_a_first_code_and_sees_the_codes_once(session):
    alice = make_owner(session)
    page = _page(session, alice)
    assert page.load_security() is None
    assert not page.tf_on and not page.must_enrol and len(page.sessions) == 1 and page.sessions[0].current
    page.start_enrolment()
    assert page.enrolling and page.enrol_qr.startswith("data:image/svg+xml") and len(page.enrol_secret) == 32
    page.confirm_enrolment({"code": "000000"})
    assert page.error and not page.tf_on
    page.confirm_enrolment({"code": pyotp.TOTP(page.enrol_secret).now()})
    assert page.tf_on and page.error == "" and len(page.recovery_codes) == 10
    assert page.enrol_secret == "" and page.enrol_qr == ""
    assert page.recovery_left_label == "Codes de secours restants : 10"
    page.recovery_codes_noted()
    assert page.recovery_codes == []
    page.load_security()
    assert page.recovery_codes == [] and page.tf_on


def test_odd_arguments_are_refused(session):
    alice = make_owner(session)
    page = _page(session, alice)
    page.load_security()
    for junk in (None, [], {"code": ["1"]}, {"code": 123456}):
        page.confirm_enrolment(junk)  # nothing started, nothing odd gets through
        assert not page.tf_on
    assert not second_factor.status(session, alice.id).on


def test_a_professional_without_a_second_factor_is_sent_to_enrol_from_any_page(session):
    dr = make_professional(session, second_factor=False)
    other = _page(session, dr, TakeoutState, "/takeout")
    assert redirect_path(other.load_takeout()) == "/account/security"
    page = _page(session, dr)
    assert page.load_security() is None
    assert page.must_enrol and page.tf_required
    page.start_enrolment()
    page.confirm_enrolment({"code": pyotp.TOTP(page.enrol_secret).now()})
    assert page.tf_on and not page.must_enrol
    other = _page(session, dr, TakeoutState, "/takeout")
    assert redirect_path(other.load_takeout()) is None


def test_log_out_everywhere_asks_first(session):
    alice = make_owner(session)
    page = _page(session, alice)
    page.load_security()
    assert page.logout_all() is None  # not asked: nothing
    page.ask_logout_all()
    assert page.confirm_open
    spec = page.logout_all()
    assert spec is not None and not page.confirm_open


def test_a_gone_session_goes_to_login(session):
    alice = make_owner(session)
    state = state_for(None, alice, path="/account/security")
    page = state.get_substate(SecurityState.get_full_name().split(".")[2:])
    assert redirect_path(page.load_security()) == "/login"
