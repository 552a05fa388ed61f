"""``GET /api/activate?t=<secret>``: the link of the activation e-mail (registered in
:func:`mes_app.web.routes.build_api`). Activates the pending account once, then sends to the
log-in page with a notice; any link that does not work (unknown, used, expired) gets the same
neutral notice."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mes_app import mail
from mes_app.db.engine import get_engine
from mes_app.services import registration
from mes_app.web import rate_limit

ACTIVATE_PATH = mail.ACTIVATION_PATH
DONE = "/login?activated=1"
INVALID = "/login?activation=invalid"


def utcnow() -> datetime:
    return datetime.now(UTC)


async def activate(request: Request) -> Response:
    if (limited := rate_limit.limited_response(request, "link_open")) is not None:
        return limited
    with Session(get_engine()) as session:
        user_id = registration.activate(session, request.query_params.get("t"), now=utcnow())
    response = RedirectResponse(DONE if user_id is not None else INVALID, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
