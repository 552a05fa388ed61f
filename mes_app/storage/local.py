"""Documents in a local folder (``settings.documents_dir``), outside Reflex's public upload
folder: nothing here is ever served directly, only through the checked download route.

Layout: ``<root>/<key[:2]>/<key>``, the key being 32 random hex characters. A file being
written is ``<root>/.partial/<random>`` and only gets its final name once it is complete,
non-empty and of an allowed type, so an upload cut half way leaves nothing behind.

A killed server (``kill -9``, a crash, a power cut) cannot clean up after itself: what it was
writing stays in ``.partial/``, and a file it had stored whose row it had not committed yet is
in the store with no document naming it. So a writer holds an exclusive ``flock`` on its file
from the first byte until :meth:`LocalWriter.release` (after the row's commit), and
:meth:`LocalStorage.sweep` (at every start-up, :func:`mes_app.services.documents.sweep_orphans`)
erases only the files nobody holds: a process that dies drops its locks, so what it left is
swept, and an upload in progress in another worker sharing the folder is never touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
from collections.abc import Callable, Iterator
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
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new file: nobody else holds it
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
            final = self._storage.path_for(stored.key)
            final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if self._key is not None and final.exists():
                raise StorageError("a document with this key is already in the store")
            os.replace(self._path, final)  # the lock stays on the file (same inode) until release()
            _fsync_folder(final.parent)
        except BaseException:
            self.abort()
            raise
        self._done = True
        return stored

    def release(self) -> None:
        """The stored file belongs to its committed row now: drop the lock (idempotent; the
        lock also goes when this writer is garbage-collected or the process dies)."""
        with contextlib.suppress(OSError):
            self._file.close()

    def abort(self) -> None:
        """Forget the partial file (idempotent)."""
        self._done = True
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()
        with contextlib.suppress(OSError):
            self._file.close()


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

    def sweep(self, referenced: Callable[[list[str]], set[str]]) -> tuple[int, int]:
        """Erase what a killed writer left: partial files, and stored files that no row names
        (``referenced(keys)`` returns those of ``keys`` a row names; asked only once the file's
        lock is taken, so a row committed meanwhile is seen). Files a live writer holds are
        left alone. Returns (partial files, stored files) erased."""
        partial = sum(_erase_if_free(path) for path in self.partial_files())
        free = []
        for path in self.stored_files():
            if not valid_key(path.name):
                continue
            handle = _lock_free(path)
            if handle is not None:
                free.append((path, handle))
        try:
            named = referenced([path.name for path, _ in free]) if free else set()
            stored = 0
            for path, _handle in free:
                if path.name not in named:
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                        stored += 1
        finally:
            for _path, handle in free:
                handle.close()
        return partial, stored

    def stored_files(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.glob("??/*") if p.is_file())


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (a crash right after it must not lose the file's new name)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _lock_free(path: Path):  # noqa: ANN202 - an open file, or None
    """``path`` opened with its exclusive lock taken, or None when a writer holds it (or it is gone)."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _erase_if_free(path: Path) -> bool:
    handle = _lock_free(path)
    if handle is None:
        return False
    with handle, contextlib.suppress(FileNotFoundError):
        path.unlink()
        return True
    return False


def _chunks(handle, chunk_size: int) -> Iterator[bytes]:  # noqa: ANN001
    with handle:
        while True:
            block = handle.read(chunk_size)
            if not block:
                return
            yield block
