"""The operators' anonymous statistics (issue 15 item 1) on a seeded population: the numbers,
the small-count rule, the gate, and a fixed number of aggregate queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from mes_app.db import models
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import statistics
from tests.conftest import NOW
from tests.factories import make_child, make_operator, make_owner, make_professional
from tests.services.test_query_counts import counted

RECENT = NOW - timedelta(days=1)  # Friday 27 November 2026: week 2026-W48, month 2026-11


def _sessions(session, users, last_seen) -> None:  # noqa: ANN001
    session.execute(sa.insert(models.AuthSession), [
        {"user_id": u.id, "token_hash": f"{u.id:064d}", "created_at": NOW - timedelta(days=90),
         "expires_at": NOW + timedelta(days=1), "last_seen_at": last_seen} for u in users])


def _documents(session, profile, author, role, n, start) -> None:  # noqa: ANN001
    session.execute(sa.insert(models.Document), [
        {"profile_id": profile.id, "author_user_id": author.id, "author_role": role, "created_at": RECENT,
         "updated_at": RECENT, "title": "CR", "document_date": NOW.date(), "storage_key": f"k-{start + i}",
         "sha256": f"{start + i:064d}", "size_bytes": 1, "mime_type": "application/pdf"} for i in range(n)])


def _links(session, profile, purpose, n, start, **extra) -> None:  # noqa: ANN001
    session.execute(sa.insert(models.ShareLink), [
        {"profile_id": profile.id, "token_hash": f"{start + i:064d}", "purpose": purpose,
         "created_by_user_id": profile.owner_user_id, "created_at": RECENT, "expires_at": NOW + timedelta(days=7),
         **extra} for i in range(n)])


@pytest.fixture()
def population(session):
    """12 patient accounts (10 engaged, 10 signed up this week), 3 children, 9 verified
    professionals (4 active) and one applying, 11 patient and 2 professional documents,
    10 share links and 2 emergency cards in use (and a revoked and an expired link)."""
    owners = [make_owner(session, f"Owner{i}") for i in range(12)]
    children = [make_child(session, owners[i], f"Kid{i}") for i in range(3)]
    pros = [make_professional(session, f"Dr P{i}") for i in range(9)]
    make_professional(session, "Dr Applying", status="applied")
    operator = make_operator(session)
    for owner in owners[:10]:
        owner.user.created_at = owner.user.activated_at = RECENT
        session.add(owner.user)
    session.commit()
    _sessions(session, [o.user for o in owners[:10]], NOW - timedelta(days=2))
    _sessions(session, [o.user for o in owners[10:11]], NOW - timedelta(days=40))  # not engaged any more
    session.execute(sa.insert(models.AccessEvent), [
        {"occurred_at": NOW - timedelta(days=3), "profile_id": owners[0].profile.id, "actor_user_id": p.id,
         "action": "read", "target_kind": "summary", "via": "care_team"} for p in pros[:4]])
    alice = owners[0].profile
    _documents(session, alice, owners[0].user, "patient", 10, 0)
    _documents(session, children[0].profile, owners[0].user, "guardian", 1, 100)
    _documents(session, alice, pros[0].user, "professional", 2, 200)
    _links(session, alice, "summary", 10, 1000)
    _links(session, alice, "summary", 1, 2000, revoked_at=NOW - timedelta(days=1))
    _links(session, alice, "summary", 1, 3000, expires_at=NOW - timedelta(hours=1))
    _links(session, alice, "emergency", 2, 4000)
    session.commit()
    return operator


def test_the_snapshot_counts_the_population(session, population):
    snap = statistics.snapshot(session, population.id, NOW)
    assert (snap.accounts_created, snap.accounts_activated, snap.accounts_engaged) == (12, 12, 10)
    assert snap.engaged_share == 83.3
    assert (snap.profiles, snap.children) == (15, 3)
    assert (snap.professionals_verified, snap.professionals_active) == (9, 4)
    assert snap.professionals_active_share is None  # over small counts: hidden
    assert (snap.documents_by_professionals, snap.documents_by_patients) == (2, 11)
    assert (snap.share_links_in_use, snap.emergency_cards_in_use) == (10, 2)
    assert snap.engaged_days == 30


def test_the_series_counts_per_week_and_month(session, population):
    weeks = statistics.series(session, population.id, "week", 12, now=NOW)
    assert len(weeks.rows) == 12 and weeks.rows[-1].label == "2026-W48"
    last = weeks.rows[-1]
    assert (last.accounts_created, last.accounts_activated, last.share_links_created) == (10, 10, 14)
    assert (last.documents_by_patients, last.documents_by_professionals) == (11, 2)
    assert sum(r.accounts_created for r in weeks.rows) == 10  # the two others signed up 400 days ago
    months = statistics.series(session, population.id, "month", 24, now=NOW)
    assert months.rows[-1].label == "2026-11" and months.rows[-1].accounts_created == 10
    children_month = (NOW - timedelta(days=200)).strftime("%Y-%m")
    assert {r.label: r.children for r in months.rows}[children_month] == 3


def test_the_csv_hides_small_counts_and_shares_over_them(session, population):
    snap = statistics.snapshot(session, population.id, NOW)
    rows = statistics.csv_rows(snap, statistics.series(session, population.id, "week", 4, now=NOW))
    values = {(metric, period): value for metric, period, value in rows[1:]}
    assert rows[0] == ["metric", "period", "value"]
    assert values["accounts_created", "now"] == "12" and values["accounts_engaged", "now"] == "10"
    assert values["children", "now"] == "< 10" and values["professionals_active", "now"] == "< 10"
    assert values["documents_by_professionals", "2026-W48"] == "< 10"
    assert values["emergency_cards_in_use", "now"] == "< 10"
    assert values["engaged_share_percent", "now"] == "83.3"
    assert values["professionals_active_share_percent", "now"] == "< 10"
    assert all(v == "< 10" or int(float(v)) >= 10 for v in values.values())


def test_anyone_but_an_operator_gets_not_found(session, population):
    patient = make_owner(session, "Mallory")
    pro = make_professional(session, "Dr Curious")
    for who in (patient.id, pro.id, None, 10**9, True, "1"):
        with pytest.raises(NotFound):
            statistics.snapshot(session, who, NOW)
        with pytest.raises(NotFound):
            statistics.series(session, who, "week", now=NOW)


@pytest.mark.parametrize(("period", "count"), [("day", 12), ("WEEK", 12), (None, 12), ("week", 0), ("week", 61),
                                                ("month", True), ("month", "12")])
def test_bad_series_arguments_are_refused(session, population, period, count):
    with pytest.raises(ValidationError):
        statistics.series(session, population.id, period, count, now=NOW)


def test_a_fixed_number_of_aggregate_queries(session, engine, population):
    def cost() -> int:
        session.expire_all()
        with counted(engine) as statements:
            statistics.snapshot(session, population.id, NOW)
            statistics.series(session, population.id, "month", 12, now=NOW)
        return len(statements)

    before = cost()
    for i in range(20):
        make_owner(session, f"More{i}")
    assert cost() == before <= 10
