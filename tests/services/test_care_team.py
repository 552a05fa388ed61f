"""The care team through the service: who may manage it, what bad input gives, and that
blocking or removing a professional shuts them out on their very next action."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mes_app.db.models import AccessEvent, CareRelationship
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import care_team, records
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

CONDITION = {"code_text": "Asthme", "status": "active", "onset_date": "2020-04-01"}


def test_owner_adds_a_professional_by_email_and_by_rpps(session, now):
    alice = make_owner(session)
    dr = make_professional(session, "Dr Martin")
    kine = make_professional(session, "Paul Kiné", specialty="Kinésithérapie")

    added = care_team.add_professional(session, alice.actor, alice.profile.id, f"  {dr.email.upper()} ", now=now)
    care_team.add_professional(session, alice.actor, alice.profile.id, kine.user.professional_id, now=now)

    assert added.name == "Dr Martin" and added.status == "active"
    team = care_team.list_care_team(session, alice.actor, alice.profile.id, now=now)
    assert {m.name for m in team} == {"Dr Martin", "Paul Kiné"}
    assert committed_count(session, CareRelationship, CareRelationship.status == "active") == 2
    # and the professional can now read the record (the policy sees the new relationship)
    assert records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now) == []


def test_guardian_and_co_guardian_manage_a_childs_care_team(session, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    bob = make_co_guardian(session, lea)
    dr = make_professional(session)

    view = care_team.add_professional(session, bob.actor, lea.id, dr.email, now=now)
    assert [m.name for m in care_team.list_care_team(session, alice.actor, lea.id, now=now)] == [dr.name]
    care_team.remove_professional(session, alice.actor, lea.id, view.id, now=now)
    assert care_team.list_care_team(session, bob.actor, lea.id, now=now) == []


@pytest.mark.parametrize("who", ["stranger", "caregiver"])
def test_strangers_and_caregivers_get_not_found(session, now, who):
    alice = make_owner(session)
    dr = make_professional(session)
    care = give_care(session, dr, alice, now)
    other = make_stranger(session) if who == "stranger" else make_caregiver(session, alice, ("conditions",), now)

    with pytest.raises(NotFound):
        care_team.list_care_team(session, other.actor, alice.profile.id, now=now)
    with pytest.raises(NotFound):
        care_team.add_professional(session, other.actor, alice.profile.id, dr.email, now=now)
    with pytest.raises(NotFound):
        care_team.remove_professional(session, other.actor, alice.profile.id, care.id, now=now)
    assert committed_rows(session, CareRelationship)[0].status == "active"


def test_a_professional_cannot_manage_the_care_team_they_belong_to(session, now):
    alice = make_owner(session)
    dr = make_professional(session)
    intruder = make_professional(session, "Dr Intrus")
    care = give_care(session, dr, alice, now)

    with pytest.raises(Forbidden):
        care_team.add_professional(session, dr.actor, alice.profile.id, intruder.email, now=now)
    with pytest.raises(Forbidden):
        care_team.unblock_professional(session, dr.actor, alice.profile.id, care.id, now=now)
    assert committed_count(session, CareRelationship) == 1


@pytest.mark.parametrize(
    "identifier, code",
    [
        ("nobody@example.org", "error.professional_not_found"),
        ("99999999999", "error.professional_not_found"),
        ("not an id!", "error.invalid_professional_id"),
        ("bad@", "error.invalid_email"),
        ("", "error.required"),
        (None, "error.required"),
        (["a@b.fr"], "error.required"),
        (12345678901, "error.required"),
    ],
)
def test_bad_identifiers_are_refused_clearly(session, now, identifier, code):
    alice = make_owner(session)
    with pytest.raises(ValidationError) as error:
        care_team.add_professional(session, alice.actor, alice.profile.id, identifier, now=now)
    assert error.value.code == code
    assert committed_count(session, CareRelationship) == 0


def test_a_patient_account_cannot_be_added_as_a_professional(session, now):
    alice = make_owner(session)
    neighbour = make_stranger(session, "Voisin")
    with pytest.raises(ValidationError) as error:
        care_team.add_professional(session, alice.actor, alice.profile.id, neighbour.email, now=now)
    # the same answer as for an e-mail nobody has: adding someone does not tell whether they have an account
    assert error.value.code == "error.professional_not_found"
    assert committed_count(session, CareRelationship) == 0


def test_an_unknown_e_mail_and_a_patient_account_get_the_very_same_answer(session, now):
    """Account enumeration: the patient cannot tell "no account" from "a patient's account"."""
    alice = make_owner(session)
    neighbour = make_stranger(session, "Voisin")
    neighbour.user.professional_id = "12345678901"  # even a stray identifier on a patient account
    session.add(neighbour.user)
    session.commit()
    answers = []
    for identifier in (neighbour.email, "nobody@example.org", "12345678901", "99999999999"):
        with pytest.raises(ValidationError) as error:
            care_team.add_professional(session, alice.actor, alice.profile.id, identifier, now=now)
        answers.append((error.value.code, tuple(sorted(error.value.params.items())), str(error.value)))
    assert len(set(answers)) == 1 and answers[0][0] == "error.professional_not_found"
    assert committed_count(session, CareRelationship) == 0
    assert care_team.list_care_team(session, alice.actor, alice.profile.id, now=now) == []


@pytest.mark.parametrize("status", ["applied", "refused", "suspended"])
def test_a_professional_not_verified_is_not_found_by_email_nor_by_rpps(session, now, status):
    """Issue 15 item 1: only a professional an operator verified can be added to a care team."""
    alice = make_owner(session)
    waiting = make_professional(session, "Dr Attente", status=status)
    nobody = []
    for identifier in (waiting.email, waiting.user.professional_id, "nobody@example.org"):
        with pytest.raises(ValidationError) as error:
            care_team.add_professional(session, alice.actor, alice.profile.id, identifier, now=now)
        nobody.append((error.value.code, tuple(sorted(error.value.params.items()))))
    assert set(nobody) == {("error.professional_not_found", ())}
    assert committed_count(session, CareRelationship) == 0


def test_a_suspended_professional_is_shut_out_of_the_record_at_once(session, now):
    alice = make_owner(session)
    dr = make_professional(session)
    care_team.add_professional(session, alice.actor, alice.profile.id, dr.email, now=now)
    assert records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now) == []
    dr.user.professional_status = "suspended"
    session.add(dr.user)
    session.commit()
    with pytest.raises(NotFound):
        records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now)
    assert care_team.my_patients(session, dr.actor, now=now) == []
    # the patient still sees them in the care team (truthfully), and can remove them
    assert [m.name for m in care_team.list_care_team(session, alice.actor, alice.profile.id, now=now)] == [dr.name]


def test_adding_twice_is_refused_but_a_removed_professional_can_come_back(session, now):
    alice = make_owner(session)
    dr = make_professional(session)
    view = care_team.add_professional(session, alice.actor, alice.profile.id, dr.email, now=now)
    with pytest.raises(ValidationError) as error:
        care_team.add_professional(session, alice.actor, alice.profile.id, dr.email, now=now)
    assert error.value.code == "error.already_in_care_team"

    care_team.remove_professional(session, alice.actor, alice.profile.id, view.id, now=now)
    again = care_team.add_professional(session, alice.actor, alice.profile.id, dr.email, now=now + timedelta(days=1))
    assert again.id == view.id and again.status == "active"
    assert committed_count(session, CareRelationship) == 1


@pytest.mark.parametrize("bad_id", [None, "abc", -1, 0, True, [1], {"id": 1}])
def test_bad_relationship_ids_are_refused(session, now, bad_id):
    alice = make_owner(session)
    with pytest.raises(ValidationError):
        care_team.remove_professional(session, alice.actor, alice.profile.id, bad_id, now=now)


def test_a_relationship_of_another_profile_is_not_found(session, now):
    alice = make_owner(session)
    mallory = make_stranger(session)
    dr = make_professional(session)
    alices_care = give_care(session, dr, alice, now)
    with pytest.raises(NotFound):
        care_team.remove_professional(session, mallory.actor, mallory.profile.id, alices_care.id, now=now)
    with pytest.raises(ValidationError):
        care_team.set_status(session, alice.actor, alice.profile.id, alices_care.id, "owner", now=now)
    assert committed_rows(session, CareRelationship)[0].status == "active"


@pytest.mark.parametrize("how", ["block", "remove"])
def test_blocking_or_removing_takes_effect_on_the_very_next_action(session, now, how):
    alice = make_owner(session)
    dr = make_professional(session)
    care = give_care(session, dr, alice, now)
    records.add_entry(session, alice.actor, alice.profile.id, "conditions", CONDITION, now=now)
    assert len(records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now)) == 1

    change = care_team.block_professional if how == "block" else care_team.remove_professional
    change(session, alice.actor, alice.profile.id, care.id, now=now)

    # the same second: nothing to read, nothing to write, and the refusal is recorded
    with pytest.raises(NotFound):
        records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now)
    with pytest.raises(NotFound):
        records.add_entry(session, dr.actor, alice.profile.id, "conditions", CONDITION, now=now)
    assert care_team.my_patients(session, dr.actor, now=now) == []
    assert (
        committed_count(session, AccessEvent, AccessEvent.actor_user_id == dr.id, AccessEvent.action == "denied") == 2
    )
    team = care_team.list_care_team(session, alice.actor, alice.profile.id, now=now)
    assert [m.status for m in team] == (["blocked"] if how == "block" else [])


def test_unblocking_restores_access(session, now):
    alice = make_owner(session)
    dr = make_professional(session)
    care = give_care(session, dr, alice, now, status="blocked")
    with pytest.raises(NotFound):
        records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now)
    care_team.unblock_professional(session, alice.actor, alice.profile.id, care.id, now=now)
    assert records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now) == []


def test_list_shows_last_use(session, now):
    alice = make_owner(session)
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    [member] = care_team.list_care_team(session, alice.actor, alice.profile.id, now=now)
    assert member.last_used == ""
    records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now)
    session.commit()
    [member] = care_team.list_care_team(session, alice.actor, alice.profile.id, now=now)
    assert member.last_used.startswith(now.date().isoformat())


def test_my_patients_lists_only_active_care_relationships(session, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    bob = make_owner(session, "Bob")
    carl = make_owner(session, "Carl")
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    give_care(session, dr, lea, now)
    give_care(session, dr, bob, now, status="removed")
    give_care(session, dr, carl, now, ends_at=now - timedelta(days=1))

    patients = care_team.my_patients(session, dr.actor, now=now)
    assert [p.given_name for p in patients] == ["Alice", "Léa"]
    assert patients[1].age_label == "2 ans"
    # a patient has no patients
    assert care_team.my_patients(session, alice.actor, now=now) == []
