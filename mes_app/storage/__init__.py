"""Private document storage. :func:`default_storage` is the one the app uses."""

from __future__ import annotations

from functools import cache

from mes_app.storage.base import DocumentStorage, StorageError, StoredFile, TooLarge, UploadWriter
from mes_app.storage.local import LocalStorage

__all__ = [
    "DocumentStorage",
    "LocalStorage",
    "StorageError",
    "StoredFile",
    "TooLarge",
    "UploadWriter",
    "default_storage",
    "storage_for",
]


def default_storage() -> DocumentStorage:
    """The store of the settings (``MES_DOCUMENT_STORE``): every place that reads, writes or
    erases a document gets it here."""
    from mes_app.settings import settings

    return storage_for(settings.document_store, settings.document_store_url, str(settings.documents_dir),
                       settings.document_lock_timeout_seconds)


@cache
def storage_for(kind: str, url: str, documents_dir: str, lock_timeout_seconds: float = 10) -> DocumentStorage:
    """One store per configuration (a PostgreSQL store keeps its connection pool)."""
    if kind == "postgresql":
        from mes_app.storage.postgres import PostgresStorage

        return PostgresStorage(url, lock_timeout_seconds=lock_timeout_seconds)
    return LocalStorage(documents_dir)
