"""Notifications by e-mail (issue 15 item 2): the rules, with no database and the time passed in.

Six kinds of events tell the account holder (and every guardian of a child's profile) that
something is new in MES. The e-mail never says what: no document title, no professional's
name, not even the child's name; only "something new in MES" and a link to the app. Each
account chooses, per kind, on/off and immediate/weekly (a weekly digest, Monday 08:00 Paris).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from mes_app.domain.errors import ValidationError


class Kind(StrEnum):
    DOCUMENT = "document"  # a new document deposited by someone else
    MESSAGE = "message"  # a message from a professional
    FIRST_ACCESS = "first_access"  # a professional opened the record for the first time
    EMERGENCY = "emergency"  # the emergency card was opened
    APPOINTMENT = "appointment"  # an appointment tomorrow
    VACCINATION = "vaccination"  # a vaccination coming due


class Cadence(StrEnum):
    IMMEDIATE = "immediate"
    WEEKLY = "weekly"


KINDS: tuple[Kind, ...] = tuple(Kind)
CADENCES: tuple[Cadence, ...] = tuple(Cadence)

DIGEST_TIMEZONE = "Europe/Paris"
DIGEST_WEEKDAY = 0  # Monday
DIGEST_TIME = time(8, 0)

MAX_ATTEMPTS = 8  # after that many SMTP failures the job is kept, unsent, and no longer tried
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


@dataclass(frozen=True)
class Preference:
    kind: Kind
    enabled: bool
    cadence: Cadence


def default_preference(kind: Kind) -> Preference:
    """Every kind is on and sent at once unless the account chose otherwise."""
    return Preference(kind, True, Cadence.IMMEDIATE)


def parse_kind(value: object) -> Kind:
    if isinstance(value, str) and value in Kind.__members__.values():
        return Kind(value)
    raise ValidationError("notify.error_kind")


def parse_cadence(value: object) -> Cadence:
    if isinstance(value, str) and value in Cadence.__members__.values():
        return Cadence(value)
    raise ValidationError("notify.error_cadence")


def parse_enabled(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise ValidationError("notify.error_enabled")


def next_digest(now: datetime, tz: str = DIGEST_TIMEZONE) -> datetime:
    """The first digest time (Monday 08:00 local) strictly after ``now``, in UTC.

    Computed on the local calendar so that 08:00 stays 08:00 across daylight-saving changes."""
    if now.tzinfo is None:
        raise ValueError("naive datetime")
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    days = (DIGEST_WEEKDAY - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=days), DIGEST_TIME, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(candidate.date() + timedelta(days=7), DIGEST_TIME, tzinfo=zone)
    return candidate.astimezone(UTC)


def digest_key(user_id: int, digest_at: datetime) -> str:
    """One weekly mail per account and digest time: the jobs that share it are sent together."""
    return f"weekly:{user_id}:{digest_at.astimezone(UTC).strftime('%Y%m%dT%H%M')}"


def event_key(*parts: object) -> str:
    """What identifies one event of a kind (ids only, never health data): ``event_key(doc.id)``."""
    if not parts:
        raise ValueError("an event needs a key")
    return ":".join(str(part) for part in parts)


def dedupe_key(kind: Kind, event: str, user_id: int) -> str:
    """Unique per event and recipient: the same event never queues twice for the same person."""
    key = f"{Kind(kind).value}:{event}:u{user_id}"
    if len(key) > 120:
        raise ValueError("dedupe key too long")
    return key


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failures: 1, 2, 4... minutes, at most 6 hours."""
    if attempts < 1:
        return timedelta(0)
    return min(BACKOFF_FIRST * (2 ** min(attempts - 1, 20)), BACKOFF_MAX)


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS
