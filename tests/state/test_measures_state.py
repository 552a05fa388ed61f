"""The measures page: one on_load fills the cards and the chart, at a cost that does not grow
with the number of measures."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import sqlalchemy as sa

from mes_app.db.models import Measure
from mes_app.state.measure_chart import MeasureChartState
from mes_app.state.measures import MeasuresState
from tests.factories import make_owner, make_stranger
from tests.state.test_app_state import count_statements, login, real_now, state_for, test_database  # noqa: F401


def _weights(session, who, n: int) -> None:  # noqa: ANN001
    now = real_now()
    session.add_all(Measure(profile_id=who.profile.id, author_user_id=who.id, kind="weight", loinc_code="29463-7",
                            value=60 + i % 10, unit="kg", measured_at=now - timedelta(days=i + 1))
                    for i in range(n))
    session.commit()


def _open_measures_page(session, who, bound_to=None):  # noqa: ANN001, ANN202
    state = state_for(login(session, who), bound_to or who, path="/measures")
    measures_state = state.get_substate(MeasuresState.get_full_name().split(".")[2:])
    chart = state.get_substate(MeasureChartState.get_full_name().split(".")[2:])
    return measures_state, chart, asyncio.run(measures_state.load_measures())


def test_one_on_load_fills_the_cards_and_the_chart(session):  # noqa: ANN001
    owner = make_owner(session, "Claire Martin")
    _weights(session, owner, 5)
    page, chart, event = _open_measures_page(session, owner)
    assert event is None
    assert [c.kind for c in page.cards if c.kind == "weight"] == ["weight"]
    assert chart.kind == "weight" and chart.has_points and len(chart.entries) == 5


def test_the_page_costs_the_same_with_ten_or_five_hundred_measures(engine, session):  # noqa: ANN001
    counts = []
    for n in (10, 500):
        owner = make_owner(session, f"Owner {n}")
        _weights(session, owner, n)
        with count_statements(engine) as statements:
            _, chart, _ = _open_measures_page(session, owner)
        assert chart.has_points
        counts.append(statements.count)
    assert counts[0] == counts[1], counts


def test_an_event_bound_to_someone_else_shows_neither_cards_nor_chart(session):  # noqa: ANN001
    owner, stranger = make_owner(session, "Claire Martin"), make_stranger(session)
    _weights(session, owner, 3)
    page, chart, event = _open_measures_page(session, stranger, bound_to=owner)
    assert event is not None  # back to the log-in page
    assert page.cards == [] and chart.entries == [] and chart.figure == {} and not chart.has_points


def _many_weights(session, who, n: int) -> None:  # noqa: ANN001
    """``n`` weights, one every two hours back from now, and a height (the BMI card)."""
    now = real_now()
    base = {"profile_id": who.profile.id, "author_user_id": who.id, "author_role": "patient", "unit": "kg",
            "source": "manual", "created_at": now, "updated_at": now}
    session.execute(sa.insert(Measure), [
        {**base, "kind": "weight", "loinc_code": "29463-7", "value": 60 + i % 10,
         "measured_at": now - timedelta(hours=2 * i + 1)} for i in range(n)])
    session.execute(sa.insert(Measure), [{**base, "kind": "height", "loinc_code": "8302-2", "unit": "cm",
                                          "value": 170.0, "measured_at": now - timedelta(days=9000)}])
    session.commit()


# The log-in, the session, the profiles and capabilities (4), the profile, the kinds count, the cards'
# last readings, the heights (BMI card), the chart's span and points, the entries with their authors'
# names, the software and the file they came from: 13 (17 before the page became one use case).
MEASURES_PAGE_STATEMENTS = 13


def test_the_page_runs_each_statement_once_whatever_the_number_of_readings(engine, session):  # noqa: ANN001
    """The kinds are counted once for the cards and the chart, the profile's facts read once,
    and a chart of 20 000 weights (downsampled in SQL) costs the statements of a chart of 10."""
    loads = []
    for n in (10, 20_000):
        owner = make_owner(session, f"Owner {n}")
        _many_weights(session, owner, n)
        _open_measures_page(session, owner)  # warm-up: first-use statements of the session
        with count_statements(engine) as statements:
            page, chart, _ = _open_measures_page(session, owner)
        assert chart.has_points and [c.kind for c in page.cards] == ["weight", "height", "bmi"]
        loads.append(statements.statements)
    assert len(loads[0]) == len(loads[1]) <= MEASURES_PAGE_STATEMENTS, loads
    reads = [s for s in loads[1] if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(reads) == len(set(reads)), "a statement ran twice in one load"
    assert sum("GROUP BY measure.kind" in s for s in reads) == 1  # the kinds, for the cards and the chart
    in_the_year = sum(1 for i in range(20_000) if 2 * i + 1 < 366 * 24)  # the chart's range is "1y"
    assert chart.points_text.endswith(f" {in_the_year}")  # "N points shown of M", M the real count
    assert next(c for c in page.cards if c.kind == "weight").count == 20_000
