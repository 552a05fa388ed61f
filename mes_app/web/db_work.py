"""The blocking work of the HTTP routes, off the event loop (issue 14, item 1).

The routes of :mod:`mes_app.web` are ``async`` Starlette endpoints on the worker's one event
loop, the same loop that serves every websocket event of the worker; the services they call are
synchronous (SQLAlchemy, psycopg round trips, argon2). A route parses the request, checks the
cookie and builds its answer on the loop, and hands its database work to one of these:

- :func:`in_session` — ``work(session, *args)`` with a fresh database session, in the app's
  db threads (:func:`mes_app.db.engine.off_loop`): a plain call when ``MES_DB_THREADS=0``
  (SQLite by default: its work is CPU in this process, nothing to overlap), a db thread
  otherwise (PostgreSQL: the loop serves other clients while the round trips wait);
- :func:`slow_in_session` / :func:`slow` — work dominated by CPU that must never run on the
  loop, whatever the database (argon2 hashing and verification: log-in, new password,
  second factor off; the file imports): always a worker thread;
- :func:`held_session` and :func:`db` — a session a route holds across awaits, and each step
  on it (the streamed upload: one parser step per chunk received);
- :func:`stored_chunks` — a stored document, opened and read chunk by chunk in worker threads.

What each work does (identity checks, the access policy, the answers) is unchanged: only
the thread it runs on moved.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Concatenate, ParamSpec, TypeVar

from sqlmodel import Session
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from mes_app.db.engine import cpu_off_loop, get_engine, off_loop
from mes_app.storage.base import DocumentStorage

P = ParamSpec("P")
T = TypeVar("T")


def _in_new_session(work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
    with Session(get_engine()) as session:
        return work(session, *args, **kwargs)


async def in_session(work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``work(session, *args, **kwargs)`` with a fresh session, in the db threads (a plain call
    when there are none). Its exceptions reach the caller as they are."""
    return await off_loop(_in_new_session, work, *args, **kwargs)


async def slow_in_session(work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
    """As :func:`in_session`, but always in a worker thread, even without db threads: for work
    whose CPU (argon2, parsing a file) must never hold the event loop. With db threads
    (PostgreSQL) it is one of them, so that a storm of log-ins holds at most their number of
    the pool's connections (Starlette's pool of 40 threads would ask for 40)."""
    return await cpu_off_loop(_in_new_session, work, *args, **kwargs)


async def slow(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``work(*args, **kwargs)`` in a worker thread, always (CPU-bound work without a session)."""
    return await run_in_threadpool(work, *args, **kwargs)


async def db(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``work(*args, **kwargs)`` on a session the caller holds, in the db threads (a plain call
    when there are none). The caller awaits it, so one thread at a time uses that session."""
    return await off_loop(work, *args, **kwargs)


@asynccontextmanager
async def held_session() -> AsyncIterator[Session]:
    """A session a route holds across several awaits (the streamed upload), each step run
    through :func:`db`; closed in the db threads too (returning its connection is a round trip)."""
    session = Session(get_engine())
    try:
        yield session
    finally:
        await off_loop(session.close)


async def stored_chunks(storage: DocumentStorage, key: str) -> AsyncIterator[bytes]:
    """The bytes of a stored document for a streaming answer: the store is opened in a worker
    thread (``NotFound`` raised here, before any answer starts), and each chunk is read in one."""
    chunks: Iterator[bytes] = await run_in_threadpool(storage.open, key)
    return iterate_in_threadpool(chunks)
