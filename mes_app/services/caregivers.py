"""Caregivers: an existing account (a grandparent, a nanny) gets read-only access to chosen
sections of a profile, until an optional end date or until revoked.

Only the owner or a guardian grants and revokes (MANAGE on the profile). Documents are
shared one by one through the per-document switches (``services.documents``); the
``documents`` section in the scope only opens the documents switched on for the caregiver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from mes_app.db.models import CaregiverGrant, Guardianship, Profile, User
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, format_sections, parse_sections
from mes_app.domain.calendar import DEFAULT_TIMEZONE, local_date
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services.access_facts import authorize
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


def _manage(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> int:
    pid = v.parse_id(profile_id)
    authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind="caregivers")
    return pid


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
    return next_midnight.astimezone(timezone.utc)


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


def invite_caregiver(
    session: Session,
    actor: UserActor,
    profile_id: object,
    email: object,
    sections: object,
    ends_on: object = None,
    *,
    now: datetime,
) -> CaregiverView:
    """Give an existing account read-only access to ``sections`` of the profile."""
    pid = _manage(session, actor, profile_id, now=now)
    address = v.parse_email(email)
    scope = parse_scope(sections)
    ends_at = parse_end(ends_on, now=now)
    user = session.exec(select(User).where(User.email == address)).first()
    if user is None:
        raise ValidationError("error.account_not_found")
    profile = session.get(Profile, pid)
    guardians = session.exec(
        select(Guardianship.user_id).where(Guardianship.profile_id == pid, Guardianship.ended_at.is_(None))
    ).all()
    if user.id == profile.owner_user_id or user.id in guardians:
        raise ValidationError("error.caregiver_manages")
    current = session.exec(
        select(CaregiverGrant).where(
            CaregiverGrant.profile_id == pid, CaregiverGrant.grantee_user_id == user.id,
            CaregiverGrant.revoked_at.is_(None),
        )
    ).all()
    if any(g.ends_at is None or g.ends_at > now for g in current):
        raise ValidationError("error.already_caregiver")
    grant = CaregiverGrant(
        profile_id=pid, grantee_user_id=user.id, granted_by_user_id=actor.user_id,
        sections=format_sections(scope), starts_at=now, ends_at=ends_at, created_at=now,
    )
    session.add(grant)
    session.commit()
    session.refresh(grant)
    return _view(grant, user, session, now)


def list_caregivers(
    session: Session, actor: UserActor, profile_id: object, *, now: datetime, include_ended: bool = False
) -> list[CaregiverView]:
    """Grants not revoked (and, unless asked, not ended), newest first."""
    pid = _manage(session, actor, profile_id, now=now)
    session.commit()
    rows = session.exec(
        select(CaregiverGrant, User)
        .join(User, User.id == CaregiverGrant.grantee_user_id)
        .where(CaregiverGrant.profile_id == pid, CaregiverGrant.revoked_at.is_(None))
        .order_by(CaregiverGrant.created_at.desc(), CaregiverGrant.id.desc())
    ).all()
    views = [_view(grant, user, session, now) for grant, user in rows]
    return [view for view in views if include_ended or view.status == "active"]


def revoke_caregiver(session: Session, actor: UserActor, profile_id: object, grant_id: object, *, now: datetime) -> None:
    """End a grant now: the caregiver's next event shows nothing of this profile."""
    pid = _manage(session, actor, profile_id, now=now)
    gid = v.parse_id(grant_id)
    grant = session.get(CaregiverGrant, gid)
    if grant is None or grant.profile_id != pid or grant.revoked_at is not None:
        raise NotFound()
    grant.revoked_at = now
    session.add(grant)
    session.commit()
