"""The access history does not flood: strangers' probes go to the operator's security log and
show as one grouped line; repeated refusals by people the patient knows are grouped; the page
is paged in SQL and every code reads as French or English text."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from mes_app import i18n
from mes_app.db.models import AccessEvent, AccessLine, SecurityEvent
from mes_app.domain.access_log import ACTION_CODES, TARGET_KINDS, VIA_CODES
from mes_app.domain.access_view import access_row
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import access_history, documents, measures, messaging, profiles, records, security_log
from mes_app.services.access_facts import record_access
from mes_app.services.access_history import PAGE_SIZE, AccessView
from tests.factories import (
    committed_count,
    committed_rows,
    give_care,
    make_caregiver,
    make_child,
    make_owner,
    make_professional,
    make_stranger,
)

MINUTE = timedelta(minutes=1)


def history(session, who, profile, now, page=0):
    return access_history.access_history(session, who.actor, profile.id, page=page, now=now)


def probe(session, mallory, profile, now, i):
    """One of the attack's probes on a profile: a different service each time; all answer not found."""
    calls = (
        lambda: profiles.get_profile(session, mallory.actor, profile.id, now=now),
        lambda: records.list_entries(session, mallory.actor, profile.id, "conditions", now=now),
        lambda: measures.latest_measures(session, mallory.actor, profile.id, now=now),
        lambda: records.list_entries(session, mallory.actor, profile.id, "allergies", now=now),
        lambda: messaging.start_thread(session, mallory.actor, profile.id, "Objet", "Bonjour", now=now),
        lambda: access_history.access_history(session, mallory.actor, profile.id, now=now),
    )
    with pytest.raises(NotFound):
        calls[i % len(calls)]()


def test_a_strangers_50_probes_are_50_security_rows_and_one_line_for_the_patient(session, now):
    alice = make_owner(session)
    mallory = make_stranger(session)
    for i in range(50):
        probe(session, mallory, alice.profile, now + i * MINUTE, i)

    assert committed_count(session, AccessEvent, AccessEvent.profile_id == alice.profile.id) == 0
    assert committed_count(session, SecurityEvent) == 50
    assert committed_count(session, SecurityEvent, SecurityEvent.actor_user_id == mallory.id) == 50

    page = history(session, alice, alice.profile, now + timedelta(hours=1))
    [line] = page.items
    assert (line.source, line.who, line.who_role, line.action, line.count) == (
        "strangers",
        "",
        "stranger",
        "denied",
        50,
    )
    assert line.first_at == now.isoformat() and line.occurred_at == (now + 49 * MINUTE).isoformat()
    assert not page.has_more
    row = access_row(line, "fr")
    assert row.refused and "Mallory" not in repr(row)
    assert (row.who, row.what) == ("Quelqu'un sans accès à ce dossier", "a tenté de l'ouvrir")
    assert row.when == "50 tentatives refusées le 28/11/2026, entre 13:00 et 13:49"  # Paris time
    assert access_row(line, "en").when == "50 refused attempts on 28 Nov 2026, between 13:00 and 13:49"


def test_strangers_over_several_days_read_as_one_range(session, now):
    alice = make_owner(session)
    mallory, eve = make_stranger(session), make_stranger(session, "Eve")
    for i in range(12):
        probe(session, mallory if i % 2 else eve, alice.profile, now + timedelta(hours=5 * i), i)
    [line] = history(session, alice, alice.profile, now + timedelta(days=4)).items
    assert line.count == 12
    row = access_row(line, "fr")
    assert row.when == "12 tentatives refusées entre le 28/11/2026 et le 30/11/2026"
    assert "Mallory" not in repr(row) and "Eve" not in repr(row)


def test_a_known_persons_access_splits_the_strangers_runs(session, now):
    alice = make_owner(session)
    mallory, dr = make_stranger(session), make_professional(session, "Dr Bernard")
    give_care(session, dr, alice, now)
    for i in range(3):
        probe(session, mallory, alice.profile, now + i * MINUTE, i)
    records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now + 10 * MINUTE)
    for i in range(4):
        probe(session, mallory, alice.profile, now + (20 + i) * MINUTE, i)
    lines = history(session, alice, alice.profile, now + timedelta(hours=1)).items
    assert [(x.source, x.who, x.count) for x in lines] == [
        ("strangers", "", 4),
        ("ledger", "Dr Bernard", 1),
        ("strangers", "", 3),
    ]


def test_a_caregivers_repeated_refusals_stay_in_the_ledger_grouped(session, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    nanny = make_caregiver(session, lea, ("vaccinations",), now=now, name="Nounou")
    for i in range(7):
        with pytest.raises(NotFound):
            measures.latest_measures(session, nanny.actor, lea.profile.id, now=now + i * MINUTE)
    assert committed_count(session, AccessEvent, AccessEvent.actor_user_id == nanny.id) == 7
    assert committed_count(session, SecurityEvent) == 0
    [line] = history(session, alice, lea.profile, now + timedelta(hours=1)).items
    assert (line.who, line.action, line.target_kind, line.via, line.count) == (
        "Nounou",
        "denied",
        "measures",
        "none",
        7,
    )
    row = access_row(line, "fr")
    assert (row.who, row.what, row.refused) == ("Nounou", "a tenté d'ouvrir les mesures de santé", True)
    assert row.when == "7 tentatives refusées le 28/11/2026, entre 13:00 et 13:06"


def test_a_professionals_probes_of_hidden_entries_are_one_line_whatever_the_id(session, now):
    alice = make_owner(session)
    dr = make_professional(session, "Dr Bernard")
    give_care(session, dr, alice, now)
    for i in range(5):
        record_access(
            session,
            actor_user_id=dr.id,
            profile_id=alice.profile.id,
            action="denied",
            target_kind="conditions",
            target_id=100 + i,
            via="none",
            now=now + i * MINUTE,
        )
    session.commit()
    [line] = history(session, alice, alice.profile, now + timedelta(hours=1)).items
    assert (line.who, line.count, line.target_kind) == ("Dr Bernard", 5, "conditions")


def test_a_blocked_or_former_professional_is_not_a_stranger(session, now):
    alice = make_owner(session)
    dr = make_professional(session, "Dr Ancien")
    give_care(session, dr, alice, now, status="removed")
    with pytest.raises(NotFound):
        records.list_entries(session, dr.actor, alice.profile.id, "conditions", now=now)
    assert committed_count(session, SecurityEvent) == 0
    [line] = history(session, alice, alice.profile, now).items
    assert (line.who, line.action) == ("Dr Ancien", "denied")


def test_a_burst_within_one_minute_reads_as_one_moment(session, now):
    alice = make_owner(session)
    mallory = make_stranger(session)
    for i in range(5):
        probe(session, mallory, alice.profile, now + timedelta(seconds=i), i)
    [line] = history(session, alice, alice.profile, now + MINUTE).items
    assert access_row(line, "fr").when == "5 tentatives refusées le 28/11/2026 à 13:00"
    assert access_row(line, "en").when == "5 refused attempts on 28 Nov 2026 at 13:00"


def test_only_consecutive_identical_events_are_grouped(session, now):
    alice = make_owner(session)
    dr = make_professional(session, "Dr Bernard")
    give_care(session, dr, alice, now)
    at = iter(now + i * MINUTE for i in range(100))
    for kind in ("conditions", "conditions", "treatments", "conditions", "conditions", "conditions"):
        records.list_entries(session, dr.actor, alice.profile.id, kind, now=next(at))
    lines = history(session, alice, alice.profile, now + timedelta(hours=2)).items
    assert [(x.target_kind, x.count) for x in lines] == [("conditions", 3), ("treatments", 1), ("conditions", 2)]
    assert access_row(lines[0], "fr").when == "3 fois le 28/11/2026, entre 13:03 et 13:05"


def test_the_page_is_paged_in_sql_with_a_see_more(session, now):
    alice = make_owner(session)
    dr = make_professional(session, "Dr Bernard")
    give_care(session, dr, alice, now)
    for i in range(40):  # an older run: one line
        record_access(
            session,
            actor_user_id=dr.id,
            profile_id=alice.profile.id,
            action="read",
            target_kind="vaccinations",
            via="care_team",
            now=now - timedelta(days=1) + i * MINUTE,
        )
    kinds = ("conditions", "treatments")
    for i in range(PAGE_SIZE + 5):  # alternating: nothing groups
        record_access(
            session,
            actor_user_id=dr.id,
            profile_id=alice.profile.id,
            action="read",
            target_kind=kinds[i % 2],
            via="care_team",
            now=now + i * MINUTE,
        )
    session.commit()
    first = history(session, alice, alice.profile, now + timedelta(days=1))
    assert len(first.items) == PAGE_SIZE and first.has_more
    second = history(session, alice, alice.profile, now + timedelta(days=1), page=1)
    assert [x.count for x in second.items] == [1] * 5 + [40] and not second.has_more
    assert {x.key for x in first.items}.isdisjoint({x.key for x in second.items})
    with pytest.raises(ValidationError):
        history(session, alice, alice.profile, now, page=10_001)


def test_the_history_query_reads_only_its_page_on_the_profile_time_index(session, now):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the plan text is SQLite's")
    alice = make_owner(session)
    query = access_history._lines(alice.profile.id, alice.id, 2)
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = " ".join(str(r) for r in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all())
    assert "ix_access_line_profile_time" in plan and "TEMP B-TREE" not in plan  # no sort of the whole history
    assert "LIMIT 31 OFFSET 60" in str(compiled)


def test_hundreds_of_probes_are_one_line_row_for_the_patient(session, now):
    """However many refusals: one line row, the page reads one row."""
    alice = make_owner(session)
    mallory = make_stranger(session)
    for i in range(200):
        probe(session, mallory, alice.profile, now + i * MINUTE, i)
    assert committed_count(session, AccessLine, AccessLine.profile_id == alice.profile.id) == 1
    assert committed_count(session, SecurityEvent) == 200


def test_probes_of_a_profile_id_that_does_not_exist_make_no_line(session, now):
    mallory = make_stranger(session)
    with pytest.raises(NotFound):
        profiles.get_profile(session, mallory.actor, 999_999, now=now)
    [event] = committed_rows(session, SecurityEvent)
    assert (event.actor_user_id, event.profile_id) == (mallory.id, 999_999)
    assert committed_count(session, AccessLine) == 0


def test_no_module_writes_access_events_but_record_access():
    """The history's lines are kept by record_access: a direct insert would bypass them."""
    from pathlib import Path

    import mes_app

    root = Path(mes_app.__file__).parent
    writers = [
        p.relative_to(root).as_posix()
        for p in root.rglob("*.py")
        if re.search(r"(?<!class )\bAccessEvent\(", p.read_text("utf-8"))
    ]
    assert writers == ["services/access_facts.py"]


def test_the_history_stays_for_the_household(session, now):
    alice = make_owner(session)
    dr, mallory = make_professional(session), make_stranger(session)
    give_care(session, dr, alice, now)
    with pytest.raises(Forbidden):
        history(session, dr, alice.profile, now)
    with pytest.raises(NotFound):
        history(session, mallory, alice.profile, now)
    assert committed_count(session, SecurityEvent, SecurityEvent.target_kind == "access_history") == 1


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_line_ever_shows_a_raw_code(lang, now):
    # the codes that are not words: with an underscore, or jargon
    codes = {c for c in ACTION_CODES | TARGET_KINDS | VIA_CODES if "_" in c} | {"denied", "download"}
    if lang == "fr":
        codes |= {"passcode", "measures", "treatments", "appointments"}
    for action in ACTION_CODES:
        for kind in TARGET_KINDS:
            for via in VIA_CODES:
                for count in (1, 3):
                    view = AccessView(
                        id=1,
                        occurred_at=now.isoformat(),
                        who="Dr X",
                        who_role="professional",
                        action=action,
                        target_kind=kind,
                        target_label="",
                        via=via,
                        grant_label="",
                        count=count,
                        first_at=(now - timedelta(days=2)).isoformat(),
                    )
                    row = access_row(view, lang)
                    text = f"{row.who} {row.what} {row.when} {row.via}"
                    assert not [c for c in codes if c in text], (action, kind, via, text)
                    assert "access." not in text


def test_an_unknown_code_from_old_rows_reads_as_text(now):
    view = AccessView(1, now.isoformat(), "Dr X", "professional", "login", "gizmo", "", "owner", "")
    row = access_row(view, "fr")
    assert "login" not in row.what and "gizmo" not in row.what and "owner" not in row.via


def test_recording_an_unregistered_code_fails_loudly(session, now):
    alice = make_owner(session)
    with pytest.raises(ValueError):
        record_access(
            session,
            actor_user_id=None,
            profile_id=alice.profile.id,
            action="peek",
            target_kind="profile",
            via="none",
            now=now,
        )
    with pytest.raises(ValueError):
        record_access(
            session,
            actor_user_id=None,
            profile_id=alice.profile.id,
            action="read",
            target_kind="gizmo",
            via="none",
            now=now,
        )
    assert i18n.t("access.target.measures_import", "fr") == "l'import de mesures"


# --------------------------------------------------------------------------- the operator's security log


def test_the_operator_pages_through_the_security_log_newest_first(session, now):
    alice = make_owner(session)
    mallory, eve = make_stranger(session), make_stranger(session, "Eve")
    for i in range(30):
        probe(session, mallory, alice.profile, now + i * MINUTE, i)
    for i in range(5):
        probe(session, eve, alice.profile, now + timedelta(hours=1) + i * MINUTE, i)

    first = security_log.security_events(session, page_size=20)
    assert len(first.items) == 20 and first.has_more
    assert [e.actor_user_id for e in first.items[:5]] == [eve.id] * 5
    second = security_log.security_events(session, before_id=first.next_before_id, page_size=20)
    assert len(second.items) == 15 and not second.has_more and second.next_before_id is None
    everything = first.items + second.items
    assert len({e.id for e in everything}) == 35
    assert [e.occurred_at for e in everything] == sorted((e.occurred_at for e in everything), reverse=True)
    assert {(e.action, e.profile_id) for e in everything} == {("denied", alice.profile.id)}
    assert {e.target_kind for e in everything} <= TARGET_KINDS

    only_eve = security_log.security_events(session, actor_user_id=eve.id)
    assert [e.actor_user_id for e in only_eve.items] == [eve.id] * 5
    probers = security_log.top_probers(session, since=now - timedelta(days=1))
    assert [(p.actor_user_id, p.attempts, p.profiles) for p in probers] == [(mallory.id, 30, 1), (eve.id, 5, 1)]

    dumped = repr(everything)
    assert "Alice" not in dumped and "Mallory" not in dumped


@pytest.mark.parametrize(
    "bad",
    [{"before_id": "abc"}, {"page_size": 0}, {"page_size": 10_000}, {"actor_user_id": ["1"]}, {"before_id": True}],
)
def test_the_security_log_arguments_are_validated(session, bad):
    with pytest.raises(ValidationError):
        security_log.security_events(session, **bad)


def test_a_document_id_that_does_not_exist_goes_to_the_security_log(session, now):
    alice = make_owner(session)
    with pytest.raises(NotFound):
        documents.open_document(session, alice.actor, 987_654, now=now)
    [event] = session.exec(select(SecurityEvent)).all()
    assert (event.actor_user_id, event.profile_id, event.target_kind, event.target_id) == (
        alice.id,
        None,
        "document",
        987_654,
    )
