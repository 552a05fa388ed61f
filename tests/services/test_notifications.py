"""Who is told by e-mail about what happens to a record, and how often (issue 15 item 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from mes_app.db import models
from mes_app.db.models import NotificationJob
from mes_app.domain.errors import ValidationError
from mes_app.domain.notifications import Cadence, Kind, Preference, next_digest
from mes_app.services import documents, messaging, notifications
from mes_app.services import emergency_card as cards
from mes_app.storage import LocalStorage
from tests.factories import (
    committed_count,
    give_care,
    make_caregiver,
    make_child,
    make_co_guardian,
    make_owner,
    make_professional,
    profile_of,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 3000 + b"\n%%EOF\n"


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "documents")


def deposit(session, who, profile, storage, now, title="Prise de sang", data=PDF):
    return documents.upload_document(session, who.actor, profile_of(profile).id,
                                     {"title": title, "document_date": "2026-11-20", "category": "11502-2"},
                                     "analyses.pdf", [data], storage=storage, max_bytes=10_000, now=now)


def jobs_for(session, who, kind=None) -> list[NotificationJob]:
    query = select(NotificationJob).where(NotificationJob.user_id == who.id)
    if kind is not None:
        query = query.where(NotificationJob.kind == kind)
    return list(session.exec(query))


def test_a_document_deposited_on_a_child_tells_each_guardian_once_but_not_its_author(session, storage, now):
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, "Léa")
    bob = make_co_guardian(session, lea, "Bob")
    nanny = make_caregiver(session, lea, ("documents",), now=now)
    deposit(session, alice, lea, storage, now)
    assert jobs_for(session, alice) == []  # Alice deposited it herself
    assert [j.kind for j in jobs_for(session, bob)] == ["document"]
    assert jobs_for(session, nanny) == []  # caregivers are not recipients
    assert committed_count(session, NotificationJob) == 1  # committed with the document


def test_a_professional_deposit_tells_the_patient_at_once(session, storage, now):
    alice = make_owner(session, "Alice Durand")
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, alice, now)
    deposit(session, dr, alice, storage, now)
    [job] = jobs_for(session, alice, "document")
    assert job.due_at == now and job.digest_key is None and job.sent_at is None
    assert jobs_for(session, dr, "document") == []


def test_a_turned_off_kind_queues_nothing(session, storage, now):
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, "Léa")
    bob = make_co_guardian(session, lea, "Bob")
    notifications.set_preference(session, bob.id, "document", False, "immediate")
    deposit(session, alice, lea, storage, now)
    assert jobs_for(session, bob) == []


def test_a_weekly_choice_waits_for_the_monday_digest(session, storage, now):
    alice = make_owner(session, "Alice Durand")
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, alice, now)
    notifications.set_preference(session, alice.id, "document", True, "weekly")
    deposit(session, dr, alice, storage, now)
    deposit(session, dr, alice, storage, now + timedelta(hours=1), data=PDF + b"2")
    jobs = jobs_for(session, alice, "document")
    assert len(jobs) == 2
    assert {j.due_at for j in jobs} == {next_digest(now)}
    assert len({j.digest_key for j in jobs}) == 1 and jobs[0].digest_key is not None


def test_the_same_event_twice_queues_once(session, now):
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, "Léa")
    bob = make_co_guardian(session, lea, "Bob")
    for _ in range(2):
        notifications.notify(session, lea.id, Kind.DOCUMENT, "999", now)
        session.commit()
    assert len(jobs_for(session, alice)) == 1
    assert len(jobs_for(session, bob)) == 1


def test_a_rolled_back_event_tells_nobody(session, now):
    alice = make_owner(session, "Alice Durand")
    notifications.notify(session, alice.profile.id, Kind.DOCUMENT, "1", now)
    session.rollback()
    assert committed_count(session, NotificationJob) == 0


def test_a_document_kept_from_the_guardians_tells_them_nothing(session, storage, now):
    alice = make_owner(session, "Alice Durand")
    teen = make_child(session, alice, "Chloé", birth_date=date(2011, 1, 5))
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, teen, now)
    documents.upload_document(session, dr.actor, teen.id,
                              {"title": "Contraception", "document_date": "2026-11-20", "category": "11502-2",
                               "hidden_from_guardians": "on"},
                              "x.pdf", [PDF], storage=storage, max_bytes=10_000, now=now)
    assert jobs_for(session, alice, "document") == []


def test_a_message_from_a_professional_tells_the_household_and_their_reply_tells_nobody(session, now):
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, "Léa")
    bob = make_co_guardian(session, lea, "Bob")
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, lea, now)
    thread = messaging.start_thread(session, dr.actor, lea.id, "Résultats", "Tout va bien", now=now)
    assert len(jobs_for(session, alice, "message")) == 1
    assert len(jobs_for(session, bob, "message")) == 1
    messaging.reply(session, alice.actor, thread.id, "Merci", now=now + timedelta(minutes=5))
    assert len(jobs_for(session, bob, "message")) == 1
    assert jobs_for(session, dr) == []
    messaging.reply(session, dr.actor, thread.id, "Bonne journée", now=now + timedelta(minutes=9))
    assert len(jobs_for(session, alice, "message")) == 2  # a new message, a new mail


def test_a_professionals_first_access_tells_the_patient_once(session, storage, now):
    alice = make_owner(session, "Alice Durand")
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, alice, now)
    documents.list_documents(session, dr.actor, alice.profile.id, now=now)
    session.commit()
    documents.list_documents(session, dr.actor, alice.profile.id, now=now + timedelta(days=2))
    session.commit()
    assert len(jobs_for(session, alice, "first_access")) == 1
    documents.list_documents(session, alice.actor, alice.profile.id, now=now)  # her own reading: nothing
    session.commit()
    assert len(jobs_for(session, alice)) == 1


def test_opening_the_emergency_card_tells_the_guardians(session, now):
    parent = make_owner(session, "Camille Durand")
    hugo = make_child(session, parent, "Hugo", birth_date=date(2012, 4, 2), sex="male")
    cards.save_card(session, parent.actor, hugo.id, sections=["risk_factors"], now=now)
    on = cards.turn_on(session, parent.actor, hugo.id, now=now)
    opening = cards.resolve(session, on.secret, now=now)
    cards.open_card(session, opening.link_id, name="Dr Samu", role="urgentiste", now=now)
    cards.open_card(session, opening.link_id, name="Dr Samu", role="urgentiste", now=now + timedelta(minutes=3))
    assert len(jobs_for(session, parent, "emergency")) == 1  # at most one a day per card


def test_the_sweep_reminds_of_tomorrows_appointment_once(session, now):
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, "Léa")
    bob = make_co_guardian(session, lea, "Bob")
    base = dict(profile_id=lea.id, author_user_id=alice.id, author_role="guardian")
    session.add_all([
        models.Appointment(title="Pédiatre", starts_at=now + timedelta(days=1), **base),
        models.Appointment(title="Dentiste", starts_at=now + timedelta(days=3), **base),
        models.Appointment(title="Annulé", starts_at=now + timedelta(days=1), status="cancelled", **base),
    ])
    session.commit()
    notifications.queue_due_reminders(session, now)
    notifications.queue_due_reminders(session, now + timedelta(hours=1))
    assert len(jobs_for(session, alice, "appointment")) == 1
    assert len(jobs_for(session, bob, "appointment")) == 1


def test_the_sweep_reminds_of_a_vaccine_dose_coming_due_once(session, now):
    alice = make_owner(session, "Alice Durand")
    # born two months minus three days ago: the 2-month doses are due in three days
    baby = make_child(session, alice, "Noé", birth_date=date(2026, 10, 1))
    notifications.queue_due_reminders(session, datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    first = jobs_for(session, alice, "vaccination")
    assert first, "the 2-month doses come due within a week"
    notifications.queue_due_reminders(session, datetime(2026, 11, 29, 9, 0, tzinfo=UTC))
    assert len(jobs_for(session, alice, "vaccination")) == len(first)
    assert all(str(baby.id) in j.dedupe_key for j in first)


def test_preferences_default_to_on_and_immediate_and_keep_a_change(session):
    alice = make_owner(session, "Alice Durand")
    assert notifications.preferences(session, alice.id)[0] == Preference(Kind.DOCUMENT, True, Cadence.IMMEDIATE)
    notifications.set_preference(session, alice.id, "message", False, "weekly")
    notifications.set_preference(session, alice.id, "message", True, "weekly")
    choices = {p.kind: p for p in notifications.preferences(session, alice.id)}
    assert choices[Kind.MESSAGE] == Preference(Kind.MESSAGE, True, Cadence.WEEKLY)
    assert len(choices) == 6


@pytest.mark.parametrize(("kind", "enabled", "cadence"), [
    ("documents", True, "immediate"), ("document", "yes", "immediate"), ("document", True, "daily"),
    (None, True, "weekly"),
])
def test_a_bad_preference_is_refused(session, kind, enabled, cadence):
    alice = make_owner(session, "Alice Durand")
    with pytest.raises(ValidationError):
        notifications.set_preference(session, alice.id, kind, enabled, cadence)
    assert committed_count(session, models.NotificationPreference) == 0


def test_turning_a_kind_off_drops_what_was_waiting_for_the_digest(session, now):
    alice = make_owner(session, "Alice Durand")
    notifications.set_preference(session, alice.id, "message", True, "weekly")
    notifications.notify(session, alice.profile.id, Kind.MESSAGE, "t1", now)
    notifications.notify(session, alice.profile.id, Kind.DOCUMENT, "d1", now)
    session.commit()
    notifications.set_preference(session, alice.id, "message", False, "weekly")
    assert [j.kind for j in jobs_for(session, alice)] == ["document"]
