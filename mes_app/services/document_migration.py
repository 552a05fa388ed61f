"""Copy every document from one store to another (``python -m mes_app documents migrate``).

Which documents: every live row of ``document`` (``deleted_at IS NULL``; a deleted document's
file was erased with it), in id order, each under its own ``storage_key``, so the database is
left as it is and the app, restarted on the new store, finds every file where it looks.

Each copy is checked against what the database recorded when the file was uploaded: the bytes
are hashed while copied and the copy is committed only when their SHA-256 and size match
``document.sha256`` and ``document.size_bytes`` (a damaged source is refused, by document id,
and nothing of it is written). The size cap is the recorded size, so a longer source stops at
once; the new store sniffs the type as for an upload.

Resumable: every document is its own atomic write (see the stores), so a run stopped anywhere
(Ctrl-C, kill -9, a lost connection) leaves each document either wholly in the new store or not
at all. Run it again: a document already there is read back and verified, then skipped; one
there but not matching (it cannot happen through this code) is replaced.

The source is never changed, unless ``delete_source``: then a document's source file is deleted
only after its copy was read back from the new store and matched its SHA-256.

Messages and problems name document ids only, never a title nor a byte of a file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from mes_app.domain.errors import NotFound, ValidationError
from mes_app.storage.base import DocumentStorage

Progress = Callable[[int, int], None]
"""Called after each document: (done, total)."""


class MigrationError(Exception):
    """Refused before copying anything (no database, no schema, the same store twice)."""


@dataclass(frozen=True)
class StoredDocument:
    document_id: int
    key: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class DocumentProblem:
    document_id: int
    problem: str  # "missing" | "hash_mismatch" | "refused" (type or size) | "store_error"


@dataclass
class MigrationReport:
    total: int = 0
    copied: int = 0
    already_there: int = 0
    source_deleted: int = 0
    problems: list[DocumentProblem] = field(default_factory=list)


def live_documents(database_url: str) -> list[StoredDocument]:
    """Every document the database references, in id order."""
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("document"):
                raise MigrationError("the database has no MES schema (run `python -m mes_app migrate`)")
            rows = conn.execute(
                sa.text("SELECT id, storage_key, sha256, size_bytes FROM document WHERE deleted_at IS NULL ORDER BY id")
            ).all()
    except SQLAlchemyError as exc:
        reason = type(getattr(exc, "orig", None) or exc).__name__
        raise MigrationError(f"cannot read the database ({reason})") from None
    finally:
        engine.dispose()
    return [StoredDocument(int(i), str(k), str(s), int(n)) for i, k, s, n in rows]


def _digest(chunks: Iterable[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _matches(store: DocumentStorage, doc: StoredDocument) -> bool:
    """The store holds this document's key with its recorded SHA-256 and size."""
    try:
        return _digest(store.open(doc.key)) == (doc.sha256, doc.size_bytes)
    except NotFound:
        return False


def _hashed(chunks: Iterator[bytes], digest) -> Iterator[bytes]:  # noqa: ANN001
    for chunk in chunks:
        digest.update(chunk)
        yield chunk


def copy_document(source: DocumentStorage, target: DocumentStorage, doc: StoredDocument) -> str | None:
    """Copy one document, committed only if it matches; returns the problem, or None."""
    try:
        chunks = source.open(doc.key, chunk_size=256 * 1024)
    except NotFound:
        return "missing"
    digest = hashlib.sha256()
    writer = target.begin(max(doc.size_bytes, 1), key=doc.key)
    try:
        for chunk in _hashed(chunks, digest):
            writer.write(chunk)
    except ValidationError:  # TooLarge: longer than recorded (the writer aborted itself)
        return "hash_mismatch"
    except BaseException:
        writer.abort()
        raise
    if digest.hexdigest() != doc.sha256:
        writer.abort()
        return "hash_mismatch"
    try:
        stored = writer.commit()  # aborts itself when refused
    except ValidationError:
        return "refused"
    try:
        if (stored.sha256, stored.size_bytes) != (doc.sha256, doc.size_bytes):  # cannot differ; belt and braces
            target.delete(doc.key)
            return "hash_mismatch"
    finally:
        writer.release()  # its row exists already: the sweep may judge the file now
    return None


def migrate_documents(
    documents: list[StoredDocument],
    source: DocumentStorage,
    target: DocumentStorage,
    *,
    delete_source: bool = False,
    progress: Progress | None = None,
) -> MigrationReport:
    """Copy ``documents`` from ``source`` to ``target`` (see the module's docstring)."""
    if source is target:
        raise MigrationError("the source and the target are the same store")
    report = MigrationReport(total=len(documents))
    for index, doc in enumerate(documents):
        problem = None
        try:
            if target.exists(doc.key) and _matches(target, doc):
                report.already_there += 1
            else:
                if target.exists(doc.key):
                    target.delete(doc.key)  # a copy that does not match: made again
                problem = copy_document(source, target, doc)
                if problem is None:
                    report.copied += 1
            if problem is None and delete_source and source.exists(doc.key):
                if _matches(target, doc):
                    source.delete(doc.key)
                    report.source_deleted += 1
                else:
                    problem = "hash_mismatch"
        except OSError:  # a disk error, or StorageError (the server)
            problem = "store_error"
        if problem is not None:
            report.problems.append(DocumentProblem(doc.document_id, problem))
        if progress is not None:
            progress(index + 1, len(documents))
    return report
