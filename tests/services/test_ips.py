"""The further IPS sections for a reader, through the access policy, and the IPS of a child's
share link (authored by the guardian who made the link)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle

from mes_app.db import models
from mes_app.domain import shl
from mes_app.services import ips, share_links
from mes_app.services.access_facts import load_profile_facts
from tests.factories import give_care, make_caregiver, make_child, make_owner, make_professional


@pytest.fixture
def family(session, now):
    alice = make_owner(session, "Alice Martin")
    lea = make_child(session, alice)
    pid = lea.id

    def add(row):  # noqa: ANN001, ANN202
        session.add(row)
        return row

    common = dict(profile_id=pid, author_user_id=alice.id, author_role="guardian")
    add(models.Condition(**common, code_text="Bronchiolite", status="resolved", onset_date=date(2025, 1, 10),
                         abatement_date=date(2025, 1, 25)))
    add(models.Condition(**common, code_text="Eczéma", status="active"))
    add(models.Hospitalisation(**common, code_text="Bronchiolite", facility="CHU", admitted_on=date(2025, 1, 12)))
    add(models.Handicap(**common, code_text="Surdité partielle"))
    add(models.Habit(**common, kind="diet", code_text="Sans gluten"))
    add(models.Handicap(**common, code_text="Caché aux pros", hidden_from_professionals=True))
    add(models.Appointment(**common, title="Examen du 9e mois", starts_at=now + timedelta(days=10)))
    add(models.Appointment(**common, title="Passé", starts_at=now - timedelta(days=10)))
    add(models.Appointment(**common, title="Annulé", starts_at=now + timedelta(days=3), status="cancelled"))
    session.commit()
    return alice, lea


def test_the_guardian_sees_every_further_section(session, now, family):
    alice, lea = family
    extras = ips.load_extras(session, alice.actor, load_profile_facts(session, lea.id), now=now)
    assert [p.condition.text for p in extras.past_illness] == ["Bronchiolite"]  # the active one is a problem
    assert [p.reason.text for p in extras.procedures] == ["Bronchiolite"]
    assert {d.condition.text for d in extras.disabilities} == {"Surdité partielle", "Caché aux pros"}
    assert [h.value.text for h in extras.habits] == ["Sans gluten"]
    assert [a.title for a in extras.appointments] == ["Examen du 9e mois"]  # upcoming, not cancelled


def test_a_professional_does_not_get_what_is_hidden_from_professionals(session, now, family):
    _, lea = family
    doctor = make_professional(session)
    give_care(session, doctor, lea, now=now - timedelta(days=1))
    extras = ips.load_extras(session, doctor.actor, load_profile_facts(session, lea.id), now=now)
    assert [d.condition.text for d in extras.disabilities] == ["Surdité partielle"]


def test_a_caregiver_gets_only_the_sections_of_the_grant(session, now, family):
    _, lea = family
    granny = make_caregiver(session, lea, sections=("appointments",), now=now - timedelta(days=1))
    extras = ips.load_extras(session, granny.actor, load_profile_facts(session, lea.id), now=now)
    assert extras.past_illness is None and extras.procedures is None and extras.disabilities is None
    assert extras.habits is None
    assert [a.title for a in extras.appointments] == ["Examen du 9e mois"]


def test_a_childs_share_link_gives_an_ips_authored_by_the_guardian_in_the_links_scope(session, now, family):
    alice, lea = family
    created = share_links.create_link(session, alice.actor, lea.id, sections=["risk_factors", "conditions"], now=now)
    answer = share_links.manifest(session, created.secret, {"recipient": "Dr Who"}, now=now)
    bundle = json.loads(shl.decrypt(answer.body["files"][0]["embedded"], created.key))
    Bundle.model_validate(bundle)
    comp = bundle["entry"][0]["resource"]
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    author = by_url[comp["author"][0]["reference"]]
    assert author["resourceType"] == "RelatedPerson" and author["name"][0]["text"] == alice.user.display_name
    codes = {c["code"] for s in comp["section"] for c in s["code"]["coding"]}
    assert {"11348-0", "29762-2"} <= codes  # past illness (conditions), social history (risk factors)
    assert not codes & {"47519-4", "47420-5", "18776-5"}  # stays, disabilities, appointments: not shared
    texts = json.dumps(bundle, ensure_ascii=False)
    assert "Examen du 9e mois" not in texts and "Surdité" not in texts
