"""Dates, times, numbers and plurals as people read them: one module, through Babel.

Everything shown is formatted here, in the user's language and in the service's time zone
(``settings.time_zone``, Europe/Paris by default; stored timestamps are UTC):

- French follows French conventions: ``09/03/2026``, ``14:05``, ``1 234,5``;
- English follows British conventions, the English a French service's users expect:
  ``9 Mar 2026``, ``14:05``, ``1,234.5``.

Each function accepts what the services return (ISO text, ``date``, aware ``datetime``) and
gives ``""`` for a missing or unreadable value, so a page never shows a raw code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from mes_app.settings import settings

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
_DATE_FORMATS = {"fr": "short", "en": "medium"}  # 09/03/2026 · 9 Mar 2026


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES.get(lang, LOCALES["fr"]))


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.time_zone)


def _moment(value: object) -> datetime | None:
    """An aware datetime in the service's time zone, from a datetime or ISO text."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:  # the database gives naive UTC on SQLite
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_zone())


def _day_of(value: object) -> date | None:
    """A calendar day: a date as is, a timestamp's local day, an ISO date or timestamp."""
    if isinstance(value, datetime):
        return _moment(value).date()  # type: ignore[union-attr]
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        if len(value) <= 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                return None
        moment = _moment(value)
        return moment.date() if moment else None
    return None


def day(value: object, lang: str) -> str:
    """``"2026-03-09"`` (or a timestamp) → ``"09/03/2026"`` / ``"9 Mar 2026"``."""
    found = _day_of(value)
    if found is None:
        return ""
    return format_date(found, _DATE_FORMATS.get(lang, "short"), locale=_locale(lang))


def time(value: object, lang: str) -> str:
    """A timestamp → its local time, ``"14:05"``."""
    moment = _moment(value)
    return format_time(moment, "short", locale=_locale(lang)) if moment else ""


def day_and_time(value: object, lang: str) -> str:
    """A timestamp → ``"09/03/2026 14:05"`` / ``"9 Mar 2026 14:05"`` (local time)."""
    moment = _moment(value)
    return f"{day(moment, lang)} {time(moment, lang)}" if moment else ""


def local_minute(value: object) -> str:
    """A timestamp's local minute (``"2026-03-09 14:05"``): to tell whether two moments look
    the same on screen."""
    moment = _moment(value)
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


def number(value: float | int, lang: str, decimals: int = 1) -> str:
    """``1234.5`` → ``"1 234,5"`` / ``"1,234.5"``: at most ``decimals`` digits, no useless zeros."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")
    text = format_decimal(round(float(value), max(decimals, 0)), format=pattern, locale=_locale(lang))
    return "0" if text in ("-0", "") else text


def plural_category(count: object, lang: str) -> str:
    """CLDR's plural category of ``count`` in ``lang``: ``"one"`` or ``"other"`` (French: 0 and
    1 and everything below 2 are ``"one"``; English: only 1)."""
    try:
        number_ = abs(float(count))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "other"
    if number_ == int(number_):
        number_ = int(number_)
    return _locale(lang).plural_form(number_)
