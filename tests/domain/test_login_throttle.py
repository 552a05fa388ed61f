from datetime import UTC, datetime, timedelta

from mes_app.domain.login_throttle import (
    LOCK_AFTER_FAILURES,
    LOCK_DURATION,
    after_failure,
    login_gate,
    required_delay,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


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


# --------------------------------------------------------------------------- three keys

from mes_app.domain.login_throttle import (  # noqa: E402
    ACCOUNT_POLICY,
    CLIENT_POLICY,
    PAIR_POLICY,
    Counter,
    combined_gate,
    record_failure,
)


def _fail(counters: dict[str, Counter], scopes: tuple[str, ...], now: datetime) -> dict[str, Counter]:
    policies = {"pair": PAIR_POLICY, "client": CLIENT_POLICY, "account": ACCOUNT_POLICY}
    return {**counters, **{s: record_failure(counters.get(s, Counter()), policies[s], now) for s in scopes}}


def test_an_attackers_failures_lock_only_the_attackers_pair_not_the_owner():
    """Ten wrong passwords from the attacker lock the attacker out; the owner, on another client,
    shares only the account counter, which is far from its ceiling and never locks."""
    attacker_pair, attacker_client, account = Counter(), Counter(), Counter()
    t = NOW
    for _ in range(LOCK_AFTER_FAILURES):
        t += timedelta(seconds=required_delay(attacker_pair.failed_count))
        attacker_pair = record_failure(attacker_pair, PAIR_POLICY, t)
        attacker_client = record_failure(attacker_client, CLIENT_POLICY, t)
        account = record_failure(account, ACCOUNT_POLICY, t)
    attacker = combined_gate({"pair": attacker_pair, "client": attacker_client, "account": account}, t)
    assert not attacker.allowed and attacker.locked
    owner = combined_gate({"pair": Counter(), "client": Counter(), "account": account}, t)
    assert owner.allowed


def test_the_account_ceiling_only_slows_it_never_locks_and_the_wait_is_short():
    account = Counter()
    t = NOW
    for _ in range(1000):  # a botnet: one failure each from a thousand clients, as fast as allowed
        gate = combined_gate({"account": account}, t)
        t += timedelta(seconds=gate.retry_after_seconds)
        account = record_failure(account, ACCOUNT_POLICY, t)
    owner = combined_gate({"pair": Counter(), "client": Counter(), "account": account}, t)
    assert not owner.locked
    assert owner.retry_after_seconds <= ACCOUNT_POLICY.max_delay_seconds
    assert account.locked_until is None
    # ... and the guesses were slowed: a thousand of them took hours, not seconds
    assert t - NOW > timedelta(hours=5)


def test_spraying_one_password_over_many_accounts_is_slowed_per_client():
    client = Counter()
    t = NOW
    for _ in range(CLIENT_POLICY.free):
        assert combined_gate({"client": client}, t).allowed  # a fresh e-mail each time: pair and account are new
        client = record_failure(client, CLIENT_POLICY, t)
    gate = combined_gate({"pair": Counter(), "client": client, "account": Counter()}, t)
    assert not gate.allowed and not gate.locked and gate.retry_after_seconds >= 1
    # the waits keep growing up to the cap: from then on at most a dozen guesses an hour
    for _ in range(12):
        t += timedelta(seconds=combined_gate({"client": client}, t).retry_after_seconds)
        client = record_failure(client, CLIENT_POLICY, t)
    assert combined_gate({"client": client}, t).retry_after_seconds == CLIENT_POLICY.max_delay_seconds


def test_counters_are_forgotten_after_a_quiet_hour():
    pair = Counter()
    for _ in range(5):
        pair = record_failure(pair, PAIR_POLICY, NOW)
    assert not combined_gate({"pair": pair}, NOW).allowed
    later = NOW + PAIR_POLICY.forget_after
    assert combined_gate({"pair": pair}, later).allowed
    assert record_failure(pair, PAIR_POLICY, later).failed_count == 1

