"""Aggregate, anonymous statistics of the service (issue 15 item 1), as Mon Espace Santé
reports them ("65.7 million activated, 11.5 % actively engaged").

Pure: no database, time passed in. Small counts are never shown: a count under
:data:`SMALL_COUNT` becomes None ("< 10" on screen and in CSV), and a share over a hidden
count is hidden too, so no figure can single out a handful of people.

Periods are bucketed by **UTC date**: a row belongs to the ISO week (starting Monday) or the
calendar month of its UTC timestamp's date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

SMALL_COUNT = 10
HIDDEN = "< 10"
PERIODS = ("week", "month")
# How "actively engaged" is measured: the text key the page shows, and the window.
ENGAGED_DAYS = 30
ENGAGED_DEFINITION = "stats.engaged_definition"  # at least one session used in the last 30 days


def suppress(count: int | None) -> int | None:
    """``count``, or None when it is under :data:`SMALL_COUNT` (or already hidden)."""
    if count is None or count < SMALL_COUNT:
        return None
    return count


def share(part: int | None, whole: int | None) -> float | None:
    """``part / whole`` as a fraction, or None when either count is hidden (or small) or whole is 0."""
    part, whole = suppress(part), suppress(whole)
    if part is None or whole is None or whole == 0:
        return None
    return part / whole


def utc_date(moment: datetime) -> date:
    """The UTC date of a timestamp (naive timestamps, as SQLite returns them, are UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def period_start(day: date, period: str) -> date:
    """The first day of ``day``'s ISO week (Monday) or calendar month."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(period)


def last_periods(now: datetime, period: str, count: int = 12) -> list[date]:
    """The starts of the last ``count`` weeks or months up to ``now``'s (included), oldest first."""
    start = period_start(utc_date(now), period)
    starts = [start]
    for _ in range(count - 1):
        start = start - timedelta(days=7) if period == "week" else (start - timedelta(days=1)).replace(day=1)
        starts.append(start)
    return starts[::-1]


def bucket(dates: Iterable[tuple[date, int]], starts: Sequence[date], period: str) -> list[int]:
    """Raw counts per period: ``dates`` are (UTC date, count) pairs; dates outside are ignored."""
    index = {start: i for i, start in enumerate(starts)}
    totals = [0] * len(starts)
    for day, n in dates:
        i = index.get(period_start(day, period))
        if i is not None:
            totals[i] += n
    return totals


def cell(value: int | float | None) -> str:
    """A figure as the CSV and the command line write it: "< 10" when hidden, shares in %."""
    if value is None:
        return HIDDEN
    if isinstance(value, float):
        return f"{value * 100:.1f} %"
    return str(value)


Figure = tuple[str, int | float | None]
PeriodRow = tuple[str, date, int | None, int | None]


def csv_rows(figures: Sequence[Figure], series: Sequence[PeriodRow]) -> list[list[str]]:
    """CSV rows: a header, one row per snapshot figure (key, value), then one row per period
    (``series``: kind of period, start, accounts created, documents deposited)."""
    rows = [["figure", "value"]]
    rows += [[key, cell(value)] for key, value in figures]
    rows.append(["period", "start", "accounts_created", "documents_deposited"])
    rows += [[kind, start.isoformat(), cell(accounts), cell(docs)] for kind, start, accounts, docs in series]
    return rows

