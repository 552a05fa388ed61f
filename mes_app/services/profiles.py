"""Profiles: the ones an account may open, children, co-guardians.

Co-guardians are invited and accept (``services.invitations``): nobody is made guardian of a
profile, or handed one, without consenting (security issue 9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from mes_app.db.models import CaregiverGrant, CareRelationship, Guardianship, Profile, User
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, Via, relationship_to
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services.access_facts import ProfileRow, authorize, facts_statement, load_facts_where

SEXES = ("female", "male", "other", "unknown")


@dataclass(frozen=True)
class ProfileView:
    """What the browser may know about a profile the user can open."""

    id: int
    name: str
    given_name: str
    birth_date: str
    age_label: str
    kind: str
    relationship: str  # owner | guardian | care_team | caregiver (shown as a label, never a check)


@dataclass(frozen=True)
class GuardianView:
    name: str
    email: str
    is_me: bool


def age_in_months(birth: date, today: date) -> int:
    months = (today.year - birth.year) * 12 + (today.month - birth.month)
    if today.day < birth.day:
        months -= 1
    return max(0, months)


def age_label(birth: date, today: date, lang: str = "fr") -> str:
    """ "8 mois" / "14 ans" — months under two years, as parents count."""
    months = age_in_months(birth, today)
    if months < 24:
        return f"{months} mois" if lang == "fr" else f"{months} month{'s' if months != 1 else ''}"
    years = months // 12
    return f"{years} ans" if lang == "fr" else f"{years} years"


def _view(profile: Profile | ProfileRow, via: Via, now: datetime) -> ProfileView:
    today = local_date(now)
    return ProfileView(
        id=profile.id,
        name=f"{profile.given_name} {profile.family_name}",
        given_name=profile.given_name,
        birth_date=profile.birth_date.isoformat(),
        age_label=age_label(profile.birth_date, today),
        kind=profile.kind,
        relationship=via.value,
    )


_ORDER = {"owner": 0, "guardian": 1, "caregiver": 2, "care_team": 3}


def _build_candidates() -> sa.Select:
    """Profiles the user ``uid`` owns, guards, cares for or was shared, with the facts of each
    (:func:`access_facts.facts_statement`): one statement, built once (its construction cost
    more CPU than running it, and it runs before every event)."""
    uid = sa.bindparam("uid")
    guarded = select(Guardianship.profile_id).where(Guardianship.user_id == uid)
    cared = select(CareRelationship.profile_id).where(CareRelationship.professional_user_id == uid)
    shared = select(CaregiverGrant.profile_id).where(CaregiverGrant.grantee_user_id == uid)
    candidates = sa.select(col(Profile.id)).where(
        or_(
            Profile.owner_user_id == uid,
            col(Profile.id).in_(guarded),
            col(Profile.id).in_(cared),
            col(Profile.id).in_(shared),
        )
    )
    return facts_statement(candidates)


_CANDIDATES = _build_candidates()


def accessible_profiles(session: Session, actor: UserActor, *, now: datetime) -> list[ProfileView]:
    """Every profile the actor may open now: own, children, care team patients, shared with them.

    The candidates and their facts come in one statement; the facts stay in the session's
    cache for the rest of the use case (the capability flags and the service's ``authorize``
    read them from there). The policy (:func:`relationship_to`) decides which are open now.
    """
    views = []
    for profile, facts in load_facts_where(session, _CANDIDATES, {"uid": actor.user_id}).values():
        via = relationship_to(actor, facts, now)
        if via is not None:
            views.append(_view(profile, via, now))
    views.sort(key=lambda p: (_ORDER.get(p.relationship, 9), p.birth_date, p.id))
    return views


def get_profile(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> ProfileView:
    pid = v.parse_id(profile_id)
    decision = authorize(session, actor, Action.READ, pid, Target(Section.PROFILE), now=now, target_kind="profile")
    session.commit()
    profile = session.get(Profile, pid)
    if profile is None or decision.via is None:  # authorized, so both exist; a race with a deletion
        raise NotFound()
    return _view(profile, decision.via, now)


@dataclass(frozen=True)
class NewChild:
    given_name: str
    family_name: str
    birth_date: date
    sex: str


def parse_child(form: dict, *, today: date) -> NewChild:
    given = v.clean_text(form.get("given_name"), field="given_name", max_len=100, required=True)
    family = v.clean_text(form.get("family_name"), field="family_name", max_len=100, required=True)
    birth = v.parse_date(form.get("birth_date"), field="birth_date", required=True)
    v.check_not_future(birth, today)
    if birth.year < 1900:
        raise ValidationError("error.invalid_date")
    sex = v.parse_choice(form.get("sex") or "unknown", SEXES, field="sex")
    return NewChild(given, family, birth, sex)


def add_child(session: Session, actor: UserActor, child: NewChild, *, now: datetime) -> ProfileView:
    """Create a child profile managed by the actor (its first guardian)."""
    profile = Profile(
        given_name=child.given_name,
        family_name=child.family_name,
        birth_date=child.birth_date,
        sex=child.sex,
        kind="child",
        owner_user_id=None,
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    session.add(profile)
    session.flush()
    session.add(
        Guardianship(profile_id=profile.id, user_id=actor.user_id, added_by_user_id=actor.user_id, created_at=now)
    )
    session.commit()
    return _view(profile, Via.GUARDIAN, now)


def list_guardians(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> list[GuardianView]:
    pid = v.parse_id(profile_id)
    authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind="profile")
    rows = session.exec(
        select(User)
        .join(Guardianship, col(Guardianship.user_id) == col(User.id))
        .where(Guardianship.profile_id == pid, col(Guardianship.ended_at).is_(None))
        .order_by(col(Guardianship.created_at))
    ).all()
    return [GuardianView(u.display_name, u.email, u.id == actor.user_id) for u in rows]
