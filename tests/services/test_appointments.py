"""Appointments through the service: who may add, propose, answer, edit, cancel, read; bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from mes_app.db.models import AccessEvent, Appointment
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import appointments
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

# NOW is 2026-11-28 12:00 UTC (13:00 in Paris).
FORM = {
    "title": "Examen du 9e mois",
    "starts_at": "2026-12-08T09:30",
    "ends_at": "2026-12-08T10:00",
    "location": "Cabinet médical, Lyon",
    "practitioner": "Dr Bernard",
    "reason": "Examen obligatoire",
    "note": "Apporter le carnet de santé",
}


def family(session):
    alice = make_owner(session)
    lea = make_child(session, alice)
    return alice, lea


def test_a_guardian_adds_a_planned_appointment_stored_in_utc(session, now):
    alice, lea = family(session)
    view = appointments.add_appointment(session, alice.actor, lea.id, FORM, now=now)
    assert (view.status, view.date, view.time, view.end_time) == ("planned", "2026-12-08", "09:30", "10:00")
    assert view.editable and view.cancellable and not view.answerable
    [row] = committed_rows(session, Appointment)
    assert row.starts_at == datetime(2026, 12, 8, 8, 30, tzinfo=UTC)  # Paris is UTC+1 in December
    assert (row.author_role, row.profile_id, row.note) == ("guardian", lea.id, "Apporter le carnet de santé")


def test_a_family_appointment_is_not_shown_as_a_professional_s_proposal(session, now):
    alice, lea = family(session)
    appointments.add_appointment(session, alice.actor, lea.id, FORM, now=now)
    [seen] = appointments.list_upcoming(session, alice.actor, [lea.id], now=now)
    assert not seen.by_professional


def test_the_co_guardian_sees_edits_and_cancels_it(session, now):
    alice, lea = family(session)
    bob = make_co_guardian(session, lea)
    added = appointments.add_appointment(session, alice.actor, lea.id, FORM, now=now)
    [seen] = appointments.list_upcoming(session, bob.actor, [lea.id], now=now)
    assert seen.title == "Examen du 9e mois" and seen.profile_name == "Léa"
    moved = appointments.update_appointment(
        session, bob.actor, added.id, {**FORM, "starts_at": "2026-12-09T11:00", "ends_at": ""}, now=now
    )
    assert (moved.date, moved.time, moved.end_time) == ("2026-12-09", "11:00", "")
    cancelled = appointments.cancel_appointment(session, bob.actor, added.id, now=now)
    assert cancelled.status == "cancelled" and not cancelled.editable and not cancelled.cancellable
    with pytest.raises(ValidationError) as error:
        appointments.update_appointment(session, alice.actor, added.id, FORM, now=now)
    assert error.value.code == "appointments.error.closed"


def test_a_professional_proposes_and_the_parent_accepts_or_declines(session, now):
    alice, lea = family(session)
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    proposal = appointments.add_appointment(session, dr.actor, lea.id, FORM, now=now)
    assert proposal.status == "proposed" and proposal.editable and not proposal.answerable
    [seen] = appointments.list_upcoming(session, alice.actor, [lea.id], now=now)
    assert seen.status == "proposed" and seen.answerable and not seen.editable  # the doctor's entry
    assert seen.by_professional and seen.author_name == dr.name  # the page says who proposed it
    with pytest.raises(Forbidden):
        appointments.update_appointment(session, alice.actor, proposal.id, FORM, now=now)
    with pytest.raises(Forbidden):  # answering is the family's decision
        appointments.answer_proposal(session, dr.actor, proposal.id, True, now=now)
    accepted = appointments.answer_proposal(session, alice.actor, proposal.id, True, now=now)
    assert accepted.status == "planned" and accepted.cancellable
    with pytest.raises(ValidationError):
        appointments.answer_proposal(session, alice.actor, proposal.id, False, now=now)
    # The parent may still cancel the accepted appointment (MANAGE), not edit it.
    assert appointments.cancel_appointment(session, alice.actor, proposal.id, now=now).status == "cancelled"

    second = appointments.add_appointment(session, dr.actor, lea.id, FORM, now=now)
    assert appointments.answer_proposal(session, alice.actor, second.id, False, now=now).status == "declined"
    assert [r.status for r in committed_rows(session, Appointment)] == ["cancelled", "declined"]


def test_the_professional_may_withdraw_only_their_own_proposal(session, now):
    alice, lea = family(session)
    dr, other = make_professional(session), make_professional(session, "Dr Petit")
    give_care(session, dr, lea, now)
    give_care(session, other, lea, now)
    mine = appointments.add_appointment(session, dr.actor, lea.id, FORM, now=now)
    family_one = appointments.add_appointment(session, alice.actor, lea.id, FORM, now=now)
    with pytest.raises(Forbidden):
        appointments.cancel_appointment(session, other.actor, mine.id, now=now)
    with pytest.raises(Forbidden):
        appointments.cancel_appointment(session, dr.actor, family_one.id, now=now)
    assert appointments.cancel_appointment(session, dr.actor, mine.id, now=now).status == "cancelled"
    # Reading through the care team is recorded in the patient's access history.
    appointments.list_upcoming(session, dr.actor, [lea.id], now=now)
    assert (
        committed_count(
            session,
            AccessEvent,
            AccessEvent.actor_user_id == dr.id,
            AccessEvent.action == "read",
            AccessEvent.via == "care_team",
        )
        >= 1
    )


def test_a_caregiver_reads_but_cannot_add_change_or_answer(session, now):
    alice, lea = family(session)
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    nanny = make_caregiver(session, lea, ("appointments",), now)
    planned = appointments.add_appointment(session, alice.actor, lea.id, FORM, now=now)
    proposal = appointments.add_appointment(session, dr.actor, lea.id, FORM, now=now)
    seen = appointments.list_upcoming(session, nanny.actor, [lea.id], now=now)
    assert {a.id for a in seen} == {planned.id, proposal.id}
    assert not any(a.editable or a.cancellable or a.answerable for a in seen)
    with pytest.raises(Forbidden):
        appointments.add_appointment(session, nanny.actor, lea.id, FORM, now=now)
    with pytest.raises(Forbidden):
        appointments.cancel_appointment(session, nanny.actor, planned.id, now=now)
    with pytest.raises(Forbidden):
        appointments.answer_proposal(session, nanny.actor, proposal.id, True, now=now)
    assert committed_count(session, Appointment) == 2
    # A caregiver whose scope does not include appointments learns nothing.
    other = make_caregiver(session, lea, ("vaccinations",), now, name="Tata")
    with pytest.raises(NotFound):
        appointments.list_upcoming(session, other.actor, [lea.id], now=now)


def test_a_stranger_gets_not_found_for_everything(session, now):
    alice, lea = family(session)
    mallory = make_stranger(session)
    planned = appointments.add_appointment(session, alice.actor, lea.id, FORM, now=now)
    for call in (
        lambda: appointments.list_upcoming(session, mallory.actor, [lea.id], now=now),
        lambda: appointments.list_upcoming(session, mallory.actor, [mallory.profile.id, lea.id], now=now),
        lambda: appointments.get_appointment(session, mallory.actor, planned.id, now=now),
        lambda: appointments.add_appointment(session, mallory.actor, lea.id, FORM, now=now),
        lambda: appointments.update_appointment(session, mallory.actor, planned.id, FORM, now=now),
        lambda: appointments.cancel_appointment(session, mallory.actor, planned.id, now=now),
        lambda: appointments.answer_proposal(session, mallory.actor, planned.id, True, now=now),
        lambda: appointments.export_one_ics(session, mallory.actor, planned.id, now=now),
        lambda: appointments.export_all_ics(session, mallory.actor, [lea.id], now=now),
        lambda: appointments.get_appointment(session, mallory.actor, 999_999, now=now),
    ):
        with pytest.raises(NotFound):
            call()
    [row] = committed_rows(session, Appointment)
    assert (row.status, row.title) == ("planned", "Examen du 9e mois")


def test_an_appointment_hidden_from_professionals_is_not_found_for_them(session, now):
    alice, lea = family(session)
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    planned = appointments.add_appointment(session, alice.actor, lea.id, FORM, now=now)
    row = session.get(Appointment, planned.id)
    row.hidden_from_professionals = True
    session.add(row)
    session.commit()
    assert appointments.list_upcoming(session, dr.actor, [lea.id], now=now) == []
    with pytest.raises(NotFound):
        appointments.export_one_ics(session, dr.actor, planned.id, now=now)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"ends_at": "2026-12-08T09:00"}, "error.end_before_start"),
        ({"note": "x" * 100_000}, "error.text_too_long"),
        ({"title": ""}, "error.required"),
        ({"title": ["Examen"]}, "error.invalid_text"),
        ({"title": 42}, "error.invalid_text"),
        ({"starts_at": None}, "error.required"),
        ({"starts_at": 20261208}, "error.invalid_datetime"),
        ({"starts_at": "08/12/2026 09:30"}, "error.invalid_datetime"),
        ({"starts_at": "2026-02-30T09:30"}, "error.invalid_datetime"),
        ({"ends_at": {"$gt": ""}}, "error.invalid_datetime"),
        ({"ends_at": "2026-12-20T09:00"}, "error.out_of_range"),
        ({"starts_at": "2099-01-01T09:00", "ends_at": ""}, "error.out_of_range"),
        ({"starts_at": "2020-01-01T09:00", "ends_at": ""}, "error.before_birth"),
        ({"location": "L" * 201}, "error.text_too_long"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(session, now, changes, code):
    alice, lea = family(session)  # Léa was born on 2024-03-15
    with pytest.raises(ValidationError) as error:
        appointments.add_appointment(session, alice.actor, lea.id, {**FORM, **changes}, now=now)
    assert error.value.code == code
    assert committed_count(session, Appointment) == 0


@pytest.mark.parametrize("form", [None, "title=x", ["a"], {f"f{i}": "" for i in range(50)}])
def test_a_form_of_the_wrong_shape_is_refused(session, now, form):
    alice, lea = family(session)
    with pytest.raises(ValidationError):
        appointments.add_appointment(session, alice.actor, lea.id, form, now=now)


@pytest.mark.parametrize("bad_id", [None, "", "1; DROP TABLE", -1, 0, True, 1.5, ["1"], {"id": 1}])
def test_ids_of_the_wrong_type_are_refused(session, now, bad_id):
    alice, lea = family(session)
    for call in (
        lambda: appointments.add_appointment(session, alice.actor, bad_id, FORM, now=now),
        lambda: appointments.cancel_appointment(session, alice.actor, bad_id, now=now),
        lambda: appointments.list_upcoming(session, alice.actor, [bad_id], now=now),
    ):
        with pytest.raises(ValidationError):
            call()


def test_answer_needs_a_real_boolean(session, now):
    alice, lea = family(session)
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    proposal = appointments.add_appointment(session, dr.actor, lea.id, FORM, now=now)
    for value in ("true", 1, None, "yes"):
        with pytest.raises(ValidationError):
            appointments.answer_proposal(session, alice.actor, proposal.id, value, now=now)
    assert committed_rows(session, Appointment)[0].status == "proposed"


def test_upcoming_lists_soonest_first_across_profiles_and_leaves_the_past_out(session, now):
    alice, lea = family(session)
    appointments.add_appointment(
        session,
        alice.actor,
        lea.id,
        {**FORM, "title": "Plus tard", "starts_at": "2027-01-10T10:00", "ends_at": ""},
        now=now,
    )
    appointments.add_appointment(
        session,
        alice.actor,
        alice.profile.id,
        {**FORM, "title": "Dentiste", "starts_at": "2026-11-30T08:00", "ends_at": ""},
        now=now,
    )
    appointments.add_appointment(
        session,
        alice.actor,
        lea.id,
        {**FORM, "title": "Passé", "starts_at": "2026-10-01T10:00", "ends_at": ""},
        now=now,
    )
    views = appointments.list_upcoming(session, alice.actor, [alice.profile.id, lea.id], now=now)
    assert [(v.title, v.profile_name) for v in views] == [("Dentiste", "Alice"), ("Plus tard", "Léa")]
    assert appointments.household_profile_ids(session, alice.actor, now=now) == [alice.profile.id, lea.id]


def test_ics_export_round_trips_through_icalendar(session, now):
    alice, lea = family(session)
    view = appointments.add_appointment(session, alice.actor, lea.id, FORM, now=now)
    calendar = Calendar.from_ical(appointments.export_one_ics(session, alice.actor, view.id, now=now))
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Léa · Examen du 9e mois"
    assert event.decoded("dtstart") == datetime(2026, 12, 8, 8, 30, tzinfo=UTC)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=30)
    assert str(event["location"]) == "Cabinet médical, Lyon"
    assert "Apporter le carnet de santé" in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"
