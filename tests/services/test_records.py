"""Record entries through the service: validation of what a browser sends, and who may do what.

Every access test checks what the other person would *see* (an error, a list, a stored row)
and that nothing changed when they were refused.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mes_app.db import models
from mes_app.db.models import AccessEvent, SecurityEvent
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.domain.record_kinds import ENTRY_KINDS
from mes_app.domain.terminology import ATC, ICD10, LOINC, SNOMED, load_default
from mes_app.services import records
from mes_app.services.records import MODELS
from tests.factories import (
    committed_count,
    committed_rows,
    give_care,
    make_caregiver,
    make_child,
    make_co_guardian,
    make_owner,
    make_professional,
    make_stranger,
)

DAY = timedelta(days=1)


def pick(kind: str, query: str) -> str:
    """What the form sends when the user picks the first search result: ``"<system>|<code>"``."""
    [concept, *_] = load_default().search(kind, query)
    return f"{concept.system}|{concept.code}"


# One realistic form per entry kind, and what must be stored from it.
VALID: dict[str, tuple[dict, dict]] = {
    "encounters": (
        {"kind": "gp_visit", "title": "Consultation pour toux", "occurred_on": "2026-11-20",
         "practitioner": "Dr Bernard", "place": "Cabinet médical, Lyon", "note": "Sirop prescrit"},
        {"kind": "gp_visit", "title": "Consultation pour toux",
         "occurred_at": datetime(2026, 11, 20, 12, 0, tzinfo=UTC), "practitioner": "Dr Bernard",
         "place": "Cabinet médical, Lyon", "note": "Sirop prescrit"},
    ),
    "conditions": (
        {"code_text": "Asthme", "code": pick("condition", "asthme"), "status": "active", "onset_date": "2001-04-01"},
        {"code_system": SNOMED, "code": "195967001", "code_display": "Asthma", "code_text": "Asthme",
         "status": "active", "onset_date": date(2001, 4, 1), "abatement_date": None},
    ),
    "treatments": (
        {"code_text": "Doliprane", "code": pick("medication", "paracetamol"), "dosage": "1 g trois fois par jour",
         "start_date": "2026-11-20", "end_date": "2026-11-27"},
        {"code_system": ATC, "code": "N02BE01", "code_display": "paracetamol", "code_text": "Doliprane",
         "dosage": "1 g trois fois par jour", "start_date": date(2026, 11, 20), "end_date": date(2026, 11, 27)},
    ),
    "hospitalisations": (
        {"code_text": "Crise d'asthme", "code": pick("condition", "asthme"), "facility": "CHU de Lyon",
         "admitted_on": "2019-02-03", "discharged_on": "2019-02-06"},
        {"code_system": SNOMED, "code": "195967001", "code_text": "Crise d'asthme", "facility": "CHU de Lyon",
         "admitted_on": date(2019, 2, 3), "discharged_on": date(2019, 2, 6)},
    ),
    "handicaps": (
        {"code_text": "Trouble du spectre autistique", "code": pick("condition", "autis"), "since_date": "1994-06-01"},
        {"code_system": SNOMED, "code": "408856003", "code_text": "Trouble du spectre autistique",
         "since_date": date(1994, 6, 1)},
    ),
    "allergies": (
        {"code_text": "Arachide", "code": pick("allergy", "allergie arachide"), "reaction": "Urticaire géante",
         "severity": "severe", "status": "active", "onset_date": "1995-07-01"},
        {"code_system": SNOMED, "code": "91935009", "code_display": "Allergy to peanuts", "code_text": "Arachide",
         "reaction": "Urticaire géante", "severity": "severe", "status": "active", "onset_date": date(1995, 7, 1)},
    ),
    "family_history": (
        {"relationship": "mother", "code_text": "Diabète", "code": pick("condition", "diabete type 2"),
         "onset_age": "55"},
        {"relationship": "mother", "code_system": SNOMED, "code": "44054006", "code_text": "Diabète",
         "onset_age": 55},
    ),
    "habits": (
        {"kind": "tobacco", "code_text": "N'a jamais fumé", "code": pick("smoking_status", "jamais fume")},
        {"kind": "tobacco", "code_system": LOINC, "code": "LA18978-9", "code_display": "Never smoker",
         "code_text": "N'a jamais fumé"},
    ),
    "vaccinations": (
        {"code_text": "ROR", "code": pick("vaccine", "ROR"), "given_on": "1991-05-20", "dose_number": "1",
         "lot_number": "AB1234", "performer": "Dr Bernard"},
        {"code_system": ATC, "code": "J07BD52", "code_display": "MMR", "cvx_code": "03", "code_text": "ROR",
         "given_on": date(1991, 5, 20), "dose_number": 1, "lot_number": "AB1234", "performer": "Dr Bernard"},
    ),
}

# What the user may type without picking a code, per kind (kinds without a coded field are absent).
UNCODED = {
    "conditions": {"code_text": "Mal de dos chronique", "status": "active"},
    "treatments": {"code_text": "Tisane maison"},
    "hospitalisations": {"code_text": "Opération du genou", "admitted_on": "2015-03-01"},
    "handicaps": {"code_text": "Surdité partielle"},
    "allergies": {"code_text": "Poils de chat", "severity": "mild", "status": "active"},
    "family_history": {"relationship": "father", "code_text": "Glaucome"},
    "habits": {"kind": "physical_activity", "code_text": "Course à pied 2 fois par semaine"},
    "vaccinations": {"code_text": "Vaccin du voyage", "given_on": "2020-01-15"},
}


def test_every_entry_kind_has_a_valid_and_an_uncoded_example():
    assert set(VALID) == set(ENTRY_KINDS) == set(MODELS)
    assert set(UNCODED) == {key for key, kind in ENTRY_KINDS.items() if kind.coded_field is not None}


def add(session, who, profile, kind, form, now):
    pid = profile.id if hasattr(profile, "id") else profile
    return records.add_entry(session, who.actor, pid, kind, form, now=now)


def stored(session, kind, entry_id):
    [row] = committed_rows(session, MODELS[kind], MODELS[kind].id == entry_id)
    return row


def snapshot(session) -> dict[str, list[tuple]]:
    """Every entry of every kind, as plain values: to check that a refusal changed nothing."""
    return {kind: [tuple(row.model_dump().items()) for row in committed_rows(session, model)]
            for kind, model in MODELS.items()}


# --------------------------------------------------------------------------- valid entries


@pytest.mark.parametrize("kind", sorted(VALID))
def test_a_valid_entry_of_each_kind_is_stored_as_typed(session, now, kind):
    alice = make_owner(session)
    form, expected = VALID[kind]
    view = add(session, alice, alice.profile, kind, form, now)

    row = stored(session, kind, view.id)
    assert {column: getattr(row, column) for column in expected} == expected
    assert (row.profile_id, row.author_user_id, row.author_role) == (alice.profile.id, alice.id, "patient")
    assert row.hidden_from_professionals is False
    assert view.coded is True
    assert (view.kind, view.author_role, view.author_name, view.editable) == (kind, "patient", "Alice", True)
    assert [v.id for v in records.list_entries(session, alice.actor, alice.profile.id, kind, now=now)] == [view.id]


@pytest.mark.parametrize("kind", sorted(UNCODED))
def test_a_coded_entry_keeps_its_code_and_says_so(session, now, kind):
    alice = make_owner(session)
    form, expected = VALID[kind]
    view = add(session, alice, alice.profile, kind, form, now)
    row = stored(session, kind, view.id)
    assert row.code_system == expected["code_system"] and row.code == expected["code"]
    assert row.code_display == load_default().lookup(ENTRY_KINDS[kind].coded_field.coded_kind,
                                                     row.code_system, row.code).display
    assert view.coded is True
    assert view.code_label.endswith(f" {row.code}")
    assert view.values["code"] == f"{row.code_system}|{row.code}"


@pytest.mark.parametrize("kind", sorted(UNCODED))
def test_free_text_without_a_code_is_stored_uncoded(session, now, kind):
    alice = make_owner(session)
    view = add(session, alice, alice.profile, kind, UNCODED[kind], now)
    row = stored(session, kind, view.id)
    assert (row.code_system, row.code, row.code_display) == (None, None, None)
    assert row.code_text == UNCODED[kind]["code_text"]
    assert (view.coded, view.code_label, view.title) == (False, "", UNCODED[kind]["code_text"])


@pytest.mark.parametrize(
    ("kind", "query", "form", "system", "code"),
    [
        ("hospitalisations", "appendicite", {"admitted_on": "2024-05-02"}, ICD10, "K35.8"),
        ("hospitalisations", "hospitalisation pour appendicite", {"admitted_on": "2024-05-02"}, ICD10, "K35.8"),
        ("hospitalisations", "césarienne", {"admitted_on": "2024-05-02"}, ICD10, "O82"),
        ("handicaps", "surdité", {}, ICD10, "H91.9"),
        ("handicaps", "dyslexie", {}, ICD10, "F81.0"),
        ("conditions", "cancer du sein", {"status": "active"}, ICD10, "C50.9"),
        ("conditions", "surdité", {"status": "active"}, ICD10, "H91.9"),
        ("family_history", "cancer du sein", {"relationship": "mother"}, ICD10, "C50.9"),
        ("treatments", "Kardégic", {}, ATC, "B01AC06"),
    ],
)
def test_everyday_stays_disabilities_and_diseases_are_coded(session, now, kind, query, form, system, code):
    """What was "non codé" before: the first search result of the form is accepted and stored."""
    alice = make_owner(session)
    picked = pick(ENTRY_KINDS[kind].coded_field.coded_kind, query)
    assert picked == f"{system}|{code}"
    view = add(session, alice, alice.profile, kind, {**form, "code_text": query, "code": picked}, now)
    row = stored(session, kind, view.id)
    assert (row.code_system, row.code) == (system, code)
    assert view.coded is True
    assert view.code_label == ("CIM-10 " if system == ICD10 else "ATC ") + code


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("hospitalisations", f"{SNOMED}|195967001"),  # asthma, coded before ICD-10 came
        ("handicaps", f"{SNOMED}|41040004"),  # trisomy 21, a starter condition
        ("conditions", f"{SNOMED}|59621000"),
        ("family_history", f"{SNOMED}|44054006"),
    ],
)
def test_codes_from_before_the_larger_terminology_are_still_accepted(session, now, kind, code):
    alice = make_owner(session)
    form = {**VALID[kind][0], "code": code}
    view = add(session, alice, alice.profile, kind, form, now)
    assert f"{stored(session, kind, view.id).code_system}|{stored(session, kind, view.id).code}" == code


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("hospitalisations", f"{ICD10}|F81.0"),  # a disability, not the reason of a stay
        ("handicaps", f"{ICD10}|Z51.1"),  # a chemotherapy session is no disability
        ("conditions", f"{ICD10}|Z96.6"),  # a procedure, not a health problem
        ("treatments", f"{ICD10}|K35.8"),
        ("hospitalisations", f"{ICD10}|K35.9"),  # not a WHO ICD-10 code
    ],
)
def test_a_code_of_another_kind_is_refused_in_the_new_kinds(session, now, kind, code):
    alice = make_owner(session)
    form = {**VALID[kind][0], "code": code}
    _refused(session, alice, alice.profile, kind, form, now, "error.unknown_code")


def test_text_is_cleaned_before_it_is_stored(session, now):
    alice = make_owner(session)
    view = add(session, alice, alice.profile, "conditions",
               {"code_text": "  Mig\u202eraine\x00  ", "status": "active", "note": "ligne 1\r\nligne 2"}, now)
    row = stored(session, "conditions", view.id)
    assert (row.code_text, row.note) == ("Migraine", "ligne 1\nligne 2")


# --------------------------------------------------------------------------- refused entries


def _refused(session, who, profile, kind, form, now, code):
    before = snapshot(session)
    with pytest.raises(ValidationError) as caught:
        add(session, who, profile, kind, form, now)
    assert caught.value.code == code
    assert snapshot(session) == before
    return caught.value


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("conditions", f"{SNOMED}|999999999"),
        ("conditions", f"{SNOMED}|"),
        ("conditions", "195967001"),
        ("conditions", f"{ATC}|N02BE01"),  # a real code, but a medication, not a condition
        ("conditions", "http://evil.example|195967001"),
        ("vaccinations", f"{SNOMED}|195967001"),
        ("treatments", ["http://www.whocc.no/atc", "N02BE01"]),
        ("allergies", f"{SNOMED}|91935009" + "0" * 300),
    ],
)
def test_an_unknown_code_is_refused_and_nothing_stored(session, now, kind, code):
    alice = make_owner(session)
    form = {**VALID[kind][0], "code": code}
    _refused(session, alice, alice.profile, kind, form, now, "error.unknown_code")


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [("conditions", "onset_date", "abatement_date"), ("treatments", "start_date", "end_date"),
     ("hospitalisations", "admitted_on", "discharged_on"), ("habits", "start_date", "end_date")],
)
def test_an_end_before_its_start_is_refused(session, now, kind, start, end):
    alice = make_owner(session)
    form = {**VALID[kind][0], start: "2020-06-02", end: "2020-06-01"}
    _refused(session, alice, alice.profile, kind, form, now, "error.end_before_start")
    add(session, alice, alice.profile, kind, {**form, end: "2020-06-02"}, now)  # same day is fine


@pytest.mark.parametrize(
    ("kind", "field"),
    [("encounters", "occurred_on"), ("conditions", "onset_date"), ("hospitalisations", "admitted_on"),
     ("handicaps", "since_date"), ("allergies", "onset_date"), ("habits", "start_date"),
     ("vaccinations", "given_on")],
)
def test_a_date_in_the_future_is_refused(session, now, kind, field):
    alice = make_owner(session)
    form = {key: value for key, value in VALID[kind][0].items() if not key.endswith(("_date", "_on"))}
    _refused(session, alice, alice.profile, kind, {**form, field: "2026-11-29"}, now, "error.date_in_future")
    _refused(session, alice, alice.profile, kind, {**form, field: "2126-01-01"}, now, "error.date_in_future")
    add(session, alice, alice.profile, kind, {**form, field: "2026-11-28"}, now)  # today is fine


@pytest.mark.parametrize(
    ("kind", "field"),
    [("encounters", "occurred_on"), ("vaccinations", "given_on"), ("conditions", "onset_date"),
     ("treatments", "start_date"), ("hospitalisations", "admitted_on")],
)
def test_a_date_before_birth_is_refused(session, now, kind, field):
    alice = make_owner(session)
    lea = make_child(session, alice, birth_date=date(2025, 3, 15))
    form = {key: value for key, value in VALID[kind][0].items() if not key.endswith(("_date", "_on"))}
    _refused(session, alice, lea, kind, {**form, field: "2025-03-14"}, now, "error.before_birth")
    add(session, alice, lea, kind, {**form, field: "2025-03-15"}, now)  # the day of birth is fine


@pytest.mark.parametrize("kind", sorted(VALID))
def test_a_100_000_character_note_is_refused(session, now, kind):
    alice = make_owner(session)
    error = _refused(session, alice, alice.profile, kind, {**VALID[kind][0], "note": "x" * 100_000}, now,
                     "error.text_too_long")
    assert "xxxx" not in str(error) and "xxxx" not in repr(error.params)


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ([("code_text", "Asthme"), ("status", "active")], "error.invalid_form"),
        ("code_text=Asthme", "error.invalid_form"),
        (None, "error.invalid_form"),
        ({**{f"field_{i}": "x" for i in range(48)}, "code_text": "Asthme", "status": "active"}, "error.invalid_form"),
        ({"code_text": "Asthme"}, "error.invalid_choice"),
        ({"code_text": "Asthme", "status": "healed"}, "error.invalid_choice"),
        ({"code_text": ["Asthme"], "status": "active"}, "error.invalid_text"),
        ({"code_text": "Asthme", "status": "active", "onset_date": "01/04/2001"}, "error.invalid_date"),
        ({"code_text": "Asthme", "status": "active", "onset_date": {"$gt": ""}}, "error.invalid_date"),
        ({"status": "active"}, "error.required"),
    ],
)
def test_a_malformed_form_is_refused(session, now, form, code):
    alice = make_owner(session)
    _refused(session, alice, alice.profile, "conditions", form, now, code)


@pytest.mark.parametrize("kind_key", ["diseases", None, ["conditions"], "MODELS", ""])
def test_an_unknown_entry_kind_is_refused(session, now, kind_key):
    alice = make_owner(session)
    with pytest.raises(ValidationError) as caught:
        records.list_entries(session, alice.actor, alice.profile.id, kind_key, now=now)
    assert caught.value.code == "error.invalid_choice"


@pytest.mark.parametrize("value", [0, 11, "deux", 1.5, True])
def test_a_dose_number_out_of_range_is_refused(session, now, value):
    alice = make_owner(session)
    with pytest.raises(ValidationError) as caught:
        add(session, alice, alice.profile, "vaccinations", {**VALID["vaccinations"][0], "dose_number": value}, now)
    assert caught.value.code in ("error.out_of_range", "error.invalid_number")
    assert committed_count(session, models.Vaccination) == 0


# --------------------------------------------------------------------------- the household


@pytest.fixture()
def family(session):
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, "Léa", birth_date=date(2025, 3, 15))
    bob = make_co_guardian(session, lea, "Bob Durand")
    return alice, lea, bob


HEXA = {"code_text": "Hexavalent", "code": pick("vaccine", "hexavalent"), "given_on": "2025-05-15", "dose_number": "1"}


def test_a_guardian_adds_to_the_child_and_the_co_guardian_edits_it(session, now, family):
    alice, lea, bob = family
    view = add(session, alice, lea, "vaccinations", HEXA, now)
    assert stored(session, "vaccinations", view.id).author_role == "guardian"
    assert not view.by_professional

    later = now + DAY
    edited = records.update_entry(session, bob.actor, "vaccinations", view.id,
                                  {**HEXA, "dose_number": "2", "given_on": "2025-07-15"}, now=later)
    row = stored(session, "vaccinations", view.id)
    assert (row.dose_number, row.given_on, row.updated_at) == (2, date(2025, 7, 15), later)
    assert (row.author_user_id, row.author_role) == (alice.id, "guardian")  # provenance is kept
    assert edited.editable is True

    records.delete_entry(session, bob.actor, "vaccinations", view.id, now=later)
    assert committed_count(session, models.Vaccination) == 0


def test_the_household_logs_no_access_event(session, now, family):
    alice, lea, bob = family
    view = add(session, alice, alice.profile, "conditions", VALID["conditions"][0], now)
    records.list_entries(session, alice.actor, alice.profile.id, "conditions", now=now)
    records.update_entry(session, alice.actor, "conditions", view.id, VALID["conditions"][0], now=now)
    add(session, bob, lea, "vaccinations", HEXA, now)
    records.list_entries(session, bob.actor, lea.id, "vaccinations", now=now)
    assert committed_count(session, AccessEvent) == 0


# --------------------------------------------------------------------------- the care team


@pytest.fixture()
def care(session, now, family):
    alice, lea, bob = family
    dr = make_professional(session, "Dr Martin")
    relationship = give_care(session, dr, alice, now)
    return alice, dr, relationship


def test_a_professional_in_the_care_team_adds_an_entry_the_patient_cannot_edit(session, now, care):
    alice, dr, _ = care
    view = add(session, dr, alice.profile, "conditions", VALID["conditions"][0], now)
    row = stored(session, "conditions", view.id)
    assert (row.author_user_id, row.author_role) == (dr.id, "professional")
    assert view.editable is True  # for the professional who wrote it

    [seen] = records.list_entries(session, alice.actor, alice.profile.id, "conditions", now=now)
    assert (seen.id, seen.editable, seen.author_role, seen.author_name) == (
        view.id, False, "professional", "Dr Martin")
    assert seen.by_professional  # the page shows "par un professionnel" from this flag

    before = snapshot(session)
    with pytest.raises(Forbidden):
        records.update_entry(session, alice.actor, "conditions", view.id,
                             {**VALID["conditions"][0], "status": "resolved"}, now=now)
    with pytest.raises(Forbidden):
        records.delete_entry(session, alice.actor, "conditions", view.id, now=now)
    assert snapshot(session) == before


def test_a_professional_edits_and_deletes_their_own_entry_only(session, now, care):
    alice, dr, _ = care
    own = add(session, dr, alice.profile, "conditions", VALID["conditions"][0], now)
    patients = add(session, alice, alice.profile, "conditions", UNCODED["conditions"], now)

    records.update_entry(session, dr.actor, "conditions", own.id, {**VALID["conditions"][0], "status": "resolved"},
                         now=now)
    assert stored(session, "conditions", own.id).status == "resolved"

    before = snapshot(session)
    with pytest.raises(Forbidden):
        records.update_entry(session, dr.actor, "conditions", patients.id, VALID["conditions"][0], now=now)
    with pytest.raises(Forbidden):
        records.delete_entry(session, dr.actor, "conditions", patients.id, now=now)
    assert snapshot(session) == before

    records.delete_entry(session, dr.actor, "conditions", own.id, now=now)
    assert [r.id for r in committed_rows(session, models.Condition)] == [patients.id]


def test_another_professional_of_the_care_team_cannot_edit_a_colleagues_entry(session, now, care):
    alice, dr, _ = care
    colleague = make_professional(session, "Dr Petit")
    give_care(session, colleague, alice, now)
    view = add(session, dr, alice.profile, "conditions", VALID["conditions"][0], now)
    [seen] = records.list_entries(session, colleague.actor, alice.profile.id, "conditions", now=now)
    assert seen.editable is False
    with pytest.raises(Forbidden):
        records.delete_entry(session, colleague.actor, "conditions", view.id, now=now)
    assert committed_count(session, models.Condition) == 1


def test_an_entry_hidden_from_professionals_does_not_exist_for_them(session, now, care):
    alice, dr, _ = care
    hidden = add(session, alice, alice.profile, "conditions", {"code_text": "Dépression", "status": "active"}, now)
    shown = add(session, alice, alice.profile, "conditions", VALID["conditions"][0], now)
    row = session.get(models.Condition, hidden.id)
    row.hidden_from_professionals = True
    session.add(row)
    session.commit()

    assert [v.id for v in records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now)] == [
        shown.id]
    assert {v.id for v in records.list_entries(session, alice.actor, alice.profile.id, "conditions", now=now)} == {
        hidden.id, shown.id}

    before = snapshot(session)
    with pytest.raises(NotFound):
        records.update_entry(session, dr.actor, "conditions", hidden.id, VALID["conditions"][0], now=now)
    with pytest.raises(NotFound):
        records.delete_entry(session, dr.actor, "conditions", hidden.id, now=now)
    assert snapshot(session) == before


def test_a_professional_whose_care_ended_sees_nothing(session, now, family):
    alice, _, _ = family
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, alice, now, ends_at=now)
    add(session, alice, alice.profile, "conditions", VALID["conditions"][0], now)
    with pytest.raises(NotFound):
        records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now)
    with pytest.raises(NotFound):
        add(session, dr, alice.profile, "conditions", VALID["conditions"][0], now)
    assert committed_count(session, models.Condition) == 1


def test_a_professionals_read_is_recorded_for_the_patient(session, now, care):
    alice, dr, relationship = care
    add(session, alice, alice.profile, "conditions", VALID["conditions"][0], now)
    assert committed_count(session, AccessEvent) == 0

    records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now)
    [event] = committed_rows(session, AccessEvent)
    assert (event.profile_id, event.actor_user_id, event.action, event.target_kind, event.via, event.grant_id,
            event.occurred_at) == (alice.profile.id, dr.id, "read", "conditions", "care_team", relationship.id, now)


def test_the_owners_own_reads_are_not_recorded(session, now, family):
    alice, _, _ = family
    add(session, alice, alice.profile, "conditions", VALID["conditions"][0], now)
    for kind in ENTRY_KINDS:
        records.list_entries(session, alice.actor, alice.profile.id, kind, now=now)
    assert committed_count(session, AccessEvent) == 0


# --------------------------------------------------------------------------- caregivers


def test_a_caregiver_reads_only_the_sections_shared_and_writes_nothing(session, now, family):
    alice, lea, _ = family
    vaccine = add(session, alice, lea, "vaccinations", HEXA, now)
    add(session, alice, lea, "conditions", {"code_text": "Eczéma", "status": "active"}, now)
    nanny = make_caregiver(session, lea, ("vaccinations",), now=now, name="Nounou Sophie")

    [seen] = records.list_entries(session, nanny.actor, lea.id, "vaccinations", now=now)
    assert (seen.id, seen.editable) == (vaccine.id, False)

    before = snapshot(session)
    with pytest.raises(NotFound):
        records.list_entries(session, nanny.actor, lea.id, "conditions", now=now)
    with pytest.raises(Forbidden):
        add(session, nanny, lea, "vaccinations", HEXA, now)
    with pytest.raises(Forbidden):
        records.update_entry(session, nanny.actor, "vaccinations", vaccine.id, HEXA, now=now)
    with pytest.raises(Forbidden):
        records.delete_entry(session, nanny.actor, "vaccinations", vaccine.id, now=now)
    with pytest.raises(NotFound):
        add(session, nanny, lea, "conditions", {"code_text": "Varicelle", "status": "active"}, now)
    assert snapshot(session) == before

    reads = committed_rows(session, AccessEvent, AccessEvent.action == "read")
    assert [(e.actor_user_id, e.via, e.grant_id, e.target_kind) for e in reads] == [
        (nanny.id, "caregiver", nanny.grant.id, "vaccinations")]


@pytest.mark.parametrize("ended", ["revoked", "expired"])
def test_a_revoked_or_expired_caregiver_reads_nothing(session, now, family, ended):
    alice, lea, _ = family
    add(session, alice, lea, "vaccinations", HEXA, now)
    nanny = make_caregiver(session, lea, ("vaccinations",), now=now,
                           revoked_at=now if ended == "revoked" else None, ends_at=now if ended == "expired" else None)
    with pytest.raises(NotFound):
        records.list_entries(session, nanny.actor, lea.id, "vaccinations", now=now)


# --------------------------------------------------------------------------- strangers


@pytest.fixture()
def full_record(session, now, family):
    """Alice and Léa each with one entry of every kind."""
    alice, lea, bob = family
    entries = {}
    for kind, (form, _) in VALID.items():
        entries[(alice.profile.id, kind)] = add(session, alice, alice.profile, kind, form, now).id
    entries[(lea.id, "vaccinations")] = add(session, alice, lea, "vaccinations", HEXA, now).id
    return alice, lea, entries


def test_a_stranger_is_told_nothing_exists_and_changes_nothing(session, now, full_record):
    alice, lea, entries = full_record
    mallory = make_stranger(session)
    before = snapshot(session)

    for (pid, kind), entry_id in entries.items():
        with pytest.raises(NotFound):
            records.list_entries(session, mallory.actor, pid, kind, now=now)
        with pytest.raises(NotFound):
            add(session, mallory, pid, kind, VALID[kind][0] if kind != "vaccinations" else HEXA, now)
        with pytest.raises(NotFound):
            records.update_entry(session, mallory.actor, kind, entry_id, VALID[kind][0], now=now)
        with pytest.raises(NotFound):
            records.delete_entry(session, mallory.actor, kind, entry_id, now=now)

    assert snapshot(session) == before


def test_a_stranger_cannot_tell_an_existing_entry_from_a_missing_one(session, now, full_record):
    alice, _, entries = full_record
    mallory = make_stranger(session)
    missing = max(entries.values()) + 1000
    errors = []
    for entry_id in (entries[(alice.profile.id, "conditions")], missing, str(missing)):
        with pytest.raises(NotFound) as caught:
            records.update_entry(session, mallory.actor, "conditions", entry_id, VALID["conditions"][0], now=now)
        errors.append((type(caught.value), str(caught.value)))
    assert len(set(errors)) == 1


def test_a_strangers_attempt_is_recorded_as_denied_without_health_data(session, now, full_record):
    alice, _, entries = full_record
    mallory = make_stranger(session)
    with pytest.raises(NotFound):
        records.list_entries(session, mallory.actor, alice.profile.id, "conditions", now=now)
    with pytest.raises(NotFound):
        records.update_entry(session, mallory.actor, "allergies", entries[(alice.profile.id, "allergies")],
                             {**VALID["allergies"][0], "code_text": "Pirate"}, now=now)

    assert committed_count(session, AccessEvent) == 0  # a stranger's probes: the security log only
    events = committed_rows(session, SecurityEvent)
    assert [(e.profile_id, e.actor_user_id, e.action) for e in events] == [
        (alice.profile.id, mallory.id, "denied")] * 2
    dumped = repr([e.model_dump() for e in events])
    for health_data in ("Asthme", "Arachide", "Pirate", "195967001", "Urticaire"):
        assert health_data not in dumped


@pytest.mark.parametrize("bad_id", [None, "abc", ["1"], True, 0, -5, "1e3", 3.0, {"id": 1}])
def test_malformed_ids_are_refused_without_a_crash(session, now, full_record, bad_id):
    alice, _, _ = full_record
    before = snapshot(session)
    for call in (
        lambda: records.list_entries(session, alice.actor, bad_id, "conditions", now=now),
        lambda: records.add_entry(session, alice.actor, bad_id, "conditions", VALID["conditions"][0], now=now),
        lambda: records.update_entry(session, alice.actor, "conditions", bad_id, VALID["conditions"][0], now=now),
        lambda: records.delete_entry(session, alice.actor, "conditions", bad_id, now=now),
    ):
        with pytest.raises((ValidationError, NotFound)) as caught:
            call()
        if isinstance(caught.value, ValidationError):
            assert caught.value.code == "error.invalid_id"
    assert snapshot(session) == before


# --------------------------------------------------------------------------- local dates


def test_today_in_france_is_not_in_the_future_just_after_midnight(session):
    alice = make_owner(session)
    half_past_midnight_in_paris = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)  # 29 Nov, 00:30 in Paris
    view = add(session, alice, alice.profile, "vaccinations", {**VALID["vaccinations"][0], "given_on": "2026-11-29"},
               half_past_midnight_in_paris)
    assert stored(session, "vaccinations", view.id).given_on == date(2026, 11, 29)


def test_the_patient_hides_an_entry_from_professionals_with_one_switch(session, now, care):
    alice, dr, _ = care
    entry = add(session, alice, alice.profile, "conditions", VALID["conditions"][0], now)
    [seen] = records.list_entries(session, alice.actor, alice.profile.id, "conditions", now=now)
    assert seen.manageable is True and seen.hidden_from_professionals is False

    records.set_hidden_from_professionals(session, alice.actor, "conditions", entry.id, True, now=now)
    assert records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now) == []

    records.set_hidden_from_professionals(session, alice.actor, "conditions", entry.id, False, now=now)
    assert [v.id for v in records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now)] == [
        entry.id]


def test_only_the_household_may_hide_an_entry(session, now, care):
    alice, dr, _ = care
    entry = add(session, alice, alice.profile, "conditions", VALID["conditions"][0], now)
    [seen] = records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now)
    assert seen.manageable is False
    with pytest.raises(Forbidden):
        records.set_hidden_from_professionals(session, dr.actor, "conditions", entry.id, False, now=now)
    stranger = make_stranger(session)
    with pytest.raises(NotFound):
        records.set_hidden_from_professionals(session, stranger.actor, "conditions", entry.id, True, now=now)
    for bad in ("yes", None, 1, [True]):
        with pytest.raises(ValidationError):
            records.set_hidden_from_professionals(session, alice.actor, "conditions", entry.id, bad, now=now)
    assert stored(session, "conditions", entry.id).hidden_from_professionals is False


def test_no_entry_column_is_hidden_by_an_attribute_of_a_core_row() -> None:
    """Lists read entries as Core rows (``records._entries_statement``) and views read their
    columns as attributes: a column named like a ``Row`` attribute (``count``, ``index``…)
    would read the method instead of the value."""
    import sqlalchemy as sa

    from mes_app.services.records import MODELS

    reserved = set(dir(sa.Row))
    assert not {c.name for model in MODELS.values() for c in model.__table__.c} & reserved
