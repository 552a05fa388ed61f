""" "Mon histoire de santé": one list of every interaction with care, newest first, paginated,
showing each viewer only what they may read."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from mes_app.db import models
from mes_app.db.models import AccessEvent, Appointment, Document, DocumentGrant, SecurityEvent
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import capabilities, records, timeline
from mes_app.services.timeline import PAGE_SIZE
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

_storage = itertools.count(1)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def _save(session, row):
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def encounter(session, who, profile, day: date, title="Consultation", kind="gp_visit", role="patient", **extra):
    return _save(
        session,
        models.Encounter(
            profile_id=profile.id,
            author_user_id=who.id,
            author_role=role,
            kind=kind,
            title=title,
            occurred_at=noon(day),
            **extra,
        ),
    )


def vaccination(session, who, profile, day: date, title="ROR", **extra):
    return _save(
        session,
        models.Vaccination(profile_id=profile.id, author_user_id=who.id, code_text=title, given_on=day, **extra),
    )


def hospitalisation(session, who, profile, day: date, title="Appendicite", **extra):
    return _save(
        session,
        models.Hospitalisation(
            profile_id=profile.id,
            author_user_id=who.id,
            code_text=title,
            admitted_on=day,
            facility="CHU de Lyon",
            **extra,
        ),
    )


def document(session, who, profile, day: date, title="Compte rendu", **extra):
    n = next(_storage)
    return _save(
        session,
        Document(
            profile_id=profile.id,
            author_user_id=who.id,
            title=title,
            document_date=day,
            category_display="Compte rendu",
            storage_key=f"doc-{n:06d}",
            sha256=hashlib.sha256(str(n).encode()).hexdigest(),
            size_bytes=1234,
            mime_type="application/pdf",
            original_filename="cr.pdf",
            **extra,
        ),
    )


def appointment(session, who, profile, starts_at: datetime, title="Rendez-vous", **extra):
    return _save(
        session,
        Appointment(
            profile_id=profile.id,
            author_user_id=who.id,
            title=title,
            starts_at=starts_at,
            practitioner="Dr Bernard",
            **extra,
        ),
    )


def switch(session, doc, grantee_kind, grantee, allowed, set_by):
    return _save(
        session,
        DocumentGrant(
            document_id=doc.id,
            grantee_kind=grantee_kind,
            grantee_user_id=grantee.id,
            allowed=allowed,
            set_by_user_id=set_by.id,
        ),
    )


def keys(page) -> list[str]:
    return [item.key for item in page.items]


def page_of(session, who, profile, now, **kwargs):
    return timeline.history_page(session, who.actor, profile.id, now=now, **kwargs)


@pytest.fixture()
def alice(session):
    return make_owner(session, "Alice Durand")


@pytest.fixture()
def history(session, now, alice):
    """Alice's record: one of each source, on distinct days."""
    p = alice.profile
    return {
        "enc": encounter(
            session, alice, p, date(2026, 11, 20), "Consultation pour toux", practitioner="Dr Bernard", place="Lyon"
        ),
        "spec": encounter(session, alice, p, date(2026, 6, 2), "Dermatologue", kind="specialist"),
        "vac": vaccination(session, alice, p, date(2026, 10, 1), "Grippe", dose_number=1),
        "hosp": hospitalisation(session, alice, p, date(2025, 2, 3)),
        "doc": document(session, alice, p, date(2026, 9, 15), "Bilan sanguin"),
        "appt": appointment(session, alice, p, now - timedelta(days=40), "Ophtalmologue"),
    }


# --------------------------------------------------------------------------- the merged list


def test_every_source_is_merged_newest_first(session, now, alice, history):
    page = page_of(session, alice, alice.profile, now)
    h = history
    assert [(i.key, i.kind, i.date) for i in page.items] == [
        (f"encounter-{h['enc'].id}", "gp_visit", "2026-11-20"),
        (f"appointment-{h['appt'].id}", "appointment", "2026-10-19"),
        (f"vaccination-{h['vac'].id}", "vaccination", "2026-10-01"),
        (f"document-{h['doc'].id}", "document", "2026-09-15"),
        (f"encounter-{h['spec'].id}", "specialist", "2026-06-02"),
        (f"hospitalisation-{h['hosp'].id}", "hospital", "2025-02-03"),
    ]
    assert (page.page, page.has_more, page.total) == (0, False, 6)
    first, _, vac, doc, _, hosp = page.items
    assert (first.title, first.details, first.author_role, first.author_name) == (
        "Consultation pour toux",
        "Dr Bernard · Lyon",
        "patient",
        "Alice Durand",
    )
    assert (vac.title, vac.details) == ("Grippe", "dose 1")
    assert (doc.title, hosp.details) == ("Bilan sanguin", "CHU de Lyon")
    assert not first.by_professional  # the patient typed it: no professional's name on the line


def test_an_entry_a_professional_made_is_flagged_for_the_page_to_name_them(session, now, alice, dr):
    encounter(session, dr, alice.profile, date(2026, 11, 2), title="Suivi tension", role="professional")
    [item] = timeline.history_page(session, alice.actor, alice.profile.id, now=now).items
    assert item.by_professional and item.author_name == dr.name


def test_future_cancelled_and_deleted_things_are_not_history(session, now, alice, history):
    p = alice.profile
    appointment(session, alice, p, now + timedelta(days=3), "Dentiste")
    appointment(session, alice, p, now - timedelta(days=3), "Annulé", status="cancelled")
    document(session, alice, p, date(2026, 11, 1), "Supprimé", deleted_at=now - timedelta(days=1))
    assert page_of(session, alice, p, now).total == 6


def test_another_profiles_history_does_not_leak_in(session, now, alice, history):
    bob = make_owner(session, "Bob Martin")
    encounter(session, bob, bob.profile, date(2026, 11, 27), "Chez Bob")
    assert "Chez Bob" not in [i.title for i in page_of(session, alice, alice.profile, now).items]
    assert [i.title for i in page_of(session, bob, bob.profile, now).items] == ["Chez Bob"]


def test_an_empty_history_is_an_empty_page(session, now, alice):
    page = page_of(session, alice, alice.profile, now)
    assert (page.items, page.has_more, page.total) == ([], False, 0)


# --------------------------------------------------------------------------- pages


def test_pages_follow_each_other_without_duplicates(session, now, alice):
    p = alice.profile
    made = [
        encounter(session, alice, p, date(2026, 1, 1) + timedelta(days=i), f"Visite {i}") for i in range(PAGE_SIZE + 7)
    ]
    # two visits on the same day: the order must still be stable across pages
    made.append(encounter(session, alice, p, date(2026, 1, 1) + timedelta(days=PAGE_SIZE - 1), "Même jour"))

    first = page_of(session, alice, p, now)
    second = page_of(session, alice, p, now, page=1)
    third = page_of(session, alice, p, now, page="2")

    assert (len(first.items), first.has_more, first.total) == (PAGE_SIZE, True, len(made))
    assert (len(second.items), second.has_more, second.page) == (len(made) - PAGE_SIZE, False, 1)
    assert (third.items, third.has_more) == ([], False)
    everything = keys(first) + keys(second)
    assert len(set(everything)) == len(everything) == len(made)
    assert set(everything) == {f"encounter-{e.id}" for e in made}
    dates = [i.date for i in first.items + second.items]
    assert dates == sorted(dates, reverse=True)


def test_exactly_one_full_page_has_no_more(session, now, alice):
    for i in range(PAGE_SIZE):
        encounter(session, alice, alice.profile, date(2026, 1, 1) + timedelta(days=i))
    page = page_of(session, alice, alice.profile, now)
    assert (len(page.items), page.has_more) == (PAGE_SIZE, False)


# --------------------------------------------------------------------------- filters and bad input


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("vaccination", ["vac"]),
        ("gp_visit", ["enc"]),
        ("specialist", ["spec"]),
        ("hospital", ["hosp"]),
        ("document", ["doc"]),
        ("appointment", ["appt"]),
        ("emergency", []),
        ("all", ["enc", "appt", "vac", "doc", "spec", "hosp"]),
    ],
)
def test_the_filter_keeps_one_kind(session, now, alice, history, kind, expected):
    page = page_of(session, alice, alice.profile, now, kind=kind)
    assert [i.key.split("-")[1] for i in page.items] == [str(history[name].id) for name in expected]
    assert {i.kind for i in page.items} <= ({kind} if kind != "all" else set(timeline.FILTERS))
    assert page.total == len(expected)


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"kind": "vaccinations"}, "error.invalid_choice"),
        ({"kind": "ALL"}, "error.invalid_choice"),
        ({"kind": ["all"]}, "error.invalid_choice"),
        ({"kind": 3}, "error.invalid_choice"),
        ({"page": -1}, "error.out_of_range"),
        ({"page": 10_001}, "error.out_of_range"),
        ({"page": "deux"}, "error.invalid_number"),
        ({"page": 1.5}, "error.invalid_number"),
        ({"page": True}, "error.invalid_number"),
        ({"page": [1]}, "error.invalid_number"),
    ],
)
def test_a_bad_filter_or_page_is_refused(session, now, alice, history, arguments, code):
    with pytest.raises(ValidationError) as caught:
        page_of(session, alice, alice.profile, now, **arguments)
    assert caught.value.code == code


@pytest.mark.parametrize("bad_id", [None, "abc", ["1"], True, 0])
def test_a_malformed_profile_id_is_refused(session, now, alice, bad_id):
    with pytest.raises(ValidationError) as caught:
        timeline.history_page(session, alice.actor, bad_id, now=now)
    assert caught.value.code == "error.invalid_id"


# --------------------------------------------------------------------------- who sees what


@pytest.fixture()
def dr(session, now, alice):
    doctor = make_professional(session, "Dr Martin")
    give_care(session, doctor, alice, now)
    return doctor


def test_a_document_switched_off_for_a_professional_is_absent_from_their_history_only(session, now, alice, history, dr):
    secret = document(session, alice, alice.profile, date(2026, 11, 10), "Compte rendu psychiatrique")
    switch(session, secret, "professional", dr, False, alice)
    colleague = make_professional(session, "Dr Petit")
    give_care(session, colleague, alice, now)

    mine = keys(page_of(session, alice, alice.profile, now))
    theirs = keys(page_of(session, dr, alice.profile, now))
    assert f"document-{secret.id}" in mine
    assert f"document-{secret.id}" not in theirs
    assert f"document-{history['doc'].id}" in theirs  # without a switch, a document is shown (DMP default)
    assert set(mine) - set(theirs) == {f"document-{secret.id}"}
    assert page_of(session, dr, alice.profile, now).total == 6
    # the switch is for that professional only
    assert f"document-{secret.id}" in keys(page_of(session, colleague, alice.profile, now))
    assert page_of(session, dr, alice.profile, now, kind="document").total == 1


def test_entries_hidden_from_professionals_are_absent_from_their_history(session, now, alice, history, dr):
    p = alice.profile
    hidden = [
        encounter(
            session, alice, p, date(2026, 11, 21), "Psychiatre", kind="specialist", hidden_from_professionals=True
        ),
        vaccination(session, alice, p, date(2026, 11, 2), "Vaccin caché", hidden_from_professionals=True),
        hospitalisation(session, alice, p, date(2026, 3, 3), "IVG", hidden_from_professionals=True),
        document(session, alice, p, date(2026, 11, 3), "Document caché", hidden_from_professionals=True),
        appointment(session, alice, p, now - timedelta(days=2), "RDV caché", hidden_from_professionals=True),
    ]
    hidden_keys = {f"{type(row).__name__.lower()}-{row.id}" for row in hidden}

    assert hidden_keys <= set(keys(page_of(session, alice, p, now)))
    theirs = page_of(session, dr, p, now)
    assert not hidden_keys & set(keys(theirs))
    assert theirs.total == 6  # not a count that would betray the hidden ones


def test_a_professionals_history_read_is_recorded(session, now, alice, history, dr):
    page_of(session, alice, alice.profile, now)
    assert committed_count(session, AccessEvent) == 0
    page_of(session, dr, alice.profile, now)
    [event] = committed_rows(session, AccessEvent)
    assert (event.actor_user_id, event.via, event.action, event.target_kind) == (dr.id, "care_team", "read", "history")


def test_a_caregiver_sees_only_the_sections_in_scope(session, now, alice, history):
    nanny = make_caregiver(session, alice, ("history", "vaccinations"), now=now)
    page = page_of(session, nanny, alice.profile, now)
    h = history
    assert keys(page) == [f"encounter-{h['enc'].id}", f"vaccination-{h['vac'].id}", f"encounter-{h['spec'].id}"]


def test_a_caregiver_sees_a_document_only_when_switched_on_for_them(session, now, alice, history):
    nanny = make_caregiver(session, alice, ("history", "documents"), now=now)
    shared = document(session, alice, alice.profile, date(2026, 11, 5), "Certificat de vaccination")
    switch(session, shared, "caregiver", nanny, True, alice)
    documents = [k for k in keys(page_of(session, nanny, alice.profile, now)) if k.startswith("document-")]
    assert documents == [f"document-{shared.id}"]


def test_a_caregiver_without_history_in_scope_gets_not_found(session, now, alice, history):
    nanny = make_caregiver(session, alice, ("vaccinations",), now=now)
    with pytest.raises(NotFound):
        page_of(session, nanny, alice.profile, now)


def test_a_stranger_gets_not_found_and_a_denied_event(session, now, alice, history):
    mallory = make_stranger(session)
    with pytest.raises(NotFound):
        page_of(session, mallory, alice.profile, now)
    assert committed_count(session, AccessEvent) == 0  # a stranger's probe: the security log only
    [event] = committed_rows(session, SecurityEvent)
    assert (event.profile_id, event.actor_user_id, event.action) == (alice.profile.id, mallory.id, "denied")


def test_a_stranger_with_an_invalid_filter_learns_nothing_more(session, now, alice, history):
    """Even a bad filter must not answer differently for an existing and a missing profile."""
    mallory = make_stranger(session)
    missing = alice.profile.id + 1000
    answers = []
    for pid in (alice.profile.id, missing):
        with pytest.raises(Exception) as caught:
            timeline.history_page(session, mallory.actor, pid, kind="nope", now=now)
        answers.append(type(caught.value))
    assert answers[0] is answers[1]


# --------------------------------------------------------------------------- the patient adds an event
# « Ajouter un événement » on the history page: an encounter, through the records service.

VISIT = {
    "kind": "gp_visit",
    "title": "Consultation pour otite",
    "occurred_on": "2026-10-15",
    "practitioner": "Dr Bernard",
    "place": "Cabinet de Lyon 3e",
    "note": "Amoxicilline 7 jours\nRevoir si fièvre",
}


def add_event(session, who, profile, now, form=VISIT):
    return records.add_entry(session, who.actor, profile.id, "encounters", form, now=now)


def test_the_owner_adds_a_consultation_and_it_takes_its_place_in_the_timeline(session, now, alice, history):
    added = add_event(session, alice, alice.profile, now)
    page = page_of(session, alice, alice.profile, now)
    h = history
    assert keys(page) == [
        f"encounter-{h['enc'].id}",
        f"appointment-{h['appt'].id}",  # 20/11, 19/10
        f"encounter-{added.id}",  # 15/10
        f"vaccination-{h['vac'].id}",
        f"document-{h['doc'].id}",
        f"encounter-{h['spec'].id}",
        f"hospitalisation-{h['hosp'].id}",
    ]
    item = page.items[2]
    assert (item.kind, item.title, item.date, item.details, item.note) == (
        "gp_visit",
        "Consultation pour otite",
        "2026-10-15",
        "Dr Bernard · Cabinet de Lyon 3e",
        "Amoxicilline 7 jours\nRevoir si fièvre",
    )
    assert (item.author_role, item.author_name) == ("patient", "Alice Durand")
    assert "history" in capabilities.capabilities(session, alice.actor, alice.profile.id, now=now).addable_sections


def test_a_guardian_adds_an_event_to_the_childs_history(session, now, alice):
    lea = make_child(session, alice)
    add_event(
        session,
        alice,
        lea,
        now,
        {**VISIT, "kind": "emergency", "title": "Urgences pédiatriques", "occurred_on": "2026-11-02"},
    )
    [item] = timeline.history_page(session, alice.actor, lea.id, now=now).items
    assert (item.kind, item.title, item.author_role) == ("emergency", "Urgences pédiatriques", "guardian")
    assert page_of(session, alice, alice.profile, now).items == []  # not on the parent's own history


def test_a_caregiver_who_reads_the_history_cannot_add_to_it(session, now, alice, history):
    nanny = make_caregiver(session, alice, ("history",), now=now)
    before = committed_count(session, models.Encounter)
    with pytest.raises(Forbidden):
        add_event(session, nanny, alice.profile, now)
    assert committed_count(session, models.Encounter) == before
    assert "history" not in capabilities.capabilities(session, nanny.actor, alice.profile.id, now=now).addable_sections


def test_a_stranger_adding_an_event_is_told_the_profile_does_not_exist(session, now, alice, history):
    mallory = make_stranger(session)
    before = committed_count(session, models.Encounter)
    for pid in (alice.profile.id, alice.profile.id + 1000):
        with pytest.raises(NotFound):
            records.add_entry(session, mallory.actor, pid, "encounters", VISIT, now=now)
    assert committed_count(session, models.Encounter) == before


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": ""}, "error.required"),
        ({"kind": "hacker"}, "error.invalid_choice"),
        ({"occurred_on": "2099-01-01"}, "error.date_in_future"),
        ({"occurred_on": "1900-01-01"}, "error.before_birth"),
        ({"occurred_on": "demain"}, "error.invalid_date"),
        ({"note": "x" * 100_000}, "error.text_too_long"),
    ],
)
def test_an_invalid_event_is_refused_and_nothing_stored(session, now, alice, change, code):
    with pytest.raises(ValidationError) as caught:
        add_event(session, alice, alice.profile, now, {**VISIT, **change})
    assert caught.value.code == code
    assert committed_count(session, models.Encounter) == 0


# --------------------------------------------------------------------------- one statement per shape
# The page's statement is built once per shape of what the viewer may read and cached: the
# viewer's id (their document switches) is a parameter of each execution, never in the cache.


@pytest.fixture()
def fresh_statements():
    """The cache of page statements emptied: the first viewer of the test builds the statement."""
    timeline._page_statement.cache_clear()


@pytest.fixture()
def builds(monkeypatch):
    """How many times the page's statement was built."""
    calls = []
    build = timeline._build_page

    def counting(*args, **kwargs):
        calls.append(args)
        return build(*args, **kwargs)

    monkeypatch.setattr(timeline, "_build_page", counting)
    return calls


def documents_of(page) -> list[str]:
    return [k for k in keys(page) if k.startswith("document-")]


@pytest.fixture()
def two_caregivers(session, now, alice, history):
    """Two caregivers of the same scope; the same document switched on for one, off for the other,
    and another on for the second only."""
    nanny = make_caregiver(session, alice, ("history", "documents"), now=now, name="Nounou Zoé")
    granny = make_caregiver(session, alice, ("history", "documents"), now=now, name="Mamie Jeanne")
    both = document(session, alice, alice.profile, date(2026, 11, 5), "Certificat de vaccination")
    switch(session, both, "caregiver", nanny, True, alice)
    switch(session, both, "caregiver", granny, False, alice)
    hers = document(session, alice, alice.profile, date(2026, 11, 6), "Ordonnance de lunettes")
    switch(session, hers, "caregiver", granny, True, alice)
    return {"nanny": (nanny, [f"document-{both.id}"]), "granny": (granny, [f"document-{hers.id}"])}


@pytest.mark.parametrize("order", [("nanny", "granny"), ("granny", "nanny")])
def test_two_caregivers_one_after_the_other_each_see_their_own_switches(
        session, now, alice, two_caregivers, fresh_statements, order):
    for name in (*order, *order):  # and again, from the cache
        who, documents = two_caregivers[name]
        page = page_of(session, who, alice.profile, now)
        assert documents_of(page) == documents
        assert page.total == 2 + len(documents)  # the 2 encounters: nor does the count betray the rest
        assert page_of(session, who, alice.profile, now, kind="document").total == len(documents)


def test_two_caregivers_of_the_same_shape_share_one_statement(session, now, alice, two_caregivers,
                                                               fresh_statements, builds):
    for name in ("nanny", "granny", "nanny"):
        who, documents = two_caregivers[name]
        assert documents_of(page_of(session, who, alice.profile, now)) == documents
    assert len(builds) == 1


@pytest.mark.parametrize("first", ["dr", "colleague"])
def test_two_professionals_one_after_the_other_each_see_their_own_switches(session, now, alice, history, dr,
                                                                           fresh_statements, first):
    secret = document(session, alice, alice.profile, date(2026, 11, 10), "Compte rendu psychiatrique")
    switch(session, secret, "professional", dr, False, alice)
    colleague = make_professional(session, "Dr Petit")
    give_care(session, colleague, alice, now)
    viewers = {"dr": (dr, 6), "colleague": (colleague, 7)}
    for name in (first, *(n for n in viewers if n != first)):
        who, total = viewers[name]
        page = page_of(session, who, alice.profile, now)
        assert (f"document-{secret.id}" in keys(page), page.total) == (name == "colleague", total)


@pytest.fixture()
def teen(session, now):
    """Chloé, 15, her two parents and her doctor, who keeps one document from her parents."""
    parent = make_owner(session, "Camille Durand")
    chloe = make_child(session, parent, "Chloé", birth_date=date(2011, 2, 10))
    co = make_co_guardian(session, chloe, "Bob Durand")
    doctor = make_professional(session, "Dr Lefort")
    give_care(session, doctor, chloe, now)
    p = chloe.profile
    shown = document(session, parent, p, date(2026, 10, 1), "Carnet de santé")
    secret = document(session, doctor, p, date(2026, 11, 20), "Ordonnance", author_role="professional",
                      hidden_from_guardians=True)
    return {"parent": parent, "co": co, "doctor": doctor, "profile": p, "shown": shown, "secret": secret}


@pytest.mark.parametrize("first", ["parent", "doctor"])
def test_a_teens_hidden_document_stays_out_of_her_guardians_history_whoever_came_first(
        session, now, teen, fresh_statements, first):
    shown, secret = f"document-{teen['shown'].id}", f"document-{teen['secret'].id}"
    expected = {"parent": [shown], "co": [shown], "doctor": [secret, shown]}
    order = [first, *(n for n in ("parent", "doctor") if n != first), "co"]
    for name in order:
        page = page_of(session, teen[name], teen["profile"], now)
        assert (documents_of(page), page.total) == (expected[name], len(expected[name]))


def test_a_teens_two_guardians_share_one_statement(session, now, teen, fresh_statements, builds):
    for name in ("parent", "co", "parent"):
        assert documents_of(page_of(session, teen[name], teen["profile"], now)) == [f"document-{teen['shown'].id}"]
    assert len(builds) == 1
