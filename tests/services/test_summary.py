"""The summary of a profile, for every kind of reader: each part goes through the policy."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from mes_app.db import models
from mes_app.domain.access import LinkActor, Section, format_sections
from mes_app.domain.errors import NotFound
from mes_app.domain.link_tokens import hash_link_secret, new_link_secret
from mes_app.services import summary as summaries
from mes_app.services.access_facts import load_link_facts
from tests.factories import (
    give_care,
    make_caregiver,
    make_child,
    make_co_guardian,
    make_owner,
    make_professional,
    make_stranger,
)


def _entries(session, profile, author, now):
    pid = profile.id
    base = dict(profile_id=pid, author_user_id=author.id, author_role="guardian")
    rows = [
        models.Allergy(
            code_text="Arachide",
            code_system="http://snomed.info/sct",
            code="91935009",
            reaction="Urticaire",
            severity="severe",
            **base,
        ),
        models.Allergy(code_text="Pollen (guérie)", status="resolved", **base),
        models.Condition(code_text="Eczéma", status="active", onset_date=date(2026, 5, 1), **base),
        models.Condition(code_text="Otite", status="resolved", **base),
        models.Condition(code_text="Suivi psy", status="active", hidden_from_professionals=True, **base),
        models.Treatment(code_text="Doliprane", dosage="2,4 mL", start_date=date(2026, 11, 1), **base),
        models.Treatment(code_text="Amoxicilline", start_date=date(2026, 1, 1), end_date=date(2026, 1, 8), **base),
        models.Vaccination(
            code_text="Hexavalent",
            code_system="http://www.whocc.no/atc",
            code="J07CA09",
            given_on=date(2026, 5, 15),
            dose_number=1,
            **base,
        ),
        models.Measure(
            kind="weight", loinc_code="29463-7", value=7.2, unit="kg", measured_at=now - timedelta(days=30), **base
        ),
        models.Measure(
            kind="weight", loinc_code="29463-7", value=7.9, unit="kg", measured_at=now - timedelta(days=1), **base
        ),
    ]
    session.add_all(rows)
    docs = [
        models.Document(
            title=f"Doc {n}",
            document_date=date(2026, 10, n),
            storage_key=f"k{n}-{pid}",
            sha256=f"{n:064d}",
            size_bytes=10,
            mime_type="application/pdf",
            **base,
        )
        for n in (1, 2)
    ]
    session.add_all(docs)
    session.commit()
    return docs


@pytest.fixture
def family(session, now):
    alice = make_owner(session, "Alice Martin")
    lea = make_child(session, alice)
    docs = _entries(session, lea.profile, alice, now)
    return alice, lea, docs


def _titles(items, attr):
    return sorted(getattr(i, attr).text for i in items)


def test_the_guardian_sees_every_part(session, now, family):
    alice, lea, docs = family
    result = summaries.build_summary(session, alice.actor, lea.id, now=now)
    assert result.identity.given_name == "Léa"
    assert _titles(result.allergies, "substance") == ["Arachide"]  # active only
    assert _titles(result.problems, "condition") == ["Eczéma", "Suivi psy"]  # current, hidden ones included
    assert _titles(result.treatments, "medication") == ["Doliprane"]  # the finished one is not current
    assert [v.vaccine.code for v in result.vaccinations] == ["J07CA09"]
    assert [(m.kind, m.value) for m in result.measures] == [("weight", 7.9)]  # the latest
    assert [d.title for d in result.documents] == ["Doc 2", "Doc 1"]
    assert result.sections == (
        "identity",
        "allergies",
        "problems",
        "treatments",
        "vaccinations",
        "measures",
        "documents",
    )
    assert session.exec(select(models.AccessEvent)).all() == []  # the household is not logged


def test_a_co_guardian_sees_the_same(session, now, family):
    _, lea, _ = family
    bob = make_co_guardian(session, lea)
    assert len(summaries.build_summary(session, bob.actor, lea.id, now=now).problems) == 2


def test_a_professional_does_not_see_hidden_entries_and_the_read_is_logged(session, now, family):
    _, lea, docs = family
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    session.add(
        models.DocumentGrant(
            document_id=docs[0].id,
            grantee_kind="professional",
            grantee_user_id=dr.id,
            allowed=False,
            set_by_user_id=lea.guardian.id,
        )
    )
    session.commit()
    result = summaries.build_summary(session, dr.actor, lea.id, now=now)
    assert _titles(result.problems, "condition") == ["Eczéma"]
    assert [d.title for d in result.documents] == ["Doc 2"]  # Doc 1 switched off for this doctor
    [event] = session.exec(select(models.AccessEvent)).all()
    assert (event.actor_user_id, event.target_kind, event.via) == (dr.id, "summary", "care_team")


def test_a_caregiver_sees_only_their_scope(session, now, family):
    _, lea, docs = family
    nanny = make_caregiver(session, lea, ("vaccinations", "documents"), now)
    session.add(
        models.DocumentGrant(
            document_id=docs[1].id,
            grantee_kind="caregiver",
            grantee_user_id=nanny.id,
            allowed=True,
            set_by_user_id=lea.guardian.id,
        )
    )
    session.commit()
    result = summaries.build_summary(session, nanny.actor, lea.id, now=now)
    assert result.sections == ("vaccinations", "documents")
    assert result.identity is None and result.allergies is None and result.problems is None
    assert [d.title for d in result.documents] == ["Doc 2"]  # only the one switched on


def test_a_link_sees_its_scope_and_only_its_documents(session, now, family):
    alice, lea, docs = family
    link = models.ShareLink(
        profile_id=lea.id,
        token_hash=hash_link_secret(new_link_secret()),
        sections=format_sections([Section.PROFILE, Section.RISK_FACTORS, Section.DOCUMENTS]),
        created_by_user_id=alice.id,
        created_at=now,
        expires_at=now + timedelta(hours=24),
    )
    session.add(link)
    session.commit()
    session.add(
        models.DocumentGrant(
            document_id=docs[0].id,
            grantee_kind="share_link",
            share_link_id=link.id,
            allowed=True,
            set_by_user_id=alice.id,
        )
    )
    session.commit()
    actor = LinkActor(load_link_facts(session, link.id), passcode_ok=False)
    result = summaries.build_link_summary(session, actor, now=now, opener_label="Dr Who")
    assert result.sections == ("identity", "allergies", "documents")
    assert [d.title for d in result.documents] == ["Doc 1"]
    [event] = session.exec(select(models.AccessEvent)).all()
    assert (event.actor_label, event.via, event.grant_id, event.target_kind) == (
        "Dr Who",
        "share_link",
        link.id,
        "summary",
    )
    # the same link, expired: nothing
    with pytest.raises(NotFound):
        summaries.build_link_summary(session, actor, now=now + timedelta(hours=25))


def test_a_stranger_gets_not_found_and_the_attempt_is_logged(session, now, family):
    _, lea, _ = family
    mallory = make_stranger(session)
    with pytest.raises(NotFound):
        summaries.build_summary(session, mallory.actor, lea.id, now=now)
    with pytest.raises(NotFound):
        summaries.build_summary(session, mallory.actor, 999_999, now=now)
    assert session.exec(select(models.AccessEvent)).all() == []  # strangers: the security log only
    events = session.exec(select(models.SecurityEvent).order_by(models.SecurityEvent.id)).all()
    assert [(e.actor_user_id, e.action, e.profile_id) for e in events] == [(mallory.id, "denied", lea.id)]


def test_a_removed_professional_gets_not_found(session, now, family):
    _, lea, _ = family
    dr = make_professional(session)
    give_care(session, dr, lea, now, status="removed")
    with pytest.raises(NotFound):
        summaries.build_summary(session, dr.actor, lea.id, now=now)
