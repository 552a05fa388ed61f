"""The small-count rule, shares and periods of the anonymous statistics (issue 15 item 1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mes_app.domain import statistics as st


def test_nine_is_hidden_ten_is_shown():
    assert st.suppress(9) is None and st.suppress(0) is None
    assert st.suppress(10) == 10 and st.suppress(65) == 65
    assert st.shown_text(9) == "< 10" and st.shown_text(None) == "< 10" and st.shown_text(10) == "10"


def test_a_share_over_a_hidden_count_is_hidden():
    assert st.share(12, 100) == 12.0
    assert st.share(9, 100) is None  # the part is small: hidden
    assert st.share(9, 9) is None  # the whole is small: hidden
    assert st.share(None, 100) is None and st.share(10, None) is None
    assert st.share(10, 0) is None
    assert st.share(23, 200) == 11.5


def test_csv_rows_suppress_counts_and_shares():
    rows = st.csv_rows([("accounts_created", "now", 12), ("children", "2026-W48", 3)],
                       [("engaged_share", "now", st.share(9, 12))])
    assert rows == [["metric", "period", "value"], ["accounts_created", "now", "12"],
                    ["children", "2026-W48", "< 10"], ["engaged_share", "now", "< 10"]]


def test_iso_weeks_start_on_monday_paris_time_and_cross_the_year():
    now = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)  # a Friday, ISO week 1 of 2026
    weeks = st.periods("week", 3, now)
    assert [w.label for w in weeks] == ["2025-W51", "2025-W52", "2026-W01"]
    assert weeks[-1].start == datetime(2025, 12, 29, 0, 0, tzinfo=st.PARIS)
    assert weeks[-1].end == datetime(2026, 1, 5, 0, 0, tzinfo=st.PARIS)
    assert all(a.end == b.start for a, b in zip(weeks, weeks[1:], strict=False))


def test_months_are_calendar_months_oldest_first():
    months = st.periods("month", 12, datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    assert months[0].label == "2025-12" and months[-1].label == "2026-11"
    assert months[1].start == datetime(2026, 1, 1, tzinfo=st.PARIS)
    assert months[1].end == datetime(2026, 2, 1, tzinfo=st.PARIS)


def test_buckets_follow_europe_paris_not_utc():
    late = datetime(2026, 5, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 June in Paris (summer time)
    assert st.period_of("month", late).label == "2026-06"
    assert st.period_of("week", late).label == "2026-W23"  # Monday 1 June in Paris, Sunday in UTC
    before = datetime(2026, 5, 31, 21, 59, tzinfo=UTC)  # 23:59 on 31 May in Paris
    assert st.period_of("month", before).label == "2026-05"
    winter = st.period_of("month", datetime(2026, 1, 15, tzinfo=UTC))
    assert winter.start.astimezone(UTC) == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(("kind", "count"), [("day", 3), ("week", 0), ("month", 61)])
def test_bad_periods_are_refused(kind, count):
    with pytest.raises(ValueError):
        st.periods(kind, count, datetime(2026, 11, 28, tzinfo=UTC))


def test_engaged_means_the_last_thirty_days():
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert st.engaged_since(now) == now - timedelta(days=30)
