"""Professionals who join (issue 15 item 1): the RPPS number and the list of professions.

An RPPS number (Répertoire partagé des professionnels de santé) has 11 digits, the last one a
Luhn check digit over the first ten. A number typed with spaces or dots ("10 00 000 000 1")
is accepted once they are stripped; anything else is refused with ``error.invalid_rpps``,
whose parameters never echo what was typed.

Pure Python: no Reflex, no database.
"""

from __future__ import annotations

import re

from mes_app.domain.errors import ValidationError

RPPS_LENGTH = 11
_SEPARATORS = re.compile(r"[\s.\-]+")
_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")

# The professions an applicant chooses from (labels: ``pro.profession.<code>`` in i18n).
PROFESSIONS: tuple[str, ...] = (
    "medecin",
    "infirmier",
    "pharmacien",
    "sage_femme",
    "kinesitherapeute",
    "chirurgien_dentiste",
)


def luhn_check_digit(digits: str) -> int:
    """The Luhn digit that makes ``digits`` followed by it a valid Luhn number."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: the rightmost of the payload sits next to the check digit
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return (10 - total % 10) % 10


def is_luhn_valid(number: str) -> bool:
    return number.isascii() and number.isdigit() and len(number) > 1 and (
        luhn_check_digit(number[:-1]) == int(number[-1]))


def parse_rpps(value: object, *, field: str = "rpps") -> str:
    """The RPPS number as 11 digits, or ``ValidationError("error.invalid_rpps", field=...)``."""
    if not isinstance(value, str) or len(value) > 64:
        raise ValidationError("error.invalid_rpps", field=field)
    number = _SEPARATORS.sub("", value)
    if not _ELEVEN_DIGITS.fullmatch(number) or not is_luhn_valid(number):
        raise ValidationError("error.invalid_rpps", field=field)
    return number


def parse_profession(value: object, *, field: str = "profession") -> str:
    """One of :data:`PROFESSIONS`, or ``error.invalid_choice``."""
    if not isinstance(value, str) or value not in PROFESSIONS:
        raise ValidationError("error.invalid_choice", field=field)
    return value
