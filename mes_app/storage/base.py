"""The storage interface for documents: write a stream, read it back, delete it.

Small on purpose, so that an S3-compatible implementation can follow the local one:

    writer = storage.begin(max_bytes)     # nothing visible yet
    writer.write(chunk) ...               # size cap, SHA-256 and type sniffing as bytes come
    stored = writer.commit()              # the file now exists under a random key
    writer.release()                      # once the row naming it is committed
    writer.abort()                        # or: nothing is left behind

Every writer ends with ``release()`` or ``abort()``: until then the store marks the file as a
live writer's (a file lock, an advisory lock) and the start-up sweep leaves it alone.
    storage.open(key) -> iterator of byte chunks
    storage.delete(key)

Keys are random (never derived from a name the user chose) and say nothing about the file.
``begin(max_bytes, key=...)`` writes under a key that already names the file elsewhere (copying
between stores: ``python -m mes_app documents migrate``, and restoring a backup).

Two implementations, chosen by ``MES_DOCUMENT_STORE`` (:func:`mes_app.storage.default_storage`):
:class:`~mes_app.storage.local.LocalStorage` (one folder) and
:class:`~mes_app.storage.postgres.PostgresStorage` (every worker on every machine). Both check
the stream the same way, through :class:`StreamCheck`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from mes_app.domain.documents import SNIFF_BYTES, sniff_type
from mes_app.domain.errors import ValidationError


@dataclass(frozen=True)
class StoredFile:
    key: str
    sha256: str
    size_bytes: int
    mime_type: str  # sniffed from the first bytes


class TooLarge(ValidationError):
    """The stream went past the size limit (the rest is never read)."""

    def __init__(self, max_bytes: int = 0) -> None:
        super().__init__("error.document_too_large", max_mb=max(1, max_bytes // (1024 * 1024)))

    def __reduce__(self):  # noqa: ANN204
        return (self.__class__, (0,))


class StorageError(OSError):
    """The store could not be reached or refused a write (an ``OSError``, as a disk failure of
    the local store is). Its message names no key content and no health data."""


class StreamCheck:
    """What every store checks as bytes come: the size cap (refused at once, the rest is never
    read), the SHA-256 and the first bytes for type sniffing; :meth:`finish` refuses an empty
    file or one of a type not allowed."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._hash = hashlib.sha256()
        self._head = b""

    def take(self, chunk: bytes) -> None:
        """Count ``chunk`` in, or raise :class:`TooLarge` (then the caller aborts)."""
        if self.size + len(chunk) > self.max_bytes:
            raise TooLarge(self.max_bytes)
        if len(self._head) < SNIFF_BYTES:
            self._head += bytes(chunk[: SNIFF_BYTES - len(self._head)])
        self._hash.update(chunk)
        self.size += len(chunk)

    def finish(self, key: str) -> StoredFile:
        if self.size == 0:
            raise ValidationError("error.document_empty")
        mime = sniff_type(self._head)
        if mime is None:
            raise ValidationError("error.document_type_not_allowed")
        return StoredFile(key=key, sha256=self._hash.hexdigest(), size_bytes=self.size, mime_type=mime)


class UploadWriter(Protocol):
    def write(self, chunk: bytes) -> None: ...

    def commit(self) -> StoredFile: ...

    def release(self) -> None:
        """Called once the row naming the committed file is committed: until then a start-up
        sweep (:func:`mes_app.services.documents.sweep_orphans`) must not take the file for an
        orphan."""
        ...

    def abort(self) -> None: ...


class DocumentStorage(Protocol):
    def begin(self, max_bytes: int, key: str | None = None) -> UploadWriter: ...

    def open(self, key: str, chunk_size: int = 64 * 1024) -> Iterator[bytes]: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def stored_keys(self) -> list[str]: ...

    def sweep(self, referenced: Callable[[list[str]], set[str]]) -> tuple[int, int]:
        """Erase what a killed writer left behind (partial files, stored files no row names,
        ``referenced(keys)`` saying which are named, asked only once the files' locks are
        taken); files a live writer has not released are kept. Returns (partial, stored)
        counts."""
        ...
