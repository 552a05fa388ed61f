"""``GET /api/profiles/{profile_id}/export.fhir.json``: the whole record as FHIR (issue 13).

Identity from the HttpOnly session cookie (:mod:`mes_app.web.auth`); no session gives 401.
The use case (:func:`mes_app.services.record_export.export_record`) checks the access policy
and records the export; a stranger, a professional, an unknown or malformed id all get the same
404. The file is sent as an attachment with a readable name, never cached.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from mes_app.db.engine import get_engine
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import record_export
from mes_app.web import auth
from mes_app.web.security_headers import FILE_HEADERS

PATH = "/api/profiles/{profile_id}/export.fhir.json"
NO_STORE = {"Cache-Control": "no-store", **FILE_HEADERS}


async def export_fhir(request: Request) -> Response:
    now = datetime.now(UTC)
    with Session(get_engine()) as session:
        actor = auth.request_actor(session, request.headers, now)
        if actor is None:
            return PlainTextResponse("Not logged in", status_code=401, headers=NO_STORE)
        try:
            found = record_export.export_record(session, actor, request.path_params.get("profile_id"), now=now)
        except (NotFound, Forbidden, ValidationError):
            return PlainTextResponse("Not found", status_code=404, headers=NO_STORE)
    headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{found.filename}"'}
    return Response(found.body, media_type=found.media_type, headers=headers)
