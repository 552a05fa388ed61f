"""Invitations: access to a profile offered by someone who manages it, accepted or declined by
the invitee.

Pure Python: no Reflex, no database, no clock (security issue 9: nobody is made someone's
co-guardian or caregiver, or given a child's profile, without consenting).

Three offers (``role``): ``co_guardian`` (manage the profile alongside the inviter),
``handover`` (manage it instead of the inviter), ``caregiver`` (read-only access to the chosen
``sections``, until ``access_ends_at`` if set).

An invitation grants **nothing** until it is accepted: the access policy
(:mod:`mes_app.domain.access`) knows guardians only through ``ProfileFacts.guardian_user_ids``
and caregivers only through ``ProfileFacts.caregivers``; the guardianship or the caregiver grant
is created at acceptance (:func:`acceptance_changes`, :func:`caregiver_grant`). The policy on
the invitation itself (:func:`decide_invitation`), the same for every role:

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
the child's (or patient's) first name, the role offered and the expiry date. No family name, no birth date
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
    CaregiverFacts,
    Decision,
    ProfileFacts,
    Section,
    UserActor,
    Via,
    relationship_to,
)

INVITATION_DAYS = 14
MAX_PENDING_PER_PROFILE = 10  # per kind of offer: guardian roles, caregiver
GUARDIAN_ROLES = ("co_guardian", "handover")
CAREGIVER_ROLE = "caregiver"
CAREGIVER_ROLES = (CAREGIVER_ROLE,)
# teen: the hand-over at majority (the young person becomes the owner; mes_app.domain.majority)
MAJORITY_ROLES = ("majority",)
ROLES = GUARDIAN_ROLES + CAREGIVER_ROLES + MAJORITY_ROLES
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
    role: str  # co_guardian | handover | caregiver
    status: str  # pending | accepted | declined | cancelled
    expires_at: datetime
    # caregiver offers only: the read-only scope, and when the access would end (None: never)
    sections: frozenset[Section] = frozenset()
    access_ends_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError("unknown invitation role")
        if self.status not in STORED_STATUSES:
            raise ValueError("unknown invitation status")
        if self.expires_at.tzinfo is None or self.expires_at.utcoffset() is None:
            raise ValueError("InvitationFacts.expires_at must be timezone-aware")
        object.__setattr__(self, "sections", frozenset(Section(s) for s in self.sections))
        if self.role == CAREGIVER_ROLE and not self.sections:
            raise ValueError("a caregiver invitation needs a scope")
        if self.role != CAREGIVER_ROLE and (self.sections or self.access_ends_at is not None):
            raise ValueError("only a caregiver invitation has a scope and an end")
        if self.access_ends_at is not None and (
            self.access_ends_at.tzinfo is None or self.access_ends_at.utcoffset() is None
        ):
            raise ValueError("InvitationFacts.access_ends_at must be timezone-aware")


def expiry(created_at: datetime, access_ends_at: datetime | None = None) -> datetime:
    """Fourteen days after sending, or earlier when the access offered ends before that: an
    invitation to an access that is already over cannot be accepted."""
    expires = created_at + timedelta(days=INVITATION_DAYS)
    return min(expires, access_ends_at) if access_ends_at is not None else expires


def invitation_status(invitation: InvitationFacts, now: datetime) -> str:
    """``pending`` | ``expired`` | ``accepted`` | ``declined`` | ``cancelled``."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if invitation.status == "pending" and now >= invitation.expires_at:
        return "expired"
    return invitation.status


def may_be_offered(profile_kind: str, role: str = "co_guardian") -> bool:
    """Only a profile managed by guardians (a child, a relative) is offered to manage; an
    adult's own profile belongs to its account holder and is never handed to anyone. Any
    profile may be shared read-only with a caregiver."""
    return role == CAREGIVER_ROLE or profile_kind != "self"


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
    """For a co-guardian or hand-over offer (a caregiver offer: :func:`caregiver_grant`)."""
    if invitation.invitee_user_id is None:
        raise ValueError("an invitation without an invitee cannot be accepted")
    if invitation.role not in GUARDIAN_ROLES:
        raise ValueError("not an offer to manage the profile")
    ending = invitation.invited_by_user_id if invitation.role == "handover" else None
    if ending == invitation.invitee_user_id:
        ending = None
    return AcceptanceChanges(invitation.invitee_user_id, ending)


@dataclass(frozen=True)
class CaregiverOffer:
    """The caregiver grant that accepting a caregiver invitation creates."""

    grantee_user_id: int
    granted_by_user_id: int
    sections: frozenset[Section]
    starts_at: datetime
    ends_at: datetime | None


def caregiver_grant(invitation: InvitationFacts, accepted_at: datetime) -> CaregiverOffer:
    """The read-only access a caregiver invitation gives from its acceptance on."""
    if invitation.invitee_user_id is None:
        raise ValueError("an invitation without an invitee cannot be accepted")
    if invitation.role != CAREGIVER_ROLE:
        raise ValueError("not a caregiver invitation")
    return CaregiverOffer(
        grantee_user_id=invitation.invitee_user_id,
        granted_by_user_id=invitation.invited_by_user_id,
        sections=invitation.sections,
        starts_at=accepted_at,
        ends_at=invitation.access_ends_at,
    )


def apply_acceptance(
    profile: ProfileFacts, invitation: InvitationFacts, now: datetime | None = None, *, grant_id: int = 0
) -> ProfileFacts:
    """The profile's facts once ``invitation`` is accepted at ``now`` (what the service stores).

    A caregiver offer replaces any grant the invitee already held (one grant per person);
    ``now`` is needed for it, and ``grant_id`` names the new grant."""
    if invitation.role == CAREGIVER_ROLE:
        if now is None:
            raise ValueError("accepting a caregiver invitation needs the time")
        offer = caregiver_grant(invitation, now)
        kept = tuple(
            g if g.grantee_user_id != offer.grantee_user_id or g.revoked_at is not None
            else CaregiverFacts(g.id, g.grantee_user_id, g.sections, g.starts_at, g.ends_at, now)
            for g in profile.caregivers
        )
        new = CaregiverFacts(grant_id, offer.grantee_user_id, offer.sections, offer.starts_at, offer.ends_at, None)
        return ProfileFacts(
            profile_id=profile.profile_id,
            owner_user_id=profile.owner_user_id,
            guardian_user_ids=profile.guardian_user_ids,
            care=profile.care,
            caregivers=kept + (new,),
        )
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
