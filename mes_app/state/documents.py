"""The documents page: the list of the active profile's documents (filter, search, « voir
plus »), the upload form's outcome, the teen switch. One document's dialogs (sharing, delete)
are the substate :class:`~mes_app.state.document_dialogs.DocumentDialogsState`.

The upload itself never goes through Reflex (whose ``/_upload`` trusts the browser's token
and has no size limit): a tiny script posts the form to ``POST /api/documents`` (session
cookie, streamed, size-capped) with a progress bar, then calls :meth:`upload_finished` with
the outcome, which only reloads the list and shows a message.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from mes_app import i18n
from mes_app.domain.access import Section
from mes_app.domain.calendar import local_date
from mes_app.domain.documents import size_label
from mes_app.services import documents
from mes_app.services.documents import DOCUMENTS_PAGE, MAX_SHOWN, DocumentView
from mes_app.settings import settings
from mes_app.state.base import AppState

MAX_QUERY = 100


@dataclasses.dataclass(frozen=True)
class CategoryOption:
    code: str
    label: str


class DocumentsState(AppState):
    documents: list[DocumentView] = []
    has_more: bool = False  # « Voir plus »: the list shows the newest ``_shown`` documents
    _shown: int = DOCUMENTS_PAGE
    categories: list[CategoryOption] = []
    category_filter: str = ""
    query: str = ""
    error: str = ""
    upload_error: str = ""
    upload_form_key: int = 0
    upload_open: bool = False
    today: str = ""
    max_size_label: str = ""

    @rx.var
    def can_upload(self) -> bool:
        return Section.DOCUMENTS.value in self.addable_sections

    def _labels(self) -> dict[str, str]:
        return {c.code: c.label for c in self.categories}

    def _reload(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        self.documents, self.has_more = [], False
        if pid is None:
            return
        lang = self._lang()
        labels = self._labels()
        page = documents.documents_page(ctx.session, ctx.actor, pid, category=self.category_filter,
                                        query=self.query, limit=self._shown, now=ctx.now)
        views, self.has_more = page.items, page.has_more
        self.documents = [dataclasses.replace(d, date=i18n.format_date(d.date, lang), size_label=size_label(
            d.size_bytes, lang), category_label=labels.get(d.category_code, d.category_label)) for d in views]

    # ------------------------------------------------------------------ events

    @rx.event
    async def load_documents(self):
        from mes_app.state.document_dialogs import DocumentDialogsState  # its parent is this state

        (await self._fill_other_state(DocumentDialogsState))._close()
        lang = self._lang()
        self.categories = [CategoryOption(c.code, c.label(lang)) for c in documents.document_categories()]
        self.error = self.upload_error = ""
        self._shown = DOCUMENTS_PAGE
        self.max_size_label = size_label(settings.max_upload_bytes, lang)

        def load(ctx) -> None:  # noqa: ANN001
            self.today = local_date(ctx.now).isoformat()
            self._reload(ctx)

        return self._run_as_user(load).event

    @rx.event
    def set_category(self, code: str):
        if not isinstance(code, str) or (code and code not in self._labels()):
            return
        self.category_filter, self._shown = code, DOCUMENTS_PAGE
        return self._run_as_user(self._reload).event

    @rx.event
    def set_query(self, text: str):
        if not isinstance(text, str):
            return
        self.query, self._shown = text[:MAX_QUERY], DOCUMENTS_PAGE
        return self._run_as_user(self._reload).event

    @rx.event
    def show_more(self):
        self._shown = min(self._shown + DOCUMENTS_PAGE, MAX_SHOWN)
        return self._run_as_user(self._reload).event

    @rx.event
    def toggle_upload(self):
        self.upload_open = not self.upload_open
        self.upload_error = ""

    @rx.event
    def upload_finished(self, result: dict):
        """Called by the upload script with ``{"ok": bool, "code": "<message key>"}``: the
        outcome only decides which message to show; the list is re-read from the server."""
        ok = isinstance(result, dict) and result.get("ok") is True
        code = result.get("code") if isinstance(result, dict) else None
        if not ok:
            if code == "":
                return None  # the browser already pointed at the missing field
            known = isinstance(code, str) and code.startswith("error.") and code in i18n.TEXTS
            params = {"max_mb": settings.max_upload_bytes // (1024 * 1024)}
            self.upload_error = self._text(code if known and isinstance(code, str) else "error.upload_failed", **params)
            return None
        self.upload_error = ""
        self.upload_form_key += 1
        self.upload_open = False
        done = self._run_as_user(self._reload)
        if not done.ok:
            return done.event
        return rx.toast.success(self._text("documents.uploaded"), duration=2500)

    @rx.event
    def toggle_secret(self, doc_id: int, hidden: bool):
        """teen: the professional's switch "invisible to legal representatives" of one document."""

        def change(ctx) -> None:  # noqa: ANN001
            documents.set_hidden_from_guardians(ctx.session, ctx.actor, doc_id, hidden, now=ctx.now)
            self._reload(ctx)

        return self._run_as_user(change).event
