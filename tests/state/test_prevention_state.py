"""The prevention page keeps only the count of missed items until their fold is opened."""

from __future__ import annotations

from datetime import date

from mes_app.state.prevention import PreventionState
from tests.factories import make_child, make_owner
from tests.state.test_app_state import login, state_for, test_database  # noqa: F401


def _page(session, who, child):  # noqa: ANN001, ANN202
    state = state_for(login(session, who), who, path="/prevention")
    state._active_profile_id = child.profile.id
    return state.get_substate(PreventionState.get_full_name().split(".")[2:])


def test_missed_items_are_counted_then_shown_when_the_fold_opens(session):  # noqa: ANN001
    parent = make_owner(session, "Claire Martin")
    child = make_child(session, parent, "Léo", birth_date=date(2016, 3, 1))  # ten years, nothing recorded
    page = _page(session, parent, child)
    assert page.load_prevention() is None
    assert page.missed_count > 0 and page.missed == [] and not page.missed_open
    assert page.toggle_missed() is None
    assert page.missed_open and len(page.missed) == page.missed_count
    assert {row.status for row in page.missed} == {"missed"}
    page.toggle_missed()
    assert not page.missed_open and page.missed == []


def test_reloading_the_page_folds_them_again(session):  # noqa: ANN001
    parent = make_owner(session, "Claire Martin")
    child = make_child(session, parent, "Léo", birth_date=date(2016, 3, 1))
    page = _page(session, parent, child)
    page.load_prevention()
    page.toggle_missed()
    page.load_prevention()
    assert not page.missed_open and page.missed == [] and page.missed_count > 0
