"""The storage interface for documents: write a stream, read it back, delete it.

Small on purpose, so that an S3-compatible implementation can follow the local one:

    writer = storage.begin(max_bytes)     # nothing visible yet
    writer.write(chunk) ...               # size cap, SHA-256 and type sniffing as bytes come
    stored = writer.commit()              # the file now exists under a random key
    writer.abort()                        # or: nothing is left behind
    storage.open(key) -> iterator of byte chunks
    storage.delete(key)

Keys are random (never derived from a name the user chose) and say nothing about the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

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


class UploadWriter(Protocol):
    def write(self, chunk: bytes) -> None: ...

    def commit(self) -> StoredFile: ...

    def abort(self) -> None: ...


class DocumentStorage(Protocol):
    def begin(self, max_bytes: int) -> UploadWriter: ...

    def open(self, key: str, chunk_size: int = 64 * 1024) -> Iterator[bytes]: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...
