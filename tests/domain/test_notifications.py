"""The rules of e-mail notifications: kinds, defaults, the weekly digest time, keys, retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mes_app.domain import notifications as n
from mes_app.domain.errors import ValidationError


def test_every_kind_is_on_and_immediate_by_default():
    assert {k.value for k in n.KINDS} == {"document", "message", "first_access", "emergency", "appointment",
                                          "vaccination"}
    for kind in n.KINDS:
        assert n.default_preference(kind) == n.Preference(kind, True, n.Cadence.IMMEDIATE)


@pytest.mark.parametrize("bad", ["", "documents", "DOCUMENT", None, 3, ["document"]])
def test_an_unknown_kind_is_refused(bad):
    with pytest.raises(ValidationError):
        n.parse_kind(bad)


@pytest.mark.parametrize("bad", ["", "daily", "Weekly", None, True])
def test_an_unknown_cadence_is_refused(bad):
    with pytest.raises(ValidationError):
        n.parse_cadence(bad)


def test_enabled_must_be_a_real_boolean():
    assert n.parse_enabled(False) is False
    for bad in ("false", 0, None):
        with pytest.raises(ValidationError):
            n.parse_enabled(bad)


def test_the_next_digest_is_the_coming_monday_at_8_in_paris():
    thursday = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    assert n.next_digest(thursday) == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # 08:00 CET


def test_on_monday_before_8_the_digest_is_the_same_morning_and_after_8_the_next_week():
    assert n.next_digest(datetime(2026, 12, 7, 6, 59, tzinfo=UTC)) == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert n.next_digest(datetime(2026, 12, 7, 7, 0, tzinfo=UTC)) == datetime(2026, 12, 14, 7, 0, tzinfo=UTC)


def test_the_digest_stays_at_8_local_in_summer_time():
    saturday = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # the clocks change on Sunday 29 March
    assert n.next_digest(saturday) == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # 08:00 CEST


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        n.next_digest(datetime(2026, 12, 3, 16, 0))


def test_keys_hold_ids_only_and_differ_per_recipient():
    event = n.event_key(42)
    assert n.dedupe_key(n.Kind.DOCUMENT, event, 7) == "document:42:u7"
    assert n.dedupe_key(n.Kind.DOCUMENT, event, 7) != n.dedupe_key(n.Kind.DOCUMENT, event, 8)
    assert n.dedupe_key(n.Kind.DOCUMENT, event, 7) != n.dedupe_key(n.Kind.MESSAGE, event, 7)
    at = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert n.digest_key(7, at) == "weekly:7:20261207T0700"
    assert n.digest_key(7, at) != n.digest_key(8, at)


def test_retries_back_off_up_to_a_ceiling_and_give_up_after_the_last_attempt():
    assert n.backoff(1) == timedelta(minutes=1)
    assert n.backoff(2) == timedelta(minutes=2)
    assert n.backoff(4) == timedelta(minutes=8)
    assert n.backoff(30) == timedelta(hours=6)
    assert not n.gives_up(n.MAX_ATTEMPTS - 1)
    assert n.gives_up(n.MAX_ATTEMPTS)
