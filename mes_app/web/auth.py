"""Who is on a request or an event: the one place that reads cookies and resolves sessions.

Used by the HTTP routes (:mod:`mes_app.web.routes`, ``document_routes``, ``measure_import``)
and by the states (:mod:`mes_app.state.base`, :mod:`mes_app.state.binding`). It imports no
route and no state, so neither side imports the other to learn who is there:

- cookies: :func:`cookie_value`, :func:`session_secret`, :func:`lang_from_cookie_header`;
- sessions: :func:`resolve` (the ``Cookie`` header → :class:`accounts.Identity` or None),
  :func:`actor_of`;
- the same-origin check of state-changing requests: :func:`same_origin` (the rule itself
  lives in :mod:`mes_app.web.origin`, which ``rxconfig.py`` also reads);
- the end of a session: the log-out and password-reset routes call :func:`sessions_ended`,
  and the state layer registers what must happen then (wipe the client states) with
  :func:`on_session_end`.

Identity never comes from anything the browser chooses (Reflex's client token, a form
field): only from the HttpOnly session cookie, looked up in the database each time.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from http.cookies import SimpleCookie

from sqlmodel import Session

from mes_app import i18n
from mes_app.domain.access import UserActor, landing
from mes_app.services import accounts
from mes_app.web import origin
from mes_app.web.log_redaction import COOKIE_NAME

SESSION_COOKIE = COOKIE_NAME
LANG_COOKIE = "mes_lang"
# The address typed in a failed login, to fill the field again (set by the log-in route).
LOGIN_EMAIL_COOKIE = "mes_login_email"


# --------------------------------------------------------------------------- cookies


def cookie_value(header: str | None, name: str) -> str | None:
    """The value of cookie ``name`` in a ``Cookie`` header, or None (also when malformed)."""
    if not header or not isinstance(header, str):
        return None
    jar = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # noqa: BLE001 - a malformed cookie header is just "no cookie"
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def session_secret(cookie_header: str | None) -> str | None:
    """The session secret in a ``Cookie`` header, or None."""
    return cookie_value(cookie_header, SESSION_COOKIE)


def lang_from_cookie_header(cookie_header: str | None) -> str:
    """The language cookie's value when it is one of ours, else the default language."""
    value = (cookie_value(cookie_header, LANG_COOKIE) or "").strip().strip('"')
    return value if value in i18n.LANGS else i18n.DEFAULT_LANG


def login_email_from_cookie_header(header: str | None) -> str:
    """The address a failed login left in its cookie ("" when none or not one of ours)."""
    if not header or not isinstance(header, str):
        return ""
    value = cookie_value(header, LOGIN_EMAIL_COOKIE)
    if value is None or len(value) > 400:
        return ""
    try:
        email = base64.urlsafe_b64decode(value.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return ""
    if len(email) > 254 or not email.isprintable():
        return ""
    return email


# --------------------------------------------------------------------------- sessions


def resolve(
    session: Session, cookie_header: str | None, now: datetime, *, enrolling: bool = False
) -> accounts.Identity | None:
    """The account behind the session cookie of this header, or None (missing, unknown,
    expired, revoked, idle).

    An account that must turn the second factor on first (``Identity.must_enrol``, issue 15
    item 3) is None here — every route and every state refuses it — unless ``enrolling``:
    only the binding of a client (:mod:`mes_app.state.binding`) and the security page ask so.
    """
    identity = accounts.resolve_session(session, session_secret(cookie_header), now=now)
    if identity is not None and identity.must_enrol and not enrolling:
        return None
    return identity


# Where each kind of account starts (:func:`mes_app.domain.access.landing`).
LANDING_PATHS = {"security": "/account/security", "console": "/operator", "home": "/"}


def landing_path(role: str, *, must_enrol: bool) -> str:
    """The page an account is sent to after signing in, or when it opens the log-in page again."""
    return LANDING_PATHS[landing(role, must_enrol=must_enrol)]


def actor_of(identity: accounts.Identity) -> UserActor:
    return UserActor(identity.user_id, identity.role)


def request_actor(session: Session, headers: Mapping[str, str], now: datetime) -> UserActor | None:
    """The actor of an HTTP request (Starlette headers), or None."""
    identity = resolve(session, headers.get("cookie"), now)
    return actor_of(identity) if identity else None


# --------------------------------------------------------------------------- same origin


def same_origin(headers: Mapping[str, str]) -> bool:
    """Whether a request (lower-case header names) proves it comes from one of our pages."""
    return origin.is_same_origin(headers)


# --------------------------------------------------------------------------- end of a session

_session_end_hooks: list[Callable[[int], Awaitable[None]]] = []


def on_session_end(hook: Callable[[int], Awaitable[None]]) -> None:
    """Register what must happen when a session ends (the state layer wipes its states)."""
    if hook not in _session_end_hooks:
        _session_end_hooks.append(hook)


async def sessions_ended(session_ids: list[int] | tuple[int, ...]) -> None:
    """Called once sessions are revoked (log-out, new password): run every registered hook."""
    for session_id in session_ids:
        for hook in list(_session_end_hooks):
            await hook(session_id)
