"""Private document storage. :func:`default_storage` is the one the app uses."""

from __future__ import annotations

from mes_app.storage.base import DocumentStorage, StoredFile, TooLarge, UploadWriter
from mes_app.storage.local import LocalStorage

__all__ = ["DocumentStorage", "LocalStorage", "StoredFile", "TooLarge", "UploadWriter", "default_storage"]


def default_storage() -> LocalStorage:
    """The local folder of ``settings.documents_dir`` (outside Reflex's public upload folder)."""
    from mes_app.settings import settings

    return LocalStorage(settings.documents_dir)
