"""Moving the documents from the local folder into PostgreSQL: every one verified by its
SHA-256, resumable after a crash, a damaged source refused by document id, the source kept
unless asked. Against the real server (skipped without MES_TEST_DATABASE_URL)."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from mes_app.db.models import Document
from mes_app.services import document_migration as dm
from mes_app.services import documents
from mes_app.storage import LocalStorage
from tests.factories import make_owner

PDF = b"%PDF-1.4\n" + b"x" * 3000 + b"\n%%EOF\n"


@pytest.fixture()
def local(tmp_path):
    return LocalStorage(tmp_path / "documents")


def deposit(session, local, now, count: int) -> list[Document]:
    alice = make_owner(session)
    for n in range(count):
        data = PDF + str(n).encode() * (n * 1000 + 1)
        chunks = iter([data[:1500], data[1500:]])
        documents.upload_document(
            session,
            alice.actor,
            alice.profile.id,
            {"title": f"Doc {n}", "document_date": "2026-11-20", "category": "11502-2"},
            f"d{n}.pdf",
            chunks,
            storage=local,
            max_bytes=10_000_000,
            now=now,
        )
    return list(session.exec(select(Document).order_by(Document.id)).all())


def in_store(store, doc: Document) -> bool:
    return (
        store.exists(doc.storage_key)
        and hashlib.sha256(b"".join(store.open(doc.storage_key))).hexdigest() == doc.sha256
    )


def test_every_document_is_copied_verified_and_the_source_kept(session, local, pg_storage, database_url, now):
    docs = deposit(session, local, now, 4)
    seen: list[tuple[int, int]] = []
    report = dm.migrate_documents(
        dm.live_documents(database_url), local, pg_storage, progress=lambda done, total: seen.append((done, total))
    )
    assert (report.total, report.copied, report.already_there, report.problems) == (4, 4, 0, [])
    assert seen[-1] == (4, 4)
    assert all(in_store(pg_storage, d) and in_store(local, d) for d in docs)

    again = dm.migrate_documents(dm.live_documents(database_url), local, pg_storage)  # safe to re-run
    assert (again.copied, again.already_there, again.problems) == (0, 4, [])


def test_a_crash_half_way_through_a_file_then_a_re_run_completes(session, local, pg_storage, database_url, now):
    docs = deposit(session, local, now, 5)
    real_open = local.open

    class Crash(BaseException):  # like kill -9: nothing catches it
        pass

    def open_crashing(key, chunk_size=64 * 1024):
        if key == docs[2].storage_key:

            def cut():
                yield PDF[:1000]
                raise Crash

            return cut()
        return real_open(key, chunk_size)

    local.open = open_crashing  # type: ignore[method-assign]
    with pytest.raises(Crash):
        dm.migrate_documents(dm.live_documents(database_url), local, pg_storage)
    assert [in_store(pg_storage, d) for d in docs] == [True, True, False, False, False]
    assert sorted(pg_storage.stored_keys()) == sorted(d.storage_key for d in docs[:2])  # no half file

    local.open = real_open  # type: ignore[method-assign]
    report = dm.migrate_documents(dm.live_documents(database_url), local, pg_storage)
    assert (report.copied, report.already_there, report.problems) == (3, 2, [])
    assert all(in_store(pg_storage, d) for d in docs)


def test_a_damaged_or_missing_source_is_refused_by_id_and_nothing_of_it_is_written(
    session, local, pg_storage, database_url, now
):
    docs = deposit(session, local, now, 3)
    damaged = local.path_for(docs[0].storage_key)
    damaged.write_bytes(damaged.read_bytes().replace(b"x", b"y", 1))  # one byte changed, same size
    local.path_for(docs[1].storage_key).unlink()
    report = dm.migrate_documents(dm.live_documents(database_url), local, pg_storage)
    assert report.problems == [
        dm.DocumentProblem(docs[0].id, "hash_mismatch"),
        dm.DocumentProblem(docs[1].id, "missing"),
    ]
    assert report.copied == 1
    assert pg_storage.stored_keys() == [docs[2].storage_key]


def test_a_longer_source_stops_at_the_recorded_size(session, local, pg_storage, database_url, now):
    [doc] = deposit(session, local, now, 1)
    with local.path_for(doc.storage_key).open("ab") as f:
        f.write(b"appended")
    report = dm.migrate_documents(dm.live_documents(database_url), local, pg_storage)
    assert report.problems == [dm.DocumentProblem(doc.id, "hash_mismatch")]
    assert pg_storage.stored_keys() == []


def test_delete_source_only_after_the_copy_is_verified(session, local, pg_storage, database_url, now):
    docs = deposit(session, local, now, 3)
    local.path_for(docs[1].storage_key).write_bytes(PDF)  # damaged: it must stay where it is
    report = dm.migrate_documents(dm.live_documents(database_url), local, pg_storage, delete_source=True)
    assert report.source_deleted == 2
    assert [local.exists(d.storage_key) for d in docs] == [False, True, False]
    assert in_store(pg_storage, docs[0]) and in_store(pg_storage, docs[2])


def test_deleted_documents_are_not_copied(session, local, pg_storage, database_url, now):
    docs = deposit(session, local, now, 2)
    docs[0].deleted_at = now
    session.add(docs[0])
    session.commit()
    report = dm.migrate_documents(dm.live_documents(database_url), local, pg_storage)
    assert report.total == 1 and pg_storage.stored_keys() == [docs[1].storage_key]


def test_the_same_store_twice_is_refused(local):
    with pytest.raises(dm.MigrationError):
        dm.migrate_documents([], local, local)
