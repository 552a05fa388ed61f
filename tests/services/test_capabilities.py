"""Capability flags per section: what each persona's pages are drawn from (issue 11, item 3)."""

from __future__ import annotations

import pytest

from mes_app.domain.access import Action, Section
from mes_app.domain.errors import NotFound
from mes_app.services.capabilities import RECORD_SECTIONS, capabilities, profiles_allowing
from tests.factories import give_care, make_caregiver, make_child, make_owner, make_professional, make_stranger

ALL = {s.value for s in RECORD_SECTIONS}


def test_a_caregiver_with_a_narrow_scope_sees_only_that_section_shared_and_can_add_nothing(session, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    nanny = make_caregiver(session, lea, ("vaccinations",))

    caps = capabilities(session, nanny.actor, lea.id, now=now)
    assert caps.relationship == "caregiver" and not caps.own_record and not caps.manages
    assert caps.shared_sections == ("vaccinations",)
    assert not caps.shared("conditions") and not caps.shared("measures") and not caps.shared("history")
    assert caps.addable_sections == () and not caps.can_start_thread
    assert not caps.shares_everything


def test_a_professional_reads_and_adds_everywhere_but_manages_nothing(session, now):
    alice = make_owner(session)
    doctor = make_professional(session)
    give_care(session, doctor, alice)

    caps = capabilities(session, doctor.actor, alice.profile.id, now=now)
    assert caps.relationship == "care_team" and not caps.own_record
    assert set(caps.shared_sections) == ALL and caps.shares_everything
    assert "conditions" in caps.addable_sections and "messages" not in caps.addable_sections
    assert not caps.manages  # no care team / caregivers / links pages for them
    assert caps.can_start_thread


def test_the_owner_has_everything_and_a_guardian_manages_the_child(session, now):
    alice = make_owner(session)
    lea = make_child(session, alice)

    mine = capabilities(session, alice.actor, alice.profile.id, now=now)
    assert mine.own_record and mine.manages and mine.relationship == "owner"
    assert set(mine.shared_sections) == ALL
    assert not mine.can_start_thread  # only professionals start threads

    child = capabilities(session, alice.actor, lea.id, now=now)
    assert child.relationship == "guardian" and not child.own_record and child.manages


@pytest.mark.parametrize("profile_id", ["abc", None, -1, 10**9])
def test_a_bad_id_is_not_found(session, now, profile_id):
    alice = make_owner(session)
    with pytest.raises(Exception) as raised:
        capabilities(session, alice.actor, profile_id, now=now)
    assert raised.type.__name__ in ("NotFound", "ValidationError")


def test_a_stranger_and_an_ended_caregiver_get_not_found(session, now):
    alice = make_owner(session)
    mallory = make_stranger(session)
    revoked = make_caregiver(session, alice, ("vaccinations",), revoked_at=now, name="Ex Nounou")
    for actor in (mallory.actor, revoked.actor):
        with pytest.raises(NotFound):
            capabilities(session, actor, alice.profile.id, now=now)


def test_profiles_allowing_keeps_only_those_the_policy_opens_to_the_action(session, now):
    parent = make_owner(session, "Claire")
    leo = make_child(session, parent, "Léo")
    doctor = make_professional(session)
    give_care(session, doctor, leo)
    mallory = make_stranger(session)
    ids = [parent.profile.id, leo.profile.id, mallory.profile.id, 999_999]
    assert profiles_allowing(session, doctor.actor, ids, Action.START_THREAD, Section.MESSAGES, now=now) == [
        leo.profile.id]
    assert profiles_allowing(session, parent.actor, ids, Action.START_THREAD, Section.MESSAGES, now=now) == []
    assert profiles_allowing(session, parent.actor, ids, Action.CREATE, Section.APPOINTMENTS, now=now) == [
        parent.profile.id, leo.profile.id]  # never a stranger's, nor a profile that does not exist
