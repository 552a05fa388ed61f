"""AppState's handlers as a browser (or an attacker) calls them: who the event belongs to,
what arguments it may send, and what the handlers put in the view vars.

The states are instantiated directly under pytest (reflex-internals.md §7.1). Each test sets
the connection the way Reflex does (client token, ``Cookie`` header, page) and binds the state
as the binding middleware would; the database is the test database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from reflex.istate.data import RouterData
from reflex.state import State
from reflex_base import constants
from sqlmodel import Session, SQLModel

from mes_app.services import accounts
from mes_app.services.profiles import ProfileView
from mes_app.state import base
from mes_app.state.base import AppState, remember_event_identity
from mes_app.web.log_redaction import COOKIE_NAME
from tests.factories import Persona, give_care, make_caregiver, make_child, make_owner, make_professional, make_stranger

TOKEN = "client-token-of-this-browser"


@pytest.fixture(autouse=True)
def test_database(engine, session, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(base, "new_session", lambda: Session(engine, expire_on_commit=False))
    base.forget_event_identity()
    yield
    base.forget_event_identity()


def real_now() -> datetime:
    return datetime.now(UTC)


def login(session: Session, who: Persona, *, at: datetime | None = None, hours: int = 1) -> str:
    """The session cookie a log-in of ``who`` gives (the state reads the real clock)."""
    secret = accounts.open_session(session, who.user, now=at or real_now(), lifetime=timedelta(hours=hours))
    return f"mes_lang=fr; {COOKIE_NAME}={secret}"


def state_for(cookie: str | None, bound_to: Persona | None, *, path: str = "/measures",
              token: str = TOKEN) -> AppState:
    """An AppState on a connection with this Cookie header, bound (by the middleware) to a user."""
    root = State()  # the whole tree, as Reflex builds it for a client
    state = root.get_substate(AppState.get_full_name().split(".")[1:])
    headers = {"cookie": cookie} if cookie is not None else {}
    root.router = state.router = RouterData.from_router_data({
        constants.RouteVar.CLIENT_TOKEN: token, constants.RouteVar.HEADERS: headers,
        constants.RouteVar.PATH: path, constants.RouteVar.ORIGIN: path,
    })
    state._bound_user_id = bound_to.user.id if bound_to else None
    return state


def redirect_path(spec) -> str | None:  # noqa: ANN001
    """The path of an ``rx.redirect`` event spec, else None."""
    if spec is None or not hasattr(spec, "args"):
        return None
    for name, value in spec.args:
        if getattr(name, "_js_expr", str(name)) == "path":
            return str(getattr(value, "_var_value", value)).strip('"')
    return None


def assert_no_view_data(state: AppState) -> None:
    assert state.user_name == "" and not (state.may_add_child or state.follows_patients)
    assert state.profiles == [] and state.active_name == "" and state.active_value == ""
    assert state.shared_sections == [] and state.addable_sections == []
    assert state._active_profile_id is None
    assert not (state.manages_active or state.own_record or state.can_start_thread)


@pytest.fixture()
def family(session):  # noqa: ANN001
    parent = make_owner(session, "Claire Martin", birth_date=date(1988, 4, 2))
    leo = make_child(session, parent, "Léo", birth_date=date(2019, 6, 1))
    lina = make_child(session, parent, "Lina", birth_date=date(2023, 1, 20))
    return parent, leo, lina


# --------------------------------------------------------------------------- identity refusals


def _shown_for_a_moment(state: AppState, who: Persona) -> None:
    """View data a previous event of this client left (the refusal must wipe it)."""
    state.user_name, state.may_add_child = who.user.display_name, True
    state._active_profile_id = who.profile.id
    state.active_name, state.shared_sections, state.manages_active = "Claire Martin", ["measures"], True


def test_an_event_without_a_session_cookie_goes_to_login_with_no_view_data(family):
    parent, _, _ = family
    state = state_for("mes_lang=fr", parent)
    _shown_for_a_moment(state, parent)
    assert redirect_path(state.load_shell()) == "/login"
    assert_no_view_data(state)


@pytest.mark.parametrize("cookie", [f"{COOKIE_NAME}=not-a-session-secret", f"{COOKIE_NAME}=" + "x" * 500,
                                    "garbage;;;==", f"{COOKIE_NAME}="])
def test_an_unknown_or_malformed_cookie_goes_to_login_with_no_view_data(family, cookie):
    parent, _, _ = family
    state = state_for(cookie, parent)
    _shown_for_a_moment(state, parent)
    assert redirect_path(state.load_shell()) == "/login"
    assert_no_view_data(state)


def test_an_expired_session_goes_to_login_with_no_view_data(session, family):
    parent, _, _ = family
    cookie = login(session, parent, at=real_now() - timedelta(hours=3), hours=1)
    state = state_for(cookie, parent)
    assert redirect_path(state.load_shell()) == "/login"
    assert_no_view_data(state)


def test_a_revoked_session_goes_to_login_with_no_view_data(session, family):
    parent, _, _ = family
    cookie = login(session, parent)
    accounts.revoke_session(session, cookie.rsplit("=", 1)[1], now=real_now())
    state = state_for(cookie, parent)
    assert redirect_path(state.switch_profile(str(parent.profile.id))) == "/login"
    assert_no_view_data(state)


def test_the_cookie_of_another_user_than_the_binding_gets_nothing(session, family):
    """A state bound to Claire, reached with Mallory's valid cookie: no data of either."""
    parent, _, _ = family
    mallory = make_stranger(session)
    state = state_for(login(session, mallory), parent)
    assert redirect_path(state.load_shell()) == "/login"
    assert_no_view_data(state)


def test_an_identity_handed_over_for_another_client_is_not_taken(session, family):
    """The middleware's identity counts only for the client token and cookie it was resolved for."""
    parent, _, _ = family
    identity = accounts.resolve_session(session, login(session, parent).rsplit("=", 1)[1], now=real_now())
    remember_event_identity("someone-elses-token", None, identity)
    state = state_for(None, parent)  # no cookie on this connection
    assert redirect_path(state.load_shell()) == "/login"
    assert_no_view_data(state)
    remember_event_identity(TOKEN, "mes_session=other-cookie", identity)  # same token, other cookie
    assert redirect_path(state.load_shell()) == "/login"
    assert_no_view_data(state)


def test_the_identity_the_middleware_resolved_is_used_without_another_lookup(session, engine, family):
    parent, _, _ = family
    cookie = login(session, parent)
    identity = accounts.resolve_session(session, cookie.rsplit("=", 1)[1], now=real_now())
    state = state_for(cookie, parent)
    with count_statements(engine) as alone:
        state.load_shell()
    remember_event_identity(TOKEN, cookie, identity)
    with count_statements(engine) as handed_over:
        state.load_shell()
    assert state.user_name == parent.user.display_name
    assert handed_over.count == alone.count - 1  # the session lookup was not made again
    assert not [s for s in handed_over.statements if "auth_session" in s]
    with count_statements(engine) as next_use:  # taken once: the next use case looks again
        state.load_shell()
    assert [s for s in next_use.statements if "auth_session" in s]


def test_a_session_ended_after_the_hand_over_is_noticed_by_the_next_use_case(session, family):
    """A background task, or a second use case of the same handler, does not live on the
    identity the middleware resolved before the log-out."""
    parent, _, _ = family
    cookie = login(session, parent)
    identity = accounts.resolve_session(session, cookie.rsplit("=", 1)[1], now=real_now())
    remember_event_identity(TOKEN, cookie, identity)
    state = state_for(cookie, parent)
    accounts.revoke_session(session, cookie.rsplit("=", 1)[1], now=real_now())
    state.load_shell()  # the identity handed over for this event (resolved before the log-out)
    assert state.user_name == parent.user.display_name
    assert redirect_path(state.load_shell()) == "/login"
    assert_no_view_data(state)


# --------------------------------------------------------------------------- what load_shell shows


def test_load_shell_shows_the_users_profiles_and_their_own_record_first(session, family):
    parent, leo, lina = family
    state = state_for(login(session, parent), parent)
    assert state.load_shell() is None
    assert state.user_name == parent.user.display_name
    assert state.may_add_child and not state.follows_patients
    assert [p.id for p in state.profiles] == [parent.profile.id, leo.profile.id, lina.profile.id]
    assert [p.relationship for p in state.profiles] == ["owner", "guardian", "guardian"]
    assert state.active_value == str(parent.profile.id) and state.active_name == "Claire Martin"
    assert state.own_record and state.manages_active and not state.partial_share
    assert "measures" in state.shared_sections and "measures" in state.addable_sections
    assert state.can_export and state.export_href == f"/api/profiles/{parent.profile.id}/export.fhir.json"
    assert state._active_profile_id == parent.profile.id
    # View vars hold view objects, never table rows.
    assert all(isinstance(p, ProfileView) and not isinstance(p, SQLModel) for p in state.profiles)


def test_a_professional_follows_patients_and_adds_no_child(session, family):
    parent, leo, _ = family
    doctor = make_professional(session, "Dr Durand")
    give_care(session, doctor, leo)
    state = state_for(login(session, doctor), doctor)
    assert state.load_shell() is None
    assert state.follows_patients and not state.may_add_child
    assert [p.id for p in state.profiles] == [leo.profile.id]
    assert "measures" in state.shared_sections and not state.can_export  # reads the record, takes nothing out


def test_a_caregiver_sees_only_what_is_shared_and_cannot_add_or_manage(session, family):
    parent, leo, _ = family
    grandma = make_caregiver(session, leo, sections=("vaccinations",), now=real_now() - timedelta(days=1))
    state = state_for(login(session, grandma), grandma)
    state.load_shell()
    assert [p.id for p in state.profiles] == [leo.profile.id]  # her account has no record of its own
    state.switch_profile(str(leo.profile.id))
    assert state.active_value == str(leo.profile.id) and state.active_relationship == "caregiver"
    assert state.shared_sections == ["vaccinations"] and state.partial_share
    assert state.addable_sections == [] and not state.manages_active and not state.own_record
    assert state.can_export  # the shared sections only (services.record_export)


# --------------------------------------------------------------------------- switch_profile arguments


def test_switch_profile_to_a_child_shows_the_child_and_stays_on_the_page(session, family):
    parent, leo, _ = family
    state = state_for(login(session, parent), parent, path="/history")
    state.load_shell()
    assert redirect_path(state.switch_profile(str(leo.profile.id))) == "/history"
    assert state._active_profile_id == leo.profile.id and state.active_value == str(leo.profile.id)
    assert state.active_name.startswith("Léo") and state.active_relationship == "guardian"
    assert not state.own_record and state.manages_active


@pytest.mark.parametrize("sent", [None, True, False, [1], ["1"], {"id": 1}, 1.0, "", "1 OR 1=1", " 7", -1])
def test_switch_profile_with_a_malformed_argument_stays_on_the_own_profile(session, family, sent):
    parent, leo, lina = family
    state = state_for(login(session, parent), parent)
    state.load_shell()
    if sent == [1]:  # a list holding a real id of the family is refused too
        sent = [leo.profile.id]
    state.switch_profile(sent)
    assert state._active_profile_id == parent.profile.id
    assert state.active_value == str(parent.profile.id) and state.own_record


def test_switch_profile_to_a_foreign_profile_stays_on_the_own_profile(session, family):
    parent, _, _ = family
    mallory = make_stranger(session)
    stranger_child = make_child(session, mallory, "Zoé")
    state = state_for(login(session, parent), parent)
    state.load_shell()
    for foreign in (mallory.profile.id, stranger_child.profile.id, str(stranger_child.profile.id), 10**9):
        state.switch_profile(foreign)
        assert state._active_profile_id == parent.profile.id
        assert state.active_name == "Claire Martin"
        assert all(p.id != stranger_child.profile.id for p in state.profiles)


def test_switch_profile_accepts_the_id_as_a_number_too(session, family):
    parent, _, lina = family
    state = state_for(login(session, parent), parent)
    state.switch_profile(lina.profile.id)
    assert state._active_profile_id == lina.profile.id


def test_a_profile_whose_access_ended_is_no_longer_shown(session, family):
    """The active profile is re-checked at every event, not trusted from the backend var."""
    parent, leo, _ = family
    grandma = make_caregiver(session, leo, sections=("vaccinations",), now=real_now() - timedelta(days=1))
    state = state_for(login(session, grandma), grandma)
    state.switch_profile(str(leo.profile.id))
    assert state._active_profile_id == leo.profile.id
    grandma.grant.revoked_at = real_now()
    session.add(grandma.grant)
    session.commit()
    state.load_shell()
    assert state._active_profile_id is None and state.profiles == []
    assert state.shared_sections == [] and state.active_name == "" and state.active_value == ""


def test_toggle_lang_switches_language_and_reloads_the_page(session, family):
    parent, _, _ = family
    state = state_for(login(session, parent), parent, path="/history")
    state.lang = "fr"
    assert redirect_path(state.toggle_lang()) == "/history"
    assert state.lang == "en"
    state.lang = "xx"  # a forged cookie value is treated as the default language
    state.toggle_lang()
    assert state.lang == "en"


# --------------------------------------------------------------------------- statements per event


class Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


class count_statements:  # noqa: N801 - used as a context manager
    """Every SQL statement the engine runs inside the block."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine, self.counter = engine, Counter()

    def _listen(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913
        self.counter.statements.append(statement)

    def __enter__(self) -> Counter:
        sa.event.listen(self.engine, "before_cursor_execute", self._listen)
        return self.counter

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._listen)


# One event of the shell: the session (1), the candidate profiles with the facts of all of
# them (1): the capability flags reuse those facts. Whatever the number of profiles.
# (3 until 2026-12-07: the candidates and their facts were two statements.)
MAX_STATEMENTS_PER_SHELL_EVENT = 2


def _household(session: Session, n_profiles: int) -> Persona:
    parent = make_owner(session, f"Parent De{n_profiles}")
    children = [make_child(session, parent, f"Enfant{i}", birth_date=date(2015 + i % 9, 1 + i % 12, 3))
                for i in range(n_profiles - 1)]
    if children:  # the facts include other people's access too
        make_caregiver(session, children[0], sections=("vaccinations",), now=real_now() - timedelta(days=1))
    return parent


def _statements_of(engine, session, n_profiles: int) -> tuple[int, int, int]:  # noqa: ANN001
    parent = _household(session, n_profiles)
    state = state_for(login(session, parent), parent)
    with count_statements(engine) as shell:
        state.load_shell()
    assert len(state.profiles) == n_profiles
    child_id = state.profiles[-1].id
    with count_statements(engine) as switch:
        state.switch_profile(str(child_id))
    assert state._active_profile_id == child_id
    identity = accounts.resolve_session(session, state.router.headers.cookie.rsplit("=", 1)[1], now=real_now())
    remember_event_identity(TOKEN, state.router.headers.cookie, identity)
    with count_statements(engine) as handed_over:
        state.load_shell()
    return shell.count, switch.count, handed_over.count


def test_a_shell_event_runs_a_fixed_number_of_statements_whatever_the_number_of_profiles(engine, session):
    two = _statements_of(engine, session, 2)
    eight = _statements_of(engine, session, 8)
    assert two == eight, (two, eight)
    print("statements per event (shell, switch, shell with the identity handed over):", eight)
    shell, switch, handed_over = eight
    assert shell <= MAX_STATEMENTS_PER_SHELL_EVENT
    assert switch <= MAX_STATEMENTS_PER_SHELL_EVENT
    assert handed_over <= MAX_STATEMENTS_PER_SHELL_EVENT - 1


def test_the_demo_parent_with_three_profiles_stays_under_the_limit(engine, session):
    shell, switch, handed_over = _statements_of(engine, session, 3)
    assert shell <= MAX_STATEMENTS_PER_SHELL_EVENT and switch <= MAX_STATEMENTS_PER_SHELL_EVENT
    assert handed_over < shell
