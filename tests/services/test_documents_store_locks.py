"""Every writer of the PostgreSQL document store is released (issue 14 items 3-4): after an
upload, a refused upload, a FHIR transaction rolled back and a migration, no advisory lock is
left on the server and no pooled connection had to be thrown away for still holding one. The
start-up sweep then keeps every file a row names and erases the others. Against the real
server (skipped without MES_TEST_DATABASE_URL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mes_app.db.models import Document
from mes_app.domain.errors import ValidationError
from mes_app.services import document_migration as dm
from mes_app.services import documents
from mes_app.services.fhir_api import held_commits
from mes_app.storage import LocalStorage
from mes_app.storage.postgres import PostgresStorage
from tests.factories import committed_count, make_owner
from tests.storage.test_postgres_sweep import our_locks

PDF = b"%PDF-1.4\n" + b"x" * 3000 + b"\n%%EOF\n"


@pytest.fixture()
def store(pg_storage: PostgresStorage):
    """The PostgreSQL store, its thrown-away connections counted (a writer dropped unreleased:
    the store's guard closes its connection rather than pool it with the lock on)."""
    thrown: list[int] = []
    sa.event.listen(pg_storage.engine, "invalidate", lambda *_args: thrown.append(1))
    pg_storage.thrown = thrown  # type: ignore[attr-defined]
    return pg_storage


def upload(session, who, store, now, data=PDF, title="Prise de sang"):  # noqa: ANN001, ANN201
    return documents.upload_document(session, who.actor, who.profile.id,
                                     {"title": title, "document_date": "2026-11-20", "category": "11502-2"},
                                     "analyses.pdf", iter([data[:1000], data[1000:]]),
                                     storage=store, max_bytes=10_000_000, now=now)


def all_released(store) -> bool:  # noqa: ANN001
    return our_locks(store) == 0 and store.thrown == []


def test_an_upload_releases_its_file_and_the_sweep_keeps_it(session, engine, store, now):
    alice = make_owner(session)
    view = upload(session, alice, store, now)
    assert all_released(store)
    key = session.exec(select(Document.storage_key).where(Document.id == view.id)).one()
    assert documents.sweep_orphans(engine, store) == (0, 0)
    assert store.stored_keys() == [key]


def test_a_refused_upload_leaves_no_file_and_no_lock(session, store, now):
    alice = make_owner(session)
    upload(session, alice, store, now)
    with pytest.raises(ValidationError) as caught:
        upload(session, alice, store, now, title="Encore")  # refused after its file was stored
    assert caught.value.code == "error.document_duplicate"
    assert len(store.stored_keys()) == committed_count(session, Document) == 1
    assert all_released(store)


def test_a_rolled_back_fhir_transaction_releases_its_files(session, store, now):
    """The Bundle's commits are held; a later entry fails: the rollback releases the files
    (which the API then deletes by key), as a commit would."""
    alice = make_owner(session)
    with pytest.raises(RuntimeError), held_commits(session):
        upload(session, alice, store, now)
        assert our_locks(store) == 1  # its row is not committed yet: the sweep must leave it
        raise RuntimeError("a later entry of the Bundle failed")
    assert committed_count(session, Document) == 0
    assert all_released(store)
    for key in store.stored_keys():
        store.delete(key)


def test_a_migration_releases_every_copy_and_the_sweep_keeps_them(session, engine, store, database_url, tmp_path, now):
    local = LocalStorage(tmp_path / "documents")
    alice = make_owner(session)
    for n in range(3):
        upload(session, alice, local, now, data=PDF + bytes([65 + n]) * 100, title=f"Doc {n}")
    report = dm.migrate_documents(dm.live_documents(database_url), local, store)
    assert (report.copied, report.problems) == (3, [])
    assert all_released(store)
    assert documents.sweep_orphans(engine, store) == (0, 0)
    assert sorted(store.stored_keys()) == sorted(session.exec(select(Document.storage_key)).all())
