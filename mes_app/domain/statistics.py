"""Anonymous statistics of the service (issue 15 item 1): periods, the small-count rule, shares.

Pure: no database, the time is passed in. Rules:

- **Small counts are never shown**: a count under :data:`THRESHOLD` (10) is suppressed
  (``None``, shown as ``"< 10"``), so that no one can be singled out — on the page, in the CSV,
  and in any share computed from it (a share over a suppressed count is suppressed too).
- **Periods are local to Europe/Paris**: a week is an ISO week (Monday 00:00 to Monday 00:00,
  Paris time), a month a calendar month in Paris time. Their bounds are turned into UTC instants
  the database compares timestamps with, so the same query works on SQLite and PostgreSQL
  (no dialect-specific date truncation) and a sign-up at 23:30 UTC on Sunday 31 May counts in
  Paris's June / next week, as a French user would see it.
- **Engaged**: an account with at least one action in the last :data:`ENGAGED_DAYS` days — a
  session opened or used (``AuthSession.created_at`` / ``last_seen_at``) or an access to a record
  recorded in its name (``AccessEvent.actor_user_id``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

THRESHOLD = 10
HIDDEN = "< 10"
ENGAGED_DAYS = 30
PARIS = ZoneInfo("Europe/Paris")
PERIOD_KINDS: tuple[str, ...] = ("week", "month")
MAX_PERIODS = 60

PeriodKind = Literal["week", "month"]


@dataclass(frozen=True)
class Period:
    """One week or month: ``[start, end)`` as aware datetimes (Paris time), and its label."""

    start: datetime
    end: datetime
    label: str  # "2026-W48" or "2026-11"


def suppress(count: int) -> int | None:
    """The count, or None when it is under the threshold (it must not be shown)."""
    return count if count >= THRESHOLD else None


def share(part: int | None, whole: int | None) -> float | None:
    """``part / whole`` as a percentage (one decimal), or None when either count is suppressed
    (already None, or under the threshold) or ``whole`` is zero."""
    part, whole = _shown(part), _shown(whole)
    if part is None or whole is None or whole == 0:
        return None
    return round(100.0 * part / whole, 1)


def _shown(count: int | None) -> int | None:
    return None if count is None else suppress(count)


def shown_text(count: int | None) -> str:
    """How a count reads once suppressed: the number, or ``"< 10"``."""
    value = _shown(count)
    return HIDDEN if value is None else str(value)


def share_text(value: float | None) -> str:
    """A share as text for the CSV: ``"11.5"``, or ``"< 10"`` when it is suppressed."""
    return HIDDEN if value is None else f"{value:.1f}"


def engaged_since(now: datetime) -> datetime:
    """The instant after which an action makes an account engaged."""
    return now - timedelta(days=ENGAGED_DAYS)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=PARIS)


def _week(day: date) -> Period:
    monday = day - timedelta(days=day.isoweekday() - 1)
    year, week, _ = monday.isocalendar()
    return Period(_local_midnight(monday), _local_midnight(monday + timedelta(days=7)), f"{year}-W{week:02d}")


def _month(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(_local_midnight(first), _local_midnight(following), f"{first.year}-{first.month:02d}")


def period_of(kind: str, moment: datetime) -> Period:
    """The week or month (Paris time) an aware instant falls in."""
    day = moment.astimezone(PARIS).date()
    return _week(day) if kind == "week" else _month(day)


def periods(kind: str, count: int, now: datetime) -> list[Period]:
    """The last ``count`` weeks or months, oldest first, the current (unfinished) one last."""
    if kind not in PERIOD_KINDS:
        raise ValueError("unknown period")
    if not 1 <= count <= MAX_PERIODS:
        raise ValueError("period count out of range")
    current = period_of(kind, now)
    found = [current]
    while len(found) < count:
        before = found[-1].start.date() - timedelta(days=1)
        found.append(_week(before) if kind == "week" else _month(before))
    return list(reversed(found))


def csv_rows(
    figures: Iterable[tuple[str, str, int | None]], shares: Sequence[tuple[str, str, float | None]] = ()
) -> list[list[str]]:
    """The CSV rows (header first): ``metric, period, value``, every count suppressed by the
    rule and every share over a suppressed count shown as ``"< 10"``. ``period`` is ``"now"``
    for the snapshot."""
    rows = [["metric", "period", "value"]]
    rows += [[metric, period, shown_text(count)] for metric, period, count in figures]
    rows += [[metric, period, share_text(value)] for metric, period, value in shares]
    return rows
