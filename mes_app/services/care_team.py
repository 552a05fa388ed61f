"""The care team: professionals a patient (or a child's guardian) lets into the record.

Only the owner or a guardian manages the care team (MANAGE on the profile). A professional
is found by e-mail or by professional identifier (RPPS, ``User.professional_id``), and must
hold a professional account. Blocking or removing takes effect on the professional's very
next action: the policy re-reads ``CareRelationship`` on every event.

Also here: the professional's own list of patients (``my_patients``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from mes_app.db.models import AccessEvent, CareRelationship, Profile, User
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services.access_facts import authorize
from mes_app.services.profiles import accessible_profiles, age_label

STATUSES = ("active", "blocked", "removed")
_PROFESSIONAL_ID = re.compile(r"[0-9A-Za-z]{5,20}")


@dataclass(frozen=True)
class CareMemberView:
    id: int  # the care relationship id
    name: str
    specialty: str
    professional_id: str
    status: str  # active | blocked
    since: str  # ISO date the relationship started
    last_used: str  # ISO timestamp of the professional's last access, "" if never


@dataclass(frozen=True)
class PatientView:
    id: int  # the profile id
    name: str
    given_name: str
    age_label: str
    last_access: str  # ISO timestamp of this professional's last access, "" if never


def _manage(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> int:
    pid = v.parse_id(profile_id)
    authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind="care_team")
    return pid


def last_use(session: Session, via: str, grant_id: int) -> datetime | None:
    """When a grant was last used: the newest allowed access event recorded through it."""
    return session.exec(
        select(func.max(AccessEvent.occurred_at)).where(
            AccessEvent.via == via, AccessEvent.grant_id == grant_id, AccessEvent.action != "denied"
        )
    ).one()


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def find_professional(session: Session, identifier: object) -> User:
    """A professional account by e-mail or professional identifier (RPPS).

    One answer, ``error.professional_not_found``, whether nobody has that e-mail or a patient
    account has it: the same query (role included) finds nothing in both cases, so neither the
    message nor the time taken tells a patient whether an e-mail is an MES account. A
    professional who exists is found (and then listed in the care team, truthfully):
    professionals are meant to be findable by their patients, like in the RPPS directory.
    Only once an operator verified them: an applicant, a refused or a suspended professional
    gets the same answer as nobody.
    """
    if not isinstance(identifier, str) or not identifier.strip():
        raise ValidationError("error.required", field="professional")
    text = identifier.strip()
    if "@" in text:
        match = User.email == v.parse_email(text)
    else:
        if not _PROFESSIONAL_ID.fullmatch(text):
            raise ValidationError("error.invalid_professional_id")
        match = User.professional_id == text
    user = session.exec(
        select(User).where(match, User.role == "professional", User.professional_status == "verified")
    ).first()
    if user is None:
        raise ValidationError("error.professional_not_found")
    return user


def list_care_team(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> list[CareMemberView]:
    """Active and blocked members (removed ones are gone), newest first."""
    pid = _manage(session, actor, profile_id, now=now)
    session.commit()
    rows = session.exec(
        select(CareRelationship, User)
        .join(User, col(User.id) == CareRelationship.professional_user_id)
        .where(CareRelationship.profile_id == pid, CareRelationship.status != "removed")
        .order_by(col(CareRelationship.created_at).desc(), col(CareRelationship.id).desc())
    ).all()
    return [
        CareMemberView(
            id=care.id,
            name=user.display_name,
            specialty=user.specialty or "",
            professional_id=user.professional_id or "",
            status=care.status,
            since=local_date(care.starts_at).isoformat(),
            last_used=_iso(last_use(session, "care_team", care.id)),
        )
        for care, user in rows
    ]


def add_professional(
    session: Session, actor: UserActor, profile_id: object, identifier: object, *, now: datetime
) -> CareMemberView:
    """Put a professional in the profile's care team (again, if they had been removed)."""
    pid = _manage(session, actor, profile_id, now=now)
    user = find_professional(session, identifier)
    existing = session.exec(
        select(CareRelationship)
        .where(CareRelationship.profile_id == pid, CareRelationship.professional_user_id == user.id)
        .order_by(col(CareRelationship.id).desc())
    ).first()
    if existing is not None and existing.status == "active" and (existing.ends_at is None or existing.ends_at > now):
        raise ValidationError("error.already_in_care_team")
    if existing is not None:
        care = existing
        care.status, care.starts_at, care.ends_at, care.granted_by_user_id = "active", now, None, actor.user_id
    else:
        care = CareRelationship(
            profile_id=pid, professional_user_id=user.id, granted_by_user_id=actor.user_id,
            status="active", starts_at=now, created_at=now,
        )
    session.add(care)
    session.commit()
    session.refresh(care)
    return CareMemberView(
        id=care.id, name=user.display_name, specialty=user.specialty or "",
        professional_id=user.professional_id or "", status=care.status,
        since=local_date(care.starts_at).isoformat(), last_used="",
    )


def _relationship(session: Session, pid: int, relationship_id: object) -> CareRelationship:
    rid = v.parse_id(relationship_id)
    care = session.get(CareRelationship, rid)
    if care is None or care.profile_id != pid or care.status == "removed":
        raise NotFound()
    return care


def set_status(
    session: Session, actor: UserActor, profile_id: object, relationship_id: object, status: object, *, now: datetime
) -> None:
    """Block (``blocked``), unblock (``active``) or remove (``removed``) a care team member.

    Effective at once: the policy reads the status on the professional's next event."""
    pid = _manage(session, actor, profile_id, now=now)
    wanted = v.parse_choice(status, STATUSES, field="status")
    care = _relationship(session, pid, relationship_id)
    care.status = wanted
    if wanted == "active" and care.ends_at is not None and care.ends_at <= now:
        care.ends_at = None
    session.add(care)
    session.commit()


def block_professional(
    session: Session, actor: UserActor, profile_id: object, relationship_id: object, *, now: datetime
) -> None:
    set_status(session, actor, profile_id, relationship_id, "blocked", now=now)


def unblock_professional(
    session: Session, actor: UserActor, profile_id: object, relationship_id: object, *, now: datetime
) -> None:
    set_status(session, actor, profile_id, relationship_id, "active", now=now)


def remove_professional(
    session: Session, actor: UserActor, profile_id: object, relationship_id: object, *, now: datetime
) -> None:
    set_status(session, actor, profile_id, relationship_id, "removed", now=now)


def my_patients(session: Session, actor: UserActor, *, now: datetime, lang: str = "fr") -> list[PatientView]:
    """For a professional: the profiles whose care team they belong to now, by name."""
    if actor.role != "professional":
        return []
    today = local_date(now)
    views = [p for p in accessible_profiles(session, actor, now=now) if p.relationship == "care_team"]
    result = []
    for p in views:
        last = session.exec(
            select(func.max(AccessEvent.occurred_at)).where(
                AccessEvent.profile_id == p.id, AccessEvent.actor_user_id == actor.user_id,
                AccessEvent.action != "denied",
            )
        ).one()
        profile = session.get(Profile, p.id)
        if profile is None:  # listed among the accessible profiles a moment ago
            continue
        result.append(PatientView(
            id=p.id, name=p.name, given_name=p.given_name,
            age_label=age_label(profile.birth_date, today, lang), last_access=_iso(last),
        ))
    result.sort(key=lambda x: (x.name.casefold(), x.id))
    return result
