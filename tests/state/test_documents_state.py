"""The documents page: the list, and one document's dialogs (sharing, delete) in a substate that
opens only a document the list shows, reloads the list after a change, and closes when the
page loads again."""

from __future__ import annotations

import asyncio

from mes_app.db.models import Document
from mes_app.services import documents
from mes_app.state import document_dialogs
from mes_app.state.document_dialogs import DocumentDialogsState
from mes_app.state.documents import DocumentsState
from mes_app.storage import LocalStorage
from tests.factories import committed_count, make_owner, make_stranger
from tests.state.test_app_state import login, real_now, redirect_path, state_for, test_database  # noqa: F401


def _pdf(title: str) -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + title.encode() * 100 + b"\n%%EOF\n"


def _upload(session, who, storage, title: str) -> int:  # noqa: ANN001
    form = {"title": title, "document_date": "2026-11-20", "category": "11502-2"}
    return documents.upload_document(session, who.actor, who.profile.id, form, "analyses.pdf", [_pdf(title)],
                                     storage=storage, max_bytes=10_000, now=real_now()).id


def _page(session, who):  # noqa: ANN001, ANN202
    state = state_for(login(session, who), who, path="/documents")
    page = state.get_substate(DocumentsState.get_full_name().split(".")[2:])
    dialogs = state.get_substate(DocumentDialogsState.get_full_name().split(".")[2:])
    assert asyncio.run(page.load_documents()) is None
    return page, dialogs


def test_the_dialogs_open_only_a_listed_document_and_close_on_the_next_load(session, tmp_path):  # noqa: ANN001
    storage = LocalStorage(tmp_path / "documents")
    alice, mallory = make_owner(session, "Alice Durand"), make_stranger(session)
    mine = _upload(session, alice, storage, "Prise de sang")
    theirs = _upload(session, mallory, storage, "Radio du genou")
    page, dialogs = _page(session, alice)
    assert [d.title for d in page.documents] == ["Prise de sang"]

    for sent in (theirs, str(mine), None, True, [mine], -1):
        assert dialogs.open_sharing(sent) is None and not dialogs.sharing_open
        dialogs.ask_delete(sent)
        assert not dialogs.confirm_open and dialogs._confirm_doc_id is None
    dialogs.open_sharing(mine)
    assert dialogs.sharing_open and dialogs.sharing_title == "Prise de sang" and dialogs._sharing_doc_id == mine
    dialogs.ask_delete(mine)
    assert dialogs.confirm_open and dialogs._confirm_doc_id == mine

    asyncio.run(page.load_documents())  # the page again (a reload): no dialog left open
    assert not dialogs.sharing_open and not dialogs.confirm_open and dialogs._confirm_doc_id is None


def test_deleting_from_the_dialog_reloads_the_list(session, tmp_path, monkeypatch):  # noqa: ANN001
    storage = LocalStorage(tmp_path / "documents")
    monkeypatch.setattr(document_dialogs, "default_storage", lambda: storage)
    alice = make_owner(session, "Alice Durand")
    first = _upload(session, alice, storage, "Prise de sang")
    _upload(session, alice, storage, "Ordonnance")
    page, dialogs = _page(session, alice)
    assert len(page.documents) == 2
    dialogs.ask_delete(first)
    assert dialogs.confirm_delete() is not None  # the toast
    assert [d.title for d in page.documents] == ["Ordonnance"]
    assert committed_count(session, Document, Document.id == first, Document.deleted_at.is_not(None)) == 1


def test_a_session_of_someone_else_deletes_nothing(session, tmp_path, monkeypatch):  # noqa: ANN001
    storage = LocalStorage(tmp_path / "documents")
    monkeypatch.setattr(document_dialogs, "default_storage", lambda: storage)
    alice, mallory = make_owner(session, "Alice Durand"), make_stranger(session)
    doc = _upload(session, alice, storage, "Prise de sang")
    # Alice's state (the delete asked), replayed on a connection carrying Mallory's cookie.
    state = state_for(login(session, mallory), alice, path="/documents")
    dialogs = state.get_substate(DocumentDialogsState.get_full_name().split(".")[2:])
    dialogs._confirm_doc_id = doc
    assert redirect_path(dialogs.confirm_delete()) == "/login"
    assert committed_count(session, Document, Document.id == doc, Document.deleted_at.is_(None)) == 1
