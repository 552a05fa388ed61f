"""The access policy's answer for a whole list, as a SQL filter, so a page can be limited in SQL.

``decide`` judges one entry. For a list, whether an entry of a section is readable depends on
the entry only through its marks (``hidden_from_professionals``, ``hidden_from_guardians``)
and, for a document, the switch of the actor's grantee key. So the policy is asked a handful of
times (each combination of marks; for a document, the switch unset, on and off) and the answers
become a WHERE clause: the policy stays in ``domain/access.py``, and nothing here compares roles or relationships.

The filter only narrows what is loaded: the service still runs ``decide`` on every row it
shows, with the row's real switches.
"""

from __future__ import annotations

import functools
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col

from mes_app.db import models
from mes_app.domain.access import Action, LinkActor, ProfileFacts, Section, Target, UserActor, decide

_STATES = (None, True, False)  # switch unset, on, off


def _keys(actor: UserActor | LinkActor) -> list[tuple[str, int]]:
    """The grantee keys a document switch could concern this actor through."""
    if isinstance(actor, LinkActor):
        return [("share_link", actor.link.id)]
    return [("professional", actor.user_id), ("caregiver", actor.user_id)]


# The marks of an entry: (hidden from professionals, hidden from guardians).
Mark = tuple[bool, bool]
Marks = tuple[Mark, ...]
_MARKS: Marks = ((False, False), (True, False), (False, True), (True, True))


def read_filter(actor: UserActor | LinkActor | None, facts: ProfileFacts, section: Section, model: type,
                now: datetime) -> sa.ColumnElement | None:
    """A WHERE clause on ``model`` admitting exactly the entries of ``section`` the actor may
    read, or None when it may read none."""
    if actor is None:
        return None
    if model is not models.Document:
        return marks_clause(model, readable_marks(actor, facts, section, now))

    def visible(marks: Mark, switches: dict | None = None) -> bool:
        target = Target(section, hidden_from_professionals=marks[0], hidden_from_guardians=marks[1],
                        document_id=1, document_switches=switches or {})
        return decide(actor, Action.READ, facts, target, now).visible

    clauses = {marks: _document_clause(actor, marks, visible) for marks in _MARKS}
    if all(c is True for c in clauses.values()):
        return sa.true()
    return _clause_of(model, clauses)


def readable_marks(actor: UserActor | LinkActor, facts: ProfileFacts, section: Section, now: datetime) -> Marks:
    """The combinations of marks whose entries (not documents) of ``section`` the actor may
    read. A list's statements depend on the viewer only through this (a few shapes), so they
    can be built once per shape (``marks_clause``)."""
    return tuple(marks for marks in _MARKS if decide(
        actor, Action.READ, facts,
        Target(section, hidden_from_professionals=marks[0], hidden_from_guardians=marks[1]), now).visible)


def marks_clause(model: type, marks: Marks) -> sa.ColumnElement | None:
    """A WHERE clause on ``model`` admitting the entries with these marks (None: none)."""
    if len(marks) == len(_MARKS):
        return sa.true()
    return _clause_of(model, dict.fromkeys(marks, True))


def _clause_of(model: type, clauses: dict[Mark, sa.ColumnElement | bool]) -> sa.ColumnElement | None:
    flags = (model.hidden_from_professionals, model.hidden_from_guardians)  # teen: invisible to legal representatives
    parts = []
    for marks, clause in clauses.items():
        if clause is False:
            continue
        conditions = [column if on else sa.not_(column) for column, on in zip(flags, marks, strict=True)]
        parts.append(sa.and_(*conditions) if clause is True else sa.and_(*conditions, clause))
    return sa.or_(*parts) if parts else None


def _document_clause(actor: UserActor | LinkActor, marks: tuple[bool, bool], visible) -> sa.ColumnElement | bool:  # noqa: ANN001
    """Which documents with these marks the actor reads, as far as the switches decide."""
    base = visible(marks)
    mattering = [k for k in _keys(actor) if any(visible(marks, {k: s}) != base for s in (True, False))]
    if not mattering:
        return base
    if len(mattering) > 1:  # not the policy today: let every row through, decide() filters
        return True
    key = mattering[0]
    allowed = [s for s in _STATES if visible(marks, {key: s} if s is not None else {})]
    return _switch_states(key, allowed) if allowed else False


def _switch_states(key: tuple[str, int], states: list[bool | None]) -> sa.ColumnElement | bool:
    if len(states) == len(_STATES):
        return True
    kind, grantee = key
    grant = models.DocumentGrant
    who = grant.share_link_id if kind == "share_link" else grant.grantee_user_id

    def exists(*extra: sa.ColumnElement) -> sa.ColumnElement:
        return sa.exists().where(col(grant.document_id) == col(models.Document.id), col(grant.grantee_kind) == kind,
                                 col(who) == grantee, *extra)

    terms = {None: sa.not_(exists()), True: exists(col(grant.allowed).is_(True)),
             False: exists(col(grant.allowed).is_(False))}
    return sa.or_(*(terms[s] for s in states))


def latest_per_kind(session, actor: UserActor | LinkActor, facts: ProfileFacts, now: datetime) -> list:  # noqa: ANN001
    """The latest readable measure of each kind, newest first: one statement, one indexed
    ``ORDER BY ... LIMIT 1`` per kind, whatever the number of measures."""
    marks = readable_marks(actor, facts, Section.MEASURES, now)
    if not marks:
        return []
    rows = session.exec(_latest_statement(marks), params={"pid": facts.profile_id}).all()
    return sorted(rows, key=lambda r: (r.measured_at, r.id), reverse=True)


@functools.cache
def _latest_statement(marks: Marks):  # noqa: ANN202 - a sqlmodel Select
    """Built once per shape of the filter: its construction, a subquery per kind, cost more
    than running it, on every home and summary load."""
    from sqlmodel import select

    from mes_app.domain.measures import KINDS

    m = models.Measure
    readable = marks_clause(m, marks)
    if readable is None:  # the caller returns [] before asking
        raise ValueError("no readable measure")
    pid = sa.bindparam("pid")
    firsts = [
        select(m.id).where(m.profile_id == pid, m.kind == kind, readable)
        .order_by(col(m.measured_at).desc(), col(m.id).desc()).limit(1).scalar_subquery()
        for kind in KINDS
    ]
    return select(m).where(col(m.id).in_(firsts))
