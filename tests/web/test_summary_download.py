"""``GET /api/summary/ips.json?profile=<id>``: the summary as an IPS Bundle to take home, for
whoever may read the summary; strangers get 404; every download is in the access history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlmodel import select
from starlette.testclient import TestClient

from mes_app.db.models import AccessEvent, Allergy
from mes_app.services import accounts
from mes_app.web import routes
from tests.factories import give_care, make_child, make_owner, make_professional, make_stranger
from tests.web import use_engine

ORIGIN = "http://localhost:3000"


@pytest.fixture()
def world(engine, session, monkeypatch):
    use_engine(monkeypatch, engine)
    now = routes.utcnow()
    alice = make_owner(session, "Alice Martin")
    lea = make_child(session, alice)
    session.add(Allergy(profile_id=lea.id, author_user_id=alice.id, author_role="guardian", code_text="Arachide",
                        code_system="http://snomed.info/sct", code="91935009", severity="severe"))
    session.commit()
    client = TestClient(routes.guard(routes.build_api()), base_url=ORIGIN, follow_redirects=False,
                        headers={"Origin": ORIGIN})

    def cookie_for(persona) -> dict[str, str]:
        secret = accounts.open_session(session, persona.user, now=now, lifetime=timedelta(hours=1))
        return {"cookie": f"mes_session={secret}; mes_lang=fr"}

    return {"client": client, "alice": alice, "lea": lea, "cookie_for": cookie_for}


def _get(world, profile_id, persona):
    return world["client"].get(f"/api/summary/ips.json?profile={profile_id}", headers=world["cookie_for"](persona))


def test_a_guardian_downloads_the_childs_ips_bundle_as_an_attachment(world, session):
    answer = _get(world, world["lea"].id, world["alice"])
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/fhir+json")
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["cache-control"] == "no-store" and answer.headers["content-security-policy"] == "sandbox"
    bundle = answer.json()
    Bundle.model_validate(bundle)
    resources = [e["resource"] for e in bundle["entry"]]
    [allergy] = [r for r in resources if r["resourceType"] == "AllergyIntolerance"]
    assert allergy["code"]["text"] == "Arachide"
    # the child did not write it: the guardian who made it is the author
    composition = resources[0]
    [author] = composition["author"]
    [guardian] = [e for e in bundle["entry"] if e["fullUrl"] == author["reference"]]
    assert guardian["resource"]["resourceType"] == "RelatedPerson"
    assert guardian["resource"]["name"][0]["text"] == world["alice"].user.display_name
    events = session.exec(select(AccessEvent).where(AccessEvent.target_kind == "summary_fhir")).all()
    assert [(e.action, e.via, e.actor_user_id) for e in events] == [("download", "guardian", world["alice"].id)]


def test_the_patient_is_the_author_of_their_own_summary(world):
    bundle = _get(world, world["alice"].profile.id, world["alice"]).json()
    composition = bundle["entry"][0]["resource"]
    patient = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert composition["author"] == [{"reference": patient["fullUrl"]}]
    assert not [e for e in bundle["entry"] if e["resource"]["resourceType"] == "RelatedPerson"]


def test_a_stranger_or_a_bad_id_gets_404_and_nobody_logged_in_401(world, session):
    mallory = make_stranger(session)
    for pid in (world["lea"].id, world["alice"].profile.id, 999_999, "abc", ""):
        answer = _get(world, pid, mallory)
        assert answer.status_code == 404 and "Arachide" not in answer.text
    assert world["client"].get(f"/api/summary/ips.json?profile={world['lea'].id}").status_code == 401
    assert not session.exec(select(AccessEvent).where(AccessEvent.target_kind == "summary_fhir")).all()


def test_the_care_team_downloads_and_it_is_recorded(world, session):
    doctor = make_professional(session)
    give_care(session, doctor, world["lea"], now=routes.utcnow() - timedelta(days=1))
    answer = _get(world, world["lea"].id, doctor)
    assert answer.status_code == 200
    events = session.exec(select(AccessEvent).where(AccessEvent.target_kind == "summary_fhir")).all()
    assert [(e.via, e.actor_user_id) for e in events] == [("care_team", doctor.id)]
