"""Which day is it for the patient? Dates typed and shown are French calendar days.

Timestamps are stored in UTC; a date is compared and displayed in the patient's time zone
(Europe/Paris by default), so entering "today" just after midnight is not "in the future".
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/Paris"


def local_date(moment: datetime, tz: str = DEFAULT_TIMEZONE) -> date:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware value")
    return moment.astimezone(ZoneInfo(tz)).date()


def datetime_local_input(moment: datetime, tz: str = DEFAULT_TIMEZONE) -> str:
    """``moment`` as an ``<input type="datetime-local">`` value in the patient's time zone."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware value")
    return f"{moment.astimezone(ZoneInfo(tz)):%Y-%m-%dT%H:%M}"
