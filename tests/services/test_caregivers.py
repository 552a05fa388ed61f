"""Caregivers through the service: a scoped, read-only grant that ends when asked.

Since security issue 9 a grant is an invitation the caregiver accepts: the set-ups below invite
and accept (:func:`_grant`); ``tests/services/test_caregiver_invitations.py`` tests the
invitation itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mes_app.db.models import CaregiverGrant, GuardianInvitation
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import caregivers, invitations, profiles, records
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

VACCINE = {"code_text": "Hexavalent", "given_on": "2024-05-15", "dose_number": "1"}
CONDITION = {"code_text": "Eczéma", "status": "active", "onset_date": "2024-06-01"}


def _grant(session, manager, profile_id, grantee, sections, ends_on="", *, now):
    """Invite ``grantee`` as caregiver, and ``grantee`` accepts: the grant as its managers list it."""
    sent = caregivers.invite_caregiver(session, manager.actor, profile_id, grantee.email, sections, ends_on, now=now)
    invitations.accept_invitation(session, grantee.actor, sent.id, now=now)
    [view] = [c for c in caregivers.list_caregivers(session, manager.actor, profile_id, now=now, include_ended=True)
              if c.email == grantee.email]
    return view


def test_guardian_invites_a_caregiver_who_sees_exactly_the_scope_read_only(session, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    mamie = make_owner(session, "Jeanne Mamie")
    records.add_entry(session, alice.actor, lea.id, "vaccinations", VACCINE, now=now)
    records.add_entry(session, alice.actor, lea.id, "conditions", CONDITION, now=now)

    view = _grant(session, alice, lea.id, mamie, ["vaccinations"], "", now=now)
    assert view.sections == ["vaccinations"] and view.ends_on == "" and view.status == "active"

    # her switcher lists Léa as shared with her
    shared = [p for p in profiles.accessible_profiles(session, mamie.actor, now=now) if p.id == lea.id]
    assert [p.relationship for p in shared] == ["caregiver"]
    # she sees the vaccination, not editable; the conditions do not exist for her
    [vaccine] = records.list_entries(session, mamie.actor, lea.id, "vaccinations", now=now)
    assert vaccine.editable is False
    with pytest.raises(NotFound):
        records.list_entries(session, mamie.actor, lea.id, "conditions", now=now)
    with pytest.raises(Forbidden):
        records.add_entry(session, mamie.actor, lea.id, "vaccinations", VACCINE, now=now)
    with pytest.raises(Forbidden):
        records.delete_entry(session, mamie.actor, "vaccinations", vaccine.id, now=now)


def test_a_co_guardian_lists_and_revokes_and_revocation_is_immediate(session, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    bob = make_co_guardian(session, lea)
    nanny = make_caregiver(session, lea, ("vaccinations",), now)
    assert records.list_entries(session, nanny.actor, lea.id, "vaccinations", now=now) == []

    [listed] = caregivers.list_caregivers(session, bob.actor, lea.id, now=now)
    assert listed.name == nanny.name and listed.last_used != ""
    caregivers.revoke_caregiver(session, bob.actor, lea.id, listed.id, now=now)

    with pytest.raises(NotFound):
        records.list_entries(session, nanny.actor, lea.id, "vaccinations", now=now)
    assert all(p.id != lea.id for p in profiles.accessible_profiles(session, nanny.actor, now=now))
    assert caregivers.list_caregivers(session, alice.actor, lea.id, now=now) == []
    assert committed_rows(session, CaregiverGrant)[0].revoked_at is not None
    with pytest.raises(NotFound):  # revoking twice: nothing left to revoke
        caregivers.revoke_caregiver(session, alice.actor, lea.id, listed.id, now=now)


@pytest.mark.parametrize("who", ["stranger", "caregiver"])
def test_strangers_and_caregivers_cannot_manage_grants(session, now, who):
    alice = make_owner(session)
    nanny = make_caregiver(session, alice, ("vaccinations", "profile"), now)
    someone = make_owner(session, "Zoé")
    actor = make_stranger(session).actor if who == "stranger" else nanny.actor
    # a stranger learns nothing; a caregiver who may read the identity is refused
    with pytest.raises(NotFound if who == "stranger" else Forbidden):
        caregivers.list_caregivers(session, actor, alice.profile.id, now=now)
    with pytest.raises((NotFound, Forbidden)):
        caregivers.invite_caregiver(session, actor, alice.profile.id, someone.email, ["vaccinations"], now=now)
    with pytest.raises((NotFound, Forbidden)):
        caregivers.revoke_caregiver(session, actor, alice.profile.id, nanny.grant.id, now=now)
    assert committed_count(session, CaregiverGrant) == 1
    assert committed_rows(session, CaregiverGrant)[0].revoked_at is None
    assert committed_count(session, GuardianInvitation) == 0


def test_a_professional_of_the_care_team_cannot_grant_access(session, now):
    alice = make_owner(session)
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    friend = make_owner(session, "Zoé")
    with pytest.raises(Forbidden):
        caregivers.invite_caregiver(session, dr.actor, alice.profile.id, friend.email, ["conditions"], now=now)
    assert committed_count(session, CaregiverGrant) == 0
    assert committed_count(session, GuardianInvitation) == 0


@pytest.mark.parametrize(
    "email, sections, ends_on, code",
    [
        ("not-an-email", ["vaccinations"], "", "error.invalid_email"),
        (None, ["vaccinations"], "", "error.required"),
        ("FRIEND", [], "", "error.scope_required"),
        ("FRIEND", ["messages"], "", "error.invalid_choice"),
        ("FRIEND", ["nope"], "", "error.invalid_choice"),
        ("FRIEND", "vaccinations", "", "error.invalid_choice"),
        ("FRIEND", [1], "", "error.invalid_choice"),
        ("FRIEND", None, "", "error.invalid_choice"),
        ("FRIEND", ["vaccinations"], "2026-11-27", "error.end_in_past"),
        ("FRIEND", ["vaccinations"], "28/12/2026", "error.invalid_date"),
        ("FRIEND", ["vaccinations"], 20261228, "error.invalid_date"),
        ("FRIEND", ["vaccinations"], "2099-01-01", "error.out_of_range"),
        ("OWNER", ["vaccinations"], "", "error.caregiver_manages"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(session, now, email, sections, ends_on, code):
    alice = make_owner(session)
    friend = make_owner(session, "Zoé")
    email = {"FRIEND": friend.email, "OWNER": alice.email}.get(email, email)
    with pytest.raises(ValidationError) as error:
        caregivers.invite_caregiver(session, alice.actor, alice.profile.id, email, sections, ends_on, now=now)
    assert error.value.code == code
    assert committed_count(session, CaregiverGrant) == 0
    assert committed_count(session, GuardianInvitation) == 0


def test_a_co_guardian_cannot_be_made_caregiver_and_no_double_grant(session, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    bob = make_co_guardian(session, lea)
    zoe = make_owner(session, "Zoé")
    with pytest.raises(ValidationError) as error:
        caregivers.invite_caregiver(session, alice.actor, lea.id, bob.email, ["vaccinations"], now=now)
    assert error.value.code == "error.caregiver_manages"
    sent = caregivers.invite_caregiver(session, alice.actor, lea.id, zoe.email, ["vaccinations"], now=now)
    with pytest.raises(ValidationError) as error:  # while the first invitation waits
        caregivers.invite_caregiver(session, alice.actor, lea.id, zoe.email, ["conditions"], now=now)
    assert error.value.code == "error.already_invited"
    invitations.accept_invitation(session, zoe.actor, sent.id, now=now)
    with pytest.raises(ValidationError) as error:
        caregivers.invite_caregiver(session, alice.actor, lea.id, zoe.email, ["conditions"], now=now)
    assert error.value.code == "error.already_caregiver"
    assert committed_count(session, CaregiverGrant) == 1


def test_the_end_date_is_the_last_day_included_in_french_time(session, now):
    alice = make_owner(session)
    zoe = make_owner(session, "Zoé")
    view = _grant(session, alice, alice.profile.id, zoe, ["vaccinations"], "2026-12-01", now=now)
    assert view.ends_on == "2026-12-01"
    [grant] = committed_rows(session, CaregiverGrant)
    assert grant.ends_at == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # midnight in Paris (UTC+1)
    late_on_the_last_day = datetime(2026, 12, 1, 22, 59, tzinfo=UTC)
    assert records.list_entries(session, zoe.actor, alice.profile.id, "vaccinations", now=late_on_the_last_day) == []
    with pytest.raises(NotFound):
        records.list_entries(session, zoe.actor, alice.profile.id, "vaccinations", now=grant.ends_at)
    # an ended grant leaves the list (unless asked for)
    later = grant.ends_at + timedelta(days=1)
    assert caregivers.list_caregivers(session, alice.actor, alice.profile.id, now=later) == []
    [ended] = caregivers.list_caregivers(session, alice.actor, alice.profile.id, now=later, include_ended=True)
    assert ended.status == "ended"


def test_a_grant_of_another_profile_is_not_found(session, now):
    alice = make_owner(session)
    mallory = make_stranger(session)
    nanny = make_caregiver(session, alice, ("vaccinations",), now)
    with pytest.raises(NotFound):
        caregivers.revoke_caregiver(session, mallory.actor, mallory.profile.id, nanny.grant.id, now=now)
    assert committed_rows(session, CaregiverGrant)[0].revoked_at is None
