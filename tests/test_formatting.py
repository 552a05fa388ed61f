"""What people read: dates, times, numbers and plurals in French and in (British) English."""

from datetime import UTC, date, datetime

import pytest

from mes_app import formatting, i18n


def test_a_day_in_each_language():
    assert formatting.day("2026-03-09", "fr") == "09/03/2026"
    assert formatting.day("2026-03-09", "en") == "9 Mar 2026"
    assert formatting.day(date(2026, 11, 28), "en") == "28 Nov 2026"


def test_a_timestamp_is_shown_on_the_day_it_is_in_paris():
    late_evening_utc = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 1 January in Paris
    assert formatting.day(late_evening_utc, "fr") == "01/01/2027"
    assert formatting.day("2026-12-31T23:30:00+00:00", "en") == "1 Jan 2027"


def test_times_follow_the_paris_clock_winter_and_summer():
    assert formatting.time(datetime(2026, 1, 15, 12, 0, tzinfo=UTC), "fr") == "13:00"
    assert formatting.time(datetime(2026, 7, 15, 12, 0, tzinfo=UTC), "en") == "14:00"
    assert formatting.day_and_time("2026-11-28T12:00:00+00:00", "fr") == "28/11/2026 13:00"


def test_a_naive_timestamp_from_the_database_is_utc():
    assert formatting.time(datetime(2026, 1, 15, 12, 0), "fr") == "13:00"


def test_two_moments_in_the_same_local_minute():
    assert formatting.local_minute("2026-01-15T12:00:10+00:00") == formatting.local_minute(
        "2026-01-15T13:00:50+01:00")


@pytest.mark.parametrize("value", ["", None, "not a date", "2026-13-45", 42, ["2026-01-01"]])
def test_nothing_readable_shows_nothing(value):
    assert formatting.day(value, "fr") == ""
    assert formatting.time(value, "en") == ""
    assert formatting.day_and_time(value, "fr") == ""


def test_numbers_follow_each_language():
    assert formatting.number(72.5, "fr") == "72,5"
    assert formatting.number(72.5, "en") == "72.5"
    assert formatting.number(12345.678, "fr", 2).replace("\u202f", " ") == "12 345,68"
    assert formatting.number(12345.678, "en", 2) == "12,345.68"
    assert formatting.number(72.0, "fr", 1) == "72"
    assert formatting.number(-0.01, "en", 1) == "0"


def test_plural_rules_are_cldr_s():
    assert [formatting.plural_category(n, "fr") for n in (0, 1, 1.5, 2)] == ["one", "one", "one", "other"]
    assert [formatting.plural_category(n, "en") for n in (0, 1, 1.5, 2)] == ["other", "one", "other", "other"]
    assert formatting.plural_category("many", "fr") == "other"


def test_texts_take_the_plural_form_the_count_asks_for():
    assert i18n.plural_form("document|documents", 0, "fr") == "document"
    assert i18n.plural_form("document|documents", 0, "en") == "documents"
    assert i18n.plural_form("document|documents", 1, "en") == "document"
