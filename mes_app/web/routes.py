"""HTTP routes the app owns: login/logout (the only place the session cookie is set),
the forgotten-password routes, a refusal for Reflex's public ``/_upload`` folder, and ASGI
guards (body size, headers).

The password goes straight from a native HTML form to ``POST /api/login``: it never enters
Reflex state. So do the forgotten-password steps: the secret of a reset link is read by
``GET /api/password-reset?t=...`` and kept in an HttpOnly cookie scoped to that path, which
``POST /api/password-reset`` reads with the new password. Reflex never sees either.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlparse

from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mes_app import mail
from mes_app.db.engine import get_engine
from mes_app.db.models import User
from mes_app.domain import second_factor as second_factor_rules
from mes_app.domain.errors import ValidationError
from mes_app.services import accounts, password_reset, second_factor
from mes_app.settings import settings
from mes_app.web import auth, db_work, fhir_import_routes, origin, pwa, rate_limit, security_headers, unavailable
from mes_app.web import measure_import as measure_import_route
from mes_app.web.log_redaction import COOKIE_NAME

log = logging.getLogger(__name__)

MAX_FORM_BYTES = 16 * 1024
LOGIN_PATH = "/login"
FORGOT_PATH = "/forgot-password"
RESET_PAGE_PATH = "/reset-password"
RESET_API_PATH = mail.RESET_PATH  # the link in the e-mail: GET with ?t=<secret>
RESET_REQUEST_PATH = "/api/password-reset/request"
# The reset secret, between opening the link and posting the new password; only that path sees it.
RESET_COOKIE = "mes_reset"
# The address typed in a failed login, to fill the field again (not in the URL, so not in logs).
LOGIN_EMAIL_COOKIE = auth.LOGIN_EMAIL_COOKIE
login_email_from_cookie_header = auth.login_email_from_cookie_header
LOGIN_EMAIL_SECONDS = 300
# --- two-factor sign-in (issue 15, item 3) ---
SECOND_FACTOR_PAGE_PATH = "/login/code"
SECOND_FACTOR_API_PATH = "/api/login/code"
SECOND_FACTOR_COOKIE = "mes_2fa"  # the pending step's secret; only SECOND_FACTOR_API_PATH sees it
SECURITY_PAGE_PATH = auth.LANDING_PATHS["security"]


def utcnow() -> datetime:
    return datetime.now(UTC)


# Kept under its old name for callers and tests; the parsing lives in mes_app.web.auth.
session_secret_from_cookie_header = auth.session_secret


def _redirect(path: str, **query: object) -> RedirectResponse:
    qs = urlencode({k: v for k, v in query.items() if v not in (None, "")})
    return RedirectResponse(f"{path}?{qs}" if qs else path, status_code=303)


def _set_session_cookie(response: Response, secret: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        secret,
        max_age=settings.session_lifetime_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
        path="/",
    )


async def login(request: Request) -> Response:
    if (limited := await rate_limit.limited_response(request, "login")) is not None:
        return limited
    form = await request.form(max_files=0, max_fields=10)
    email, password = form.get("email"), form.get("password")
    now = utcnow()
    try:  # argon2 is slow on purpose: never on the event loop
        step = await db_work.slow_in_session(_password_step, email, password, now,
                                             rate_limit.request_client(request), request.headers.get("user-agent"))
    except accounts.LoginRefused as refused:
        response = _redirect(LOGIN_PATH, error=refused.code, retry=refused.retry_after_seconds or None)
        _remember_login_email(response, email)
        return response
    if isinstance(step, _CodeNeeded):  # no session yet: the code first (issue 15, item 3)
        response = _redirect(SECOND_FACTOR_PAGE_PATH)
        response.set_cookie(
            SECOND_FACTOR_COOKIE, step.pending, max_age=int(second_factor_rules.PENDING_LIFETIME.total_seconds()),
            httponly=True, samesite="strict", secure=settings.cookie_secure, path=SECOND_FACTOR_API_PATH,
        )
        response.headers["Cache-Control"] = "no-store"
        _forget_login_email(response)
        return response
    return _opened_response(step)


@dataclass(frozen=True)
class _Opened:
    """A log-in that succeeded: the new session's secret and where the account lands."""

    secret: str
    landing: str


@dataclass(frozen=True)
class _CodeNeeded:
    """The password was right; the second factor comes next (the pending step's secret)."""

    pending: str


def _password_step(session: Session, email: object, password: object, now: datetime, client: str,
                   user_agent: str | None) -> _Opened | _CodeNeeded:
    """The password checked (raises :class:`accounts.LoginRefused`), then the session opened or
    the second step begun. Runs in a worker thread."""
    user = accounts.authenticate(session, email=email, password=password, now=now, client=client)
    if second_factor.is_on(user):
        return _CodeNeeded(second_factor.begin_login(session, user, now=now))
    return _open(session, user, now, user_agent)


def _open(session: Session, user: User, now: datetime, user_agent: str | None) -> _Opened:
    """Open the session of a log-in that succeeded; an account that must enrol goes to the
    security page first."""
    secret = accounts.open_session(
        session, user, now=now, lifetime=timedelta(hours=settings.session_lifetime_hours), user_agent=user_agent,
    )
    must_enrol = accounts.must_enrol(user.role, user.second_factor_on_at)
    return _Opened(secret, auth.landing_path(user.role, must_enrol=must_enrol))


def _opened_response(opened: _Opened) -> Response:
    response = _redirect(opened.landing)
    _set_session_cookie(response, opened.secret)
    _forget_login_email(response)
    return response


async def login_second_factor(request: Request) -> Response:
    """The second step of a log-in: the pending cookie (only this path sees it) + a code."""
    if (limited := await rate_limit.limited_response(request, "login")) is not None:
        return limited
    form = await request.form(max_files=0, max_fields=10)
    pending = request.cookies.get(SECOND_FACTOR_COOKIE)
    now = utcnow()
    try:
        opened = await db_work.in_session(_code_step, pending, form.get("code"), now,
                                          rate_limit.request_client(request), request.headers.get("user-agent"))
    except accounts.LoginRefused as refused:
        if refused.code == second_factor.WRONG_CODE:
            return _redirect(SECOND_FACTOR_PAGE_PATH, error=refused.code)
        response = _redirect(LOGIN_PATH, error=refused.code, retry=refused.retry_after_seconds or None)
        _forget_second_factor(response)
        return response
    response = _opened_response(opened)
    _forget_second_factor(response)
    return response


def _code_step(session: Session, pending: str | None, code: object, now: datetime, client: str,
               user_agent: str | None) -> _Opened:
    user = second_factor.finish_login(session, pending, code, now=now, client=client)
    return _open(session, user, now, user_agent)


def _forget_second_factor(response: Response) -> None:
    response.delete_cookie(SECOND_FACTOR_COOKIE, path=SECOND_FACTOR_API_PATH, httponly=True, samesite="strict")


def _remember_login_email(response: Response, email: object) -> None:
    if not isinstance(email, str) or not email.strip() or len(email) > 254:
        _forget_login_email(response)
        return
    value = base64.urlsafe_b64encode(email.strip().encode("utf-8")).decode("ascii")
    response.set_cookie(
        LOGIN_EMAIL_COOKIE, value, max_age=LOGIN_EMAIL_SECONDS, httponly=True, samesite="strict",
        secure=settings.cookie_secure, path="/",
    )


def _forget_login_email(response: Response) -> None:
    response.delete_cookie(LOGIN_EMAIL_COOKIE, path="/", httponly=True, samesite="strict")


# --------------------------------------------------------------------------- forgotten password


async def request_password_reset(request: Request) -> Response:
    """Same answer, at once, whether the address has an account or not: the look-up and the
    e-mail happen in a worker thread, detached from this request (a background task of the
    response would hold the connection, so the next request on it would show the delay)."""
    if (limited := await rate_limit.limited_response(request, "password_reset")) is not None:
        return limited
    form = await request.form(max_files=0, max_fields=10)
    email = form.get("email")
    lang = _cookie_lang(request.cookies.get("mes_lang"))
    address = email.strip().lower() if isinstance(email, str) else ""
    if await rate_limit.check("password_reset_mail", "address:" + address) is None:
        mail.queue(_send_reset_mail, email if isinstance(email, str) else None, lang, what="password-reset")
    response = _redirect(FORGOT_PATH, sent=1)
    response.headers["Cache-Control"] = "no-store"
    return response


def _cookie_lang(raw: str | None) -> str | None:
    value = (raw or "").strip().strip('"')
    return value if value in ("fr", "en") else None


def _send_reset_mail(email: str | None, lang: str | None) -> None:
    try:
        with Session(get_engine()) as session:
            to_send = password_reset.request_reset(session, email, now=utcnow(), lang=lang)
        if to_send is not None:
            mail.send_password_reset(to_send.to, to_send.secret, to_send.lang)
    except Exception as error:  # noqa: BLE001 - the answer is gone; say what failed, not to whom
        log.error("a password-reset request failed (%s)", type(error).__name__)


async def open_reset_link(request: Request) -> Response:
    """The link of the e-mail: keep its secret in a cookie only ``/api/password-reset`` sees,
    then show the form (or say that the link no longer works) without the secret in the URL."""
    secret = request.query_params.get("t")
    now = utcnow()
    expires_at = await db_work.in_session(password_reset.link_expires_at, secret, now=now)
    if expires_at is None or secret is None:  # no secret, no link
        response = _redirect(RESET_PAGE_PATH, status="invalid")
        _forget_reset_secret(response)
    else:
        response = _redirect(RESET_PAGE_PATH)
        response.set_cookie(
            RESET_COOKIE, secret, max_age=max(1, int((expires_at - now).total_seconds())),
            httponly=True, samesite="strict", secure=settings.cookie_secure, path=RESET_API_PATH,
        )
    response.headers["Cache-Control"] = "no-store"
    return response


def _forget_reset_secret(response: Response) -> None:
    response.delete_cookie(RESET_COOKIE, path=RESET_API_PATH, httponly=True, samesite="strict")


async def reset_password(request: Request) -> Response:
    """Set the new password; every session of the account ends, this browser's too."""
    if (limited := await rate_limit.limited_response(request, "login")) is not None:
        return limited
    form = await request.form(max_files=0, max_fields=10)
    secret = request.cookies.get(RESET_COOKIE)
    password, confirm = form.get("password"), form.get("password_confirm")
    client = rate_limit.request_client(request)
    try:  # argon2 is slow on purpose: never on the event loop
        done = await db_work.slow_in_session(
            lambda session: password_reset.reset_password(session, secret, password, confirm=confirm,
                                                          now=utcnow(), client=client))
    except ValidationError as refused:
        if refused.code == password_reset.INVALID_LINK:
            response = _redirect(RESET_PAGE_PATH, status="invalid")
            _forget_reset_secret(response)
            return response
        return _redirect(RESET_PAGE_PATH, error=refused.code)
    await auth.sessions_ended(done.ended_session_ids)  # their client states are wiped at once
    response = _redirect(LOGIN_PATH, reset=1)
    _forget_reset_secret(response)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    _forget_login_email(response)
    return response


async def logout(request: Request) -> Response:
    secret = auth.session_secret(request.headers.get("cookie"))
    session_id = await db_work.in_session(accounts.revoke_session, secret, now=utcnow())
    if session_id is not None:
        await auth.sessions_ended([session_id])  # every client state of this session is wiped
    response = _redirect(LOGIN_PATH, bye=1)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response


def _calendar_file(body: bytes) -> Response:
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "no-store", **security_headers.FILE_HEADERS,
                 "Content-Disposition": 'attachment; filename="rendez-vous.ics"'},
    )


async def appointments_ics(request: Request) -> Response:
    """``.ics`` of every appointment of one profile (``?profile=<id>``), or of all the profiles
    the user manages. Identity from the session cookie; the policy decides (strangers: 404)."""
    return await _appointments_ics(request, None)


async def appointment_ics(request: Request) -> Response:
    """``.ics`` of one appointment."""
    return await _appointments_ics(request, request.path_params.get("appointment_id"))


async def _appointments_ics(request: Request, appointment_id: str | None) -> Response:
    from mes_app.domain.errors import Forbidden, NotFound, ValidationError

    now = utcnow()
    host = urlparse(settings.app_origin).hostname or "mes.local"
    cookie, profile = request.headers.get("cookie"), request.query_params.get("profile")
    try:
        body = await db_work.in_session(_calendar_body, cookie, appointment_id, profile, now, host)
    except (NotFound, Forbidden, ValidationError):
        return PlainTextResponse("Not found", status_code=404, headers={"Cache-Control": "no-store"})
    if body is None:
        return PlainTextResponse("Not logged in", status_code=401, headers={"Cache-Control": "no-store"})
    return _calendar_file(body)


def _calendar_body(session: Session, cookie: str | None, appointment_id: str | None, profile: str | None,
                   now: datetime, host: str) -> bytes | None:
    """The ``.ics`` bytes, None without a valid session; the policy's refusals raise."""
    from mes_app.services import appointments

    identity = auth.resolve(session, cookie, now)
    if identity is None:
        return None
    actor = auth.actor_of(identity)
    if appointment_id is not None:
        return appointments.export_one_ics(session, actor, appointment_id, now=now, host=host)
    ids = [profile] if profile is not None else appointments.household_profile_ids(session, actor, now=now)
    return appointments.export_all_ics(session, actor, ids, now=now, host=host)


async def refuse_public_uploads(request: Request) -> Response:
    """Reflex serves its upload folder to anyone; nothing of ours is ever served from there."""
    return PlainTextResponse("Not found", status_code=404)


DOCUMENTS_PATH = "/api/documents"


def build_api() -> Starlette:
    from mes_app.web import (
        account_routes,
        document_routes,
        export_routes,
        operator_routes,
        security_routes,
        share_routes,
    )

    return Starlette(
        routes=[
            Route("/api/login", login, methods=["POST"]),
            Route("/api/logout", logout, methods=["POST"]),
            # --- account security (issue 15, item 3) ---
            Route(SECOND_FACTOR_API_PATH, login_second_factor, methods=["POST"]),
            Route(security_routes.END_PATH, security_routes.end_one, methods=["POST"]),
            Route(security_routes.END_ALL_PATH, security_routes.end_all, methods=["POST"]),
            Route(security_routes.OFF_PATH, security_routes.second_factor_off, methods=["POST"]),
            # --- forgotten password (issue 11) ---
            Route(RESET_REQUEST_PATH, request_password_reset, methods=["POST"]),
            Route(RESET_API_PATH, open_reset_link, methods=["GET"]),
            Route(RESET_API_PATH, reset_password, methods=["POST"]),
            Route(account_routes.ACTIVATE_PATH, account_routes.open_activation_link, methods=["GET"]),
            Route(account_routes.ACTIVATE_PATH, account_routes.activate, methods=["POST"]),
            Route("/api/appointments.ics", appointments_ics, methods=["GET"]),
            Route("/api/appointments/{appointment_id}.ics", appointment_ics, methods=["GET"]),
            Route(export_routes.SUMMARY_PATH, export_routes.summary_fhir, methods=["GET"]),
            Route("/_upload/{path:path}", refuse_public_uploads, methods=["GET", "HEAD"]),
            Route(measure_import_route.PATH, measure_import_route.import_measures, methods=["POST"]),
            Route(fhir_import_routes.PATH, fhir_import_routes.import_file, methods=["POST"]),  # issue 12 item 3
            Route(measure_import_route.APPLE_PATH, measure_import_route.import_apple, methods=["POST"]),  # issue 12
            Route(DOCUMENTS_PATH, document_routes.upload_document, methods=["POST"]),
            Route(DOCUMENTS_PATH + "/{doc_id}", document_routes.download_document, methods=["GET"]),
            Route(export_routes.PATH, export_routes.export_fhir, methods=["GET"]),  # issue 13
            Route(export_routes.TAKEOUT_PATH, export_routes.takeout_zip, methods=["GET"]),  # issue 13, item 2
            Route(export_routes.STATS_CSV_PATH, export_routes.operator_stats_csv, methods=["GET"]),  # issue 15 item 1
            # --- share links (issue 5b); the SMART Health Links routes are in public_api ---
            Route(share_routes.DOCUMENT_PATH, share_routes.link_document, methods=["GET"]),
            *share_routes.public_routes(),
            # --- the operator's console (issue 15 item 1): 404 for anyone but an operator ---
            Route(operator_routes.AUDIT_PATH, operator_routes.audit_export, methods=["GET"]),
        ],
        exception_handlers=unavailable.EXCEPTION_HANDLERS,  # the database away: 503, one clear message
    )


def public_api() -> Starlette:
    """The SMART Health Links routes alone, *without* Reflex's CORS middleware (which answers
    every preflight from another origin with 400 and adds ``Allow-Credentials``): viewers on
    any origin call them. Served by :func:`with_public_routes`, inside :func:`guard`."""
    from mes_app.web import fhir_routes, share_routes

    return Starlette(routes=[*share_routes.public_routes(), *fhir_routes.routes()],
                     exception_handlers=unavailable.EXCEPTION_HANDLERS)


def with_public_routes(app: ASGIApp) -> ASGIApp:
    """Wrap the whole backend (Reflex's outermost app, CORS included): a request whose path is
    exactly one of :func:`origin.is_public_path` goes to :func:`public_api` (behind the same
    :func:`guard`: body cap, security headers, rate limits in the routes); everything else,
    lifespan and websocket included, to ``app`` unchanged, where other origins stay refused."""
    public = guard(public_api())

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and origin.is_public_path(scope.get("path", "")):
            await public(scope, receive, send)
            return
        await app(scope, receive, send)

    return dispatch


# --------------------------------------------------------------------------- ASGI guards

# Kept for callers that list them; the full set lives in mes_app.web.security_headers.
SECURITY_HEADERS = list(security_headers.BASE_HEADERS)


def _scope_lang(scope: Scope) -> str:
    return auth.lang_from_cookie_header(origin.scope_headers(scope).get("cookie"))


def _too_large(scope: Scope) -> Response:
    """413, whether the body declared its size or came chunked, and the same answer the route
    itself gives when its own cap is reached first: the upload and import scripts show it."""
    from mes_app import i18n

    lang, path = _scope_lang(scope), scope.get("path", "")
    if path.startswith("/fhir/r4"):  # FHIR API (issue 12 item 2): an OperationOutcome
        from mes_app.web import fhir_routes

        return fhir_routes.outcome(413, "too-costly", "the request is too large")
    if path == DOCUMENTS_PATH:
        code, params = "error.document_too_large", {"max_mb": max(1, settings.max_upload_bytes // (1024 * 1024))}
    elif path == measure_import_route.PATH:
        code, params = "error.import_too_large", {"max_mb": measure_import_route.MAX_IMPORT_BYTES // (1024 * 1024)}
    elif path == fhir_import_routes.PATH:
        code, params = "error.fhir_import_too_large", {"max": fhir_import_routes.MAX_FILE_BYTES // (1024 * 1024)}

    elif path == measure_import_route.APPLE_PATH:
        code, params = "error.apple_too_large", {}
    else:
        code, params = "error.request_too_large", {}
    return JSONResponse({"ok": False, "code": code, "message": i18n.t(code, lang, **params)}, status_code=413,
                        headers={"Cache-Control": "no-store"})


def _cross_site_refusal(scope: Scope) -> Response:
    """403 for a state-changing request that does not come from one of our pages. JSON with a
    translated message (the upload and import scripts show ``message`` / map ``code``)."""
    from mes_app import i18n

    lang = _scope_lang(scope)
    code = "error.cross_site"
    return JSONResponse({"ok": False, "code": code, "message": i18n.t(code, lang)}, status_code=403,
                        headers={"Cache-Control": "no-store"})


def guard(app: ASGIApp) -> ASGIApp:
    """The outermost ASGI wrapper: refuse state-changing requests from other sites, cap
    request bodies (Reflex and Starlette set no limit), add the security headers."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        # HTML answers are held until complete: the page CSP lists the hashes of its inline scripts.
        held: dict = {}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if overrides := pwa.headers_for(path):  # the service worker, manifest, offline page
                    headers = [(n, v) for n, v in headers if n.lower() not in overrides] + list(overrides.items())
                present = {name.lower() for name, _ in headers}
                html = _is_html(headers)
                # A 304 (or a HEAD) carries no body to hash; its headers would replace the cached
                # page's: it gets no CSP at all, so the cached page keeps its own.
                bodyless = message.get("status") == 304 or scope.get("method") == "HEAD"
                headers += security_headers.extra_headers(html=html, present=present, csp=not bodyless)
                message = {**message, "headers": headers}
                if html and not bodyless and b"content-security-policy" not in present:
                    held.update(start=message, body=bytearray(), encoding=_header(headers, b"content-encoding"))
                    return
            elif message["type"] == "http.response.pathsend" and "start" in held:
                # Granian's file extension: the server sends the file itself; hash it from disk.
                start = held.pop("start")
                policy = security_headers.csp_for_file(message.get("path", ""), held.pop("encoding"))
                held.clear()
                await send({**start, "headers": [*start["headers"], (b"content-security-policy", policy.encode())]})
            elif message["type"] == "http.response.body" and "start" in held:
                held["body"] += message.get("body", b"")
                if message.get("more_body", False):
                    return
                body = bytes(held.pop("body"))
                start = held.pop("start")
                policy = security_headers.csp_for_html(body, held.pop("encoding"))
                await send({**start, "headers": [*start["headers"], (b"content-security-policy", policy.encode())]})
                message = {"type": "http.response.body", "body": body, "more_body": False}
            await send(message)

        method, path = scope.get("method", "GET"), scope.get("path", "")
        if origin.needs_check(method, path) and not auth.same_origin(origin.scope_headers(scope)):
            await _cross_site_refusal(scope)(scope, receive, send_with_headers)
            return
        limit = _body_limit(path)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(scope)(scope, receive, send_with_headers)
            return

        # A body without Content-Length (chunked) is counted as it arrives. Past the limit the
        # app is told the client went away (it drops what it was storing, like on a real
        # disconnect), whatever it answers is swallowed, and the guard answers 413 itself.
        received = 0
        overflow = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, overflow
            if overflow:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    overflow = True
                    return {"type": "http.disconnect"}
            return message

        async def send_unless_overflow(message: Message) -> None:
            nonlocal started
            if overflow and not started:
                return
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        try:
            await app(scope, limited_receive, send_unless_overflow)
        except Exception:
            if not overflow:
                raise
            log.info("request body over the limit on %s: answered 413", path)
        if overflow and not started:
            await _too_large(scope)(scope, receive, send_with_headers)

    return guarded


def _is_html(headers: list) -> bool:
    return (_header(headers, b"content-type") or b"").lower().startswith(b"text/html")


def _header(headers: list, wanted: bytes) -> bytes | None:
    for name, value in headers:
        if name.lower() == wanted:
            return value
    return None


def _body_limit(path: str) -> int:
    if path.startswith("/_upload") or path == DOCUMENTS_PATH:
        return settings.max_upload_bytes + 64 * 1024  # multipart overhead
    if path == measure_import_route.PATH:
        return measure_import_route.BODY_LIMIT
    if path == fhir_import_routes.PATH:
        return fhir_import_routes.BODY_LIMIT
    if path.startswith("/fhir/r4"):  # FHIR API (issue 12 item 2): a document in base64
        from mes_app.web import fhir_routes

        return fhir_routes.body_limit()
    if path == measure_import_route.APPLE_PATH:
        return measure_import_route.APPLE_BODY_LIMIT
    return MAX_FORM_BYTES


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
