"""The operators' statistics page state (issue 15 item 1): operators only, periods checked,
only aggregate numbers in the view."""

from __future__ import annotations

import dataclasses

from mes_app.state.operator_stats import OperatorStatsState
from tests.factories import make_child, make_operator, make_owner, make_professional
from tests.state.test_app_state import login, state_for, test_database  # noqa: F401


def _page(session, who) -> OperatorStatsState:  # noqa: ANN001
    state = state_for(login(session, who), who, path="/operator/stats")
    return state.get_substate(OperatorStatsState.get_full_name().split(".")[2:])  # type: ignore[return-value]


def _population(session) -> None:  # noqa: ANN001
    owners = [make_owner(session, f"Owner{i}") for i in range(11)]
    make_child(session, owners[0], "Kid")


def test_an_operator_sees_counts_with_small_ones_hidden(session):
    _population(session)
    page = _page(session, make_operator(session))
    assert page.load_stats() is None
    assert page.allowed
    values = {card.id: card.value for card in page.cards}
    assert values["accounts_created"] == "11" and values["children"] == "< 10"
    assert values["accounts_engaged"] == "< 10"  # only the operator's own session is recent
    assert "masquée" in page.engaged_share
    assert "30" in page.definition and "< 10" in page.definition
    assert len(page.figure["data"][0]["x"]) == 12 and "-W" in page.figure["data"][0]["x"][-1]
    assert page.csv_href == "/api/operator/stats.csv?period=week"


def test_switching_to_months_and_bad_periods_are_refused(session):
    _population(session)
    page = _page(session, make_operator(session))
    page.load_stats()
    page.set_period("month")
    assert page.period == "month" and "-W" not in page.figure["data"][0]["x"][-1]
    assert page.csv_href == "/api/operator/stats.csv?period=month"
    for bad in ("day", "", "WEEK", None, 3, ["week"]):
        page.set_period(bad)  # type: ignore[arg-type]
        assert page.period == "month" and page.error
    assert page.allowed


def test_non_operators_get_not_found_and_nothing_loaded(session):
    _population(session)
    for who in (make_owner(session, "Mallory"), make_professional(session)):
        page = _page(session, who)
        page.load_stats()
        page.set_period("month")
        assert not page.allowed and page.cards == [] and page.figure == {}
        assert page.engaged_share == "" and page.definition == ""


def test_view_vars_hold_only_aggregate_numbers(session):
    _population(session)
    page = _page(session, make_operator(session))
    page.load_stats()
    for card in page.cards:
        assert dataclasses.is_dataclass(card) and set(dataclasses.asdict(card)) == {"id", "label", "value"}
        assert card.value == "< 10" or card.value.isdigit()
    text = repr(page.cards) + repr(page.figure) + page.engaged_share + page.definition
    assert "Owner" not in text and "Kid" not in text and "@" not in text
    for trace in page.figure["data"]:
        assert all(y is None or (isinstance(y, int) and y >= 10) for y in trace["y"])
