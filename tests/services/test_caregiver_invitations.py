"""A caregiver's access is an invitation the caregiver accepts (security issue 9, item 5): the
patient gets the same answer whether or not the address has an MES account, and nobody reads
anything of the profile before accepting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from mes_app.db.models import AccessEvent, CaregiverGrant, GuardianInvitation, Guardianship
from mes_app.domain.access_view import access_row
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.domain.invitations import INVITATION_DAYS, MAX_PENDING_PER_PROFILE
from mes_app.services import caregivers, invitations, profiles, records
from mes_app.services.access_history import access_history
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

DAY = timedelta(days=1)
VACCINE = {"code_text": "Hexavalent", "given_on": "2025-05-15", "dose_number": "1"}
CONDITION = {"code_text": "Eczéma", "status": "active", "onset_date": "2025-06-01"}


@pytest.fixture()
def family(session, now):
    """Alice, her daughter Léa (co-managed by Bob, with a vaccination and a condition), and
    Jeanne, a grandmother with an account of her own."""
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, "Léa", birth_date=date(2025, 3, 15))
    bob = make_co_guardian(session, lea, "Bob Durand")
    jeanne = make_owner(session, "Jeanne Roux", birth_date=date(1960, 2, 2))
    records.add_entry(session, alice.actor, lea.id, "vaccinations", VACCINE, now=now)
    records.add_entry(session, alice.actor, lea.id, "conditions", CONDITION, now=now)
    return alice, lea, bob, jeanne


def _invite(session, now, inviter, profile_id, email, sections=("vaccinations",), ends_on=""):
    return caregivers.invite_caregiver(session, inviter.actor, profile_id, email, list(sections), ends_on, now=now)


def _nothing_of(session, persona, child, now) -> None:
    """``persona`` reaches nothing of ``child``: not in the switcher, every section not found."""
    assert child.id not in [p.id for p in profiles.accessible_profiles(session, persona.actor, now=now)]
    with pytest.raises(NotFound):
        profiles.get_profile(session, persona.actor, child.id, now=now)
    for section in ("vaccinations", "conditions"):
        with pytest.raises(NotFound):
            records.list_entries(session, persona.actor, child.id, section, now=now)


def _only_vaccinations(session, persona, child, now) -> None:
    [vaccine] = records.list_entries(session, persona.actor, child.id, "vaccinations", now=now)
    assert vaccine.editable is False
    with pytest.raises(NotFound):
        records.list_entries(session, persona.actor, child.id, "conditions", now=now)
    with pytest.raises(Forbidden):
        records.add_entry(session, persona.actor, child.id, "vaccinations", VACCINE, now=now)


# --------------------------------------------------------------------------- the patient's side


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(session, now, family):
    alice, lea, _, jeanne = family
    known = _invite(session, now, alice, lea.id, jeanne.email.upper())
    unknown = _invite(session, now, alice, lea.id, "personne@example.org")

    assert type(known) is type(unknown)
    fields = ("sections", "ends_on", "invited_by", "expires_at")
    assert {f: getattr(known, f) for f in fields} == {f: getattr(unknown, f) for f in fields}
    assert (known.email, unknown.email) == (jeanne.email, "personne@example.org")  # as typed, lower-cased
    assert known.sections == ["vaccinations"] and known.invited_by == "Alice Durand"
    # Both are listed the same way, with their address and scope; neither is an active caregiver.
    pending = caregivers.pending_caregivers(session, alice.actor, lea.id, now=now)
    assert [(p.email, p.sections) for p in pending] == [(jeanne.email, ["vaccinations"]),
                                                        ("personne@example.org", ["vaccinations"])]
    assert caregivers.list_caregivers(session, alice.actor, lea.id, now=now) == []
    assert committed_count(session, CaregiverGrant) == 0


def test_no_access_before_acceptance_then_exactly_the_scope(session, now, family):
    alice, lea, _, jeanne = family
    sent = _invite(session, now, alice, lea.id, jeanne.email, ("vaccinations",), "2026-12-31")
    _nothing_of(session, jeanne, lea, now)
    assert [p.id for p in profiles.accessible_profiles(session, jeanne.actor, now=now)] == [jeanne.profile.id]

    assert invitations.accept_invitation(session, jeanne.actor, sent.id, now=now) == lea.id
    shared = [p for p in profiles.accessible_profiles(session, jeanne.actor, now=now) if p.id == lea.id]
    assert [p.relationship for p in shared] == ["caregiver"]
    _only_vaccinations(session, jeanne, lea, now)
    [grant] = committed_rows(session, CaregiverGrant)
    assert (grant.grantee_user_id, grant.granted_by_user_id, grant.sections) == (jeanne.id, alice.id, "vaccinations")
    assert grant.starts_at == now and grant.ends_at == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    # She is now listed as a caregiver, and no longer as pending.
    [active] = caregivers.list_caregivers(session, alice.actor, lea.id, now=now)
    assert (active.name, active.sections, active.ends_on, active.status) == (
        "Jeanne Roux", ["vaccinations"], "2026-12-31", "active")
    assert caregivers.pending_caregivers(session, alice.actor, lea.id, now=now) == []
    with pytest.raises(NotFound):  # accepted once: gone
        invitations.accept_invitation(session, jeanne.actor, sent.id, now=now)


def test_the_invitee_sees_the_inviters_name_and_the_first_name_only(session, now, family):
    alice, lea, _, jeanne = family
    sent = _invite(session, now, alice, lea.id, jeanne.email, ("vaccinations", "conditions"))
    [received] = invitations.invitations_for_me(session, jeanne.actor, now=now)
    assert received == invitations.ReceivedInvitationView(
        sent.id, "Alice Durand", "Léa", "caregiver", (now + INVITATION_DAYS * DAY).isoformat())
    shown = repr(received)
    assert "Durand" not in shown.replace("Alice Durand", "") and "2025" not in shown
    assert "vaccinations" not in shown and "Eczéma" not in shown


def test_an_account_registered_later_with_the_address_gets_nothing(session, now, family):
    alice, lea, _, _ = family
    _invite(session, now, alice, lea.id, "personne@example.org")
    late = make_owner(session, "Personne", email="personne@example.org")
    assert invitations.invitations_for_me(session, late.actor, now=now) == []
    _nothing_of(session, late, lea, now)


def test_the_patient_shares_her_own_profile_too(session, now, family):
    alice, _, _, jeanne = family
    sent = _invite(session, now, alice, alice.profile.id, jeanne.email)
    [received] = invitations.invitations_for_me(session, jeanne.actor, now=now)
    assert (received.inviter_name, received.child_given_name) == ("Alice Durand", "Alice")
    invitations.accept_invitation(session, jeanne.actor, sent.id, now=now)
    assert records.list_entries(session, jeanne.actor, alice.profile.id, "vaccinations", now=now) == []
    with pytest.raises(NotFound):
        records.list_entries(session, jeanne.actor, alice.profile.id, "conditions", now=now)


def test_the_inviter_or_another_guardian_cancels_a_pending_invitation(session, now, family):
    alice, lea, bob, jeanne = family
    sent = _invite(session, now, alice, lea.id, jeanne.email)
    with pytest.raises(NotFound):  # the invitee declines; cancelling is the managers'
        caregivers.cancel_caregiver_invitation(session, jeanne.actor, lea.id, sent.id, now=now)
    with pytest.raises(Forbidden):
        invitations.cancel_invitation(session, jeanne.actor, sent.id, now=now)
    caregivers.cancel_caregiver_invitation(session, bob.actor, lea.id, sent.id, now=now)

    assert caregivers.pending_caregivers(session, alice.actor, lea.id, now=now) == []
    assert invitations.invitations_for_me(session, jeanne.actor, now=now) == []
    with pytest.raises(NotFound):
        invitations.accept_invitation(session, jeanne.actor, sent.id, now=now)
    _nothing_of(session, jeanne, lea, now)
    assert [r.status for r in committed_rows(session, GuardianInvitation)] == ["cancelled"]
    _invite(session, now, alice, lea.id, jeanne.email)  # a fresh one may be sent


def test_declining_grants_nothing(session, now, family):
    alice, lea, _, jeanne = family
    sent = _invite(session, now, alice, lea.id, jeanne.email)
    invitations.decline_invitation(session, jeanne.actor, sent.id, now=now)

    _nothing_of(session, jeanne, lea, now)
    assert caregivers.pending_caregivers(session, alice.actor, lea.id, now=now) == []
    assert caregivers.list_caregivers(session, alice.actor, lea.id, now=now) == []
    with pytest.raises(NotFound):
        invitations.accept_invitation(session, jeanne.actor, sent.id, now=now)
    assert committed_count(session, CaregiverGrant) == 0


def test_an_invitation_expires_after_fourteen_days(session, now, family):
    alice, lea, _, jeanne = family
    sent = _invite(session, now, alice, lea.id, jeanne.email)
    later = now + INVITATION_DAYS * DAY
    assert len(invitations.invitations_for_me(session, jeanne.actor, now=later - timedelta(seconds=1))) == 1
    assert invitations.invitations_for_me(session, jeanne.actor, now=later) == []
    assert caregivers.pending_caregivers(session, alice.actor, lea.id, now=later) == []
    with pytest.raises(NotFound):
        invitations.accept_invitation(session, jeanne.actor, sent.id, now=later)
    _nothing_of(session, jeanne, lea, later)
    _invite(session, later, alice, lea.id, jeanne.email)  # a fresh one may be sent


def test_an_offer_whose_access_ends_sooner_expires_with_it(session, now, family):
    alice, lea, _, jeanne = family
    sent = _invite(session, now, alice, lea.id, jeanne.email, ends_on="2026-12-01")  # last day: 1 Dec
    access_end = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert sent.expires_at == access_end.isoformat() and sent.ends_on == "2026-12-01"
    with pytest.raises(NotFound):
        invitations.accept_invitation(session, jeanne.actor, sent.id, now=access_end)
    assert committed_count(session, CaregiverGrant) == 0


def test_an_inviter_who_stopped_managing_the_profile_gives_nothing(session, now, family):
    alice, lea, bob, jeanne = family
    sent = _invite(session, now, alice, lea.id, jeanne.email)

    row = session.exec(select(Guardianship).where(Guardianship.user_id == alice.id)).one()
    row.ended_at = now
    session.add(row)
    session.commit()
    with pytest.raises(NotFound):
        invitations.accept_invitation(session, jeanne.actor, sent.id, now=now)
    _nothing_of(session, jeanne, lea, now)
    assert [p.id for p in caregivers.pending_caregivers(session, bob.actor, lea.id, now=now)] == [sent.id]


# --------------------------------------------------------------------------- strangers and ids from the browser


def test_a_stranger_cannot_accept_decline_or_cancel_another_persons_invitation(session, now, family):
    alice, lea, _, jeanne = family
    sent = _invite(session, now, alice, lea.id, jeanne.email)
    mallory = make_stranger(session)
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    nanny = make_caregiver(session, lea, ("profile", "vaccinations"), now=now)
    for outsider in (mallory, dr, nanny):
        for call in (invitations.accept_invitation, invitations.decline_invitation, invitations.cancel_invitation):
            with pytest.raises(NotFound):
                call(session, outsider.actor, sent.id, now=now)
        with pytest.raises((NotFound, Forbidden)):
            caregivers.cancel_caregiver_invitation(session, outsider.actor, lea.id, sent.id, now=now)
        assert invitations.invitations_for_me(session, outsider.actor, now=now) == []
    with pytest.raises(NotFound):  # through the stranger's own profile: still not found
        caregivers.cancel_caregiver_invitation(session, mallory.actor, mallory.profile.id, sent.id, now=now)
    _nothing_of(session, mallory, lea, now)
    assert [r.status for r in committed_rows(session, GuardianInvitation)] == ["pending"]
    assert committed_count(session, CaregiverGrant) == 1  # the nanny's own, untouched
    denied = committed_rows(session, AccessEvent, AccessEvent.action == "denied",
                            AccessEvent.target_kind == "caregiver_invitation")
    assert {e.actor_user_id for e in denied} == {mallory.id, dr.id, nanny.id}


def test_the_inviter_cannot_accept_in_the_invitees_place(session, now, family):
    alice, lea, bob, jeanne = family
    sent = _invite(session, now, alice, lea.id, jeanne.email)
    for manager in (alice, bob):
        with pytest.raises(Forbidden):
            invitations.accept_invitation(session, manager.actor, sent.id, now=now)
    assert committed_count(session, CaregiverGrant) == 0


def test_a_stranger_cannot_invite_nor_list_the_pending_offers(session, now, family):
    _, lea, _, jeanne = family
    mallory = make_stranger(session)
    for email in (mallory.email, jeanne.email, "personne@example.org"):
        with pytest.raises(NotFound):
            _invite(session, now, mallory, lea.id, email)
    with pytest.raises(NotFound):
        caregivers.pending_caregivers(session, mallory.actor, lea.id, now=now)
    assert committed_count(session, GuardianInvitation) == 0


@pytest.mark.parametrize("bad", [None, "", "abc", -1, 0, 2**70, True, 1.5, ["1"], {"id": 1}])
def test_bad_ids_are_refused(session, now, family, bad):
    alice, lea, _, jeanne = family
    _invite(session, now, alice, lea.id, jeanne.email)
    with pytest.raises((ValidationError, NotFound)):
        caregivers.cancel_caregiver_invitation(session, alice.actor, lea.id, bad, now=now)
    with pytest.raises((ValidationError, NotFound)):
        caregivers.cancel_caregiver_invitation(session, alice.actor, bad, 1, now=now)
    assert [r.status for r in committed_rows(session, GuardianInvitation)] == ["pending"]


def test_a_guardian_invitation_is_not_cancelled_from_the_caregivers_page(session, now, family):
    alice, lea, _, jeanne = family
    offer = invitations.invite_guardian(session, alice.actor, lea.id, jeanne.email, "co_guardian", now=now)
    with pytest.raises(NotFound):
        caregivers.cancel_caregiver_invitation(session, alice.actor, lea.id, offer.id, now=now)
    # and the two lists stay apart
    assert caregivers.pending_caregivers(session, alice.actor, lea.id, now=now) == []
    care = _invite(session, now, alice, lea.id, jeanne.email)
    assert [s.id for s in invitations.sent_invitations(session, alice.actor, lea.id, now=now)] == [offer.id]
    assert [p.id for p in caregivers.pending_caregivers(session, alice.actor, lea.id, now=now)] == [care.id]


def test_refusals_name_only_people_the_managers_already_see(session, now, family):
    alice, lea, bob, jeanne = family
    for who in (alice, bob):
        with pytest.raises(ValidationError) as caught:
            _invite(session, now, alice, lea.id, who.email)
        assert caught.value.code == "error.caregiver_manages"
    with pytest.raises(ValidationError) as caught:  # her own profile, her own address
        _invite(session, now, alice, alice.profile.id, alice.email)
    assert caught.value.code == "error.caregiver_manages"
    _invite(session, now, alice, lea.id, "personne@example.org")
    with pytest.raises(ValidationError) as caught:
        _invite(session, now, bob, lea.id, "personne@example.org", ("conditions",))
    assert caught.value.code == "error.already_invited"


def test_pending_caregiver_invitations_are_capped(session, now, family):
    alice, lea, _, _ = family
    for n in range(MAX_PENDING_PER_PROFILE):
        _invite(session, now, alice, lea.id, f"aidant{n}@example.org")
    with pytest.raises(ValidationError) as caught:
        _invite(session, now, alice, lea.id, "one-more@example.org")
    assert caught.value.code == "error.too_many_invitations"
    # the guardian invitations have their own allowance
    invitations.invite_guardian(session, alice.actor, lea.id, "parent@example.org", "co_guardian", now=now)


# --------------------------------------------------------------------------- revoking, access history


def test_revoking_an_accepted_access_works_as_before(session, now, family):
    alice, lea, _, jeanne = family
    sent = _invite(session, now, alice, lea.id, jeanne.email)
    invitations.accept_invitation(session, jeanne.actor, sent.id, now=now)
    [grant] = caregivers.list_caregivers(session, alice.actor, lea.id, now=now)
    caregivers.revoke_caregiver(session, alice.actor, lea.id, grant.id, now=now)
    _nothing_of(session, jeanne, lea, now)


def test_the_access_history_records_each_step_in_french_and_english(session, now, family):
    alice, lea, bob, jeanne = family
    minute = timedelta(minutes=1)
    first = _invite(session, now, alice, lea.id, jeanne.email)
    invitations.decline_invitation(session, jeanne.actor, first.id, now=now + minute)
    second = _invite(session, now + 2 * minute, alice, lea.id, jeanne.email)
    caregivers.cancel_caregiver_invitation(session, alice.actor, lea.id, second.id, now=now + 3 * minute)
    third = _invite(session, now + 4 * minute, alice, lea.id, jeanne.email)
    invitations.accept_invitation(session, jeanne.actor, third.id, now=now + 5 * minute)
    [grant] = caregivers.list_caregivers(session, alice.actor, lea.id, now=now + 5 * minute)
    caregivers.revoke_caregiver(session, alice.actor, lea.id, grant.id, now=now + 6 * minute)

    events = committed_rows(session, AccessEvent, AccessEvent.target_kind.in_(("caregiver_invitation",
                                                                                "caregiver_grant")))
    assert [(e.action, e.actor_user_id, e.target_id) for e in events] == [
        ("invite", alice.id, first.id),
        ("invite_decline", jeanne.id, first.id),
        ("invite", alice.id, second.id),
        ("invite_cancel", alice.id, second.id),
        ("invite", alice.id, third.id),
        ("invite_accept", jeanne.id, third.id),
        ("revoke", alice.id, grant.id),
    ]
    # Bob, the other guardian, reads them in Léa's access history, in either language.
    items = access_history(session, bob.actor, lea.id, now=now + 7 * minute).items
    french = [access_row(i, "fr").what for i in items]
    english = [access_row(i, "en").what for i in items]
    assert "a accepté une invitation d'aidant (lecture seule)" in french
    assert "a retiré l'accès d'un aidant" in french
    assert "accepted a caregiver invitation (read-only)" in english
    assert "sent a caregiver invitation (read-only)" in english
    assert "revoked a caregiver's access" in english
