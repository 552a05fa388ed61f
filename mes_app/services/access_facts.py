"""Load from the database the facts the access policy decides on, and record decisions.

Every service reaches health data through :func:`authorize`: load the profile's facts,
ask the policy about the *target*, record the access, and raise NotFound/Forbidden.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import event, orm
from sqlmodel import Session, col, select

from mes_app.db.core import core
from mes_app.db.models import (
    AccessEvent,
    AccessLine,
    CaregiverGrant,
    CareRelationship,
    DocumentGrant,
    Guardianship,
    Profile,
    SecurityEvent,
    User,
)
from mes_app.db.types import UTCDateTime
from mes_app.domain.access import (
    Action,
    CareFacts,
    CaregiverFacts,
    Decision,
    LinkActor,
    ProfileFacts,
    ShareLinkFacts,
    Target,
    UserActor,
    parse_sections,
    require,
)
from mes_app.domain.access_log import STRANGERS_KEY, LineKey, LoggedAction, check_codes, is_stranger, line_key
from mes_app.domain.errors import NotFound

# --------------------------------------------------------------------------- facts, per use case
#
# The facts of a profile are read once per database session (one session = one use case: one
# event of a state, one HTTP request), whatever asks for them: the profile switcher, the
# capability flags, then the service's own ``authorize`` (also after the commit that records
# the access). They are forgotten as soon as the session writes anything that could change
# them (a profile, guardianship, care relationship or caregiver grant added, changed or
# deleted, flushed or not yet, or a bulk UPDATE/DELETE of those tables), and at a rollback: a
# decision never rests on facts older than the session's own writes. What other sessions
# change is seen by the next use case, which opens its own session.
#
# The same holds for the profiles an account may open (:func:`load_facts_where`: the switcher
# of the shell, then the household of the home's reminders and appointments, in one event):
# read once per session, forgotten with the facts.

_FACTS_KEY = "mes_profile_facts"
_WHERE_KEY = "mes_profiles_where"
_FACT_MODELS = (Profile, Guardianship, CareRelationship, CaregiverGrant)


def _facts_cache(session: Session) -> dict[int, ProfileFacts | None]:
    cache = session.info.setdefault(_FACTS_KEY, {})
    if (cache or session.info.get(_WHERE_KEY)) and _touches_facts(session):
        forget_facts(session)
        cache = session.info.setdefault(_FACTS_KEY, {})
    return cache


def _where_cache(session: Session) -> dict[tuple, dict[int, tuple[ProfileRow, ProfileFacts]]]:
    _facts_cache(session)  # forgets both when the session wrote anything they rest on
    return session.info.setdefault(_WHERE_KEY, {})


def _touches_facts(session: Session) -> bool:
    return any(isinstance(obj, _FACT_MODELS) or _professional_status_changed(obj)
               for pending in (session.new, session.dirty, session.deleted) for obj in pending)


def _professional_status_changed(obj: object) -> bool:
    """A professional verified, suspended or reactivated in this session: the care facts carry
    that status, so a decision after it must not rest on facts read before it."""
    if not isinstance(obj, User):
        return False
    attrs = sa.inspect(obj).attrs
    return attrs.professional_status.history.has_changes() or attrs.role.history.has_changes()


def forget_facts(session: orm.Session) -> None:
    session.info.pop(_FACTS_KEY, None)
    session.info.pop(_WHERE_KEY, None)


def _forget_on_flush(session: Session, _flush_context: object) -> None:
    if _touches_facts(session):
        forget_facts(session)


def _forget_on_end(session: Session, *_args: object) -> None:
    forget_facts(session)


_FACT_TABLES = frozenset({"profile", "guardianship", "care_relationship", "caregiver_grant"})


def _forget_on_bulk_write(execute_state: orm.ORMExecuteState) -> None:
    if execute_state.is_update or execute_state.is_delete:
        table = getattr(execute_state.statement, "table", None)
        if getattr(table, "name", None) in _FACT_TABLES or table is None:
            forget_facts(execute_state.session)


event.listen(orm.Session, "before_flush", lambda s, ctx, _instances: _forget_on_flush(s, ctx))
event.listen(orm.Session, "do_orm_execute", _forget_on_bulk_write)
for _name in ("after_rollback", "after_soft_rollback"):
    event.listen(orm.Session, _name, _forget_on_end)


def load_profile_facts(session: Session, profile_id: int) -> ProfileFacts | None:
    """The policy's view of one profile, or None when there is no such profile."""
    cache = _facts_cache(session)
    if profile_id not in cache:
        cache.update(_read_facts(session, [profile_id]))
    return cache.get(profile_id)


def load_facts_of(session: Session, profile_ids: list[int]) -> dict[int, ProfileFacts | None]:
    """The facts of several profiles at once: one statement, whatever their number."""
    cache = _facts_cache(session)
    missing = [pid for pid in dict.fromkeys(profile_ids) if pid not in cache]
    if missing:
        cache.update(_read_facts(session, missing))
    return {pid: cache.get(pid) for pid in profile_ids}


@dataclass(frozen=True)
class ProfileRow:
    """The few columns of a profile the switcher shows, read with its facts."""

    id: int
    given_name: str
    family_name: str
    birth_date: date
    kind: str
    owner_user_id: int | None


def load_facts_where(session: Session, statement: sa.Select,
                     params: dict) -> dict[int, tuple[ProfileRow, ProfileFacts]]:
    """The profiles a statement of :func:`facts_statement` selects, each with its facts (one
    round trip, once per use case: kept in the session like the facts, and forgotten with them)."""
    memo = _where_cache(session)
    key = (id(statement), tuple(sorted(params.items())))
    if key not in memo:
        rows = core(session).execute(statement, params).all()
        profiles, facts = _facts_from_rows(rows)
        _facts_cache(session).update(facts)
        memo[key] = {pid: (profile, facts[pid]) for pid, profile in profiles.items()}
    return memo[key]


def _read_facts(session: Session, profile_ids: list[int]) -> dict[int, ProfileFacts | None]:
    rows = core(session).execute(_FACTS_OF_IDS, {"ids": profile_ids}).all()
    _profiles, found = _facts_from_rows(rows)
    return {pid: found.get(pid) for pid in profile_ids}


def _facts_from_rows(rows: Sequence[sa.Row]) -> tuple[dict[int, ProfileRow], dict[int, ProfileFacts]]:
    """Profiles and their facts from the rows of :func:`facts_statement` (profile rows first)."""
    profiles: dict[int, ProfileRow] = {}
    guardians: dict[int, set[int]] = {}
    care: dict[int, list[CareFacts]] = {}
    caregivers: dict[int, list[CaregiverFacts]] = {}
    for row in rows:
        pid = row.profile_id
        if row.kind == "a":
            profiles[pid] = ProfileRow(pid, row.given_name, row.family_name, row.birth_date, row.profile_kind,
                                       row.user_id)
            guardians[pid], care[pid], caregivers[pid] = set(), [], []
        elif pid not in profiles:
            continue
        elif row.kind == "c":
            care[pid].append(CareFacts(row.id, row.user_id, row.status, row.starts_at, row.ends_at,
                                       professional_verified=bool(row.verified)))
        elif row.kind == "g":
            caregivers[pid].append(CaregiverFacts(
                row.id, row.user_id, parse_sections(row.sections), row.starts_at, row.ends_at, row.revoked_at))
        else:
            guardians[pid].add(row.user_id)
    facts = {pid: ProfileFacts(profile_id=pid, owner_user_id=p.owner_user_id,
                               guardian_user_ids=frozenset(guardians[pid]), care=tuple(care[pid]),
                               caregivers=tuple(caregivers[pid]), birth_date=p.birth_date, kind=p.kind)
             for pid, p in profiles.items()}
    return profiles, facts


def facts_statement(profile_ids: sa.BindParameter | sa.Select) -> sa.Select:
    """The profiles whose id is in ``profile_ids`` (an expanding bound parameter, or a select
    of ids), each as one row of kind "a" with the columns the switcher shows, followed by
    their active guardians ("p"), care relationships ("c") and caregiver grants ("g"), in one
    UNION ALL: one round trip for the profiles and all the facts the policy decides on (which
    of them are in force at ``now`` is the policy's call). A care relationship carries
    whether its professional is verified now (a suspended one gets nothing).

    Build it once (at import): constructing this statement (and its cache key) cost more CPU
    than running it, before every event.
    """
    no_text, no_time = sa.cast(sa.null(), sa.String), sa.cast(sa.null(), UTCDateTime())
    no_flag, no_date = sa.cast(sa.null(), sa.Boolean), sa.cast(sa.null(), sa.Date)
    nothing_of_a_profile = (no_text, no_text, no_date, no_text)
    profiles = sa.select(
        sa.literal("a").label("kind"), col(Profile.id).label("profile_id"), col(Profile.id).label("id"),
        col(Profile.owner_user_id).label("user_id"), no_text.label("status"), no_time.label("starts_at"),
        no_time.label("ends_at"), no_time.label("revoked_at"), no_text.label("sections"), no_flag.label("verified"),
        col(Profile.given_name).label("given_name"), col(Profile.family_name).label("family_name"),
        col(Profile.birth_date).label("birth_date"), col(Profile.kind).label("profile_kind"),
    ).where(col(Profile.id).in_(profile_ids))
    care = sa.select(
        sa.literal("c"), col(CareRelationship.profile_id), col(CareRelationship.id),
        col(CareRelationship.professional_user_id), col(CareRelationship.status), col(CareRelationship.starts_at),
        col(CareRelationship.ends_at), no_time, no_text, col(User.professional_status) == "verified",
        *nothing_of_a_profile,
    ).join(User, col(User.id) == CareRelationship.professional_user_id).where(
        col(CareRelationship.profile_id).in_(profile_ids))
    grants = sa.select(
        sa.literal("g"), col(CaregiverGrant.profile_id), col(CaregiverGrant.id), col(CaregiverGrant.grantee_user_id),
        no_text, col(CaregiverGrant.starts_at), col(CaregiverGrant.ends_at), col(CaregiverGrant.revoked_at),
        col(CaregiverGrant.sections), no_flag, *nothing_of_a_profile,
    ).where(col(CaregiverGrant.profile_id).in_(profile_ids))
    guardians = sa.select(
        sa.literal("p"), col(Guardianship.profile_id), col(Guardianship.id), col(Guardianship.user_id), no_text,
        no_time, no_time, no_time, no_text, no_flag, *nothing_of_a_profile,
    ).where(col(Guardianship.profile_id).in_(profile_ids), col(Guardianship.ended_at).is_(None))
    union = sa.union_all(profiles, care, grants, guardians).subquery()
    return sa.select(union).order_by(union.c.kind, union.c.id)


_FACTS_OF_IDS = facts_statement(sa.bindparam("ids", expanding=True))


def authorize(
    session: Session,
    actor: UserActor,
    action: Action,
    profile_id: int,
    target: Target,
    *,
    now: datetime,
    target_kind: str | None = None,
    target_id: int | None = None,
    log_reads: bool = True,
) -> Decision:
    """Decide, record the access of anyone but the owner or a guardian, and raise if refused.

    Reads by the care team, caregivers and links are recorded (the patient's access history);
    refusals are recorded too, without any health data: a stranger's in the security log
    (see :func:`record_refusal`).
    """
    facts = load_profile_facts(session, profile_id)
    if facts is None:
        record_refusal(session, actor_user_id=actor.user_id, profile_id=profile_id,
                       target_kind=target_kind or target.section.value, target_id=target_id, now=now, facts=None)
        session.commit()
        raise NotFound()
    try:
        decision = require(actor, action, facts, target, now)
    except Exception:
        record_refusal(session, actor_user_id=actor.user_id, profile_id=profile_id,
                       target_kind=target_kind or target.section.value, target_id=target_id, now=now,
                       facts=facts)
        session.commit()
        raise
    if decision.via is not None and decision.via.value not in ("owner", "guardian") and (
        action != Action.READ or log_reads
    ):
        record_access(
            session,
            actor_user_id=actor.user_id,
            profile_id=profile_id,
            action=action.value,
            target_kind=target_kind or target.section.value,
            target_id=target_id,
            via=decision.via.value,
            grant_id=decision.grant_id,
            now=now,
        )
    return decision


def load_link_facts(session: Session, link_id: int) -> ShareLinkFacts | None:
    """The policy's view of a share link (or emergency card link)."""
    from mes_app.db.models import ShareLink

    link = session.get(ShareLink, link_id)
    if link is None:
        return None
    return ShareLinkFacts(
        id=link.id,
        profile_id=link.profile_id,
        sections=parse_sections(link.sections),
        expires_at=link.expires_at,
        revoked_at=link.revoked_at,
        has_passcode=link.passcode_hash is not None,
        failed_passcode_count=link.failed_passcode_count,
        max_passcode_attempts=link.max_passcode_attempts,
    )


def authorize_link(
    session: Session,
    actor: LinkActor,
    target: Target,
    *,
    now: datetime,
    opener_label: str | None = None,
    target_kind: str | None = None,
    target_id: int | None = None,
    via: str = "share_link",
) -> Decision:
    """READ through a link: decide, record the opening in the patient's access history.

    ``opener_label`` is what the visitor said of themselves (e.g. "Dr X, urgentiste"); it is
    shown to the patient, never trusted for access. ``via`` is "share_link" or "emergency".
    """
    facts = load_profile_facts(session, actor.link.profile_id)
    if facts is None:
        raise NotFound()
    decision = require(actor, Action.READ, facts, target, now)
    record_access(
        session,
        actor_user_id=None,
        actor_label=opener_label,
        profile_id=facts.profile_id,
        action="read",
        target_kind=target_kind or target.section.value,
        target_id=target_id,
        via=via,
        grant_id=actor.link.id,
        now=now,
    )
    return decision


_UNSET = object()


def record_refusal(
    session: Session,
    *,
    actor_user_id: int | None,
    profile_id: int | None,
    target_kind: str,
    now: datetime,
    target_id: int | None = None,
    via: str = "none",
    grant_id: int | None = None,
    facts: ProfileFacts | None | object = _UNSET,
) -> None:
    """Record a refused attempt (no health data): in the operator's security log when the
    actor is a stranger to the profile, in the patient's access history otherwise.

    A stranger's probes must not flood the patient's ledger: the patient sees them as one
    grouped line (:mod:`mes_app.services.access_history`), never who made them.
    """
    if profile_id is None:
        known: ProfileFacts | None = None
    elif isinstance(facts, ProfileFacts) or facts is None:
        known = facts
    else:  # not given
        known = load_profile_facts(session, profile_id)
    facts = known
    former: frozenset[int] = frozenset()
    if actor_user_id is not None and facts is not None:
        former = frozenset(session.exec(select(Guardianship.user_id).where(
            Guardianship.profile_id == facts.profile_id, Guardianship.user_id == actor_user_id)).all())
    if is_stranger(actor_user_id, facts, former=former):
        check_codes(LoggedAction.DENIED, target_kind)
        session.add(SecurityEvent(occurred_at=now, actor_user_id=actor_user_id, profile_id=profile_id,
                                  action=LoggedAction.DENIED.value, target_kind=target_kind, target_id=target_id))
        if facts is not None:  # the patient's one line for a run of strangers' attempts
            extend_line(session, facts.profile_id, STRANGERS_KEY, now=now, target_id=None)
        return
    record_access(session, actor_user_id=actor_user_id, profile_id=profile_id, action=LoggedAction.DENIED.value,
                  target_kind=target_kind, target_id=target_id, via=via, grant_id=grant_id, now=now)


# Set while a connected software's write runs the professional's own deposit use case.
_WRITTEN_BY_SOFTWARE: ContextVar[bool] = ContextVar("mes_written_by_software", default=False)


@contextmanager
def written_by_software() -> Iterator[None]:
    """Leave out the deposit use case's own ``create`` events: the FHIR API records one
    ``api_create`` event per resource it writes, with the resource and the software, which says
    the same access more precisely. One event per resource keeps a burst of deposits one line of
    the patient's history (two events alternating would start a new line each time)."""
    token = _WRITTEN_BY_SOFTWARE.set(True)
    try:
        yield
    finally:
        _WRITTEN_BY_SOFTWARE.reset(token)


def record_access(
    session: Session,
    *,
    actor_user_id: int | None,
    profile_id: int | None,
    action: str,
    target_kind: str,
    via: str,
    now: datetime,
    target_id: int | None = None,
    grant_id: int | None = None,
    actor_label: str | None = None,
) -> None:
    """An event of the patient's access history; every code must be in the registry."""
    check_codes(action, target_kind, via)
    if action == LoggedAction.CREATE.value and _WRITTEN_BY_SOFTWARE.get():
        return  # the API's api_create event of this resource stands for it (written_by_software)
    if profile_id is not None and actor_user_id is not None and via == "care_team" \
            and action != LoggedAction.DENIED.value:
        _tell_first_access(session, profile_id, actor_user_id, now)
    if profile_id is not None:
        key = line_key(actor_user_id=actor_user_id, actor_label=actor_label, action=action,
                       target_kind=target_kind, target_id=target_id, via=via, grant_id=grant_id)
        extend_line(session, profile_id, key, now=now, target_id=target_id)
    session.add(
        AccessEvent(
            occurred_at=now,
            profile_id=profile_id,
            actor_user_id=actor_user_id,
            actor_label=actor_label,
            action=action,
            target_kind=target_kind,
            target_id=target_id,
            via=via,
            grant_id=grant_id,
        )
    )


def _tell_first_access(session: Session, profile_id: int, professional_id: int, now: datetime) -> None:
    """A professional's first access to a record (no earlier event of theirs on it) tells the
    household by e-mail, in the same transaction. One indexed look-up per professional access;
    the dedupe key (profile, professional) keeps it to one mail even if two first accesses race."""
    from mes_app.services import notifications  # late: notifications is a leaf, access_facts is imported early

    earlier = session.exec(select(AccessEvent.id).where(
        AccessEvent.profile_id == profile_id, AccessEvent.actor_user_id == professional_id,
        AccessEvent.action != LoggedAction.DENIED.value).limit(1)).first()
    if earlier is None:
        notifications.notify(session, profile_id, notifications.Kind.FIRST_ACCESS,
                             notifications.event_key(profile_id, professional_id), now, exclude_user_id=professional_id)


def extend_line(session: Session, profile_id: int, key: LineKey, *, now: datetime, target_id: int | None) -> None:
    """Add an event to the profile's newest history line if it has the same key, else start a
    new line. One indexed lookup; the count grows in SQL (no lost update between two workers)."""
    newest = session.exec(
        select(AccessLine)
        .where(AccessLine.profile_id == profile_id)
        .order_by(col(AccessLine.last_at).desc(), col(AccessLine.id).desc())
        .limit(1)
    ).first()
    if newest is not None and _key_of(newest) == key:
        table = AccessLine.__table__  # pyright: ignore[reportAttributeAccessIssue]
        c = table.c
        at = sa.literal(now, type_=c["last_at"].type)
        values: dict = {"count": c["count"] + 1,
                        "last_at": sa.case((c["last_at"] < at, at), else_=c["last_at"]),
                        "first_at": sa.case((c["first_at"] > at, at), else_=c["first_at"])}
        if target_id is not None:
            tid = sa.literal(target_id, type_=sa.Integer)
            values["min_target_id"] = sa.case(
                (sa.or_(c["min_target_id"].is_(None), c["min_target_id"] > tid), tid), else_=c["min_target_id"])
            values["max_target_id"] = sa.case(
                (sa.or_(c["max_target_id"].is_(None), c["max_target_id"] < tid), tid), else_=c["max_target_id"])
        session.execute(sa.update(table).where(c["id"] == newest.id).values(**values))
        session.expire(newest)
        return
    session.add(AccessLine(
        profile_id=profile_id, source=key.source, actor_user_id=key.actor_user_id, actor_label=key.actor_label,
        action=key.action, target_kind=key.target_kind, key_target_id=key.key_target_id, via=key.via,
        grant_id=key.grant_id, count=1, first_at=now, last_at=now, min_target_id=target_id, max_target_id=target_id,
    ))
    session.flush()  # the next event of this session must see this line


def _key_of(line: AccessLine) -> LineKey:
    return LineKey(line.source, line.actor_user_id, line.actor_label, line.action, line.target_kind,
                   line.key_target_id, line.via, line.grant_id)


def document_switches(session: Session, document_ids: list[int]) -> dict[int, dict[tuple[str, int], bool]]:
    """The per-document switches of several documents, keyed by document id (one prebuilt
    Core statement: only the columns a switch is made of)."""
    switches: dict[int, dict[tuple[str, int], bool]] = {doc_id: {} for doc_id in document_ids}
    if not document_ids:
        return switches
    for row in core(session).execute(_SWITCHES, {"ids": document_ids}):
        grantee = row.share_link_id if row.grantee_kind == "share_link" else row.grantee_user_id
        if grantee is not None:
            switches[row.document_id][(row.grantee_kind, grantee)] = row.allowed
    return switches


def _build_switches() -> sa.Select:
    return sa.select(col(DocumentGrant.document_id), col(DocumentGrant.grantee_kind),
                     col(DocumentGrant.grantee_user_id), col(DocumentGrant.share_link_id),
                     col(DocumentGrant.allowed)).where(
        col(DocumentGrant.document_id).in_(sa.bindparam("ids", expanding=True))).order_by(col(DocumentGrant.id))


_SWITCHES = _build_switches()
