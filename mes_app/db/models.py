"""SQLModel tables of the whole record. Tables only: no logic lives here.

Conventions:
- every table has an explicit integer ``id``, typed ``int`` (not ``int | None``) although it is
  ``None`` until the row is flushed: code reads ids of stored rows only, and the column is the same
  (a primary key is never nullable);
- timestamps are timezone-aware (``DateTime(timezone=True)``), stored in UTC;
- coded fields keep ``*_system``, ``*_code``, ``*_display`` and ``*_text`` (what the user typed);
  an entry without a code is "uncoded" and says so in the UI;
- every record entry keeps its provenance: ``author_user_id`` and ``author_role``
  (``patient``, ``guardian``, ``professional``, ``device``, ``system``).

The schema is created only by Alembic revisions (``alembic/versions``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from mes_app.db.types import UTCDateTime

# Named constraints, so SQLite batch migrations can drop and alter them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


TZ = UTCDateTime()


# --------------------------------------------------------------------------- accounts


class User(SQLModel, table=True):
    __tablename__: ClassVar[str] = "user_account"

    id: int = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    display_name: str = Field(max_length=120)
    role: str = Field(default="patient", max_length=20)  # patient | professional
    professional_id: str | None = Field(default=None, max_length=40)  # e.g. RPPS number
    specialty: str | None = Field(default=None, max_length=120)
    locale: str = Field(default="fr", max_length=5)
    failed_login_count: int = Field(default=0)
    last_failed_login_at: datetime | None = Field(default=None, sa_type=TZ)
    locked_until: datetime | None = Field(default=None, sa_type=TZ)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    # None: registered, the address not confirmed yet (cannot log in); see services.registration.
    activated_at: datetime | None = Field(default=None, sa_type=TZ)
    # --- two-factor sign-in (issue 15, item 3); see mes_app.services.second_factor ---
    # The TOTP secret, encrypted (Fernet, key outside the database: services.secret_box).
    second_factor_secret: str | None = Field(default=None, max_length=400)
    second_factor_on_at: datetime | None = Field(default=None, sa_type=TZ)  # None: off (or not confirmed)
    second_factor_last_step: int | None = Field(default=None)  # the last TOTP time step used (no replay)
    # --- professionals who join (issue 15, item 1); see mes_app.services.professionals ---
    # "" for patients and operators; applied -> verified | refused; verified <-> suspended.
    # Only a verified professional can be added to a care team or act as one.
    professional_status: str = Field(default="", max_length=12)
    profession: str | None = Field(default=None, max_length=60)  # a code, e.g. "medecin", "infirmier"
    workplace: str | None = Field(default=None, max_length=200)
    # --- the operator's console (issue 15): an account locked by an operator cannot log in ---
    locked_by_operator_at: datetime | None = Field(default=None, sa_type=TZ)


class LoginFailure(SQLModel, table=True):
    """Failed log-ins counted under one key (see :mod:`mes_app.domain.login_throttle`).

    ``key_hash`` is the SHA-256 of what the key is made of (client address and/or the e-mail
    typed): neither addresses nor e-mails are stored, and unknown e-mails count like real ones.
    The ``user_account`` columns ``failed_login_count``, ``last_failed_login_at`` and
    ``locked_until`` are no longer used."""

    __tablename__: ClassVar[str] = "login_failure"
    __table_args__ = (sa.UniqueConstraint("scope", "key_hash", name="uq_login_failure_scope_key"),)

    id: int = Field(default=None, primary_key=True)
    scope: str = Field(max_length=10)  # pair | client | account
    key_hash: str = Field(max_length=64)
    failed_count: int = Field(default=0)
    last_failed_at: datetime | None = Field(default=None, sa_type=TZ)
    locked_until: datetime | None = Field(default=None, sa_type=TZ)
    expires_at: datetime = Field(sa_type=TZ, index=True)  # may be deleted after this


class AuthSession(SQLModel, table=True):
    """A server-side login session. Only the SHA-256 of the cookie secret is stored."""

    __tablename__: ClassVar[str] = "auth_session"

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    expires_at: datetime = Field(sa_type=TZ)
    revoked_at: datetime | None = Field(default=None, sa_type=TZ)
    last_seen_at: datetime | None = Field(default=None, sa_type=TZ)
    user_agent: str | None = Field(default=None, max_length=300)  # issue 15 item 3: the sessions list


class PasswordReset(SQLModel, table=True):
    """A forgotten-password link (issue 11). Only the SHA-256 of the secret sent by e-mail is
    stored. A link serves once (``used_at``), until ``expires_at``; asking for a new one, or
    using one, ends the others (``revoked_at``)."""

    __tablename__: ClassVar[str] = "password_reset"

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    expires_at: datetime = Field(sa_type=TZ)
    used_at: datetime | None = Field(default=None, sa_type=TZ)
    revoked_at: datetime | None = Field(default=None, sa_type=TZ)


class AccountActivation(SQLModel, table=True):
    """The link that confirms a new account's address (valid 24 h, single use; only the
    SHA-256 of the secret is stored). Same shape as :class:`PasswordReset`
    (see :mod:`mes_app.services.mail_links`)."""

    __tablename__: ClassVar[str] = "account_activation"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    expires_at: datetime = Field(sa_type=TZ)
    used_at: datetime | None = Field(default=None, sa_type=TZ)
    revoked_at: datetime | None = Field(default=None, sa_type=TZ)


# --------------------------------------------------------------------------- profiles & relationships


class Profile(SQLModel, table=True):
    """A person whose record is kept: the account holder, a child, a relative."""

    id: int = Field(default=None, primary_key=True)
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    birth_date: date
    sex: str = Field(default="unknown", max_length=10)  # female | male | other | unknown
    kind: str = Field(default="self", max_length=10)  # self | child | relative
    # The account whose own profile this is (None for a child managed by guardians).
    owner_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    created_by_user_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)


class Guardianship(SQLModel, table=True):
    """A user who manages a profile that is not their own (a parent for a child)."""

    __table_args__ = (sa.UniqueConstraint("profile_id", "user_id", name="uq_guardianship_profile_user"),)

    id: int = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    added_by_user_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    ended_at: datetime | None = Field(default=None, sa_type=TZ)


class GuardianInvitation(SQLModel, table=True):
    """An offer of access to a profile, which the invitee accepts or declines (security issue 9).

    ``role`` is ``co_guardian`` (the invitee joins the guardians), ``handover`` (the invitee
    becomes a guardian and the inviter stops being one) or ``caregiver`` (read-only access to
    ``sections`` until ``access_ends_at``, if set). Nothing is granted before acceptance: the
    ``Guardianship`` or ``CaregiverGrant`` row is created only then. ``invitee_user_id`` is the
    account that had ``invitee_email`` when the invitation was made (None when there was none:
    nobody sees it). A pending invitation past ``expires_at`` is expired. (The table keeps its
    first name, from when it held guardian offers only.)
    """

    __tablename__: ClassVar[str] = "guardian_invitation"

    id: int = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    invited_by_user_id: int = Field(foreign_key="user_account.id")
    invitee_email: str = Field(max_length=254)
    invitee_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    role: str = Field(max_length=12)  # co_guardian | handover | caregiver
    status: str = Field(default="pending", max_length=10)  # pending | accepted | declined | cancelled
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    expires_at: datetime = Field(sa_type=TZ)
    decided_at: datetime | None = Field(default=None, sa_type=TZ)
    decided_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    # caregiver offers: the scope (comma-separated section names) and when the access would end
    sections: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})
    access_ends_at: datetime | None = Field(default=None, sa_type=TZ)
    # teen (issue 13 item 4): a ``majority`` offer (the young person takes their profile into
    # their own account) is opened with the secret of the link e-mailed; only its SHA-256 is kept.
    token_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)


class CareRelationship(SQLModel, table=True):
    """A professional in a profile's care team, granted by the patient or a guardian."""

    __tablename__: ClassVar[str] = "care_relationship"

    id: int = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    professional_user_id: int = Field(foreign_key="user_account.id", index=True)
    granted_by_user_id: int = Field(foreign_key="user_account.id")
    status: str = Field(default="active", max_length=10)  # active | blocked | removed
    starts_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    ends_at: datetime | None = Field(default=None, sa_type=TZ)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    last_used_at: datetime | None = Field(default=None, sa_type=TZ)


class CaregiverGrant(SQLModel, table=True):
    """Read-only, scoped access of an account (a grandparent, a nanny) to a profile."""

    __tablename__: ClassVar[str] = "caregiver_grant"

    id: int = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    grantee_user_id: int = Field(foreign_key="user_account.id", index=True)
    granted_by_user_id: int = Field(foreign_key="user_account.id")
    sections: str = Field(default="", max_length=500)  # comma-separated section names
    starts_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    ends_at: datetime | None = Field(default=None, sa_type=TZ)
    revoked_at: datetime | None = Field(default=None, sa_type=TZ)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    last_used_at: datetime | None = Field(default=None, sa_type=TZ)


class ShareLink(SQLModel, table=True):
    """A link for someone without an account. Only the hash of its secret is stored."""

    __tablename__: ClassVar[str] = "share_link"

    id: int = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    label: str = Field(default="", max_length=120)
    purpose: str = Field(default="summary", max_length=20)  # summary | emergency
    sections: str = Field(default="", max_length=500)
    created_by_user_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    expires_at: datetime = Field(sa_type=TZ)
    revoked_at: datetime | None = Field(default=None, sa_type=TZ)
    passcode_hash: str | None = Field(default=None, max_length=255)
    failed_passcode_count: int = Field(default=0)
    max_passcode_attempts: int = Field(default=5)
    last_opened_at: datetime | None = Field(default=None, sa_type=TZ)
    jwe_key: str | None = Field(default=None, max_length=64)  # SMART Health Link key (base64url)


class ShlFileLocation(SQLModel, table=True):
    """A SMART Health Links file handed out as a ``location`` URL (a file larger than the
    viewer's ``embeddedLengthMax``): random, single use, short-lived. Only the SHA-256 of the
    URL's token is stored; the JWE (encrypted under the link's key) is wiped when fetched."""

    __tablename__: ClassVar[str] = "shl_file_location"

    id: int = Field(default=None, primary_key=True)
    share_link_id: int = Field(foreign_key="share_link.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    recipient: str = Field(default="", max_length=120)
    jwe: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    expires_at: datetime = Field(sa_type=TZ)
    used_at: datetime | None = Field(default=None, sa_type=TZ)


class EmergencyCard(SQLModel, table=True):
    """What a profile's emergency card shows (one per profile). The card's link itself is a
    ``ShareLink`` with purpose "emergency" (at most one not revoked)."""

    __tablename__: ClassVar[str] = "emergency_card"

    id: int = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", unique=True, index=True)
    sections: str = Field(default="", max_length=200)  # risk_factors,conditions,treatments (chosen)
    blood_group: str = Field(default="", max_length=500)
    advance_directives: str = Field(default="", max_length=500)
    organ_donation: str = Field(default="", max_length=500)
    emergency_contacts: str = Field(default="", max_length=500)
    updated_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZ)


class VaccinationHistoryAnswer(SQLModel, table=True):
    """A profile's answer to "do you know your vaccination history?" (asked to an adult with
    no vaccination recorded, before anything is shown as late): ``now`` (adding them now),
    ``later`` (will add them later) or ``unknown``. One row per profile; it can be changed."""

    __tablename__: ClassVar[str] = "vaccination_history_answer"

    id: int = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", unique=True, index=True)
    answer: str = Field(max_length=10)
    answered_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    answered_at: datetime = Field(default_factory=utcnow, sa_type=TZ)


# --------------------------------------------------------------------------- record entries


class Entry(SQLModel):
    """Columns every record entry shares: owner profile, provenance, timestamps, note."""

    id: int = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    author_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    author_role: str = Field(default="patient", max_length=15)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    hidden_from_professionals: bool = Field(default=False)
    note: str | None = Field(default=None, sa_type=sa.Text)
    # teen (issue 13 item 4): "invisible to legal representatives" (CSP L.1111-5), set by a
    # professional on a minor's profile; see mes_app.domain.access and docs/minors.md.
    hidden_from_guardians: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class Encounter(Entry, table=True):
    """An interaction with care: a GP visit, a pharmacy, a lab, a specialist, an emergency."""

    # one page of the profile's list, newest first
    __table_args__ = (sa.Index("ix_encounter_profile_time", "profile_id", "occurred_at"),)

    kind: str = Field(max_length=20)  # gp_visit | specialist | pharmacy | lab | emergency | other
    title: str = Field(max_length=200)
    occurred_at: datetime = Field(sa_type=TZ, index=True)
    place: str | None = Field(default=None, max_length=200)
    practitioner: str | None = Field(default=None, max_length=200)


class Condition(Entry, table=True):
    code_system: str | None = Field(default=None, max_length=100)
    code: str | None = Field(default=None, max_length=40)
    code_display: str | None = Field(default=None, max_length=255)
    code_text: str = Field(max_length=255)
    status: str = Field(default="active", max_length=12)  # active | resolved | inactive
    onset_date: date | None = None
    abatement_date: date | None = None


class Treatment(Entry, table=True):
    code_system: str | None = Field(default=None, max_length=100)
    code: str | None = Field(default=None, max_length=40)
    code_display: str | None = Field(default=None, max_length=255)
    code_text: str = Field(max_length=255)
    dosage: str | None = Field(default=None, max_length=255)
    start_date: date | None = None
    end_date: date | None = None


class Hospitalisation(Entry, table=True):
    # one page of the profile's list, newest first
    __table_args__ = (sa.Index("ix_hospitalisation_profile_date", "profile_id", "admitted_on"),)

    code_system: str | None = Field(default=None, max_length=100)
    code: str | None = Field(default=None, max_length=40)
    code_display: str | None = Field(default=None, max_length=255)
    code_text: str = Field(max_length=255)  # reason for the stay
    facility: str | None = Field(default=None, max_length=200)
    admitted_on: date
    discharged_on: date | None = None


class Handicap(Entry, table=True):
    code_system: str | None = Field(default=None, max_length=100)
    code: str | None = Field(default=None, max_length=40)
    code_display: str | None = Field(default=None, max_length=255)
    code_text: str = Field(max_length=255)
    since_date: date | None = None


class Allergy(Entry, table=True):
    code_system: str | None = Field(default=None, max_length=100)
    code: str | None = Field(default=None, max_length=40)
    code_display: str | None = Field(default=None, max_length=255)
    code_text: str = Field(max_length=255)  # the substance
    reaction: str | None = Field(default=None, max_length=255)
    severity: str = Field(default="unknown", max_length=10)  # mild | moderate | severe | unknown
    status: str = Field(default="active", max_length=12)  # active | resolved
    onset_date: date | None = None


class FamilyHistory(Entry, table=True):
    __tablename__: ClassVar[str] = "family_history"

    relationship: str = Field(max_length=20)  # mother | father | sibling | grandparent | child | other
    code_system: str | None = Field(default=None, max_length=100)
    code: str | None = Field(default=None, max_length=40)
    code_display: str | None = Field(default=None, max_length=255)
    code_text: str = Field(max_length=255)
    onset_age: int | None = None


class Habit(Entry, table=True):
    kind: str = Field(max_length=20)  # tobacco | alcohol | physical_activity | diet | other
    code_system: str | None = Field(default=None, max_length=100)
    code: str | None = Field(default=None, max_length=40)
    code_display: str | None = Field(default=None, max_length=255)
    code_text: str = Field(max_length=255)  # e.g. "Never smoker", "2 glasses a week"
    start_date: date | None = None
    end_date: date | None = None


class Vaccination(Entry, table=True):
    # one page of the profile's list, newest first
    __table_args__ = (sa.Index("ix_vaccination_profile_date", "profile_id", "given_on"),)

    code_system: str | None = Field(default=None, max_length=100)
    code: str | None = Field(default=None, max_length=40)
    code_display: str | None = Field(default=None, max_length=255)
    code_text: str = Field(max_length=255)
    cvx_code: str | None = Field(default=None, max_length=40)  # one CVX code, or several: "133,215,216"
    given_on: date
    dose_number: int | None = None
    lot_number: str | None = Field(default=None, max_length=60)
    performer: str | None = Field(default=None, max_length=200)


class Measure(Entry, table=True):
    """A measurement in its canonical UCUM unit. Blood pressure keeps both values in one row."""

    # the latest measure of each kind, one indexed lookup per kind
    __table_args__ = (sa.Index("ix_measure_profile_kind_time", "profile_id", "kind", "measured_at"),)

    kind: str = Field(max_length=30, index=True)  # weight | height | blood_pressure | ...
    loinc_code: str = Field(max_length=20)
    value: float
    value_secondary: float | None = None  # diastolic for blood pressure
    unit: str = Field(max_length=20)
    measured_at: datetime = Field(sa_type=TZ, index=True)
    source: str = Field(default="manual", max_length=15)  # manual | device | professional | import


# --------------------------------------------------------------------------- documents & sharing


class Document(Entry, table=True):
    # one page of the profile's list, newest first
    __table_args__ = (sa.Index("ix_document_profile_date", "profile_id", "document_date"),)

    title: str = Field(max_length=200)
    category_system: str = Field(default="http://loinc.org", max_length=100)
    category_code: str | None = Field(default=None, max_length=20)
    category_display: str | None = Field(default=None, max_length=200)
    document_date: date
    storage_key: str = Field(max_length=80, unique=True)
    sha256: str = Field(max_length=64, index=True)
    size_bytes: int
    mime_type: str = Field(max_length=80)
    original_filename: str = Field(default="", max_length=255)
    deleted_at: datetime | None = Field(default=None, sa_type=TZ)


class DocumentGrant(SQLModel, table=True):
    """A per-document switch for one grantee: a professional, a caregiver or a share link."""

    __tablename__: ClassVar[str] = "document_grant"

    id: int = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    grantee_kind: str = Field(max_length=15)  # professional | caregiver | share_link
    grantee_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    share_link_id: int | None = Field(default=None, foreign_key="share_link.id")
    allowed: bool = Field(default=True)
    set_by_user_id: int = Field(foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZ)


# --------------------------------------------------------------------------- messages & appointments


class MessageThread(SQLModel, table=True):
    __tablename__: ClassVar[str] = "message_thread"

    id: int = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    subject: str = Field(max_length=200)
    started_by_user_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    last_message_at: datetime = Field(default_factory=utcnow, sa_type=TZ)


class Message(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="message_thread.id", index=True)
    # None once its author deleted their account (issue 13: the message stays in the record)
    author_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    body: str = Field(sa_type=sa.Text)
    sent_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    attachment_document_id: int | None = Field(default=None, foreign_key="document.id")


class MessageRead(SQLModel, table=True):
    """Up to when a user has read a thread, for unread counts."""

    __tablename__: ClassVar[str] = "message_read"
    __table_args__ = (sa.UniqueConstraint("thread_id", "user_id", name="uq_message_read_thread_user"),)

    id: int = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="message_thread.id", index=True)
    user_id: int = Field(foreign_key="user_account.id")
    last_read_at: datetime = Field(sa_type=TZ)


class Appointment(Entry, table=True):
    # one page of the profile's list, newest first
    __table_args__ = (sa.Index("ix_appointment_profile_time", "profile_id", "starts_at"),)

    title: str = Field(max_length=200)
    starts_at: datetime = Field(sa_type=TZ, index=True)
    ends_at: datetime | None = Field(default=None, sa_type=TZ)
    location: str | None = Field(default=None, max_length=200)
    practitioner: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=255)
    status: str = Field(default="planned", max_length=12)  # planned | proposed | cancelled | declined


# --------------------------------------------------------------------------- audit


class AccessEvent(SQLModel, table=True):
    """Who opened or changed what, when, and through which grant. Never holds health data."""

    __tablename__: ClassVar[str] = "access_event"

    id: int = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=TZ, index=True)
    profile_id: int | None = Field(default=None, foreign_key="profile.id", index=True)
    actor_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    actor_label: str | None = Field(default=None, max_length=120)  # for link openers
    action: str = Field(max_length=15)  # a LoggedAction code (mes_app.domain.access_log)
    target_kind: str = Field(max_length=30)  # a TARGET_KINDS code: a section, an entry kind, "document", ...
    target_id: int | None = None
    via: str = Field(max_length=20)  # owner | guardian | care_team | caregiver | share_link | emergency
    grant_id: int | None = None


class SecurityEvent(SQLModel, table=True):
    """The operator's security log: refused attempts by accounts with no relationship to the
    profile (strangers). Codes only — who, what kind of action on what kind of target, when;
    never any health data. The patient's access history shows these only as one grouped line.
    """

    __tablename__: ClassVar[str] = "security_event"
    __table_args__ = (
        sa.Index("ix_security_event_profile_time", "profile_id", "occurred_at"),
        sa.Index("ix_security_event_actor_time", "actor_user_id", "occurred_at"),
    )

    id: int = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=TZ, index=True)
    actor_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    profile_id: int | None = None  # the profile aimed at, if it exists (no foreign key: ids are probed)
    action: str = Field(max_length=15)  # a LoggedAction code: "denied"
    target_kind: str = Field(max_length=30)  # a TARGET_KINDS code
    target_id: int | None = None  # the id that was tried


class AccessLine(SQLModel, table=True):
    """One line of the patient's access history: a run of consecutive identical events (same
    actor, action, target and grant), or of strangers' refusals. Kept up to date when an event
    is recorded, so the history page reads only the lines it shows. Derived from
    ``access_event`` and ``security_event``, which keep every event.
    """

    __tablename__: ClassVar[str] = "access_line"
    __table_args__ = (sa.Index("ix_access_line_profile_time", "profile_id", "last_at", "id"),)

    id: int = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id")
    source: str = Field(max_length=10)  # ledger | strangers
    actor_user_id: int | None = Field(default=None, foreign_key="user_account.id")  # None: link, strangers
    actor_label: str | None = Field(default=None, max_length=120)  # for link openers
    action: str = Field(max_length=15)  # a LoggedAction code
    target_kind: str = Field(max_length=30)  # a TARGET_KINDS code; "" for strangers
    key_target_id: int | None = None  # the target id (None for refusals: grouped whatever the id)
    via: str = Field(max_length=20)  # a LoggedVia code
    grant_id: int | None = None
    count: int = 1
    first_at: datetime = Field(sa_type=TZ)
    last_at: datetime = Field(sa_type=TZ)
    min_target_id: int | None = None  # a refusal's line names a document only if it is always the same
    max_target_id: int | None = None


class NoticeDismissal(SQLModel, table=True):
    """A notice (e.g. "your emergency card was opened by X") one account has dismissed.

    Per account: each guardian of a child dismisses it for themselves. The notice is the
    access event it tells about; dismissing never touches the access history itself."""

    __tablename__: ClassVar[str] = "notice_dismissal"
    __table_args__ = (sa.UniqueConstraint("user_id", "access_event_id", name="uq_notice_dismissal_user_event"),)

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    access_event_id: int = Field(foreign_key="access_event.id")
    dismissed_at: datetime = Field(sa_type=TZ)


# --------------------------------------------------------------------------- lab results (issue 12)


class LabReport(Entry, table=True):
    """A lab report (FHIR DiagnosticReport): when the specimen was taken, when it was issued,
    the lab, and optionally its PDF in the documents section. Its values are LabResult rows;
    hiding the report hides them all."""

    __tablename__: ClassVar[str] = "lab_report"
    __table_args__ = (sa.Index("ix_lab_report_profile_time", "profile_id", "collected_at"),)

    title: str | None = Field(default=None, max_length=200)
    lab_name: str | None = Field(default=None, max_length=200)
    status: str = Field(default="final", max_length=12)  # final | preliminary | amended | corrected
    collected_at: datetime = Field(sa_type=TZ)  # specimen collection (effectiveDateTime)
    issued_at: datetime | None = Field(default=None, sa_type=TZ)  # made available (issued)
    identifier: str | None = Field(default=None, max_length=120)  # the sender's id
    source: str = Field(default="manual", max_length=15)  # manual | professional | import
    document_id: int | None = Field(default=None, foreign_key="document.id", index=True)


class LabResult(SQLModel, table=True):
    """One analyte of a report (FHIR Observation, category laboratory), as the lab gave it:
    its LOINC code and UCUM unit, the value (a number, or a text), the reference range in the
    same unit, and the interpretation (the lab's, or computed: ``interpretation_computed``)."""

    __tablename__: ClassVar[str] = "lab_result"
    # one test's trend: one indexed range scan
    __table_args__ = (sa.Index("ix_lab_result_profile_test_time", "profile_id", "test_key", "collected_at"),)

    id: int = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="lab_report.id", index=True)
    profile_id: int = Field(foreign_key="profile.id")
    position: int = Field(default=0)
    test_key: str = Field(default="", max_length=40)  # the catalogue key ("" outside it)
    loinc_code: str = Field(max_length=20)
    name: str = Field(max_length=200)  # as printed
    value: float | None = None
    value_text: str | None = Field(default=None, max_length=120)
    unit: str = Field(default="", max_length=30)  # UCUM code
    ref_low: float | None = None
    ref_high: float | None = None
    ref_text: str | None = Field(default=None, max_length=60)
    interpretation: str | None = Field(default=None, max_length=2)  # N H L HH LL A
    interpretation_computed: bool = Field(default=False)
    collected_at: datetime = Field(sa_type=TZ)  # the report's, for the trend


# --------------------------------------------------------------------------- take-out archive (issue 13, item 2)


class TakeoutJob(SQLModel, table=True):
    """One take-out archive asked for: a zip of one profile, or of every profile the requester
    may export, built in the background (``services.takeout``) and downloadable only by the
    requester until ``expires_at``. ``heartbeat_at`` moves while the build runs: a job whose
    heartbeat stopped (the server restarted) is failed, never "in progress" forever."""

    __tablename__: ClassVar[str] = "takeout_job"

    id: int = Field(default=None, primary_key=True)
    requested_by_user_id: int = Field(foreign_key="user_account.id", index=True)
    profile_ids: str = Field(max_length=2000)  # "12,15": the profiles asked for, in order
    lang: str = Field(default="fr", max_length=5)  # of the README and the PDF summary
    status: str = Field(default="queued", max_length=10)  # queued | running | ready | failed | expired
    progress: int = 0  # steps done
    total: int = 0  # steps in all (0: not counted yet)
    created_at: datetime = Field(sa_type=TZ)
    heartbeat_at: datetime = Field(sa_type=TZ)
    finished_at: datetime | None = Field(default=None, sa_type=TZ)
    expires_at: datetime | None = Field(default=None, sa_type=TZ)  # set when ready
    file_key: str | None = Field(default=None, max_length=64)  # the zip's random name in the take-out folder
    size_bytes: int | None = None

# --------------------------------------------------------------------------- closing and deleting (issue 13, item 3)


class ClosureNotice(SQLModel, table=True):
    """Tells a guardian, in the app, that a profile they managed was closed by another
    guardian. Holds nothing of the closed profile (no id, no name): only when, so that
    nothing of it remains once it is gone. Deleted when the guardian dismisses it."""

    __tablename__: ClassVar[str] = "closure_notice"

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    closed_at: datetime = Field(sa_type=TZ)

# --------------------------------------------------------------------------- FHIR API (issue 12 item 2)
# Connected software of professionals (SMART Backend Services): registration, assertion
# replay protection, access tokens (stored hashed), and what each software wrote.


class ConnectedSoftware(SQLModel, table=True):
    """A care software a professional connected to their account (public JWKS pasted)."""

    __tablename__: ClassVar[str] = "connected_software"

    id: int = Field(default=None, primary_key=True)
    owner_user_id: int = Field(foreign_key="user_account.id", index=True)  # the professional
    name: str = Field(max_length=80)
    client_id: str = Field(max_length=64, unique=True, index=True)
    jwks: str = Field(sa_type=sa.Text)  # the public JSON Web Key Set, as validated
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    revoked_at: datetime | None = Field(default=None, sa_type=TZ)
    last_used_at: datetime | None = Field(default=None, sa_type=TZ)


class FhirUsedJti(SQLModel, table=True):
    """A client assertion's ``jti`` already seen (replay protection), kept until it expires."""

    __tablename__: ClassVar[str] = "fhir_used_jti"
    __table_args__ = (sa.UniqueConstraint("client_id", "jti", name="uq_fhir_used_jti_client_jti"),)

    id: int = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=64)
    jti: str = Field(max_length=255)
    expires_at: datetime = Field(sa_type=TZ, index=True)


class FhirAccessToken(SQLModel, table=True):
    """An access token given to a connected software: only its SHA-256 is kept."""

    __tablename__: ClassVar[str] = "fhir_access_token"

    id: int = Field(default=None, primary_key=True)
    software_id: int = Field(foreign_key="connected_software.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    scope: str = Field(max_length=1000)
    expires_at: datetime = Field(sa_type=TZ)


class FhirIntake(SQLModel, table=True):
    """One record entry written through the FHIR API: which software, and the sender's
    business identifier (conditional create finds it here)."""

    __tablename__: ClassVar[str] = "fhir_intake"
    __table_args__ = (
        sa.Index("ix_fhir_intake_target", "target_kind", "target_id"),
        sa.Index("ix_fhir_intake_identifier", "profile_id", "resource_type", "identifier_system",
                 "identifier_value"),
    )

    id: int = Field(default=None, primary_key=True)
    software_id: int = Field(foreign_key="connected_software.id", index=True)
    profile_id: int = Field(foreign_key="profile.id")
    resource_type: str = Field(max_length=40)
    identifier_system: str | None = Field(default=None, max_length=255)
    identifier_value: str | None = Field(default=None, max_length=255)
    target_kind: str = Field(max_length=30)  # an entry kind, "measures" or "documents"
    target_id: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)


class RecordImport(SQLModel, table=True):
    """One record entry added by importing a FHIR file (issue 12 item 3): where it comes from
    ("imported from <source>") and the key that makes a second import of the same file add
    nothing."""

    __tablename__: ClassVar[str] = "record_import"
    __table_args__ = (
        sa.Index("ix_record_import_target", "target_kind", "target_id"),
        sa.Index("ix_record_import_key", "profile_id", "dedup_key"),
    )

    id: int = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id")
    resource_type: str = Field(max_length=40)
    dedup_key: str = Field(max_length=255)
    source: str = Field(max_length=120)
    target_kind: str = Field(max_length=30)  # an entry kind, "measures" or "documents"
    target_id: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)

# --------------------------------------------------------------------------- document store in PostgreSQL (issue 14)


class DocumentChunk(SQLModel, table=True):
    """The bytes of the documents when ``MES_DOCUMENT_STORE=postgresql``
    (:mod:`mes_app.storage.postgres`): each file as numbered chunks of at most 1 MiB under its
    random key (``document.storage_key``). Health data: erased with its document through
    ``storage.delete`` (closing sweeps it so)."""

    __tablename__: ClassVar[str] = "document_chunk"
    __table_args__ = (sa.UniqueConstraint("blob_key", "seq"),)

    id: int = Field(default=None, primary_key=True)
    blob_key: str = Field(max_length=80)
    seq: int
    data: bytes = Field(sa_type=sa.LargeBinary)

# --- two-factor sign-in (issue 15, item 3) ---


class RecoveryCode(SQLModel, table=True):
    """A single-use recovery code of the second factor: only its HMAC (keyed with the
    second-factor key, see :mod:`mes_app.services.secret_box`) is stored."""

    __tablename__: ClassVar[str] = "recovery_code"

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    code_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    used_at: datetime | None = Field(default=None, sa_type=TZ)


class LoginChallenge(SQLModel, table=True):
    """Between a right password and the second factor: the SHA-256 of the secret kept in an
    HttpOnly cookie, for one user, a few minutes, a few attempts, used once."""

    __tablename__: ClassVar[str] = "login_challenge"

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    expires_at: datetime = Field(sa_type=TZ)
    failed_count: int = Field(default=0)
    used_at: datetime | None = Field(default=None, sa_type=TZ)


# --- running the service (issue 15) ---


class OperatorAction(SQLModel, table=True):
    """What an operator did, and when: the console's audit log (exported from the console).

    Codes and account ids only, never health data: ``action`` is e.g. ``professional_verify``,
    ``professional_suspend``, ``account_lock``, ``account_end_sessions``, ``operator_add``
    (the command line: ``operator_user_id`` is None then)."""

    __tablename__: ClassVar[str] = "operator_action"

    id: int = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=TZ, index=True)
    operator_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    action: str = Field(max_length=30)
    target_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)


class NotificationPreference(SQLModel, table=True):
    """One account's choice for one kind of notification (a row only when it differs from the
    default: every kind on, immediate)."""

    __tablename__: ClassVar[str] = "notification_preference"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", name="uq_notification_preference_user_kind"),)

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    kind: str = Field(max_length=30)  # document | message | first_access | emergency | appointment | vaccination
    enabled: bool = Field(default=True)
    cadence: str = Field(default="immediate", max_length=10)  # immediate | weekly


class NotificationJob(SQLModel, table=True):
    """An e-mail to send (the outbox, a job queue on the database): written in the same
    transaction as what it tells about, sent in the background with retries.

    ``dedupe_key`` is unique: the same event never queues twice. A worker claims a job by
    setting ``claimed_until`` (a lease); ``sent_at`` is set once the SMTP server accepted the
    mail. Holds no health data: the mail only says that something is new, with a link."""

    __tablename__: ClassVar[str] = "notification_job"
    __table_args__ = (sa.Index("ix_notification_job_pending", "sent_at", "due_at"),)

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    # The profile the event is about: closing that profile erases the mails still to send.
    profile_id: int | None = Field(default=None, foreign_key="profile.id", index=True)
    kind: str = Field(max_length=30)
    dedupe_key: str = Field(max_length=120, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZ)
    due_at: datetime = Field(sa_type=TZ)  # immediate: now; weekly: the next digest time
    attempts: int = Field(default=0)
    claimed_until: datetime | None = Field(default=None, sa_type=TZ)
    sent_at: datetime | None = Field(default=None, sa_type=TZ)
    digest_key: str | None = Field(default=None, max_length=60)  # weekly: jobs sent as one mail
