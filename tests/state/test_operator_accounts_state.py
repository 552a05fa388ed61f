"""The console's accounts page state (/operator/accounts): an operator finds an account by its
e-mail and locks, unlocks or ends its sessions after confirming; the browser only names the
action, never the account; anyone else finds no page and changes nothing."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from mes_app.db.models import AuthSession, OperatorAction, User
from mes_app.state.operator_accounts import OperatorAccountsState
from tests.factories import (
    committed_rows,
    make_child,
    make_operator,
    make_owner,
    make_professional,
    make_stranger,
)
from tests.state.test_app_state import login, real_now, redirect_path, state_for, test_database  # noqa: F401


def accounts_page(session, who) -> OperatorAccountsState:  # noqa: ANN001
    state = state_for(login(session, who), who, path="/operator/accounts")
    return state.get_substate(OperatorAccountsState.get_full_name().split(".")[2:])  # type: ignore[return-value]


def _stored(session, who) -> User:  # noqa: ANN001
    return committed_rows(session, User, User.id == who.id)[0]


def _live_sessions(session, who) -> int:  # noqa: ANN001
    now = real_now()
    return len([s for s in committed_rows(session, AuthSession, AuthSession.user_id == who.id)
                if s.revoked_at is None and s.expires_at.replace(tzinfo=now.tzinfo) > now])


def test_an_operator_finds_an_account_by_its_email_and_sees_no_record(session):
    alice = make_owner(session, "Alice")
    make_child(session, alice, "Léa")
    login(session, alice)
    page = accounts_page(session, make_operator(session))
    assert page.load_accounts() is None and page.allowed and page.found == []
    page.search({"email": "  " + alice.user.email.upper() + " "})
    assert page.error == "" and page.searched == alice.user.email.upper()
    [card] = page.found
    assert (card.email, card.name, card.status, card.locked) == (alice.user.email, "Alice", "Activé", False)
    assert card.role == "Patient ou proche" and card.sessions == "1 session ouverte"
    assert set(dataclasses.asdict(card)) == {"email", "name", "role", "created", "status", "locked",
                                             "second_factor", "sessions", "last_activity"}
    assert "Léa" not in repr(page.found)


@pytest.mark.parametrize("typed", ["nobody@mes.test", "not an address", "a@b"])
def test_an_unknown_address_is_said_as_such(session, typed):
    page = accounts_page(session, make_operator(session))
    page.load_accounts()
    page.search({"email": typed})
    assert page.found == [] and page.allowed
    assert page.error == f"Aucun compte n'a l'adresse {typed}."


@pytest.mark.parametrize("junk", [None, [], "x", {}, {"email": ""}, {"email": "   "}, {"email": ["a@b.fr"]},
                                  {"email": 3}])
def test_odd_search_arguments_find_nothing(session, junk):
    page = accounts_page(session, make_operator(session))
    page.load_accounts()
    page.search(junk)
    assert page.found == [] and page.error == "Saisissez une adresse e-mail."


def test_locking_asks_first_then_locks_ends_the_sessions_and_is_logged(session):
    alice = make_owner(session, "Alice")
    login(session, alice)
    olivia = make_operator(session)
    page = accounts_page(session, olivia)
    page.load_accounts()
    page.search({"email": alice.user.email})
    page.ask("lock")
    assert page.confirm_open and page.confirm_title == f"Verrouiller le compte {alice.user.email} ?"
    assert _stored(session, alice).locked_by_operator_at is None  # nothing before "yes"
    page.confirm_action()
    assert not page.confirm_open and page.info == f"Le compte {alice.user.email} est verrouillé."
    assert page.found[0].locked and page.found[0].status == "Verrouillé par un opérateur"
    assert page.found[0].sessions == "0 session ouverte"
    assert _stored(session, alice).locked_by_operator_at is not None and _live_sessions(session, alice) == 0
    [logged] = committed_rows(session, OperatorAction, OperatorAction.action == "account_lock")
    assert (logged.operator_user_id, logged.target_user_id) == (olivia.id, alice.id)

    page.ask("lock")  # already locked: nothing to ask
    assert not page.confirm_open
    page.ask("unlock")
    assert not page.confirm_danger
    page.confirm_action()
    assert _stored(session, alice).locked_by_operator_at is None and not page.found[0].locked


def test_ending_the_sessions_keeps_the_account_open(session):
    alice = make_owner(session, "Alice")
    login(session, alice)
    login(session, alice)
    page = accounts_page(session, make_operator(session))
    page.load_accounts()
    page.search({"email": alice.user.email})
    assert page.found[0].sessions == "2 sessions ouvertes"
    page.ask("end_sessions")
    page.confirm_action()
    assert _live_sessions(session, alice) == 0 and _stored(session, alice).locked_by_operator_at is None
    assert page.found[0].sessions == "0 session ouverte" and not page.found[0].locked


def test_cancelling_or_a_browser_opening_the_dialog_changes_nothing(session):
    alice = make_owner(session, "Alice")
    page = accounts_page(session, make_operator(session))
    page.load_accounts()
    page.confirm_action()  # nothing searched, nothing asked
    page.search({"email": alice.user.email})
    page.set_confirm_open(True)  # the browser may only close the dialog
    assert not page.confirm_open
    page.confirm_action()
    page.ask("lock")
    page.set_confirm_open(False)  # "cancel"
    page.confirm_action()
    assert _stored(session, alice).locked_by_operator_at is None
    for junk in (None, "delete", 3, ["lock"], "LOCK"):
        page.ask(junk)  # type: ignore[arg-type]
        assert not page.confirm_open


def test_the_action_applies_to_the_account_shown_and_nobody_else(session):
    alice, bob = make_owner(session, "Alice"), make_stranger(session, "Bob")
    page = accounts_page(session, make_operator(session))
    page.load_accounts()
    page.search({"email": alice.user.email})
    page.ask("lock")
    page.search({"email": bob.user.email})  # a new search forgets the question
    page.confirm_action()
    assert _stored(session, alice).locked_by_operator_at is None and _stored(session, bob).locked_by_operator_at is None
    page.search({"email": "nobody@mes.test"})
    page.ask("lock")
    assert not page.confirm_open  # nothing shown: nothing to act on


def test_an_operator_account_cannot_be_locked(session):
    other = make_operator(session, "Oscar Operator")
    page = accounts_page(session, make_operator(session))
    page.load_accounts()
    page.search({"email": other.user.email})
    page.ask("lock")
    page.confirm_action()
    assert page.error == "Un opérateur ne peut pas verrouiller un compte d'opérateur."
    assert _stored(session, other).locked_by_operator_at is None and page.allowed


def test_non_operators_find_no_page_and_change_nothing(session):
    alice = make_owner(session, "Alice")
    login(session, alice)
    for who in (make_stranger(session, "Mallory"), make_professional(session), alice):
        page = accounts_page(session, who)
        page.load_accounts()
        assert not page.allowed and page.loaded
        page.search({"email": alice.user.email})
        page.ask("lock")
        page.confirm_action()
        assert not page.allowed and page.found == [] and page.error == "" and not page.confirm_open
    assert _stored(session, alice).locked_by_operator_at is None
    assert _live_sessions(session, alice) == 2  # hers, and the one of her own visit above
    assert committed_rows(session, OperatorAction) == []


def test_an_operator_who_lost_the_role_meanwhile_changes_nothing(session):
    alice = make_owner(session, "Alice")
    olivia = make_operator(session)
    page = accounts_page(session, olivia)
    page.load_accounts()
    page.search({"email": alice.user.email})
    page.ask("lock")
    olivia.user.role = "patient"
    session.add(olivia.user)
    session.commit()
    page.confirm_action()
    assert not page.allowed and page.found == []
    assert _stored(session, alice).locked_by_operator_at is None


def test_a_gone_session_goes_to_login(session):
    olivia = make_operator(session)
    state = state_for(None, olivia, path="/operator/accounts")
    page = state.get_substate(OperatorAccountsState.get_full_name().split(".")[2:])
    assert redirect_path(page.load_accounts()) == "/login"
    assert redirect_path(page.search({"email": "a@b.fr"})) == "/login"
    assert not page.allowed


def test_last_activity_is_shown_when_known(session):
    alice = make_owner(session, "Alice")
    login(session, alice, at=real_now() - timedelta(minutes=5))
    page = accounts_page(session, make_operator(session))
    page.load_accounts()
    page.search({"email": alice.user.email})
    assert page.found[0].last_activity != ""
