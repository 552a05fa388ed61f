"""Reading through a link: the policy decides, every opening is in the patient's history."""

from datetime import timedelta

import pytest
from sqlmodel import select

from mes_app.db.models import AccessEvent, ShareLink
from mes_app.domain.access import LinkActor, Section, Target, format_sections
from mes_app.domain.errors import NotFound
from mes_app.domain.link_tokens import hash_link_secret, new_link_secret
from mes_app.services.access_facts import authorize_link, load_link_facts
from tests.factories import make_owner


def _link(session, owner, now, **overrides) -> ShareLink:
    link = ShareLink(
        profile_id=owner.profile.id,
        token_hash=hash_link_secret(new_link_secret()),
        sections=format_sections([Section.RISK_FACTORS, Section.VACCINATIONS]),
        created_by_user_id=owner.user.id,
        created_at=now,
        expires_at=now + timedelta(hours=24),
        **overrides,
    )
    session.add(link)
    session.commit()
    return link


def test_an_active_link_reads_its_scope_and_the_opening_is_recorded(session, now):
    alice = make_owner(session)
    link = _link(session, alice, now)
    actor = LinkActor(load_link_facts(session, link.id), passcode_ok=False)
    decision = authorize_link(session, actor, Target(Section.VACCINATIONS), now=now, opener_label="Dr Who")
    session.commit()
    assert decision.allowed and decision.grant_id == link.id
    [event] = session.exec(select(AccessEvent)).all()
    assert (event.profile_id, event.actor_label, event.via, event.grant_id) == (
        alice.profile.id,
        "Dr Who",
        "share_link",
        link.id,
    )


def test_out_of_scope_expired_and_revoked_links_read_nothing(session, now):
    alice = make_owner(session)
    link = _link(session, alice, now)
    actor = LinkActor(load_link_facts(session, link.id), passcode_ok=False)
    with pytest.raises(NotFound):
        authorize_link(session, actor, Target(Section.CONDITIONS), now=now)
    with pytest.raises(NotFound):
        authorize_link(session, actor, Target(Section.VACCINATIONS), now=now + timedelta(hours=24))
    revoked = _link(session, alice, now, revoked_at=now)
    with pytest.raises(NotFound):
        authorize_link(
            session,
            LinkActor(load_link_facts(session, revoked.id), passcode_ok=False),
            Target(Section.VACCINATIONS),
            now=now,
        )


def test_a_link_with_a_passcode_needs_it(session, now):
    alice = make_owner(session)
    link = _link(session, alice, now, passcode_hash="argon2-hash-here")
    facts = load_link_facts(session, link.id)
    with pytest.raises(NotFound):
        authorize_link(session, LinkActor(facts, passcode_ok=False), Target(Section.VACCINATIONS), now=now)
    assert authorize_link(session, LinkActor(facts, passcode_ok=True), Target(Section.VACCINATIONS), now=now).allowed


def test_an_unknown_link_has_no_facts(session):
    assert load_link_facts(session, 999_999) is None
