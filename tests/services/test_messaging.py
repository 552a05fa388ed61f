"""Secure messaging through the services: who starts, who replies, who reads, unread counts,
bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mes_app.db import models
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import messaging, reminders
from tests.factories import (
    committed_count,
    give_care,
    make_caregiver,
    make_child,
    make_co_guardian,
    make_owner,
    make_professional,
    make_stranger,
)

LATER = timedelta(minutes=5)


@pytest.fixture()
def family(session, now):
    camille = make_owner(session, "Camille")
    lea = make_child(session, camille, birth_date=date(2026, 3, 15))
    julien = make_co_guardian(session, lea, "Julien")
    dr = make_professional(session, "Dr Bernard")
    give_care(session, dr, lea, now)
    give_care(session, dr, camille, now)
    return camille, lea, julien, dr


def start(session, dr, profile_id, now, subject="Vaccin de Léa", body="Bonjour, le rappel est à prévoir."):
    return messaging.start_thread(session, dr.actor, profile_id, subject, body, now=now)


def _document(session, profile_id, author, *, title="Ordonnance", hidden=False, role="professional"):
    doc = models.Document(profile_id=profile_id, author_user_id=author.id, author_role=role, title=title,
                          document_date=date(2026, 11, 20), storage_key=f"k-{title}-{profile_id}", sha256="0" * 64,
                          size_bytes=10, mime_type="application/pdf", hidden_from_professionals=hidden)
    session.add(doc)
    session.commit()
    return doc


# --------------------------------------------------------------------------- who may start


def test_a_professional_of_the_care_team_starts_a_thread_the_guardians_see_it_unread(session, now, family):
    camille, lea, julien, dr = family
    thread = start(session, dr, lea.id, now)
    assert thread.subject == "Vaccin de Léa" and thread.profile_name == "Léa" and thread.unread == 0
    assert thread.professional_name == "Dr Bernard"
    for parent in (camille, julien):
        [seen] = messaging.list_threads(session, parent.actor, now=now)
        assert seen.id == thread.id and seen.unread == 1 and seen.preview.startswith("Bonjour")
        assert messaging.unread_total(session, parent.actor, now=now) == 1
    assert messaging.unread_total(session, dr.actor, now=now) == 0
    assert committed_count(session, models.Message) == 1


def test_a_professional_outside_the_care_team_cannot_start_and_learns_nothing(session, now, family):
    camille, lea, julien, dr = family
    other = make_professional(session, "Dr Autre")
    with pytest.raises(NotFound):
        start(session, other, lea.id, now)
    give_care(session, other, lea, now, status="removed")
    with pytest.raises(NotFound):
        start(session, other, lea.id, now)
    assert committed_count(session, models.MessageThread) == 0


@pytest.mark.parametrize("who", ["owner", "guardian", "co_guardian"])
def test_a_patient_or_a_guardian_cannot_start_a_thread(session, now, family, who):
    camille, lea, julien, dr = family
    actor, pid = {"owner": (camille, camille.profile.id), "guardian": (camille, lea.id),
                  "co_guardian": (julien, lea.id)}[who]
    with pytest.raises(Forbidden):
        messaging.start_thread(session, actor.actor, pid, "Question", "Bonjour docteur", now=now)
    assert committed_count(session, models.MessageThread) == 0


def test_a_stranger_and_a_caregiver_cannot_start(session, now, family):
    camille, lea, julien, dr = family
    mallory = make_stranger(session)
    nanny = make_caregiver(session, lea, ("messages",), now)
    with pytest.raises(NotFound):
        messaging.start_thread(session, mallory.actor, lea.id, "Hello", "Hi", now=now)
    with pytest.raises(Forbidden):  # the policy: an in-scope caregiver is read-only
        messaging.start_thread(session, nanny.actor, lea.id, "Hello", "Hi", now=now)


# --------------------------------------------------------------------------- replies


def test_both_guardians_reply_for_a_child_and_the_professional_sees_the_replies_unread(session, now, family):
    camille, lea, julien, dr = family
    thread = start(session, dr, lea.id, now)
    detail = messaging.open_thread(session, camille.actor, thread.id, now=now + LATER)
    assert detail.can_reply and [m.body for m in detail.messages] == ["Bonjour, le rappel est à prévoir."]
    assert detail.messages[0].by_professional and not detail.messages[0].mine
    messaging.reply(session, camille.actor, thread.id, "Merci, on prend rendez-vous.", now=now + 2 * LATER)
    messaging.reply(session, julien.actor, thread.id, "Je l'emmènerai.", now=now + 3 * LATER)
    assert messaging.unread_total(session, dr.actor, now=now + 3 * LATER) == 2
    [seen] = messaging.list_threads(session, dr.actor, now=now + 3 * LATER)
    assert seen.unread == 2 and seen.preview == "Je l'emmènerai."
    detail = messaging.open_thread(session, dr.actor, thread.id, now=now + 4 * LATER)
    assert [m.author_name for m in detail.messages] == ["Dr Bernard", "Camille", "Julien"]
    assert messaging.unread_total(session, dr.actor, now=now + 4 * LATER) == 0
    # Camille read up to her own reply: Julien's message is new to her, not to Julien
    assert messaging.unread_total(session, camille.actor, now=now + 4 * LATER) == 1
    assert messaging.unread_total(session, julien.actor, now=now + 4 * LATER) == 0  # replying marks the thread read


def test_threads_are_listed_newest_first_across_the_family(session, now, family):
    camille, lea, julien, dr = family
    first = start(session, dr, lea.id, now, subject="Premier")
    second = start(session, dr, camille.profile.id, now + LATER, subject="Second")
    assert [t.subject for t in messaging.list_threads(session, camille.actor, now=now + LATER)] == ["Second", "Premier"]
    messaging.reply(session, camille.actor, first.id, "Réponse", now=now + 2 * LATER)
    assert [t.id for t in messaging.list_threads(session, camille.actor, now=now + 2 * LATER)] == [first.id, second.id]
    # Julien guards Léa but is not Camille: he sees Léa's thread only
    assert [t.id for t in messaging.list_threads(session, julien.actor, now=now + 2 * LATER)] == [first.id]


def test_a_professional_removed_from_the_care_team_cannot_send_any_more(session, now, family):
    camille, lea, julien, dr = family
    thread = start(session, dr, lea.id, now)
    care = session.exec(
        models.CareRelationship.__table__.select().where(models.CareRelationship.profile_id == lea.id)
    ).first()
    row = session.get(models.CareRelationship, care.id)
    row.status = "removed"
    session.add(row)
    session.commit()
    with pytest.raises(NotFound):
        messaging.reply(session, dr.actor, thread.id, "Encore moi", now=now + LATER)
    with pytest.raises(NotFound):
        messaging.open_thread(session, dr.actor, thread.id, now=now + LATER)
    assert messaging.list_threads(session, dr.actor, now=now + LATER) == []
    messaging.reply(session, camille.actor, thread.id, "Bien reçu", now=now + LATER)
    assert messaging.unread_total(session, dr.actor, now=now + LATER) == 0  # no badge for a lost patient
    assert committed_count(session, models.Message) == 2


def test_another_professional_of_the_care_team_is_not_in_the_thread(session, now, family):
    camille, lea, julien, dr = family
    colleague = make_professional(session, "Dr Collègue", specialty="Pédiatrie")
    give_care(session, colleague, lea, now)
    thread = start(session, dr, lea.id, now)
    with pytest.raises(NotFound):
        messaging.open_thread(session, colleague.actor, thread.id, now=now)
    with pytest.raises(NotFound):
        messaging.reply(session, colleague.actor, thread.id, "Moi aussi", now=now)
    assert messaging.list_threads(session, colleague.actor, now=now) == []
    assert messaging.unread_total(session, colleague.actor, now=now) == 0


def test_caregivers_follow_the_policy_and_a_stranger_finds_nothing(session, now, family):
    camille, lea, julien, dr = family
    thread = start(session, dr, lea.id, now)
    reader = make_caregiver(session, lea, ("messages",), now, name="Mamie")
    out_of_scope = make_caregiver(session, lea, ("vaccinations",), now, name="Nounou")
    revoked = make_caregiver(session, lea, ("messages",), now, revoked_at=now - timedelta(days=1), name="Ex")
    mallory = make_stranger(session)
    detail = messaging.open_thread(session, reader.actor, thread.id, now=now)
    assert not detail.can_reply and len(detail.messages) == 1
    with pytest.raises(Forbidden):
        messaging.reply(session, reader.actor, thread.id, "Coucou", now=now)
    for who in (out_of_scope, revoked, mallory):
        with pytest.raises(NotFound):
            messaging.open_thread(session, who.actor, thread.id, now=now)
        with pytest.raises(NotFound):
            messaging.reply(session, who.actor, thread.id, "Coucou", now=now)
        assert messaging.list_threads(session, who.actor, now=now) == []
        assert messaging.unread_total(session, who.actor, now=now) == 0
    with pytest.raises(NotFound):  # a made-up or malformed id is simply not found
        messaging.open_thread(session, camille.actor, "abc", now=now)
    with pytest.raises(NotFound):
        messaging.open_thread(session, camille.actor, 10**9, now=now)
    assert committed_count(session, models.Message) == 1


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("body, code", [
    ("x" * 1_000_000, "error.text_too_long"),
    ("x" * (messaging.MAX_BODY_LEN + 1), "error.text_too_long"),
    ("", "error.required"),
    ("   \n\t ", "error.required"),
    (None, "error.required"),
    (["liste"], "error.invalid_text"),
])
def test_a_huge_an_empty_or_a_malformed_message_is_refused_clearly(session, now, family, body, code):
    camille, lea, julien, dr = family
    thread = start(session, dr, lea.id, now)
    with pytest.raises(ValidationError) as error:
        messaging.reply(session, camille.actor, thread.id, body, now=now)
    assert error.value.code == code
    if code == "error.text_too_long":
        assert error.value.params["max"] == messaging.MAX_BODY_LEN
    with pytest.raises(ValidationError):
        messaging.start_thread(session, dr.actor, lea.id, "Sujet", body, now=now)
    with pytest.raises(ValidationError):
        messaging.start_thread(session, dr.actor, lea.id, "", "Bonjour", now=now)
    assert committed_count(session, models.Message) == 1
    assert committed_count(session, models.MessageThread) == 1


def test_a_message_of_exactly_the_limit_is_kept_whole(session, now, family):
    camille, lea, julien, dr = family
    thread = start(session, dr, lea.id, now)
    messaging.reply(session, camille.actor, thread.id, "é" * messaging.MAX_BODY_LEN, now=now)
    detail = messaging.open_thread(session, dr.actor, thread.id, now=now)
    assert detail.messages[-1].body == "é" * messaging.MAX_BODY_LEN


def test_html_and_script_are_kept_as_plain_text(session, now, family):
    camille, lea, julien, dr = family
    evil = '<script>alert("x")</script><b>gras</b> <img src=x onerror=alert(1)>'
    thread = messaging.start_thread(session, dr.actor, lea.id, "<i>Sujet</i>", evil, now=now)
    detail = messaging.open_thread(session, camille.actor, thread.id, now=now)
    assert detail.messages[0].body == evil  # stored and returned as typed: the UI shows it as text
    assert detail.thread.subject == "<i>Sujet</i>"


# --------------------------------------------------------------------------- attachments


def test_an_attachment_is_a_document_of_the_profile_shown_only_to_who_may_read_it(session, now, family):
    camille, lea, julien, dr = family
    prescription = _document(session, lea.id, dr, title="Ordonnance")
    thread = messaging.start_thread(session, dr.actor, lea.id, "Ordonnance", "Ci-joint", now=now,
                                    attachment_document_id=prescription.id)
    detail = messaging.open_thread(session, camille.actor, thread.id, now=now)
    assert (detail.messages[0].attachment_id, detail.messages[0].attachment_title) == (prescription.id, "Ordonnance")
    # a document hidden from professionals cannot be sent by, nor shown to, the professional
    private = _document(session, lea.id, camille, title="Psy", hidden=True, role="guardian")
    with pytest.raises(NotFound):
        messaging.reply(session, dr.actor, thread.id, "Voir", attachment_document_id=private.id, now=now)
    messaging.reply(session, camille.actor, thread.id, "Voici", attachment_document_id=private.id, now=now + LATER)
    last = messaging.open_thread(session, dr.actor, thread.id, now=now + LATER).messages[-1]
    assert last.attachment_id == 0 and last.attachment_title == "" and last.attachment_hidden
    # a document of another profile is not found
    other = _document(session, camille.profile.id, camille, title="Autre", role="patient")
    with pytest.raises(NotFound):
        messaging.reply(session, camille.actor, thread.id, "Voici", attachment_document_id=other.id, now=now)


# --------------------------------------------------------------------------- the home reminders agree


def test_the_home_reminders_count_the_same_unread_messages_and_link_to_messages(session, now, family):
    camille, lea, julien, dr = family
    thread = start(session, dr, lea.id, now)
    messaging.reply(session, dr.actor, thread.id, "Et aussi…", now=now + LATER)
    found = [r for r in reminders.reminders(session, camille.actor, now=now + LATER) if r.kind == "unread_messages"]
    assert [(r.count, r.link) for r in found] == [(2, "/messages")]
    assert messaging.unread_total(session, camille.actor, now=now + LATER) == 2
    messaging.open_thread(session, camille.actor, thread.id, now=now + 2 * LATER)
    assert not [r for r in reminders.reminders(session, camille.actor, now=now + 2 * LATER)
                if r.kind == "unread_messages"]
