"""The pure mapping and who may export (domain.fhir_export)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from types import SimpleNamespace

from fhir.resources.R4B.bundle import Bundle

from mes_app.domain.access import (
    ALL_SECTIONS,
    CareFacts,
    CaregiverFacts,
    LinkActor,
    ProfileFacts,
    Section,
    ShareLinkFacts,
    UserActor,
)
from mes_app.domain.fhir_export import Person, RecordData, export_scope, record_to_bundle, resources_of
from tests.conftest import NOW

OWNER, GUARDIAN, PRO, NANNY, STRANGER = 1, 2, 3, 4, 5
FACTS = ProfileFacts(
    profile_id=10, owner_user_id=OWNER, guardian_user_ids={GUARDIAN},
    care=(CareFacts(7, PRO, "active", NOW - timedelta(days=1), None),),
    caregivers=(CaregiverFacts(8, NANNY, {Section.VACCINATIONS, Section.MEASURES}, NOW - timedelta(days=1),
                               None, None),),
)


def test_who_may_export_what():
    assert export_scope(UserActor(OWNER, "patient"), FACTS, NOW) == ALL_SECTIONS
    assert export_scope(UserActor(GUARDIAN, "patient"), FACTS, NOW) == ALL_SECTIONS
    assert export_scope(UserActor(NANNY, "patient"), FACTS, NOW) == {Section.VACCINATIONS, Section.MEASURES}
    assert export_scope(UserActor(PRO, "professional"), FACTS, NOW) is None
    assert export_scope(UserActor(STRANGER, "patient"), FACTS, NOW) is None
    assert export_scope(None, FACTS, NOW) is None
    link = ShareLinkFacts(9, 10, {Section.VACCINATIONS}, NOW + timedelta(days=1), None, False, 0, 5)
    assert export_scope(LinkActor(link, passcode_ok=True), FACTS, NOW) is None
    # a revoked caregiver grant exports nothing
    ended = ProfileFacts(10, OWNER, set(), caregivers=(
        CaregiverFacts(8, NANNY, {Section.VACCINATIONS}, NOW - timedelta(days=2), None, NOW - timedelta(days=1)),))
    assert export_scope(UserActor(NANNY, "patient"), ended, NOW) is None


def _row(**fields):
    base = dict(id=1, profile_id=10, author_user_id=OWNER, author_role="patient", created_at=NOW, updated_at=NOW,
                hidden_from_professionals=False, note=None)
    return SimpleNamespace(**{**base, **fields})


def test_the_same_record_gives_the_same_bundle_and_it_is_valid():
    profile = SimpleNamespace(id=10, given_name="Léa", family_name="Durand", birth_date=date(2024, 3, 15), sex="female")
    data = RecordData(
        profile=profile, sections=ALL_SECTIONS, complete=True,
        people={OWNER: Person(OWNER, "Alice Durand", "patient")},
        measures=(_row(kind="blood_pressure", loinc_code="85354-9", value=120, value_secondary=80, unit="mm[Hg]",
                       measured_at=NOW),),
        habits=(_row(kind="tobacco", code_system="http://loinc.org", code="LA15920-4", code_display="Former smoker",
                     code_text="Ancienne fumeuse", start_date=None, end_date=None),),
    )
    bundle_id = str(uuid.UUID(int=42))
    first = record_to_bundle(data, bundle_id=bundle_id, now=NOW)
    assert first == record_to_bundle(data, bundle_id=bundle_id, now=NOW)
    Bundle.model_validate(first)
    (habit, bp) = sorted(resources_of(first, "Observation"), key=lambda o: o["category"][0]["coding"][0]["code"])
    assert {c["code"]["coding"][0]["code"] for c in habit.get("component", [])} == set()
    assert habit["code"]["coding"][0]["code"] == "72166-2"
    assert habit["valueCodeableConcept"]["coding"][0]["code"] == "LA15920-4"
    assert {c["code"]["coding"][0]["code"] for c in bp["component"]} == {"8480-6", "8462-4"}
    assert bp["code"]["text"] == "Blood pressure panel with all children optional"


def test_a_lab_value_is_a_laboratory_observation_and_vital_signs_stay_vital_signs():
    profile = SimpleNamespace(id=10, given_name="Léa", family_name="Durand", birth_date=date(2024, 3, 15), sex="female")
    data = RecordData(
        profile=profile, sections=ALL_SECTIONS, complete=True,
        measures=(_row(id=1, kind="glucose", loinc_code="2339-0", value=95, value_secondary=None, unit="mg/dL",
                       measured_at=NOW),
                  _row(id=2, kind="weight", loinc_code="29463-7", value=9.5, value_secondary=None, unit="kg",
                       measured_at=NOW)),
    )
    bundle = record_to_bundle(data, bundle_id=str(uuid.UUID(int=7)), now=NOW)
    Bundle.model_validate(bundle)
    category = {o["code"]["coding"][0]["code"]: o["category"][0]["coding"][0]["code"]
                for o in resources_of(bundle, "Observation")}
    assert category == {"2339-0": "laboratory", "29463-7": "vital-signs"}
    # an author unknown to the export (a deleted account) is still named, never dropped
    assert all(p["agent"][0]["who"] == {"display": "unknown"} for p in resources_of(bundle, "Provenance"))
