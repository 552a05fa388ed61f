"""The notification e-mails, through a real local SMTP server (aiosmtpd): what arrives, and
what never does (issue 15 item 2)."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from mes_app import mail
from mes_app.db.models import NotificationJob
from mes_app.domain.notifications import MAX_ATTEMPTS, Kind, next_digest
from mes_app.services import documents, messaging, notifications
from mes_app.storage import LocalStorage
from tests.factories import give_care, make_child, make_co_guardian, make_owner, make_professional
from tests.smtp import _free_port, smtp_server

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 3000 + b"\n%%EOF\n"
TITLE = "Sérologie VIH"


@pytest.fixture()
def mailbox(monkeypatch):
    with smtp_server() as box:
        monkeypatch.setattr(mail, "settings", dataclasses.replace(
            mail.settings, smtp_host="127.0.0.1", smtp_port=box.port, smtp_starttls=False, smtp_user=""))
        yield box


@pytest.fixture()
def family(session, now):
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, "Léandre")
    bob = make_co_guardian(session, lea, "Bob Martin")
    bob.user.locale = "en"
    session.add(bob.user)
    session.commit()
    dr = make_professional(session, "Dr Hippolyte Quenouille")
    give_care(session, dr, lea, now)
    return alice, lea, bob, dr


def deposit(session, tmp_path, who, profile, now, data=PDF, title=TITLE):
    return documents.upload_document(session, who.actor, profile.id,
                                     {"title": title, "document_date": "2026-11-20", "category": "11502-2"},
                                     "serologie.pdf", [data], storage=LocalStorage(tmp_path / "docs"),
                                     max_bytes=10_000, now=now)


def text_of(message) -> str:
    return f"{message['Subject']}\n{message.get_body(('plain',)).get_content()}"


def test_a_deposit_reaches_each_guardian_in_their_language_with_no_health_data(session, tmp_path, now, mailbox,
                                                                              family):
    alice, lea, bob, dr = family
    deposit(session, tmp_path, dr, lea, now)
    report = notifications.send_due(session.get_bind(), now)
    assert report.mails_sent == 4  # to each guardian: the professional's first access, and the document
    assert len(mailbox.to(alice.email)) == 2 and len(mailbox.to(bob.email)) == 2
    to_alice, to_bob = mailbox.wait_for(alice.email, count=2), mailbox.wait_for(bob.email, count=2)
    assert "Du nouveau dans MES" in to_alice["Subject"]
    assert "Something new in MES" in to_bob["Subject"]
    for message in (to_alice, to_bob):
        body = text_of(message)
        assert "http://" in body or "https://" in body
        for secret in (TITLE, "Sérologie", "serologie", "Léandre", "Quenouille", "Hippolyte", "Durand",
                       "Alice", "Bob", "document"):
            assert secret.lower() not in body.lower()
    assert mailbox.to(dr.email) == []
    assert all(j.sent_at is not None for j in session.exec(select(NotificationJob)))
    assert notifications.send_due(session.get_bind(), now + timedelta(minutes=5)).mails_sent == 0
    assert len(mailbox.messages) == 4  # a second pass sends nothing again


def test_a_weekly_digest_groups_the_weeks_events_into_one_mail_on_monday(session, tmp_path, now, mailbox, family):
    alice, lea, bob, dr = family
    notifications.set_preference(session, alice.id, "document", True, "weekly")
    notifications.set_preference(session, alice.id, "message", True, "weekly")
    notifications.set_preference(session, alice.id, "first_access", True, "weekly")
    deposit(session, tmp_path, dr, lea, now)
    deposit(session, tmp_path, dr, lea, now + timedelta(hours=2), data=PDF + b"2")
    messaging.start_thread(session, dr.actor, lea.id, "Résultats", "Tout va bien", now=now + timedelta(hours=3))
    notifications.send_due(session.get_bind(), now + timedelta(hours=4))
    assert mailbox.to(alice.email) == []  # waiting for Monday
    assert len(mailbox.to(bob.email)) == 4  # Bob chose nothing: each at once (with the first access)
    monday = next_digest(now)
    notifications.send_due(session.get_bind(), monday)
    [digest] = mailbox.to(alice.email)
    assert "4" in text_of(digest)  # the first access, two documents, a message: one mail
    assert TITLE not in text_of(digest) and "Résultats" not in text_of(digest)


def test_an_smtp_failure_is_retried_later_then_given_up_and_kept(session, now, monkeypatch, family):
    alice, lea, bob, dr = family
    notifications.notify(session, lea.id, Kind.EMERGENCY, "1", now, exclude_user_id=bob.id)
    session.commit()
    monkeypatch.setattr(mail, "settings", dataclasses.replace(
        mail.settings, smtp_host="127.0.0.1", smtp_port=_free_port(), smtp_starttls=False))  # nobody listens
    when = now
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report = notifications.send_due(session.get_bind(), when)
        assert report.failures == 1
        [job] = session.exec(select(NotificationJob)).all()
        session.refresh(job)
        assert job.attempts == attempt and job.sent_at is None and job.claimed_until is None
        assert job.due_at > when
        assert notifications.send_due(session.get_bind(), when).failures == 0  # not before its time
        when = job.due_at
    assert notifications.send_due(session.get_bind(), when + timedelta(days=30)).failures == 0  # given up
    session.refresh(job)
    assert job.attempts == MAX_ATTEMPTS and job.sent_at is None  # kept, for the operator to see


def test_two_workers_at_once_send_each_mail_once(session, now, mailbox, family):
    alice, lea, bob, dr = family
    for n in range(15):
        notifications.notify(session, lea.id, Kind.DOCUMENT, f"d{n}", now)
    session.commit()
    engine = session.get_bind()
    workers = [threading.Thread(target=notifications.send_due, args=(engine, now), kwargs={"batch": 40})
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    ids = [m["Message-ID"] for m in mailbox.messages]
    assert len(ids) == 30 and len(set(ids)) == 30


def test_the_apps_worker_thread_sends_what_is_queued_while_the_app_runs(session, now, mailbox, family):
    alice, lea, bob, dr = family
    worker = notifications.start_worker(session.get_bind(), interval=0.2)
    try:
        assert notifications.start_worker(session.get_bind()) is worker  # one per process
        notifications.notify(session, lea.id, Kind.EMERGENCY, "card-1", now, exclude_user_id=bob.id)
        session.commit()
        assert mailbox.wait_for(alice.email, timeout=20)["Subject"] == "Du nouveau dans MES"
    finally:
        worker.stop()
    assert not worker.thread.is_alive()
    assert mailbox.to(bob.email) == []
