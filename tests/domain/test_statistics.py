"""Small counts never shown; periods by UTC date, weeks starting Monday."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from mes_app.domain import statistics as st


def test_nine_is_hidden_ten_is_shown() -> None:
    assert st.suppress(9) is None
    assert st.suppress(0) is None
    assert st.suppress(10) == 10
    assert st.suppress(None) is None


def test_a_share_over_a_hidden_count_is_hidden() -> None:
    assert st.share(9, 100) is None
    assert st.share(10, 9) is None
    assert st.share(10, 40) == 0.25
    assert st.share(None, 40) is None


def test_week_starts_on_monday() -> None:
    # Thursday 3 December 2026 -> Monday 30 November
    assert st.period_start(date(2026, 12, 3), "week") == date(2026, 11, 30)
    assert st.period_start(date(2026, 11, 30), "week") == date(2026, 11, 30)
    assert st.period_start(date(2026, 11, 29), "week") == date(2026, 11, 23)


def test_month_boundaries_and_utc_date() -> None:
    # 23:30 in Paris on 31 Oct is still 31 Oct UTC; 00:30 on 1 Nov in Paris is 31 Oct 23:30 UTC
    paris = timezone(timedelta(hours=1))
    assert st.utc_date(datetime(2026, 11, 1, 0, 30, tzinfo=paris)) == date(2026, 10, 31)
    assert st.period_start(date(2026, 10, 31), "month") == date(2026, 10, 1)
    starts = st.last_periods(datetime(2026, 3, 1, 0, 0, tzinfo=UTC), "month", 3)
    assert starts == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


def test_year_boundary() -> None:
    months = st.last_periods(datetime(2026, 1, 15, tzinfo=UTC), "month", 12)
    assert months[0] == date(2025, 2, 1) and months[-1] == date(2026, 1, 1) and len(months) == 12
    weeks = st.last_periods(datetime(2026, 1, 1, tzinfo=UTC), "week", 2)
    assert weeks == [date(2025, 12, 22), date(2025, 12, 29)]  # ISO week 1 of 2026 starts in 2025


def test_bucket_and_csv_rows() -> None:
    starts = st.last_periods(datetime(2026, 12, 3, tzinfo=UTC), "week", 2)
    counts = st.bucket([(date(2026, 11, 24), 4), (date(2026, 11, 29), 8), (date(2026, 12, 1), 11),
                        (date(2026, 1, 1), 99)], starts, "week")
    assert counts == [12, 11]
    rows = st.csv_rows([("accounts_created", 12), ("children", None), ("engaged_share", 0.25)],
                       [("week", starts[0], 12, None)])
    assert ["children", "< 10"] in rows and ["engaged_share", "25.0 %"] in rows
    assert rows[-1] == ["week", "2026-11-23", "12", "< 10"]
