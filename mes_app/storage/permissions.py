"""Health data on disk is for the server's own user only."""

from __future__ import annotations

import os
from pathlib import Path


def restrict_folder(folder: Path) -> None:
    """Make ``folder`` 0700 and every file below it 0600 (left as they are if it is missing)."""
    if not folder.is_dir():
        return
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


def private_by_default() -> None:
    """Everything this process creates from now on (database, documents, state pickles) is
    readable by its own user only: files 0600, folders 0700."""
    os.umask(0o077)


def restrict_sqlite_files(database_url: str) -> None:
    """A database created before :func:`private_by_default` existed becomes 0600 too."""
    if not database_url.startswith("sqlite:///"):
        return
    path = Path(database_url.removeprefix("sqlite:///"))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.is_file():
            file.chmod(0o600)
