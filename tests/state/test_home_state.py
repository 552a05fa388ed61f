"""The home page's load as a browser drives it (issue 10): each use case runs once per event,
the statements are bounded whatever the household, and the page shows the same things."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mes_app.db import models
from mes_app.services import appointments, profiles, reminders
from mes_app.state.home import HomeState
from tests.factories import make_child, make_owner, profile_of
from tests.services.test_query_counts import counted
from tests.state.test_app_state import login, state_for, test_database  # noqa: F401

# The whole load_home event, the session lookup included: 16 statements on 2026-12-07 (23 before) for a
# parent of one or three children (the history's seven are timeline.history_page's).
MAX_LOAD_HOME_STATEMENTS = 16


def _home(session, who) -> HomeState:  # noqa: ANN001
    root = state_for(login(session, who), who, path="/")
    return root.get_substate(HomeState.get_full_name().split(".")[2:])


def _family(session, children: int):  # noqa: ANN001, ANN202
    parent = make_owner(session, f"Camille{children}")
    kids = [make_child(session, parent, f"Enfant{i}") for i in range(children)]
    soon = datetime.now(UTC) + timedelta(days=2)
    for profile in [parent.profile, *kids]:
        pid = profile_of(profile).id
        session.add(models.Appointment(profile_id=pid, author_user_id=parent.id, author_role="patient",
                                       title=f"Visite {pid}", starts_at=soon, status="planned", created_at=soon,
                                       updated_at=soon))
    session.commit()
    return parent


@pytest.fixture()
def calls(monkeypatch):  # noqa: ANN001, ANN201
    """How many times the use cases a home load could repeat were run."""
    seen: dict[str, int] = {}

    def counting(name: str, function):  # noqa: ANN001, ANN202
        def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            seen[name] = seen.get(name, 0) + 1
            return function(*args, **kwargs)
        return run

    profiles_once = counting("accessible_profiles", profiles.accessible_profiles)
    monkeypatch.setattr(profiles, "accessible_profiles", profiles_once)
    monkeypatch.setattr(reminders, "accessible_profiles", profiles_once)
    monkeypatch.setattr(appointments, "list_upcoming", counting("list_upcoming", appointments.list_upcoming))
    return seen


def test_load_home_runs_each_use_case_once(session, calls) -> None:  # noqa: ANN001
    parent = _family(session, 2)
    home = _home(session, parent)
    home.load_home()
    assert calls == {"accessible_profiles": 1, "list_upcoming": 1}
    assert len(home.upcoming) == 3 and {r.kind for r in home.reminders} >= {"appointment_soon"}
    assert len([r for r in home.reminders if r.kind == "appointment_soon"]) == 3


@pytest.mark.parametrize("children", [1, 3])
def test_load_home_runs_a_bounded_number_of_statements(engine, session, children) -> None:  # noqa: ANN001
    parent = _family(session, children)
    home = _home(session, parent)
    home.load_home()  # warm-up: first-use statements
    with counted(engine) as statements:
        home.load_home()
    assert len(statements) <= MAX_LOAD_HOME_STATEMENTS, statements
    assert {p.name.split()[0] for p in home.profiles} >= {f"Camille{children}"}
    assert len(home.upcoming) == min(children + 1, 3)
