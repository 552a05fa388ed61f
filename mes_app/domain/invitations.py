"""Invitations to manage a profile: offered by a guardian, accepted or declined by the invitee.

Pure Python: no Reflex, no database, no clock (security issue 9: nobody is made someone's
co-guardian, or given a child's profile, without consenting).

An invitation grants **nothing** until it is accepted: the access policy
(:mod:`mes_app.domain.access`) knows guardians only through ``ProfileFacts.guardian_user_ids``,
and the guardianship is created at acceptance (:func:`acceptance_changes`). The policy on the
invitation itself (:func:`decide_invitation`):

Invitee (``invitee_user_id``)
    VIEW, ACCEPT, DECLINE while the invitation is live: pending, not expired, and its inviter
    still manages the profile (a guardian who stopped being one cannot hand anything over).
    A gone invitation (expired, decided, cancelled, inviter gone) is *not found*. CANCEL is
    forbidden (they decline instead).
Anyone who manages the profile (owner or active guardian)
    VIEW and CANCEL while it is pending and not expired; ACCEPT/DECLINE are forbidden (only
    the invitee decides). Other guardians may cancel too: they share the profile.
Everyone else (strangers, care team, caregivers, links)
    *not found*.

What the invitee is shown before accepting (see ``services.invitations``): the inviter's name,
the child's first name, the role offered and the expiry date. No family name, no birth date
or age, nothing of the record: an address typed wrong must not reveal a child to a stranger,
and the first name with the inviter's name is enough to recognise the offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from mes_app.domain.access import (
    NOT_FOUND,
    Actor,
    Decision,
    ProfileFacts,
    UserActor,
    Via,
    relationship_to,
)

INVITATION_DAYS = 14
MAX_PENDING_PER_PROFILE = 10
ROLES = ("co_guardian", "handover")
STORED_STATUSES = ("pending", "accepted", "declined", "cancelled")


class InvitationAction(StrEnum):
    VIEW = "view"
    ACCEPT = "accept"
    DECLINE = "decline"
    CANCEL = "cancel"


@dataclass(frozen=True)
class InvitationFacts:
    id: int
    profile_id: int
    invited_by_user_id: int
    invitee_user_id: int | None  # None: no account had the address; nobody may decide
    role: str  # co_guardian | handover
    status: str  # pending | accepted | declined | cancelled
    expires_at: datetime

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError("unknown invitation role")
        if self.status not in STORED_STATUSES:
            raise ValueError("unknown invitation status")
        if self.expires_at.tzinfo is None or self.expires_at.utcoffset() is None:
            raise ValueError("InvitationFacts.expires_at must be timezone-aware")


def expiry(created_at: datetime) -> datetime:
    return created_at + timedelta(days=INVITATION_DAYS)


def invitation_status(invitation: InvitationFacts, now: datetime) -> str:
    """``pending`` | ``expired`` | ``accepted`` | ``declined`` | ``cancelled``."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if invitation.status == "pending" and now >= invitation.expires_at:
        return "expired"
    return invitation.status


def may_be_offered(profile_kind: str) -> bool:
    """Only a profile managed by guardians (a child, a relative) is offered; an adult's own
    profile belongs to its account holder and is never handed to anyone."""
    return profile_kind != "self"


def _manages(user_id: int, profile: ProfileFacts) -> bool:
    return user_id == profile.owner_user_id or user_id in profile.guardian_user_ids


def decide_invitation(
    actor: Actor, action: InvitationAction, invitation: InvitationFacts, profile: ProfileFacts, now: datetime
) -> Decision:
    """May ``actor`` do ``action`` on ``invitation`` (of ``profile``) at ``now``?"""
    action = InvitationAction(action)
    if profile.profile_id != invitation.profile_id:
        raise ValueError("the facts are not the invitation's profile")
    status = invitation_status(invitation, now)
    if not isinstance(actor, UserActor):
        return NOT_FOUND
    is_invitee = invitation.invitee_user_id is not None and actor.user_id == invitation.invitee_user_id
    manager_via = relationship_to(actor, profile, now)
    manages = manager_via in (Via.OWNER, Via.GUARDIAN)
    pending = status == "pending"
    live = pending and _manages(invitation.invited_by_user_id, profile)
    if is_invitee and live:
        allowed = action in (InvitationAction.VIEW, InvitationAction.ACCEPT, InvitationAction.DECLINE)
        allowed = allowed or (manages and action is InvitationAction.CANCEL)
        return Decision(allowed=allowed, visible=True, via=manager_via)
    if manages and pending:
        allowed = action in (InvitationAction.VIEW, InvitationAction.CANCEL)
        return Decision(allowed=allowed, visible=True, via=manager_via)
    return NOT_FOUND


@dataclass(frozen=True)
class AcceptanceChanges:
    """What accepting changes: who becomes a guardian, and whose guardianship ends."""

    new_guardian_user_id: int
    ending_guardian_user_id: int | None


def acceptance_changes(invitation: InvitationFacts) -> AcceptanceChanges:
    if invitation.invitee_user_id is None:
        raise ValueError("an invitation without an invitee cannot be accepted")
    ending = invitation.invited_by_user_id if invitation.role == "handover" else None
    if ending == invitation.invitee_user_id:
        ending = None
    return AcceptanceChanges(invitation.invitee_user_id, ending)


def apply_acceptance(profile: ProfileFacts, invitation: InvitationFacts) -> ProfileFacts:
    """The profile's facts once ``invitation`` is accepted (what the service stores)."""
    changes = acceptance_changes(invitation)
    guardians = set(profile.guardian_user_ids) | {changes.new_guardian_user_id}
    if changes.ending_guardian_user_id is not None:
        guardians.discard(changes.ending_guardian_user_id)
    return ProfileFacts(
        profile_id=profile.profile_id,
        owner_user_id=profile.owner_user_id,
        guardian_user_ids=frozenset(guardians),
        care=profile.care,
        caregivers=profile.caregivers,
    )
