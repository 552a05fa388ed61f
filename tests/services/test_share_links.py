"""Share links: creation (inputs), opening (active, expired, revoked, locked), passcodes."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from mes_app.db import models
from mes_app.domain import shl
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.link_tokens import hash_link_secret
from mes_app.services import share_links
from tests.factories import (
    committed_count,
    give_care,
    make_caregiver,
    make_child,
    make_owner,
    make_professional,
    make_stranger,
)

ORIGIN = "https://mes.example.org"


@pytest.fixture
def alice(session):
    return make_owner(session, "Alice Martin")


def _create(session, who, profile, now, **kw):
    kw.setdefault("sections", ["risk_factors"])
    return share_links.create_link(session, who.actor, profile.id, now=now, **kw)


def test_a_new_link_stores_only_the_hash_and_defaults_to_24_hours(session, now, alice):
    created = _create(session, alice, alice.profile, now)
    assert len(created.secret) >= 43  # 256 bits, base64url
    [row] = session.exec(select(models.ShareLink)).all()
    assert row.token_hash == hash_link_secret(created.secret) and created.secret not in row.token_hash
    assert row.expires_at == now + timedelta(hours=24)
    assert set(row.sections.split(",")) == {"profile", "risk_factors"}  # identity always in
    assert len(row.jwe_key) == 43 and row.passcode_hash is None
    assert created.view.status == "active" and not created.view.has_passcode


@pytest.mark.parametrize("hours", [0, -1, 365 * 24 + 1, "abc", 1.5, True, [1]])
def test_expiry_outside_one_hour_to_one_year_is_refused(session, now, alice, hours):
    with pytest.raises(ValidationError):
        _create(session, alice, alice.profile, now, expires_hours=hours)
    assert committed_count(session, models.ShareLink) == 0


def test_one_year_is_the_longest(session, now, alice):
    created = _create(session, alice, alice.profile, now, expires_hours="8760")
    assert created.exp == int((now + timedelta(days=365)).timestamp())


@pytest.mark.parametrize("sections", [[], ["messages"], ["profile"], "risk_factors", None, [1], ["x"] * 30])
def test_bad_scopes_are_refused(session, now, alice, sections):
    with pytest.raises(ValidationError):
        _create(session, alice, alice.profile, now, sections=sections)


@pytest.mark.parametrize("passcode", ["123", "x" * 65, 1234])
def test_bad_passcodes_are_refused(session, now, alice, passcode):
    with pytest.raises(ValidationError):
        _create(session, alice, alice.profile, now, passcode=passcode)


def test_only_the_patient_or_a_guardian_creates_lists_and_revokes(session, now, alice):
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    nanny = make_caregiver(session, alice, ("profile", "risk_factors"), now)
    mallory = make_stranger(session)
    from mes_app.domain.errors import Forbidden
    with pytest.raises(Forbidden):
        _create(session, dr, alice.profile, now)
    with pytest.raises(Forbidden):
        _create(session, nanny, alice.profile, now)
    with pytest.raises(NotFound):
        _create(session, mallory, alice.profile, now)
    created = _create(session, alice, alice.profile, now)
    with pytest.raises(NotFound):
        share_links.revoke_link(session, mallory.actor, created.view.id, now=now)
    with pytest.raises(NotFound):
        share_links.list_links(session, mallory.actor, alice.profile.id, now=now)
    lea = make_child(session, alice)
    assert _create(session, alice, lea.profile, now).view.status == "active"
    assert [v.id for v in share_links.list_links(session, alice.actor, alice.profile.id, now=now)] == [created.view.id]


def test_opening_active_expired_revoked_unknown(session, now, alice):
    created = _create(session, alice, alice.profile, now, expires_hours=1)
    opening = share_links.resolve(session, created.secret, now=now)
    assert opening.status == "active" and not opening.needs_passcode
    assert share_links.resolve(session, created.secret, now=now + timedelta(hours=1)).status == "expired"
    for junk in ("", "x" * 43, None, 42, "a" * 5000, created.secret + "x"):
        assert share_links.resolve(session, junk, now=now) == share_links.Opening("not_found")
    share_links.revoke_link(session, alice.actor, created.view.id, now=now)
    assert share_links.resolve(session, created.secret, now=now).status == "revoked"
    with pytest.raises(NotFound):
        share_links.open_summary(session, created.view.id, True, now=now)


def test_passcode_attempts_count_and_lock_the_link(session, now, alice):
    created = _create(session, alice, alice.profile, now, passcode="soleil-42")
    opening = share_links.resolve(session, created.secret, now=now)
    assert opening.needs_passcode
    with pytest.raises(NotFound):  # no summary without the passcode
        share_links.open_summary(session, opening.link_id, False, now=now)
    wrong = share_links.check_passcode(session, opening.link_id, "lune-42", now=now)
    assert (wrong.ok, wrong.remaining_attempts) == (False, 4)
    right = share_links.check_passcode(session, opening.link_id, " soleil-42 ", now=now)
    assert (right.ok, right.remaining_attempts) == (True, 4)  # a right one does not count
    for expected in (3, 2, 1, 0):
        assert share_links.check_passcode(session, opening.link_id, "nope", now=now).remaining_attempts == expected
    assert share_links.resolve(session, created.secret, now=now).status == "locked"
    locked = share_links.check_passcode(session, opening.link_id, "soleil-42", now=now)
    assert (locked.ok, locked.status) == (False, "locked")  # even the right passcode, once locked
    assert committed_count(session, models.AccessEvent, models.AccessEvent.action == "denied") == 5


def test_the_summary_through_a_link_shows_markup_as_plain_text(session, now, alice):
    session.add(models.Allergy(profile_id=alice.profile.id, author_user_id=alice.id,
                               code_text="<img src=x onerror=alert(1)>", severity="mild"))
    session.commit()
    created = _create(session, alice, alice.profile, now)
    summary = share_links.open_summary(session, created.view.id, False, now=now, opener_label="Dr Who")
    # kept as data (the page renders text nodes, the FHIR narrative escapes it)
    assert [a.substance.text for a in summary.allergies] == ["<img src=x onerror=alert(1)>"]
    assert summary.problems is None and summary.identity.family_name == "Martin"
    [row] = session.exec(select(models.ShareLink)).all()
    assert row.last_opened_at == now


def test_documents_open_only_when_switched_on_for_the_link(session, now, alice):
    created = _create(session, alice, alice.profile, now, sections=["documents"], passcode="soleil-42")
    docs = []
    for n in (1, 2):
        doc = models.Document(profile_id=alice.profile.id, author_user_id=alice.id, title=f"Doc {n}",
                              document_date=date(2026, 1, n), storage_key=f"key-{n}", sha256=f"{n:064d}",
                              size_bytes=3, mime_type="application/pdf")
        session.add(doc)
        docs.append(doc)
    session.commit()
    session.add(models.DocumentGrant(document_id=docs[0].id, grantee_kind="share_link", share_link_id=created.view.id,
                                     allowed=True, set_by_user_id=alice.id))
    session.commit()
    found = share_links.open_document(session, created.secret, docs[0].id, passcode_ok=True, now=now)
    assert found.storage_key == "key-1"
    with pytest.raises(NotFound):  # not switched on
        share_links.open_document(session, created.secret, docs[1].id, passcode_ok=True, now=now)
    with pytest.raises(NotFound):  # no passcode given
        share_links.open_document(session, created.secret, docs[0].id, passcode_ok=False, now=now)
    with pytest.raises(NotFound):
        share_links.open_document(session, "wrong", docs[0].id, passcode_ok=True, now=now)
    events = session.exec(select(models.AccessEvent).where(models.AccessEvent.target_kind == "document")).all()
    assert [(e.target_id, e.via) for e in events] == [(docs[0].id, "share_link")]


def test_document_tickets_cannot_be_forged_or_reused_late(session, now, alice):
    created = _create(session, alice, alice.profile, now, sections=["documents"], passcode="soleil-42")
    ticket = share_links.document_ticket(session, created.view.id, 5, now=now)
    assert share_links.ticket_is_valid(session, created.secret, 5, ticket, now=now)
    assert not share_links.ticket_is_valid(session, created.secret, 6, ticket, now=now)  # another document
    assert not share_links.ticket_is_valid(session, created.secret, 5, ticket, now=now + timedelta(minutes=16))
    expires, _, mac = ticket.partition(".")
    assert not share_links.ticket_is_valid(session, created.secret, 5, f"{int(expires) + 3600}.{mac}", now=now)
    assert not share_links.ticket_is_valid(session, created.secret, 5, "", now=now)


def test_the_qr_holds_the_viewer_url_and_a_smart_health_link(session, now, alice):
    created = _create(session, alice, alice.profile, now, passcode="soleil-42", label="Pour le Dr Who")
    target = share_links.qr_target(ORIGIN, created)
    # the secret and the key are in the fragment only: a browser never sends it to the server
    assert target.startswith(f"{ORIGIN}/s#shlink:/")
    assert created.secret not in target.split("#", 1)[0] and "?" not in target.split("#", 1)[0]
    payload = shl.decode(target)
    assert payload["url"] == f"{ORIGIN}/api/shl/{created.secret}" and len(payload["url"]) <= 128
    assert payload["key"] == created.key and payload["flag"] == "P" and payload["label"] == "Pour le Dr Who"
    assert payload["exp"] == created.exp


def test_the_viewer_page_finds_the_secret_in_a_shlink_fragment_of_ours_only(session, now, alice):
    created = _create(session, alice, alice.profile, now)
    fragment = share_links.qr_target(ORIGIN, created).split("#", 1)[1]
    assert share_links.secret_from_shlink(fragment, (ORIGIN,)) == created.secret
    assert share_links.secret_from_shlink("#" + fragment, (ORIGIN,)) == created.secret
    # a link to another server's manifest, garbage, or nothing: no secret
    assert share_links.secret_from_shlink(fragment, ("https://other.example",)) is None
    other = shl.encode({"url": "https://evil.example/api/shl/" + created.secret, "key": created.key})
    assert share_links.secret_from_shlink(other[len(""):], (ORIGIN,)) is None
    sneaky = shl.encode({"url": f"{ORIGIN}/api/shl/../documents/1", "key": created.key})
    assert share_links.secret_from_shlink(sneaky, (ORIGIN,)) is None
    for junk in ("", "shlink:/!!!", "shlink:/" + "A" * 5000, None, 42, "hello"):
        assert share_links.secret_from_shlink(junk, (ORIGIN,)) is None
