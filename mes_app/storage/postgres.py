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

Streaming both ways: at most one chunk (1 MiB) is held in memory, while writing and reading.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterator

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

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


def _failure(exc: SQLAlchemyError) -> StorageError:
    """The driver's error class only (its message could quote a parameter)."""
    reason = type(getattr(exc, "orig", None) or exc).__name__
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
        try:
            self._conn = storage.engine.connect()
            self._conn.begin()
        except SQLAlchemyError as exc:
            raise _failure(exc) from None

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
        self._conn.execute(_INSERT, {"key": self._key, "seq": self._seq, "data": data})
        self._seq += 1

    def commit(self) -> StoredFile:
        if self._done:
            raise RuntimeError("writer already closed")
        try:
            stored = self._check.finish(self._key)
            if self._buffer:
                self._flush(len(self._buffer))
            self._conn.commit()
        except SQLAlchemyError as exc:
            self.abort()
            if type(getattr(exc, "orig", None)).__name__ == "UniqueViolation":
                raise StorageError("a document with this key is already in the store") from None
            raise _failure(exc) from None
        except BaseException:
            self.abort()
            raise
        self._done = True
        self._conn.close()
        return stored

    def release(self) -> None:
        """Nothing held after the commit (see :meth:`PostgresStorage.sweep`)."""

    def abort(self) -> None:
        """Roll back: no chunk of this file was ever visible (idempotent)."""
        self._done = True
        self._buffer.clear()
        with contextlib.suppress(SQLAlchemyError):
            self._conn.rollback()
        with contextlib.suppress(SQLAlchemyError):
            self._conn.close()


class PostgresStorage:
    def __init__(self, url: str, *, pool_size: int = 5, max_overflow: int = 20) -> None:
        self.engine = sa.create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)

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

    def sweep(self, referenced: Callable[[list[str]], set[str]]) -> tuple[int, int]:  # noqa: ARG002
        """A killed writer's chunks were never committed (one transaction): nothing partial is
        ever left. Not swept: a file committed by a worker killed before its row's commit (the
        row's and the chunks' transactions are separate; erasing unnamed keys here could take
        another worker's upload in progress, which no lock marks)."""
        return 0, 0

    def dispose(self) -> None:
        self.engine.dispose()
