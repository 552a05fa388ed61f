"""Profiles: who may open which profile, children, co-guardians, and ids from the browser."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mes_app.db.models import AccessEvent, Guardianship, Profile, SecurityEvent
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import invitations, profiles
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


def _seen(session, persona, now) -> list[tuple[int, str]]:
    return [(view.id, view.relationship) for view in profiles.accessible_profiles(session, persona.actor, now=now)]


@pytest.fixture()
def family(session):
    """Alice, her daughter Léa (co-managed by Bob) and her son Tom."""
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, "Léa", birth_date=date(2025, 3, 15))
    tom = make_child(session, alice, "Tom", birth_date=date(2019, 6, 1), sex="male")
    bob = make_co_guardian(session, lea, "Bob Durand")
    return alice, lea, tom, bob


# --------------------------------------------------------------------------- accessible profiles


def test_an_owner_sees_her_own_profile_then_her_children(session, now, family):
    alice, lea, tom, _ = family
    views = profiles.accessible_profiles(session, alice.actor, now=now)

    assert [(v.id, v.relationship) for v in views] == [
        (alice.profile.id, "owner"), (tom.id, "guardian"), (lea.id, "guardian")]
    own, _, baby = views
    assert (own.name, own.kind, own.birth_date) == ("Alice Durand", "self", "1990-05-17")
    assert (baby.name, baby.kind, baby.age_label) == ("Léa Durand", "child", "20 mois")


def test_a_co_guardian_sees_the_child_they_share_but_not_the_others(session, now, family):
    alice, lea, tom, bob = family
    assert _seen(session, bob, now) == [(bob.profile.id, "owner"), (lea.id, "guardian")]


def test_an_ended_guardianship_gives_nothing(session, now, family):
    _, lea, _, bob = family
    [row] = [g for g in committed_rows(session, Guardianship) if g.user_id == bob.id]
    row = session.get(Guardianship, row.id)
    row.ended_at = now - DAY
    session.add(row)
    session.commit()
    assert _seen(session, bob, now) == [(bob.profile.id, "owner")]
    with pytest.raises(NotFound):
        profiles.get_profile(session, bob.actor, lea.id, now=now)


def test_a_professional_sees_only_the_patients_who_gave_them_care(session, now, family):
    alice, lea, _, _ = family
    dr = make_professional(session, "Dr Martin")
    other_dr = make_professional(session, "Dr Petit")
    give_care(session, dr, alice, now)

    assert _seen(session, dr, now) == [(alice.profile.id, "care_team")]
    assert _seen(session, other_dr, now) == []


@pytest.mark.parametrize(
    ("status", "starts", "ends"),
    [("blocked", -30, None), ("removed", -30, None), ("active", -30, -1), ("active", 0, 0), ("active", 2, None)],
    ids=["blocked", "removed", "ended", "ends-now", "not-yet-started"],
)
def test_an_inactive_care_relationship_gives_nothing(session, now, family, status, starts, ends):
    alice, _, _, _ = family
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, alice, now, status=status, starts_at=now + starts * DAY,
              ends_at=None if ends is None else now + ends * DAY)
    assert _seen(session, dr, now) == []
    with pytest.raises(NotFound):
        profiles.get_profile(session, dr.actor, alice.profile.id, now=now)


def test_a_caregiver_sees_the_profile_shared_with_them(session, now, family):
    _, lea, _, _ = family
    mamie = make_caregiver(session, lea, ("vaccinations", "profile"), now=now)
    assert _seen(session, mamie, now) == [(lea.id, "caregiver")]
    assert profiles.get_profile(session, mamie.actor, lea.id, now=now).relationship == "caregiver"


@pytest.mark.parametrize("ended", ["revoked", "expired"])
def test_a_revoked_or_expired_caregiver_grant_gives_nothing(session, now, family, ended):
    _, lea, _, _ = family
    mamie = make_caregiver(session, lea, ("vaccinations", "profile"), now=now,
                           revoked_at=now - DAY if ended == "revoked" else None,
                           ends_at=now - DAY if ended == "expired" else None)
    assert _seen(session, mamie, now) == []


def test_a_stranger_sees_only_their_own_profile(session, now, family):
    mallory = make_stranger(session)
    assert _seen(session, mallory, now) == [(mallory.profile.id, "owner")]


# --------------------------------------------------------------------------- get_profile and ids


def test_get_profile_opens_ones_own_and_ones_childs_profile(session, now, family):
    alice, lea, _, bob = family
    assert profiles.get_profile(session, alice.actor, alice.profile.id, now=now).relationship == "owner"
    assert profiles.get_profile(session, bob.actor, str(lea.id), now=now).name == "Léa Durand"


def test_another_familys_profile_is_not_found(session, now, family):
    alice, lea, tom, _ = family
    mallory = make_stranger(session)
    for pid in (alice.profile.id, lea.id, tom.id, str(lea.id)):
        with pytest.raises(NotFound):
            profiles.get_profile(session, mallory.actor, pid, now=now)
    with pytest.raises(NotFound):
        profiles.get_profile(session, alice.actor, mallory.profile.id, now=now)


def test_a_profile_that_does_not_exist_looks_like_one_that_is_not_mine(session, now, family):
    mallory = make_stranger(session)
    missing = max(p.id for p in committed_rows(session, Profile)) + 1000
    with pytest.raises(NotFound):
        profiles.get_profile(session, mallory.actor, missing, now=now)


def test_a_strangers_attempt_is_recorded_without_health_data(session, now, family):
    alice, _, _, _ = family
    mallory = make_stranger(session)
    with pytest.raises(NotFound):
        profiles.get_profile(session, mallory.actor, alice.profile.id, now=now)
    assert committed_count(session, AccessEvent) == 0  # a stranger's probe: the security log only
    [event] = committed_rows(session, SecurityEvent)
    assert (event.profile_id, event.actor_user_id, event.action, event.target_kind) == (
        alice.profile.id, mallory.id, "denied", "profile")
    assert "Alice" not in repr(event) and "1990" not in repr(event)


@pytest.mark.parametrize("bad_id", [["1"], None, "abc", True, False, 0, -1, "-1", "1.0", 1.0, "", " 1",
                                    {"id": 1}, 2**64, "9" * 40])
def test_a_malformed_id_is_refused_without_a_crash(session, now, family, bad_id):
    alice, _, _, _ = family
    with pytest.raises((ValidationError, NotFound)) as caught:
        profiles.get_profile(session, alice.actor, bad_id, now=now)
    if isinstance(caught.value, ValidationError):
        assert caught.value.code == "error.invalid_id"


# --------------------------------------------------------------------------- children


def _add_child(session, parent, now, **changes):
    form = {"given_name": "Noé", "family_name": "Durand", "birth_date": "2026-01-10", "sex": "male", **changes}
    return profiles.add_child(session, parent.actor, profiles.parse_child(form, today=now.date()), now=now)


def test_a_parent_adds_a_child_and_becomes_its_guardian(session, now):
    alice = make_owner(session)
    view = _add_child(session, alice, now)

    assert (view.kind, view.relationship, view.name, view.age_label) == ("child", "guardian", "Noé Durand", "10 mois")
    stored = session.get(Profile, view.id)
    assert (stored.kind, stored.owner_user_id, stored.created_by_user_id, stored.birth_date) == (
        "child", None, alice.id, date(2026, 1, 10))
    [link] = committed_rows(session, Guardianship, Guardianship.profile_id == view.id)
    assert (link.user_id, link.ended_at) == (alice.id, None)
    assert (view.id, "guardian") in _seen(session, alice, now)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"birth_date": "2026-11-29"}, "error.date_in_future"),
        ({"birth_date": "2030-01-01"}, "error.date_in_future"),
        ({"birth_date": "1899-12-31"}, "error.invalid_date"),
        ({"birth_date": None}, "error.required"),
        ({"given_name": "N" * 100_000}, "error.text_too_long"),
        ({"family_name": "D" * 101}, "error.text_too_long"),
        ({"given_name": ["Noé"]}, "error.invalid_text"),
        ({"sex": "x"}, "error.invalid_choice"),
    ],
)
def test_a_bad_child_is_refused_and_stores_nothing(session, now, changes, code):
    alice = make_owner(session)
    with pytest.raises(ValidationError) as caught:
        _add_child(session, alice, now, **changes)
    assert caught.value.code == code
    assert committed_count(session, Profile) == 1  # Alice's own
    assert committed_count(session, Guardianship) == 0


# --------------------------------------------------------------------------- co-guardians
# A co-guardian is invited and accepts (services.invitations, security issue 9): the set-up
# step is invite + accept; the assertions about access are unchanged.


def _invite_and_accept(session, now, inviter, profile_id, invitee, email=None):
    sent = invitations.invite_guardian(session, inviter.actor, profile_id, email or invitee.email, "co_guardian",
                                       now=now)
    invitations.accept_invitation(session, invitee.actor, sent.id, now=now)
    return sent


def test_nobody_is_made_guardian_without_accepting(session, now, family):
    alice, lea, _, _ = family
    grandma = make_owner(session, "Jeanne Roux", birth_date=date(1960, 2, 2))
    assert not hasattr(profiles, "add_guardian")  # the direct, consent-less way is gone
    invitations.invite_guardian(session, alice.actor, lea.id, grandma.email, "co_guardian", now=now)
    assert (lea.id, "guardian") not in _seen(session, grandma, now)


def test_a_guardian_adds_another_account_as_co_guardian_by_e_mail(session, now, family):
    alice, lea, _, _ = family
    grandma = make_owner(session, "Jeanne Roux", birth_date=date(1960, 2, 2))
    sent = _invite_and_accept(session, now, alice, lea.id, grandma, grandma.email.upper())

    assert (sent.invitee_email, sent.invited_by) == (grandma.email, "Alice Durand")
    assert (lea.id, "guardian") in _seen(session, grandma, now)
    assert {g.email for g in profiles.list_guardians(session, grandma.actor, lea.id, now=now)} == {
        alice.email, grandma.email, family[3].email}


def test_an_unknown_e_mail_gets_the_usual_answer_and_makes_nobody_guardian(session, now, family):
    alice, lea, _, _ = family
    before = committed_count(session, Guardianship)
    sent = invitations.invite_guardian(session, alice.actor, lea.id, "personne@example.org", "co_guardian", now=now)
    assert sent.invitee_email == "personne@example.org"  # no "no such account": that would reveal who has one
    assert committed_count(session, Guardianship) == before


def test_someone_already_guardian_is_refused(session, now, family):
    alice, lea, _, bob = family
    before = committed_count(session, Guardianship)
    for who in (bob, alice):
        with pytest.raises(ValidationError) as caught:
            invitations.invite_guardian(session, alice.actor, lea.id, who.email, "co_guardian", now=now)
        assert caught.value.code == "error.already_guardian"
    assert committed_count(session, Guardianship) == before


def test_nobody_becomes_guardian_of_an_adults_own_profile(session, now, family):
    alice, _, _, bob = family
    with pytest.raises(ValidationError) as caught:
        invitations.invite_guardian(session, alice.actor, alice.profile.id, bob.email, "co_guardian", now=now)
    assert caught.value.code == "error.guardian_own_profile"
    assert committed_count(session, Guardianship, Guardianship.profile_id == alice.profile.id) == 0


def test_a_stranger_cannot_make_themselves_guardian_of_another_familys_child(session, now, family):
    _, lea, _, _ = family
    mallory = make_stranger(session)
    before = committed_rows(session, Guardianship)
    for email in (mallory.email, "personne@example.org"):  # an unknown address tells nothing more
        with pytest.raises(NotFound):
            invitations.invite_guardian(session, mallory.actor, lea.id, email, "co_guardian", now=now)
    assert [(g.profile_id, g.user_id) for g in committed_rows(session, Guardianship)] == [
        (g.profile_id, g.user_id) for g in before]
    assert _seen(session, mallory, now) == [(mallory.profile.id, "owner")]


@pytest.mark.parametrize("who", ["professional", "caregiver"])
def test_the_care_team_and_caregivers_cannot_add_guardians(session, now, family, who):
    alice, lea, _, _ = family
    if who == "professional":
        outsider = make_professional(session, "Dr Martin")
        give_care(session, outsider, lea, now)
    else:
        outsider = make_caregiver(session, lea, ("profile", "vaccinations"), now=now)
    before = committed_count(session, Guardianship)
    with pytest.raises((Forbidden, NotFound)):
        invitations.invite_guardian(session, outsider.actor, lea.id, outsider.email, "co_guardian", now=now)
    assert committed_count(session, Guardianship) == before


def test_a_stranger_cannot_list_the_guardians_of_another_familys_child(session, now, family):
    _, lea, _, _ = family
    mallory = make_stranger(session)
    with pytest.raises(NotFound):
        profiles.list_guardians(session, mallory.actor, lea.id, now=now)
