"""HTTP routes for documents (registered in :func:`mes_app.web.routes.build_api`).

``POST /api/documents`` — deposit a document. Identity comes from the HttpOnly session
cookie (never from Reflex's client token). The multipart body is parsed as it streams in
(python-multipart): the text fields (``profile_id``, ``title``, ``document_date``,
``category``) must come before the file; rights and fields are checked when the file part
starts, then its bytes go straight into the private storage under the size limit. The
browser's file name and content type are never trusted. Answers JSON:
``{"ok": true, "id": n}`` or ``{"ok": false, "code": "<message key>", "message": "<text>"}``.

``GET /api/documents/{doc_id}`` — open a document, after the access policy said yes; the
opening is recorded in the patient's access history. Anyone else gets 404 (and the attempt
is recorded). ``?download=1`` forces a download; PDF and images otherwise preview inline.
"""

from __future__ import annotations

import errno
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from python_multipart.multipart import MultipartParser, parse_options_header
from sqlmodel import Session
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from mes_app import i18n
from mes_app.domain.access import UserActor
from mes_app.domain.documents import is_inline
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import documents
from mes_app.settings import settings
from mes_app.storage import default_storage
from mes_app.web import auth, db_work, rate_limit
from mes_app.web.security_headers import FILE_HEADERS

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

log = logging.getLogger(__name__)

MAX_FIELD_BYTES = 2048
MAX_FIELDS = 8
TEXT_FIELDS = frozenset({"profile_id", "title", "document_date", "category",
                         "hidden_from_guardians"})  # teen: the switch "invisible to legal representatives"
NO_STORE = {"Cache-Control": "no-store", **FILE_HEADERS}


def _now() -> datetime:
    return datetime.now(UTC)


def _lang(request: Request) -> str:
    return auth.lang_from_cookie_header(request.headers.get("cookie"))


def _actor(session: Session, request: Request, now: datetime) -> UserActor | None:
    return auth.request_actor(session, request.headers, now)


def _refusal(request: Request, code: str, status: int, **params: object) -> JSONResponse:
    message = i18n.t(code, _lang(request), **params)
    return JSONResponse({"ok": False, "code": code, "message": message}, status_code=status, headers=NO_STORE)


class _BadForm(Exception):
    pass


class _UploadParser:
    """python-multipart callbacks: small text fields first, then exactly one file, streamed."""

    def __init__(self, session: Session, actor: UserActor, now: datetime) -> None:
        self.session, self.actor, self.now = session, actor, now
        self.max_bytes = settings.max_upload_bytes
        self.storage = default_storage()
        self.fields: dict[str, str] = {}
        self.pending: documents.PendingUpload | None = None
        self.file_done = False
        self._headers: dict[bytes, bytes] = {}
        self._header_field = b""
        self._header_value = b""
        self._part: str | None = None  # field name, or "\0file"
        self._value = bytearray()

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": lambda data, start, end: self._add(data, start, end, "_header_field"),
            "on_header_value": lambda data, start, end: self._add(data, start, end, "_header_value"),
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
        }

    def _add(self, data: bytes, start: int, end: int, name: str) -> None:
        setattr(self, name, getattr(self, name) + data[start:end])

    def on_part_begin(self) -> None:
        self._headers, self._part, self._value = {}, None, bytearray()

    def on_header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field, self._header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("latin-1")
        if b"filename" in options:
            if name != "file" or self.pending is not None or self.file_done:
                raise _BadForm()  # one file only, in the field "file"
            try:
                filename = options[b"filename"].decode("utf-8")
            except UnicodeDecodeError:
                raise ValidationError("error.document_bad_filename") from None
            # Rights, fields and name are all checked before a single byte is stored.
            self.pending = documents.begin_upload(
                self.session, self.actor, self.fields.get("profile_id"),
                {k: v for k, v in self.fields.items() if k != "profile_id"}, filename,
                storage=self.storage, max_bytes=self.max_bytes, now=self.now,
            )
            self._part = "\0file"
            return
        if name not in TEXT_FIELDS or name in self.fields or len(self.fields) >= MAX_FIELDS:
            raise _BadForm()
        self._part = name

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._part == "\0file":
            if self.pending is None:  # the file part begins with begin_upload
                raise _BadForm()
            self.pending.write(data[start:end])
            return
        self._value += data[start:end]
        if len(self._value) > MAX_FIELD_BYTES:
            raise _BadForm()

    def on_part_end(self) -> None:
        if self._part == "\0file":
            self.file_done = True
        elif self._part is not None:
            try:
                self.fields[self._part] = self._value.decode("utf-8")
            except UnicodeDecodeError:
                raise _BadForm() from None
        self._part = None


async def upload_document(request: Request) -> Response:
    # Requests from another site were already refused by routes.guard (mes_app.web.origin).
    if (refusal := await rate_limit.check("upload", rate_limit.request_client(request))) is not None:
        return rate_limit.json_too_many(refusal, _lang(request), NO_STORE)
    now = _now()
    # The parser's steps check rights (begin_upload) and write to the store: each runs in the db
    # threads (db_work), the loop only receives the chunks.
    async with db_work.held_session() as session:
        actor = await db_work.db(_actor, session, request, now)
        if actor is None:
            return _refusal(request, "error.session_expired", 401)
        content_type, params = parse_options_header(request.headers.get("content-type"))
        boundary = params.get(b"boundary")
        if content_type != b"multipart/form-data" or not boundary or len(boundary) > 200:
            return _refusal(request, "error.invalid_form", 400)
        state = _UploadParser(session, actor, now)
        parser = MultipartParser(boundary, state.callbacks())
        finished = False
        try:
            async for chunk in request.stream():
                if chunk:
                    await db_work.db(parser.write, chunk)
            await db_work.db(parser.finalize)
            if state.pending is None:
                return _refusal(request, "error.document_no_file", 400)
            if not state.file_done:
                return _refusal(request, "error.document_incomplete", 400)
            view = await db_work.db(documents.finish_upload, session, actor, state.pending, now=now)
            finished = True
        except ClientDisconnect:
            return _refusal(request, "error.document_incomplete", 400)
        except _BadForm:
            return _refusal(request, "error.invalid_form", 400)
        except ValidationError as error:
            status = 413 if error.code == "error.document_too_large" else 400
            return _refusal(request, error.code, status, **error.params)
        except NotFound:
            return _refusal(request, "error.not_found", 404)
        except Forbidden:
            return _refusal(request, "error.forbidden", 403)
        except OSError as error:  # the store is full or unreachable (StorageError is one too)
            log.warning("document store refused a write (%s)", _os_reason(error))
            return _refusal(request, "error.document_store_failed", 507 if error.errno == errno.ENOSPC else 503)
        finally:
            if not finished and state.pending is not None:
                await db_work.db(state.pending.abort)  # an upload cut half way leaves no file behind
    return JSONResponse({"ok": True, "id": view.id}, status_code=201, headers=NO_STORE)


def _os_reason(error: OSError) -> str:
    """The error's class and errno name: never its text (a path, a key)."""
    name = errno.errorcode.get(error.errno, "") if error.errno else ""
    return f"{type(error).__name__} {name}".strip()


async def download_document(request: Request) -> Response:
    now = _now()
    doc_id = request.path_params.get("doc_id")

    def opened(session: Session) -> documents.DocumentFile | None:
        actor = _actor(session, request, now)
        return None if actor is None else documents.open_document(session, actor, doc_id, now=now)

    try:
        found = await db_work.in_session(opened)
    except NotFound:
        return PlainTextResponse("Not found", status_code=404, headers=NO_STORE)
    if found is None:
        return PlainTextResponse("Not found", status_code=404, headers=NO_STORE)
    try:
        body = await db_work.stored_chunks(default_storage(), found.storage_key)
    except NotFound:
        log.warning("document file missing from storage")
        return PlainTextResponse("Not found", status_code=404, headers=NO_STORE)
    inline = is_inline(found.mime_type) and request.query_params.get("download") != "1"
    headers = {
        **NO_STORE,
        "Content-Length": str(found.size_bytes),
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{found.filename}"',
    }
    return StreamingResponse(body, media_type=found.mime_type, headers=headers)
