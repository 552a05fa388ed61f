"""Professionals who join (issue 15 item 1): an account applies, an operator verifies, suspends
or reactivates it, and only a verified professional can be added to a care team or act in one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mes_app.db.models import OperatorAction, User
from mes_app.domain.access import UserActor
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import accounts, care_team, operator_log, professionals, records
from tests.factories import (
    committed_count,
    committed_rows,
    make_operator,
    make_owner,
    make_professional,
    make_stranger,
)

RPPS = "10003456786"
FORM = {"display_name": "Dr Claire Dubois", "profession": "medecin", "rpps": "100 0345 6786",
        "workplace": "Cabinet du Port, Lorient"}
HOUR = timedelta(hours=1)


def as_professional(user: User) -> UserActor:
    return UserActor(user.id, user.role)


def test_an_account_applies_an_operator_verifies_and_a_patient_adds_the_professional(session, now):
    claire = make_stranger(session, "Claire")
    olivia = make_operator(session)
    alice = make_owner(session)

    application = professionals.apply(session, claire.id, FORM, now)
    assert (application.status, application.rpps, application.profession) == ("applied", RPPS, "medecin")
    assert [p.email for p in professionals.pending(session, olivia.id)] == [claire.email]
    with pytest.raises(ValidationError, match="error.professional_not_found"):  # not yet
        care_team.add_professional(session, alice.actor, alice.profile.id, RPPS, now=now)

    verified = professionals.verify(session, olivia.id, claire.id, now)
    assert (verified.status, verified.decided_on) == ("verified", now.date().isoformat())
    assert professionals.pending(session, olivia.id) == []
    assert committed_rows(session, User, User.id == claire.id)[0].role == "professional"

    member = care_team.add_professional(session, alice.actor, alice.profile.id, RPPS, now=now)
    assert member.name == "Dr Claire Dubois"
    assert records.list_entries(session, as_professional(claire.user), alice.profile.id, "conditions", now=now) == []


def test_a_suspended_professional_is_refused_at_once_and_back_once_reactivated(session, now):
    claire = make_stranger(session, "Claire")
    olivia = make_operator(session)
    alice = make_owner(session)
    professionals.apply(session, claire.id, FORM, now)
    professionals.verify(session, olivia.id, claire.id, now)
    care_team.add_professional(session, alice.actor, alice.profile.id, RPPS, now=now)
    dr = as_professional(claire.user)
    secret = accounts.open_session(session, claire.user, now=now, lifetime=HOUR)

    professionals.suspend(session, olivia.id, claire.id, now + HOUR)

    with pytest.raises(NotFound):
        records.list_entries(session, dr, alice.profile.id, "conditions", now=now + HOUR)
    assert accounts.resolve_session(session, secret, now=now + HOUR) is None  # logged out everywhere
    suspended = professionals.listing(session, olivia.id, "suspended")
    assert [(p.email, p.status) for p in suspended] == [(claire.email, "suspended")]

    professionals.reactivate(session, olivia.id, claire.id, now + 2 * HOUR)
    assert records.list_entries(session, dr, alice.profile.id, "conditions", now=now + 2 * HOUR) == []


def test_every_decision_is_recorded_with_who_and_on_whom(session, now):
    claire = make_stranger(session, "Claire")
    bruno = make_stranger(session, "Bruno")
    olivia = make_operator(session)
    professionals.apply(session, claire.id, FORM, now)
    professionals.apply(session, bruno.id, {**FORM, "rpps": "10000000017"}, now)

    professionals.verify(session, olivia.id, claire.id, now)
    professionals.refuse(session, olivia.id, bruno.id, now + HOUR)
    professionals.suspend(session, olivia.id, claire.id, now + 2 * HOUR)
    professionals.reactivate(session, olivia.id, claire.id, now + 3 * HOUR)

    logged = [(e.operator_email, e.action, e.target_email) for e in operator_log.entries(session)]
    assert logged == [
        (olivia.email, "professional_reactivate", claire.email),
        (olivia.email, "professional_suspend", claire.email),
        (olivia.email, "professional_refuse", bruno.email),
        (olivia.email, "professional_verify", claire.email),
    ]
    assert committed_count(session, OperatorAction) == 4
    assert committed_rows(session, User, User.id == bruno.id)[0].role == "patient"  # refused: still a patient


@pytest.mark.parametrize("decision", ["verify", "refuse", "suspend", "reactivate", "pending", "listing"])
@pytest.mark.parametrize("who", ["patient", "professional", "nobody", "forged"])
def test_anyone_but_an_operator_gets_not_found(session, now, decision, who):
    claire = make_stranger(session, "Claire")
    professionals.apply(session, claire.id, FORM, now)
    caller = {"patient": lambda: make_owner(session).id, "professional": lambda: make_professional(session).id,
              "nobody": lambda: 999_999, "forged": lambda: str(make_operator(session).id)}[who]()
    with pytest.raises(NotFound):
        if decision == "pending":
            professionals.pending(session, caller)
        elif decision == "listing":
            professionals.listing(session, caller, "applied")
        else:
            getattr(professionals, decision)(session, caller, claire.id, now)
    assert committed_count(session, OperatorAction) == 0
    assert committed_rows(session, User, User.id == claire.id)[0].professional_status == "applied"


@pytest.mark.parametrize(("status", "decision"), [
    ("applied", "suspend"), ("applied", "reactivate"),
    ("verified", "verify"), ("verified", "refuse"), ("verified", "reactivate"),
    ("suspended", "verify"), ("suspended", "suspend"), ("suspended", "refuse"),
    ("refused", "verify"), ("refused", "suspend"), ("refused", "reactivate"),
])
def test_a_decision_that_does_not_follow_from_the_status_is_refused(session, now, status, decision):
    olivia = make_operator(session)
    dr = make_professional(session, status=status)
    with pytest.raises(ValidationError) as refused:
        getattr(professionals, decision)(session, olivia.id, dr.id, now)
    assert refused.value.code == "error.pro_wrong_status" and refused.value.params == {"status": status}
    assert committed_rows(session, User, User.id == dr.id)[0].professional_status == status
    assert committed_count(session, OperatorAction) == 0


def test_an_account_that_never_applied_or_an_operator_is_not_a_target(session, now):
    olivia = make_operator(session)
    alice = make_owner(session)
    other = make_operator(session, "Oscar Operator")
    for target in (alice.id, other.id, 999_999, "x", None, True):
        with pytest.raises((NotFound, ValidationError)):
            professionals.verify(session, olivia.id, target, now)
    assert committed_rows(session, User, User.id == alice.id)[0].role == "patient"


def test_an_operator_or_a_professional_cannot_apply_and_an_applicant_applies_once(session, now):
    olivia = make_operator(session)
    dr = make_professional(session)
    claire = make_stranger(session, "Claire")
    for who in (olivia.id, dr.id):
        with pytest.raises(ValidationError, match="error.pro_cannot_apply"):
            professionals.apply(session, who, {**FORM, "rpps": "10000000025"}, now)
    professionals.apply(session, claire.id, FORM, now)
    with pytest.raises(ValidationError, match="error.pro_cannot_apply"):
        professionals.apply(session, claire.id, FORM, now)


def test_a_refused_applicant_may_apply_again_with_a_corrected_number(session, now):
    olivia = make_operator(session)
    claire = make_stranger(session, "Claire")
    professionals.apply(session, claire.id, {**FORM, "rpps": "10000000017"}, now)
    professionals.refuse(session, olivia.id, claire.id, now)
    assert professionals.application_of(session, claire.id).status == "refused"
    assert professionals.apply(session, claire.id, FORM, now).status == "applied"


def test_an_rpps_number_another_account_holds_is_refused(session, now):
    dr = make_professional(session)
    claire = make_stranger(session, "Claire")
    with pytest.raises(ValidationError) as refused:
        professionals.apply(session, claire.id, {**FORM, "rpps": dr.user.professional_id}, now)
    assert refused.value.code == "error.rpps_taken"
    assert committed_rows(session, User, User.id == claire.id)[0].professional_status == ""


@pytest.mark.parametrize(("field", "value", "code"), [
    ("rpps", "10003456780", "error.invalid_rpps"),
    ("rpps", "", "error.invalid_rpps"),
    ("profession", "sorcier", "error.invalid_choice"),
    ("profession", None, "error.invalid_choice"),
    ("display_name", "  ", "error.required"),
    ("display_name", ["Dr"], "error.invalid_text"),
    ("workplace", "x" * 201, "error.text_too_long"),
    ("workplace", None, "error.required"),
])
def test_a_bad_application_is_refused_and_nothing_is_stored(session, now, field, value, code):
    claire = make_stranger(session, "Claire")
    with pytest.raises(ValidationError) as refused:
        professionals.apply(session, claire.id, {**FORM, field: value}, now)
    assert refused.value.code == code
    stored = committed_rows(session, User, User.id == claire.id)[0]
    assert (stored.professional_status, stored.professional_id) == ("", None)


def test_an_account_not_activated_or_unknown_cannot_apply(session, now):
    claire = make_stranger(session, "Claire")
    claire.user.activated_at = None
    session.add(claire.user)
    session.commit()
    for who in (claire.id, 999_999, str(claire.id), None):
        with pytest.raises(NotFound):
            professionals.apply(session, who, FORM, now)


def test_the_console_sees_account_fields_only(session, now):
    claire = make_stranger(session, "Claire")
    olivia = make_operator(session)
    professionals.apply(session, claire.id, FORM, now)
    [line] = professionals.pending(session, olivia.id)
    assert line == professionals.ProfessionalView(
        id=claire.id, name="Dr Claire Dubois", email=claire.email, profession="medecin", rpps=RPPS,
        workplace="Cabinet du Port, Lorient", status="applied", decided_on="")
    with pytest.raises(ValidationError, match="error.invalid_choice"):
        professionals.listing(session, olivia.id, "operator")
