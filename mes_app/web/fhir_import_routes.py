"""``POST /api/record/import``: a FHIR file imported into a record by its patient (issue 12 item 3).

The same pattern as the CSV import of measures (:mod:`mes_app.web.measure_import`): the
identity comes from the session cookie of this request, the profile id is checked by the
access policy in the service (a stranger: 404), the body is capped by ``routes.guard``
(20 MB + multipart overhead on this path; Starlette spools the part to a temporary file), the
same-origin check is ``routes.guard``'s, and the file is never stored as such: only the
entries it holds, through the record's use cases (documents into the document store).

Form fields: ``file`` (the JSON), ``profile`` (id), ``mode`` (``preview`` | ``import``).
Answers JSON with messages already translated (language cookie ``mes_lang``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mes_app import i18n
from mes_app.domain import fhir_intake as fi
from mes_app.domain.access import UserActor
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import fhir_import
from mes_app.settings import settings
from mes_app.storage import default_storage
from mes_app.web import auth, db_work, rate_limit

PATH = "/api/record/import"
MAX_FILE_BYTES = fhir_import.MAX_FILE_BYTES
BODY_LIMIT = MAX_FILE_BYTES + 64 * 1024  # multipart overhead
_NO_STORE = {"Cache-Control": "no-store"}


def _json(payload: dict, status: int = 200) -> JSONResponse:
    return JSONResponse(payload, status_code=status, headers=_NO_STORE)


def section_label(target: str, lang: str) -> str:
    """The record section an entry goes to, as the pages name it."""
    if target in (fi.MEASURES, fi.DOCUMENTS, fi.LAB):
        return i18n.t(f"section.{target}", lang)
    return i18n.t(f"kind.{target}", lang)


async def import_file(request: Request) -> Response:
    # Requests from another site were already refused by routes.guard (mes_app.web.origin).
    lang = auth.lang_from_cookie_header(request.headers.get("cookie"))
    if (refusal := await rate_limit.check("upload", rate_limit.request_client(request))) is not None:
        return rate_limit.json_too_many(refusal, lang)
    now = datetime.now(UTC)
    actor = await db_work.in_session(auth.request_actor, request.headers, now)
    if actor is None:
        return _json({"ok": False, "message": i18n.t("error.session_expired", lang)}, 401)
    try:
        form = await request.form(max_files=1, max_fields=4, max_part_size=1024)
    except Exception:  # noqa: BLE001 - malformed multipart
        return _json({"ok": False, "message": i18n.t("error.fhir_import_not_json", lang)}, 400)
    try:
        upload, mode, profile_id = form.get("file"), form.get("mode"), form.get("profile")
        if not isinstance(upload, UploadFile) or mode not in ("preview", "import"):
            return _json({"ok": False, "message": i18n.t("error.fhir_import_not_json", lang)}, 400)
        data = await upload.read(MAX_FILE_BYTES + 1)
        filename = upload.filename or ""
    finally:
        await form.close()
    try:
        payload = await db_work.slow_in_session(_run, actor, profile_id, data, filename, str(mode), now, lang)
    except (NotFound, Forbidden) as error:  # a stranger, or someone who may not import: 404, as measure_import
        key = "error.not_found" if isinstance(error, NotFound) else "error.forbidden"
        return _json({"ok": False, "message": i18n.t(key, lang)}, 404)
    except ValidationError as error:
        return _json({"ok": False, "message": i18n.t(error.code, lang, **error.params)}, 422)
    return _json(payload)


def _run(session: Session, actor: UserActor, profile_id: object, data: bytes, filename: str, mode: str,
         now: datetime, lang: str) -> dict:
    """The import, or its preview; in a worker thread (parsing a file of up to 20 MB)."""
    if mode == "import":
        done = fhir_import.run_import(session, actor, profile_id, data, now=now, storage=default_storage(),
                                      max_bytes=settings.max_upload_bytes, filename=filename)
        return {"ok": True, "imported": done.total,
                "message": i18n.t("fhir_import.done", lang, count=done.total)}
    preview = fhir_import.preview(session, actor, profile_id, data, now=now, filename=filename)
    return {
        "ok": True,
        "source": preview.source,
        "total": preview.total,
        "counts": [{"section": section_label(k, lang), "count": n} for k, n in preview.counts.items()],
        "lines": [{"section": section_label(line.section, lang), "summary": line.summary,
                   "day": i18n.format_date(line.day, lang)} for line in preview.lines],
        "skipped": [{"entry": i18n.t("fhir_import.entry", lang, index=s.index) if s.index else "",
                     "type": s.resource_type, "reason": i18n.t(f"fhir_import.skip.{s.reason}", lang)}
                    for s in preview.skipped],
        "duplicates": preview.duplicates,
    }
