"""What the actor may do on each section of a profile: the flags pages are drawn from.

A page must not guess from a role string ("caregiver", "professional") what to show: it asks
this service, which asks the access policy (:func:`mes_app.domain.access.decide`) about each
section of the profile. A section the actor may not read is *not shared* with them (the page
says so instead of "not found" over "nothing recorded"); ``can_add`` says whether an add
button makes sense; ``manages`` whether the sharing pages (care team, caregivers, who can
see, share links, emergency card) are theirs.

Nothing is read from the record itself, so nothing is recorded in the access history.
Strangers get *not found*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, Via, decide, relationship_to
from mes_app.domain.errors import NotFound
from mes_app.domain.fhir_export import export_scope
from mes_app.services import majority, minors
from mes_app.services.access_facts import load_facts_of, load_profile_facts

# Sections a page reads; PROFILE (identity) is always readable by whoever opens the profile.
RECORD_SECTIONS: tuple[Section, ...] = tuple(s for s in Section if s is not Section.PROFILE)


@dataclass(frozen=True)
class SectionAccess:
    section: str
    shared: bool  # the actor may read it
    can_add: bool  # the actor may add an entry to it


@dataclass(frozen=True)
class Capabilities:
    profile_id: int
    relationship: str  # owner | guardian | care_team | caregiver
    own_record: bool  # the actor's own profile ("Mon dossier"); otherwise "<name>'s record"
    manages: bool  # sharing, hiding, care team, caregivers, links: the patient or a guardian
    can_start_thread: bool  # may open a new message thread (professionals in the care team)
    sections: tuple[SectionAccess, ...]
    can_export: bool = False  # may download the record as FHIR (domain.fhir_export.export_scope)
    # teen: may keep what they add from the legal representatives (a minor's care team), and may
    # invite the young adult to take the profile (a guardian, from the 18th birthday)
    can_hide_from_guardians: bool = False
    can_hand_over: bool = False

    def access(self, section: Section | str) -> SectionAccess:
        wanted = Section(section).value
        return next(s for s in self.sections if s.section == wanted)

    def shared(self, section: Section | str) -> bool:
        return self.access(section).shared

    @property
    def shared_sections(self) -> tuple[str, ...]:
        return tuple(s.section for s in self.sections if s.shared)

    @property
    def addable_sections(self) -> tuple[str, ...]:
        return tuple(s.section for s in self.sections if s.can_add)

    @property
    def shares_everything(self) -> bool:
        return all(s.shared for s in self.sections)


def capabilities(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> Capabilities:
    """The actor's capability flags on every section of the profile, or NotFound."""
    pid = v.parse_id(profile_id)
    facts = load_profile_facts(session, pid)
    if facts is None:
        raise NotFound()
    via = relationship_to(actor, facts, now)
    if via is None:
        raise NotFound()

    def allowed(action: Action, section: Section) -> bool:
        return decide(actor, action, facts, Target(section), now).allowed

    sections = tuple(
        SectionAccess(section.value, allowed(Action.READ, section), allowed(Action.CREATE, section))
        for section in RECORD_SECTIONS
    )
    return Capabilities(
        profile_id=pid,
        relationship=via.value,
        own_record=via is Via.OWNER,
        manages=allowed(Action.MANAGE, Section.PROFILE),
        can_start_thread=allowed(Action.START_THREAD, Section.MESSAGES),
        sections=sections,
        can_export=export_scope(actor, facts, now) is not None,
        can_hide_from_guardians=minors.may_mark_new(session, actor, pid, Section.CONDITIONS, now=now),
        can_hand_over=majority.can_invite(session, actor, pid, now=now),
    )


def profiles_allowing(session: Session, actor: UserActor, profile_ids: list[int], action: Action, section: Section,
                      *, now: datetime) -> list[int]:
    """Those of ``profile_ids`` (in their order) on which the policy allows ``action`` on
    ``section``: the profiles a professional may write to, those an appointment can be added
    to. The facts come from the session's cache when the switcher's profiles were just read."""
    facts = load_facts_of(session, profile_ids)
    return [pid for pid in profile_ids
            if (f := facts.get(pid)) is not None and decide(actor, action, f, Target(section), now).allowed]
