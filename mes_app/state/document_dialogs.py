"""The dialogs of one document on the documents page: who it is shared with (its switches) and
the delete confirmation. A substate of :class:`~mes_app.state.documents.DocumentsState`: it
reads the list shown (only a document listed there, manageable or deletable, is opened) and
reloads it after a change; the list's own events never load this state.

The document being shared or deleted stays on the server (``_sharing_doc_id``,
``_confirm_doc_id``); the service checks every change against the document itself.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from mes_app import i18n
from mes_app.domain.documents import GranteeSwitch
from mes_app.domain.validation import id_or_none
from mes_app.services import documents
from mes_app.state.documents import DocumentsState
from mes_app.state.mixins import ConfirmMixin
from mes_app.storage import default_storage


class DocumentDialogsState(ConfirmMixin, DocumentsState):
    # the sharing dialog of one document
    sharing_open: bool = False
    sharing_title: str = ""
    sharing_hidden: bool = False
    sharing_grantees: list[GranteeSwitch] = []
    _sharing_doc_id: int | None = None
    # the delete confirmation
    _confirm_doc_id: int | None = None

    def _confirm_closed(self) -> None:
        self._confirm_doc_id = None

    def _close(self) -> None:
        """The page loads (again): no dialog open, nothing being shared or deleted."""
        self.sharing_open = self.confirm_open = False
        self._sharing_doc_id = self._confirm_doc_id = None

    def _set_sharing(self, view: documents.SharingView) -> None:
        lang = self._lang()
        self._sharing_doc_id = view.document_id
        self.sharing_title = view.title
        self.sharing_hidden = view.hidden_from_professionals
        self.sharing_grantees = [
            dataclasses.replace(g, detail=i18n.format_date(g.detail, lang)) if g.kind == "share_link" else g
            for g in view.grantees
        ]

    # ------------------------------------------------------------------ sharing

    @rx.event
    def open_sharing(self, document_id: int):
        if id_or_none(document_id) is None or not any(d.id == document_id and d.manageable for d in self.documents):
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
        if id_or_none(document_id) is None or not any(d.id == document_id and d.deletable for d in self.documents):
            return
        self._confirm_doc_id = document_id
        self.confirm_open = True

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
