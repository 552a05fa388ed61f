"""teen (issue 13, item 4) through the states, as a browser (or an attacker) calls them: the
capability flags that show the switch and the hand-over, the /majority handlers, and what
reaches the view vars (never the link's secret)."""

from __future__ import annotations

from datetime import date

import pytest
from reflex.istate.data import RouterData
from reflex.state import State
from reflex_base import constants

from mes_app import mail
from mes_app.db.models import Profile
from mes_app.services import records
from mes_app.state.majority import MajorityState
from tests.factories import give_care, make_child, make_owner, make_professional, make_stranger
from tests.state.test_app_state import login, real_now, state_for, test_database  # noqa: F401 - autouse


@pytest.fixture()
def sent_mail(monkeypatch):
    queued: list[tuple] = []
    monkeypatch.setattr(mail, "queue", lambda job, *args, what="mail": queued.append((job, args)))
    return queued


def majority_state(cookie, who, origin: str = "/majority") -> MajorityState:  # noqa: ANN001
    root = State()
    state = root.get_substate(MajorityState.get_full_name().split(".")[1:])
    root.router = state.router = RouterData.from_router_data({
        constants.RouteVar.CLIENT_TOKEN: "teen-client",
        constants.RouteVar.HEADERS: {"cookie": cookie} if cookie else {},
        constants.RouteVar.PATH: "/majority", constants.RouteVar.ORIGIN: origin,
    })
    state._bound_user_id = who.user.id if who else None
    return state


def _public(state) -> str:  # noqa: ANN001
    return repr({name: getattr(state, name) for name in state.base_vars if not name.startswith("_")})


def test_the_switch_shows_for_the_care_team_of_a_minor_only(session):
    parent = make_owner(session, "Camille Durand")
    hugo = make_child(session, parent, "Hugo", birth_date=date(2014, 1, 1))
    doctor = make_professional(session, "Dr Lefort")
    give_care(session, doctor, hugo, now=real_now())
    state = state_for(login(session, doctor), doctor)
    state.load_shell()
    state.switch_profile(str(hugo.profile.id))
    assert state.can_hide_from_guardians and not state.can_hand_over
    parent_state = state_for(login(session, parent), parent, token="parent-client")
    parent_state.load_shell()
    parent_state.switch_profile(str(hugo.profile.id))
    assert not parent_state.can_hide_from_guardians and not parent_state.can_hand_over


def test_the_hand_over_through_the_majority_page(session, sent_mail):
    parent = make_owner(session, "Camille Durand")
    zoe = make_child(session, parent, "Zoé", birth_date=date(2000, 1, 1))
    records.add_entry(session, parent.actor, zoe.profile.id, "vaccinations",
                      {"code_text": "ROR", "given_on": "2001-01-10"}, now=real_now())
    young = make_owner(session, "Zoé Durand", birth_date=date(2000, 1, 1), email="zoe@example.org")
    state = majority_state(login(session, parent), parent)
    state.load_shell()
    state.switch_profile(str(zoe.profile.id))
    assert state.can_hand_over
    state.load_majority()
    state.send_invitation({"email": "zoe@example.org"})
    assert state.notice and not state.error and len(state.pending) == 1
    [(job, (to, secret, _lang, inviter))] = sent_mail
    assert job is mail.send_majority_invitation and to == "zoe@example.org" and inviter == "Camille Durand"
    assert secret not in _public(state)

    mallory = make_stranger(session)
    attacker = majority_state(login(session, mallory), mallory, origin=f"/majority?t={secret}")
    attacker.load_majority()
    assert attacker.has_link and not attacker.offer_ok and "Zoé" not in _public(attacker)
    attacker.accept({f"keep-{mallory.id}-conditions": "on"})
    assert session.get(Profile, zoe.profile.id).owner_user_id is None

    mine = majority_state(login(session, young), young, origin=f"/majority?t={secret}")
    mine.load_majority()
    assert mine.offer_ok and [r.name for r in mine.keep_rows] == ["Camille Durand"]
    assert secret not in _public(mine)
    mine.accept({f"keep-{parent.id}-vaccinations": "on", "keep-999-conditions": "on"})
    assert mine.done
    session.expire_all()
    assert session.get(Profile, zoe.profile.id).owner_user_id == young.id
    titles = [e.title for e in records.list_entries(session, parent.actor, zoe.profile.id, "vaccinations",
                                                      now=real_now())]
    assert titles == ["ROR"]


def test_without_a_session_the_link_page_asks_to_log_in_and_keeps_the_visitor_there(session):
    state = majority_state(None, None, origin="/majority?t=whatever")
    assert state.load_majority() is None
    assert state.needs_login and not state.offer_ok


def test_bad_arguments_change_nothing(session):
    parent = make_owner(session, "Camille Durand")
    state = majority_state(login(session, parent), parent)
    state.load_shell()
    for bad in (None, "x", ["a"], 3):
        assert state.send_invitation(bad) is None
        state.accept(bad)
    state.ask_cancel("999")
    assert not state.confirm_open
