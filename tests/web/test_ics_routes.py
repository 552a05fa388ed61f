"""The calendar export routes: session cookie, access policy, and files a calendar app can read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from starlette.testclient import TestClient

from mes_app.services import accounts, appointments
from mes_app.web import routes
from tests.factories import give_care, make_child, make_owner, make_professional, make_stranger
from tests.web import use_engine

FORM = {
    "title": "Examen du 9e mois",
    "starts_at": "2027-01-08T09:30",
    "ends_at": "2027-01-08T10:00",
    "location": "Cabinet médical",
    "practitioner": "Dr Bernard",
    "reason": "",
    "note": "",
}


@pytest.fixture()
def world(engine, session, monkeypatch):
    use_engine(monkeypatch, engine)
    now = routes.utcnow()
    alice = make_owner(session)
    lea = make_child(session, alice)
    mallory = make_stranger(session)
    mine = appointments.add_appointment(session, alice.actor, lea.id, FORM, now=now)
    own = appointments.add_appointment(
        session,
        alice.actor,
        alice.profile.id,
        {**FORM, "title": "Dentiste", "starts_at": "2027-01-02T08:00", "ends_at": ""},
        now=now,
    )
    theirs = appointments.add_appointment(
        session, mallory.actor, mallory.profile.id, {**FORM, "title": "Secret de Mallory"}, now=now
    )
    client = TestClient(
        routes.guard(routes.build_api()),
        base_url="http://localhost:3000",
        follow_redirects=False,
        headers={"Origin": "http://localhost:3000"},
    )

    def cookie_for(persona) -> dict[str, str]:
        secret = accounts.open_session(session, persona.user, now=now, lifetime=timedelta(hours=1))
        return {"cookie": f"mes_session={secret}"}

    return {
        "client": client,
        "alice": alice,
        "lea": lea,
        "mallory": mallory,
        "mine": mine,
        "own": own,
        "theirs": theirs,
        "cookie_for": cookie_for,
        "session": session,
    }


def events(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_one_appointment_as_a_calendar_file(world):
    response = world["client"].get(
        f"/api/appointments/{world['mine'].id}.ics", headers=world["cookie_for"](world["alice"])
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.headers["cache-control"] == "no-store"
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.headers["x-content-type-options"] == "nosniff"
    [event] = events(response)
    assert str(event["summary"]) == "Léa · Examen du 9e mois"
    assert event.decoded("dtstart") == datetime(2027, 1, 8, 8, 30, tzinfo=UTC)


def test_all_appointments_of_one_profile_or_of_the_whole_family(world):
    client, headers = world["client"], world["cookie_for"](world["alice"])
    lea_only = client.get(f"/api/appointments.ics?profile={world['lea'].id}", headers=headers)
    assert [str(e["summary"]) for e in events(lea_only)] == ["Léa · Examen du 9e mois"]
    everything = client.get("/api/appointments.ics", headers=headers)
    assert [str(e["summary"]) for e in events(everything)] == ["Alice · Dentiste", "Léa · Examen du 9e mois"]
    assert b"Mallory" not in everything.content


def test_another_familys_ids_are_not_found(world):
    client, headers = world["client"], world["cookie_for"](world["mallory"])
    assert client.get(f"/api/appointments/{world['mine'].id}.ics", headers=headers).status_code == 404
    refused = client.get(f"/api/appointments.ics?profile={world['lea'].id}", headers=headers)
    assert refused.status_code == 404 and b"Examen" not in refused.content
    assert client.get("/api/appointments/999999.ics", headers=headers).status_code == 404
    # Mallory's own export holds only Mallory's appointment.
    assert [str(e["summary"]) for e in events(client.get("/api/appointments.ics", headers=headers))] == [
        "Mallory · Secret de Mallory"
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/api/appointments/abc.ics",
        "/api/appointments/-1.ics",
        "/api/appointments.ics?profile=abc",
        "/api/appointments.ics?profile=",
    ],
)
def test_garbage_ids_are_not_found(world, path):
    response = world["client"].get(path, headers=world["cookie_for"](world["alice"]))
    assert response.status_code == 404


def test_without_a_valid_session_nothing_is_served(world):
    client = world["client"]
    for headers in ({}, {"cookie": "mes_session=forged"}, {"cookie": "garbage;;=="}):
        response = client.get(f"/api/appointments/{world['mine'].id}.ics", headers=headers)
        assert response.status_code == 401 and b"Examen" not in response.content
        assert client.get("/api/appointments.ics", headers=headers).status_code == 401


def test_a_professional_reads_through_the_care_team_and_it_is_recorded(world):
    from mes_app.db.models import AccessEvent
    from tests.factories import committed_count

    dr = make_professional(world["session"])
    give_care(world["session"], dr, world["lea"], routes.utcnow())
    response = world["client"].get(f"/api/appointments.ics?profile={world['lea'].id}", headers=world["cookie_for"](dr))
    assert [str(e["summary"]) for e in events(response)] == ["Léa · Examen du 9e mois"]
    assert (
        committed_count(
            world["session"], AccessEvent, AccessEvent.actor_user_id == dr.id, AccessEvent.via == "care_team"
        )
        == 1
    )
