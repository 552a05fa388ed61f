"""Downloads of a profile as FHIR (issue 13): the whole record
(``GET /api/profiles/{profile_id}/export.fhir.json``), its IPS summary
(``GET /api/summary/ips.json?profile=<id>``) and the take-out archive
(``GET /api/takeout/{job_id}.zip``, only for the account that asked for it).

Identity from the HttpOnly session cookie (:mod:`mes_app.web.auth`); no session gives 401.
The use case (:func:`mes_app.services.record_export.export_record`) checks the access policy
and records the export; a stranger, a professional, an unknown or malformed id all get the same
404. The file is sent as an attachment with a readable name, never cached.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from mes_app.domain.access import UserActor
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import ips, record_export, takeout
from mes_app.web import auth, db_work
from mes_app.web.security_headers import FILE_HEADERS

PATH = "/api/profiles/{profile_id}/export.fhir.json"
SUMMARY_PATH = "/api/summary/ips.json"
T = TypeVar("T")
NO_STORE = {"Cache-Control": "no-store", **FILE_HEADERS}


def _attachment(body: bytes, filename: str, media_type: str = "application/fhir+json") -> Response:
    return Response(body, media_type=media_type,
                    headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'})


def _refused(status: int) -> Response:
    return PlainTextResponse("Not logged in" if status == 401 else "Not found", status_code=status, headers=NO_STORE)


async def export_fhir(request: Request) -> Response:
    now = datetime.now(UTC)
    cookie, profile_id = request.headers.get("cookie"), request.path_params.get("profile_id")
    try:
        found = await db_work.in_session(
            _as_user, cookie, now, lambda session, actor: record_export.export_record(session, actor, profile_id,
                                                                                      now=now))
    except (NotFound, Forbidden, ValidationError):
        return _refused(404)
    if found is None:
        return _refused(401)
    return _attachment(found.body, found.filename, found.media_type)


def _as_user(session: Session, cookie: str | None, now: datetime, work: Callable[[Session, UserActor], T]) -> T | None:
    """``work(session, actor)`` for the account of the session cookie; None without one.
    Runs in the db threads (:mod:`mes_app.web.db_work`); the policy's refusals raise."""
    identity = auth.resolve(session, cookie, now)
    if identity is None:
        return None
    return work(session, auth.actor_of(identity))


async def summary_fhir(request: Request) -> Response:
    """The summary of one profile as an IPS Bundle (JSON). The policy decides (strangers: 404);
    the download is recorded by the use case."""
    now = datetime.now(UTC)
    lang = auth.lang_from_cookie_header(request.headers.get("cookie"))
    profile = request.query_params.get("profile")
    try:
        bundle = await db_work.in_session(
            _as_user, request.headers.get("cookie"), now,
            lambda session, actor: ips.download_bundle(session, actor, profile, now=now, lang=lang))
    except (NotFound, Forbidden, ValidationError):
        return _refused(404)
    if bundle is None:
        return _refused(401)
    filename = f"{'synthese-ips' if lang == 'fr' else 'ips-summary'}-{now.date().isoformat()}.json"
    return _attachment(json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8"), filename)


# --- take-out archive (issue 13, item 2) ---
TAKEOUT_PATH = "/api/takeout/{job_id}.zip"


async def takeout_zip(request: Request) -> Response:
    """The zip of a take-out job, for the account that asked for it only: anyone else, an
    unknown, expired or malformed id get the same 404. The use case records the export of each
    profile in it."""
    now = datetime.now(UTC)
    job_id = request.path_params.get("job_id")
    try:
        found = await db_work.in_session(
            _as_user, request.headers.get("cookie"), now,
            lambda session, actor: takeout.open_download(session, actor, job_id, now=now))
    except (NotFound, Forbidden, ValidationError):
        return _refused(404)
    if found is None:
        return _refused(401)
    path, filename = found
    return FileResponse(path, media_type="application/zip", filename=filename, headers=NO_STORE)


# --- operators' statistics (issue 15 item 1) ---
STATS_CSV_PATH = "/api/operator/stats.csv"


async def operator_stats_csv(request: Request) -> Response:
    """The anonymous statistics as CSV (``?period=week|month``), for operators only: anyone
    else, signed in or not, gets 404 (the console does not reveal itself). Only counts, small
    ones shown as "< 10"; never cached."""
    import csv
    import io

    from mes_app.services import statistics

    now = datetime.now(UTC)
    cookie, period = request.headers.get("cookie"), request.query_params.get("period", "week")

    def figures(session: Session) -> tuple[statistics.Snapshot, statistics.Series]:
        actor = auth.request_actor(session, {"cookie": cookie} if cookie is not None else {}, now)
        operator_id = actor.user_id if actor else None
        return statistics.snapshot(session, operator_id, now), statistics.series(session, operator_id, period, now=now)

    try:
        snap, timeline = await db_work.in_session(figures)
    except (NotFound, ValidationError):
        return _refused(404)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(statistics.csv_rows(snap, timeline))
    filename = f"mes-statistiques-{timeline.period}-{now.date().isoformat()}.csv"
    return _attachment(out.getvalue().encode("utf-8"), filename, "text/csv; charset=utf-8")
