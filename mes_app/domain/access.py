"""The access policy: can this actor do this action on this target, now?

Pure Python: no Reflex, no database, no clock. The services load the facts (who owns the
profile, its guardians, care relationships, caregiver grants, the share link, the target's
provenance and per-document switches), pass the time, and call ``decide`` or ``require``.

Outcomes
    ``visible=False``                 -> *not found*: the actor must not learn the thing exists.
    ``visible=True, allowed=False``   -> *forbidden*: they see it but may not do this.
    ``visible=True, allowed=True``    -> go ahead; ``via``/``grant_id`` say through which grant
                                         (for the access history).

Relationships (the strongest active one wins: owner > guardian > care team > caregiver;
a share link is its own kind of actor)

Owner (``profile.owner_user_id``) and guardian (``user_id in guardian_user_ids``)
    Everything on every section (READ, CREATE, UPDATE, DELETE, MANAGE), hidden entries and
    switched-off documents included, except:
    - UPDATE/DELETE of an entry whose ``author_role`` is ``professional`` is forbidden:
      professional entries are read-only to the patient (MANAGE, e.g. hiding it, stays allowed);
    - START_THREAD is forbidden (as in Mon Espace Santé, only professionals start threads);
      REPLY is allowed on MESSAGES.

Professional (role ``professional``) with an active care relationship
    (``status == "active"``, ``starts_at <= now``, ``ends_at`` unset or in the future)
    -> ``Via.CARE_TEAM``, ``grant_id`` = the relationship id.
    - READ every section; CREATE on every section except PROFILE;
      START_THREAD and REPLY on MESSAGES;
    - UPDATE/DELETE only entries they authored (``author_user_id == user_id``), never PROFILE;
    - MANAGE never.
    - An entry hidden from professionals, or a document whose switch
      ``("professional", user_id)`` is off, is *not found* for every action. Without a switch
      a document is visible (the DMP default).
    - A blocked, removed, ended or not-yet-started relationship gives nothing; nor does one
      whose professional is not verified by an operator (applied, refused, suspended).

Caregiver grant (any role; not revoked, started, not ended) -> ``Via.CAREGIVER``
    Read-only and scoped: READ on sections in the grant's scope; any other action on an
    in-scope target is forbidden; a section outside the scope is *not found*. A document is
    visible only when DOCUMENTS is in scope *and* its switch ``("caregiver", user_id)`` is
    explicitly on (documents are switched on one by one). Hiding from professionals does not
    concern caregivers. With several active grants, the lowest-id grant covering the target
    is the one reported.

Share link (``LinkActor``) -> ``Via.SHARE_LINK``, ``grant_id`` = the link id
    Only for its own profile, while ``link_status`` is ``active``, and when it has no
    passcode or the passcode was given: READ on in-scope sections; a document only when its
    switch ``("share_link", link_id)`` is explicitly on. Anything else is *not found*.

Everyone else (no actor, no relationship) -> *not found*.

Invisible to legal representatives (``Target.hidden_from_guardians``; CSP L.1111-5, L.1111-5-1,
R.1111-50; the DMP's ``INVISIBLE_REPRESENTANTS_LEGAUX``; see docs/minors.md)
    An entry or document a professional kept secret at a minor's request is *not found* for
    every action of a guardian, a caregiver and a share link (emergency card included): the
    legal representatives, and whoever they appointed, must not learn it exists. The owner
    (the young person once the profile is theirs, :mod:`mes_app.domain.majority`) and the care
    team (the marking professional and their colleagues, under shared medical secrecy) are
    unaffected. Who may set the mark: :func:`may_mark_hidden_from_guardians`.

Choices beyond the brief (fail closed, one meaning per action)
    - START_THREAD and REPLY only make sense on MESSAGES: elsewhere they are forbidden.
    - CREATE on MESSAGES is forbidden for everyone: messages are created through
      START_THREAD/REPLY only, so "only professionals start threads" cannot be bypassed.
    - A revocation takes effect as soon as ``revoked_at`` is set, whatever its value.
    - Link status precedence: revoked > expired > locked > active. "Locked" needs a passcode
      and ``failed_passcode_count >= max_passcode_attempts``.
    - Every datetime (``now`` and the facts') must be timezone-aware (``ValueError``),
      sections are coerced to ``Section`` and unknown names, actions and roles are refused:
      a typo such as ``author_role="Professional"`` would otherwise open an edit.
    - "Strongest wins" is literal: a professional in the care team who also holds a caregiver
      grant is judged as care team (an entry hidden from professionals stays not found).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from mes_app.domain.errors import Forbidden, NotFound


class Action(StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    MANAGE = "manage"
    START_THREAD = "start_thread"
    REPLY = "reply"


class Section(StrEnum):
    PROFILE = "profile"
    HISTORY = "history"
    CONDITIONS = "conditions"
    TREATMENTS = "treatments"
    HOSPITALISATIONS = "hospitalisations"
    RISK_FACTORS = "risk_factors"
    VACCINATIONS = "vaccinations"
    MEASURES = "measures"
    DOCUMENTS = "documents"
    MESSAGES = "messages"
    APPOINTMENTS = "appointments"
    # --- lab results (issue 12) ---
    LAB_RESULTS = "lab_results"


class Via(StrEnum):
    OWNER = "owner"
    GUARDIAN = "guardian"
    CARE_TEAM = "care_team"
    CAREGIVER = "caregiver"
    SHARE_LINK = "share_link"


ALL_SECTIONS: frozenset[Section] = frozenset(Section)
# An operator (issue 15) runs the service: no relation to any profile, so the policy below grants
# them nothing on any record (tests/domain/test_access.py has their rows in the matrix).
USER_ROLES = frozenset({"patient", "professional", "operator"})
AUTHOR_ROLES = frozenset({"patient", "guardian", "professional", "device", "system"})
GRANTEE_KINDS = frozenset({"professional", "caregiver", "share_link"})
LINK_STATUSES = ("active", "expired", "revoked", "locked")

_THREAD_ACTIONS = frozenset({Action.START_THREAD, Action.REPLY})
_EDIT_ACTIONS = frozenset({Action.UPDATE, Action.DELETE})


# --------------------------------------------------------------------------- validation helpers


def _check_aware(value: datetime | None, name: str) -> None:
    """Refuse naive datetimes: comparing local and UTC times silently shifts every grant."""
    if value is None:
        return
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _coerce_sections(values: Iterable[str]) -> frozenset[Section]:
    if isinstance(values, str):  # "conditions,documents" would iterate characters
        raise TypeError("sections must be a collection of section names; use parse_sections()")
    return frozenset(Section(value) for value in values)


def parse_sections(text: str) -> frozenset[Section]:
    """Sections from their stored comma-separated form (``"conditions,documents"``)."""
    return frozenset(Section(part.strip()) for part in text.split(",") if part.strip())


def format_sections(sections: Iterable[Section | str]) -> str:
    """The stored comma-separated form, in a stable (declaration) order."""
    wanted = _coerce_sections(sections)
    return ",".join(section.value for section in Section if section in wanted)


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class UserActor:
    user_id: int
    role: str  # "patient" | "professional" | "operator"

    def __post_init__(self) -> None:
        if self.role not in USER_ROLES:
            raise ValueError("unknown user role")


@dataclass(frozen=True)
class AccountAbilities:
    """What an account can do whatever profile is shown. Pages ask these, never the role."""

    keeps_a_family_record: bool  # a patient: their own record, children's profiles they add
    follows_patients: bool  # a professional: the patients list, a calendar per patient, starting threads
    runs_the_service: bool = False  # an operator: the operator console, and no record at all


def account_abilities(actor: UserActor) -> AccountAbilities:
    return AccountAbilities(
        keeps_a_family_record=actor.role == "patient",
        follows_patients=actor.role == "professional",
        runs_the_service=actor.role == "operator",
    )


Landing = Literal["security", "console", "home"]


def landing(role: str, *, must_enrol: bool) -> Landing:
    """Where an account starts after signing in: the security page while a required second
    factor is missing, the operator console for someone who runs the service (they have no
    record to show), the home page for everyone else."""
    if must_enrol:
        return "security"
    return "console" if account_abilities(UserActor(0, role)).runs_the_service else "home"


@dataclass(frozen=True)
class CareFacts:
    id: int
    professional_user_id: int
    status: str  # active | blocked | removed (anything but "active" gives nothing)
    starts_at: datetime
    ends_at: datetime | None
    # The professional's account is verified by an operator (issue 15 item 1): an applicant,
    # a refused or a suspended professional gets nothing, like a blocked relationship.
    professional_verified: bool = True

    def __post_init__(self) -> None:
        _check_aware(self.starts_at, "CareFacts.starts_at")
        _check_aware(self.ends_at, "CareFacts.ends_at")


@dataclass(frozen=True)
class CaregiverFacts:
    id: int
    grantee_user_id: int
    sections: frozenset[Section]
    starts_at: datetime
    ends_at: datetime | None
    revoked_at: datetime | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", _coerce_sections(self.sections))
        _check_aware(self.starts_at, "CaregiverFacts.starts_at")
        _check_aware(self.ends_at, "CaregiverFacts.ends_at")
        _check_aware(self.revoked_at, "CaregiverFacts.revoked_at")


@dataclass(frozen=True)
class ShareLinkFacts:
    id: int
    profile_id: int
    sections: frozenset[Section]
    expires_at: datetime
    revoked_at: datetime | None
    has_passcode: bool
    failed_passcode_count: int
    max_passcode_attempts: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", _coerce_sections(self.sections))
        _check_aware(self.expires_at, "ShareLinkFacts.expires_at")
        _check_aware(self.revoked_at, "ShareLinkFacts.revoked_at")


@dataclass(frozen=True)
class LinkActor:
    link: ShareLinkFacts
    passcode_ok: bool  # the visitor gave the right passcode in this session


@dataclass(frozen=True)
class ProfileFacts:
    profile_id: int
    owner_user_id: int | None  # None for a child profile managed by guardians
    guardian_user_ids: frozenset[int]  # active guardians only
    care: tuple[CareFacts, ...] = ()
    caregivers: tuple[CaregiverFacts, ...] = ()
    # teen: whose record it is, for the rules of minors (None when the loader did not read it)
    birth_date: date | None = None
    kind: str | None = None  # self | child | relative

    def __post_init__(self) -> None:
        object.__setattr__(self, "guardian_user_ids", frozenset(self.guardian_user_ids))
        object.__setattr__(self, "care", tuple(self.care))
        object.__setattr__(self, "caregivers", tuple(self.caregivers))


@dataclass(frozen=True)
class Target:
    section: Section
    author_user_id: int | None = None  # who added the entry (None: a new entry / the section)
    author_role: str | None = None  # patient | guardian | professional | device | system
    hidden_from_professionals: bool = False
    document_id: int | None = None
    # teen: invisible to legal representatives (and to whoever they appointed); see the docstring
    hidden_from_guardians: bool = False
    # (grantee_kind, grantee_id) -> allowed; grantee_kind in GRANTEE_KINDS; grantee_id is the
    # user id (professional, caregiver) or the share link id.
    document_switches: Mapping[tuple[str, int], bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "section", Section(self.section))
        object.__setattr__(self, "document_switches", MappingProxyType(dict(self.document_switches)))
        if self.author_role is not None and self.author_role not in AUTHOR_ROLES:
            raise ValueError("unknown author role")
        if any(kind not in GRANTEE_KINDS for kind, _ in self.document_switches):
            raise ValueError("unknown grantee kind in document switches")

    @property
    def is_document(self) -> bool:
        return self.document_id is not None

    def switch_for(self, grantee_kind: str, grantee_id: int) -> bool | None:
        """The per-document switch for a grantee: True/False, or None when never set."""
        value = self.document_switches.get((grantee_kind, grantee_id))
        return None if value is None else bool(value)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    visible: bool
    via: Via | None = None
    grant_id: int | None = None

    def __post_init__(self) -> None:
        if self.allowed and not self.visible:
            raise ValueError("an allowed decision must be visible")


NOT_FOUND = Decision(allowed=False, visible=False)

Actor = UserActor | LinkActor | None


# --------------------------------------------------------------------------- grants in time


def _care_is_active(care: CareFacts, now: datetime) -> bool:
    return care.status == "active" and care.professional_verified and _within(care.starts_at, care.ends_at, now)


def _caregiver_grant_is_active(grant: CaregiverFacts, now: datetime) -> bool:
    return grant.revoked_at is None and _within(grant.starts_at, grant.ends_at, now)


def _within(starts_at: datetime, ends_at: datetime | None, now: datetime) -> bool:
    """Half-open period: active from ``starts_at`` included to ``ends_at`` excluded."""
    return starts_at <= now and (ends_at is None or now < ends_at)


def link_status(link: ShareLinkFacts, now: datetime) -> str:
    """``active`` | ``expired`` | ``revoked`` | ``locked``.

    Precedence: revoked > expired > locked, so a visitor is told about the owner's deliberate
    act first, then the permanent end, and only then the (passcode) lock-out."""
    _check_aware(now, "now")
    if link.revoked_at is not None:
        return "revoked"
    if now >= link.expires_at:
        return "expired"
    if link.has_passcode and link.failed_passcode_count >= link.max_passcode_attempts:
        return "locked"
    return "active"


def _active_care(actor: UserActor, profile: ProfileFacts, now: datetime) -> CareFacts | None:
    if actor.role != "professional":
        return None
    mine = [c for c in profile.care if c.professional_user_id == actor.user_id and _care_is_active(c, now)]
    return min(mine, key=lambda c: c.id, default=None)


def _active_caregiver_grants(actor: UserActor, profile: ProfileFacts, now: datetime) -> list[CaregiverFacts]:
    mine = [
        g for g in profile.caregivers if g.grantee_user_id == actor.user_id and _caregiver_grant_is_active(g, now)
    ]
    return sorted(mine, key=lambda g: g.id)


def _link_opens_profile(actor: LinkActor, profile: ProfileFacts, now: datetime) -> bool:
    link = actor.link
    return (
        link.profile_id == profile.profile_id
        and link_status(link, now) == "active"
        and (not link.has_passcode or actor.passcode_ok)
    )


# --------------------------------------------------------------------------- relationship & navigation


def relationship_to(actor: UserActor, profile: ProfileFacts, now: datetime) -> Via | None:
    """The strongest active relationship of a user to a profile, or None."""
    _check_aware(now, "now")
    if profile.owner_user_id is not None and profile.owner_user_id == actor.user_id:
        return Via.OWNER
    if actor.user_id in profile.guardian_user_ids:
        return Via.GUARDIAN
    if _active_care(actor, profile, now) is not None:
        return Via.CARE_TEAM
    if _active_caregiver_grants(actor, profile, now):
        return Via.CAREGIVER
    return None


def readable_sections(actor: Actor, profile: ProfileFacts, now: datetime) -> frozenset[Section]:
    """The sections the actor may read at all (entries inside may still be hidden)."""
    _check_aware(now, "now")
    if actor is None:
        return frozenset()
    if isinstance(actor, LinkActor):
        return actor.link.sections if _link_opens_profile(actor, profile, now) else frozenset()
    via = relationship_to(actor, profile, now)
    if via in (Via.OWNER, Via.GUARDIAN, Via.CARE_TEAM):
        return ALL_SECTIONS
    if via is Via.CAREGIVER:
        return frozenset().union(*(g.sections for g in _active_caregiver_grants(actor, profile, now)))
    return frozenset()


# --------------------------------------------------------------------------- decisions


def decide(actor: Actor, action: Action, profile: ProfileFacts, target: Target, now: datetime) -> Decision:
    """Can ``actor`` do ``action`` on ``target`` of ``profile`` at ``now``?"""
    _check_aware(now, "now")
    action = Action(action)
    if actor is None:
        return NOT_FOUND
    if isinstance(actor, LinkActor):
        return _decide_for_link(actor, action, profile, target, now)
    if isinstance(actor, UserActor):
        return _decide_for_user(actor, action, profile, target, now)
    raise TypeError("actor must be a UserActor, a LinkActor or None")


def require(actor: Actor, action: Action, profile: ProfileFacts, target: Target, now: datetime) -> Decision:
    """Like ``decide``, but raises ``NotFound`` (not visible) or ``Forbidden`` (not allowed)."""
    decision = decide(actor, action, profile, target, now)
    if not decision.visible:
        raise NotFound()
    if not decision.allowed:
        raise Forbidden()
    return decision


def _decide_for_user(
    actor: UserActor, action: Action, profile: ProfileFacts, target: Target, now: datetime
) -> Decision:
    """Checked in the order of ``relationship_to``: the strongest relationship decides alone."""
    via = relationship_to(actor, profile, now)
    if via is Via.GUARDIAN and target.hidden_from_guardians:
        return NOT_FOUND
    if via in (Via.OWNER, Via.GUARDIAN):
        return Decision(allowed=_household_may(action, target), visible=True, via=via)
    care = _active_care(actor, profile, now)
    if care is not None:
        return _decide_for_care_team(actor, care, action, target)
    grants = _active_caregiver_grants(actor, profile, now)
    if grants:
        return _decide_for_caregiver(actor, grants, action, target)
    return NOT_FOUND


def _household_may(action: Action, target: Target) -> bool:
    """Owner and guardians: everything, but professional entries stay read-only and only
    professionals start threads."""
    if action in _THREAD_ACTIONS:
        return action is Action.REPLY and target.section is Section.MESSAGES
    if action is Action.CREATE and target.section is Section.MESSAGES:
        return False
    return not (action in _EDIT_ACTIONS and target.author_role == "professional")


def _decide_for_care_team(actor: UserActor, care: CareFacts, action: Action, target: Target) -> Decision:
    if target.hidden_from_professionals:
        return NOT_FOUND
    if target.is_document and target.switch_for("professional", actor.user_id) is False:
        return NOT_FOUND
    return Decision(
        allowed=_care_team_may(actor, action, target), visible=True, via=Via.CARE_TEAM, grant_id=care.id
    )


def _care_team_may(actor: UserActor, action: Action, target: Target) -> bool:
    if action is Action.READ:
        return True
    if action in _THREAD_ACTIONS:
        return target.section is Section.MESSAGES
    if action is Action.CREATE:
        return target.section not in (Section.PROFILE, Section.MESSAGES)
    if action in _EDIT_ACTIONS:
        return target.section is not Section.PROFILE and target.author_user_id == actor.user_id
    return False  # MANAGE: sharing and hiding belong to the patient


def _scope_covers(sections: frozenset[Section], target: Target) -> bool:
    if target.section not in sections:
        return False
    return not target.is_document or Section.DOCUMENTS in sections


def _decide_for_caregiver(
    actor: UserActor, grants: list[CaregiverFacts], action: Action, target: Target
) -> Decision:
    grant = next((g for g in grants if _scope_covers(g.sections, target)), None)
    if grant is None or target.hidden_from_guardians:
        return NOT_FOUND
    if target.is_document and target.switch_for("caregiver", actor.user_id) is not True:
        return NOT_FOUND
    return Decision(allowed=action is Action.READ, visible=True, via=Via.CAREGIVER, grant_id=grant.id)


def _decide_for_link(
    actor: LinkActor, action: Action, profile: ProfileFacts, target: Target, now: datetime
) -> Decision:
    """A link holder is anonymous: whatever it may not read does not exist for it."""
    link = actor.link
    if not _link_opens_profile(actor, profile, now) or action is not Action.READ:
        return NOT_FOUND
    if not _scope_covers(link.sections, target) or target.hidden_from_guardians:
        return NOT_FOUND
    if target.is_document and target.switch_for("share_link", link.id) is not True:
        return NOT_FOUND
    return Decision(allowed=True, visible=True, via=Via.SHARE_LINK, grant_id=link.id)


# --------------------------------------------------------------------------- closing and deleting (issue 13, item 3)


def closing_decision(actor: UserActor, profile: ProfileFacts, now: datetime) -> Decision:
    """May ``actor`` close ``profile`` (erase it with everything it holds)?

    - Any guardian of the profile (a parent for a child): yes, alone; the other guardians are
      told afterwards (``services.closing``). Asking all of them first would let one parent
      keep a record the other wants gone for ever, and a child's record is the guardians'.
    - Its owner: yes — but their own record goes only with their account
      (``services.closing.delete_account``): a person without a record has no use of MES.
    - A professional in the care team or a caregiver: *forbidden* (they know the record
      exists, but closing belongs to the family).
    - Anyone else: *not found*.
    """
    via = relationship_to(actor, profile, now)
    if via is None:
        return NOT_FOUND
    return Decision(allowed=via in (Via.OWNER, Via.GUARDIAN), visible=True, via=via)


def may_delete_account(actor: UserActor) -> bool:
    """An account keeping a family record may delete itself. A professional's account may not
    (here): what they wrote sits in their patients' records, which must keep it; an operator
    closes such accounts."""
    return account_abilities(actor).keeps_a_family_record

# --------------------------------------------------------------------------- teen: minors' secrecy

MAJORITY_AGE = 18


def age_on(birth_date: date, today: date) -> int:
    """Full years on ``today`` (someone born on 29 February turns a year older on 1 March)."""
    years = today.year - birth_date.year
    return years - ((today.month, today.day) < (birth_date.month, birth_date.day))


def is_minor(birth_date: date, today: date) -> bool:
    return age_on(birth_date, today) < MAJORITY_AGE


def may_mark_hidden_from_guardians(actor: Actor, profile: ProfileFacts, target: Target, *, minor: bool,
                                   now: datetime) -> bool:
    """May ``actor`` set or clear "invisible to legal representatives" on ``target``?

    Only a professional of the minor's care team, on an entry they add or authored (L.1111-5:
    the doctor, midwife or nurse decides, at the minor's express request). Not on an adult's
    profile, not the guardians (it is kept from them), not the minor themselves (a minor has no
    account of their own in MES; see docs/minors.md). Once the profile is the young person's
    own (after the hand-over), the owner may clear it: it is theirs."""
    _check_aware(now, "now")
    if not isinstance(actor, UserActor) or target.section in (Section.PROFILE, Section.MESSAGES):
        return False
    via = relationship_to(actor, profile, now)
    if via is Via.OWNER:
        return not minor and target.hidden_from_guardians  # clearing only
    if via is not Via.CARE_TEAM or not minor:
        return False
    decision = decide(actor, Action.UPDATE if target.author_user_id is not None else Action.CREATE,
                      profile, target, now)
    return decision.allowed


def entry_target(section: Section | str, row: object, *, document_id: int | None = None,
                 document_switches: Mapping[tuple[str, int], bool] | None = None) -> Target:
    """The policy's target for a stored entry or document (any object with the entry columns
    ``author_user_id``, ``author_role``, ``hidden_from_professionals``, ``hidden_from_guardians``):
    one place that reads an entry's marks, so every read path judges them all."""
    return Target(
        Section(section),
        author_user_id=getattr(row, "author_user_id", None),
        author_role=getattr(row, "author_role", None),
        hidden_from_professionals=bool(getattr(row, "hidden_from_professionals", False)),
        hidden_from_guardians=bool(getattr(row, "hidden_from_guardians", False)),
        document_id=document_id,
        document_switches=document_switches or {},
    )
