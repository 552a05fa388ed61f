"""Backup and restore of a whole MES installation: the database and the document store.

A backup is a folder (0700, files 0600: it holds health data)::

    manifest.json                  what is inside, with the SHA-256 of every file
    database/mes.sqlite3           SQLite: a page copy taken with sqlite3's online backup API
    database/<table>.jsonl         PostgreSQL: one JSON object per row, tables in foreign-key order
    documents/<key[:2]>/<key>      the files the database snapshot references

The documents are read and restored through the document store's interface
(:mod:`mes_app.storage`), so a backup works the same with the local folder and with PostgreSQL
(``MES_DOCUMENT_STORE``), and restores into either. The PostgreSQL store's own table
(``document_chunk``) is not dumped with the rows: its bytes are the files under documents/.

Consistent while the app runs:

1. the database is snapshotted first, in one go (SQLite: one ``backup()`` step under a read
   lock; PostgreSQL: one ``REPEATABLE READ READ ONLY`` transaction, so every table is read at
   the same instant);
2. then exactly the files that snapshot references are copied, each hashed while copied and
   checked against the ``sha256`` the database recorded. A file uploaded after the snapshot is
   not referenced, so it is not copied. The app writes a document's file *before* committing its
   row and erases it only *after* committing the deletion, so a referenced file that has
   vanished by the time it is copied was deleted during the backup: the live database says so,
   and the manifest lists that document under ``deleted_during_backup``; the restore marks it
   deleted the same way, so the restored record never points at a missing file.

The backup is built in a hidden sibling folder and renamed to its name once complete: an
interrupted backup leaves no folder that looks like a backup.

A restore goes into an empty database and an empty document store only. Before it writes
anything it checks the manifest, the hash of every file, and the schema revision (a backup from
a newer MES is refused; an older one is migrated to head after loading). SQLite to SQLite is a
page copy; every other pair (PostgreSQL to PostgreSQL, and across engines) loads the rows table
by table into a schema migrated to the backup's revision, then sets the id sequences.

No Reflex import here: ``python -m mes_app backup/restore`` (:mod:`mes_app.cli`) is a thin
shell around :func:`create_backup` and :func:`restore_backup`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from mes_app.db import migrations
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.storage.base import DocumentStorage
from mes_app.storage.local import LocalStorage, valid_key

FORMAT = "mes-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database/mes.sqlite3"
DOCUMENTS = "documents"
CHUNK = 1024 * 1024
BATCH = 500
STORE_TABLES = ("document_chunk",)  # the PostgreSQL document store's bytes: backed up as documents/

Progress = Callable[[str, int, int], None]
"""Called as work goes: (stage, done, total). Stages: "database", "documents", "verify"."""


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


# --------------------------------------------------------------------------- errors


class BackupError(Exception):
    """Refused or failed. The message is for the administrator: it names files, tables,
    revisions and document ids, never a value from the record."""


class TargetNotEmpty(BackupError):
    pass


class NewerSchema(BackupError):
    pass


class DamagedBackup(BackupError):
    pass


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DocumentProblem:
    document_id: int
    problem: str  # "missing" (no file although the row is live) | "hash_mismatch"


@dataclass(frozen=True)
class BackupReport:
    path: Path
    engine: str
    revision: str
    row_counts: dict[str, int]
    documents: int
    deleted_during_backup: list[int] = field(default_factory=list)
    problems: list[DocumentProblem] = field(default_factory=list)


@dataclass(frozen=True)
class RestoreReport:
    backup_revision: str
    revision: str
    row_counts: dict[str, int]
    documents: int


# --------------------------------------------------------------------------- private files


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=False, exist_ok=True)
    path.chmod(0o700)


def _private_dirs(path: Path, root: Path) -> None:
    """``path`` and every missing folder between ``root`` and it, 0700."""
    missing = []
    current = path
    while current != root and not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        _private_dir(folder)


@contextlib.contextmanager
def _private_writer(path: Path) -> Iterator:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def _file_hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _write_hashed(blocks: Iterator[bytes], dest: Path) -> tuple[str, int]:
    """Write ``blocks`` to a new 0600 ``dest`` (through a partial name), return its SHA-256 and size."""
    digest = hashlib.sha256()
    size = 0
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        with _private_writer(partial) as out:
            for block in blocks:
                digest.update(block)
                size += len(block)
                out.write(block)
        os.replace(partial, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    return digest.hexdigest(), size


# --------------------------------------------------------------------------- values


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _to_column(value: object, column: sa.Column) -> object:
    """A primitive value (JSON, or raw SQLite) as the Python value ``column`` expects."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.DateTime):
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if not isinstance(moment, datetime):
            raise ValueError(f"not a timestamp in {column.table.name}.{column.name}")
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        return moment if kind.timezone else moment.replace(tzinfo=None)
    if isinstance(kind, sa.Date):
        if isinstance(value, str):
            return date.fromisoformat(value[:10])
        return value.date() if isinstance(value, datetime) else value
    if isinstance(kind, sa.Time):
        return time.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(kind, sa.Boolean):
        return bool(value)
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value) if isinstance(value, str) else bytes(value)  # type: ignore[arg-type]
    if isinstance(kind, sa.Float):
        return float(value)  # type: ignore[arg-type]
    if isinstance(kind, sa.Numeric):
        return Decimal(str(value))
    return value


# --------------------------------------------------------------------------- database helpers


def _is_sqlite(url: str) -> bool:
    return sa.engine.make_url(url).get_backend_name() == "sqlite"


def _sqlite_path(url: str) -> Path:
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database).resolve()


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's error class (its message could quote a value from a row)."""
    return type(getattr(exc, "orig", None) or exc).__name__


def _shown(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [name for (name,) in rows]


def _sqlite_snapshot_facts(path: Path) -> tuple[str | None, dict[str, int], list[tuple[int, str, str, int]]]:
    """Revision, row counts and live documents of a SQLite snapshot file."""
    conn = sqlite3.connect(path)
    try:
        tables = _sqlite_tables(conn)
        revision = None
        if migrations.VERSION_TABLE in tables:
            found = conn.execute(f"SELECT version_num FROM {migrations.VERSION_TABLE}").fetchone()
            revision = found[0] if found else None
        counts = {
            name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            for name in tables
            if name not in (migrations.VERSION_TABLE, *STORE_TABLES)
        }
        documents = []
        if "document" in tables:
            documents = conn.execute(
                "SELECT id, storage_key, sha256, size_bytes FROM document WHERE deleted_at IS NULL ORDER BY id"
            ).fetchall()
        return revision, counts, documents
    finally:
        conn.close()


def _snapshot_sqlite(url: str, dest: Path) -> None:
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"no database at {source_path}")
    with _private_writer(dest):
        pass  # created 0600 before SQLite writes into it
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)  # pages=-1: one step under one read lock, so one instant
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as exc:
        raise BackupError(f"cannot read the database {source_path}: {exc}") from exc
    finally:
        target.close()
        source.close()


def _snapshot_postgres(url: str, folder: Path, progress: Progress):  # noqa: ANN202
    """Every table at one instant, as JSON lines. Returns (revision, counts, order, documents)."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
            revision = migrations.current_revision(conn)
            if revision is None:
                raise BackupError(f"the database {_shown(url)} has no MES schema (run `python -m mes_app migrate`)")
            metadata = sa.MetaData()
            metadata.reflect(bind=conn)
            tables = [t for t in metadata.sorted_tables if t.name not in (migrations.VERSION_TABLE, *STORE_TABLES)]
            counts: dict[str, int] = {}
            for index, table in enumerate(tables):
                counts[table.name] = _dump_table(conn, table, folder / f"{table.name}.jsonl")
                progress("database", index + 1, len(tables))
            documents: list = []
            if "document" in metadata.tables:
                doc = metadata.tables["document"]
                documents = [
                    tuple(row)
                    for row in conn.execute(
                        sa.select(doc.c.id, doc.c.storage_key, doc.c.sha256, doc.c.size_bytes)
                        .where(doc.c.deleted_at.is_(None))
                        .order_by(doc.c.id)
                    )
                ]
            conn.rollback()
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot read the database {_shown(url)}: {_reason(exc)}") from exc
    finally:
        engine.dispose()
    return revision, counts, [t.name for t in tables], documents


def _dump_table(conn: sa.Connection, table: sa.Table, path: Path) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    count = 0
    result = conn.execute(
        sa.select(table).order_by(*order), execution_options={"stream_results": True, "yield_per": 1000}
    )
    with _private_writer(path) as out:
        for row in result.mappings():
            line = json.dumps({key: _json_value(value) for key, value in row.items()}, ensure_ascii=False)
            out.write(line.encode("utf-8") + b"\n")
            count += 1
    return count


def _live_deletion(url: str, document_id: int) -> datetime | None:
    """When a document was deleted in the live database (now if its row is gone); None: it is live."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT deleted_at FROM document WHERE id = :id"), {"id": document_id}
            ).first()
    finally:
        engine.dispose()
    if row is None:
        return datetime.now(UTC)
    if row[0] is None:
        return None
    value = _to_column(row[0], sa.Column("deleted_at", sa.DateTime(timezone=True)))
    return value if isinstance(value, datetime) else datetime.now(UTC)


# --------------------------------------------------------------------------- backup


def _check_destination(dest: Path, documents_dir: Path) -> None:  # the local folder, even when unused
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} already exists and is not an empty folder: choose a new name")
    if not dest.parent.is_dir():
        raise BackupError(f"the folder {dest.parent} does not exist")
    resolved = dest.resolve()
    if resolved == documents_dir or documents_dir in resolved.parents:
        raise BackupError("the backup cannot go inside the document store")


def create_backup(
    dest: Path | str,
    *,
    database_url: str,
    documents_dir: Path | str,
    now: datetime,
    progress: Progress = _quiet,
    storage: DocumentStorage | None = None,
) -> BackupReport:
    """Back up the database at ``database_url`` and the documents it references (read from
    ``storage``, by default the local folder ``documents_dir``) to the new folder ``dest``,
    while the app may keep running."""
    dest = Path(dest).absolute()
    store = storage or LocalStorage(documents_dir)
    _check_destination(dest, Path(documents_dir).resolve())
    staging = dest.parent / f".{dest.name}.partial-{secrets.token_hex(4)}"
    _private_dir(staging)
    try:
        report = _write_backup(staging, dest, database_url, store, now, progress)
        if dest.exists():
            dest.rmdir()  # an empty folder given as the destination
        os.replace(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def _write_backup(
    staging: Path, dest: Path, url: str, store: DocumentStorage, now: datetime, progress: Progress
) -> BackupReport:
    _private_dir(staging / "database")
    if _is_sqlite(url):
        engine_name = "sqlite"
        snapshot = staging / SQLITE_FILE
        _snapshot_sqlite(url, snapshot)
        revision, counts, documents = _sqlite_snapshot_facts(snapshot)
        if revision is None:
            raise BackupError(f"the database {_shown(url)} has no MES schema (run `python -m mes_app migrate`)")
        order = list(counts)
        progress("database", 1, 1)
    else:
        engine_name = sa.engine.make_url(url).get_backend_name()
        revision, counts, order, documents = _snapshot_postgres(url, staging / "database", progress)
    database_files = [
        {"path": path.relative_to(staging).as_posix(), **dict(zip(("sha256", "size"), _file_hash(path), strict=True))}
        for path in sorted((staging / "database").iterdir())
    ]

    copied, deleted, problems = _copy_documents(staging, url, store, documents, progress)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": now.astimezone(UTC).isoformat(),
        "alembic_revision": revision,
        "database": {
            "engine": engine_name,
            "files": database_files,
            "tables": [{"name": name, "rows": counts[name]} for name in order],
        },
        "documents": copied,
        "deleted_during_backup": [{"document_id": i, "deleted_at": at.isoformat()} for i, at in deleted],
        "problems": [{"document_id": p.document_id, "problem": p.problem} for p in problems],
    }
    with _private_writer(staging / MANIFEST) as out:
        out.write(json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
    return BackupReport(
        path=dest,
        engine=engine_name,
        revision=revision,
        row_counts=counts,
        documents=len(copied),
        deleted_during_backup=[i for i, _ in deleted],
        problems=problems,
    )


def _copy_documents(staging: Path, url: str, store: DocumentStorage, documents: list, progress: Progress):  # noqa: ANN202
    copied: list[dict] = []
    deleted: list[tuple[int, datetime]] = []
    problems: list[DocumentProblem] = []
    root = staging / DOCUMENTS
    _private_dir(root)
    for index, (document_id, key, expected_sha, expected_size) in enumerate(documents):
        progress("documents", index + 1, len(documents))
        if not valid_key(key):  # a key the store would never have written
            problems.append(DocumentProblem(document_id, "missing"))
            continue
        target = root / key[:2] / key
        _private_dirs(target.parent, root)
        try:
            sha, size = _write_hashed(store.open(key, chunk_size=CHUNK), target)
        except (FileNotFoundError, NotFound):
            deleted_at = _live_deletion(url, document_id)
            if deleted_at is None:
                problems.append(DocumentProblem(document_id, "missing"))
            else:
                deleted.append((document_id, deleted_at))
            continue
        if sha != expected_sha or size != expected_size:
            target.unlink()
            problems.append(DocumentProblem(document_id, "hash_mismatch"))
            continue
        copied.append({"key": key, "sha256": sha, "size": size})
    return copied, deleted, problems


# --------------------------------------------------------------------------- restore


def read_manifest(src: Path | str) -> dict:
    src = Path(src)
    path = src / MANIFEST
    if not path.is_file():
        raise DamagedBackup(f"{src} is not an MES backup (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DamagedBackup(f"{path} is not valid JSON") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DamagedBackup(f"{src} is not an MES backup")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise NewerSchema(f"this backup's format ({version}) is newer than this MES understands: update MES first")
    return manifest


def verify_backup(src: Path | str, manifest: dict, progress: Progress = _quiet) -> None:
    """Every file the manifest lists is there, with its size and SHA-256."""
    src = Path(src).resolve()
    entries = [(f["path"], f["sha256"], f["size"]) for f in manifest["database"]["files"]]
    for item in manifest["documents"]:
        if not valid_key(item.get("key")):
            raise DamagedBackup("the manifest lists a document key the store would never have written")
    entries += [(f"{DOCUMENTS}/{d['key'][:2]}/{d['key']}", d["sha256"], d["size"]) for d in manifest["documents"]]
    for index, (relative, sha, size) in enumerate(entries):
        path = (src / relative).resolve()
        if src not in path.parents:
            raise DamagedBackup(f"the manifest names a file outside the backup: {relative}")
        if not path.is_file():
            raise DamagedBackup(f"{relative} is missing from the backup")
        if _file_hash(path) != (sha, size):
            raise DamagedBackup(f"{relative} does not match its SHA-256 in the manifest: the backup is damaged")
        progress("verify", index + 1, len(entries))


def _database_is_empty(url: str) -> bool:
    if _is_sqlite(url) and not _sqlite_path(url).exists():
        return True
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            for name in sa.inspect(conn).get_table_names():
                if name == migrations.VERSION_TABLE:
                    continue
                if conn.execute(sa.text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() is not None:
                    return False
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot open the database {_shown(url)}: {_reason(exc)}") from exc
    finally:
        engine.dispose()
    return True


def restore_backup(
    src: Path | str,
    *,
    database_url: str,
    documents_dir: Path | str,
    progress: Progress = _quiet,
    storage: DocumentStorage | None = None,
) -> RestoreReport:
    """Restore the backup folder ``src`` into an empty database and an empty document store,
    then migrate to this code's head revision. The app must not be running on the target."""
    src = Path(src).absolute()
    if not src.is_dir():
        raise BackupError(f"{src} is not a folder")
    manifest = read_manifest(src)
    revision = manifest.get("alembic_revision")
    if revision not in migrations.known_revisions():
        raise NewerSchema(
            f"this backup's schema ({revision}) is unknown to this MES: it comes from a newer version, update MES first"
        )
    store = storage or LocalStorage(documents_dir)
    try:
        occupied = bool(store.stored_keys())
    except OSError as exc:
        raise BackupError(f"cannot read the document store: {exc}") from None
    if occupied:
        where = f" {store.root}" if isinstance(store, LocalStorage) else ""
        raise TargetNotEmpty(f"the document store{where} is not empty: restore only into an empty one")
    if not _database_is_empty(database_url):
        raise TargetNotEmpty(
            f"the database {_shown(database_url)} is not empty: restore only into an empty database"
        )
    verify_backup(src, manifest, progress)

    try:
        if manifest["database"]["engine"] == "sqlite" and _is_sqlite(database_url):
            _restore_sqlite_file(src / SQLITE_FILE, database_url)
        else:
            _load_rows(src, manifest, database_url, revision, progress)
        counts = _check_counts(database_url, manifest)
        _apply_deletions(database_url, manifest)
        migrations.migrate(database_url, "head")
        _restore_documents(src, manifest, store, progress)
    except (OSError, SQLAlchemyError, sqlite3.Error, BackupError) as exc:
        reason = _reason(exc) if isinstance(exc, SQLAlchemyError) else str(exc) or type(exc).__name__
        raise BackupError(
            f"the restore stopped half-way ({reason}): empty the database and the document store, then restore again"
        ) from exc
    return RestoreReport(
        backup_revision=revision,
        revision=migrations.head_revision(),
        row_counts=counts,
        documents=len(manifest["documents"]),
    )


def _restore_sqlite_file(snapshot: Path, url: str) -> None:
    target = _sqlite_path(url)
    if not target.parent.is_dir():
        target.parent.mkdir(mode=0o700, parents=True)
    if not target.exists():
        with _private_writer(target):
            pass
    source = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    target.chmod(0o600)


def _source_rows(src: Path, manifest: dict, table: str) -> Iterator[dict]:
    """The rows of one table of the backup, as primitive values."""
    if manifest["database"]["engine"] == "sqlite":
        conn = sqlite3.connect(f"file:{src / SQLITE_FILE}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                yield dict(row)
        finally:
            conn.close()
        return
    path = src / "database" / f"{table}.jsonl"
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _load_rows(src: Path, manifest: dict, url: str, revision: str, progress: Progress) -> None:
    if _is_sqlite(url):
        target = _sqlite_path(url)
        if not target.parent.is_dir():
            target.parent.mkdir(mode=0o700, parents=True)
    migrations.migrate(url, revision)
    in_backup = {t["name"] for t in manifest["database"]["tables"]}
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            metadata = sa.MetaData()
            metadata.reflect(bind=conn)
            tables = [t for t in metadata.sorted_tables if t.name != migrations.VERSION_TABLE]
            if missing := in_backup - {t.name for t in tables}:
                names = ", ".join(sorted(missing))
                raise DamagedBackup(f"tables in the backup but not in its schema revision: {names}")
            for index, table in enumerate(tables):
                batch: list[dict] = []
                for row in _source_rows(src, manifest, table.name):
                    batch.append({name: _to_column(value, table.c[name]) for name, value in row.items()})
                    if len(batch) >= BATCH:
                        conn.execute(table.insert(), batch)
                        batch = []
                if batch:
                    conn.execute(table.insert(), batch)
                progress("database", index + 1, len(tables))
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn, tables)
    finally:
        engine.dispose()


def _reset_sequences(conn: sa.Connection, tables: list[sa.Table]) -> None:
    """The next id of every table comes after the restored ones."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = conn.execute(
                sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": f'"{table.name}"', "column": column.name},
            ).scalar()
            if sequence:
                highest = f'SELECT MAX("{column.name}") FROM "{table.name}"'
                conn.execute(sa.text(f"SELECT setval(:seq, COALESCE(({highest}), 0) + 1, false)"), {"seq": sequence})


def _check_counts(url: str, manifest: dict) -> dict[str, int]:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            counts = {
                t["name"]: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{t["name"]}"')).scalar_one()
                for t in manifest["database"]["tables"]
            }
    finally:
        engine.dispose()
    expected = {t["name"]: t["rows"] for t in manifest["database"]["tables"]}
    if counts != expected:
        wrong = sorted(name for name in expected if counts.get(name) != expected[name])
        raise DamagedBackup(f"row counts differ from the manifest after loading: {', '.join(wrong)}")
    return counts


def _apply_deletions(url: str, manifest: dict) -> None:
    deletions = manifest.get("deleted_during_backup") or []
    if not deletions:
        return
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            table = sa.Table("document", sa.MetaData(), autoload_with=conn)
            for item in deletions:
                at = _to_column(item["deleted_at"], table.c.deleted_at)
                conn.execute(
                    table.update()
                    .where(table.c.id == item["document_id"], table.c.deleted_at.is_(None))
                    .values(deleted_at=at, updated_at=at)
                )
    finally:
        engine.dispose()


def _restore_documents(src: Path, manifest: dict, store: DocumentStorage, progress: Progress) -> None:
    """Each file into the store under its key, through the store's checked writer."""
    documents = manifest["documents"]
    for index, item in enumerate(documents):
        writer = store.begin(max(int(item["size"]), 1), key=item["key"])
        digest = hashlib.sha256()
        try:
            with (src / DOCUMENTS / item["key"][:2] / item["key"]).open("rb") as source:
                while block := source.read(CHUNK):
                    digest.update(block)
                    writer.write(block)
        except BaseException:
            writer.abort()
            raise
        if digest.hexdigest() != item["sha256"]:
            writer.abort()
            raise DamagedBackup(f"{item['key']} changed while being restored")
        try:
            stored = writer.commit()  # aborts itself when refused
        except ValidationError as exc:
            raise DamagedBackup(f"{item['key']} is refused by the document store ({exc.code})") from None
        try:
            if (stored.sha256, stored.size_bytes) != (item["sha256"], item["size"]):
                store.delete(item["key"])
                raise DamagedBackup(f"{item['key']} changed while being restored")
        finally:
            writer.release()  # its row was committed before the files: the sweep may judge it now
        progress("documents", index + 1, len(documents))
