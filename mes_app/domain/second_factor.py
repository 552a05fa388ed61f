"""Two-factor sign-in (TOTP, RFC 6238) and active sessions: pure rules, time passed in.

- :func:`must_enrol`: which roles may not use the app without a second factor. A function,
  not a constant spread over the code, so the operator role of issue 15 slots in here.
- :func:`matching_step`: the 30-second time step a code belongs to (one step of clock drift
  either way), or None. A step at or before the last one used is refused: a code seen over
  someone's shoulder cannot be typed again within its window.
- Recovery codes: :func:`new_recovery_codes`, :func:`normalise_recovery_code`.
- :func:`device_label`: "browser · system" from a User-Agent, for the list of sessions.
- :func:`is_idle` / :func:`needs_touch`: the inactivity limit and the at-most-once-a-minute
  write of ``last_seen_at``.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime, timedelta

import pyotp

# Roles that must have a second factor before anything else (issue 15 adds "operator").
ROLES_REQUIRING_SECOND_FACTOR = frozenset({"professional", "operator"})

STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code of the previous or next step is accepted too (phone clocks drift)
CODE_DIGITS = 6
ISSUER = "MES"

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper
RECOVERY_CODE_LENGTH = 12  # ~59 bits each; shown as xxxx-xxxx-xxxx

PENDING_LIFETIME = timedelta(minutes=5)  # between the password and the code
PENDING_MAX_ATTEMPTS = 5  # wrong codes on one pending step before it is void
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often


def must_enrol(role: str) -> bool:
    """Whether an account with this role must turn two-factor sign-in on before using the app."""
    return role in ROLES_REQUIRING_SECOND_FACTOR


def new_secret() -> str:
    """A new base32 TOTP secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=CODE_DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=ISSUER
    )


def time_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def clean_code(raw: object) -> str | None:
    """The six digits typed (spaces allowed), or None when it is not a TOTP code."""
    if not isinstance(raw, str):
        return None
    code = re.sub(r"\s+", "", raw)
    return code if len(code) == CODE_DIGITS and code.isdigit() and code.isascii() else None


def matching_step(secret: str, raw_code: object, now: datetime, last_used_step: int | None) -> int | None:
    """The time step of a right, unused code; None for a wrong, expired or replayed one."""
    code = clean_code(raw_code)
    if code is None:
        return None
    totp = pyotp.TOTP(secret, digits=CODE_DIGITS, interval=STEP_SECONDS)
    current = time_step(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            if last_used_step is not None and step <= last_used_step:
                return None  # already used (or older than the last code used)
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Fresh single-use codes, formatted ``xxxx-xxxx-xxxx`` for reading and writing down."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)))
    return codes


def normalise_recovery_code(raw: object) -> str | None:
    """A typed recovery code without dashes, spaces or capitals; None when it cannot be one."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    code = re.sub(r"[\s-]+", "", raw).lower()
    if len(code) != RECOVERY_CODE_LENGTH or any(c not in RECOVERY_ALPHABET for c in code):
        return None
    return code


# --------------------------------------------------------------------------- sessions

_BROWSERS = (  # order matters: Edge and Opera also say "Chrome", Chrome also says "Safari"
    ("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"), ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"), ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Android", "Android"), ("Windows", "Windows"),
    ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"),
)


def device_label(user_agent: str | None) -> tuple[str, str]:
    """(browser, system) from a User-Agent, simplified; "" for what is not recognised."""
    ua = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in ua), "")
    system = next((name for marker, name in _SYSTEMS if marker in ua), "")
    return browser, system


def is_idle(last_activity: datetime, now: datetime, idle_limit: timedelta) -> bool:
    """Whether a session unused since ``last_activity`` has ended for inactivity."""
    return now - last_activity >= idle_limit


def needs_touch(last_seen: datetime | None, now: datetime) -> bool:
    """Whether ``last_seen_at`` is old enough to be written again (at most once a minute)."""
    return last_seen is None or now - last_seen >= TOUCH_EVERY
