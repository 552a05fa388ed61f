"""The link of the activation e-mail (registered in :func:`mes_app.web.routes.build_api`).

``GET /api/activate?t=<secret>`` activates nothing: mail scanners and link previews open links
on their own, and an account must not be activated for an address whose owner never clicked
(someone registering with another person's address). It keeps the secret in an HttpOnly
cookie that only ``/api/activate`` receives and shows ``/activate``, whose one button posts to
``POST /api/activate``: that activates the pending account once, then sends to the log-in page
with a notice. Any link that does not work (unknown, used, expired) gets the same neutral
notice."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mes_app import mail
from mes_app.services import registration
from mes_app.settings import settings
from mes_app.web import db_work, rate_limit

ACTIVATE_PATH = mail.ACTIVATION_PATH
DONE = "/login?activated=1"
INVALID = "/login?activation=invalid"
CONFIRM_PAGE_PATH = "/activate"
ACTIVATION_COOKIE = "mes_activation"


def utcnow() -> datetime:
    return datetime.now(UTC)


async def open_activation_link(request: Request) -> Response:
    if (limited := await rate_limit.limited_response(request, "link_open")) is not None:
        return limited
    secret = request.query_params.get("t")
    now = utcnow()
    expires_at = await db_work.in_session(registration.activation_expires_at, secret, now=now)
    if expires_at is None or not isinstance(secret, str):
        return _answer(INVALID)
    response = _answer(CONFIRM_PAGE_PATH, forget=False)
    response.set_cookie(
        ACTIVATION_COOKIE, secret, max_age=max(1, int((expires_at - now).total_seconds())),
        httponly=True, samesite="strict", secure=settings.cookie_secure, path=ACTIVATE_PATH,
    )
    return response


async def activate(request: Request) -> Response:
    """The button of ``/activate`` (same-origin POST, checked by the API guard)."""
    if (limited := await rate_limit.limited_response(request, "link_open")) is not None:
        return limited
    user_id = await db_work.in_session(registration.activate, request.cookies.get(ACTIVATION_COOKIE), now=utcnow())
    return _answer(DONE if user_id is not None else INVALID)


def _answer(location: str, *, forget: bool = True) -> Response:
    response = RedirectResponse(location, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    if forget:
        response.delete_cookie(ACTIVATION_COOKIE, path=ACTIVATE_PATH, httponly=True, samesite="strict")
    return response
