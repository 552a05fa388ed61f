"""teen (issue 13, item 4): at 18 the young person takes their profile into their own account.

Pure Python: no Reflex, no database, no clock (time and dates passed in).

While a minor, the profile has no owner; its guardians manage it (``ProfileFacts``). From the
18th birthday, a guardian may send a hand-over invitation (role ``majority``, the invitation
machinery of :mod:`mes_app.domain.invitations`) to an e-mail address: a link with a secret.
Whoever opens the link while logged in to the account *with that address* (new or existing)
may accept it, and chooses what each former guardian keeps seeing.

Accepting (:func:`handover_changes`):
- the account becomes the profile's owner (kind ``self``): everything is theirs, entries kept
  from the legal representatives included (:mod:`mes_app.domain.access`);
- every guardianship ends at that moment (kept, with its dates, as the history of who managed
  the profile, and recorded in the access history);
- a former guardian keeps only what the young person ticks, as a read-only caregiver grant
  (sections; documents one by one through the per-document switches): nothing by default;
- the share links and the emergency card link the guardians made stop working (the young
  person makes their own).

Refused: an invitation before 18 (:func:`may_offer_majority`); accepting by an account whose
address is not the invitation's, by a guardian of the profile, or with a link already used,
cancelled, expired or whose inviter no longer manages the profile (:func:`decide_acceptance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from mes_app.domain.access import ProfileFacts, Section, is_minor
from mes_app.domain.invitations import InvitationFacts, invitation_status

MAJORITY_ROLE = "majority"
# What a former guardian may keep: read-only, as a caregiver (messages stay between the young
# person and their care team).
KEEPABLE_SECTIONS: tuple[Section, ...] = tuple(s for s in Section if s is not Section.MESSAGES)


def may_offer_majority(profile_kind: str, owner_user_id: int | None, birth_date: date, today: date) -> bool:
    """A profile managed by guardians whose person is 18 or more on ``today``."""
    return profile_kind != "self" and owner_user_id is None and not is_minor(birth_date, today)


def same_address(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


class Acceptance(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"  # not for this account, or gone: the link tells nothing
    GUARDIAN = "guardian"  # a guardian cannot take the profile as their own


def decide_acceptance(actor_user_id: int, actor_email: str, invitation: InvitationFacts, invitee_email: str,
                      profile: ProfileFacts, *, birth_date: date, today: date, now: datetime) -> Acceptance:
    """May the account (``actor_user_id`` with ``actor_email``) accept this hand-over now?"""
    if invitation.role != MAJORITY_ROLE or invitation.profile_id != profile.profile_id:
        return Acceptance.NOT_FOUND
    if invitation_status(invitation, now) != "pending" or profile.owner_user_id is not None:
        return Acceptance.NOT_FOUND
    if invitation.invited_by_user_id not in profile.guardian_user_ids or is_minor(birth_date, today):
        return Acceptance.NOT_FOUND
    if not same_address(actor_email, invitee_email):
        return Acceptance.NOT_FOUND
    if actor_user_id in profile.guardian_user_ids:
        return Acceptance.GUARDIAN
    return Acceptance.OK


@dataclass(frozen=True)
class Kept:
    """What one former guardian keeps seeing (read-only), as the young person chose."""

    user_id: int
    sections: frozenset[Section]


@dataclass(frozen=True)
class HandoverChanges:
    owner_user_id: int
    ending_guardian_user_ids: tuple[int, ...]
    kept: tuple[Kept, ...]  # only the former guardians given something


def handover_changes(new_owner_user_id: int, profile: ProfileFacts,
                     keep: dict[int, frozenset[Section]]) -> HandoverChanges:
    """What accepting changes. ``keep`` may only name current guardians, with keepable sections."""
    guardians = sorted(profile.guardian_user_ids)
    if any(uid not in profile.guardian_user_ids for uid in keep):
        raise ValueError("only a former guardian may keep access")
    if any(s not in KEEPABLE_SECTIONS for sections in keep.values() for s in sections):
        raise ValueError("not a section a former guardian may keep")
    kept = tuple(Kept(uid, frozenset(keep[uid])) for uid in guardians if keep.get(uid))
    return HandoverChanges(new_owner_user_id, tuple(guardians), kept)


def facts_after(profile: ProfileFacts, changes: HandoverChanges) -> ProfileFacts:
    """The profile's facts once handed over (the caregiver grants as :mod:`access` sees them
    are written by the service; here the owner and the end of guardianship)."""
    return ProfileFacts(profile_id=profile.profile_id, owner_user_id=changes.owner_user_id,
                        guardian_user_ids=frozenset(), care=profile.care, caregivers=profile.caregivers)
