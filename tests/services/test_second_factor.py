"""Two-step sign-in and one's own sessions, through the services (issue 15, item 3)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from mes_app.db.models import AuthSession, RecoveryCode, User
from mes_app.domain import second_factor as rules
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import accounts, second_factor
from mes_app.services.accounts import LoginRefused
from tests.factories import PASSWORD, PROFESSIONAL_TOTP_SECRET, make_owner, make_professional

HOUR = timedelta(hours=1)
MIN = timedelta(minutes=1)


def enrol(session, user_id, now):  # noqa: ANN001, ANN201
    enrolment = second_factor.start_enrolment(session, user_id, now=now)
    codes = second_factor.confirm_enrolment(session, user_id, pyotp.TOTP(enrolment.secret).at(now), now=now)
    return enrolment.secret, codes


def test_enrolment_is_off_until_a_first_code_confirms_it(session, now):
    alice = make_owner(session)
    enrolment = second_factor.start_enrolment(session, alice.id, now=now)
    assert enrolment.qr_svg_data_uri.startswith("data:image/svg+xml")
    assert enrolment.uri.startswith("otpauth://totp/")
    assert not second_factor.status(session, alice.id).on
    with pytest.raises(ValidationError):
        second_factor.confirm_enrolment(session, alice.id, "000000", now=now)
    assert not second_factor.status(session, alice.id).on
    codes = second_factor.confirm_enrolment(session, alice.id, pyotp.TOTP(enrolment.secret).at(now), now=now)
    status = second_factor.status(session, alice.id)
    assert status.on and status.recovery_codes_left == len(codes) == 10


def test_secrets_and_recovery_codes_are_not_stored_in_clear(session, now):
    alice = make_owner(session)
    secret, codes = enrol(session, alice.id, now)
    stored = session.get(User, alice.id).second_factor_secret
    assert stored and secret not in stored
    hashes = {row.code_hash for row in session.exec(sa.select(RecoveryCode)).scalars()}
    assert not any(code.replace("-", "") in h or code in h for code in codes for h in hashes)


def login(session, user, code, now, client="1.2.3.4"):  # noqa: ANN001, ANN201
    pending = second_factor.begin_login(session, user, now=now)
    return second_factor.finish_login(session, pending, code, now=now, client=client)


def test_log_in_with_a_totp_code_then_the_same_code_is_refused(session, now):
    dr = make_professional(session)
    code = pyotp.TOTP(PROFESSIONAL_TOTP_SECRET).at(now)
    assert login(session, dr.user, code, now).id == dr.id
    with pytest.raises(LoginRefused) as refused:
        login(session, dr.user, code, now + timedelta(seconds=10))
    assert refused.value.code == second_factor.WRONG_CODE


def test_a_recovery_code_works_once(session, now):
    alice = make_owner(session)
    _, codes = enrol(session, alice.id, now)
    user = session.get(User, alice.id)
    assert login(session, user, codes[3].upper(), now).id == alice.id
    with pytest.raises(LoginRefused):
        login(session, user, codes[3], now + MIN)
    assert second_factor.status(session, alice.id).recovery_codes_left == 9


def test_a_pending_step_is_single_use_expires_and_is_bound_to_its_user(session, now):
    dr = make_professional(session)
    totp = pyotp.TOTP(PROFESSIONAL_TOTP_SECRET)
    pending = second_factor.begin_login(session, dr.user, now=now)
    assert second_factor.finish_login(session, pending, totp.at(now), now=now).id == dr.id
    later = now + MIN
    with pytest.raises(LoginRefused) as used:
        second_factor.finish_login(session, pending, totp.at(later), now=later)
    assert used.value.code == "error.second_factor_expired"
    old = second_factor.begin_login(session, dr.user, now=now)
    too_late = now + rules.PENDING_LIFETIME
    with pytest.raises(LoginRefused) as expired:
        second_factor.finish_login(session, old, totp.at(too_late), now=too_late)
    assert expired.value.code == "error.second_factor_expired"
    for forged in (None, "", "x" * 300, "not-a-token"):
        with pytest.raises(LoginRefused):
            second_factor.finish_login(session, forged, totp.at(now), now=now)


def test_wrong_codes_are_throttled_like_passwords(session, now):
    dr = make_professional(session)
    pending = second_factor.begin_login(session, dr.user, now=now)
    codes = []
    for i in range(3):  # the free failures of the log-in throttle
        with pytest.raises(LoginRefused) as wrong:
            second_factor.finish_login(session, pending, "000000", now=now + i * timedelta(milliseconds=10))
        codes.append(wrong.value.code)
    assert codes == [second_factor.WRONG_CODE] * 3
    with pytest.raises(LoginRefused) as slowed:  # the next one must wait
        second_factor.finish_login(session, pending, pyotp.TOTP(PROFESSIONAL_TOTP_SECRET).at(now), now=now)
    assert slowed.value.code == "error.too_many_attempts"
    # and the password log-in of the same client and address waits too: same counters
    with pytest.raises(LoginRefused) as password:
        accounts.authenticate(session, email=dr.email, password=PASSWORD, now=now, client="")
    assert password.value.code == "error.too_many_attempts"


def test_a_pending_step_dies_after_a_few_wrong_codes(session, now):
    dr = make_professional(session)
    pending = second_factor.begin_login(session, dr.user, now=now)
    moment = now
    last = ""
    for _ in range(rules.PENDING_MAX_ATTEMPTS):
        moment += 2 * MIN  # past any throttle wait
        with pytest.raises(LoginRefused) as wrong:
            second_factor.finish_login(session, pending, "000000", now=moment, client=f"c{moment}")
        last = wrong.value.code
    assert last == "error.second_factor_expired"
    moment += 2 * MIN
    with pytest.raises(LoginRefused):
        second_factor.finish_login(session, pending, pyotp.TOTP(PROFESSIONAL_TOTP_SECRET).at(moment), now=moment)


def test_turning_off_needs_the_password_and_a_code(session, now):
    alice = make_owner(session)
    secret, codes = enrol(session, alice.id, now)
    later = now + MIN
    with pytest.raises(ValidationError):
        second_factor.disable(session, alice.id, password="wrong", code=pyotp.TOTP(secret).at(later), now=later)
    with pytest.raises(ValidationError):
        second_factor.disable(session, alice.id, password=PASSWORD, code="000000", now=later)
    assert second_factor.status(session, alice.id).on
    second_factor.disable(session, alice.id, password=PASSWORD, code=codes[0], now=later)
    status = second_factor.status(session, alice.id)
    assert not status.on and status.recovery_codes_left == 0
    assert session.get(User, alice.id).second_factor_secret is None


def test_a_professional_cannot_turn_it_off(session, now):
    dr = make_professional(session)
    with pytest.raises(ValidationError) as refused:
        second_factor.disable(session, dr.id, password=PASSWORD, code=pyotp.TOTP(PROFESSIONAL_TOTP_SECRET).at(now),
                              now=now)
    assert refused.value.code == second_factor.REQUIRED


def test_a_professional_without_second_factor_must_enrol(session, now):
    dr = make_professional(session, second_factor=False)
    secret = accounts.open_session(session, dr.user, now=now, lifetime=HOUR)
    assert accounts.resolve_session(session, secret, now=now).must_enrol
    patient = make_owner(session)
    assert not accounts.resolve_session(
        session, accounts.open_session(session, patient.user, now=now, lifetime=HOUR), now=now).must_enrol
    enrol(session, dr.id, now)
    assert not accounts.resolve_session(session, secret, now=now + MIN).must_enrol


def test_the_requirement_follows_the_setting(session, now, monkeypatch):
    monkeypatch.setattr(accounts, "settings", dataclasses.replace(accounts.settings, second_factor_required=False))
    dr = make_professional(session, second_factor=False)
    secret = accounts.open_session(session, dr.user, now=now, lifetime=HOUR)
    assert not accounts.resolve_session(session, secret, now=now).must_enrol


def test_a_session_unused_for_the_idle_limit_ends_and_is_revoked(session, now):
    alice = make_owner(session)
    secret = accounts.open_session(session, alice.user, now=now, lifetime=12 * HOUR)
    idle = accounts.idle_limit()
    assert accounts.resolve_session(session, secret, now=now + idle - MIN) is not None  # used: touched
    assert accounts.resolve_session(session, secret, now=now + 2 * idle - 2 * MIN) is not None
    assert accounts.resolve_session(session, secret, now=now + 3 * idle) is None
    row = session.exec(sa.select(AuthSession)).scalars().one()
    session.refresh(row)
    assert row.revoked_at is not None
    assert accounts.resolve_session(session, secret, now=now + 3 * idle + MIN) is None


def test_last_use_is_written_at_most_once_a_minute(session, engine, now):
    alice = make_owner(session)
    secret = accounts.open_session(session, alice.user, now=now, lifetime=HOUR)
    updates: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("UPDATE"):
            updates.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        for second in range(0, 60, 2):  # thirty events within the first minute
            assert accounts.resolve_session(session, secret, now=now + timedelta(seconds=second)) is not None
        assert updates == []
        accounts.resolve_session(session, secret, now=now + MIN)
        accounts.resolve_session(session, secret, now=now + MIN + timedelta(seconds=1))
        assert len(updates) == 1
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_sessions_list_and_ending_one_of_ones_own(session, now):
    alice = make_owner(session)
    bob = make_owner(session, "Bob Martin")
    phone_ua = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari"
    accounts.open_session(session, alice.user, now=now, lifetime=HOUR, user_agent=phone_ua)
    laptop = accounts.open_session(session, alice.user, now=now + MIN, lifetime=HOUR,
                                   user_agent="Firefox/133.0 (X11; Linux)")
    current = accounts.resolve_session(session, laptop, now=now + MIN)
    bobs = accounts.resolve_session(session, accounts.open_session(session, bob.user, now=now, lifetime=HOUR), now=now)
    views = second_factor.list_sessions(session, alice.id, current.session_id, now=now + MIN)
    assert [(v.browser, v.system, v.current) for v in views] == [
        ("Firefox", "Linux", True), ("Chrome", "Android", False)]
    with pytest.raises(NotFound):  # someone else's session: not found
        second_factor.end_session(session, alice.id, bobs.session_id, now=now + MIN)
    for junk in (None, "x", True, 1.5):
        with pytest.raises(NotFound):
            second_factor.end_session(session, alice.id, junk, now=now + MIN)
    second_factor.end_session(session, alice.id, str(views[1].id), now=now + MIN)
    assert [v.id for v in second_factor.list_sessions(session, alice.id, current.session_id, now=now + MIN)] == [
        current.session_id]


def test_guessing_the_password_to_turn_it_off_is_throttled(session, now):
    alice = make_owner(session)
    _, codes = enrol(session, alice.id, now)
    for i in range(3):
        with pytest.raises(ValidationError):
            second_factor.disable(session, alice.id, password=f"guess-{i}", code=codes[0], now=now, client="x")
    with pytest.raises(ValidationError) as slowed:  # even with the right password, wait now
        second_factor.disable(session, alice.id, password=PASSWORD, code=codes[0], now=now, client="x")
    assert slowed.value.code == "error.too_many_attempts"
    assert second_factor.status(session, alice.id).on
