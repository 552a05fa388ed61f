"""'Who can see my record': every live grant of a profile, and a revoke for each."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mes_app.db.models import ShareLink
from mes_app.domain.access import LinkActor, Section, Target
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.domain.link_tokens import hash_link_secret, new_link_secret
from mes_app.services import who_can_see as wcs
from mes_app.services.access_facts import authorize_link, load_link_facts
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


def _link(session, profile, creator, now, *, purpose="summary", label="Pour le Dr Smith", **kw) -> ShareLink:  # noqa: ANN001
    link = ShareLink(
        profile_id=profile.id, token_hash=hash_link_secret(new_link_secret()), label=label, purpose=purpose,
        sections="risk_factors,treatments", created_by_user_id=creator.id, created_at=now - timedelta(hours=1),
        expires_at=kw.pop("expires_at", now + timedelta(days=1)), **kw,
    )
    session.add(link)
    session.commit()
    session.refresh(link)
    return link


def test_lists_every_live_grant_and_nothing_dead(session, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    bob = make_co_guardian(session, lea)
    dr = make_professional(session, "Dr Martin")
    old_dr = make_professional(session, "Dr Ancien")
    give_care(session, dr, lea, now)
    give_care(session, old_dr, lea, now, status="removed")
    make_caregiver(session, lea, ("vaccinations", "documents"), now, name="Mamie Jeanne")
    make_caregiver(session, lea, ("vaccinations",), now, revoked_at=now - timedelta(days=1), name="Ex Nounou")
    make_caregiver(session, lea, ("vaccinations",), now, ends_at=now - timedelta(days=1), name="Old Nounou")
    live = _link(session, lea.profile, alice, now)
    _link(session, lea.profile, alice, now, label="revoked", revoked_at=now - timedelta(minutes=5))
    _link(session, lea.profile, alice, now, label="expired", expires_at=now - timedelta(minutes=5))
    _link(session, lea.profile, alice, now, label="card", purpose="emergency")
    _link(session, alice.profile, alice, now, label="Alice's own")

    for viewer in (alice, bob):
        seen = wcs.who_can_see(session, viewer.actor, lea.id, now=now)
        assert [m.name for m in seen.care_team] == ["Dr Martin"]
        assert [(c.name, c.sections) for c in seen.caregivers] == [("Mamie Jeanne", ["vaccinations", "documents"])]
        assert [(x.id, x.label, x.sections) for x in seen.links] == [(live.id, "Pour le Dr Smith",
                                                                     ["treatments", "risk_factors"])]


def test_last_use_of_a_link_shows_once_opened(session, now):
    alice = make_owner(session)
    link = _link(session, alice.profile, alice, now)
    authorize_link(session, LinkActor(load_link_facts(session, link.id), False), Target(Section.TREATMENTS), now=now)
    link.last_opened_at = now
    session.add(link)
    session.commit()
    [seen] = wcs.who_can_see(session, alice.actor, alice.profile.id, now=now).links
    assert seen.last_used == now.isoformat()


@pytest.mark.parametrize("who", ["stranger", "caregiver", "professional"])
def test_others_cannot_see_the_list_nor_revoke(session, now, who):
    alice = make_owner(session)
    link = _link(session, alice.profile, alice, now)
    if who == "stranger":
        actor, error = make_stranger(session).actor, NotFound
    elif who == "caregiver":
        actor, error = make_caregiver(session, alice, ("vaccinations",), now).actor, NotFound
    else:
        dr = make_professional(session)
        give_care(session, dr, alice, now)
        actor, error = dr.actor, Forbidden
    with pytest.raises(error):
        wcs.who_can_see(session, actor, alice.profile.id, now=now)
    with pytest.raises(error):
        wcs.revoke_link(session, actor, alice.profile.id, link.id, now=now)
    assert committed_rows(session, ShareLink)[0].revoked_at is None


def test_revoking_a_link_closes_it_at_once(session, now):
    alice = make_owner(session)
    link = _link(session, alice.profile, alice, now)
    wcs.revoke_link(session, alice.actor, alice.profile.id, link.id, now=now)
    assert wcs.who_can_see(session, alice.actor, alice.profile.id, now=now).links == []
    with pytest.raises(NotFound):
        authorize_link(session, LinkActor(load_link_facts(session, link.id), False), Target(Section.TREATMENTS),
                       now=now)
    with pytest.raises(NotFound):  # already revoked
        wcs.revoke_link(session, alice.actor, alice.profile.id, link.id, now=now)


def test_a_link_of_another_profile_cannot_be_revoked_through_mine(session, now):
    alice = make_owner(session)
    mallory = make_stranger(session)
    link = _link(session, alice.profile, alice, now)
    with pytest.raises(NotFound):
        wcs.revoke_link(session, mallory.actor, mallory.profile.id, link.id, now=now)
    for bad in (None, "x", -3, True, [link.id]):
        with pytest.raises(ValidationError):
            wcs.revoke_link(session, alice.actor, alice.profile.id, bad, now=now)
    assert committed_rows(session, ShareLink)[0].revoked_at is None
