"""``GET /api/operator/stats.csv``: the service's aggregate statistics as CSV (issue 15 item 1),
for operators only; anyone else (not logged in included) gets the same 404 as for a page that
does not exist. Counts under 10 read "< 10". Never cached."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from mes_app.db.engine import get_engine
from mes_app.domain import statistics as st
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import statistics
from mes_app.web import auth
from mes_app.web.export_routes import NO_STORE

PATH = "/api/operator/stats.csv"


async def stats_csv(request: Request) -> Response:
    """The snapshot and the series (``?period=week|month``, month by default) as one CSV file."""
    now = datetime.now(UTC)
    period = request.query_params.get("period", "month")
    with Session(get_engine()) as session:
        actor = auth.request_actor(session, request.headers, now)
        try:
            snap = statistics.snapshot(session, actor.user_id if actor else None, now)
            periods = statistics.series(session, actor.user_id if actor else None, period, now)
        except (NotFound, ValidationError):
            return PlainTextResponse("Not found", status_code=404, headers=NO_STORE)
    out = io.StringIO()
    rows = [(p.period, p.start, p.accounts_created, p.documents_deposited) for p in periods]
    csv.writer(out, lineterminator="\n").writerows(st.csv_rows(snap.figures(), rows))
    filename = f"mes-statistics-{now.date().isoformat()}.csv"
    return Response(out.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'})
