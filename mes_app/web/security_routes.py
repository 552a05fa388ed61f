"""The security page's state-changing routes (issue 15, item 3), native form POSTs:

- ``POST /api/account/sessions/end`` (``session``: the id of one of one's own sessions);
- ``POST /api/account/sessions/end-all``: every session of the account, this one too;
- ``POST /api/account/second-factor/off`` (``password``, ``code``): the password goes from the
  form to the server, never through Reflex state (like the log-in).

Identity from the session cookie (:mod:`mes_app.web.auth`); the same-origin check is the
guard's (:func:`mes_app.web.routes.guard`). Another account's session is "not found" (404).
Ending sessions wipes their client states at once (:func:`auth.sessions_ended`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from mes_app.db.models import AuthSession
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import accounts, second_factor
from mes_app.web import auth, db_work, rate_limit
from mes_app.web.log_redaction import COOKIE_NAME

END_PATH = "/api/account/sessions/end"
END_ALL_PATH = "/api/account/sessions/end-all"
OFF_PATH = "/api/account/second-factor/off"
PAGE = "/account/security"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _to(path: str) -> RedirectResponse:
    response = RedirectResponse(path, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _gone() -> Response:
    return PlainTextResponse("Not logged in", status_code=401, headers={"Cache-Control": "no-store"})


def _logged_out() -> Response:
    response = _to("/login?bye=1")
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response


async def end_one(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=5)
    now = utcnow()
    cookie, chosen = request.headers.get("cookie"), form.get("session")

    def end(session: Session) -> tuple[accounts.Identity, int] | None:
        identity = auth.resolve(session, cookie, now, enrolling=True)  # one's own only
        if identity is None:
            return None
        return identity, second_factor.end_session(session, identity.user_id, chosen, now=now)

    try:
        done = await db_work.in_session(end)
    except NotFound:
        return PlainTextResponse("Not found", status_code=404, headers={"Cache-Control": "no-store"})
    if done is None:
        return _gone()
    identity, ended = done
    await auth.sessions_ended([ended])
    return _logged_out() if ended == identity.session_id else _to(PAGE + "?ended=1")


async def end_all(request: Request) -> Response:
    now = utcnow()
    cookie = request.headers.get("cookie")

    def end(session: Session) -> list[int] | None:
        identity = auth.resolve(session, cookie, now, enrolling=True)
        if identity is None:
            return None
        ids = list(session.exec(select(AuthSession.id).where(
            AuthSession.user_id == identity.user_id, col(AuthSession.revoked_at).is_(None))).all())
        accounts.revoke_all_sessions(session, identity.user_id, now=now)
        return ids

    ids = await db_work.in_session(end)
    if ids is None:
        return _gone()
    await auth.sessions_ended(ids)
    return _logged_out()


async def second_factor_off(request: Request) -> Response:
    if (limited := await rate_limit.limited_response(request, "login")) is not None:
        return limited
    form = await request.form(max_files=0, max_fields=5)
    password, code = form.get("password"), form.get("code")
    now = utcnow()
    cookie = request.headers.get("cookie")
    client = rate_limit.request_client(request)

    def turn_off(session: Session) -> str | None:
        identity = auth.resolve(session, cookie, now)
        if identity is None:
            return "gone"
        try:
            second_factor.disable(session, identity.user_id, password=password, code=code, now=now,
                                  client=client)
        except (ValidationError, NotFound) as refused:
            return getattr(refused, "code", "error.generic")
        return None

    outcome = await db_work.slow_in_session(turn_off)  # argon2 is slow on purpose: never on the event loop
    if outcome == "gone":
        return _gone()
    if outcome is not None:
        return _to(f"{PAGE}?error={outcome}")
    return _to(PAGE + "?off=1")
