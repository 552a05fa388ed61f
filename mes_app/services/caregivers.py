"""Caregivers: an account (a grandparent, a nanny) gets read-only access to chosen sections of
a profile, until an optional end date or until revoked — once they have accepted it.

Only the owner or a guardian offers, cancels and revokes (MANAGE on the profile). Offering is
an invitation by e-mail (security issue 9, see ``services.invitations``): the answer is the
same whether or not the address has an MES account, the pending offer is listed with the
address and scope, and the grant is written only when the invitee accepts. Documents are
shared one by one through the per-document switches (``services.documents``); the
``documents`` section in the scope only opens the documents switched on for the caregiver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from mes_app.db.models import CaregiverGrant, Profile, User
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, parse_sections
from mes_app.domain.calendar import DEFAULT_TIMEZONE, local_date
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.invitations import CAREGIVER_ROLE, CAREGIVER_ROLES
from mes_app.services import invitations
from mes_app.services.access_facts import authorize, record_access
from mes_app.services.care_team import last_use

# What a caregiver may be given (messages are between the patient and the care team).
CAREGIVER_SECTIONS: tuple[str, ...] = tuple(s.value for s in Section if s is not Section.MESSAGES)
MAX_YEARS_AHEAD = 10


@dataclass(frozen=True)
class CaregiverView:
    id: int  # the grant id
    name: str
    email: str
    sections: list[str]
    starts_at: str  # ISO timestamp
    ends_on: str  # ISO date of the last day included, "" without an end
    last_used: str  # ISO timestamp, "" if never
    status: str  # active | ended


@dataclass(frozen=True)
class PendingCaregiverView:
    """A caregiver invitation not yet answered, as the profile's managers see it: the address as
    typed, never whether it belongs to an account."""

    id: int  # the invitation id
    email: str
    sections: list[str]
    ends_on: str  # ISO date of the last day of access included, "" without an end
    invited_by: str  # the inviter's display name
    expires_at: str  # ISO timestamp: the invitation's own expiry


def _manage(session: Session, actor: UserActor, profile_id: object, *, now: datetime):  # noqa: ANN202
    pid = v.parse_id(profile_id)
    decision = authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind="caregivers")
    return pid, decision


def parse_scope(values: object) -> frozenset[Section]:
    """The chosen sections: a list of section names among :data:`CAREGIVER_SECTIONS`."""
    if not isinstance(values, (list, tuple, set, frozenset)):
        raise ValidationError("error.invalid_choice", field="sections")
    chosen = set()
    for value in values:
        if not isinstance(value, str) or value not in CAREGIVER_SECTIONS:
            raise ValidationError("error.invalid_choice", field="sections")
        chosen.add(Section(value))
    if not chosen:
        raise ValidationError("error.scope_required")
    return frozenset(chosen)


def parse_end(value: object, *, now: datetime) -> datetime | None:
    """An optional last day (included): the grant ends at the next local midnight.

    The day must be today or later, and within ten years."""
    day = v.parse_date(value, field="ends_on")
    if day is None:
        return None
    today = local_date(now)
    if day < today:
        raise ValidationError("error.end_in_past")
    if day > date(today.year + MAX_YEARS_AHEAD, 12, 31):
        raise ValidationError("error.out_of_range", field="ends_on")
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
    return next_midnight.astimezone(UTC)


def _ends_on(ends_at: datetime | None) -> str:
    if ends_at is None:
        return ""
    return (local_date(ends_at) - timedelta(days=1)).isoformat()


def _view(grant: CaregiverGrant, user: User, session: Session, now: datetime) -> CaregiverView:
    ended = grant.ends_at is not None and grant.ends_at <= now
    return CaregiverView(
        id=grant.id,
        name=user.display_name,
        email=user.email,
        sections=[s.value for s in Section if s in parse_sections(grant.sections)],
        starts_at=grant.starts_at.isoformat(),
        ends_on=_ends_on(grant.ends_at),
        last_used=(lambda t: t.isoformat() if t else "")(last_use(session, "caregiver", grant.id)),
        status="ended" if ended else "active",
    )


def _pending_view(sent: invitations.SentInvitationView) -> PendingCaregiverView:
    ends_on = _ends_on(datetime.fromisoformat(sent.access_ends_at)) if sent.access_ends_at else ""
    return PendingCaregiverView(
        id=sent.id, email=sent.invitee_email, sections=list(sent.sections), ends_on=ends_on,
        invited_by=sent.invited_by, expires_at=sent.expires_at,
    )


def invite_caregiver(
    session: Session,
    actor: UserActor,
    profile_id: object,
    email: object,
    sections: object,
    ends_on: object = None,
    *,
    now: datetime,
) -> PendingCaregiverView:
    """Offer read-only access to ``sections`` of the profile to whoever has ``email``.

    Nothing is granted until the invitee accepts (``invitations.accept_invitation``). The answer
    is the same whether or not the address belongs to an account; the only refusals name
    people the managers already see (the owner, a guardian, a current caregiver, a pending
    invitation)."""
    pid, decision = _manage(session, actor, profile_id, now=now)
    address = v.parse_email(email)
    scope = parse_scope(sections)
    ends_at = parse_end(ends_on, now=now)
    profile = session.get(Profile, pid)
    if profile is None:
        raise NotFound()
    owner = session.get(User, profile.owner_user_id) if profile.owner_user_id else None
    if address in invitations.guardian_emails(session, pid) or (owner is not None and owner.email == address):
        raise ValidationError("error.caregiver_manages")
    if address in _current_caregiver_emails(session, pid, now):
        raise ValidationError("error.already_caregiver")
    sent = invitations.create_invitation(
        session, actor, decision, pid, address, CAREGIVER_ROLE, now=now, sections=scope, access_ends_at=ends_at,
    )
    return _pending_view(sent)


def _current_caregiver_emails(session: Session, pid: int, now: datetime) -> set[str]:
    """The addresses of the caregivers listed to the managers (not revoked, not ended)."""
    rows = session.exec(
        select(User.email, CaregiverGrant.ends_at)
        .join(CaregiverGrant, col(CaregiverGrant.grantee_user_id) == User.id)
        .where(CaregiverGrant.profile_id == pid, col(CaregiverGrant.revoked_at).is_(None))
    ).all()
    return {email for email, ends_at in rows if ends_at is None or ends_at > now}


def pending_caregivers(
    session: Session, actor: UserActor, profile_id: object, *, now: datetime
) -> list[PendingCaregiverView]:
    """The profile's caregiver invitations waiting for an answer, oldest first (MANAGE)."""
    return [
        _pending_view(sent)
        for sent in invitations.sent_invitations(session, actor, profile_id, now=now, roles=CAREGIVER_ROLES)
    ]


def cancel_caregiver_invitation(
    session: Session, actor: UserActor, profile_id: object, invitation_id: object, *, now: datetime
) -> None:
    """Withdraw a pending caregiver invitation of this profile (any other id: not found)."""
    iid = v.parse_id(invitation_id)
    if all(p.id != iid for p in pending_caregivers(session, actor, profile_id, now=now)):
        raise NotFound()
    invitations.cancel_invitation(session, actor, iid, now=now)


def list_caregivers(
    session: Session, actor: UserActor, profile_id: object, *, now: datetime, include_ended: bool = False
) -> list[CaregiverView]:
    """Grants not revoked (and, unless asked, not ended), newest first."""
    pid, _ = _manage(session, actor, profile_id, now=now)
    session.commit()
    rows = session.exec(
        select(CaregiverGrant, User)
        .join(User, col(User.id) == CaregiverGrant.grantee_user_id)
        .where(CaregiverGrant.profile_id == pid, col(CaregiverGrant.revoked_at).is_(None))
        .order_by(col(CaregiverGrant.created_at).desc(), col(CaregiverGrant.id).desc())
    ).all()
    views = [_view(grant, user, session, now) for grant, user in rows]
    return [view for view in views if include_ended or view.status == "active"]


def revoke_caregiver(
    session: Session, actor: UserActor, profile_id: object, grant_id: object, *, now: datetime
) -> None:
    """End a grant now: the caregiver's next event shows nothing of this profile. The access
    history records who revoked it."""
    pid, decision = _manage(session, actor, profile_id, now=now)
    gid = v.parse_id(grant_id)
    grant = session.get(CaregiverGrant, gid)
    if grant is None or grant.profile_id != pid or grant.revoked_at is not None:
        raise NotFound()
    grant.revoked_at = now
    session.add(grant)
    record_access(
        session, actor_user_id=actor.user_id, profile_id=pid, action="revoke", target_kind="caregiver_grant",
        target_id=grant.id, via=decision.via.value if decision.via else "none", now=now,
    )
    session.commit()
