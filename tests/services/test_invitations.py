"""Invitations to manage a profile: a guardian offers, only the invitee accepts, and nothing
of the child is reachable before that (security issue 9)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from mes_app.db.models import AccessEvent, GuardianInvitation, Guardianship
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.domain.invitations import INVITATION_DAYS, MAX_PENDING_PER_PROFILE
from mes_app.services import invitations, profiles, records
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


@pytest.fixture()
def family(session):
    """Alice, her daughter Léa (co-managed by Bob), and Jeanne, who has an account of her own."""
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, "Léa", birth_date=date(2025, 3, 15))
    bob = make_co_guardian(session, lea, "Bob Durand")
    jeanne = make_owner(session, "Jeanne Roux", birth_date=date(1960, 2, 2))
    return alice, lea, bob, jeanne


def _seen(session, persona, now) -> list[int]:
    return [view.id for view in profiles.accessible_profiles(session, persona.actor, now=now)]


def _invite(session, now, inviter, child, invitee_email, role="co_guardian"):
    return invitations.invite_guardian(session, inviter.actor, child.id, invitee_email, role, now=now)


def _nothing_of(session, persona, child, now) -> None:
    """``persona`` can reach nothing of ``child``: not in the switcher, every read not found."""
    assert child.id not in _seen(session, persona, now)
    with pytest.raises(NotFound):
        profiles.get_profile(session, persona.actor, child.id, now=now)
    with pytest.raises(NotFound):
        records.list_entries(session, persona.actor, child.id, "conditions", now=now)
    with pytest.raises(NotFound):
        profiles.list_guardians(session, persona.actor, child.id, now=now)


# --------------------------------------------------------------------------- inviting


def test_a_guardian_invites_and_the_invitee_sees_only_a_name_and_a_first_name(session, now, family):
    alice, lea, _, jeanne = family
    sent = _invite(session, now, alice, lea, jeanne.email.upper())

    assert (sent.invitee_email, sent.role, sent.invited_by) == (jeanne.email, "co_guardian", "Alice Durand")
    assert sent.expires_at == (now + INVITATION_DAYS * DAY).isoformat()
    [received] = invitations.invitations_for_me(session, jeanne.actor, now=now)
    assert received == invitations.ReceivedInvitationView(
        sent.id, "Alice Durand", "Léa", "co_guardian", (now + INVITATION_DAYS * DAY).isoformat()
    )
    shown = repr(received)
    assert "Durand" not in shown.replace("Alice Durand", "")  # no family name of the child
    assert "2025" not in shown  # no birth date
    assert committed_count(session, Guardianship, Guardianship.user_id == jeanne.id) == 0


def test_the_invitee_reaches_nothing_of_the_child_before_accepting(session, now, family):
    alice, lea, _, jeanne = family
    _invite(session, now, alice, lea, jeanne.email)
    _nothing_of(session, jeanne, lea, now)
    assert _seen(session, jeanne, now) == [jeanne.profile.id]


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(session, now, family):
    alice, lea, _, jeanne = family
    known = _invite(session, now, alice, lea, jeanne.email)
    unknown = _invite(session, now, alice, lea, "personne@example.org")
    assert type(known) is type(unknown)
    assert {f: getattr(known, f) for f in ("role", "invited_by", "created_at", "expires_at")} == {
        f: getattr(unknown, f) for f in ("role", "invited_by", "created_at", "expires_at")
    }
    assert [i.invitee_email for i in invitations.sent_invitations(session, alice.actor, lea.id, now=now)] == [
        jeanne.email,
        "personne@example.org",
    ]
    # An account registered later with that address gets nothing from it.
    late = make_owner(session, "Personne", email="personne@example.org")
    assert invitations.invitations_for_me(session, late.actor, now=now) == []


def test_accepting_makes_the_invitee_a_co_guardian(session, now, family):
    alice, lea, bob, jeanne = family
    sent = _invite(session, now, alice, lea, jeanne.email)
    assert invitations.accept_invitation(session, jeanne.actor, sent.id, now=now) == lea.id

    assert lea.id in _seen(session, jeanne, now)
    assert profiles.get_profile(session, jeanne.actor, lea.id, now=now).relationship == "guardian"
    assert {g.email for g in profiles.list_guardians(session, jeanne.actor, lea.id, now=now)} == {
        alice.email,
        bob.email,
        jeanne.email,
    }
    assert invitations.invitations_for_me(session, jeanne.actor, now=now) == []
    assert invitations.sent_invitations(session, alice.actor, lea.id, now=now) == []
    with pytest.raises(NotFound):  # accepted once: it is gone
        invitations.accept_invitation(session, jeanne.actor, sent.id, now=now)


def test_a_hand_over_gives_the_profile_and_the_inviter_steps_down(session, now, family):
    alice, lea, bob, jeanne = family
    sent = _invite(session, now, alice, lea, jeanne.email, "handover")
    invitations.accept_invitation(session, jeanne.actor, sent.id, now=now)

    assert lea.id in _seen(session, jeanne, now)
    _nothing_of(session, alice, lea, now)
    assert lea.id in _seen(session, bob, now)


def test_declining_grants_nothing_and_the_invitation_is_gone(session, now, family):
    alice, lea, _, jeanne = family
    sent = _invite(session, now, alice, lea, jeanne.email)
    invitations.decline_invitation(session, jeanne.actor, sent.id, now=now)

    _nothing_of(session, jeanne, lea, now)
    assert invitations.invitations_for_me(session, jeanne.actor, now=now) == []
    assert invitations.sent_invitations(session, alice.actor, lea.id, now=now) == []
    with pytest.raises(NotFound):
        invitations.accept_invitation(session, jeanne.actor, sent.id, now=now)
    # A new invitation may be sent after a refusal.
    _invite(session, now, alice, lea, jeanne.email)


def test_the_inviter_or_another_guardian_cancels_a_pending_invitation(session, now, family):
    alice, lea, bob, jeanne = family
    sent = _invite(session, now, alice, lea, jeanne.email)
    with pytest.raises(Forbidden):  # the invitee declines; cancelling is the managers'
        invitations.cancel_invitation(session, jeanne.actor, sent.id, now=now)
    invitations.cancel_invitation(session, bob.actor, sent.id, now=now)

    assert invitations.invitations_for_me(session, jeanne.actor, now=now) == []
    with pytest.raises(NotFound):
        invitations.accept_invitation(session, jeanne.actor, sent.id, now=now)
    _nothing_of(session, jeanne, lea, now)
    assert [r.status for r in committed_rows(session, GuardianInvitation)] == ["cancelled"]


def test_an_invitation_expires_after_fourteen_days(session, now, family):
    alice, lea, _, jeanne = family
    sent = _invite(session, now, alice, lea, jeanne.email)
    later = now + INVITATION_DAYS * DAY
    assert len(invitations.invitations_for_me(session, jeanne.actor, now=later - timedelta(seconds=1))) == 1
    assert invitations.invitations_for_me(session, jeanne.actor, now=later) == []
    assert invitations.sent_invitations(session, alice.actor, lea.id, now=later) == []
    with pytest.raises(NotFound):
        invitations.accept_invitation(session, jeanne.actor, sent.id, now=later)
    _nothing_of(session, jeanne, lea, later)
    _invite(session, later, alice, lea, jeanne.email)  # a fresh one may be sent


def test_an_inviter_who_stopped_being_guardian_hands_nothing_over(session, now, family):
    alice, lea, bob, jeanne = family
    sent = _invite(session, now, alice, lea, jeanne.email, "handover")
    other = invitations.invite_guardian(session, bob.actor, lea.id, "autre@example.org", "co_guardian", now=now)
    row = session.exec(select(Guardianship).where(Guardianship.user_id == alice.id)).one()
    row.ended_at = now
    session.add(row)
    session.commit()

    assert invitations.invitations_for_me(session, jeanne.actor, now=now) == []
    with pytest.raises(NotFound):
        invitations.accept_invitation(session, jeanne.actor, sent.id, now=now)
    _nothing_of(session, jeanne, lea, now)
    assert [i.id for i in invitations.sent_invitations(session, bob.actor, lea.id, now=now)] == [sent.id, other.id]


# --------------------------------------------------------------------------- strangers and ids from the browser


def test_a_stranger_cannot_accept_decline_or_cancel_another_persons_invitation(session, now, family):
    alice, lea, _, jeanne = family
    sent = _invite(session, now, alice, lea, jeanne.email)
    mallory = make_stranger(session)
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    nanny = make_caregiver(session, lea, ("profile", "vaccinations"), now=now)
    for outsider in (mallory, dr, nanny):
        for call in (invitations.accept_invitation, invitations.decline_invitation, invitations.cancel_invitation):
            with pytest.raises(NotFound):
                call(session, outsider.actor, sent.id, now=now)
        assert invitations.invitations_for_me(session, outsider.actor, now=now) == []
    _nothing_of(session, mallory, lea, now)
    assert [r.status for r in committed_rows(session, GuardianInvitation)] == ["pending"]
    assert len(invitations.invitations_for_me(session, jeanne.actor, now=now)) == 1
    # The refused attempts are in Léa's access history, with no health data.
    denied = committed_rows(
        session, AccessEvent, AccessEvent.action == "denied", AccessEvent.target_kind == "invitation"
    )
    assert {e.actor_user_id for e in denied} == {mallory.id, dr.id, nanny.id}


def test_the_inviter_cannot_accept_in_the_invitees_place(session, now, family):
    alice, lea, bob, jeanne = family
    sent = _invite(session, now, alice, lea, jeanne.email)
    for manager in (alice, bob):
        with pytest.raises(Forbidden):
            invitations.accept_invitation(session, manager.actor, sent.id, now=now)
    _nothing_of(session, jeanne, lea, now)


@pytest.mark.parametrize("bad", [None, "", "abc", "1; drop", -1, 0, 2**70, True, 1.5, ["1"], {"id": 1}])
def test_bad_invitation_ids_are_refused(session, now, family, bad):
    _, _, _, jeanne = family
    with pytest.raises((ValidationError, NotFound)):
        invitations.accept_invitation(session, jeanne.actor, bad, now=now)


def test_an_unknown_invitation_id_is_not_found(session, now, family):
    _, _, _, jeanne = family
    with pytest.raises(NotFound):
        invitations.accept_invitation(session, jeanne.actor, 999_999, now=now)


def test_a_stranger_cannot_invite_anyone_to_another_familys_child(session, now, family):
    _, lea, _, jeanne = family
    mallory = make_stranger(session)
    for email in (mallory.email, jeanne.email, "personne@example.org"):
        with pytest.raises(NotFound):
            _invite(session, now, mallory, lea, email)
    assert committed_count(session, GuardianInvitation) == 0
    with pytest.raises(NotFound):
        invitations.sent_invitations(session, mallory.actor, lea.id, now=now)


@pytest.mark.parametrize("who", ["professional", "caregiver"])
def test_the_care_team_and_caregivers_cannot_invite(session, now, family, who):
    _, lea, _, jeanne = family
    if who == "professional":
        outsider = make_professional(session, "Dr Martin")
        give_care(session, outsider, lea, now)
    else:
        outsider = make_caregiver(session, lea, ("profile", "vaccinations"), now=now)
    with pytest.raises((Forbidden, NotFound)):
        _invite(session, now, outsider, lea, jeanne.email)
    assert committed_count(session, GuardianInvitation) == 0


@pytest.mark.parametrize(
    ("email", "role", "code"),
    [
        ("pas-une-adresse", "co_guardian", "error.invalid_email"),
        (None, "co_guardian", "error.required"),
        (["a@b.fr"], "co_guardian", "error.invalid_email"),
        ("x@example.org", "owner", "error.invalid_choice"),
        ("x@example.org", None, "error.invalid_choice"),
        ("x@example.org", ["handover"], "error.invalid_choice"),
    ],
)
def test_bad_arguments_are_refused_and_store_nothing(session, now, family, email, role, code):
    alice, lea, _, _ = family
    with pytest.raises(ValidationError) as caught:
        _invite(session, now, alice, lea, email, role)
    assert caught.value.code == code
    assert committed_count(session, GuardianInvitation) == 0


def test_current_guardians_and_pending_addresses_are_not_invited_twice(session, now, family):
    alice, lea, bob, jeanne = family
    for who in (alice, bob):
        with pytest.raises(ValidationError) as caught:
            _invite(session, now, alice, lea, who.email)
        assert caught.value.code == "error.already_guardian"
    _invite(session, now, alice, lea, jeanne.email)
    with pytest.raises(ValidationError) as caught:
        _invite(session, now, bob, lea, jeanne.email, "handover")
    assert caught.value.code == "error.already_invited"
    assert committed_count(session, GuardianInvitation) == 1


def test_an_adults_own_profile_is_never_offered(session, now, family):
    alice, _, _, jeanne = family
    with pytest.raises(ValidationError) as caught:
        invitations.invite_guardian(session, alice.actor, alice.profile.id, jeanne.email, "handover", now=now)
    assert caught.value.code == "error.guardian_own_profile"
    assert committed_count(session, GuardianInvitation) == 0


def test_pending_invitations_per_profile_are_capped(session, now, family):
    alice, lea, _, _ = family
    for n in range(MAX_PENDING_PER_PROFILE):
        _invite(session, now, alice, lea, f"invite{n}@example.org")
    with pytest.raises(ValidationError) as caught:
        _invite(session, now, alice, lea, "one-more@example.org")
    assert caught.value.code == "error.too_many_invitations"


# --------------------------------------------------------------------------- access history


def test_the_access_history_records_each_step_without_health_data(session, now, family):
    alice, lea, bob, jeanne = family
    first = _invite(session, now, alice, lea, jeanne.email)
    invitations.decline_invitation(session, jeanne.actor, first.id, now=now + timedelta(minutes=1))
    second = _invite(session, now + timedelta(minutes=2), alice, lea, jeanne.email)
    invitations.cancel_invitation(session, alice.actor, second.id, now=now + timedelta(minutes=3))
    third = _invite(session, now + timedelta(minutes=4), alice, lea, jeanne.email)
    invitations.accept_invitation(session, jeanne.actor, third.id, now=now + timedelta(minutes=5))

    events = committed_rows(session, AccessEvent, AccessEvent.target_kind == "invitation")
    assert [(e.action, e.actor_user_id, e.profile_id, e.target_id) for e in events] == [
        ("invite", alice.id, lea.id, first.id),
        ("invite_decline", jeanne.id, lea.id, first.id),
        ("invite", alice.id, lea.id, second.id),
        ("invite_cancel", alice.id, lea.id, second.id),
        ("invite", alice.id, lea.id, third.id),
        ("invite_accept", jeanne.id, lea.id, third.id),
    ]
    # Bob, the other guardian, reads them in Léa's access history.
    later = now + timedelta(minutes=6)
    seen = [(i.who, i.action, i.target_kind) for i in access_history(session, bob.actor, lea.id, now=later).items]
    assert ("Jeanne Roux", "invite_accept", "invitation") in seen
    assert ("Alice Durand", "invite", "invitation") in seen
