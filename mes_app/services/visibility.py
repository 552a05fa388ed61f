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


def grantee_of(actor: UserActor | LinkActor) -> int:
    """The id a document's switches name this actor by (its account, or its share link): the
    value of the ``grantee`` parameter of a statement built from a :data:`DocumentShape`."""
    return actor.link.id if isinstance(actor, LinkActor) else actor.user_id


def _keys(actor: UserActor | LinkActor) -> list[tuple[str, int]]:
    """The grantee keys a document switch could concern this actor through."""
    if isinstance(actor, LinkActor):
        return [("share_link", grantee_of(actor))]
    return [("professional", grantee_of(actor)), ("caregiver", grantee_of(actor))]


# The marks of an entry: (hidden from professionals, hidden from guardians).
Mark = tuple[bool, bool]
Marks = tuple[Mark, ...]
_MARKS: Marks = ((False, False), (True, False), (False, True), (True, True))

# What the policy lets an actor read of the documents with one combination of marks: all
# (True), none (False), or those whose switch for the actor's grantee key of this kind is in
# these states (None: never set). The key's id is not in it: a statement built from it names
# the viewer only through the bound parameter ``grantee``, so it can be built once per shape.
DocumentRule = bool | tuple[str, tuple[bool | None, ...]]
DocumentShape = tuple[DocumentRule, ...]  # one rule per combination of marks, in _MARKS's order


def read_filter(actor: UserActor | LinkActor | None, facts: ProfileFacts, section: Section, model: type,
                now: datetime) -> sa.ColumnElement | None:
    """A WHERE clause on ``model`` admitting exactly the entries of ``section`` the actor may
    read, or None when it may read none. For documents, the actor's grantee id is bound in the
    clause: for a statement built once per shape, use :func:`document_shape`."""
    if actor is None:
        return None
    if model is not models.Document:
        return marks_clause(model, readable_marks(actor, facts, section, now))
    shape = document_shape(actor, facts, now)
    return None if shape is None else document_clause(shape, bound=grantee_of(actor))


def document_shape(actor: UserActor | LinkActor | None, facts: ProfileFacts, now: datetime) -> DocumentShape | None:
    """What the actor may read of the profile's documents, as a hashable shape (None: none).
    Two actors with the same shape read the same documents up to their own switches."""
    if actor is None:
        return None

    def visible(marks: Mark, switches: dict | None = None) -> bool:
        target = Target(Section.DOCUMENTS, hidden_from_professionals=marks[0], hidden_from_guardians=marks[1],
                        document_id=1, document_switches=switches or {})
        return decide(actor, Action.READ, facts, target, now).visible

    shape = tuple(_document_rule(actor, marks, visible) for marks in _MARKS)
    return shape if any(rule is not False for rule in shape) else None


def document_clause(shape: DocumentShape, *, bound: int | None = None) -> sa.ColumnElement | None:
    """A WHERE clause on documents admitting this shape, or None when it admits none. The
    grantee's id is the parameter ``grantee``, given at execution; or ``bound`` (then the clause
    is for one viewer, and its parameter is anonymous: two such clauses never clash)."""
    if all(rule is True for rule in shape):
        return sa.true()
    grantee = (sa.bindparam("grantee", type_=sa.Integer) if bound is None
               else sa.bindparam("grantee", bound, type_=sa.Integer, unique=True))
    clauses = {marks: rule if isinstance(rule, bool) else _switch_states(rule[0], rule[1], grantee)
               for marks, rule in zip(_MARKS, shape, strict=True)}
    return _clause_of(models.Document, clauses)


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


def _document_rule(actor: UserActor | LinkActor, marks: Mark, visible) -> DocumentRule:  # noqa: ANN001
    """Which documents with these marks the actor reads, as far as the switches decide."""
    base = visible(marks)
    mattering = [k for k in _keys(actor) if any(visible(marks, {k: s}) != base for s in (True, False))]
    if not mattering:
        return base
    if len(mattering) > 1:  # not the policy today: let every row through, decide() filters
        return True
    key = mattering[0]
    allowed = tuple(s for s in _STATES if visible(marks, {key: s} if s is not None else {}))
    if len(allowed) == len(_STATES):
        return True
    return (key[0], allowed) if allowed else False


def _switch_states(kind: str, states: tuple[bool | None, ...], grantee: sa.BindParameter) -> sa.ColumnElement:
    """The documents whose switch for the grantee ``(kind, :grantee)`` is in these states."""
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
