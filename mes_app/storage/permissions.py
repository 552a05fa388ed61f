"""Health data on disk is for the server's own user only."""

from __future__ import annotations

from pathlib import Path


def restrict_folder(folder: Path) -> None:
    """Make ``folder`` 0700 and every file below it 0600 (left as they are if it is missing)."""
    if not folder.is_dir():
        return
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
