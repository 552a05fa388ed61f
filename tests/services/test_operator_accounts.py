"""The operator's account tools: find, lock, unlock, end sessions; no health data, ever."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlmodel import select

from mes_app.db.models import OperatorAction
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import operator_accounts as oa
from mes_app.services.accounts import LoginRefused, authenticate, open_session, resolve_session
from tests.factories import NOW, PASSWORD, make_operator, make_owner, make_professional, make_stranger

LIFETIME = timedelta(hours=8)


def _login(session, persona):
    return authenticate(session, email=persona.user.email, password=PASSWORD, now=NOW)


def _actions(session):
    return [(a.action, a.target_user_id) for a in session.exec(select(OperatorAction).order_by(OperatorAction.id))]


def test_find_account_shows_the_account_and_its_sessions_only(session):
    olivia, alice = make_operator(session), make_owner(session, "Alice")
    open_session(session, alice.user, now=NOW - timedelta(hours=2), lifetime=LIFETIME)
    open_session(session, alice.user, now=NOW - timedelta(minutes=5), lifetime=LIFETIME)
    view = oa.find_account(session, olivia.id, alice.user.email.upper(), now=NOW)
    assert (view.user_id, view.email, view.role) == (alice.id, alice.user.email, "patient")
    assert view.activated and not view.locked and not view.second_factor_on
    assert view.active_sessions == 2
    assert view.last_activity is not None and view.last_activity.replace(tzinfo=None) == (
        NOW - timedelta(minutes=5)).replace(tzinfo=None)


def test_the_account_view_has_no_field_for_record_data():
    names = {f.name for f in dataclasses.fields(oa.AccountView)}
    assert names == {"user_id", "email", "display_name", "role", "created_at", "activated", "locked",
                     "second_factor_on", "active_sessions", "last_activity"}
    assert not any(word in " ".join(names) for word in ("profile", "record", "document", "birth", "measure"))


def test_lock_refuses_login_and_ends_the_existing_session_then_unlock_lets_in_again(session):
    olivia, alice = make_operator(session), make_owner(session, "Alice")
    secret = open_session(session, alice.user, now=NOW, lifetime=LIFETIME)
    assert resolve_session(session, secret, now=NOW) is not None

    view = oa.lock(session, olivia.id, alice.id, NOW)
    assert view.locked and view.active_sessions == 0
    assert resolve_session(session, secret, now=NOW) is None
    with pytest.raises(LoginRefused) as refused:
        _login(session, alice)
    assert refused.value.code == "error.bad_credentials"  # the same answer as a wrong password

    assert not oa.unlock(session, olivia.id, alice.id, NOW).locked
    assert _login(session, alice).id == alice.id
    assert _actions(session) == [("account_lock", alice.id), ("account_unlock", alice.id)]


def test_a_locked_account_with_a_session_missed_by_the_lock_still_does_not_resolve(session):
    olivia, alice = make_operator(session), make_owner(session, "Alice")
    oa.lock(session, olivia.id, alice.id, NOW)
    secret = open_session(session, alice.user, now=NOW, lifetime=LIFETIME)  # e.g. a race with the lock
    assert resolve_session(session, secret, now=NOW) is None


def test_end_sessions_ends_them_but_the_account_can_log_in(session):
    olivia, alice = make_operator(session), make_owner(session, "Alice")
    secret = open_session(session, alice.user, now=NOW, lifetime=LIFETIME)
    assert oa.end_sessions(session, olivia.id, alice.id, NOW) == 1
    assert resolve_session(session, secret, now=NOW) is None
    assert _login(session, alice).id == alice.id
    assert _actions(session) == [("account_end_sessions", alice.id)]


def test_an_operator_cannot_lock_another_operator_or_themselves(session):
    olivia, oscar = make_operator(session), make_operator(session, "Oscar Operator")
    for target in (oscar.id, olivia.id):
        with pytest.raises(ValidationError) as refused:
            oa.lock(session, olivia.id, target, NOW)
        assert refused.value.code == "error.operator_cannot_lock_operator"
    session.rollback()
    assert _actions(session) == []


def test_non_operators_and_unknown_accounts_get_not_found(session):
    olivia, alice = make_operator(session), make_owner(session, "Alice")
    for caller in (make_professional(session), make_stranger(session), alice):
        with pytest.raises(NotFound):
            oa.find_account(session, caller.id, alice.user.email)
        for use_case in (oa.lock, oa.unlock, oa.end_sessions):
            with pytest.raises(NotFound):
                use_case(session, caller.id, alice.id, NOW)
    with pytest.raises(NotFound):
        oa.find_account(session, None, alice.user.email)
    for email in ("nobody@example.org", "not an email", None):
        with pytest.raises(NotFound):
            oa.find_account(session, olivia.id, email)
    for forged in (10_000, str(alice.id), True, None):
        with pytest.raises(NotFound):
            oa.lock(session, olivia.id, forged, NOW)
    assert _actions(session) == []
    assert _login(session, alice).id == alice.id


def test_account_by_id_is_for_operators_only(session):
    olivia, alice = make_operator(session), make_owner(session, "Alice")
    assert oa.account(session, olivia.id, alice.id, NOW).email == alice.user.email
    for caller in (None, alice.id, make_professional(session).id, make_stranger(session).id):
        with pytest.raises(NotFound):
            oa.account(session, caller, alice.id, NOW)
    for junk in (None, "1", True, 10_000):
        with pytest.raises(NotFound):
            oa.account(session, olivia.id, junk, NOW)
