"""What one event of the browsing pages costs in SQL statements, state included (issue 10).

Each event resolves the session once (the binding middleware hands the identity over to the
handler), then the shell reads the switcher's profiles with all their facts in one statement,
then the page reads what it shows. The counts are fixed ceilings, the same for a record of 10
and of 200 rows per list, for the owner and for a professional of the care team.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from reflex.istate.data import RouterData
from reflex.state import State
from reflex_base import constants
from sqlmodel import Session

from mes_app.db import models
from mes_app.services import accounts
from mes_app.state import base
from mes_app.state.base import AppState, remember_event_identity
from mes_app.state.history import HistoryState
from mes_app.state.records import RecordState
from tests.factories import Persona, give_care, make_owner, make_professional
from tests.services.test_query_counts import seed
from tests.state.test_app_state import TOKEN, count_statements, login, real_now

# The handler's own statements once the middleware handed the identity over: the profiles
# with their facts (1), the page (1), the switches of the documents it shows (1).
MAX_HISTORY_EVENT = 3  # 11 before 2026-12-07 (the profiles 2, six sources, the total, switches, author names)
MAX_CONDITIONS_EVENT = 2  # 6 before 2026-12-07 (the profiles 2, the entries, their authors, software, import sources)
MAX_SESSION_LOOKUP = 1  # the middleware's: the session and its account in one statement
# A professional's read is recorded (the patient's access history): whether it is their first
# access (1), the newest history line read (1) and extended or a new one (1), the event (1).
# Their very first access also queues the household's e-mail: the counted event is the second.
ACCESS_RECORDED = 4


@pytest.fixture(autouse=True)
def test_database(engine, session, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(base, "new_session", lambda: Session(engine, expire_on_commit=False))
    base.forget_event_identity()
    yield
    base.forget_event_identity()


def page_state(cls: type[AppState], cookie: str, who: Persona, path: str) -> AppState:
    """The page's state of a connection with this cookie, bound by the middleware to ``who``."""
    root = State()
    state = root.get_substate(cls.get_full_name().split(".")[1:])
    router = RouterData.from_router_data({
        constants.RouteVar.CLIENT_TOKEN: TOKEN, constants.RouteVar.HEADERS: {"cookie": cookie},
        constants.RouteVar.PATH: path, constants.RouteVar.ORIGIN: path,
    })
    for each in (root, state, *(s for s in root.substates.values())):
        each.router = router
    app = root.get_substate(AppState.get_full_name().split(".")[1:])
    app.router = router
    app._bound_user_id = state._bound_user_id = who.user.id
    return state


def hand_over(engine, state: AppState) -> int:  # noqa: ANN001
    """What the binding middleware does before the event; returns its statements."""
    cookie = state.router.headers.cookie
    with count_statements(engine) as lookup, Session(engine) as db:
        identity = accounts.resolve_session(db, cookie.rsplit("=", 1)[1], now=real_now())
    remember_event_identity(TOKEN, cookie, identity)
    return lookup.count


def record_of(session: Session, n: int, suffix: str) -> tuple[Persona, Persona]:  # noqa: ANN001
    owner = make_owner(session, f"Alice{suffix}")
    now = real_now()
    seed(session, owner, n, now - timedelta(minutes=1))
    session.execute(sa.insert(models.Condition), [
        {"profile_id": owner.profile.id, "author_user_id": owner.user.id, "author_role": "patient",
         "code_text": f"Asthme {i}", "status": "active", "created_at": now, "updated_at": now,
         "hidden_from_professionals": i % 3 == 0} for i in range(n)])
    session.commit()
    doctor = make_professional(session, f"Dr Martin{suffix}")
    give_care(session, doctor, owner, now - timedelta(days=1))
    return owner, doctor


def history_event(engine, session: Session, viewer: Persona) -> tuple[int, int, int]:  # noqa: ANN001
    state = page_state(HistoryState, login(session, viewer), viewer, "/history")
    hand_over(engine, state)
    state.load_history()  # the first access (a professional's tells the household)
    lookup = hand_over(engine, state)
    with count_statements(engine) as handler:
        assert state.load_history() is None
    assert isinstance(state, HistoryState) and state.items
    return lookup, handler.count, len(state.items)


def conditions_event(engine, session: Session, viewer: Persona) -> tuple[int, int, int]:  # noqa: ANN001
    state = page_state(RecordState, login(session, viewer), viewer, "/record/conditions")
    assert isinstance(state, RecordState)
    state.group = "conditions"  # what load_group takes from the route, before its use case:
    hand_over(engine, state)
    assert state._run_as_user(state._reload).ok  # the first access (a professional's tells the household)
    lookup = hand_over(engine, state)
    with count_statements(engine) as handler:
        assert state._run_as_user(state._reload).ok  # load_group's use case
    assert state.entries["conditions"]
    return lookup, handler.count, len(state.entries["conditions"])


@pytest.mark.parametrize("viewer", ["owner", "professional"])
def test_a_history_event_runs_the_same_few_statements_for_10_and_200_rows(engine, session, viewer) -> None:
    counts = []
    for n in (10, 200):
        owner, doctor = record_of(session, n, f"{n}{viewer}")
        lookup, handler, _shown = history_event(engine, session, owner if viewer == "owner" else doctor)
        assert lookup <= MAX_SESSION_LOOKUP
        counts.append(handler)
    assert counts[0] == counts[1], counts
    assert counts[1] <= MAX_HISTORY_EVENT + (ACCESS_RECORDED if viewer == "professional" else 0), counts


@pytest.mark.parametrize("viewer", ["owner", "professional"])
def test_a_conditions_event_runs_the_same_few_statements_for_10_and_200_rows(engine, session, viewer) -> None:
    counts, shown = [], []
    for n in (10, 200):
        owner, doctor = record_of(session, n, f"c{n}{viewer}")
        lookup, handler, seen = conditions_event(engine, session, owner if viewer == "owner" else doctor)
        assert lookup <= MAX_SESSION_LOOKUP
        counts.append(handler)
        shown.append(seen)
    assert counts[0] == counts[1], counts
    assert counts[1] <= MAX_CONDITIONS_EVENT + (ACCESS_RECORDED if viewer == "professional" else 0), counts
    # a professional does not see the entries hidden from professionals (one in three)
    assert shown == ([10, 200] if viewer == "owner" else [10 - 4, 200 - 67])
