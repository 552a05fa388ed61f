"""``POST /api/measures/import``: the CSV import of measures, over plain HTTP.

Why a route and not ``rx.upload``: Reflex runs an upload handler against the state of the
client token sent in a header (chosen by the browser), with the router headers of that
state's websocket, not of the upload request. Here the identity comes from the session
cookie of *this* request, the profile id is checked by the access policy like any other
argument, the body is capped (``guard`` allows 5 MB + multipart overhead on this path, and
the service refuses anything over 5 MB), and the file is read in memory and never stored:
nothing ever lands in Reflex's public upload folder.

The Apple Health export (``APPLE_PATH``) is the same pipeline for a file of hundreds of MB:
see :func:`import_apple`.

Form fields: ``file`` (the CSV), ``profile`` (id), ``mode`` (``preview`` | ``import``).
Answers JSON with messages already translated (language cookie ``mes_lang``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from io import BufferedWriter
from pathlib import Path

from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mes_app import i18n
from mes_app.db.engine import get_engine
from mes_app.domain.access import UserActor
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.domain.measures import UNIT_LABELS, format_number
from mes_app.services import apple_import, measure_import
from mes_app.services.measure_import import MAX_IMPORT_BYTES
from mes_app.web import auth, db_work, rate_limit

log = logging.getLogger(__name__)

PATH = "/api/measures/import"
BODY_LIMIT = MAX_IMPORT_BYTES + 64 * 1024  # multipart overhead
_NO_STORE = {"Cache-Control": "no-store"}


def _lang(cookie_header: str | None) -> str:
    return auth.lang_from_cookie_header(cookie_header)


def _json(payload: dict, status: int = 200) -> JSONResponse:
    return JSONResponse(payload, status_code=status, headers=_NO_STORE)


def _message(code: str, params: dict, lang: str) -> str:
    shown = dict(params)
    for key in ("min", "max"):
        if isinstance(shown.get(key), float):
            shown[key] = format_number(shown[key], lang, 2)
    if "kind" in shown:
        shown["kind"] = i18n.t(f"measure.{shown['kind']}", lang)
    if "field" in shown:
        shown["field"] = i18n.t(f"measures.column.{shown['field']}", lang)
    return i18n.t(code, lang, **shown)


async def import_measures(request: Request) -> Response:
    # Requests from another site were already refused by routes.guard (mes_app.web.origin).
    lang = _lang(request.headers.get("cookie"))
    if (refusal := await rate_limit.check("upload", rate_limit.request_client(request))) is not None:
        return rate_limit.json_too_many(refusal, lang)
    now = datetime.now(UTC)
    actor = await db_work.in_session(auth.request_actor, request.headers, now)
    if actor is None:
        return _json({"ok": False, "message": i18n.t("error.session_expired", lang)}, 401)
    try:
        form = await request.form(max_files=1, max_fields=4, max_part_size=1024)
    except Exception:  # noqa: BLE001 - malformed multipart
        return _json({"ok": False, "message": i18n.t("error.import_not_csv", lang)}, 400)
    try:
        upload = form.get("file")
        mode = form.get("mode")
        profile_id = form.get("profile")
        if not isinstance(upload, UploadFile) or not isinstance(mode, str) or mode not in ("preview", "import"):
            return _json({"ok": False, "message": i18n.t("error.import_not_csv", lang)}, 400)
        data = await upload.read(MAX_IMPORT_BYTES + 1)
    finally:
        await form.close()
    try:
        payload = await db_work.slow_in_session(_run, actor, profile_id, data, mode, now, lang)
    except (NotFound, ValidationError, Forbidden) as error:
        if isinstance(error, ValidationError):
            text = _message(error.code, error.params, lang)
        else:
            text = i18n.t("error.not_found" if isinstance(error, NotFound) else "error.forbidden", lang)
        return _json({"ok": False, "message": text}, 422 if isinstance(error, ValidationError) else 404)
    return _json(payload)


def _run(session: Session, actor: UserActor, profile_id: object, data: bytes, mode: str, now: datetime,
         lang: str) -> dict:
    """The import, or its preview; in a worker thread (parsing a CSV of up to 5 MB)."""
    if mode == "import":
        count = measure_import.run_import(session, actor, profile_id, data, now=now)
        return {"ok": True, "imported": count, "message": i18n.t("measures.import_done", lang, count=count)}
    preview = measure_import.preview_import(session, actor, profile_id, data, now=now)
    return {
        "ok": True,
        "total": preview.total,
        "valid": preview.valid,
        "error_count": preview.error_count,
        "rows": [
            {
                "line": r.line,
                "when": f"{i18n.format_date(r.when[:10], lang)}{r.when[10:]}",
                "kind": i18n.t(f"measure.{r.kind}", lang),
                "value": format_number(r.value, lang, 2)
                + ("" if r.value_secondary is None else "/" + format_number(r.value_secondary, lang, 0)),
                "unit": UNIT_LABELS.get(r.unit, r.unit),
            }
            for r in preview.rows
        ],
        "errors": [{"line": e.line, "message": _message(e.code, e.params, lang)} for e in preview.errors],
    }


# --------------------------------------------------------------------------- Apple Health export (issue 12, item 3)

APPLE_PATH = "/api/measures/import-apple"
APPLE_BODY_LIMIT = apple_import.MAX_UPLOAD_BYTES


async def import_apple(request: Request) -> Response:
    """``POST /api/measures/import-apple?profile=<id>``, the body being the file itself (zip or
    xml, not multipart): checked (session, policy) *before* the body is read, then streamed to
    a 0600 file in the data folder chunk by chunk (never whole in memory), and handed to a
    background job. Answers ``{"ok": true, "job": <key>}``; the page then follows the job."""
    lang = _lang(request.headers.get("cookie"))
    if (refusal := await rate_limit.check("upload", rate_limit.request_client(request))) is not None:
        return rate_limit.json_too_many(refusal, lang)
    now = datetime.now(UTC)
    profile_id = request.query_params.get("profile")

    def checked(session: Session) -> UserActor | None:
        actor = auth.request_actor(session, request.headers, now)
        if actor is not None:
            apple_import.check_import(session, actor, profile_id, now=now)
        return actor

    try:
        actor = await db_work.in_session(checked)
    except (NotFound, ValidationError, Forbidden) as error:
        return _refusal(error, lang)
    if actor is None:
        return _json({"ok": False, "message": i18n.t("error.session_expired", lang)}, 401)
    path = await db_work.slow(apple_import.new_upload_path)
    try:
        size = await _receive_to_file(request, path)
        if size == 0:
            raise ValidationError("error.import_empty")
        key = await db_work.slow_in_session(apple_import.start_import, actor, profile_id, path, now=now,
                                            engine=get_engine())
    except (NotFound, ValidationError, Forbidden) as error:
        path.unlink(missing_ok=True)
        return _refusal(error, lang)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return _json({"ok": True, "job": key})


APPLE_WRITE_BATCH_BYTES = 1024 * 1024


def _open_upload(path: Path) -> BufferedWriter:
    return open(path, "wb")  # noqa: SIM115 - closed by _receive_to_file


async def _receive_to_file(request: Request, path: Path) -> int:
    """Stream the request body into the (0600) file at ``path``; its size in bytes.

    The disk work (open, writes, close) runs in worker threads, never on the event loop that
    serves the worker's other clients (issue 14 item 1): a 200 MB export is hundreds of writes.
    The chunks are gathered up to :data:`APPLE_WRITE_BATCH_BYTES` per thread hop, so the hops
    stay few while at most one batch is held in memory. Over the cap: ``ValidationError``
    (the caller deletes the partial file on that and on every other failure)."""
    out = await db_work.slow(_open_upload, path)
    try:
        size, pending = 0, bytearray()
        async for chunk in request.stream():
            size += len(chunk)
            if size > apple_import.MAX_UPLOAD_BYTES:
                raise ValidationError("error.apple_too_large")
            pending += chunk
            if len(pending) >= APPLE_WRITE_BATCH_BYTES:
                await db_work.slow(out.write, bytes(pending))
                pending.clear()
        if pending:
            await db_work.slow(out.write, bytes(pending))
        await db_work.slow(out.close)
        return size
    finally:
        out.close()  # a failure or a cancellation: no await here; closing twice is a no-op


def _refusal(error: Exception, lang: str) -> Response:
    if isinstance(error, ValidationError):
        return _json({"ok": False, "message": _message(error.code, error.params, lang)}, 422)
    return _json({"ok": False, "message": i18n.t("error.not_found", lang)}, 404)
