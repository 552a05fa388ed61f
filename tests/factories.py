"""Persona factories, so that access tests read like sentences.

    alice = make_owner(session)                      # a patient with her own profile
    lea = make_child(session, alice)                 # Alice's daughter, Alice is her guardian
    bob = make_co_guardian(session, lea, "Bob")      # Léa's other parent
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, alice, now)               # Alice put Dr Martin in her care team
    nanny = make_caregiver(session, lea, ("vaccinations",), now=now)
    mallory = make_stranger(session)                 # another family altogether

The factories insert rows directly (no service call), so a bug in a service cannot hide
behind its own set-up. Every account shares one password hash, computed once at import:
argon2 is deliberately slow. Its clear text is :data:`PASSWORD`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, SQLModel, func, select

from mes_app.db.models import CaregiverGrant, CareRelationship, Guardianship, Profile, User
from mes_app.domain.access import UserActor, format_sections
from mes_app.services.passwords import hash_password
from tests.conftest import NOW

PASSWORD = "Tartine-Confiture-42"
PASSWORD_HASH = hash_password(PASSWORD)

_serial = itertools.count(1)


@dataclass
class Persona:
    """Someone with an account: ``.user`` (row), ``.actor`` (for the services), maybe ``.profile``."""

    user: User
    actor: UserActor
    profile: Profile | None = None
    grant: CaregiverGrant | None = None  # for caregivers

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.display_name

    @property
    def email(self) -> str:
        return self.user.email


@dataclass
class Child:
    """A profile managed by guardians (no account of its own)."""

    profile: Profile
    guardian: Persona

    @property
    def id(self) -> int:
        return self.profile.id


def profile_of(who: Persona | Child | Profile) -> Profile:
    """The profile behind a persona, a child or a profile row."""
    if isinstance(who, Profile):
        return who
    if who.profile is None:
        raise ValueError("this persona has no profile")
    return who.profile


def _split(name: str, default_family: str) -> tuple[str, str]:
    given, _, family = name.strip().partition(" ")
    return given, family or default_family


def _user(
    session: Session, name: str, *, role: str, email: str | None = None, password_hash: str | None = None
) -> User:
    slug = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum()) or "user"
    user = User(
        email=email or f"{slug}.{next(_serial)}@example.org",
        password_hash=password_hash or PASSWORD_HASH,
        display_name=name,
        role=role,
        created_at=NOW - timedelta(days=400),
        activated_at=NOW - timedelta(days=400),
    )
    session.add(user)
    session.flush()
    return user


def _own_profile(session: Session, user: User, name: str, birth_date: date, sex: str) -> Profile:
    given, family = _split(name, "Durand")
    profile = Profile(
        given_name=given,
        family_name=family,
        birth_date=birth_date,
        sex=sex,
        kind="self",
        owner_user_id=user.id,
        created_by_user_id=user.id,
        created_at=user.created_at,
    )
    session.add(profile)
    session.flush()
    return profile


def _done(session: Session, *rows: SQLModel) -> None:
    session.commit()
    for row in rows:
        session.refresh(row)


# --------------------------------------------------------------------------- personas


def make_owner(
    session: Session,
    name: str = "Alice",
    *,
    birth_date: date = date(1990, 5, 17),
    sex: str = "female",
    email: str | None = None,
    password_hash: str | None = None,
) -> Persona:
    """A patient account with its own profile (kind ``self``)."""
    user = _user(session, name, role="patient", email=email, password_hash=password_hash)
    profile = _own_profile(session, user, name, birth_date, sex)
    _done(session, user, profile)
    return Persona(user, UserActor(user.id, user.role), profile)


def make_child(
    session: Session,
    guardian: Persona,
    given_name: str = "Léa",
    *,
    birth_date: date = date(2024, 3, 15),
    family_name: str | None = None,
    sex: str = "female",
) -> Child:
    """A child profile (no account) with ``guardian`` as its guardian."""
    family = family_name or (guardian.profile.family_name if guardian.profile else "Durand")
    profile = Profile(
        given_name=given_name,
        family_name=family,
        birth_date=birth_date,
        sex=sex,
        kind="child",
        owner_user_id=None,
        created_by_user_id=guardian.id,
        created_at=NOW - timedelta(days=200),
    )
    session.add(profile)
    session.flush()
    session.add(
        Guardianship(
            profile_id=profile.id, user_id=guardian.id, added_by_user_id=guardian.id, created_at=profile.created_at
        )
    )
    _done(session, profile)
    return Child(profile, guardian)


def make_co_guardian(session: Session, child: Child | Profile, name: str = "Bob") -> Persona:
    """Another parent: a patient account with its own profile, also guardian of ``child``."""
    parent = make_owner(session, name, birth_date=date(1988, 9, 2), sex="male")
    profile = profile_of(child)
    session.add(
        Guardianship(
            profile_id=profile.id,
            user_id=parent.id,
            added_by_user_id=profile.created_by_user_id,
            created_at=NOW - timedelta(days=100),
        )
    )
    _done(session)
    return parent


# The TOTP secret of every professional made here (they must have two-step sign-in, issue 15
# item 3): tests compute its codes with pyotp.
PROFESSIONAL_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def make_professional(
    session: Session,
    name: str = "Dr Martin",
    *,
    specialty: str = "Médecine générale",
    second_factor: bool = True,
    status: str = "verified",
) -> Persona:
    """A professional account (role ``professional``), without a profile of its own, verified by
    an operator unless ``status`` says otherwise (``applied``, ``suspended``...); with two-step
    sign-in on (secret :data:`PROFESSIONAL_TOTP_SECRET`) unless ``second_factor=False``."""
    from mes_app.domain.rpps import luhn_check_digit

    user = _user(session, name, role="professional")
    payload = f"10{next(_serial):08d}"  # a valid RPPS number: ten digits and their Luhn key
    user.professional_id = payload + str(luhn_check_digit(payload))
    user.specialty = specialty
    user.professional_status = status
    user.profession = "medecin"
    return _signing_in_with_code(session, user, second_factor)


def _signing_in_with_code(session: Session, user: User, second_factor: bool) -> Persona:
    """Store the account, with two-step sign-in on (:data:`PROFESSIONAL_TOTP_SECRET`) if asked."""
    from mes_app.services import secret_box

    if second_factor:
        user.second_factor_secret = secret_box.encrypt(PROFESSIONAL_TOTP_SECRET)
        user.second_factor_on_at = NOW - timedelta(days=400)
    session.add(user)
    _done(session, user)
    return Persona(user, UserActor(user.id, user.role))


def give_care(
    session: Session,
    professional: Persona,
    profile: Persona | Child | Profile,
    now: datetime = NOW,
    status: str = "active",
    ends_at: datetime | None = None,
    *,
    starts_at: datetime | None = None,
) -> CareRelationship:
    """Put ``professional`` in the care team of ``profile`` (granted by its owner or first guardian)."""
    target = profile_of(profile)
    care = CareRelationship(
        profile_id=target.id,
        professional_user_id=professional.id,
        granted_by_user_id=target.owner_user_id or target.created_by_user_id,
        status=status,
        starts_at=starts_at or now - timedelta(days=30),
        ends_at=ends_at,
        created_at=now - timedelta(days=30),
    )
    session.add(care)
    _done(session, care)
    return care


def make_caregiver(
    session: Session,
    profile: Persona | Child | Profile,
    sections: tuple[str, ...] = ("vaccinations",),
    now: datetime = NOW,
    ends_at: datetime | None = None,
    revoked_at: datetime | None = None,
    *,
    name: str = "Mamie Jeanne",
) -> Persona:
    """An account (a grandparent, a nanny) with a read-only grant scoped to ``sections``."""
    target = profile_of(profile)
    user = _user(session, name, role="patient")
    grant = CaregiverGrant(
        profile_id=target.id,
        grantee_user_id=user.id,
        granted_by_user_id=target.owner_user_id or target.created_by_user_id,
        sections=format_sections(sections),
        starts_at=now - timedelta(days=10),
        ends_at=ends_at,
        revoked_at=revoked_at,
        created_at=now - timedelta(days=10),
    )
    session.add(grant)
    _done(session, user, grant)
    return Persona(user, UserActor(user.id, user.role), None, grant)


def make_operator(session: Session, name: str = "Olivia Operator", *, second_factor: bool = True) -> Persona:
    """An operator of the service (role ``operator``, issue 15): no profile, no record, and
    two-step sign-in on (same secret as the professionals) unless ``second_factor=False``."""
    from mes_app.services.operators import OPERATOR_ROLE

    return _signing_in_with_code(session, _user(session, name, role=OPERATOR_ROLE), second_factor)


def make_stranger(session: Session, name: str = "Mallory") -> Persona:
    """A patient of another family: a real account with a profile of its own, and no link to anyone."""
    return make_owner(session, name, birth_date=date(1985, 1, 1))


# --------------------------------------------------------------------------- checks


def committed_count(session: Session, model: type[SQLModel], *where) -> int:
    """Rows of ``model`` that are really stored, seen from another connection."""
    with Session(session.get_bind()) as other:
        return other.exec(select(func.count()).select_from(model).where(*where)).one()


def committed_rows(session: Session, model: type[SQLModel], *where) -> list:
    """Stored rows of ``model``, read afresh from another connection."""
    with Session(session.get_bind(), expire_on_commit=False) as other:
        return list(other.exec(select(model).where(*where).order_by(model.id)).all())


# --------------------------------------------------------------------------- registration


def register_and_activate(session: Session, reg, *, now: datetime, lang: str = "fr") -> User:
    """Register through the real sign-up and open the activation link, as the mailbox owner would.
    ``reg`` is an ``accounts.Registration``; the address must be new."""
    from mes_app.services import registration

    sent = registration.sign_up(session, reg, now=now, lang=lang)
    assert sent.kind == registration.ACTIVATE and sent.secret, "the address already had an account"
    user_id = registration.activate(session, sent.secret, now=now)
    assert user_id is not None
    return session.get(User, user_id)
