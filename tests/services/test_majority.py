"""teen (issue 13, item 4): at 18 the young person takes their profile into their own account.

NOW is 2026-11-28: Chloé, born 2008-11-28, is 18 today; Hugo, born 2008-11-29, is not yet.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mes_app.db.models import AccessEvent, CaregiverGrant, Condition, GuardianInvitation, Guardianship, Profile
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import access_history, capabilities, documents, invitations, majority, records, share_links
from mes_app.storage import LocalStorage
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
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 500 + b"\n%%EOF\n"


@pytest.fixture()
def family(session, now, tmp_path):
    parent = make_owner(session, "Camille Durand")
    chloe = make_child(session, parent, "Chloé", birth_date=date(2008, 11, 28))
    co = make_co_guardian(session, chloe, "Bob Durand")
    young = make_owner(session, "Chloé Durand", birth_date=date(2008, 11, 28), email="chloe@example.org")
    doctor = make_professional(session, "Dr Lefort")
    give_care(session, doctor, chloe)
    pid = chloe.profile.id
    records.add_entry(session, parent.actor, pid, "conditions", {"code_text": "Asthme", "status": "active"}, now=now)
    records.add_entry(session, parent.actor, pid, "vaccinations",
                      {"code_text": "ROR", "given_on": "2010-01-10"}, now=now)
    # kept from her parents by her doctor when she was 16
    session.add(Condition(profile_id=pid, author_user_id=doctor.id, author_role="professional",
                          code_text="Secret du Dr Lefort", hidden_from_guardians=True))
    session.commit()
    return parent, co, chloe, young, doctor


def _invite(session, parent, chloe, now, email="chloe@example.org"):
    return majority.invite(session, parent.actor, chloe.profile.id, email, now=now)


def _texts(session, who, pid, kind, now):
    return [e.title for e in records.list_entries(session, who.actor, pid, kind, now=now)]


def test_a_guardian_cannot_hand_over_before_18(session, now):
    parent = make_owner(session, "Camille Durand")
    hugo = make_child(session, parent, "Hugo", birth_date=date(2008, 11, 29))
    assert not majority.can_invite(session, parent.actor, hugo.profile.id, now=now)
    with pytest.raises(ValidationError) as refused:
        majority.invite(session, parent.actor, hugo.profile.id, "hugo@example.org", now=now)
    assert refused.value.code == "error.majority_not_yet"
    assert committed_count(session, GuardianInvitation) == 0
    # the next day he is 18
    assert majority.can_invite(session, parent.actor, hugo.profile.id, now=now + DAY)


def test_the_same_answer_for_any_address_and_only_guardians_may_invite(session, now, family):
    parent, co, chloe, young, doctor = family
    known = _invite(session, parent, chloe, now)
    unknown = _invite(session, co, chloe, now, email="nobody@example.org")
    assert type(known) is type(unknown) and known.invitation.role == unknown.invitation.role == "majority"
    assert known.secret != unknown.secret
    stored = committed_rows(session, GuardianInvitation)
    assert all(row.token_hash and row.token_hash not in (known.secret, unknown.secret) for row in stored)
    for who in (young, doctor, make_stranger(session)):
        with pytest.raises((NotFound, Forbidden)):
            majority.invite(session, who.actor, chloe.profile.id, "x@example.org", now=now)
    # the young person does not see it among ordinary invitations (it is accepted through its link)
    assert invitations.invitations_for_me(session, young.actor, now=now) == []
    with pytest.raises(Forbidden):
        invitations.accept_invitation(session, young.actor, known.invitation.id, now=now)


def test_the_young_adult_accepts_and_chooses_what_each_former_guardian_keeps(session, now, family, tmp_path):
    parent, co, chloe, young, doctor = family
    pid = chloe.profile.id
    link = share_links.create_link(session, parent.actor, pid, sections=["conditions"], now=now)
    granny = make_caregiver(session, chloe, ("conditions",), name="Mamie Jeanne")
    sent = _invite(session, parent, chloe, now)
    view = majority.offer(session, young.actor, sent.secret, now=now)
    assert view is not None and view.given_name == "Chloé" and view.inviter_name == "Camille Durand"
    assert {g.name for g in view.guardians} == {"Camille Durand", "Bob Durand"}
    later = now + timedelta(hours=1)
    assert majority.accept(session, young.actor, sent.secret, {str(parent.id): ["vaccinations"]}, now=later) == pid
    profile = session.get(Profile, pid)
    assert profile.owner_user_id == young.id and profile.kind == "self"
    # everything is hers, the entry kept from her parents included
    assert "Secret du Dr Lefort" in _texts(session, young, pid, "conditions", later)
    # Camille keeps the vaccinations only, Bob nothing, the grandmother and the link nothing
    assert _texts(session, parent, pid, "vaccinations", later) == ["ROR"]
    for who, kind in ((parent, "conditions"), (co, "vaccinations"), (granny, "conditions")):
        with pytest.raises(NotFound):
            records.list_entries(session, who.actor, pid, kind, now=later)
    with pytest.raises(NotFound):
        share_links.open_summary(session, link.view.id, False, now=later)
    assert not capabilities.capabilities(session, parent.actor, pid, now=later).manages
    # the history keeps who managed the profile, and until when
    ended = committed_rows(session, Guardianship, Guardianship.profile_id == pid)
    assert {g.user_id for g in ended} == {parent.id, co.id} and all(g.ended_at == later for g in ended)
    events = committed_rows(session, AccessEvent, AccessEvent.action == "handed_over")
    assert {e.actor_user_id for e in events} == {parent.id, co.id}
    lines = access_history.access_history(session, young.actor, pid, now=later).items
    assert {line.who for line in lines if line.action == "handed_over"} == {"Camille Durand", "Bob Durand"}
    grants = committed_rows(session, CaregiverGrant, CaregiverGrant.profile_id == pid,
                            CaregiverGrant.revoked_at.is_(None))
    assert [(g.grantee_user_id, g.sections) for g in grants] == [(parent.id, "vaccinations")]


def test_documents_are_kept_one_by_one(session, now, family, tmp_path):
    parent, _co, chloe, young, _doctor = family
    storage = LocalStorage(tmp_path / "docs")
    pid = chloe.profile.id
    doc = documents.upload_document(session, parent.actor, pid,
                                    {"title": "Bilan", "document_date": "2026-11-20", "category": "11502-2"},
                                    "b.pdf", [PDF], storage=storage, max_bytes=10_000, now=now)
    sent = _invite(session, parent, chloe, now)
    majority.accept(session, young.actor, sent.secret, {str(parent.id): ["documents"]}, now=now)
    assert documents.documents_page(session, parent.actor, pid, now=now).items == []
    documents.set_document_switch(session, young.actor, doc.id, "caregiver", parent.id, True, now=now)
    assert [d.title for d in documents.documents_page(session, parent.actor, pid, now=now).items] == ["Bilan"]


def test_nothing_is_kept_by_default(session, now, family):
    parent, co, chloe, young, _doctor = family
    sent = _invite(session, parent, chloe, now)
    majority.accept(session, young.actor, sent.secret, now=now)
    for who in (parent, co):
        with pytest.raises(NotFound):
            records.list_entries(session, who.actor, chloe.profile.id, "vaccinations", now=now)


def test_a_stranger_cannot_accept_nor_see_the_offer(session, now, family):
    parent, co, chloe, young, _doctor = family
    sent = _invite(session, parent, chloe, now)
    mallory = make_stranger(session)
    assert majority.offer(session, mallory.actor, sent.secret, now=now) is None
    with pytest.raises(NotFound):
        majority.accept(session, mallory.actor, sent.secret, now=now)
    with pytest.raises(NotFound):
        majority.accept(session, young.actor, "not-the-secret", now=now)
    # a guardian holding the link cannot take the profile as their own
    with pytest.raises(NotFound):  # not their address
        majority.accept(session, co.actor, sent.secret, now=now)
    assert session.get(Profile, chloe.profile.id).owner_user_id is None


def test_a_replayed_or_cancelled_link_fails(session, now, family):
    parent, _co, chloe, young, _doctor = family
    sent = _invite(session, parent, chloe, now)
    majority.accept(session, young.actor, sent.secret, now=now)
    with pytest.raises(NotFound):
        majority.accept(session, young.actor, sent.secret, now=now)
    other = make_owner(session, "Paul", birth_date=date(2008, 1, 1), email="paul@example.org")
    dad = make_owner(session, "Marc")
    paul = make_child(session, dad, "Paul", birth_date=date(2008, 1, 1))
    again = majority.invite(session, dad.actor, paul.profile.id, "paul@example.org", now=now)
    invitations.cancel_invitation(session, dad.actor, again.invitation.id, now=now)
    assert majority.offer(session, other.actor, again.secret, now=now) is None
    with pytest.raises(NotFound):
        majority.accept(session, other.actor, again.secret, now=now)
    expired = majority.invite(session, dad.actor, paul.profile.id, "paul@example.org", now=now)
    with pytest.raises(NotFound):
        majority.accept(session, other.actor, expired.secret, now=now + 15 * DAY)


def test_keep_names_only_former_guardians_and_keepable_sections(session, now, family):
    parent, _co, chloe, young, doctor = family
    sent = _invite(session, parent, chloe, now)
    for keep in ({str(doctor.id): ["conditions"]}, {str(parent.id): ["messages"]}, {"x": []}, ["conditions"]):
        with pytest.raises(ValidationError):
            majority.accept(session, young.actor, sent.secret, keep, now=now)
    assert session.get(Profile, chloe.profile.id).owner_user_id is None


def test_a_new_account_with_the_address_may_accept(session, now, family):
    parent, _co, chloe, _young, _doctor = family
    sent = _invite(session, parent, chloe, now, email="chloe.new@example.org")
    newcomer = make_owner(session, "Chloé D", birth_date=date(2008, 11, 28), email="Chloe.New@example.org")
    assert majority.offer(session, newcomer.actor, sent.secret, now=now) is not None
    assert majority.accept(session, newcomer.actor, sent.secret, now=now) == chloe.profile.id
