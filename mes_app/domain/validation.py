"""Input validation: every service runs its arguments through these before storing anything.

Values come straight from a browser, so any of them may be of the wrong type (``None``, a
list, a dict, a bool where an int is expected…). Each function either returns a clean value
or raises :class:`~mes_app.domain.errors.ValidationError` whose ``code`` is a message key
(listed in :data:`ERROR_CODES`) and whose ``params`` hold only the field name and limits,
never the user's input: health data must not reach the logs.

Pure Python: no Reflex, no database.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime
from typing import Any, Literal, overload
from zoneinfo import ZoneInfo

from mes_app.domain.errors import ValidationError

ERROR_CODES: frozenset[str] = frozenset(
    {
        "error.required",
        "error.invalid_text",
        "error.text_too_long",
        "error.invalid_id",
        "error.invalid_date",
        "error.invalid_datetime",
        "error.date_in_future",
        "error.before_birth",
        "error.end_before_start",
        "error.invalid_choice",
        "error.invalid_email",
        "error.weak_password",
        "error.invalid_number",
        "error.out_of_range",
        "error.unknown_code",
    }
)

MAX_ID = 2**63 - 1
EMAIL_MAX_LEN = 254
PASSWORD_MIN_LEN = 10
PASSWORD_MAX_LEN = 128
PASSWORD_LONG_LEN = 16  # from this length, character classes no longer matter
PASSWORD_MIN_DISTINCT = 6

_DIGITS = re.compile(r"[0-9]{1,19}")
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,15}(?:[.,][0-9]{1,9})?|[.,][0-9]{1,9})")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME_LOCAL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?")
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TOP_LEVEL_DOMAIN = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")
# Bidirectional embedding/override/isolate controls: invisible, and used to disguise text.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)

# Small built-in list of very common passwords (English and French), compared lower-cased,
# with trailing digits/symbols removed and common letter substitutions undone.
COMMON_PASSWORDS: frozenset[str] = frozenset(
    {
        "password", "passw0rd", "motdepasse", "mot de passe", "azerty", "azertyuiop", "qwerty",
        "qwertyuiop", "qwertzuiop", "123456789", "1234567890", "0123456789", "12345678910",
        "0000000000", "1111111111", "abc", "abcdef", "abcdefghij", "iloveyou", "jetaime",
        "bonjour", "soleil", "doudou", "loulou", "chouchou", "nicolas", "camille", "marseille",
        "paris", "france", "football", "baseball", "dragon", "monkey", "sunshine", "princess",
        "princesse", "letmein", "welcome", "bienvenue", "admin", "administrator", "administrateur",
        "login", "master", "superman", "batman", "starwars", "pokemon", "trustno", "secret",
        "changeme", "default", "utilisateur", "user", "test", "santé", "sante", "monespacesante",
        "mon espace sante", "mes", "medecin", "docteur", "hopital",
    }
)


def _fail(code: str, **params: Any) -> ValidationError:
    return ValidationError(code, **params)


# -- text -----------------------------------------------------------------------------------
def _keep_char(ch: str) -> bool:
    if ch in "\n\t":
        return True
    if ch in _BIDI_CONTROLS:
        return False
    # Cc: control characters (NUL included); Cs: lone surrogates, which cannot be stored.
    return unicodedata.category(ch) not in ("Cc", "Cs")


@overload
def clean_text(value: object, *, field: str, max_len: int, required: Literal[True], multiline: bool = True) -> str: ...
@overload
def clean_text(
    value: object, *, field: str, max_len: int, required: bool = False, multiline: bool = True
) -> str | None: ...
def clean_text(
    value: object, *, field: str, max_len: int, required: bool = False, multiline: bool = True
) -> str | None:
    """Trimmed text without control characters (newline and tab kept), or ``None`` if empty.

    Refuses (never truncates) text longer than ``max_len`` characters. With
    ``multiline=False`` newlines and tabs become spaces (names, titles).
    """
    if value is None:
        return _missing(field, required)
    if not isinstance(value, str):
        raise _fail("error.invalid_text", field=field)
    if len(value) > 4 * max_len + 1024:  # don't spend time cleaning an absurd payload
        raise _fail("error.text_too_long", field=field, max=max_len)
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if _keep_char(ch))
    if not multiline:
        text = " ".join(text.split())
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return _missing(field, required)
    if len(text) > max_len:
        raise _fail("error.text_too_long", field=field, max=max_len)
    return text


def _missing(field: str, required: bool) -> None:
    if required:
        raise _fail("error.required", field=field)
    return None


# -- ids and numbers --------------------------------------------------------------------------
def parse_id(value: object) -> int:
    """A database id: a positive int (or its decimal string) below 2**63."""
    if isinstance(value, bool):
        raise _fail("error.invalid_id")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        raise _fail("error.invalid_id")
    if not 0 < number <= MAX_ID:
        raise _fail("error.invalid_id")
    return number


@overload
def parse_optional_int(
    value: object, *, field: str, min_value: int, max_value: int, required: Literal[True]
) -> int: ...
@overload
def parse_optional_int(
    value: object, *, field: str, min_value: int, max_value: int, required: bool = False
) -> int | None: ...
def parse_optional_int(
    value: object, *, field: str, min_value: int, max_value: int, required: bool = False
) -> int | None:
    """An integer within ``[min_value, max_value]``; ``None``/``""`` give ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return _missing(field, required)
    if isinstance(value, bool):
        raise _fail("error.invalid_number", field=field)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise _fail("error.invalid_number", field=field)
    return _in_range(number, field=field, min_value=min_value, max_value=max_value)


def parse_optional_number(
    value: object, *, field: str, min_value: float, max_value: float, required: bool = False
) -> float | None:
    """A finite decimal number within ``[min_value, max_value]``; French ``"72,5"`` accepted."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return _missing(field, required)
    if isinstance(value, bool):
        raise _fail("error.invalid_number", field=field)
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        number = float(value.strip().replace(",", "."))
    else:
        raise _fail("error.invalid_number", field=field)
    if not math.isfinite(number):
        raise _fail("error.invalid_number", field=field)
    return _in_range(number, field=field, min_value=min_value, max_value=max_value)


def _in_range(number, *, field: str, min_value, max_value):
    if not min_value <= number <= max_value:
        raise _fail("error.out_of_range", field=field, min=min_value, max=max_value)
    return number


# -- dates ------------------------------------------------------------------------------------
@overload
def parse_date(value: object, *, field: str, required: Literal[True]) -> date: ...
@overload
def parse_date(value: object, *, field: str, required: bool = False) -> date | None: ...
def parse_date(value: object, *, field: str, required: bool = False) -> date | None:
    """A calendar date from an ISO ``"YYYY-MM-DD"`` string or a ``date`` (not a datetime)."""
    if value is None or value == "":
        return _missing(field, required)
    if isinstance(value, datetime):
        raise _fail("error.invalid_date", field=field)
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise _fail("error.invalid_date", field=field)
    text = value.strip()
    if not text:
        return _missing(field, required)
    if not _ISO_DATE.fullmatch(text):
        raise _fail("error.invalid_date", field=field)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail("error.invalid_date", field=field) from None


def check_not_future(d: date | None, today: date, *, field: str = "date") -> None:
    """Refuse a date after ``today`` (birth date, measure date, past event…)."""
    if d is not None and _as_date(d) > _as_date(today):
        raise _fail("error.date_in_future", field=field)


def check_not_before(d: date | None, birth_date: date | None, *, field: str = "date") -> None:
    """Refuse a date before the person's birth date."""
    if d is not None and birth_date is not None and _as_date(d) < birth_date:
        raise _fail("error.before_birth", field=field)


def check_range(start: date | None, end: date | None, *, field: str = "end") -> None:
    """Refuse an end before its start (equal is fine). Missing bounds are not checked."""
    if start is not None and end is not None and end < start:
        raise _fail("error.end_before_start", field=field)


def _as_date(d: date) -> date:
    return d.date() if isinstance(d, datetime) else d


def parse_datetime_local(
    value: object, tz: str = "Europe/Paris", *, field: str = "datetime"
) -> datetime:
    """An ``<input type="datetime-local">`` value (``"YYYY-MM-DDTHH:MM"``, seconds optional)
    read as wall-clock time in ``tz``; returns an aware UTC datetime.

    An aware ``datetime`` is accepted too and converted to UTC.
    """
    if value is None or value == "":
        raise _fail("error.required", field=field)
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise _fail("error.invalid_datetime", field=field)
        return value.astimezone(UTC)
    if not isinstance(value, str) or not _DATETIME_LOCAL.fullmatch(value.strip()):
        raise _fail("error.invalid_datetime", field=field)
    try:
        local = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _fail("error.invalid_datetime", field=field) from None
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


# -- choices, codes -----------------------------------------------------------------------------
def parse_choice(value: object, allowed: Collection[str], *, field: str) -> str:
    """``value`` if it is exactly one of ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        raise _fail("error.invalid_choice", field=field)
    return value


def check_known_code(terminology, kind: str, system: object, code: object, *, field: str = "code"):
    """The terminology concept for ``(system, code)``; refuses codes the terminology lacks.

    ``terminology`` is a :class:`mes_app.domain.terminology.Terminology`.
    """
    if not isinstance(system, str) or not isinstance(code, str) or len(code) > 64:
        raise _fail("error.unknown_code", field=field)
    concept = terminology.lookup(kind, system, code)
    if concept is None:
        raise _fail("error.unknown_code", field=field)
    return concept


# -- accounts -----------------------------------------------------------------------------------
def parse_email(value: object, *, field: str = "email") -> str:
    """A lower-cased e-mail address (ASCII, ``local@domain.tld``, at most 254 characters)."""
    if value is None:
        raise _fail("error.required", field=field)
    if not isinstance(value, str) or len(value) > 4 * EMAIL_MAX_LEN:
        raise _fail("error.invalid_email", field=field)
    email = value.strip().lower()
    if not email:
        raise _fail("error.required", field=field)
    if len(email) > EMAIL_MAX_LEN or not _is_email(email):
        raise _fail("error.invalid_email", field=field)
    return email


def _is_email(email: str) -> bool:
    local, at, domain = email.rpartition("@")
    if not at or not local or len(local) > 64 or not _EMAIL_LOCAL.fullmatch(local):
        return False
    labels = domain.split(".")
    if len(labels) < 2 or not _TOP_LEVEL_DOMAIN.fullmatch(labels[-1]):
        return False
    return all(_DOMAIN_LABEL.fullmatch(label) for label in labels)


def check_password_strength(pw: object, *, forbidden: Iterable[str] = ()) -> None:
    """Refuse weak passwords with ``error.weak_password`` (``params["reason"]`` says why).

    Rules: 10 to 128 characters; at least 3 of lower/upper/digit/other unless 16 characters
    or more; at least 6 different characters; not a common password (even with digits or
    symbols appended or letters swapped for look-alikes); does not contain any of the
    ``forbidden`` words of 4+ characters (e.g. the user's e-mail name).
    """
    if not isinstance(pw, str):
        raise _fail("error.weak_password", reason="too_short", min=PASSWORD_MIN_LEN)
    if len(pw) < PASSWORD_MIN_LEN:
        raise _fail("error.weak_password", reason="too_short", min=PASSWORD_MIN_LEN)
    if len(pw) > PASSWORD_MAX_LEN:
        raise _fail("error.weak_password", reason="too_long", max=PASSWORD_MAX_LEN)
    if len(set(pw)) < PASSWORD_MIN_DISTINCT:
        raise _fail("error.weak_password", reason="repetitive")
    if len(pw) < PASSWORD_LONG_LEN and _character_classes(pw) < 3:
        raise _fail("error.weak_password", reason="too_simple", min=PASSWORD_MIN_LEN)
    if _is_common(pw):
        raise _fail("error.weak_password", reason="common")
    lowered = pw.casefold()
    for word in forbidden:
        if isinstance(word, str) and len(word) >= 4 and word.casefold() in lowered:
            raise _fail("error.weak_password", reason="personal")


def _character_classes(pw: str) -> int:
    return sum(
        (
            any(ch.islower() for ch in pw),
            any(ch.isupper() for ch in pw),
            any(ch.isdigit() for ch in pw),
            any(not ch.isalnum() for ch in pw),
        )
    )


def _is_common(pw: str) -> bool:
    lowered = pw.casefold()
    candidates = {lowered, lowered.rstrip("0123456789!?.@#$%&*_-+= ")}
    candidates |= {c.translate(_LEET) for c in candidates}
    candidates |= {c.rstrip("0123456789!?.@#$%&*_-+= ").translate(_LEET) for c in candidates}
    return any(c in COMMON_PASSWORDS for c in candidates)


def id_or_none(value: object) -> int | None:
    """:func:`parse_id`, or None for anything that is not an id (a browser's argument to ignore)."""
    try:
        return parse_id(value)
    except ValidationError:
        return None
