"""Core statements on an ORM session's connection, as the ORM would run them.

``session.connection().execute(select(...))`` skips the ORM's execution layer (entity loading,
``do_orm_execute`` hooks, the rebuilding of its compile state), which is most of the CPU of a
small query. It also skips the ORM's *autoflush*: a change made in the session and not yet
flushed (a grant just revoked) would not be seen by the query. :func:`core` flushes first,
exactly as ``session.execute`` would, so a decision never rests on rows older than the
session's own writes.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.orm import Session


def core(session: Session) -> Connection:
    """The session's connection, after the autoflush ``session.execute`` would have done."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection()
