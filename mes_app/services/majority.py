"""teen (issue 13, item 4): the hand-over at majority — the young person takes their profile.

- :func:`invite` (a guardian, MANAGE on the profile, once the person is 18): an invitation of
  role ``majority`` through the invitation machinery (:func:`services.invitations.create_invitation`:
  the same answer for any address, one pending per address, each step in the access history),
  plus a single-use link secret whose SHA-256 only is stored. The caller e-mails the link.
- :func:`offer` (the invitee, logged in, with the link): what they are offered and whom they
  may keep sharing with: the inviter's name, the profile's first name, the former guardians'
  names. Anyone else (another account, a used or cancelled link) gets None: *not found*.
- :func:`accept` (the invitee): the account becomes the owner, every guardianship ends now
  (recorded for each former guardian), a former guardian keeps only the sections ticked (a
  read-only caregiver grant; documents then one by one through the document switches), the
  guardians' share links, emergency card link and caregiver grants are revoked (the care team
  stays: the young person manages it from then on). A replayed link fails: the
  invitation is claimed by one conditional UPDATE.
- :func:`pending` / cancel through :func:`services.invitations.cancel_invitation`.

The rules are in :mod:`mes_app.domain.majority`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from mes_app.db.models import CaregiverGrant, GuardianInvitation, Guardianship, Profile, ShareLink, User
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, format_sections, is_minor
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.domain.link_tokens import hash_link_secret, hash_new_link_secret, new_link_secret
from mes_app.domain.majority import (
    KEEPABLE_SECTIONS,
    MAJORITY_ROLE,
    Acceptance,
    decide_acceptance,
    handover_changes,
    may_offer_majority,
)
from mes_app.services import invitations
from mes_app.services.access_facts import authorize, load_profile_facts, record_access

TARGET_KIND = invitations.MAJORITY_TARGET_KIND


@dataclass(frozen=True)
class InviteSent:
    """The same for any address; ``secret`` goes into the e-mailed link, never to the page."""

    invitation: invitations.SentInvitationView
    secret: str
    to: str


@dataclass(frozen=True)
class FormerGuardian:
    user_id: int  # checked again at acceptance: only the profile's guardians may be named
    name: str


@dataclass(frozen=True)
class OfferView:
    """What the invitee sees before accepting."""

    inviter_name: str
    given_name: str
    expires_at: str  # ISO timestamp
    guardians: tuple[FormerGuardian, ...]
    sections: tuple[str, ...] = tuple(s.value for s in KEEPABLE_SECTIONS)


def can_invite(session: Session, actor: UserActor, profile_id: int, *, now: datetime) -> bool:
    """The capability flag: the actor manages the profile and its person is 18 or more."""
    facts = load_profile_facts(session, profile_id)
    if facts is None or actor.user_id not in facts.guardian_user_ids:
        return False
    born, kind = facts.birth_date, facts.kind
    if born is None or kind is None:
        profile = session.get(Profile, profile_id)
        if profile is None:
            return False
        born, kind = profile.birth_date, profile.kind
    return may_offer_majority(kind, facts.owner_user_id, born, local_date(now))


def invite(session: Session, actor: UserActor, profile_id: object, email: object, *, now: datetime) -> InviteSent:
    """A guardian invites the young adult (at the address they give) to take their profile."""
    pid = v.parse_id(profile_id)
    address = v.parse_email(email)
    decision = authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind=TARGET_KIND)
    profile = session.get(Profile, pid)
    if profile is None:
        raise NotFound()
    facts = load_profile_facts(session, pid)
    if facts is None or actor.user_id not in facts.guardian_user_ids:
        raise Forbidden()  # the owner of their own profile has nothing to hand over
    if not may_offer_majority(profile.kind, profile.owner_user_id, profile.birth_date, local_date(now)):
        raise ValidationError("error.majority_not_yet")
    if address in invitations.guardian_emails(session, pid):
        raise ValidationError("error.majority_guardian_address")
    sent = invitations.create_invitation(session, actor, decision, pid, address, MAJORITY_ROLE, now=now)
    secret = new_link_secret()
    row = session.get(GuardianInvitation, sent.id)
    if row is None:
        raise NotFound()
    row.token_hash = hash_new_link_secret(secret)
    session.add(row)
    session.commit()
    return InviteSent(sent, secret, address)


def pending(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> list:
    """The profile's pending hand-over invitations (MANAGE)."""
    return invitations.sent_invitations(session, actor, profile_id, now=now, roles=(MAJORITY_ROLE,))


def _find(session: Session, secret: object) -> GuardianInvitation | None:
    digest = hash_link_secret(secret)
    if digest is None:
        return None
    return session.exec(select(GuardianInvitation).where(GuardianInvitation.token_hash == digest)).first()


def _judge(session: Session, actor: UserActor, row: GuardianInvitation, now: datetime) -> Acceptance:
    user = session.get(User, actor.user_id)
    profile = session.get(Profile, row.profile_id)
    facts = load_profile_facts(session, row.profile_id)
    if user is None or profile is None or facts is None:
        return Acceptance.NOT_FOUND
    return decide_acceptance(actor.user_id, user.email, invitations.invitation_facts(row), row.invitee_email, facts,
                             birth_date=profile.birth_date, today=local_date(now), now=now)


def offer(session: Session, actor: UserActor, secret: object, *, now: datetime) -> OfferView | None:
    """The offer behind a link, for its invitee only (None for anyone or anything else)."""
    row = _find(session, secret)
    if row is None or _judge(session, actor, row, now) is not Acceptance.OK:
        return None
    profile = session.get(Profile, row.profile_id)
    inviter = session.get(User, row.invited_by_user_id)
    if profile is None or inviter is None:
        return None
    guardians = session.exec(
        select(User.id, User.display_name).join(Guardianship, col(Guardianship.user_id) == User.id)
        .where(Guardianship.profile_id == row.profile_id, col(Guardianship.ended_at).is_(None))
        .order_by(col(User.id))
    ).all()
    return OfferView(inviter.display_name, profile.given_name, row.expires_at.isoformat(),
                     tuple(FormerGuardian(uid, name) for uid, name in guardians))


def parse_keep(value: object) -> dict[int, frozenset[Section]]:
    """``{guardian user id: [section names]}`` from the browser; unknown sections refused."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 20:
        raise ValidationError("error.invalid_choice", field="keep")
    allowed = {s.value for s in KEEPABLE_SECTIONS}
    keep: dict[int, frozenset[Section]] = {}
    for key, sections in value.items():
        uid = v.parse_id(key)
        if not isinstance(sections, (list, tuple)) or len(sections) > len(allowed):
            raise ValidationError("error.invalid_choice", field="keep")
        keep[uid] = frozenset(Section(v.parse_choice(s, allowed, field="keep")) for s in sections)
    return keep


def accept(session: Session, actor: UserActor, secret: object, keep: object = None, *, now: datetime) -> int:
    """Take the profile: the account becomes its owner. Returns the profile id."""
    chosen = parse_keep(keep)
    row = _find(session, secret)
    if row is None:
        raise NotFound()
    verdict = _judge(session, actor, row, now)
    if verdict is Acceptance.GUARDIAN:  # known to the profile: in its history
        record_access(session, actor_user_id=actor.user_id, profile_id=row.profile_id, action="denied",
                      target_kind=TARGET_KIND, target_id=row.id, via="none", now=now)
        session.commit()
        raise Forbidden()
    if verdict is not Acceptance.OK:  # a stranger, a used or gone link: nothing to tell
        raise NotFound()
    facts = load_profile_facts(session, row.profile_id)
    profile = session.get(Profile, row.profile_id)
    if facts is None or profile is None or is_minor(profile.birth_date, local_date(now)):
        raise NotFound()
    try:
        changes = handover_changes(actor.user_id, facts, chosen)
    except ValueError:
        raise ValidationError("error.invalid_choice", field="keep") from None
    table = GuardianInvitation.__table__  # pyright: ignore[reportAttributeAccessIssue]
    claimed = session.execute(
        sa.update(table).where(table.c.id == row.id, table.c.status == "pending")
        .values(status="accepted", decided_at=now, decided_by_user_id=actor.user_id, invitee_user_id=actor.user_id)
    )
    if cast("sa.CursorResult[Any]", claimed).rowcount != 1:  # another request used the link first
        session.rollback()
        raise NotFound()
    profile.owner_user_id, profile.kind = changes.owner_user_id, "self"
    session.add(profile)
    for guardianship in session.exec(select(Guardianship).where(
            Guardianship.profile_id == profile.id, col(Guardianship.ended_at).is_(None))).all():
        guardianship.ended_at = now
        session.add(guardianship)
        record_access(session, actor_user_id=guardianship.user_id, profile_id=profile.id, action="handed_over",
                      target_kind="guardianship", target_id=guardianship.id, via="guardian", now=now)
    for link in session.exec(select(ShareLink).where(
            ShareLink.profile_id == profile.id, col(ShareLink.revoked_at).is_(None))).all():
        link.revoked_at = now
        session.add(link)
    for grant in session.exec(select(CaregiverGrant).where(  # appointed by the guardians
            CaregiverGrant.profile_id == profile.id, col(CaregiverGrant.revoked_at).is_(None))).all():
        grant.revoked_at = now
        session.add(grant)
    for kept in changes.kept:
        session.add(CaregiverGrant(profile_id=profile.id, grantee_user_id=kept.user_id,
                                   granted_by_user_id=actor.user_id, sections=format_sections(kept.sections),
                                   starts_at=now, created_at=now))
    record_access(session, actor_user_id=actor.user_id, profile_id=profile.id, action="invite_accept",
                  target_kind=TARGET_KIND, target_id=row.id, via="invitation", now=now)
    session.commit()
    return profile.id
