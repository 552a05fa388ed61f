"""Invitations (security issue 9): someone who manages a profile offers access, the invitee decides.

- ``invite_guardian`` (and ``services.caregivers.invite_caregiver``, through
  :func:`create_invitation`): only someone who may MANAGE the profile; the answer is the same
  whether or not the address belongs to an account ("if this address has an MES account,
  they will see the invitation").
- ``invitations_for_me``: the invitee's pending invitations, of every role: the inviter's
  name and the child's (or patient's) first name only (see :mod:`mes_app.domain.invitations`).
- ``accept_invitation`` / ``decline_invitation`` / ``cancel_invitation``: by id from the
  browser; anyone but the invitee (or, to cancel, a manager of the profile) gets *not found*.

Nothing is granted before acceptance: the ``Guardianship`` or ``CaregiverGrant`` row is
written only then. Every step is recorded in the profile's access history (no health data:
the action, the invitation id, through which relationship; target ``invitation`` for an
offer to manage, ``caregiver_invitation`` for a caregiver's).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from mes_app.db.models import CaregiverGrant, GuardianInvitation, Guardianship, Profile, User
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Decision, Section, Target, UserActor, format_sections, parse_sections
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.domain.invitations import (
    CAREGIVER_ROLE,
    CAREGIVER_ROLES,
    GUARDIAN_ROLES,
    MAJORITY_ROLES,
    MAX_PENDING_PER_PROFILE,
    InvitationAction,
    InvitationFacts,
    acceptance_changes,
    caregiver_grant,
    decide_invitation,
    expiry,
    may_be_offered,
)
from mes_app.services.access_facts import authorize, load_profile_facts, record_access

TARGET_KIND = "invitation"  # an offer to manage the profile
CAREGIVER_TARGET_KIND = "caregiver_invitation"
MAJORITY_TARGET_KIND = "majority_invitation"  # teen: the hand-over at 18 (services.majority)


@dataclass(frozen=True)
class SentInvitationView:
    """What the profile's managers see of a pending invitation they (or a co-guardian) sent."""

    id: int
    invitee_email: str  # as the inviter typed it
    role: str  # co_guardian | handover | caregiver
    invited_by: str  # the inviter's display name
    created_at: str  # ISO timestamp
    expires_at: str  # ISO timestamp
    sections: tuple[str, ...] = ()  # a caregiver offer's scope, in declaration order
    access_ends_at: str = ""  # ISO timestamp when a caregiver offer's access would end, "" never


@dataclass(frozen=True)
class ReceivedInvitationView:
    """What the invitee sees before accepting: no family name, no birth date, no record."""

    id: int
    inviter_name: str
    child_given_name: str
    role: str
    expires_at: str  # ISO timestamp


def _facts(row: GuardianInvitation) -> InvitationFacts:
    return InvitationFacts(
        id=row.id,
        profile_id=row.profile_id,
        invited_by_user_id=row.invited_by_user_id,
        invitee_user_id=row.invitee_user_id,
        role=row.role,
        status=row.status,
        expires_at=row.expires_at,
        sections=parse_sections(row.sections),
        access_ends_at=row.access_ends_at,
    )


def invitation_facts(row: GuardianInvitation) -> InvitationFacts:
    """The policy's view of a stored invitation."""
    return _facts(row)


def _target_kind(row: GuardianInvitation) -> str:
    if row.role in MAJORITY_ROLES:
        return MAJORITY_TARGET_KIND
    return CAREGIVER_TARGET_KIND if row.role == CAREGIVER_ROLE else TARGET_KIND


def _record(session: Session, actor: UserActor, row: GuardianInvitation, action: str, via: str, now: datetime) -> None:
    record_access(
        session, actor_user_id=actor.user_id, profile_id=row.profile_id, action=action,
        target_kind=_target_kind(row), target_id=row.id, via=via, now=now,
    )


def _pending(pid: int, now: datetime, roles: tuple[str, ...] = GUARDIAN_ROLES):  # noqa: ANN202 - a where clause
    return (
        GuardianInvitation.profile_id == pid,
        col(GuardianInvitation.role).in_(roles),
        GuardianInvitation.status == "pending",
        GuardianInvitation.expires_at > now,
    )


# --------------------------------------------------------------------------- the inviter


def invite_guardian(
    session: Session, actor: UserActor, profile_id: object, email: object, role: object, *, now: datetime
) -> SentInvitationView:
    """Offer to manage the profile to whoever has ``email``: the same answer whether or not
    the address belongs to an account."""
    pid = v.parse_id(profile_id)
    address = v.parse_email(email)
    offered = v.parse_choice(role, GUARDIAN_ROLES, field="role")
    decision = authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind=TARGET_KIND)
    profile = session.get(Profile, pid)
    if profile is None:
        raise NotFound()
    if not may_be_offered(profile.kind, offered):
        raise ValidationError("error.guardian_own_profile")
    # The managers already see every guardian's address: saying so reveals nothing new.
    if address in guardian_emails(session, pid):
        raise ValidationError("error.already_guardian")
    return create_invitation(session, actor, decision, pid, address, offered, now=now)


def guardian_emails(session: Session, profile_id: int) -> list[str]:
    """The addresses of the profile's active guardians (which its managers already see)."""
    return list(session.exec(
        select(User.email).join(Guardianship, col(Guardianship.user_id) == User.id)
        .where(Guardianship.profile_id == profile_id, col(Guardianship.ended_at).is_(None))
    ).all())


def create_invitation(
    session: Session,
    actor: UserActor,
    decision: Decision,
    profile_id: int,
    address: str,
    role: str,
    *,
    now: datetime,
    sections: frozenset[Section] = frozenset(),
    access_ends_at: datetime | None = None,
) -> SentInvitationView:
    """Store a pending invitation to ``address`` (already validated, MANAGE already decided).

    The account with that address *now* is the invitee, if any; the view returned is the same
    either way. At most one pending invitation per address and kind of offer, and
    :data:`MAX_PENDING_PER_PROFILE` per kind."""
    if decision.via is None:  # an allowed MANAGE always says through which relationship
        raise Forbidden()
    via = decision.via
    roles = CAREGIVER_ROLES if role == CAREGIVER_ROLE else MAJORITY_ROLES if role in MAJORITY_ROLES else GUARDIAN_ROLES
    pending = session.exec(select(GuardianInvitation).where(*_pending(profile_id, now, roles))).all()
    if any(row.invitee_email == address for row in pending):
        raise ValidationError("error.already_invited")
    if len(pending) >= MAX_PENDING_PER_PROFILE:
        raise ValidationError("error.too_many_invitations", max=MAX_PENDING_PER_PROFILE)
    invitee = session.exec(select(User.id).where(User.email == address)).first()
    row = GuardianInvitation(
        profile_id=profile_id, invited_by_user_id=actor.user_id, invitee_email=address, invitee_user_id=invitee,
        role=role, status="pending", created_at=now, expires_at=expiry(now, access_ends_at),
        sections=format_sections(sections), access_ends_at=access_ends_at,
    )
    _facts(row)  # the domain's checks on the offer (a caregiver offer has a scope, ...)
    session.add(row)
    session.flush()
    _record(session, actor, row, "invite", via.value, now)
    session.commit()
    inviter = session.get(User, actor.user_id)
    return _sent_view(row, inviter.display_name if inviter is not None else "")


def _sent_view(row: GuardianInvitation, inviter_name: str) -> SentInvitationView:
    return SentInvitationView(
        id=row.id, invitee_email=row.invitee_email, role=row.role, invited_by=inviter_name,
        created_at=row.created_at.isoformat(), expires_at=row.expires_at.isoformat(),
        sections=tuple(s.value for s in Section if s in parse_sections(row.sections)),
        access_ends_at=row.access_ends_at.isoformat() if row.access_ends_at else "",
    )


def sent_invitations(
    session: Session, actor: UserActor, profile_id: object, *, now: datetime, roles: tuple[str, ...] = GUARDIAN_ROLES
) -> list[SentInvitationView]:
    """The profile's pending invitations of ``roles`` (offers to manage it, unless asked), oldest
    first (MANAGE on the profile)."""
    pid = v.parse_id(profile_id)
    authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind=TARGET_KIND)
    session.commit()
    rows = session.exec(
        select(GuardianInvitation, User.display_name)
        .join(User, col(User.id) == GuardianInvitation.invited_by_user_id)
        .where(*_pending(pid, now, roles))
        .order_by(col(GuardianInvitation.created_at), col(GuardianInvitation.id))
    ).all()
    return [_sent_view(row, name) for row, name in rows]


def cancel_invitation(session: Session, actor: UserActor, invitation_id: object, *, now: datetime) -> None:
    row, decision = _decide(session, actor, InvitationAction.CANCEL, invitation_id, now)
    row.status, row.decided_at, row.decided_by_user_id = "cancelled", now, actor.user_id
    session.add(row)
    _record(session, actor, row, "invite_cancel", decision.via.value if decision.via else "none", now)
    session.commit()


# --------------------------------------------------------------------------- the invitee


def invitations_for_me(session: Session, actor: UserActor, *, now: datetime) -> list[ReceivedInvitationView]:
    """The actor's live invitations, oldest first: inviter's name and child's first name only."""
    rows = session.exec(_for_me(), params={"uid": actor.user_id, "now": now}).all()
    views = []
    for row, given_name, inviter_name in rows:
        facts = load_profile_facts(session, row.profile_id)
        if facts is None:
            continue
        decision = decide_invitation(actor, InvitationAction.VIEW, _facts(row), facts, now)
        if decision.visible and decision.allowed:
            views.append(ReceivedInvitationView(row.id, inviter_name, given_name, row.role, row.expires_at.isoformat()))
    return views


@functools.cache
def _for_me():  # noqa: ANN202 - a sqlmodel Select
    """Built once: it runs on every home load, and building it cost more than running it."""
    return (
        select(GuardianInvitation, Profile.given_name, User.display_name)
        .join(Profile, col(Profile.id) == GuardianInvitation.profile_id)
        .join(User, col(User.id) == GuardianInvitation.invited_by_user_id)
        .where(
            col(GuardianInvitation.invitee_user_id) == sa.bindparam("uid"),
            col(GuardianInvitation.role).not_in(MAJORITY_ROLES),  # accepted through its link only
            col(GuardianInvitation.status) == "pending",
            col(GuardianInvitation.expires_at) > sa.bindparam("now"),
        )
        .order_by(col(GuardianInvitation.created_at), col(GuardianInvitation.id))
    )


def accept_invitation(session: Session, actor: UserActor, invitation_id: object, *, now: datetime) -> int:
    """Become a guardian of the invitation's profile (the inviter steps down for a hand-over),
    or, for a caregiver invitation, get its read-only scoped access from now on.

    Returns the profile id, so that the caller may show it."""
    row, _ = _decide(session, actor, InvitationAction.ACCEPT, invitation_id, now)
    if row.role in MAJORITY_ROLES:  # the young person chooses what to keep: services.majority
        raise Forbidden()
    if row.role == CAREGIVER_ROLE:
        _grant_caregiver_access(session, row, now)
    else:
        _become_guardian(session, actor, row, now)
    row.status, row.decided_at, row.decided_by_user_id = "accepted", now, actor.user_id
    session.add(row)
    _record(session, actor, row, "invite_accept", "invitation", now)
    session.commit()
    return row.profile_id


def _grant_caregiver_access(session: Session, row: GuardianInvitation, now: datetime) -> None:
    """Write the caregiver grant; it replaces any grant the invitee still held (one per person)."""
    offer = caregiver_grant(_facts(row), now)
    held = session.exec(
        select(CaregiverGrant).where(
            CaregiverGrant.profile_id == row.profile_id, CaregiverGrant.grantee_user_id == offer.grantee_user_id,
            col(CaregiverGrant.revoked_at).is_(None),
        )
    ).all()
    for grant in held:
        grant.revoked_at = now
        session.add(grant)
    session.add(CaregiverGrant(
        profile_id=row.profile_id, grantee_user_id=offer.grantee_user_id, granted_by_user_id=offer.granted_by_user_id,
        sections=format_sections(offer.sections), starts_at=offer.starts_at, ends_at=offer.ends_at, created_at=now,
    ))


def _become_guardian(session: Session, actor: UserActor, row: GuardianInvitation, now: datetime) -> None:
    changes = acceptance_changes(_facts(row))
    mine = session.exec(
        select(Guardianship).where(Guardianship.profile_id == row.profile_id, Guardianship.user_id == actor.user_id)
    ).first()
    if mine is None:
        session.add(Guardianship(profile_id=row.profile_id, user_id=changes.new_guardian_user_id,
                                 added_by_user_id=row.invited_by_user_id, created_at=now))
    elif mine.ended_at is not None:
        mine.ended_at, mine.added_by_user_id, mine.created_at = None, row.invited_by_user_id, now
        session.add(mine)
    if changes.ending_guardian_user_id is not None:
        leaving = session.exec(
            select(Guardianship).where(
                Guardianship.profile_id == row.profile_id,
                Guardianship.user_id == changes.ending_guardian_user_id,
                col(Guardianship.ended_at).is_(None),
            )
        ).first()
        if leaving is not None:
            leaving.ended_at = now
            session.add(leaving)


def decline_invitation(session: Session, actor: UserActor, invitation_id: object, *, now: datetime) -> None:
    row, _ = _decide(session, actor, InvitationAction.DECLINE, invitation_id, now)
    row.status, row.decided_at, row.decided_by_user_id = "declined", now, actor.user_id
    session.add(row)
    _record(session, actor, row, "invite_decline", "invitation", now)
    session.commit()


# --------------------------------------------------------------------------- shared


def _decide(session: Session, actor: UserActor, action: InvitationAction, invitation_id: object, now: datetime):  # noqa: ANN202
    """Load the invitation and ask the policy; refusals are recorded, strangers get not found."""
    iid = v.parse_id(invitation_id)
    row = session.get(GuardianInvitation, iid)
    if row is None:
        raise NotFound()
    facts = load_profile_facts(session, row.profile_id)
    decision = decide_invitation(actor, action, _facts(row), facts, now) if facts else None
    if decision is None or not decision.allowed:
        _record(session, actor, row, "denied", "none", now)
        session.commit()
        if decision is None or not decision.visible:
            raise NotFound()
        raise Forbidden()
    return row, decision

