"""The database engine of the running app (one per process), built from the settings."""

from __future__ import annotations

import select
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, create_engine

from mes_app.settings import settings


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> sa.Engine:
    url = url or settings.database_url
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping round trip per checkout: a connection the server closed is dropped at checkout
    # by a local poll (_drop_if_closed). Parameters never appear in error messages (the logs).
    engine = create_engine(url, hide_parameters=True)
    event.listen(engine, "checkout", _drop_if_closed)
    return engine


def _drop_if_closed(dbapi_connection, _record, _proxy) -> None:  # noqa: ANN001
    """A pooled connection is idle: the server has nothing to say on it, unless it closed it
    (a PostgreSQL restart sends "terminating connection" then closes; a dead server leaves
    end-of-file). Either makes the socket readable. A poll with no wait tells, without a round
    trip; ``DisconnectionError`` makes the pool drop this one and connect again."""
    try:
        fd = dbapi_connection.fileno()
    except Exception:  # noqa: BLE001 - already closed, or a driver without a socket
        raise DisconnectionError() from None
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    if poller.poll(0):
        raise DisconnectionError()


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def new_session() -> Session:
    return Session(get_engine(), expire_on_commit=False)
