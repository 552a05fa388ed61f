"""Accounts: registering, logging in (throttled, then locked), and server-side sessions."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from mes_app.db.models import AuthSession, Profile, User
from mes_app.domain.errors import ValidationError
from mes_app.domain.login_throttle import LOCK_AFTER_FAILURES, LOCK_DURATION, required_delay
from mes_app.services import accounts
from mes_app.services.accounts import LoginRefused
from tests.factories import (
    PASSWORD,
    committed_count,
    committed_rows,
    make_owner,
    make_professional,
    register_and_activate,
)

GOOD_FORM = {
    "email": "Alice.Durand@Example.org",
    "password": "Lait-de-Coco-2026",
    "given_name": "Alice",
    "family_name": "Durand",
    "birth_date": "1990-05-17",
    "sex": "female",
}
HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)


def _register(session: Session, now, **changes) -> User:
    reg = accounts.parse_registration({**GOOD_FORM, **changes}, today=now.date())
    return register_and_activate(session, reg, now=now)


def _login(session: Session, now, email=None, password=None) -> User:
    return accounts.authenticate(
        session, email=email or "alice.durand@example.org", password=password or GOOD_FORM["password"], now=now
    )


def _refused(session: Session, now, *, password="Mauvais-Mot-2026", email=None) -> LoginRefused:
    with pytest.raises(LoginRefused) as caught:
        _login(session, now, email=email, password=password)
    return caught.value


# --------------------------------------------------------------------------- registration


def test_register_creates_the_account_and_its_own_profile(session, now):
    user = _register(session, now)

    [stored] = committed_rows(session, User)
    assert stored.id == user.id
    assert stored.email == "alice.durand@example.org"  # one spelling of an address
    assert stored.role == "patient"
    assert stored.display_name == "Alice Durand"
    assert GOOD_FORM["password"] not in stored.password_hash
    [profile] = committed_rows(session, Profile)
    assert (profile.kind, profile.owner_user_id, profile.created_by_user_id) == ("self", user.id, user.id)
    assert (profile.given_name, profile.family_name, profile.birth_date, profile.sex) == (
        "Alice",
        "Durand",
        date(1990, 5, 17),
        "female",
    )


def test_the_registered_password_logs_in(session, now):
    user = _register(session, now)
    assert _login(session, now).id == user.id


def test_an_e_mail_already_taken_is_refused_whatever_its_case(session, now):
    _register(session, now)
    reg = accounts.parse_registration(
        {**GOOD_FORM, "email": "ALICE.DURAND@example.ORG", "given_name": "Eve"}, today=now.date()
    )
    with pytest.raises(ValidationError) as caught:
        accounts.register(session, reg, now=now)
    assert caught.value.code == "error.email_taken"
    assert committed_count(session, User) == 1
    assert committed_count(session, Profile) == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"password": "azerty"}, "error.weak_password"),
        ({"password": "Motdepasse123!"}, "error.weak_password"),
        ({"password": "aaaaaaaaaaaaaaaaaaaa"}, "error.weak_password"),
        ({"password": None}, "error.weak_password"),
        ({"password": ["Lait-de-Coco-2026"]}, "error.weak_password"),
        ({"birth_date": "2026-11-29"}, "error.date_in_future"),
        ({"birth_date": "1850-01-01"}, "error.invalid_date"),
        ({"birth_date": "17/05/1990"}, "error.invalid_date"),
        ({"email": "alice"}, "error.invalid_email"),
        ({"email": "alice@example"}, "error.invalid_email"),
        ({"email": "alice@@example.org"}, "error.invalid_email"),
        ({"email": "a" * 300 + "@example.org"}, "error.invalid_email"),
        ({"email": {"$ne": None}}, "error.invalid_email"),
        ({"given_name": "x" * 100_000}, "error.text_too_long"),
        ({"given_name": "   "}, "error.required"),
        ({"sex": "robot"}, "error.invalid_choice"),
    ],
)
def test_a_bad_registration_is_refused_and_stores_nothing(session, now, changes, code):
    with pytest.raises(ValidationError) as caught:
        _register(session, now, **changes)
    assert caught.value.code == code
    assert committed_count(session, User) == 0
    assert committed_count(session, Profile) == 0


def test_a_registration_born_today_is_accepted(session, now):
    _register(session, now, birth_date=now.date().isoformat())
    assert committed_count(session, Profile) == 1


# --------------------------------------------------------------------------- authentication


def test_the_right_password_logs_in_whatever_the_e_mail_case(session, now):
    user = _register(session, now)
    assert _login(session, now, email="  ALICE.durand@example.org ").id == user.id


def test_wrong_password_and_unknown_e_mail_give_the_same_answer(session, now):
    _register(session, now)
    wrong_password = _refused(session, now)
    unknown_email = _refused(session, now, email="nobody@example.org", password=GOOD_FORM["password"])
    not_an_email = _refused(session, now, email="nobody", password=GOOD_FORM["password"])
    assert wrong_password.code == unknown_email.code == not_an_email.code == "error.bad_credentials"
    assert str(wrong_password) == str(unknown_email) == "error.bad_credentials"
    assert wrong_password.retry_after_seconds == unknown_email.retry_after_seconds == 0


@pytest.mark.parametrize("password", [None, "", 12345, ["x"], "x" * 129])
def test_a_malformed_password_is_refused_without_a_crash(session, now, password):
    _register(session, now)
    with pytest.raises(LoginRefused) as caught:
        accounts.authenticate(session, email="alice.durand@example.org", password=password, now=now)
    assert caught.value.code == "error.bad_credentials"


def test_after_three_failures_an_immediate_retry_must_wait_even_with_the_right_password(session, now):
    user = _register(session, now)
    for _ in range(3):
        assert _refused(session, now).code == "error.bad_credentials"

    refused = _refused(session, now, password=GOOD_FORM["password"])
    assert refused.code == "error.too_many_attempts"
    assert refused.retry_after_seconds > 0
    # ... and once the wait is over, the right password works again
    assert _login(session, now + timedelta(seconds=refused.retry_after_seconds)).id == user.id


def test_the_wait_grows_with_each_failure(session, now):
    _register(session, now)
    t = now
    for _ in range(3):
        _refused(session, t)
    waits = [_refused(session, t).retry_after_seconds]
    for _ in range(3):
        t += timedelta(seconds=waits[-1])  # wait as asked, then fail again
        assert _refused(session, t).code == "error.bad_credentials"
        waits.append(_refused(session, t).retry_after_seconds)
    assert waits == [1, 2, 4, 8]


def _fail_until_locked(session: Session, now):
    """Fail ``LOCK_AFTER_FAILURES`` times, each time waiting just long enough; the last failure time."""
    t = now
    for failures in range(LOCK_AFTER_FAILURES):
        t += timedelta(seconds=required_delay(failures))
        refused = _refused(session, t)
        expected = "error.account_locked" if failures == LOCK_AFTER_FAILURES - 1 else "error.bad_credentials"
        assert refused.code == expected, failures
    return t, refused


def test_ten_failures_lock_the_account_even_for_the_right_password(session, now):
    user = _register(session, now)
    locked_at, last = _fail_until_locked(session, now)
    assert last.retry_after_seconds == int(LOCK_DURATION.total_seconds())

    for later in (SECOND, 5 * timedelta(minutes=1), LOCK_DURATION - SECOND):
        refused = _refused(session, locked_at + later, password=GOOD_FORM["password"])
        assert refused.code == "error.account_locked"
        assert 0 < refused.retry_after_seconds <= LOCK_DURATION.total_seconds()

    assert _login(session, locked_at + LOCK_DURATION).id == user.id


def test_a_success_resets_the_failure_counter(session, now):
    user = _register(session, now)
    for _ in range(3):
        _refused(session, now)
    later = now + timedelta(seconds=required_delay(3))
    assert _login(session, later).id == user.id
    [stored] = committed_rows(session, User)
    assert (stored.failed_login_count, stored.last_failed_login_at, stored.locked_until) == (0, None, None)

    # typos are free again: two immediate failures in a row, no wait asked
    assert _refused(session, later).code == "error.bad_credentials"
    assert _refused(session, later).code == "error.bad_credentials"


def test_failures_on_one_account_do_not_slow_another(session, now):
    _register(session, now)
    bob = make_owner(session, "Bob")
    for _ in range(5):
        _refused(session, now)
    assert accounts.authenticate(session, email=bob.email, password=PASSWORD, now=now).id == bob.id


# --------------------------------------------------------------------------- sessions


def _auth_session_dump(session: Session) -> str:
    with session.get_bind().connect() as conn:
        rows = conn.execute(sa.select(AuthSession.__table__)).all()
    return repr([tuple(row) for row in rows])


def test_open_session_stores_only_the_hash_of_its_secret(session, now):
    alice = make_owner(session)
    secret = accounts.open_session(session, alice.user, now=now, lifetime=HOUR)

    assert isinstance(secret, str) and len(secret) >= 43  # 32 random bytes
    dump = _auth_session_dump(session)
    assert secret not in dump
    [row] = committed_rows(session, AuthSession)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (row.user_id, row.expires_at, row.revoked_at) == (alice.id, now + HOUR, None)


def test_each_session_has_its_own_secret(session, now):
    alice = make_owner(session)
    secrets_ = {accounts.open_session(session, alice.user, now=now, lifetime=HOUR) for _ in range(5)}
    assert len(secrets_) == 5


def test_resolve_session_gives_back_who_logged_in(session, now):
    dr = make_professional(session, "Dr Martin")
    secret = accounts.open_session(session, dr.user, now=now, lifetime=HOUR)

    # used within the idle limit (a session unused for longer ends: tests/services/test_second_factor.py)
    identity = accounts.resolve_session(session, secret, now=now + timedelta(minutes=20))
    assert identity is not None
    assert (identity.user_id, identity.role, identity.email, identity.display_name) == (
        dr.id,
        "professional",
        dr.email,
        "Dr Martin",
    )


def test_a_session_ends_at_its_expiry(session, now):
    alice = make_owner(session)
    secret = accounts.open_session(session, alice.user, now=now, lifetime=HOUR)
    assert accounts.resolve_session(session, secret, now=now + HOUR) is None
    assert accounts.resolve_session(session, secret, now=now + 30 * HOUR) is None


def test_a_revoked_session_is_gone_but_the_others_stay(session, now):
    alice = make_owner(session)
    laptop = accounts.open_session(session, alice.user, now=now, lifetime=HOUR)
    phone = accounts.open_session(session, alice.user, now=now, lifetime=HOUR)

    accounts.revoke_session(session, laptop, now=now)
    assert accounts.resolve_session(session, laptop, now=now) is None
    assert accounts.resolve_session(session, phone, now=now).user_id == alice.id
    accounts.revoke_session(session, laptop, now=now)  # logging out twice is harmless


def test_a_forged_secret_resolves_to_nobody(session, now):
    alice = make_owner(session)
    secret = accounts.open_session(session, alice.user, now=now, lifetime=HOUR)
    [row] = committed_rows(session, AuthSession)

    for forged in (
        secret[:-1] + ("A" if secret[-1] != "A" else "B"),
        secret.upper(),
        secret + "x",
        row.token_hash,
        f" {secret}",
    ):
        assert accounts.resolve_session(session, forged, now=now) is None, forged


@pytest.mark.parametrize("value", [None, "", 0, 12345, ["secret"], {"secret": 1}, b"secret", "x" * 100_000])
def test_a_malformed_secret_resolves_to_nobody_without_a_crash(session, now, value):
    alice = make_owner(session)
    accounts.open_session(session, alice.user, now=now, lifetime=HOUR)
    assert accounts.resolve_session(session, value, now=now) is None


def test_revoke_all_sessions_logs_out_everywhere_but_touches_nobody_else(session, now):
    alice = make_owner(session)
    bob = make_owner(session, "Bob")
    alice_secrets = [accounts.open_session(session, alice.user, now=now, lifetime=HOUR) for _ in range(3)]
    accounts.revoke_session(session, alice_secrets[0], now=now)
    bob_secret = accounts.open_session(session, bob.user, now=now, lifetime=HOUR)

    assert accounts.revoke_all_sessions(session, alice.id, now=now) == 2
    assert all(accounts.resolve_session(session, s, now=now) is None for s in alice_secrets)
    assert accounts.resolve_session(session, bob_secret, now=now).user_id == bob.id


# --------------------------------------------------------------------------- throttle: per client, per e-mail, per pair

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


@pytest.fixture()
def quick_hash(monkeypatch):
    """Throttle tests make hundreds of attempts: skip argon2 (its cost is checked just below)."""
    monkeypatch.setattr(
        accounts, "verify_password", lambda password, hashed: bool(hashed) and password == GOOD_FORM["password"]
    )


def _attempt(session: Session, now, *, email: str, password: str, client: str):
    """What the log-in answers: ("ok", 0) or (refusal code, seconds to wait)."""
    try:
        accounts.authenticate(session, email=email, password=password, now=now, client=client)
    except LoginRefused as refused:
        return refused.code, refused.retry_after_seconds
    return "ok", 0


def _fail_as_fast_as_allowed(session: Session, now, *, email: str, client: str, times: int):
    """Wrong passwords from ``client``, each as soon as allowed; every answer and the last time."""
    t, answers = now, []
    for _ in range(times):
        answer = _attempt(session, t, email=email, password="Mauvais-Mot-2026", client=client)
        if answer[0] in ("error.too_many_attempts", "error.account_locked") and answer[1]:
            t += timedelta(seconds=answer[1])
            answer = _attempt(session, t, email=email, password="Mauvais-Mot-2026", client=client)
        answers.append(answer)
    return answers, t


def test_an_attacker_cannot_lock_the_owner_out_with_ten_wrong_passwords(session, now):
    """Before: ten wrong passwords from anyone locked the account for 15 minutes, right password included."""
    user = _register(session, now)
    answers, t = _fail_as_fast_as_allowed(session, now, email=user.email, client=ATTACKER, times=LOCK_AFTER_FAILURES)
    assert answers[-1][0] == "error.account_locked"
    # the attacker is locked out, even with the right password ...
    assert (
        _attempt(session, t, email=user.email, password=GOOD_FORM["password"], client=ATTACKER)[0]
        == "error.account_locked"
    )
    # ... the owner, from their own device, logs in at once
    assert _attempt(session, t, email=user.email, password=GOOD_FORM["password"], client=OWNER) == ("ok", 0)


def test_an_unknown_e_mail_is_throttled_exactly_like_a_real_account(session, now, quick_hash):
    """Before: only real accounts ever answered "too many attempts" / "locked": an enumeration oracle."""
    user = _register(session, now)
    real, _ = _fail_as_fast_as_allowed(session, now, email=user.email, client=ATTACKER, times=LOCK_AFTER_FAILURES + 2)
    unknown, _ = _fail_as_fast_as_allowed(
        session, now, email="nobody@example.org", client="192.0.2.1", times=LOCK_AFTER_FAILURES + 2
    )
    assert real == unknown
    assert {code for code, _ in real} >= {"error.bad_credentials", "error.account_locked"}
    # and a refused attempt right after looks the same too
    assert _attempt(session, now, email=user.email, password="x-Wrong-99", client=ATTACKER) == _attempt(
        session, now, email="nobody@example.org", password="x-Wrong-99", client="192.0.2.1"
    )


def test_an_unknown_e_mail_costs_one_password_verification_like_a_real_one(session, now, monkeypatch):
    from mes_app.services import passwords

    user = _register(session, now)
    calls = []
    real_verify = passwords._context.verify
    monkeypatch.setattr(passwords._context, "verify", lambda *a, **k: calls.append(1) or real_verify(*a, **k))
    _attempt(session, now, email=user.email, password="Mauvais-Mot-2026", client=ATTACKER)
    _attempt(session, now, email="nobody@example.org", password="Mauvais-Mot-2026", client=ATTACKER)
    _attempt(session, now, email="not-an-email", password="Mauvais-Mot-2026", client=ATTACKER)
    assert len(calls) == 3


def test_spraying_one_password_over_many_accounts_from_one_client_is_slowed(session, now, quick_hash):
    """Before: the throttle was per account only, so one guess per account was never slowed."""
    real = [make_owner(session, f"Patient{i}").email for i in range(3)]
    emails = [f"patient{i}@example.org" for i in range(37)] + real
    answers = [_attempt(session, now, email=e, password="Printemps2026!", client=ATTACKER)[0] for e in emails]
    assert answers[:30] == ["error.bad_credentials"] * 30
    assert set(answers[30:]) == {"error.too_many_attempts"}
    # another client is not affected
    assert (
        _attempt(session, now, email=emails[-1], password="Printemps2026!", client=OWNER)[0] == "error.bad_credentials"
    )


def test_a_botnet_on_one_account_is_slowed_but_the_owner_is_never_locked(session, now, quick_hash):
    user = _register(session, now)
    t = now
    for i in range(120):  # two failures from each of sixty clients
        code, wait = _attempt(session, t, email=user.email, password="Mauvais-Mot-2026", client=f"10.0.{i // 2}.1")
        if code == "error.too_many_attempts":
            t += timedelta(seconds=wait)
    slowed = _attempt(session, t, email=user.email, password="Mauvais-Mot-2026", client="10.9.9.9")
    assert slowed[0] == "error.too_many_attempts" and 0 < slowed[1] <= 30
    assert t - now > timedelta(minutes=10)  # the botnet was slowed down
    # the owner waits at most the capped delay, then gets in: never a lock
    code, wait = _attempt(session, t, email=user.email, password=GOOD_FORM["password"], client=OWNER)
    assert code in ("ok", "error.too_many_attempts") and wait <= 30
    assert _attempt(
        session, t + timedelta(seconds=wait), email=user.email, password=GOOD_FORM["password"], client=OWNER
    ) == ("ok", 0)


def test_throttle_rows_store_no_e_mail_and_no_address(session, now):
    from mes_app.db.models import LoginFailure

    _attempt(session, now, email="alice.durand@example.org", password="Mauvais-Mot-2026", client=ATTACKER)
    rows = committed_rows(session, LoginFailure)
    assert {r.scope for r in rows} == {"pair", "client", "account"}
    for row in rows:
        assert "alice" not in row.key_hash and ATTACKER not in row.key_hash and len(row.key_hash) == 64
