"""When may an account try to log in again? Pure rules, time passed in.

- the first failures cost nothing (typos happen);
- from ``FREE_FAILURES`` on, each new attempt must wait 1, 2, 4 … seconds (capped) after the
  last failure — a password-guessing script slows to a crawl;
- at ``LOCK_AFTER_FAILURES`` the account is locked for ``LOCK_DURATION``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_FAILURES = 3
LOCK_AFTER_FAILURES = 10
MAX_DELAY_SECONDS = 60
LOCK_DURATION = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginGate:
    allowed: bool
    retry_after_seconds: int = 0
    locked: bool = False


def required_delay(failed_count: int) -> int:
    """Seconds an attempt must wait after the last failure, given the failures so far."""
    if failed_count < FREE_FAILURES:
        return 0
    return min(2 ** (failed_count - FREE_FAILURES), MAX_DELAY_SECONDS)


def login_gate(
    failed_count: int,
    last_failed_at: datetime | None,
    locked_until: datetime | None,
    now: datetime,
) -> LoginGate:
    if locked_until is not None and now < locked_until:
        return LoginGate(False, _ceil_seconds(locked_until - now), locked=True)
    delay = required_delay(failed_count)
    if delay and last_failed_at is not None:
        ready_at = last_failed_at + timedelta(seconds=delay)
        if now < ready_at:
            return LoginGate(False, _ceil_seconds(ready_at - now))
    return LoginGate(True)


@dataclass(frozen=True)
class FailureOutcome:
    failed_count: int
    locked_until: datetime | None


def after_failure(failed_count: int, now: datetime) -> FailureOutcome:
    """The counters after one more wrong password."""
    count = failed_count + 1
    if count >= LOCK_AFTER_FAILURES:
        return FailureOutcome(0, now + LOCK_DURATION)
    return FailureOutcome(count, None)


def _ceil_seconds(delta: timedelta) -> int:
    seconds = delta.total_seconds()
    return max(1, int(seconds) + (0 if seconds == int(seconds) else 1))
