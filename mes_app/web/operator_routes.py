"""The operator's audit export (issue 15): ``GET /api/operator/audit.csv``.

Identity from the HttpOnly session cookie (:mod:`mes_app.web.auth`). Only an operator gets the
file; anyone else (no session, a patient, a professional) gets the same 404 as an unknown path,
so the route does not reveal itself. The export itself is logged (``audit_export``). The file
holds the operator log only (dates, e-mails, action codes): no health data. Never cached.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from mes_app.services import operator_log
from mes_app.services.operators import operator_account
from mes_app.web import auth, db_work
from mes_app.web.security_headers import FILE_HEADERS

AUDIT_PATH = "/api/operator/audit.csv"
NO_STORE = {"Cache-Control": "no-store", **FILE_HEADERS}
COLUMNS = ("occurred_at", "operator_email", "action", "target_email")
EXPORT = "audit_export"  # the operator log code (operator_log.ACTIONS)


def audit_csv(lines: list[operator_log.LoggedOperatorAction]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow((line.occurred_at.isoformat(), line.operator_email, line.action, line.target_email))
    return out.getvalue()


async def audit_export(request: Request) -> Response:
    now = datetime.now(UTC)
    cookie = request.headers.get("cookie")

    def export(session: Session) -> str | None:
        actor = auth.request_actor(session, {"cookie": cookie} if cookie is not None else {}, now)
        operator = operator_account(session, actor.user_id if actor else None)
        if operator is None:
            return None
        operator_log.record(session, operator_user_id=operator.id, action=EXPORT, target_user_id=None, now=now)
        session.commit()
        return audit_csv(operator_log.entries(session))

    body = await db_work.in_session(export)
    if body is None:
        return PlainTextResponse("Not found", status_code=404, headers=NO_STORE)
    filename = f"mes-operator-audit-{now:%Y-%m-%d}.csv"
    return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'})
