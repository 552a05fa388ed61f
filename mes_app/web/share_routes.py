"""HTTP routes of share links (registered in :func:`mes_app.web.routes.build_api`).

``POST /api/shl/{secret}`` — the SMART Health Links manifest. JSON body
``{"recipient": "...", "passcode": "...", "embeddedLengthMax": n}``; 404 for an unknown,
revoked, expired or locked link, 401 ``{"remainingAttempts": n}`` for a wrong passcode, else
``{"files": [{"embedded": <JWE>}]}`` (or ``"location"`` when the JWE is longer than
``embeddedLengthMax``).

``GET /api/shl-files/{token}`` — that location: the JWE (``application/jose``) once, then 404.

Both are open to any origin (a SMART Health Links viewer runs elsewhere): they answer the CORS
preflight and every request with ``Access-Control-Allow-Origin: *`` and never with
``Allow-Credentials``; they read no cookie. They are served by
:func:`mes_app.web.routes.public_api`, in front of Reflex's CORS middleware.

``GET /api/s/{secret}/documents/{doc_id}?t=<ticket>`` — a document switched on for the link,
for the public page ``/s``. The ticket is issued by that page's server-side state once the
passcode was checked (see :mod:`mes_app.services.share_links`). Everything else: 404.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from mes_app.domain.documents import is_inline
from mes_app.domain.errors import NotFound
from mes_app.services import share_links
from mes_app.storage import default_storage
from mes_app.web import db_work, rate_limit
from mes_app.web.security_headers import FILE_HEADERS

log = logging.getLogger(__name__)

MANIFEST_PATH = "/api/shl/{secret}"
LOCATION_PATH = share_links.LOCATION_PATH + "{token}"
DOCUMENT_PATH = "/api/s/{secret}/documents/{doc_id}"
NO_STORE = {"Cache-Control": "no-store", **FILE_HEADERS}
# Public (the SHL spec): any origin, no credentials (so no Allow-Credentials, ever).
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Retry-After",
}
PREFLIGHT = {
    **CORS,
    "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
    "Access-Control-Allow-Headers": "content-type",
    "Access-Control-Max-Age": "600",
}


def _now() -> datetime:
    return datetime.now(UTC)


def _not_found() -> Response:
    return PlainTextResponse("Not found", status_code=404, headers=NO_STORE)


async def manifest_preflight(request: Request) -> Response:
    return Response(status_code=204, headers=PREFLIGHT)


def public_routes() -> list[Route]:
    """The SMART Health Links routes (see the module docstring)."""
    return [
        Route(MANIFEST_PATH, manifest, methods=["POST"]),
        Route(MANIFEST_PATH, manifest_preflight, methods=["OPTIONS"]),
        Route(LOCATION_PATH, location, methods=["GET"]),
        Route(LOCATION_PATH, manifest_preflight, methods=["OPTIONS"]),
    ]


async def location(request: Request) -> Response:
    if (refusal := await rate_limit.check("link_open", rate_limit.request_client(request))) is not None:
        return rate_limit.too_many_requests(refusal, {**NO_STORE, **CORS})
    token = await db_work.in_session(share_links.take_location, request.path_params.get("token"), now=_now())
    if token is None:
        return PlainTextResponse("Not found", status_code=404, headers={**NO_STORE, **CORS})
    return Response(token, media_type="application/jose", headers={**NO_STORE, **CORS})


async def manifest(request: Request) -> Response:
    body_bytes = await request.body()
    try:
        body = json.loads(body_bytes.decode("utf-8")) if body_bytes else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = None
    lang = "en" if request.query_params.get("lang") == "en" else "fr"
    # Opening a link, and trying a passcode, are limited per client (each link also locks itself
    # after a few wrong passcodes).
    client = rate_limit.request_client(request)
    for name in ("link_open", "passcode") if isinstance(body, dict) and "passcode" in body else ("link_open",):
        if (refusal := await rate_limit.check(name, client)) is not None:
            return rate_limit.too_many_requests(refusal, {**NO_STORE, **CORS})
    # A passcode is checked with argon2: never on the event loop.
    answer = await db_work.slow_in_session(share_links.manifest, request.path_params.get("secret"), body,
                                           now=_now(), lang=lang)
    return JSONResponse(answer.body, status_code=answer.status, headers={**NO_STORE, **CORS})


async def link_document(request: Request) -> Response:
    now = _now()
    secret = request.path_params.get("secret")
    doc_id = request.path_params.get("doc_id")
    ticket = request.query_params.get("t")

    def opened(session: Session) -> share_links.DocumentFile | None:
        # The hash lookup comes first; the ticket check is a cheap HMAC.
        if not share_links.ticket_is_valid(session, secret, doc_id, ticket, now=now):
            return None
        return share_links.open_document(session, secret, doc_id, passcode_ok=True, now=now)

    try:
        found = await db_work.in_session(opened)
    except NotFound:
        return _not_found()
    if found is None:
        return _not_found()
    try:
        body = await db_work.stored_chunks(default_storage(), found.storage_key)
    except NotFound:
        log.warning("document file missing from storage")
        return _not_found()
    inline = is_inline(found.mime_type)
    headers = {
        **NO_STORE,
        "Content-Length": str(found.size_bytes),
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{found.filename}"',
    }
    return StreamingResponse(body, media_type=found.mime_type, headers=headers)
