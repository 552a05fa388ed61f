"""Documents page and access history: thin states over :mod:`mes_app.services.documents`
and :mod:`mes_app.services.access_history`.

The upload itself never goes through Reflex (whose ``/_upload`` trusts the browser's token
and has no size limit): a tiny script posts the form to ``POST /api/documents`` (session
cookie, streamed, size-capped) with a progress bar, then calls :meth:`upload_finished` with
the outcome, which only reloads the list and shows a message.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from mes_app import formatting, i18n
from mes_app.domain.calendar import local_date
from mes_app.domain.documents import GranteeSwitch, size_label
from mes_app.services import access_history, documents
from mes_app.services.documents import DOCUMENTS_PAGE, MAX_SHOWN, DocumentView
from mes_app.settings import settings
from mes_app.state.base import AppState
from mes_app.state.mixins import ConfirmMixin
from mes_app.storage import default_storage

MAX_QUERY = 100


@dataclasses.dataclass(frozen=True)
class CategoryOption:
    code: str
    label: str


@dataclasses.dataclass(frozen=True)
class AccessRow:
    key: str
    when: str
    who: str
    what: str
    via: str
    refused: bool


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


class DocumentsState(ConfirmMixin, AppState):
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

    # the sharing dialog of one document
    sharing_open: bool = False
    sharing_title: str = ""
    sharing_hidden: bool = False
    sharing_grantees: list[GranteeSwitch] = []
    _sharing_doc_id: int | None = None

    # the delete confirmation
    _confirm_doc_id: int | None = None

    @rx.var
    def can_upload(self) -> bool:
        return self.active_relationship in ("owner", "guardian", "care_team")

    # ------------------------------------------------------------------ helpers

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
        self.documents = [
            dataclasses.replace(
                d,
                date=i18n.format_date(d.date, lang),
                category_label=labels.get(d.category_code, d.category_label),
                size_label=size_label(d.size_bytes, lang),
            )
            for d in views
        ]

    def _set_sharing(self, view: documents.SharingView) -> None:
        lang = self._lang()
        self._sharing_doc_id = view.document_id
        self.sharing_title = view.title
        self.sharing_hidden = view.hidden_from_professionals
        self.sharing_grantees = [
            dataclasses.replace(g, detail=i18n.format_date(g.detail, lang)) if g.kind == "share_link" else g
            for g in view.grantees
        ]

    # ------------------------------------------------------------------ events

    @rx.event
    def load_documents(self):
        lang = self._lang()
        self.categories = [CategoryOption(c.code, c.label(lang)) for c in documents.document_categories()]
        self.error = self.upload_error = ""
        self.sharing_open = self.confirm_open = False
        self._shown = DOCUMENTS_PAGE
        self.max_size_label = size_label(settings.max_upload_bytes, lang)

        def load(ctx) -> None:  # noqa: ANN001
            self._show_identity(ctx)
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

    # ------------------------------------------------------------------ sharing

    @rx.event
    def open_sharing(self, document_id: int):
        if not _is_id(document_id) or not any(d.id == document_id and d.manageable for d in self.documents):
            return None

        def load(ctx) -> None:  # noqa: ANN001
            self._set_sharing(documents.document_sharing(ctx.session, ctx.actor, document_id, now=ctx.now))

        done = self._run_as_user(load)
        self.sharing_open = done.ok
        return done.event

    @rx.event
    def set_sharing_open(self, value: bool):
        self.sharing_open = value if isinstance(value, bool) else False

    @rx.event
    def toggle_secret(self, doc_id: int, hidden: bool):
        """teen: the professional's switch "invisible to legal representatives" of one document."""

        def change(ctx) -> None:  # noqa: ANN001
            documents.set_hidden_from_guardians(ctx.session, ctx.actor, doc_id, hidden, now=ctx.now)
            self._reload(ctx)

        return self._run_as_user(change).event

    @rx.event
    def toggle_hidden(self, hidden: bool):
        doc_id = self._sharing_doc_id
        if doc_id is None or not isinstance(hidden, bool):
            return None

        def change(ctx) -> None:  # noqa: ANN001
            documents.set_hidden_from_professionals(ctx.session, ctx.actor, doc_id, hidden, now=ctx.now)
            self._set_sharing(documents.document_sharing(ctx.session, ctx.actor, doc_id, now=ctx.now))
            self._reload(ctx)

        done = self._run_as_user(change)
        return rx.toast.success(self._text("documents.sharing_updated"), duration=2000) if done.ok else done.event

    @rx.event
    def toggle_grantee(self, kind: str, grantee_id: int, allowed: bool):
        doc_id = self._sharing_doc_id
        if doc_id is None:
            return None

        def change(ctx) -> None:  # noqa: ANN001
            self._set_sharing(documents.set_document_switch(ctx.session, ctx.actor, doc_id, kind, grantee_id,
                                                            allowed, now=ctx.now))

        done = self._run_as_user(change)
        return rx.toast.success(self._text("documents.sharing_updated"), duration=2000) if done.ok else done.event

    # ------------------------------------------------------------------ delete

    @rx.event
    def ask_delete(self, document_id: int):
        if not _is_id(document_id) or not any(d.id == document_id and d.deletable for d in self.documents):
            return
        self._confirm_doc_id = document_id
        self.confirm_open = True

    def _confirm_closed(self) -> None:
        self._confirm_doc_id = None

    @rx.event
    def confirm_delete(self):
        self.confirm_open = False
        doc_id = self._confirm_doc_id
        self._confirm_doc_id = None
        if doc_id is None:
            return None

        def delete(ctx) -> None:  # noqa: ANN001
            documents.delete_document(ctx.session, ctx.actor, doc_id, storage=default_storage(), now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(delete)
        return rx.toast.success(self._text("documents.deleted"), duration=2500) if done.ok else done.event


# --------------------------------------------------------------------------- access history


def _span(item: access_history.AccessView, lang: str) -> str:
    """When: one moment, or "12 tentatives refusées entre le … et le …" for a grouped line."""
    if item.count <= 1 or not item.first_at:
        return formatting.day_and_time(item.occurred_at, lang)
    first, last = item.first_at, item.occurred_at
    kind = "refused" if item.refused else "times"
    last_day = formatting.day(last, lang)
    if formatting.local_minute(first) == formatting.local_minute(last):
        return i18n.t(f"access.{kind}_same_minute", lang, count=item.count, date=last_day,
                      time=formatting.time(last, lang))
    if formatting.day(first, lang) == last_day:
        return i18n.t(f"access.{kind}_same_day", lang, count=item.count, date=last_day,
                      start=formatting.time(first, lang), end=formatting.time(last, lang))
    return i18n.t(f"access.{kind}_days", lang, count=item.count, start=formatting.day(first, lang), end=last_day)


def _target_text(item: access_history.AccessView, lang: str) -> str:
    if item.target_kind == "document" and item.target_label:
        return i18n.t("access.the_document_titled", lang, title=item.target_label)
    if item.target_kind == "document" and item.count > 1 and not item.refused:
        return i18n.t("access.target.documents_several", lang)
    return _label(f"access.target.{item.target_kind}", lang, "access.target.unknown")


def _label(key: str, lang: str, fallback: str) -> str:
    """Never a raw code: an unknown one (only from a newer version's rows) reads as the fallback."""
    return i18n.t(key if key in i18n.TEXTS else fallback, lang)


def access_row(item: access_history.AccessView, lang: str) -> AccessRow:
    if item.source == access_history.STRANGERS:  # never who: only that someone tried, and was refused
        return AccessRow(item.key, _span(item, lang), i18n.t("access.stranger", lang),
                         i18n.t("access.stranger_tried", lang), i18n.t("access.stranger_note", lang), True)
    who = item.who or i18n.t("access.a_link" if item.who_role == "link" else "access.someone", lang)
    whole = f"access.did.{item.action}.{item.target_kind}"
    if whole in i18n.TEXTS:
        what = i18n.t(whole, lang)
    else:
        verb = f"access.verb.{item.action}.{item.target_kind}"
        if verb not in i18n.TEXTS:
            verb = f"access.action.{item.action}"
        what = f"{_label(verb, lang, 'access.action.unknown')} {_target_text(item, lang)}"
    via = _label(f"access.via.{item.via}", lang, "access.via.none")
    if item.grant_label:
        via += f" « {item.grant_label} »"
    return AccessRow(item.key, _span(item, lang), who, what, via, item.refused)


class AccessHistoryState(AppState):
    rows: list[AccessRow] = []
    page: int = 0
    has_more: bool = False
    error: str = ""

    def _fetch(self, reset: bool) -> rx.event.EventSpec | None:

        def fetch(ctx):  # noqa: ANN001, ANN202
            pid = self._active_profile(ctx)
            return None if pid is None else access_history.access_history(
                ctx.session, ctx.actor, pid, page=self.page, now=ctx.now)

        ran = self._run_as_user(fetch)
        if ran.gone:
            return ran.event
        result = ran.value
        if result is None:  # refused (the error says why), or no profile to show
            self.rows, self.has_more = [], False
            return None
        lang = self._lang()
        fresh = [access_row(item, lang) for item in result.items]
        if reset:
            self.rows = fresh
        else:  # a line that moved down since the last page (new events) is not shown twice
            shown = {row.key for row in self.rows}
            self.rows = self.rows + [row for row in fresh if row.key not in shown]
        self.has_more = result.has_more
        return None

    @rx.event
    def load_access_history(self):
        self.page, self.error = 0, ""
        return self._fetch(reset=True)

    @rx.event
    def load_more(self):
        if self.page >= 10_000:
            return None
        self.page += 1
        return self._fetch(reset=False)
