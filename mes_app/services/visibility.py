"""The access policy's answer for a whole list, as a SQL filter, so a page can be limited in SQL.

``decide`` judges one entry. For a list, whether an entry of a section is readable depends on
the entry only through ``hidden_from_professionals`` and, for a document, the switch of the
actor's grantee key. So the policy is asked a handful of times (a plain and a hidden entry;
a document with the switch unset, on and off) and the answers become a WHERE clause: the
policy stays in ``domain/access.py``, and nothing here compares roles or relationships.

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


def read_filter(actor: UserActor | LinkActor | None, facts: ProfileFacts, section: Section, model: type,
                now: datetime) -> sa.ColumnElement | None:
    """A WHERE clause on ``model`` admitting exactly the entries of ``section`` the actor may
    read, or None when it may read none."""
    if actor is None:
        return None
    hidden_col = model.hidden_from_professionals

    def visible(hidden: bool, switches: dict | None = None, document: bool = False) -> bool:
        target = Target(section, hidden_from_professionals=hidden, document_id=1 if document else None,
                        document_switches=switches or {})
        return decide(actor, Action.READ, facts, target, now).visible

    def on_hidden(clause_for: dict[bool, sa.ColumnElement | bool]) -> sa.ColumnElement | None:
        parts = []
        for hidden, clause in clause_for.items():
            if clause is False:
                continue
            flag = hidden_col if hidden else sa.not_(hidden_col)
            parts.append(flag if clause is True else sa.and_(flag, clause))
        if not parts:
            return None
        return sa.true() if len(parts) == 2 and all(c is True for c in clause_for.values()) else sa.or_(*parts)

    if model is not models.Document:
        return hidden_clause(model, readable_hidden(actor, facts, section, now))

    clauses: dict[bool, sa.ColumnElement | bool] = {}
    for hidden in (False, True):
        base = visible(hidden, document=True)
        mattering = [k for k in _keys(actor)
                     if any(visible(hidden, {k: s}, document=True) != base for s in (True, False))]
        if not mattering:
            clauses[hidden] = base
            continue
        if len(mattering) > 1:  # not the policy today: let every row through, decide() filters
            clauses[hidden] = True
            continue
        key = mattering[0]
        allowed = [s for s in _STATES if visible(hidden, {key: s} if s is not None else {}, document=True)]
        clauses[hidden] = _switch_states(key, allowed) if allowed else False
    return on_hidden(clauses)


def readable_hidden(actor: UserActor | LinkActor, facts: ProfileFacts, section: Section,
                    now: datetime) -> tuple[bool, ...]:
    """The values of ``hidden_from_professionals`` whose entries (not documents) of
    ``section`` the actor may read: (False, True), (False,), (True,) or ()."""
    return tuple(hidden for hidden in (False, True) if decide(
        actor, Action.READ, facts, Target(section, hidden_from_professionals=hidden), now).visible)


def hidden_clause(model: type, hidden_values: tuple[bool, ...]) -> sa.ColumnElement | None:
    if not hidden_values:
        return None
    if len(hidden_values) == 2:
        return sa.true()
    hidden_col = model.hidden_from_professionals
    return hidden_col if hidden_values[0] else sa.not_(hidden_col)


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
    hidden_values = readable_hidden(actor, facts, Section.MEASURES, now)
    if not hidden_values:
        return []
    rows = session.exec(_latest_statement(hidden_values), params={"pid": facts.profile_id}).all()
    return sorted(rows, key=lambda r: (r.measured_at, r.id), reverse=True)


@functools.cache
def _latest_statement(hidden_values: tuple[bool, ...]) -> sa.Select:
    """Built once per shape of the filter (three at most): its construction, a subquery per
    kind, cost more than running it, on every home and summary load."""
    from sqlmodel import select

    from mes_app.domain.measures import KINDS

    m = models.Measure
    readable = hidden_clause(m, hidden_values)
    if readable is None:  # the caller returns [] before asking
        raise ValueError("no readable measure")
    pid = sa.bindparam("pid")
    firsts = [
        select(m.id).where(m.profile_id == pid, m.kind == kind, readable)
        .order_by(col(m.measured_at).desc(), col(m.id).desc()).limit(1).scalar_subquery()
        for kind in KINDS
    ]
    return select(m).where(col(m.id).in_(firsts))
