"""Documents in PostgreSQL, so that every worker on every machine sees the same files
(``MES_DOCUMENT_STORE=postgresql``; by default in the app's own database).

Why PostgreSQL and not an S3-compatible store: MES already needs PostgreSQL to run on several
machines (SQLite is one file on one disk), so documents there add no server to install, secure,
back up and monitor, and a document's bytes then live and die in the same database as the row
that names them. CI and every developer machine have a PostgreSQL server; none has an object
store, and the contract tests run against the real server.

Why a chunked ``bytea`` table and not large objects (``lo_*``): with large objects, deleting
the row that names one does not delete it (``lo_unlink`` must be called, or ``vacuumlo`` run,
else health data lingers in ``pg_largeobject``), they are outside the tables that the backup,
the test clean-up and the closing sweep see, and they need their own permissions. A table of
chunks is plain SQL: ``DELETE`` erases it, ``VACUUM`` reclaims it, TOAST stores each chunk out
of line (and compresses what compresses). Measured on the dev machine (benchmarks/
document_store.py, 20 MiB, local server), both are in the same range; see docs/storage.md.

Layout: ``document_chunk(blob_key, seq, data)``, chunks of :data:`CHUNK` bytes (the last one
shorter), the key being 32 random hex characters as in the local store.

Atomic: a writer holds one connection and one transaction from :meth:`PostgresStorage.begin`
to :meth:`PostgresWriter.commit`. Until the ``COMMIT`` no other connection sees a chunk, so a
half-written document is never visible; :meth:`~PostgresWriter.abort`, an error, a killed
worker or a lost connection all roll back and leave nothing. The cost is one connection per
upload in progress (the pool grows past its size for them, see ``max_overflow``).

No orphan: the chunks' ``COMMIT`` and the document row's are two transactions, so a worker
killed between them leaves chunks no row names. As the local store's file lock does, the
writer's connection holds a session-level advisory lock, ``pg_advisory_lock(LOCK_NAMESPACE,
hashtext(key))``, from :meth:`~PostgresStorage.begin` until :meth:`~PostgresWriter.release`
(after the row's commit) or :meth:`~PostgresWriter.abort`, which unlock it explicitly (a pooled
connection outlives ``close()``: if unlocking fails, the connection is invalidated, which drops
the lock). A killed worker's connections drop, and its locks with them. :meth:`PostgresStorage.sweep`
(at every start-up) erases the stored keys no row names whose lock it can take: what a dead
worker left goes, an upload another live worker has not released yet stays.

Never a wait without end: the writer's transaction sets ``lock_timeout`` (``set_config(...,
true)``: this transaction only) before taking the lock, so a key held by another connection (a
restore or migration of the same key, another writer, a ``hashtext`` collision) makes
:meth:`~PostgresStorage.begin` fail after ``lock_timeout_seconds`` with the store's
:class:`StorageError` ("busy"), which the upload route answers as "store unavailable" (503).
The same bound applies to the chunks' inserts of that transaction (a table lock taken by a
migration, say).

Streaming both ways: at most one chunk (1 MiB) is held in memory, while writing and reading.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry

from mes_app.domain.errors import NotFound
from mes_app.storage.base import StorageError, StoredFile, StreamCheck
from mes_app.storage.local import valid_key

CHUNK = 1024 * 1024
TABLE = "document_chunk"

_INSERT = sa.text(f"INSERT INTO {TABLE} (blob_key, seq, data) VALUES (:key, :seq, :data)")
_COUNT = sa.text(f"SELECT count(*) FROM {TABLE} WHERE blob_key = :key")
_EXISTS = sa.text(f"SELECT 1 FROM {TABLE} WHERE blob_key = :key AND seq = 0")
_READ = sa.text(f"SELECT data FROM {TABLE} WHERE blob_key = :key AND seq = :seq")
_DELETE = sa.text(f"DELETE FROM {TABLE} WHERE blob_key = :key")
_KEYS = sa.text(f"SELECT DISTINCT blob_key FROM {TABLE} ORDER BY blob_key")

LOCK_NAMESPACE = 0x4D455344  # "MESD": the first key of every document store advisory lock
SWEEP_BATCH = 500  # keys locked at once by a sweep (each lock takes a slot of the server's lock table)
_LOCK = sa.text("SELECT pg_advisory_lock(:ns, hashtext(:key))")
_LOCK_TIMEOUT = sa.text("SELECT set_config('lock_timeout', :timeout, true)")  # true: this transaction only
_UNLOCK = sa.text("SELECT pg_advisory_unlock(:ns, hashtext(:key))")
_TRY_LOCK_FREE = sa.text(
    "SELECT key FROM unnest(CAST(:keys AS text[])) AS key WHERE pg_try_advisory_lock(:ns, hashtext(key))"
)
_UNLOCK_ALL = sa.text("SELECT pg_advisory_unlock_all()")
_HELD = "mes_document_lock"  # in a pooled connection's info while a writer's lock is on it
_DELETE_KEYS = sa.text(
    f"WITH gone AS (DELETE FROM {TABLE} WHERE blob_key = ANY(CAST(:keys AS text[])) RETURNING blob_key) "
    "SELECT count(DISTINCT blob_key) FROM gone"
)


def _failure(exc: SQLAlchemyError) -> StorageError:
    """The driver's error class only (its message could quote a parameter)."""
    reason = type(getattr(exc, "orig", None) or exc).__name__
    if reason == "LockNotAvailable":  # lock_timeout: another connection holds the key's lock
        return StorageError("the document store is busy: this document is locked by another writer; try again")
    if reason == "UndefinedTable":
        return StorageError(f"the document store database has no {TABLE} table: run `python -m mes_app migrate` on it")
    return StorageError(f"the document store failed ({reason})")


class PostgresWriter:
    def __init__(self, storage: PostgresStorage, max_bytes: int, key: str | None) -> None:
        if key is not None and not valid_key(key):
            raise NotFound()
        self._key = key or secrets.token_hex(16)
        self._check = StreamCheck(max_bytes)
        self._buffer = bytearray()
        self._seq = 0
        self._done = False
        self._committed = False
        try:
            conn = storage.engine.connect()
        except SQLAlchemyError as exc:
            raise _failure(exc) from None
        try:
            conn.begin()
            conn.execute(_LOCK_TIMEOUT, {"timeout": storage.lock_timeout})
            # Held by this connection (the session, not the transaction) until release()/abort().
            conn.execute(_LOCK, {"ns": LOCK_NAMESPACE, "key": self._key})
            conn.info[_HELD] = True
        except BaseException as exc:
            with contextlib.suppress(SQLAlchemyError):
                conn.invalidate()  # whether the lock was taken or not, it goes with the connection
            with contextlib.suppress(SQLAlchemyError):
                conn.close()
            if isinstance(exc, SQLAlchemyError):
                raise _failure(exc) from None
            raise
        self._conn: sa.Connection | None = conn

    def write(self, chunk: bytes) -> None:
        if self._done:
            raise RuntimeError("writer already closed")
        if not chunk:
            return
        try:
            self._check.take(chunk)
            self._buffer += chunk
            while len(self._buffer) >= CHUNK:
                self._flush(CHUNK)
        except SQLAlchemyError as exc:
            self.abort()
            raise _failure(exc) from None
        except BaseException:
            self.abort()
            raise

    def _flush(self, size: int) -> None:
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        self._open().execute(_INSERT, {"key": self._key, "seq": self._seq, "data": data})
        self._seq += 1

    def commit(self) -> StoredFile:
        if self._done:
            raise RuntimeError("writer already closed")
        try:
            stored = self._check.finish(self._key)
            if self._buffer:
                self._flush(len(self._buffer))
            self._open().commit()
        except SQLAlchemyError as exc:
            self.abort()
            if type(getattr(exc, "orig", None)).__name__ == "UniqueViolation":
                raise StorageError("a document with this key is already in the store") from None
            raise _failure(exc) from None
        except BaseException:
            self.abort()
            raise
        self._done = True
        self._committed = True
        return stored  # the connection, and its lock, are kept until release()

    def release(self) -> None:
        """The committed file belongs to its committed row now: unlock the key, so that a
        sweep may take the file for an orphan once no row names it, and give the connection
        back to the pool (idempotent; never raises: if unlocking fails, the connection is
        invalidated, which drops the lock). Before the commit, the same as :meth:`abort`."""
        if not self._committed:
            self.abort()
            return
        self._drop_connection()

    def abort(self) -> None:
        """Roll back: no chunk of this file was ever visible; then unlock as :meth:`release`
        does (idempotent). After the commit, the committed file stays (delete it by key)."""
        self._done = True
        self._buffer.clear()
        self._drop_connection()

    def _open(self) -> sa.Connection:
        if self._conn is None:
            raise RuntimeError("writer already closed")
        return self._conn

    def _drop_connection(self) -> None:
        """Roll back what is not committed, unlock, and give the connection back to the pool."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.rollback()
            unlocked = conn.execute(_UNLOCK, {"ns": LOCK_NAMESPACE, "key": self._key}).scalar()
            conn.commit()
            if not unlocked:
                raise RuntimeError("the lock was not held")  # cannot happen; never pool such a connection
            conn.info.pop(_HELD, None)
        except (SQLAlchemyError, RuntimeError):
            with contextlib.suppress(SQLAlchemyError):
                conn.invalidate()  # closes it for real: the server drops its locks
        finally:
            with contextlib.suppress(SQLAlchemyError):
                conn.close()


def _close_if_still_locked(_dbapi_connection: object, record: ConnectionPoolEntry) -> None:
    """A writer dropped without release() nor abort() (garbage-collected): its connection
    would go back to the pool with the key's lock still on it; it is closed instead (the
    server drops the lock, the pool opens a new connection when it needs one)."""
    if record.info.pop(_HELD, False):
        record.invalidate()


class PostgresStorage:
    def __init__(self, url: str, *, pool_size: int = 5, max_overflow: int = 20,
                 lock_timeout_seconds: float = 10) -> None:
        self.engine = sa.create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)
        # PostgreSQL's lock_timeout, in milliseconds (at least 1: 0 would mean "no limit").
        self.lock_timeout = f"{max(1, round(lock_timeout_seconds * 1000))}ms"
        event.listen(self.engine, "checkin", _close_if_still_locked)

    def begin(self, max_bytes: int, key: str | None = None) -> PostgresWriter:
        return PostgresWriter(self, max_bytes, key)

    def exists(self, key: str) -> bool:
        if not valid_key(key):
            return False
        try:
            with self.engine.connect() as conn:
                return conn.execute(_EXISTS, {"key": key}).first() is not None
        except SQLAlchemyError as exc:
            raise _failure(exc) from None

    def open(self, key: str, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        """The file's bytes, one stored chunk (cut into ``chunk_size`` pieces) at a time.
        :class:`NotFound` at once when there is no such file; a file deleted while being read
        raises :class:`StorageError` at the missing chunk (never a silently short file)."""
        if not valid_key(key):
            raise NotFound()
        try:
            with self.engine.connect() as conn:
                count = conn.execute(_COUNT, {"key": key}).scalar_one()
        except SQLAlchemyError as exc:
            raise _failure(exc) from None
        if not count:
            raise NotFound()
        return self._chunks(key, count, chunk_size)

    def _chunks(self, key: str, count: int, chunk_size: int) -> Iterator[bytes]:
        for seq in range(count):
            try:
                with self.engine.connect() as conn:
                    data = conn.execute(_READ, {"key": key, "seq": seq}).scalar()
            except SQLAlchemyError as exc:
                raise _failure(exc) from None
            if data is None:
                raise StorageError("the document was deleted while being read")
            view = memoryview(data)
            for start in range(0, len(view), chunk_size):
                yield bytes(view[start : start + chunk_size])

    def delete(self, key: str) -> None:
        if not valid_key(key):
            return
        try:
            with self.engine.begin() as conn:
                conn.execute(_DELETE, {"key": key})
        except SQLAlchemyError as exc:
            raise _failure(exc) from None

    def stored_keys(self) -> list[str]:
        """Every key in the store (restore checks it is empty; tests check nothing is left).
        A database not migrated yet has no table, and so no key."""
        try:
            with self.engine.connect() as conn:
                if not sa.inspect(conn).has_table(TABLE):
                    return []
                return [key for (key,) in conn.execute(_KEYS)]
        except SQLAlchemyError as exc:
            raise _failure(exc) from None

    def sweep(self, referenced: Callable[[list[str]], set[str]]) -> tuple[int, int]:
        """Erase the stored files that no row names and no live writer holds: a worker killed
        after its chunks' commit and before its row's. For each batch of stored keys, take the
        advisory lock of every key whose lock is free (``pg_try_advisory_lock``: a writer that
        has not released its file holds it), only then ask ``referenced(keys)`` (so a row
        committed before its writer released is seen), delete the chunks of the keys it does
        not name, and unlock. Nothing partial can exist (a writer's chunks are one
        transaction), so returns (0, stored files erased)."""
        keys = self.stored_keys()
        erased = 0
        for start in range(0, len(keys), SWEEP_BATCH):
            erased += self._sweep_batch(keys[start : start + SWEEP_BATCH], referenced)
        return 0, erased

    def _sweep_batch(self, keys: list[str], referenced: Callable[[list[str]], set[str]]) -> int:
        try:
            conn = self.engine.connect()
        except SQLAlchemyError as exc:
            raise _failure(exc) from None
        try:
            free = list(conn.execute(_TRY_LOCK_FREE, {"keys": keys, "ns": LOCK_NAMESPACE}).scalars())
            conn.commit()
            try:
                named = referenced(free) if free else set()
                orphans = [key for key in free if key not in named]
                erased = conn.execute(_DELETE_KEYS, {"keys": orphans}).scalar_one() if orphans else 0
                conn.commit()
            finally:
                conn.rollback()
                conn.execute(_UNLOCK_ALL)  # this connection held no other advisory lock
                conn.commit()
        except SQLAlchemyError as exc:
            # A lock taken by a failed statement outlives its rollback: the connection goes.
            with contextlib.suppress(SQLAlchemyError):
                conn.invalidate()
            raise _failure(exc) from None
        finally:
            with contextlib.suppress(SQLAlchemyError):
                conn.close()
        return int(erased)

    def dispose(self) -> None:
        self.engine.dispose()
