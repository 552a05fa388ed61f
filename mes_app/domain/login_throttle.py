"""When may a log-in attempt go ahead? Pure rules, time passed in.

Failures are counted under three keys, all derived from what the request *says* (the client's
address and the e-mail typed), never from whether the account exists — so an unknown e-mail is
throttled exactly like a real one and the answers cannot tell them apart:

- **pair** (this client, this e-mail): the first failures cost nothing (typos happen); from
  ``FREE_FAILURES`` on each new attempt waits 1, 2, 4 … seconds (capped) after the last failure;
  at ``LOCK_AFTER_FAILURES`` this client is locked out of this e-mail for ``LOCK_DURATION``.
  Only the client that failed is locked: the owner logging in from elsewhere is not.
- **client** (this client, every e-mail): a budget of ``CLIENT_POLICY.free`` failures, then an
  exponential wait — spraying one password over many accounts slows to a crawl.
- **account** (this e-mail, every client): a much higher ceiling that only *slows* (capped wait,
  never a lock), so a botnet spreading guesses over many addresses is slowed too, while the owner
  is at worst asked to wait a few seconds.

Counters are forgotten after a quiet period (``forget_after``); a success clears the pair and the
account counters, not the client's (else an attacker would log into their own account between two
rounds of spraying).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_FAILURES = 3
LOCK_AFTER_FAILURES = 10
MAX_DELAY_SECONDS = 60
LOCK_DURATION = timedelta(minutes=15)


@dataclass(frozen=True)
class ThrottlePolicy:
    free: int  # failures that cost nothing
    max_delay_seconds: int  # cap of the exponential wait
    lock_after: int | None  # failures that lock (None: never locks, only slows)
    lock_duration: timedelta
    forget_after: timedelta  # a counter untouched this long starts again from zero


PAIR_POLICY = ThrottlePolicy(FREE_FAILURES, MAX_DELAY_SECONDS, LOCK_AFTER_FAILURES, LOCK_DURATION, timedelta(hours=1))
CLIENT_POLICY = ThrottlePolicy(30, 300, None, LOCK_DURATION, timedelta(hours=1))
ACCOUNT_POLICY = ThrottlePolicy(50, 30, None, LOCK_DURATION, timedelta(hours=1))

SCOPES = ("pair", "client", "account")
POLICIES = {"pair": PAIR_POLICY, "client": CLIENT_POLICY, "account": ACCOUNT_POLICY}
# Which counters a success clears.
RESET_ON_SUCCESS = ("pair", "account")


@dataclass(frozen=True)
class Counter:
    """The failures stored under one key."""

    failed_count: int = 0
    last_failed_at: datetime | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class LoginGate:
    allowed: bool
    retry_after_seconds: int = 0
    locked: bool = False


def required_delay(failed_count: int, policy: ThrottlePolicy = PAIR_POLICY) -> int:
    """Seconds an attempt must wait after the last failure, given the failures so far."""
    if failed_count < policy.free:
        return 0
    return min(2 ** min(failed_count - policy.free, 30), policy.max_delay_seconds)


def _current(counter: Counter, policy: ThrottlePolicy, now: datetime) -> int:
    """The failure count still remembered at ``now``."""
    if counter.last_failed_at is not None and now - counter.last_failed_at >= policy.forget_after:
        return 0
    return counter.failed_count


def gate(counter: Counter, policy: ThrottlePolicy, now: datetime) -> LoginGate:
    if counter.locked_until is not None and now < counter.locked_until:
        return LoginGate(False, _ceil_seconds(counter.locked_until - now), locked=True)
    delay = required_delay(_current(counter, policy, now), policy)
    if delay and counter.last_failed_at is not None:
        ready_at = counter.last_failed_at + timedelta(seconds=delay)
        if now < ready_at:
            return LoginGate(False, _ceil_seconds(ready_at - now))
    return LoginGate(True)


def login_gate(
    failed_count: int,
    last_failed_at: datetime | None,
    locked_until: datetime | None,
    now: datetime,
) -> LoginGate:
    """The pair rule alone (one client, one e-mail)."""
    return gate(Counter(failed_count, last_failed_at, locked_until), PAIR_POLICY, now)


def combined_gate(counters: dict[str, Counter], now: datetime) -> LoginGate:
    """The strictest of the three gates: a lock wins, else the longest wait."""
    gates = [gate(counters.get(scope, Counter()), POLICIES[scope], now) for scope in SCOPES]
    refused = [g for g in gates if not g.allowed]
    if not refused:
        return LoginGate(True)
    return LoginGate(False, max(g.retry_after_seconds for g in refused), locked=any(g.locked for g in refused))


@dataclass(frozen=True)
class FailureOutcome:
    failed_count: int
    locked_until: datetime | None


def after_failure(failed_count: int, now: datetime, policy: ThrottlePolicy = PAIR_POLICY) -> FailureOutcome:
    """The counters after one more wrong password."""
    count = failed_count + 1
    if policy.lock_after is not None and count >= policy.lock_after:
        return FailureOutcome(0, now + policy.lock_duration)
    return FailureOutcome(count, None)


def record_failure(counter: Counter, policy: ThrottlePolicy, now: datetime) -> Counter:
    """The counter after one more failure (forgotten failures are not counted again)."""
    outcome = after_failure(_current(counter, policy, now), now, policy)
    return Counter(outcome.failed_count, now, outcome.locked_until)


def expires_at(counter: Counter, policy: ThrottlePolicy) -> datetime | None:
    """When a stored counter no longer matters (may be deleted)."""
    moments = [m for m in (counter.locked_until,) if m is not None]
    if counter.last_failed_at is not None:
        moments.append(counter.last_failed_at + policy.forget_after)
    return max(moments) if moments else None


def _ceil_seconds(delta: timedelta) -> int:
    seconds = delta.total_seconds()
    return max(1, int(seconds) + (0 if seconds == int(seconds) else 1))
