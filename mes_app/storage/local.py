"""Documents in a local folder (``settings.documents_dir``), outside Reflex's public upload
folder: nothing here is ever served directly, only through the checked download route.

Layout: ``<root>/<key[:2]>/<key>``, the key being 32 random hex characters. A file being
written is ``<root>/.partial/<random>`` and only gets its final name once it is complete,
non-empty and of an allowed type, so an upload cut half way leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from mes_app.domain.documents import SNIFF_BYTES, sniff_type
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.storage.base import StoredFile, TooLarge

_KEY = re.compile(r"[0-9a-f]{32}")
PARTIAL_DIR = ".partial"


def valid_key(key: object) -> bool:
    """A key this store could have written (32 random hex characters)."""
    return isinstance(key, str) and _KEY.fullmatch(key) is not None


class LocalWriter:
    def __init__(self, storage: LocalStorage, max_bytes: int) -> None:
        self._storage = storage
        self._max_bytes = max_bytes
        self._hash = hashlib.sha256()
        self._size = 0
        self._head = b""
        partial = storage.root / PARTIAL_DIR
        partial.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._path = partial / secrets.token_hex(16)
        fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(fd, "wb")
        self._done = False

    def write(self, chunk: bytes) -> None:
        if self._done:
            raise RuntimeError("writer already closed")
        if not chunk:
            return
        if self._size + len(chunk) > self._max_bytes:
            self.abort()
            raise TooLarge(self._max_bytes)
        if len(self._head) < SNIFF_BYTES:
            self._head += bytes(chunk[: SNIFF_BYTES - len(self._head)])
        self._hash.update(chunk)
        self._size += len(chunk)
        try:
            self._file.write(chunk)
        except BaseException:
            self.abort()
            raise

    def commit(self) -> StoredFile:
        if self._done:
            raise RuntimeError("writer already closed")
        try:
            if self._size == 0:
                raise ValidationError("error.document_empty")
            mime = sniff_type(self._head)
            if mime is None:
                raise ValidationError("error.document_type_not_allowed")
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            key = secrets.token_hex(16)
            final = self._storage.path_for(key)
            final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.replace(self._path, final)
        except BaseException:
            self.abort()
            raise
        self._done = True
        return StoredFile(key=key, sha256=self._hash.hexdigest(), size_bytes=self._size, mime_type=mime)

    def abort(self) -> None:
        """Forget the partial file (idempotent)."""
        self._done = True
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()


class LocalStorage:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()

    def path_for(self, key: str) -> Path:
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise NotFound()
        return self.root / key[:2] / key

    def begin(self, max_bytes: int) -> LocalWriter:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        return LocalWriter(self, max_bytes)

    def exists(self, key: str) -> bool:
        try:
            return self.path_for(key).is_file()
        except NotFound:
            return False

    def open(self, key: str, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        path = self.path_for(key)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise NotFound() from None
        return _chunks(handle, chunk_size)

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError, NotFound):
            self.path_for(key).unlink()

    def partial_files(self) -> list[Path]:
        """Files still being written (tests check that none is left behind)."""
        partial = self.root / PARTIAL_DIR
        return sorted(partial.iterdir()) if partial.is_dir() else []

    def stored_files(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.glob("??/*") if p.is_file())


def _chunks(handle, chunk_size: int) -> Iterator[bytes]:  # noqa: ANN001
    with handle:
        while True:
            block = handle.read(chunk_size)
            if not block:
                return
            yield block
