"""Backup and restore with the documents in PostgreSQL (``MES_DOCUMENT_STORE=postgresql``):
read and restored through the store's interface, into either store."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from sqlmodel import select

from mes_app.db.models import Document, Profile
from mes_app.services.backup import create_backup, restore_backup
from mes_app.services.documents import sweep_orphans
from mes_app.storage.postgres import PostgresStorage
from tests.services import test_backup
from tests.services.test_backup import NOW, PDF, _seeded
from tests.storage.test_postgres_sweep import our_locks

new_site = test_backup.new_site  # the fixture: an empty installation


def _pg_documents(site, store: PostgresStorage, count: int) -> dict[str, str]:
    with site.session() as db:
        camille = db.exec(select(Profile).where(Profile.given_name == "Camille")).one()
        writers = []
        for n in range(count):
            writer = store.begin(10_000_000)
            writer.write(PDF + bytes([n]) * (n * 700_000 + 1))  # up to several chunks
            stored = writer.commit()
            writers.append(writer)
            db.add(
                Document(
                    profile_id=camille.id,
                    title=f"CR {n}",
                    document_date=NOW.date(),
                    storage_key=stored.key,
                    sha256=stored.sha256,
                    size_bytes=stored.size_bytes,
                    mime_type=stored.mime_type,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        db.commit()
        for writer in writers:
            writer.release()  # as the app does once the rows are committed
        return {d.storage_key: d.sha256 for d in db.exec(select(Document).where(Document.deleted_at.is_(None)))}


def _hashes(store, keys) -> dict[str, str]:
    return {key: hashlib.sha256(b"".join(store.open(key))).hexdigest() for key in keys}


def test_a_backup_of_the_postgresql_store_restores_into_postgresql_and_into_a_local_folder(new_site, tmp_path):
    source = _seeded(new_site("postgresql"), documents=0)
    store = PostgresStorage(source.url)
    try:
        expected = _pg_documents(source, store, 3)
        report = create_backup(
            tmp_path / "b", database_url=source.url, documents_dir=source.documents, now=NOW, storage=store
        )
    finally:
        store.dispose()
    assert report.documents == 3 and report.problems == []
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert "document_chunk" not in {t["name"] for t in manifest["database"]["tables"]}  # the bytes are documents/

    into_pg = new_site("postgresql")
    target = PostgresStorage(into_pg.url)
    try:
        restored = restore_backup(
            tmp_path / "b", database_url=into_pg.url, documents_dir=into_pg.documents, storage=target
        )
        assert restored.documents == 3
        assert _hashes(target, expected) == expected
    finally:
        target.dispose()

    into_sqlite = new_site("sqlite")
    restore_backup(tmp_path / "b", database_url=into_sqlite.url, documents_dir=into_sqlite.documents)
    assert _hashes(into_sqlite.storage, expected) == expected


def test_a_restore_into_postgresql_releases_every_file_and_the_sweep_keeps_them(new_site, tmp_path):
    """No advisory lock left, no pooled connection thrown away for still holding one, and the
    next start-up's sweep (another worker) finds every restored file named by its row."""
    source = _seeded(new_site("postgresql"), documents=0)
    store = PostgresStorage(source.url)
    try:
        expected = _pg_documents(source, store, 2)
        create_backup(tmp_path / "b", database_url=source.url, documents_dir=source.documents, now=NOW, storage=store)
    finally:
        store.dispose()
    into_pg = new_site("postgresql")
    target = PostgresStorage(into_pg.url)
    thrown: list[int] = []
    sa.event.listen(target.engine, "invalidate", lambda *_args: thrown.append(1))
    try:
        restore_backup(tmp_path / "b", database_url=into_pg.url, documents_dir=into_pg.documents, storage=target)
        assert (our_locks(target), thrown) == (0, [])
        engine, other_worker = sa.create_engine(into_pg.url), PostgresStorage(into_pg.url)
        try:
            assert sweep_orphans(engine, other_worker) == (0, 0)
        finally:
            engine.dispose()
            other_worker.dispose()
        assert _hashes(target, expected) == expected
    finally:
        target.dispose()
