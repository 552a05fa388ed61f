"""Documents in a local folder (``settings.documents_dir``), outside Reflex's public upload
folder: nothing here is ever served directly, only through the checked download route.

Layout: ``<root>/<key[:2]>/<key>``, the key being 32 random hex characters. A file being
written is ``<root>/.partial/<random>`` and only gets its final name once it is complete,
non-empty and of an allowed type, so an upload cut half way leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from mes_app.domain.errors import NotFound
from mes_app.storage.base import StorageError, StoredFile, StreamCheck

_KEY = re.compile(r"[0-9a-f]{32}")
PARTIAL_DIR = ".partial"


def valid_key(key: object) -> bool:
    """A key this store could have written (32 random hex characters)."""
    return isinstance(key, str) and _KEY.fullmatch(key) is not None


class LocalWriter:
    def __init__(self, storage: LocalStorage, max_bytes: int, key: str | None = None) -> None:
        if key is not None and not valid_key(key):
            raise NotFound()
        self._storage = storage
        self._key = key
        self._check = StreamCheck(max_bytes)
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
        try:
            self._check.take(chunk)
            self._file.write(chunk)
        except BaseException:
            self.abort()
            raise

    def commit(self) -> StoredFile:
        if self._done:
            raise RuntimeError("writer already closed")
        try:
            stored = self._check.finish(self._key or secrets.token_hex(16))
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            final = self._storage.path_for(stored.key)
            final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if self._key is not None and final.exists():
                raise StorageError("a document with this key is already in the store")
            os.replace(self._path, final)
        except BaseException:
            self.abort()
            raise
        self._done = True
        return stored

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

    def begin(self, max_bytes: int, key: str | None = None) -> LocalWriter:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        return LocalWriter(self, max_bytes, key)

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

    def stored_keys(self) -> list[str]:
        """Every key in the store (restore checks it is empty)."""
        return [path.name for path in self.stored_files() if valid_key(path.name)]

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
