from datetime import datetime, timedelta, timezone

from mes_app.domain.login_throttle import (
    LOCK_AFTER_FAILURES,
    LOCK_DURATION,
    after_failure,
    login_gate,
    required_delay,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def test_first_failures_do_not_slow_the_user_down():
    assert login_gate(2, NOW, None, NOW).allowed


def test_from_the_third_failure_each_attempt_waits_longer():
    assert [required_delay(n) for n in range(3, 8)] == [1, 2, 4, 8, 16]
    gate = login_gate(5, NOW, None, NOW + timedelta(seconds=1))
    assert not gate.allowed and gate.retry_after_seconds == 3
    assert login_gate(5, NOW, None, NOW + timedelta(seconds=4)).allowed


def test_the_delay_is_capped():
    assert required_delay(50) == 60


def test_tenth_failure_locks_the_account_for_a_while():
    outcome = after_failure(LOCK_AFTER_FAILURES - 1, NOW)
    assert outcome.locked_until == NOW + LOCK_DURATION
    gate = login_gate(outcome.failed_count, NOW, outcome.locked_until, NOW + timedelta(minutes=14))
    assert gate.locked and not gate.allowed and gate.retry_after_seconds == 60
    assert login_gate(outcome.failed_count, NOW, outcome.locked_until, NOW + LOCK_DURATION).allowed


def test_a_failure_below_the_limit_only_counts():
    assert after_failure(3, NOW).failed_count == 4
    assert after_failure(3, NOW).locked_until is None
