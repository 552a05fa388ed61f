"""The database engine of the running app (one per process), built from the settings, and the
threads the app's event handlers run their database work in.

Reflex runs every event handler on the worker's one asyncio event loop; MES's services are
synchronous (SQLAlchemy sessions), so their round trips to PostgreSQL would stop every other
client of the worker while they wait. :func:`off_loop` runs that work in a small, bounded pool of
threads instead (``settings.db_threads``, by default 5 on PostgreSQL, as many as the connection
pool holds), and the loop serves other events meanwhile. On SQLite (``db_threads`` 0 by
default) the work runs on the loop as before: the database is CPU in this process, there is
no wait to overlap. See docs/performance.md, "Several workers".

Stale connections (a PostgreSQL restart, a connection cut by a firewall) are not pinged before
every checkout (``pool_pre_ping`` costs one round trip per session): connections are recycled
after ``settings.db_pool_recycle_seconds``, and the first statement that fails on a dead
connection makes SQLAlchemy invalidate it *and every older one of the pool* (its "disconnect"
handling), so one request fails and the next ones get new connections.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import select
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, create_engine

from mes_app.settings import settings

P = ParamSpec("P")
T = TypeVar("T")


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> sa.Engine:
    url = url or settings.database_url
    pool = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_recycle": settings.db_pool_recycle_seconds,
        "pool_timeout": settings.db_pool_timeout_seconds,
        "pool_use_lifo": True,  # the most recently used connection first: its prepared statements are warm
    }
    if url.startswith("sqlite"):
        # check_same_thread=False: a connection is used by one thread at a time, but not always
        # the thread that opened it (the pool hands it to whichever db thread asks).
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping round trip per checkout: a connection the server closed is dropped at checkout
    # by a local poll (_drop_if_closed). Parameters never appear in error messages (the logs).
    engine = create_engine(url, connect_args={"connect_timeout": settings.db_connect_timeout_seconds},
                           hide_parameters=True, **pool)
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


@lru_cache(maxsize=1)
def _db_threads() -> ThreadPoolExecutor:
    """Created on first use, in the worker process (never before granian forks)."""
    return ThreadPoolExecutor(max_workers=settings.db_threads, thread_name_prefix="mes-db")


async def off_loop(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run blocking (database) work in the app's db threads and wait for it without blocking the
    event loop. The work sees this task's context variables (the event's identity)."""
    if settings.db_threads == 0:  # SQLite by default: nothing to overlap, run it here
        return work(*args, **kwargs)
    context = contextvars.copy_context()
    call = functools.partial(context.run, work, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_db_threads(), call)


async def cpu_off_loop(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """As :func:`off_loop`, for work dominated by CPU that must never hold the event loop
    (argon2): in the db threads when there are some, else in a worker thread of the loop's
    default executor (SQLite too). The work sees this task's context variables."""
    if settings.db_threads > 0:
        return await off_loop(work, *args, **kwargs)
    return await asyncio.to_thread(work, *args, **kwargs)
