"""Invitations to manage a profile: nothing is granted before the invitee accepts."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from mes_app.domain.access import (
    Action,
    CareFacts,
    CaregiverFacts,
    LinkActor,
    ProfileFacts,
    Section,
    ShareLinkFacts,
    Target,
    UserActor,
    Via,
    decide,
    readable_sections,
    relationship_to,
)
from mes_app.domain.invitations import (
    INVITATION_DAYS,
    InvitationAction,
    InvitationFacts,
    acceptance_changes,
    apply_acceptance,
    caregiver_grant,
    decide_invitation,
    expiry,
    invitation_status,
    may_be_offered,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
CHILD_ID = 100
ALICE, BOB, INVITEE, STRANGER, PRO, NANNY = 1, 2, 3, 99, 10, 20

alice, bob, invitee, stranger = (UserActor(i, "patient") for i in (ALICE, BOB, INVITEE, STRANGER))
pro, nanny = UserActor(PRO, "professional"), UserActor(NANNY, "patient")

CHILD = ProfileFacts(
    profile_id=CHILD_ID,
    owner_user_id=None,
    guardian_user_ids=frozenset({ALICE, BOB}),
    care=(CareFacts(300, PRO, "active", NOW - 30 * DAY, None),),
    caregivers=(CaregiverFacts(400, NANNY, frozenset({Section.VACCINATIONS}), NOW - 10 * DAY, None, None),),
)


def invitation(role="co_guardian", status="pending", *, by=ALICE, to=INVITEE, expires_at=None,
               sections=None, access_ends_at=None) -> InvitationFacts:
    if sections is None:
        sections = frozenset({Section.VACCINATIONS}) if role == "caregiver" else frozenset()
    return InvitationFacts(
        id=7, profile_id=CHILD_ID, invited_by_user_id=by, invitee_user_id=to, role=role, status=status,
        expires_at=expires_at or expiry(NOW - DAY), sections=sections, access_ends_at=access_ends_at,
    )


def outcome(actor, action, inv, profile=CHILD, now=NOW) -> str:
    d = decide_invitation(actor, action, inv, profile, now)
    return "A" if d.allowed else ("F" if d.visible else "N")


# --------------------------------------------------------------------------- nothing before acceptance


@pytest.mark.parametrize("status", ["pending", "declined", "cancelled"])
@pytest.mark.parametrize("role", ["co_guardian", "handover", "caregiver"])
def test_an_unaccepted_invitation_grants_nothing_on_any_section(status, role):
    inv = invitation(role, status)
    assert decide_invitation(invitee, InvitationAction.VIEW, inv, CHILD, NOW).visible == (status == "pending")
    assert relationship_to(invitee, CHILD, NOW) is None
    assert readable_sections(invitee, CHILD, NOW) == frozenset()
    for section in Section:
        for action in Action:
            assert not decide(invitee, action, CHILD, Target(section), NOW).visible


def test_acceptance_makes_the_invitee_a_guardian_with_full_rights():
    after = apply_acceptance(CHILD, invitation())
    assert relationship_to(invitee, after, NOW) is Via.GUARDIAN
    assert decide(invitee, Action.READ, after, Target(Section.CONDITIONS), NOW).allowed
    assert relationship_to(alice, after, NOW) is Via.GUARDIAN  # a co-guardian: Alice stays
    assert after.care == CHILD.care and after.caregivers == CHILD.caregivers


def test_a_hand_over_ends_the_inviters_guardianship_only():
    after = apply_acceptance(CHILD, invitation("handover"))
    assert relationship_to(invitee, after, NOW) is Via.GUARDIAN
    assert relationship_to(alice, after, NOW) is None
    assert not decide(alice, Action.READ, after, Target(Section.PROFILE), NOW).visible
    assert relationship_to(bob, after, NOW) is Via.GUARDIAN  # the other parent keeps the child
    assert acceptance_changes(invitation("handover")).ending_guardian_user_id == ALICE


def test_an_invitation_to_an_address_without_account_can_be_accepted_by_nobody():
    inv = invitation(to=None)
    for actor in (invitee, stranger, pro, nanny):
        assert outcome(actor, InvitationAction.ACCEPT, inv) == "N"
    with pytest.raises(ValueError):
        acceptance_changes(inv)


# --------------------------------------------------------------------------- who may do what on an invitation

# Columns: VIEW, ACCEPT, DECLINE, CANCEL
MATRIX = {
    "invitee": (invitee, "AAAF"),
    "inviter": (alice, "AFFA"),
    "co-guardian": (bob, "AFFA"),
    "stranger": (stranger, "NNNN"),
    "care team": (pro, "NNNN"),
    "caregiver": (nanny, "NNNN"),
}
ACTIONS = (InvitationAction.VIEW, InvitationAction.ACCEPT, InvitationAction.DECLINE, InvitationAction.CANCEL)


@pytest.mark.parametrize("role", ["co_guardian", "handover", "caregiver"])
@pytest.mark.parametrize("persona", MATRIX)
def test_who_may_see_accept_decline_or_cancel_a_pending_invitation(persona, role):
    actor, expected = MATRIX[persona]
    assert "".join(outcome(actor, a, invitation(role)) for a in ACTIONS) == expected


def test_links_and_nobody_get_not_found():
    link = LinkActor(ShareLinkFacts(5, CHILD_ID, frozenset(Section), NOW + DAY, None, False, 0, 5), True)
    for actor in (None, link):
        assert "".join(outcome(actor, a, invitation()) for a in ACTIONS) == "NNNN"


@pytest.mark.parametrize("status", ["accepted", "declined", "cancelled"])
def test_a_decided_invitation_is_gone_for_everyone(status):
    inv = invitation(status=status)
    for actor in (invitee, alice, bob, stranger):
        assert "".join(outcome(actor, a, inv) for a in ACTIONS) == "NNNN"


def test_an_invitation_expires_after_fourteen_days():
    inv = invitation(expires_at=expiry(NOW))
    assert inv.expires_at == NOW + INVITATION_DAYS * DAY
    just_before = inv.expires_at - timedelta(microseconds=1)
    assert invitation_status(inv, just_before) == "pending"
    assert outcome(invitee, InvitationAction.ACCEPT, inv, now=just_before) == "A"
    assert invitation_status(inv, inv.expires_at) == "expired"
    for actor in (invitee, alice):
        assert "".join(outcome(actor, a, inv, now=inv.expires_at) for a in ACTIONS) == "NNNN"


def test_an_invitation_whose_inviter_no_longer_manages_the_profile_cannot_be_accepted():
    gone = dataclasses.replace(CHILD, guardian_user_ids=frozenset({BOB}))
    assert outcome(invitee, InvitationAction.VIEW, invitation(), gone) == "N"
    assert outcome(invitee, InvitationAction.ACCEPT, invitation("handover"), gone) == "N"
    assert outcome(bob, InvitationAction.CANCEL, invitation(), gone) == "A"  # Bob can still tidy up


def test_an_adults_own_profile_is_never_offered():
    assert not may_be_offered("self")
    assert may_be_offered("child") and may_be_offered("relative")


def test_bad_facts_are_refused():
    with pytest.raises(ValueError):
        invitation(role="owner")
    with pytest.raises(ValueError):
        invitation(status="expired")  # derived from the time, never stored
    with pytest.raises(ValueError):
        invitation(expires_at=datetime(2026, 12, 1))
    with pytest.raises(ValueError):
        decide_invitation(invitee, InvitationAction.VIEW, dataclasses.replace(invitation(), profile_id=5), CHILD, NOW)
    with pytest.raises(ValueError):
        invitation_status(invitation(), datetime(2026, 12, 1))


# --------------------------------------------------------------------------- caregiver offers


def test_accepting_a_caregiver_offer_gives_exactly_its_scope_read_only():
    offer = invitation("caregiver", sections=frozenset({Section.VACCINATIONS, Section.MEASURES}),
                       access_ends_at=NOW + 30 * DAY)
    before = CHILD
    assert readable_sections(invitee, before, NOW) == frozenset()
    after = apply_acceptance(before, offer, NOW, grant_id=401)
    assert relationship_to(invitee, after, NOW) is Via.CAREGIVER
    assert readable_sections(invitee, after, NOW) == {Section.VACCINATIONS, Section.MEASURES}
    assert decide(invitee, Action.READ, after, Target(Section.VACCINATIONS), NOW).allowed
    assert not decide(invitee, Action.READ, after, Target(Section.CONDITIONS), NOW).visible
    assert not decide(invitee, Action.CREATE, after, Target(Section.VACCINATIONS), NOW).allowed
    assert not decide(invitee, Action.READ, after, Target(Section.VACCINATIONS), NOW + 30 * DAY).visible
    assert after.guardian_user_ids == CHILD.guardian_user_ids and after.care == CHILD.care
    grant = caregiver_grant(offer, NOW)
    assert (grant.grantee_user_id, grant.granted_by_user_id, grant.starts_at, grant.ends_at) == (
        INVITEE, ALICE, NOW, NOW + 30 * DAY)


def test_a_caregiver_offer_replaces_the_grant_the_invitee_held():
    renewed = invitation("caregiver", to=NANNY, sections=frozenset({Section.MEASURES}))
    after = apply_acceptance(CHILD, renewed, NOW, grant_id=401)
    assert readable_sections(nanny, after, NOW) == {Section.MEASURES}
    assert [g.revoked_at for g in after.caregivers if g.id == 400] == [NOW]


def test_a_caregiver_offer_is_not_an_offer_to_manage():
    offer = invitation("caregiver")
    with pytest.raises(ValueError):
        acceptance_changes(offer)
    with pytest.raises(ValueError):
        apply_acceptance(CHILD, offer)  # the grant starts at acceptance: the time is needed
    with pytest.raises(ValueError):
        caregiver_grant(invitation(), NOW)
    with pytest.raises(ValueError):
        caregiver_grant(invitation("caregiver", to=None), NOW)


def test_an_offer_expires_with_the_access_it_offers_if_sooner():
    assert expiry(NOW, NOW + 3 * DAY) == NOW + 3 * DAY
    assert expiry(NOW, NOW + 60 * DAY) == NOW + INVITATION_DAYS * DAY
    assert expiry(NOW, None) == NOW + INVITATION_DAYS * DAY


def test_any_profile_may_be_shared_with_a_caregiver():
    assert may_be_offered("self", "caregiver") and may_be_offered("child", "caregiver")
    assert not may_be_offered("self", "handover")


def test_bad_caregiver_facts_are_refused():
    with pytest.raises(ValueError):
        invitation("caregiver", sections=frozenset())  # a scope is required
    with pytest.raises(ValueError):
        invitation("co_guardian", sections=frozenset({Section.VACCINATIONS}))
    with pytest.raises(ValueError):
        invitation("co_guardian", access_ends_at=NOW + DAY)
    with pytest.raises(ValueError):
        invitation("caregiver", access_ends_at=datetime(2026, 12, 1))
    with pytest.raises(ValueError):
        invitation("caregiver", sections=frozenset({"nope"}))
