"""Backup and restore of a whole installation: what an administrator gets back, on SQLite and on
PostgreSQL (``MES_TEST_DATABASE_URL``), while the app keeps writing, and what is refused."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from alembic import command
from mes_app import seed
from mes_app.db import migrations
from mes_app.db.models import Document, Measure, Profile, User
from mes_app.services import backup as backup_service
from mes_app.services.accounts import authenticate
from mes_app.services.backup import (
    BackupError,
    DamagedBackup,
    NewerSchema,
    TargetNotEmpty,
    create_backup,
    restore_backup,
)
from mes_app.storage.local import LocalStorage
from tests.conftest import NOW, _fresh_database_url, alembic_config

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
ENGINES = ("sqlite", "postgresql")


@dataclass
class Site:
    """One installation: a database and a document store."""

    url: str
    documents: Path

    @property
    def storage(self) -> LocalStorage:
        return LocalStorage(self.documents)

    def session(self) -> Session:
        return Session(sa.create_engine(self.url, poolclass=sa.pool.NullPool), expire_on_commit=False)


@pytest.fixture()
def new_site(request, tmp_path):
    """``new_site(kind)``: an empty installation (no database yet on SQLite, an empty one on PostgreSQL)."""

    def make(kind: str) -> Site:
        folder = tmp_path / f"site-{uuid.uuid4().hex[:6]}"
        folder.mkdir()
        if kind == "sqlite":
            url = f"sqlite:///{folder / 'mes.db'}"
        else:
            if not os.environ.get("MES_TEST_DATABASE_URL", "").strip():
                pytest.skip("PostgreSQL: set MES_TEST_DATABASE_URL")
            url, drop = _fresh_database_url(folder)
            request.addfinalizer(drop)
        return Site(url, folder / "documents")

    return make


def _add_document(site: Site, db: Session, profile_id: int, n: int) -> Document:
    writer = site.storage.begin(10_000)
    writer.write(PDF + f"document {n} {uuid.uuid4().hex}".encode())
    stored = writer.commit()
    doc = Document(
        profile_id=profile_id, title=f"Compte rendu {n}", document_date=date(2026, 11, 1), storage_key=stored.key,
        sha256=stored.sha256, size_bytes=stored.size_bytes, mime_type=stored.mime_type, created_at=NOW, updated_at=NOW,
    )
    db.add(doc)
    db.commit()
    return doc


def _delete_document(site: Site, db: Session, doc: Document) -> None:
    """As the app does: the row marked deleted is committed first, then the file is erased."""
    doc.deleted_at = NOW
    db.add(doc)
    db.commit()
    site.storage.delete(doc.storage_key)


def _seeded(site: Site, documents: int = 3) -> Site:
    migrations.migrate(site.url, "head")
    with site.session() as db:
        assert seed.seed_demo(db, now=NOW)
        camille = db.exec(select(Profile).where(Profile.given_name == "Camille")).one()
        docs = [_add_document(site, db, camille.id, n) for n in range(documents)]
        if docs:
            _delete_document(site, db, docs[0])  # a deleted document: its row stays, its file is gone
    return site


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        skipped = ("alembic_version", *backup_service.STORE_TABLES)
        names = [n for n in sa.inspect(conn).get_table_names() if n not in skipped]
        counts = {n: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one() for n in names}
    engine.dispose()
    return counts


def _live_documents(site: Site) -> dict[str, str]:
    with site.session() as db:
        return {d.storage_key: d.sha256 for d in db.exec(select(Document).where(Document.deleted_at.is_(None)))}


def _store_hashes(site: Site) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in site.storage.stored_files()}


def _backup(site: Site, dest: Path, **kw) -> backup_service.BackupReport:
    return create_backup(dest, database_url=site.url, documents_dir=site.documents, now=NOW, **kw)


def _restore(src: Path, site: Site) -> backup_service.RestoreReport:
    return restore_backup(src, database_url=site.url, documents_dir=site.documents)


def _assert_consistent(site: Site) -> None:
    """Every live document the database lists is in the store, with its recorded hash, and
    every foreign key points at a row."""
    live = _live_documents(site)
    stored = _store_hashes(site)
    assert {key: stored.get(key) for key in live} == live
    if site.url.startswith("sqlite"):
        path = sa.engine.make_url(site.url).database
        assert path is not None
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("kind", ENGINES)
def test_a_restored_backup_has_the_same_rows_and_documents_and_the_demo_parent_logs_in(kind, new_site, tmp_path):
    source = _seeded(new_site(kind))
    report = _backup(source, tmp_path / "backup")
    assert report.documents == 2 and report.problems == [] and report.deleted_during_backup == []

    target = new_site(kind)
    restored = _restore(tmp_path / "backup", target)

    assert _counts(target.url) == _counts(source.url) == restored.row_counts
    assert _store_hashes(target) == _store_hashes(source) == _live_documents(source)
    _assert_consistent(target)
    with target.session() as db:
        user = authenticate(db, email=seed.PARENT_EMAIL, password=seed.PARENT_PASSWORD, now=datetime.now(UTC))
        assert user.email == seed.PARENT_EMAIL
        # New rows get new ids (PostgreSQL's sequences were moved past the restored ones).
        profile = db.exec(select(Profile).where(Profile.owner_user_id == user.id)).first()
        assert profile is not None
        db.add(Measure(profile_id=profile.id, kind="weight", loinc_code="29463-7", value=61.0, unit="kg",
                       measured_at=NOW))
        db.commit()


def test_a_sqlite_backup_restores_into_postgresql(new_site, tmp_path):
    target = new_site("postgresql")
    source = _seeded(new_site("sqlite"))
    _backup(source, tmp_path / "backup")
    _restore(tmp_path / "backup", target)
    assert _counts(target.url) == _counts(source.url)
    with target.session() as db:
        assert authenticate(db, email=seed.PARENT_EMAIL, password=seed.PARENT_PASSWORD, now=datetime.now(UTC))
        measures = db.exec(select(Measure).order_by(Measure.id)).all()
    with source.session() as db:
        assert [(m.measured_at, m.value) for m in db.exec(select(Measure).order_by(Measure.id))] == [
            (m.measured_at, m.value) for m in measures
        ]


def test_the_manifest_lists_revision_row_counts_and_hashes_and_everything_is_private(new_site, tmp_path):
    source = _seeded(new_site("sqlite"))
    _backup(source, tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["format_version"] == 1
    assert manifest["alembic_revision"] == migrations.head_revision()
    assert datetime.fromisoformat(manifest["created_at"]) == NOW
    tables = {t["name"]: t["rows"] for t in manifest["database"]["tables"]}
    assert tables == _counts(source.url)
    assert {d["key"]: d["sha256"] for d in manifest["documents"]} == _live_documents(source)
    for path in [tmp_path / "backup", *(tmp_path / "backup").rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".backup")]  # no staging folder left


@pytest.mark.parametrize("kind", ENGINES)
def test_an_older_backup_is_migrated_to_head_after_restoring_even_into_a_migrated_database(kind, new_site, tmp_path):
    source = new_site(kind)
    command.upgrade(alembic_config(source.url), "b463deb8e6b8")
    engine = sa.create_engine(source.url)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO user_account (id, email, password_hash, display_name, role, locale, failed_login_count, "
            "created_at) VALUES (1, 'old@example.org', 'x', 'Old', 'patient', 'fr', 0, '2026-03-03 10:00:00+00:00')"
        ))
    engine.dispose()
    report = _backup(source, tmp_path / "backup")
    assert report.revision == "b463deb8e6b8"

    target = new_site(kind)
    migrations.migrate(target.url, "head")  # `python -m mes_app migrate` already ran: still empty
    restored = _restore(tmp_path / "backup", target)
    assert (restored.backup_revision, restored.revision) == ("b463deb8e6b8", migrations.head_revision())
    with target.session() as db:
        assert db.exec(select(User.email)).all() == ["old@example.org"]
    with sa.create_engine(target.url, poolclass=sa.pool.NullPool).connect() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()


# --------------------------------------------------------------------------- while the app writes


@pytest.mark.parametrize("kind", ENGINES)
def test_a_backup_taken_while_the_app_writes_restores_a_consistent_record(kind, new_site, tmp_path):
    source = _seeded(new_site(kind), documents=40)
    with source.session() as db:
        camille = db.exec(select(Profile).where(Profile.given_name == "Camille")).one()
        live = list(db.exec(select(Document).where(Document.deleted_at.is_(None))))
    stop = threading.Event()
    written = []

    def app_writes() -> None:
        with source.session() as db:
            n = 0
            while not stop.is_set():
                n += 1
                db.add(Measure(profile_id=camille.id, kind="weight", loinc_code="29463-7", value=60 + n / 10,
                               unit="kg", measured_at=NOW + timedelta(minutes=n)))
                db.commit()
                written.append(_add_document(source, db, camille.id, 100 + n))
                if live:
                    _delete_document(source, db, live.pop())

    def wait_for_writes(count: int) -> None:
        goal = len(written) + count
        while len(written) < goal and writer.is_alive():
            stop.wait(0.005)

    def progress(stage: str, done: int, _total: int) -> None:
        # The app commits measures, documents and deletions between two tables of the
        # PostgreSQL snapshot, and between the snapshot and the copy of the files.
        if done == 1:
            wait_for_writes(3)

    writer = threading.Thread(target=app_writes)
    writer.start()
    try:
        wait_for_writes(2)
        report = _backup(source, tmp_path / "backup", progress=progress)
        wait_for_writes(2)
    finally:
        stop.set()
        writer.join()

    assert report.problems == []
    target = new_site(kind)
    _restore(tmp_path / "backup", target)
    _assert_consistent(target)
    restored = _counts(target.url)
    assert restored == report.row_counts
    assert 159 + 2 <= restored["measure"] < _counts(source.url)["measure"]  # 159: the seed's measures


def test_a_document_deleted_during_the_copy_is_restored_as_deleted(new_site, tmp_path, monkeypatch):
    source = _seeded(new_site("sqlite"))
    with source.session() as db:
        victim = db.exec(select(Document).where(Document.deleted_at.is_(None)).order_by(Document.id)).first()
        assert victim is not None
    read = LocalStorage.open

    def read_after_the_app_deleted_one(store: LocalStorage, key: str, chunk_size: int = 64 * 1024):  # noqa: ANN202
        if key == victim.storage_key:
            with source.session() as db:
                _delete_document(source, db, db.get(Document, victim.id))
        return read(store, key, chunk_size)

    monkeypatch.setattr(LocalStorage, "open", read_after_the_app_deleted_one)
    report = _backup(source, tmp_path / "backup")
    assert report.deleted_during_backup == [victim.id] and report.problems == []

    target = new_site("sqlite")
    _restore(tmp_path / "backup", target)
    with target.session() as db:
        assert db.get(Document, victim.id).deleted_at is not None
    _assert_consistent(target)


def test_missing_or_damaged_files_in_the_store_are_reported_by_id_and_left_out(new_site, tmp_path):
    source = _seeded(new_site("sqlite"), documents=3)
    with source.session() as db:
        first, second = db.exec(select(Document).where(Document.deleted_at.is_(None)).order_by(Document.id)).all()
    source.storage.path_for(first.storage_key).unlink()  # lost outside the app
    source.storage.path_for(second.storage_key).write_bytes(PDF + b"altered")
    report = _backup(source, tmp_path / "backup")
    problems = {(p.document_id, p.problem) for p in report.problems}
    assert problems == {(first.id, "missing"), (second.id, "hash_mismatch")}
    assert report.documents == 0


# --------------------------------------------------------------------------- refusals


def test_a_backup_refuses_an_existing_destination_and_leaves_nothing_when_it_fails(new_site, tmp_path):
    source = _seeded(new_site("sqlite"))
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "something").write_text("x")
    with pytest.raises(BackupError, match="already exists"):
        _backup(source, taken)
    with pytest.raises(BackupError, match="does not exist"):
        _backup(source, tmp_path / "no" / "such" / "folder")
    with pytest.raises(BackupError, match="no database"):
        create_backup(tmp_path / "b", database_url=f"sqlite:///{tmp_path / 'none.db'}",
                      documents_dir=tmp_path / "d", now=NOW)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "taken" and not p.name.startswith("site-")) == []
    (tmp_path / "empty").mkdir()
    assert _backup(source, tmp_path / "empty").documents == 2  # an empty folder is fine


def test_a_restore_refuses_a_database_or_store_that_is_not_empty(new_site, tmp_path):
    source = _seeded(new_site("sqlite"))
    _backup(source, tmp_path / "backup")
    with pytest.raises(TargetNotEmpty, match="database"):
        _restore(tmp_path / "backup", Site(source.url, tmp_path / "empty-store"))
    target = new_site("sqlite")
    target.documents.mkdir()
    shutil.copytree(source.documents, target.documents, dirs_exist_ok=True)
    with pytest.raises(TargetNotEmpty, match="document store"):
        _restore(tmp_path / "backup", target)
    assert not Path(sa.engine.make_url(target.url).database or "").exists()  # nothing written


def test_a_restore_refuses_a_damaged_backup_before_writing_anything(new_site, tmp_path):
    source = _seeded(new_site("sqlite"))
    _backup(source, tmp_path / "backup")
    stored = next((tmp_path / "backup" / "documents").rglob("*/*"))
    stored.write_bytes(stored.read_bytes() + b"!")
    target = new_site("sqlite")
    with pytest.raises(DamagedBackup, match="does not match its SHA-256"):
        _restore(tmp_path / "backup", target)
    assert not Path(sa.engine.make_url(target.url).database or "").exists()
    assert target.storage.stored_files() == []
    with pytest.raises(DamagedBackup, match="not an MES backup"):
        _restore(tmp_path, target)


def test_a_restore_refuses_a_backup_from_a_newer_version(new_site, tmp_path):
    source = _seeded(new_site("sqlite"), documents=0)
    _backup(source, tmp_path / "backup")
    path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "alembic_revision": "fffffffffff0"}))
    with pytest.raises(NewerSchema, match="newer version"):
        _restore(tmp_path / "backup", new_site("sqlite"))
    path.write_text(json.dumps({**manifest, "format_version": 2}))
    with pytest.raises(NewerSchema, match="update MES"):
        _restore(tmp_path / "backup", new_site("sqlite"))


def test_the_postgresql_snapshot_reads_every_table_in_one_repeatable_read_read_only_transaction(
    new_site, tmp_path, monkeypatch
):
    source = new_site("postgresql")
    migrations.migrate(source.url, "head")
    seen = set()
    dump = backup_service._dump_table

    def spy(conn, table, path):  # noqa: ANN001, ANN202
        seen.add((
            conn.execute(sa.text("SELECT txid_current_if_assigned() IS NULL, pg_current_snapshot()::text")).one()[1],
            conn.execute(sa.text("SHOW transaction_isolation")).scalar(),
            conn.execute(sa.text("SHOW transaction_read_only")).scalar(),
        ))
        return dump(conn, table, path)

    monkeypatch.setattr(backup_service, "_dump_table", spy)
    _backup(source, tmp_path / "backup")
    assert len(seen) == 1  # one snapshot for every table
    assert next(iter(seen))[1:] == ("repeatable read", "on")
