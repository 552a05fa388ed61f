"""The database engine of the running app (one per process), built from the settings."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, create_engine

from mes_app.settings import settings


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> sa.Engine:
    url = url or settings.database_url
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def new_session() -> Session:
    return Session(get_engine(), expire_on_commit=False)
