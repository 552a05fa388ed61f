"""The prevention calendar of a profile and the reminders across the family, through the services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mes_app.db import models
from mes_app.domain.errors import NotFound
from mes_app.domain.terminology import ATC
from mes_app.services import appointments, prevention, reminders
from tests.factories import (
    give_care,
    make_caregiver,
    make_child,
    make_co_guardian,
    make_owner,
    make_professional,
    make_stranger,
)

# NOW: 2026-11-28. Léa, born 2026-03-15, is 8 months old: the 9th-month examination is due and
# her 11-month booster is next.
LEA_BIRTH = date(2026, 3, 15)


def _vaccination(session, profile_id, day, code, *, hidden=False, author=None):
    session.add(
        models.Vaccination(
            profile_id=profile_id,
            code_system=ATC if code else None,
            code=code,
            code_text=code or "Vaccin",
            given_on=day,
            author_user_id=author,
            author_role="guardian",
            hidden_from_professionals=hidden,
        )
    )


def _visit(session, profile_id, day, *, hidden=False):
    session.add(
        models.Encounter(
            profile_id=profile_id,
            kind="gp_visit",
            title="Examen",
            author_role="guardian",
            occurred_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
            hidden_from_professionals=hidden,
        )
    )


@pytest.fixture()
def family(session):
    camille = make_owner(session, "Camille", birth_date=date(1990, 5, 17))
    lea = make_child(session, camille, birth_date=LEA_BIRTH)
    for day, code in [
        (date(2026, 5, 16), "J07CA09"),
        (date(2026, 5, 16), "J07AL02"),
        (date(2026, 5, 16), "J07BH01"),
        (date(2026, 6, 16), "J07AH09"),
        (date(2026, 6, 16), "J07BH01"),
        (date(2026, 7, 16), "J07CA09"),
        (date(2026, 7, 16), "J07AL02"),
        (date(2026, 8, 16), "J07AH09"),
        (date(2026, 9, 2), "J06BD08"),
    ]:  # Beyfortus when her first RSV season opened
        _vaccination(session, lea.id, day, code)
    # Camille's record is not empty (her 25-year booster): she is no newcomer, late is late.
    _vaccination(session, camille.profile.id, date(2015, 6, 6), "J07AJ52")
    session.commit()
    return camille, lea


def test_the_calendar_of_an_infant_shows_the_next_vaccination_and_what_is_late(session, now, family):
    camille, lea = family
    view = prevention.profile_calendar(session, camille.actor, lea.id, now=now)
    statuses = {i.key: i.status for i in view.items}
    assert statuses["hexavalent-2"] == "done" and statuses["menb-2"] == "done"
    assert statuses["menacwy_infant-1"] == "overdue"  # the 6-month ACWY dose is not recorded
    assert [i.key for i in view.next_vaccines] == ["menacwy_infant-1"]
    assert statuses["exam-9m"] == "due" and view.has_exams
    assert view.version == "2025.2"
    next_one = next(i for i in view.items if i.key == "menacwy_infant-1")
    assert "2025" in next_one.reason and next_one.due_date == "2026-09-15"


def test_a_caregiver_with_vaccinations_only_sees_no_examinations_and_a_stranger_nothing(session, now, family):
    camille, lea = family
    nanny = make_caregiver(session, lea, ("vaccinations",), now)
    view = prevention.profile_calendar(session, nanny.actor, lea.id, now=now)
    assert not view.has_exams and all(i.kind == "vaccine" for i in view.items)
    with pytest.raises(NotFound):
        prevention.profile_calendar(session, make_stranger(session).actor, lea.id, now=now)


def test_an_entry_hidden_from_professionals_does_not_show_through_for_the_doctor(session, now, family):
    camille, lea = family
    _vaccination(session, lea.id, date(2026, 9, 16), "J07AH08", hidden=True)
    session.commit()
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    mine = {i.key: i.status for i in prevention.profile_calendar(session, camille.actor, lea.id, now=now).items}
    theirs = {i.key: i.status for i in prevention.profile_calendar(session, dr.actor, lea.id, now=now).items}
    assert mine["menacwy_infant-1"] == "done" and theirs["menacwy_infant-1"] == "overdue"


def test_uncoded_vaccinations_are_counted_apart(session, now, family):
    camille, lea = family
    _vaccination(session, lea.id, date(2026, 9, 16), None)
    session.commit()
    assert prevention.profile_calendar(session, camille.actor, lea.id, now=now).uncoded_vaccinations == 1


def test_reminders_across_the_family(session, now, family):
    camille, lea = family
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    soon = appointments.add_appointment(
        session, camille.actor, lea.id, {"title": "Examen du 9e mois", "starts_at": "2026-12-03T09:30"}, now=now
    )
    appointments.add_appointment(
        session, camille.actor, lea.id, {"title": "Dans un mois", "starts_at": "2026-12-28T09:30"}, now=now
    )
    proposal = appointments.add_appointment(
        session, dr.actor, lea.id, {"title": "Vaccins du 11e mois", "starts_at": "2027-02-16T09:00"}, now=now
    )
    found = reminders.reminders(session, camille.actor, now=now)
    kinds = [(r.kind, r.profile_name, r.title) for r in found]
    assert kinds[0] == ("appointment_proposed", "Léa", "Vaccins du 11e mois")
    assert ("appointment_soon", "Léa", "Examen du 9e mois") in kinds
    assert not any(title == "Dans un mois" for _, _, title in kinds)
    assert ("vaccine_overdue", "Léa", "Méningocoques A, C, W, Y") in kinds
    # Camille's own record: she was born in 1990, no MMR recorded -> one reminder for the series, 2 doses.
    mmr = next(r for r in found if r.profile_name == "Camille" and r.kind == "vaccine_overdue" and "ROR" in r.title)
    assert mmr.count == 2
    assert soon.id and proposal.id


def test_documents_from_someone_else_and_unread_messages_are_counted(session, now, family):
    camille, lea = family
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    for n, (author, role, age) in enumerate(
        [(dr.id, "professional", 2), (camille.id, "guardian", 1), (dr.id, "professional", 20)]
    ):
        session.add(
            models.Document(
                profile_id=lea.id,
                author_user_id=author,
                author_role=role,
                title=f"Doc {n}",
                document_date=date(2026, 11, 1),
                storage_key=f"k{n}",
                sha256="0" * 64,
                size_bytes=10,
                mime_type="application/pdf",
                created_at=now - timedelta(days=age),
            )
        )
    thread = models.MessageThread(profile_id=lea.id, subject="Résultats", started_by_user_id=dr.id)
    session.add(thread)
    session.flush()
    session.add(
        models.Message(thread_id=thread.id, author_user_id=dr.id, body="Bonjour", sent_at=now - timedelta(hours=3))
    )
    session.add(
        models.Message(thread_id=thread.id, author_user_id=dr.id, body="Tout va bien", sent_at=now - timedelta(hours=1))
    )
    session.add(models.Message(thread_id=thread.id, author_user_id=camille.id, body="Merci", sent_at=now))
    session.commit()
    found = {r.kind: r for r in reminders.reminders(session, camille.actor, now=now) if r.profile_name == "Léa"}
    assert found["new_documents"].count == 1  # the doctor's recent one; not hers, not the old one
    assert found["unread_messages"].count == 2
    session.add(models.MessageRead(thread_id=thread.id, user_id=camille.id, last_read_at=now - timedelta(hours=2)))
    session.commit()
    found = {r.kind: r for r in reminders.reminders(session, camille.actor, now=now) if r.profile_name == "Léa"}
    assert found["unread_messages"].count == 1


def test_a_professional_or_a_caregiver_gets_no_family_reminders(session, now, family):
    camille, lea = family
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    assert reminders.reminders(session, dr.actor, now=now) == []
    nanny = make_caregiver(session, lea, ("vaccinations", "appointments"), now)
    assert reminders.reminders(session, nanny.actor, now=now) == []


def test_software_entries_kept_from_guardians_are_not_counted_for_them(session):
    """teen: an entry a doctor's software added, then marked "invisible to legal
    representatives", must not even show up in the guardians' "added by software" count."""
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    parent = make_owner(session, "Camille")
    teen = make_child(session, parent, "Chloé", birth_date=date(2011, 2, 10))
    doctor = make_professional(session)
    give_care(session, doctor, teen)
    software = models.ConnectedSoftware(owner_user_id=doctor.id, name="CabinetSoft", client_id="c-1", jwks="{}")
    session.add(software)
    session.flush()
    for secret in (False, True):
        entry = models.Condition(profile_id=teen.profile.id, author_user_id=doctor.id, author_role="professional",
                                 code_text="Asthme" if not secret else "Contraception", status="active",
                                 hidden_from_guardians=secret)
        session.add(entry)
        session.flush()
        session.add(models.FhirIntake(software_id=software.id, profile_id=teen.profile.id, resource_type="Condition",
                                      target_kind="conditions", target_id=entry.id, created_at=now - timedelta(days=1)))
    session.commit()

    found = [r for r in reminders.reminders(session, parent.actor, now=now) if r.kind == "software_entries"]
    assert [r.count for r in found] == [1]


# --------------------------------------------------------------------------- the shell's profiles passed on (issue 10)


def test_the_profiles_the_caller_read_give_the_same_reminders(session, now, family):
    """Home passes the profiles the shell read in the same session: the reminders are those
    the service finds on its own."""
    from mes_app.services.profiles import accessible_profiles

    camille, lea = family
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    appointments.add_appointment(session, dr.actor, lea.id, {"title": "Vaccins", "starts_at": "2027-02-16T09:00"},
                                 now=now)
    alone = reminders.reminders(session, camille.actor, now=now)
    views = accessible_profiles(session, camille.actor, now=now)
    assert reminders.reminders(session, camille.actor, now=now, profiles=views) == alone
    assert {r.kind for r in alone} >= {"appointment_proposed", "vaccine_overdue"}


def test_a_profile_view_the_policy_no_longer_backs_brings_no_reminders(session, now, family):
    """The views are judged again on the session's facts: a guardian who stepped down, or a
    view naming someone else's profile, gets nothing of that profile (its unread messages, its
    card's openings are read without a check of their own)."""
    from mes_app.services.profiles import accessible_profiles

    camille, lea = family
    co = make_co_guardian(session, lea, "Bob")
    views = accessible_profiles(session, co.actor, now=now)
    thread = models.MessageThread(profile_id=lea.id, subject="Résultats", started_by_user_id=camille.id)
    session.add(thread)
    session.flush()
    session.add(models.Message(thread_id=thread.id, author_user_id=camille.id, body="Bonjour", sent_at=now))
    session.add(models.AccessEvent(occurred_at=now - timedelta(hours=1), profile_id=lea.id, actor_label="SAMU",
                                   action="read", target_kind="summary", via="emergency"))
    session.commit()
    before = {r.kind for r in reminders.reminders(session, co.actor, now=now, profiles=views)
              if r.profile_id == lea.id}
    assert {"unread_messages", "emergency_opened"} <= before
    ship = session.exec(sa_select_guardianship(lea.id, co.id)).one()
    ship.ended_at = now - timedelta(minutes=1)
    session.add(ship)
    session.commit()
    stale = reminders.reminders(session, co.actor, now=now, profiles=views)  # views read before he stepped down
    assert not [r for r in stale if r.profile_id == lea.id]
    stranger = make_stranger(session)
    assert reminders.reminders(session, stranger.actor, now=now, profiles=views) == []


def sa_select_guardianship(profile_id: int, user_id: int):  # noqa: ANN201
    from sqlmodel import select

    return select(models.Guardianship).where(models.Guardianship.profile_id == profile_id,
                                             models.Guardianship.user_id == user_id)


def test_a_dismissed_opening_is_left_out_and_the_others_still_shown(session, now, family):
    camille, lea = family
    events = [models.AccessEvent(occurred_at=now - timedelta(hours=h), profile_id=lea.id, actor_label=f"SAMU {h}",
                                 action="read", target_kind="summary", via="emergency") for h in (1, 2, 3)]
    session.add_all(events)
    session.commit()
    reminders.dismiss_notice(session, camille.actor, f"emergency-{events[1].id}", now=now)
    shown = [r.title for r in reminders.reminders(session, camille.actor, now=now) if r.kind == "emergency_opened"]
    assert shown == ["SAMU 3", "SAMU 1"]  # oldest first, as every reminder
    other = make_co_guardian(session, lea, "Bob")  # dismissing is per account
    shown = [r.title for r in reminders.reminders(session, other.actor, now=now) if r.kind == "emergency_opened"]
    assert shown == ["SAMU 3", "SAMU 2", "SAMU 1"]
