"""Commit what a use case wrote, and only then.

A read use case commits right after its access check, so that the read it recorded (a
professional's, a caregiver's: the patient's access history) is kept whatever happens next.
When the reader is the owner or a guardian, nothing was recorded: a commit then writes
nothing, but it ends the transaction, and the next statement pays a new connection checkout
and BEGIN (on PostgreSQL two round trips more). The home page did that three times a load.

What counts as written: objects added, changed or deleted and not yet flushed, and anything
the transaction already flushed or sent as an INSERT, UPDATE or DELETE statement (the access
history's line grows by an ``UPDATE``, e-mails are queued by an ``INSERT``), until the
transaction ends. Forgetting a write would lose an access event, so the tracking errs the
other way: anything that may have written counts.
"""

from __future__ import annotations

from sqlalchemy import event, orm

_WROTE = "mes_transaction_wrote"


def commit_if_written(session: orm.Session) -> None:
    """Commit when this transaction holds a write (pending, flushed or executed); otherwise
    keep the transaction open for the statements that follow."""
    if session.new or session.dirty or session.deleted or session.info.get(_WROTE):
        session.commit()


def _mark(session: orm.Session) -> None:
    session.info[_WROTE] = True


def _on_execute(state: orm.ORMExecuteState) -> None:
    if not state.is_select:  # INSERT, UPDATE, DELETE, or a text statement that may be one
        _mark(state.session)


def _on_end(session: orm.Session, transaction: orm.SessionTransaction) -> None:
    """The outermost transaction ended (commit, rollback, close): its writes are gone or kept.
    A savepoint's end changes nothing: the writes are still the outer transaction's."""
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


event.listen(orm.Session, "after_flush", lambda session, _context: _mark(session))
event.listen(orm.Session, "do_orm_execute", _on_execute)
event.listen(orm.Session, "after_transaction_end", _on_end)
