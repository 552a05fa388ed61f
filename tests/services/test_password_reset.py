"""Forgotten password: a single-use link, 30 minutes, older links ended, every session ended."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from mes_app.db.models import AuthSession, PasswordReset, User
from mes_app.domain.errors import ValidationError
from mes_app.domain.login_throttle import LOCK_AFTER_FAILURES
from mes_app.services import accounts, password_reset
from mes_app.services.accounts import LoginRefused
from mes_app.services.password_reset import RESET_LIFETIME
from tests.factories import PASSWORD, committed_rows, make_owner

NEW_PASSWORD = "Brioche-au-Miel-2027"
SECOND = timedelta(seconds=1)


def _reset(session, secret, now, password=NEW_PASSWORD, confirm=None):
    return password_reset.reset_password(session, secret, password, confirm=confirm or password, now=now)


def _invalid(session, secret, now, **kw) -> None:
    with pytest.raises(ValidationError) as caught:
        _reset(session, secret, now, **kw)
    assert caught.value.code == "error.reset_link_invalid"


def _login(session, user, password, now):
    return accounts.authenticate(session, email=user.email, password=password, now=now)


def test_a_request_stores_only_the_hash_of_a_long_random_secret(session, now):
    alice = make_owner(session)
    mail = password_reset.request_reset(session, alice.email.upper(), now=now)
    assert mail is not None and mail.to == alice.email and mail.lang == "fr"
    assert len(mail.secret) >= 43  # 256 bits, URL-safe
    rows = committed_rows(session, PasswordReset)
    assert len(rows) == 1 and rows[0].user_id == alice.id
    assert rows[0].token_hash != mail.secret and mail.secret not in rows[0].token_hash
    assert rows[0].expires_at == now + RESET_LIFETIME == now + timedelta(minutes=30)


def test_an_unknown_or_malformed_address_gets_nothing_and_changes_nothing(session, now):
    make_owner(session)
    for address in ("nobody@example.org", "not an address", None, ["a@b.org"], "x" * 300 + "@example.org"):
        assert password_reset.request_reset(session, address, now=now) is None
    assert committed_rows(session, PasswordReset) == []


def test_the_language_is_the_asker_s_then_the_account_s_then_french(session, now):
    alice = make_owner(session)
    assert password_reset.request_reset(session, alice.email, now=now, lang="en").lang == "en"
    assert password_reset.request_reset(session, alice.email, now=now, lang="de").lang == "fr"
    alice.user.locale = "en"
    session.add(alice.user)
    session.commit()
    assert password_reset.request_reset(session, alice.email, now=now).lang == "en"


def test_the_link_sets_the_new_password_once(session, now):
    alice = make_owner(session)
    secret = password_reset.request_reset(session, alice.email, now=now).secret
    assert password_reset.link_is_valid(session, secret, now=now)
    _reset(session, secret, now)
    assert _login(session, alice.user, NEW_PASSWORD, now).id == alice.id
    with pytest.raises(LoginRefused):
        _login(session, alice.user, PASSWORD, now)
    # Single use: the same link does nothing a second time.
    assert not password_reset.link_is_valid(session, secret, now=now)
    _invalid(session, secret, now, password="Autre-Chose-Encore-99")
    assert _login(session, alice.user, NEW_PASSWORD, now).id == alice.id


def test_the_link_works_until_thirty_minutes_and_not_a_second_more(session, now):
    alice = make_owner(session)
    secret = password_reset.request_reset(session, alice.email, now=now).secret
    deadline = now + timedelta(minutes=30)
    assert password_reset.link_is_valid(session, secret, now=deadline - SECOND)
    assert not password_reset.link_is_valid(session, secret, now=deadline)
    _invalid(session, secret, deadline)
    _reset(session, secret, deadline - SECOND)


def test_asking_again_ends_the_older_links(session, now):
    alice = make_owner(session)
    first = password_reset.request_reset(session, alice.email, now=now).secret
    second = password_reset.request_reset(session, alice.email, now=now + SECOND).secret
    assert first != second
    _invalid(session, first, now + 2 * SECOND)
    _reset(session, second, now + 2 * SECOND)


def test_a_reset_ends_every_session_of_the_account_and_no_one_else_s(session, now):
    alice, bob = make_owner(session), make_owner(session, "Bob")
    lifetime = timedelta(hours=12)
    phone = accounts.open_session(session, alice.user, now=now, lifetime=lifetime)
    laptop = accounts.open_session(session, alice.user, now=now, lifetime=lifetime)
    bobs = accounts.open_session(session, bob.user, now=now, lifetime=lifetime)
    secret = password_reset.request_reset(session, alice.email, now=now).secret

    done = _reset(session, secret, now + SECOND)

    assert done.user_id == alice.id and len(done.ended_session_ids) == 2
    assert accounts.resolve_session(session, phone, now=now + SECOND) is None
    assert accounts.resolve_session(session, laptop, now=now + SECOND) is None
    assert accounts.resolve_session(session, bobs, now=now + SECOND).user_id == bob.id
    ended = {row.id for row in committed_rows(session, AuthSession) if row.revoked_at is not None}
    assert ended == set(done.ended_session_ids)


def test_a_weak_or_mismatched_password_is_refused_and_the_link_stays_usable(session, now):
    alice = make_owner(session, "Alice Durand")
    secret = password_reset.request_reset(session, alice.email, now=now).secret
    for weak in ("court", "motdepasse123", "Alice-Durand-2026", "aaaaaaaaaaaaaaaaaaaa"):
        with pytest.raises(ValidationError) as caught:
            _reset(session, secret, now, password=weak)
        assert caught.value.code == "error.weak_password", weak
    with pytest.raises(ValidationError) as caught:
        _reset(session, secret, now, password=NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert caught.value.code == "error.passwords_differ"
    with pytest.raises(ValidationError):
        _reset(session, secret, now, password=None, confirm=None)
    assert _login(session, alice.user, PASSWORD, now).id == alice.id  # unchanged
    _reset(session, secret, now)


def test_garbage_secrets_are_just_invalid(session, now):
    alice = make_owner(session)
    password_reset.request_reset(session, alice.email, now=now)
    for secret in (None, "", "x" * 1000, 42, ["a"], {"t": 1}, "forged-secret"):
        assert not password_reset.link_is_valid(session, secret, now=now)
        _invalid(session, secret, now)


def test_a_reset_lifts_a_login_lock_out(session, now):
    alice = make_owner(session)
    for step in range(LOCK_AFTER_FAILURES):  # failures a minute apart: the last one locks
        with pytest.raises(LoginRefused):
            _login(session, alice.user, "Mauvais-Mot-2026", now - timedelta(minutes=LOCK_AFTER_FAILURES - step))
    with pytest.raises(LoginRefused) as caught:
        _login(session, alice.user, PASSWORD, now)
    assert caught.value.code == "error.account_locked"
    secret = password_reset.request_reset(session, alice.email, now=now).secret
    _reset(session, secret, now)
    assert _login(session, alice.user, NEW_PASSWORD, now).id == alice.id
    user = session.exec(select(User).where(User.id == alice.id)).one()
    assert user.failed_login_count == 0 and user.locked_until is None


def test_using_a_link_ends_the_other_open_links(session, now):
    alice = make_owner(session)
    secret = password_reset.request_reset(session, alice.email, now=now).secret
    _reset(session, secret, now)
    rows = committed_rows(session, PasswordReset)
    assert all(row.used_at is not None or row.revoked_at is not None for row in rows)
