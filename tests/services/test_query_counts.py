"""A page costs what it shows, not what the record holds: the statements each page's on_load
runs are counted (a ``before_cursor_execute`` listener on the engine) for a record of 10 and
of 1 000 rows per list. The count must be the same, and under a fixed bound (no N+1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from mes_app.db import models
from mes_app.domain.errors import ValidationError
from mes_app.services import access_history, documents, lab_results, measures, messaging, summary, timeline
from tests.factories import give_care, make_owner, make_professional

MEASURE_KINDS = ("weight", "blood_pressure", "heart_rate", "temperature")


@contextmanager
def counted(engine: sa.Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def seed(session, who, n: int, now: datetime) -> None:  # noqa: ANN001
    """``n`` rows in every list a page shows, some hidden from professionals."""
    pid, uid = who.profile.id, who.user.id
    base = {"profile_id": pid, "author_user_id": uid, "author_role": "patient", "created_at": now,
            "updated_at": now}
    hidden = lambda i: i % 3 == 0  # noqa: E731
    session.execute(sa.insert(models.Encounter), [
        {**base, "kind": "gp_visit", "title": f"Consultation {i}", "occurred_at": now - timedelta(hours=i + 1),
         "hidden_from_professionals": hidden(i)} for i in range(n)])
    session.execute(sa.insert(models.Measure), [
        {**base, "kind": MEASURE_KINDS[i % 4], "loinc_code": "29463-7", "unit": "kg", "value": 70.0,
         "value_secondary": 80.0 if i % 4 == 1 else None, "measured_at": now - timedelta(hours=i + 1),
         "source": "manual", "hidden_from_professionals": hidden(i)} for i in range(n)])
    session.execute(sa.insert(models.Vaccination), [
        {**base, "code_text": f"Vaccin {i}", "given_on": date(2020, 1, 1) - timedelta(days=i),
         "hidden_from_professionals": hidden(i)} for i in range(n)])
    session.execute(sa.insert(models.Document), [
        {**base, "title": f"Compte rendu {i}", "document_date": date(2021, 1, 1) - timedelta(days=i),
         "category_system": "http://loinc.org", "storage_key": f"k-{pid}-{i}", "sha256": f"{pid:032d}{i:032d}",
         "size_bytes": 10, "mime_type": "application/pdf", "original_filename": "cr.pdf",
         "hidden_from_professionals": hidden(i)} for i in range(n)])
    seed_lab_results(session, base, n, now, hidden)
    session.commit()


# --- lab results (issue 12) ---
def seed_lab_results(session, base: dict, n: int, now: datetime, hidden) -> None:  # noqa: ANN001
    """``n`` lab reports of two values each (fasting glucose, potassium)."""
    session.execute(sa.insert(models.LabReport), [
        {**base, "title": f"Bilan {i}", "lab_name": "Labo", "status": "final", "source": "manual",
         "collected_at": now - timedelta(days=i + 1), "hidden_from_professionals": hidden(i)} for i in range(n)])
    ids = session.execute(sa.select(models.LabReport.id, models.LabReport.collected_at)
                          .where(models.LabReport.profile_id == base["profile_id"])).all()
    session.execute(sa.insert(models.LabResult), [
        {"report_id": rid, "profile_id": base["profile_id"], "position": k, "test_key": key, "loinc_code": code,
         "name": key, "value": 5.0 + k, "unit": "mmol/L", "ref_low": 3.9, "ref_high": 5.8,
         "interpretation": "N", "interpretation_computed": True, "collected_at": at}
        for rid, at in ids for k, (key, code) in enumerate((("glucose_fasting", "14771-0"), ("potassium", "2823-3")))])


def _latest_report(s, a, pid, now):  # noqa: ANN001, ANN202
    from mes_app.services import lab_results

    reports, _ = lab_results.list_reports(s, a, pid, now=now, limit=1)
    return lab_results.report_detail(s, a, reports[0].id, now=now)


PAGES: dict[str, Callable] = {
    "/ and /history": lambda s, a, pid, now: timeline.history_page(s, a, pid, now=now),
    "/history, one kind": lambda s, a, pid, now: timeline.history_page(s, a, pid, kind="vaccination", now=now),
    "/ (latest measures)": lambda s, a, pid, now: measures.latest_measures(s, a, pid, now=now),
    "/summary": lambda s, a, pid, now: summary.build_summary(s, a, pid, now=now),
    "/messages": lambda s, a, pid, now: messaging.list_threads(s, a, now=now),
    "/documents": lambda s, a, pid, now: documents.documents_page(s, a, pid, now=now),
    "/documents, a search": lambda s, a, pid, now: documents.documents_page(s, a, pid, query="rendu 1", now=now),
    # --- lab results (issue 12) ---
    "/lab-results": lambda s, a, pid, now: lab_results.list_reports(s, a, pid, now=now),
    "/lab-results/report": _latest_report,
    "/lab-results/test": lambda s, a, pid, now: lab_results.trend(s, a, pid, "glucose_fasting", now=now),
    "/history, lab results": lambda s, a, pid, now: timeline.history_page(s, a, pid, kind="lab_result", now=now),
}
# Page 3 of the history is empty for 10 rows (no author names to look up): its statement count
# is bounded, not compared.
COUNT_ONLY = {
    "/history, page 3": lambda s, a, pid, now: timeline.history_page(s, a, pid, page=3, now=now),
}
OWNER_ONLY = {  # a professional may not read the access history (forbidden, tested elsewhere)
    "/access-history": lambda s, a, pid, now: access_history.access_history(s, a, pid, now=now),
}
MAX_STATEMENTS = 25


def _statements(engine, session, viewer, pid, page, now) -> int:  # noqa: ANN001
    with counted(engine) as statements:
        page(session, viewer, pid, now)
    return len(statements)


@contextmanager
def loaded_rows(session) -> Iterator[list]:  # noqa: ANN001
    """The table rows the ORM builds (each one read from the database)."""
    rows: list = []

    def load(_session, instance) -> None:  # noqa: ANN001
        rows.append(instance)

    sa.event.listen(session, "loaded_as_persistent", load)
    try:
        yield rows
    finally:
        sa.event.remove(session, "loaded_as_persistent", load)


MAX_ROWS = 200  # what a page shows (the summary: 100 vaccinations, 50 documents), not the 4 000 rows


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_reads_what_it_shows_not_the_record(session, now, name) -> None:
    owner = make_owner(session)
    seed(session, owner, 1000, now)
    session.expunge_all()
    with loaded_rows(session) as rows:
        PAGES[name](session, owner.actor, owner.profile.id, now)
    assert len(rows) <= MAX_ROWS


@pytest.mark.parametrize("viewer", ["owner", "professional"])
@pytest.mark.parametrize("name", [*PAGES, *COUNT_ONLY, *OWNER_ONLY])
def test_a_page_runs_the_same_statements_for_10_and_1000_rows(engine, session, now, name, viewer) -> None:
    if name in OWNER_ONLY and viewer != "owner":
        pytest.skip("the owner's page")
    counts = []
    for n in (10, 1000):
        owner = make_owner(session, f"Alice{n}")
        seed(session, owner, n, now)
        actor = owner.actor
        if viewer == "professional":
            doctor = make_professional(session, f"Dr Martin{n}")
            give_care(session, doctor, owner, now - timedelta(days=1))
            actor = doctor.actor
        page = {**PAGES, **COUNT_ONLY, **OWNER_ONLY}[name]
        page(session, actor, owner.profile.id, now)  # warm-up: first-use statements of the session
        counts.append(_statements(engine, session, actor, owner.profile.id, page, now))
    assert counts[0] <= MAX_STATEMENTS
    assert counts[1] <= MAX_STATEMENTS
    if name not in COUNT_ONLY:
        assert counts[0] == counts[1], f"{name}: {counts[0]} statements for 10 rows, {counts[1]} for 1 000"


def test_the_limited_history_shows_what_the_whole_history_would(session, now) -> None:
    """Paging in SQL keeps the order and the visibility: the pages put together are the list."""
    owner = make_owner(session)
    seed(session, owner, 40, now)
    doctor = make_professional(session)
    give_care(session, doctor, owner, now - timedelta(days=1))
    # encounters, vaccinations, documents and lab reports: 4 × 40, a third of each hidden
    for actor, visible in ((owner.actor, 160), (doctor.actor, 160 - 4 * 14)):
        keys, page_no = [], 0
        while True:
            page = timeline.history_page(session, actor, owner.profile.id, page=page_no, now=now)
            keys += [item.key for item in page.items]
            if not page.has_more:
                break
            page_no += 1
        assert page.total == len(keys) == visible
        assert len(set(keys)) == len(keys)
    hidden_ids = {r.id for r in session.query(models.Encounter).filter_by(profile_id=owner.profile.id,
                                                                           hidden_from_professionals=True)}
    assert not any(k in keys for k in (f"encounter-{i}" for i in hidden_ids))


def test_the_summary_keeps_the_latest_readable_measure_of_each_kind(session, now) -> None:
    owner = make_owner(session)
    seed(session, owner, 40, now)
    doctor = make_professional(session)
    give_care(session, doctor, owner, now - timedelta(days=1))
    mine = summary.build_summary(session, owner.actor, owner.profile.id, now=now).measures
    theirs = summary.build_summary(session, doctor.actor, owner.profile.id, now=now).measures
    # measure i is i + 1 hours old, of kind i % 4, hidden when i % 3 == 0: the owner sees i = 0..3; the
    # doctor not i = 0 (weight) nor 3 (temperature), so the weight of i = 4 and the temperature of i = 7.
    assert [m.kind for m in mine] == list(MEASURE_KINDS)
    assert [m.kind for m in theirs] == ["blood_pressure", "heart_rate", "weight", "temperature"]
    hours = [(now - datetime.fromisoformat(m.measured_at)) / timedelta(hours=1) for m in theirs]
    assert hours == [2, 3, 5, 8]


def test_the_documents_page_shows_30_then_30_more_in_the_same_order(session, now) -> None:
    owner = make_owner(session)
    seed(session, owner, 40, now)
    doctor = make_professional(session)
    give_care(session, doctor, owner, now - timedelta(days=1))
    everything = documents.list_documents(session, owner.actor, owner.profile.id, now=now)
    first = documents.documents_page(session, owner.actor, owner.profile.id, now=now)
    more = documents.documents_page(session, owner.actor, owner.profile.id, limit=60, now=now)
    assert (len(first.items), first.has_more) == (documents.DOCUMENTS_PAGE, True)
    assert (more.items, more.has_more) == (everything, False)
    assert first.items == everything[:documents.DOCUMENTS_PAGE]
    theirs = documents.documents_page(session, doctor.actor, owner.profile.id, limit=60, now=now)
    assert len(theirs.items) == 40 - 14 and not any(d.title.endswith(("0", "3", "6", "9")) and
                                                    int(d.title.split()[-1]) % 3 == 0 for d in theirs.items)
    found = documents.documents_page(session, owner.actor, owner.profile.id, query="rendu 1", limit=5, now=now)
    assert [d.title for d in found.items] == ["Compte rendu 1", "Compte rendu 10", "Compte rendu 11",
                                              "Compte rendu 12", "Compte rendu 13"]
    assert found.has_more


@pytest.mark.parametrize("limit", [0, -1, "x", 10_001, True])
def test_the_documents_page_refuses_a_bad_limit(session, now, limit) -> None:
    owner = make_owner(session)
    with pytest.raises(ValidationError):
        documents.documents_page(session, owner.actor, owner.profile.id, limit=limit, now=now)


# --------------------------------------------------------------------------- home, per household (issue 10)


def seed_household_profile(session, pid: int, parent, doctor, software, now: datetime) -> None:  # noqa: ANN001
    """What the home's reminders read, on one profile: vaccinations (one hidden from the
    guardians), a document and entries a doctor's software added this week, unread messages,
    an appointment in two days and an opening of the emergency card."""
    from mes_app.domain.terminology import ATC

    base = {"profile_id": pid, "author_user_id": doctor.id, "author_role": "professional", "created_at": now,
            "updated_at": now}
    session.execute(sa.insert(models.Vaccination), [
        {**base, "code_system": ATC, "code": code, "code_text": code, "given_on": date(2024, 5, 16),
         "hidden_from_guardians": i == 2} for i, code in enumerate(("J07CA09", "J07AL02", "J07BH01"))])
    session.execute(sa.insert(models.Document), [
        {**base, "title": f"Compte rendu {i}", "document_date": date(2026, 11, 1), "category_system": "http://loinc.org",
         "storage_key": f"h-{pid}-{i}", "sha256": f"{pid:032d}{i:032d}", "size_bytes": 10,
         "mime_type": "application/pdf", "original_filename": "cr.pdf", "created_at": now - timedelta(days=1)}
        for i in range(3)])
    condition = models.Condition(profile_id=pid, author_user_id=doctor.id, author_role="professional",
                                 code_text="Asthme", status="active")
    measure = models.Measure(profile_id=pid, author_user_id=doctor.id, author_role="professional", kind="weight",
                             loinc_code="29463-7", unit="kg", value=12.0, measured_at=now - timedelta(days=1),
                             source="fhir")
    thread = models.MessageThread(profile_id=pid, subject="Résultats", started_by_user_id=doctor.id)
    session.add_all([condition, measure, thread])
    session.flush()
    session.add_all([models.FhirIntake(software_id=software.id, profile_id=pid, resource_type=kind,
                                       target_kind=target_kind, target_id=row.id, created_at=now - timedelta(days=1))
                     for kind, target_kind, row in (("Condition", "conditions", condition),
                                                    ("Observation", "measures", measure))])
    session.add_all([models.Message(thread_id=thread.id, author_user_id=doctor.id, body="Bonjour",
                                    sent_at=now - timedelta(hours=h)) for h in (1, 2)])
    session.add(models.Appointment(profile_id=pid, author_user_id=parent.id, author_role="patient", title="Visite",
                                   starts_at=now + timedelta(days=2), status="planned", created_at=now,
                                   updated_at=now))
    session.add(models.AccessEvent(occurred_at=now - timedelta(days=1), profile_id=pid, actor_label="SAMU",
                                   action="read", target_kind="summary", via="emergency"))


def home_load(session, actor, now: datetime) -> list:  # noqa: ANN001
    """What one home page load asks of the services (the shell, then ``HomeState._load``)."""
    from mes_app.services import appointments, capabilities, closing, invitations, profiles, reminders

    views = profiles.accessible_profiles(session, actor, now=now)
    pid = views[0].id
    capabilities.capabilities(session, actor, pid, now=now)
    invitations.invitations_for_me(session, actor, now=now)
    closing.closure_notices(session, actor)
    measures.latest_measures(session, actor, pid, now=now)
    timeline.history_page(session, actor, pid, now=now, page_size=5, with_total=False)
    mine = appointments.household_upcoming(session, actor, views, now=now, include_closed=False)
    appointments.upcoming_for(session, actor, views, pid, now=now, include_closed=False, household_views=mine)
    return reminders.reminders(session, actor, now=now, upcoming=mine, profiles=views)


# 26 on 2026-12-04 with a household of 1, 3 or 6 profiles; 19 on 2026-12-07 (the household's
# appointments, openings, vaccinations and news in one statement each, the shell's profiles passed on)
MAX_HOME_STATEMENTS = 19


def test_the_home_of_a_household_runs_the_same_statements_for_1_3_and_6_profiles(engine, session, now) -> None:
    """Reminders are read for the whole household at once: a parent of five does not pay five
    prevention calendars, five document counts… of queries (it was 5 statements a profile)."""
    from mes_app.services import reminders
    from tests.factories import make_child

    counts, shown = {}, {}
    for size in (1, 3, 6):
        parent = make_owner(session, f"Claire{size}", birth_date=date(1988, 4, 2))
        doctor = make_professional(session, f"Dr Martin{size}")
        software = models.ConnectedSoftware(owner_user_id=doctor.id, name="CabinetSoft", client_id=f"c-{size}",
                                            jwks="{}")
        session.add(software)
        session.flush()
        household = [parent.profile] + [make_child(session, parent, f"Enfant{i}", birth_date=date(2019, 6, 1)).profile
                                        for i in range(size - 1)]
        for profile in household:
            give_care(session, doctor, profile, now - timedelta(days=1))
            seed_household_profile(session, profile.id, parent, doctor, software, now)
        session.commit()
        home_load(session, parent.actor, now)  # warm-up: first-use statements of the session
        session.expunge_all()
        with counted(engine) as statements:
            found = home_load(session, parent.actor, now)
        counts[size] = len(statements)
        shown[size] = found
    assert counts[1] == counts[3] == counts[6], counts
    assert counts[6] <= MAX_HOME_STATEMENTS, counts
    # The reminders are all there, for every profile: the same five kinds each.
    for size, found in shown.items():
        kinds = {(r.profile_id, r.kind) for r in found}
        assert len({pid for pid, _ in kinds}) == size
        assert {kind for _, kind in kinds} == {"emergency_opened", "appointment_soon", "new_documents",
                                               "software_entries", "unread_messages", "vaccine_overdue"}
        assert all(r.count == 3 for r in found if r.kind == "new_documents")
        assert all(r.count == 2 for r in found if r.kind in ("software_entries", "unread_messages"))
    assert reminders.reminders(session, make_professional(session, "Dr Other").actor, now=now) == []
