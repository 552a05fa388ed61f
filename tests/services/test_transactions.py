"""A read use case commits what its access check recorded, and only then: the home page's
reads by the owner or a guardian no longer end the transaction for nothing, and a
professional's read is still in the access history however the session ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import orm
from sqlmodel import Session

from mes_app.db import models
from mes_app.services import appointments, measures
from mes_app.services.transactions import commit_if_written
from tests.factories import committed_count, give_care, make_child, make_owner, make_professional


@contextmanager
def commits(session: Session) -> Iterator[list[int]]:
    seen: list[int] = []

    def count(_session: orm.Session) -> None:
        seen.append(1)

    sa.event.listen(session, "after_commit", count)
    try:
        yield seen
    finally:
        sa.event.remove(session, "after_commit", count)


def _reads(session: Session, actor, profile_ids: list[int], now) -> None:  # noqa: ANN001
    measures.latest_measures(session, actor, profile_ids[0], now=now)
    appointments.list_upcoming(session, actor, profile_ids, now=now, include_closed=False)


def test_the_household_reading_its_home_commits_nothing(session, now) -> None:
    parent = make_owner(session)
    child = make_child(session, parent, "Léa")
    with commits(session) as seen:
        _reads(session, parent.actor, [parent.profile.id, child.profile.id], now)
    assert seen == []


def test_a_professional_read_is_kept_even_when_the_session_ends_without_a_commit(engine, now) -> None:
    with Session(engine, expire_on_commit=False) as setup:
        patient = make_owner(setup, "Alice")
        doctor = make_professional(setup)
        give_care(setup, doctor, patient, now - timedelta(days=1))
        setup.commit()
        pid = patient.profile.id
    try:
        with Session(engine, expire_on_commit=False) as session:
            with commits(session) as seen:
                _reads(session, doctor.actor, [pid], now)
            session.rollback()  # what a failing handler does: only what was committed stays
        assert len(seen) == 2
        with Session(engine) as other:
            assert committed_count(other, models.AccessEvent, models.AccessEvent.profile_id == pid,
                                   models.AccessEvent.actor_user_id == doctor.user.id,
                                   models.AccessEvent.target_kind.in_(("measures", "appointments"))) == 2
    finally:
        with engine.begin() as conn:
            for table in reversed(models.SQLModel.metadata.sorted_tables):
                conn.execute(table.delete())


def test_a_flushed_or_executed_write_is_committed(session, now) -> None:
    """Pending, flushed, or sent as a statement: each is a write of the transaction."""
    owner = make_owner(session)
    pid = owner.profile.id
    session.commit()
    event = dict(occurred_at=now, profile_id=pid, actor_user_id=owner.user.id, action="read",
                 target_kind="summary", via="owner")
    ways = {
        "pending": lambda: session.add(models.AccessEvent(**event)),
        "flushed": lambda: (session.add(models.AccessEvent(**event)), session.flush()),
        "executed": lambda: session.execute(sa.insert(models.AccessEvent).values(**event)),
    }
    for number, (name, write) in enumerate(ways.items(), start=1):
        write()
        commit_if_written(session)
        session.rollback()
        assert committed_count(session, models.AccessEvent, models.AccessEvent.profile_id == pid) == number, name
    with commits(session) as seen:  # the transaction ended: nothing to commit any more
        commit_if_written(session)
    assert seen == []


def test_a_savepoint_ending_does_not_forget_the_outer_write(session, now) -> None:
    owner = make_owner(session)
    pid = owner.profile.id
    session.commit()
    session.add(models.AccessEvent(occurred_at=now, profile_id=pid, actor_user_id=owner.user.id, action="read",
                                   target_kind="summary", via="owner"))
    session.flush()
    with session.begin_nested():
        pass
    commit_if_written(session)
    session.rollback()
    assert committed_count(session, models.AccessEvent, models.AccessEvent.profile_id == pid) == 1
