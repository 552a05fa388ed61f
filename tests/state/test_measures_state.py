"""The measures page: one on_load fills the cards and the chart, at a cost that does not grow
with the number of measures."""

from __future__ import annotations

import asyncio
from datetime import timedelta

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
