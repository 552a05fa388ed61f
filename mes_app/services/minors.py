"""A teenager's own record (issue 13, item 4): entries kept from the legal representatives.

The rule itself lives in the access policy (``Target.hidden_from_guardians`` in
:mod:`mes_app.domain.access`, its SQL form in :mod:`mes_app.services.visibility`): every read
path that asks the policy about an entry (through :func:`~mes_app.domain.access.entry_target`)
inherits it. This module holds what the policy needs from the database to decide who may
*set* the mark (the profile's birth date: only on a minor's profile), and parses the switch
of the entry and document forms. See docs/minors.md for the choices.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from mes_app.db.models import Profile
from mes_app.domain.access import (
    Section,
    Target,
    UserActor,
    is_minor,
    may_mark_hidden_from_guardians,
)
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import Forbidden, ValidationError
from mes_app.services.access_facts import load_profile_facts

_ON = frozenset({"on", "true", "1"})
_OFF = frozenset({"", "off", "false", "0"})


def parse_mark(value: object) -> bool:
    """The "invisible to legal representatives" switch from an untrusted form (default off)."""
    if value is True or (isinstance(value, str) and value in _ON):
        return True
    if value is False or value is None or (isinstance(value, str) and value in _OFF):
        return False
    raise ValidationError("error.invalid_choice")


def profile_is_minor(session: Session, profile_id: int, now: datetime) -> bool:
    facts = load_profile_facts(session, profile_id)
    born = facts.birth_date if facts is not None else None
    if born is None:
        profile = session.get(Profile, profile_id)
        born = profile.birth_date if profile is not None else None
    return born is not None and is_minor(born, local_date(now))


def may_mark(session: Session, actor: UserActor, profile_id: int, target: Target, *, now: datetime) -> bool:
    """Whether ``actor`` may set (or clear) the mark on ``target`` of the profile."""
    facts = load_profile_facts(session, profile_id)
    if facts is None:
        return False
    minor = profile_is_minor(session, profile_id, now)
    return may_mark_hidden_from_guardians(actor, facts, target, minor=minor, now=now)


def may_mark_new(session: Session, actor: UserActor, profile_id: int, section: Section, *, now: datetime) -> bool:
    """The capability flag: may the actor mark what they add to ``section`` (a switch on the form)?"""
    return may_mark(session, actor, profile_id, Target(section), now=now)


def require_mark(session: Session, actor: UserActor, profile_id: int, target: Target, *, now: datetime) -> None:
    """Refuse a mark the actor may not set (the target itself was authorised before)."""
    if not may_mark(session, actor, profile_id, target, now=now):
        raise Forbidden()
