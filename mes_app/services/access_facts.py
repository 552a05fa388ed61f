"""Load from the database the facts the access policy decides on, and record decisions.

Every service reaches health data through :func:`authorize`: load the profile's facts,
ask the policy about the *target*, record the access, and raise NotFound/Forbidden.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from mes_app.db.models import (
    AccessEvent,
    AccessLine,
    CaregiverGrant,
    CareRelationship,
    Guardianship,
    Profile,
    SecurityEvent,
)
from mes_app.domain.access import (
    Action,
    LinkActor,
    ShareLinkFacts,
    CareFacts,
    CaregiverFacts,
    Decision,
    ProfileFacts,
    Target,
    UserActor,
    parse_sections,
    require,
)
from mes_app.domain.access_log import STRANGERS_KEY, LineKey, LoggedAction, check_codes, is_stranger, line_key
from mes_app.domain.errors import NotFound


def load_profile_facts(session: Session, profile_id: int) -> ProfileFacts | None:
    profile = session.get(Profile, profile_id)
    if profile is None:
        return None
    guardians = session.exec(
        select(Guardianship.user_id).where(
            Guardianship.profile_id == profile_id, Guardianship.ended_at.is_(None)
        )
    ).all()
    care = session.exec(select(CareRelationship).where(CareRelationship.profile_id == profile_id)).all()
    caregivers = session.exec(select(CaregiverGrant).where(CaregiverGrant.profile_id == profile_id)).all()
    return ProfileFacts(
        profile_id=profile_id,
        owner_user_id=profile.owner_user_id,
        guardian_user_ids=frozenset(guardians),
        care=tuple(
            CareFacts(c.id, c.professional_user_id, c.status, c.starts_at, c.ends_at) for c in care
        ),
        caregivers=tuple(
            CaregiverFacts(
                g.id, g.grantee_user_id, parse_sections(g.sections), g.starts_at, g.ends_at, g.revoked_at
            )
            for g in caregivers
        ),
    )


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
    if decision.via is not None and decision.via.value not in ("owner", "guardian"):
        if action != Action.READ or log_reads:
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
        facts = None
    elif facts is _UNSET:
        facts = load_profile_facts(session, profile_id)
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


def extend_line(session: Session, profile_id: int, key: LineKey, *, now: datetime, target_id: int | None) -> None:
    """Add an event to the profile's newest history line if it has the same key, else start a
    new line. One indexed lookup; the count grows in SQL (no lost update between two workers)."""
    newest = session.exec(
        select(AccessLine)
        .where(AccessLine.profile_id == profile_id)
        .order_by(AccessLine.last_at.desc(), AccessLine.id.desc())
        .limit(1)
    ).first()
    if newest is not None and _key_of(newest) == key:
        c = AccessLine.__table__.c
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
        session.execute(sa.update(AccessLine.__table__).where(c["id"] == newest.id).values(**values))
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
    """The per-document switches of several documents, keyed by document id."""
    from mes_app.db.models import DocumentGrant

    switches: dict[int, dict[tuple[str, int], bool]] = {doc_id: {} for doc_id in document_ids}
    if not document_ids:
        return switches
    for grant in session.exec(select(DocumentGrant).where(DocumentGrant.document_id.in_(document_ids))):
        grantee = grant.share_link_id if grant.grantee_kind == "share_link" else grant.grantee_user_id
        if grantee is not None:
            switches[grant.document_id][(grant.grantee_kind, grantee)] = grant.allowed
    return switches
