"""The whole record as FHIR (issue 13, item 1), as the one who downloads it sees it.

Golden checks match resources by code (ATC/CVX, LOINC), never by position; every Bundle
parses with ``fhir.resources`` R4B; every entry has a Provenance."""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from fhir.resources.R4B.bundle import Bundle
from sqlmodel import select

from mes_app.db.models import (
    AccessEvent,
    Allergy,
    Appointment,
    Condition,
    Document,
    DocumentGrant,
    Encounter,
    FamilyHistory,
    Habit,
    Hospitalisation,
    Measure,
    Message,
    MessageThread,
    Profile,
    SecurityEvent,
    Treatment,
    User,
    Vaccination,
)
from mes_app.domain.errors import Forbidden, NotFound
from mes_app.domain.fhir_export import resources_of
from mes_app.seed import seed_demo
from mes_app.services import access_history, capabilities, record_export
from mes_app.storage import LocalStorage
from tests.factories import (
    committed_rows,
    give_care,
    make_caregiver,
    make_child,
    make_co_guardian,
    make_owner,
    make_professional,
    make_stranger,
)

PROVENANCE_FREE = {"Patient", "Practitioner", "RelatedPerson", "Provenance"}
ATC = "http://www.whocc.no/atc"
CVX = "http://hl7.org/fhir/sid/cvx"
LOINC = "http://loinc.org"


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "documents")


def export(session, who, profile, now, storage):
    found = record_export.export_record(session, who.actor, profile.id, now=now, storage=storage)
    bundle = json.loads(found.body)
    Bundle.model_validate(bundle)  # every resource inside is parsed by its own R4B model
    return found, bundle


def codes(concept: dict, system: str) -> set[str]:
    return {c["code"] for c in concept.get("coding", []) if c.get("system") == system}


def assert_provenance_for_every_entry(bundle: dict) -> None:
    urls = {e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] not in PROVENANCE_FREE}
    targets = Counter(t["reference"] for p in resources_of(bundle, "Provenance") for t in p["target"])
    assert urls and set(targets) == urls
    assert all(n == 1 for n in targets.values())
    known = {e["fullUrl"] for e in bundle["entry"]}
    for provenance in resources_of(bundle, "Provenance"):
        assert provenance["recorded"]
        who = provenance["agent"][0]["who"]
        assert "reference" not in who or who["reference"] in known


def store_file(session, storage, profile, author, data: bytes, title: str, now) -> Document:
    writer = storage.begin(10_000_000)
    writer.write(data)
    stored = writer.commit()
    doc = Document(profile_id=profile.id, author_user_id=author.id, author_role="patient", title=title,
                   category_code="11502-2", category_display="CR d'examens biologiques",
                   document_date=date(2026, 10, 1),
                   storage_key=stored.key, sha256=stored.sha256, size_bytes=stored.size_bytes,
                   mime_type="application/pdf", original_filename="bilan.pdf", created_at=now, updated_at=now)
    session.add(doc)
    session.commit()
    return doc


# --------------------------------------------------------------------------- the demo record


@pytest.fixture()
def demo(session, now):
    assert seed_demo(session, now=now) is True
    camille = session.exec(select(User).where(User.email == "parent@demo.mes")).one()
    hugo = session.exec(select(Profile).where(Profile.given_name == "Hugo")).one()
    from mes_app.domain.access import UserActor

    class Who:
        id = camille.id
        actor = UserActor(camille.id, camille.role)

    return Who, hugo


def test_the_demo_childs_whole_record_is_exported_and_valid(session, now, storage, demo):
    camille, hugo = demo
    found, bundle = export(session, camille, hugo, now, storage)
    assert bundle["type"] == "collection"
    assert found.complete and found.media_type == "application/fhir+json"
    assert found.filename == f"dossier-hugo-martin-{now.date().isoformat()}.fhir.json"
    tags = {(t["system"].rsplit("/", 1)[1], t["code"]) for t in bundle["meta"]["tag"]}
    assert ("export-scope", "complete") in tags and ("export-section", "vaccinations") in tags

    # Vaccinations, by ATC and CVX: each dose of the record is there with both codes.
    stored = session.exec(select(Vaccination).where(Vaccination.profile_id == hugo.id)).all()
    immunizations = resources_of(bundle, "Immunization")
    by_atc = Counter(code for i in immunizations for code in codes(i["vaccineCode"], ATC))
    assert by_atc == Counter(v.code for v in stored)
    assert by_atc["J07BD52"] == 2  # ROR, two doses
    ror = [i for i in immunizations if "J07BD52" in codes(i["vaccineCode"], ATC)]
    assert all(codes(i["vaccineCode"], CVX) == {"03"} for i in ror)
    assert sorted(i["protocolApplied"][0]["doseNumberPositiveInt"] for i in ror) == [1, 2]
    gardasil = [i for i in immunizations if "J07BM03" in codes(i["vaccineCode"], ATC)]
    assert gardasil and all(codes(i["vaccineCode"], CVX) == {"165"} for i in gardasil)

    # Measures, by LOINC with UCUM units: as many observations per code as rows.
    measures = session.exec(select(Measure).where(Measure.profile_id == hugo.id)).all()
    observations = [o for o in resources_of(bundle, "Observation")
                    if o["category"][0]["coding"][0]["code"] in ("vital-signs", "laboratory")]
    assert Counter(c for o in observations for c in codes(o["code"], LOINC)) == Counter(m.loinc_code for m in measures)
    weights = [o for o in observations if codes(o["code"], LOINC) == {"29463-7"}]
    assert weights and all(o["valueQuantity"]["system"] == "http://unitsofmeasure.org"
                           and o["valueQuantity"]["code"] == "kg" for o in weights)

    # Habits are social history; the other sections are there as their own resources.
    habits = session.exec(select(Habit).where(Habit.profile_id == hugo.id)).all()
    social = [o for o in resources_of(bundle, "Observation")
              if o["category"][0]["coding"][0]["code"] == "social-history"]
    assert len(social) == len(habits) > 0
    if any(h.kind == "tobacco" for h in habits):
        assert any(codes(o["code"], LOINC) == {"72166-2"} for o in social)
    for model, resource_type in ((Condition, "Condition"), (Treatment, "MedicationStatement"),
                                 (Allergy, "AllergyIntolerance"), (FamilyHistory, "FamilyMemberHistory"),
                                 (Appointment, "Appointment")):
        count = len(session.exec(select(model).where(model.profile_id == hugo.id)).all())
        if resource_type == "Condition":
            assert len(resources_of(bundle, resource_type)) >= count
        else:
            assert len(resources_of(bundle, resource_type)) == count, resource_type
    visits = session.exec(select(Encounter).where(Encounter.profile_id == hugo.id)).all()
    stays = session.exec(select(Hospitalisation).where(Hospitalisation.profile_id == hugo.id)).all()
    assert len(resources_of(bundle, "Encounter")) == len(visits) + len(stays)
    assert_provenance_for_every_entry(bundle)

    # A professional's entry names the Practitioner; the guardian's the RelatedPerson.
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    kinds = {by_url[p["agent"][0]["who"]["reference"]]["resourceType"]
             for p in resources_of(bundle, "Provenance") if "reference" in p["agent"][0]["who"]}
    if any(v.author_role == "professional" for v in stored):
        assert "Practitioner" in kinds
    practitioners = resources_of(bundle, "Practitioner")
    assert all(p["identifier"][0]["system"] == "urn:oid:1.2.250.1.71.4.2.1" for p in practitioners
               if "identifier" in p)


def test_the_export_is_recorded_in_the_access_history(session, now, storage):
    alice = make_owner(session)
    lea = make_child(session, alice)
    bob = make_co_guardian(session, lea)
    export(session, alice, lea.profile, now, storage)
    events = committed_rows(session, AccessEvent, AccessEvent.profile_id == lea.id)
    assert [(e.actor_user_id, e.action, e.target_kind, e.via) for e in events] == \
        [(alice.id, "export", "record_export", "guardian")]
    # The co-guardian sees it in the access history (the viewer's own accesses are not listed).
    lines = access_history.access_history(session, bob.actor, lea.id, now=now).items
    assert [(x.who, x.action, x.target_kind) for x in lines] == [(alice.name, "export", "record_export")]
    assert access_history.access_history(session, alice.actor, lea.id, now=now).items == []


# --------------------------------------------------------------------------- who gets what


def test_a_caregiver_gets_only_the_shared_sections(session, now, storage):
    alice = make_owner(session)
    lea = make_child(session, alice)
    session.add_all([
        Vaccination(profile_id=lea.id, author_user_id=alice.id, author_role="guardian", code_system=ATC,
                    code="J07BD52", code_text="ROR", cvx_code="03", given_on=date(2025, 3, 15), dose_number=1),
        Condition(profile_id=lea.id, author_user_id=alice.id, author_role="guardian", code_text="Asthme"),
        Measure(profile_id=lea.id, author_user_id=alice.id, author_role="guardian", kind="weight",
                loinc_code="29463-7", value=9.5, unit="kg", measured_at=now - timedelta(days=3)),
    ])
    session.commit()
    store_file(session, storage, lea.profile, alice, b"%PDF-1.4 private\n%%EOF\n", "Bilan", now)
    nanny = make_caregiver(session, lea, ("vaccinations",), now=now)
    found, bundle = export(session, nanny, lea.profile, now, storage)
    assert not found.complete
    types = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert set(types) == {"Patient", "Immunization", "Provenance", "RelatedPerson"}
    assert codes(resources_of(bundle, "Immunization")[0]["vaccineCode"], ATC) == {"J07BD52"}
    assert "birthDate" not in resources_of(bundle, "Patient")[0]  # identity was not shared
    assert ("https://mes.example/fhir/CodeSystem/export-scope", "partial") in \
        {(t["system"], t["code"]) for t in bundle["meta"]["tag"]}
    assert "Asthme" not in found.body.decode() and "private" not in found.body.decode()
    events = committed_rows(session, AccessEvent, AccessEvent.profile_id == lea.id)
    assert [(e.actor_user_id, e.action, e.via, e.grant_id) for e in events] == \
        [(nanny.id, "export", "caregiver", nanny.grant.id)]
    assert capabilities.capabilities(session, nanny.actor, lea.id, now=now).can_export


def test_a_caregiver_gets_a_document_only_when_switched_on_for_them(session, now, storage):
    alice = make_owner(session)
    shown = store_file(session, storage, alice.profile, alice, b"%PDF-1.4 shown\n%%EOF\n", "Bilan", now)
    store_file(session, storage, alice.profile, alice, b"%PDF-1.4 not switched\n%%EOF\n", "Autre", now)
    nanny = make_caregiver(session, alice, ("documents",), now=now)
    session.add(DocumentGrant(document_id=shown.id, grantee_kind="caregiver", grantee_user_id=nanny.id, allowed=True,
                              set_by_user_id=alice.id))
    session.commit()
    _, bundle = export(session, nanny, alice.profile, now, storage)
    assert [d["description"] for d in resources_of(bundle, "DocumentReference")] == ["Bilan"]


def test_documents_carry_their_file(session, now, storage):
    alice = make_owner(session)
    data = b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
    store_file(session, storage, alice.profile, alice, data, "Prise de sang", now)
    _, bundle = export(session, alice, alice.profile, now, storage)
    (doc,) = resources_of(bundle, "DocumentReference")
    attachment = doc["content"][0]["attachment"]
    assert base64.b64decode(attachment["data"]) == data
    assert attachment["contentType"] == "application/pdf" and attachment["size"] == len(data)
    assert base64.b64decode(attachment["hash"]) == hashlib.sha1(data).digest()  # noqa: S324
    assert codes(doc["type"], LOINC) == {"11502-2"}
    assert_provenance_for_every_entry(bundle)


def test_messages_are_communications_with_their_author(session, now, storage):
    alice = make_owner(session)
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    thread = MessageThread(profile_id=alice.profile.id, subject="Résultats", started_by_user_id=dr.id)
    session.add(thread)
    session.flush()
    session.add_all([Message(thread_id=thread.id, author_user_id=dr.id, body="Vos résultats sont bons.",
                             sent_at=now - timedelta(hours=2)),
                     Message(thread_id=thread.id, author_user_id=alice.id, body="Merci !",
                             sent_at=now - timedelta(hours=1))])
    session.commit()
    _, bundle = export(session, alice, alice.profile, now, storage)
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    comms = {c["payload"][0]["contentString"]: c for c in resources_of(bundle, "Communication")}
    assert by_url[comms["Vos résultats sont bons."]["sender"]["reference"]]["resourceType"] == "Practitioner"
    assert by_url[comms["Merci !"]["sender"]["reference"]]["resourceType"] == "Patient"
    first_url = next(u for u, r in by_url.items() if r is comms["Vos résultats sont bons."])
    assert comms["Merci !"]["inResponseTo"] == [{"reference": first_url}]
    assert all(c["topic"]["text"] == "Résultats" for c in comms.values())
    assert_provenance_for_every_entry(bundle)


def test_an_entry_hidden_from_professionals_stays_in_the_patients_own_export(session, now, storage):
    alice = make_owner(session)
    session.add(Condition(profile_id=alice.profile.id, author_user_id=alice.id, code_text="Dépression",
                          hidden_from_professionals=True))
    session.commit()
    found, _ = export(session, alice, alice.profile, now, storage)
    assert "Dépression" in found.body.decode()


def test_a_stranger_gets_not_found_and_the_attempt_is_logged(session, now, storage):
    alice = make_owner(session)
    mallory = make_stranger(session)
    with pytest.raises(NotFound):
        record_export.export_record(session, mallory.actor, alice.profile.id, now=now, storage=storage)
    with pytest.raises(NotFound):
        record_export.export_record(session, mallory.actor, 999_999, now=now, storage=storage)
    refused = committed_rows(session, SecurityEvent, SecurityEvent.actor_user_id == mallory.id)
    assert {e.target_kind for e in refused} == {"record_export"} and len(refused) == 2
    assert committed_rows(session, AccessEvent, AccessEvent.action == "export") == []


def test_a_professional_does_not_export(session, now, storage):
    alice = make_owner(session)
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    with pytest.raises(Forbidden):
        record_export.export_record(session, dr.actor, alice.profile.id, now=now, storage=storage)
    assert not capabilities.capabilities(session, dr.actor, alice.profile.id, now=now).can_export
    assert capabilities.capabilities(session, alice.actor, alice.profile.id, now=now).can_export
    assert committed_rows(session, AccessEvent, AccessEvent.action == "export") == []


def test_the_number_of_queries_does_not_grow_with_the_record(session, engine, now, storage):
    alice = make_owner(session)
    dr = make_professional(session)
    give_care(session, dr, alice, now)

    def add_entries(n: int) -> None:
        for i in range(n):
            author = dr if i % 2 else alice
            role = "professional" if i % 2 else "patient"
            session.add_all([
                Condition(profile_id=alice.profile.id, author_user_id=author.id, author_role=role, code_text=f"c{i}"),
                Vaccination(profile_id=alice.profile.id, author_user_id=author.id, author_role=role, code_text=f"v{i}",
                            given_on=date(2020, 1, 1) + timedelta(days=i)),
                Measure(profile_id=alice.profile.id, author_user_id=author.id, author_role=role, kind="weight",
                        loinc_code="29463-7", value=60 + i, unit="kg", measured_at=now - timedelta(days=i + 1)),
            ])
        thread = MessageThread(profile_id=alice.profile.id, subject="s", started_by_user_id=dr.id)
        session.add(thread)
        session.flush()
        session.add_all(Message(thread_id=thread.id, author_user_id=dr.id, body=f"m{i}", sent_at=now) for i in range(n))
        session.commit()
        store_file(session, storage, alice.profile, alice, f"%PDF-1.4 {n}\n".encode(), f"d{n}", now)

    def count_queries() -> int:
        seen = []
        listener = lambda *args, **kwargs: seen.append(1)  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            session.expire_all()
            export(session, alice, alice.profile, now, storage)
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    add_entries(2)
    small = count_queries()
    add_entries(20)
    assert count_queries() <= small


def test_a_stay_is_an_inpatient_encounter_and_its_procedure_a_procedure(session, now, storage):
    alice = make_owner(session)
    session.add_all([
        Hospitalisation(profile_id=alice.profile.id, author_user_id=alice.id, code_system="http://hl7.org/fhir/sid/icd-10",
                        code="O82", code_display="Caesarean delivery", code_text="Césarienne", facility="Maternité",
                        admitted_on=date(2024, 3, 14), discharged_on=date(2024, 3, 18)),
        Hospitalisation(profile_id=alice.profile.id, author_user_id=alice.id, code_system="http://snomed.info/sct",
                        code="38341003", code_display="Hypertensive disorder", code_text="HTA",
                        admitted_on=date(2025, 1, 2)),
        Encounter(profile_id=alice.profile.id, author_user_id=alice.id, kind="emergency", title="Urgences",
                  occurred_at=now - timedelta(days=9)),
    ])
    session.commit()
    _, bundle = export(session, alice, alice.profile, now, storage)
    classes = Counter(e["class"]["code"] for e in resources_of(bundle, "Encounter"))
    assert classes == Counter({"IMP": 2, "EMER": 1})
    (procedure,) = resources_of(bundle, "Procedure")
    assert codes(procedure["code"], "http://hl7.org/fhir/sid/icd-10") == {"O82"}
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    stay = by_url[procedure["encounter"]["reference"]]
    assert stay["period"] == {"start": "2024-03-14", "end": "2024-03-18"}
    assert_provenance_for_every_entry(bundle)


def test_a_vaccine_of_a_group_with_several_cvx_codes_is_kept_and_exported_without_guessing(session, now, storage):
    """PCV13/15/20 share one ATC code and three CVX codes: the whole list is stored (PostgreSQL
    refused it when the column held 10 characters), and no single CVX code is claimed."""
    alice = make_owner(session)
    session.add(Vaccination(profile_id=alice.profile.id, author_user_id=alice.id, author_role="patient",
                            code_system=ATC, code="J07AL02", code_text="Prevenar 13", cvx_code="133,215,216",
                            given_on=date(2012, 10, 18), dose_number=1))
    session.add(Vaccination(profile_id=alice.profile.id, author_user_id=alice.id, author_role="patient",
                            code_system=ATC, code="J07BD52", code_text="ROR", cvx_code="03",
                            given_on=date(2013, 10, 18), dose_number=1))
    session.commit()
    _, bundle = export(session, alice, alice.profile, now, storage)
    immunizations = resources_of(bundle, "Immunization")
    by_text = {i["vaccineCode"]["text"]: i["vaccineCode"] for i in immunizations}
    assert codes(by_text["Prevenar 13"], CVX) == set()
    assert codes(by_text["ROR"], CVX) == {"03"}
