"""A newcomer's prevention calendar: asked first, then told what to check with a doctor, never
"33 years late"; the answer is kept per profile, changeable, and only its managers may give it."""

from __future__ import annotations

from datetime import date

import pytest

from mes_app.db import models
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.domain.terminology import ATC
from mes_app.services import prevention, reminders
from tests.factories import (
    committed_rows,
    give_care,
    make_caregiver,
    make_child,
    make_co_guardian,
    make_owner,
    make_professional,
    make_stranger,
)

# NOW: 2026-11-28. Nadia, born 1993, has just created her account: nothing is recorded.
NADIA_BIRTH = date(1993, 4, 2)


@pytest.fixture()
def nadia(session):
    return make_owner(session, "Nadia", birth_date=NADIA_BIRTH)


def statuses(view):
    return {i.key: i.status for i in view.items}


def test_a_newcomer_is_asked_first_and_nothing_is_shown_late(session, now, nadia):
    view = prevention.profile_calendar(session, nadia.actor, nadia.profile.id, now=now)
    assert view.history_question and view.can_answer and view.history_answer == ""
    assert not {"overdue", "missed", "to_check"} & set(statuses(view).values())
    assert all(i.status != "overdue" for i in view.next_vaccines)
    assert reminders.reminders(session, nadia.actor, now=now) == []


@pytest.mark.parametrize("answer", ["unknown", "later", "now"])
def test_after_answering_the_late_items_are_to_check_with_a_doctor(session, now, nadia, answer):
    assert prevention.set_history_answer(session, nadia.actor, nadia.profile.id, answer, now=now) == answer
    view = prevention.profile_calendar(session, nadia.actor, nadia.profile.id, now=now)
    assert not view.history_question and view.history_answer == answer
    found = statuses(view)
    assert found["mmr-1"] == found["dtp_adult-1"] == "to_check"
    assert "overdue" not in found.values()
    assert {i.key for i in view.next_vaccines} >= {"mmr-1", "dtp_adult-1"}
    # Suggestions are not delays: no "vaccine overdue" reminder.
    assert not [r for r in reminders.reminders(session, nadia.actor, now=now) if r.kind == "vaccine_overdue"]


def test_the_answer_is_kept_per_profile_and_can_be_changed(session, now, nadia):
    prevention.set_history_answer(session, nadia.actor, nadia.profile.id, "later", now=now)
    prevention.set_history_answer(session, nadia.actor, nadia.profile.id, "unknown", now=now)
    rows = committed_rows(session, models.VaccinationHistoryAnswer,
                          models.VaccinationHistoryAnswer.profile_id == nadia.profile.id)
    assert [(r.answer, r.answered_by_user_id) for r in rows] == [("unknown", nadia.id)]
    other = make_owner(session, "Omar", birth_date=date(1980, 1, 1))
    assert prevention.profile_calendar(session, other.actor, other.profile.id, now=now).history_question


def test_once_a_vaccination_is_recorded_late_is_late_unless_she_does_not_know(session, now, nadia):
    session.add(models.Vaccination(profile_id=nadia.profile.id, code_system=ATC, code="J07AJ52", code_text="dTcaP",
                                   given_on=date(2018, 5, 1), author_user_id=nadia.id, author_role="patient"))
    session.commit()
    view = prevention.profile_calendar(session, nadia.actor, nadia.profile.id, now=now)
    assert not view.history_question and statuses(view)["mmr-1"] == "overdue"
    prevention.set_history_answer(session, nadia.actor, nadia.profile.id, "unknown", now=now)
    assert statuses(prevention.profile_calendar(session, nadia.actor, nadia.profile.id, now=now))["mmr-1"] == "to_check"


def test_only_the_profile_managers_may_answer(session, now, nadia):
    stranger = make_stranger(session)
    with pytest.raises(NotFound):
        prevention.set_history_answer(session, stranger.actor, nadia.profile.id, "unknown", now=now)
    dr = make_professional(session)
    give_care(session, dr, nadia, now)
    with pytest.raises((NotFound, Forbidden)):
        prevention.set_history_answer(session, dr.actor, nadia.profile.id, "unknown", now=now)
    # The doctor is not asked; the calendar is softened for them too.
    theirs = prevention.profile_calendar(session, dr.actor, nadia.profile.id, now=now)
    assert not theirs.history_question and not theirs.can_answer
    assert statuses(theirs)["mmr-1"] == "to_check"
    assert committed_rows(session, models.VaccinationHistoryAnswer) == []


@pytest.mark.parametrize("bad", ["", "UNKNOWN", "oui", None, 1, ["unknown"], {"answer": "later"}])
def test_an_answer_outside_the_list_is_refused(session, now, nadia, bad):
    with pytest.raises(ValidationError):
        prevention.set_history_answer(session, nadia.actor, nadia.profile.id, bad, now=now)


def test_a_guardian_answers_for_an_adult_relative_but_a_child_is_never_asked(session, now, nadia):
    baby = make_child(session, nadia, birth_date=date(2026, 6, 1))
    view = prevention.profile_calendar(session, nadia.actor, baby.id, now=now)
    assert not view.history_question
    with pytest.raises(NotFound):
        prevention.set_history_answer(session, make_stranger(session, "Eve").actor, baby.id, "later", now=now)
    co = make_co_guardian(session, baby, "Bob")
    assert prevention.set_history_answer(session, co.actor, baby.id, "later", now=now) == "later"
    nanny = make_caregiver(session, baby, ("vaccinations",), now)
    with pytest.raises((NotFound, Forbidden)):
        prevention.set_history_answer(session, nanny.actor, baby.id, "unknown", now=now)
