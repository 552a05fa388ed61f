"""The access policy as a matrix: every persona x every kind of target x every action.

Outcome codes in the matrix: A = allowed, F = forbidden (visible, not allowed),
N = not found (not visible). Columns follow ``ACTIONS``.
"""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta, timezone

import pytest

from mes_app.domain.access import (
    ALL_SECTIONS,
    Action,
    CareFacts,
    CaregiverFacts,
    Decision,
    LinkActor,
    ProfileFacts,
    Section,
    ShareLinkFacts,
    Target,
    UserActor,
    Via,
    decide,
    format_sections,
    link_status,
    parse_sections,
    readable_sections,
    relationship_to,
    require,
)
from mes_app.domain.errors import Forbidden, NotFound, ValidationError

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
TICK = timedelta(microseconds=1)

PROFILE_ID = 100
OTHER_PROFILE_ID = 200

OWNER_ID = 1
GUARDIAN_ID = 2
CO_GUARDIAN_ID = 3
PRO_ID = 10
PRO_WITHOUT_CARE_ID = 11
PRO_BLOCKED_ID = 12
PRO_EXPIRED_ID = 13
OTHER_PRO_ID = 14  # authored some entries; not a persona
PRO_COLLEAGUE_ID = 15  # teen: another professional of the care team (not the one who marked)
CAREGIVER_ID = 20
CAREGIVER_REVOKED_ID = 21
CAREGIVER_EXPIRED_ID = 22
STRANGER_ID = 99

CARE_ID = 300
CAREGIVER_GRANT_ID = 400

LINK_ACTIVE_ID = 501
LINK_EXPIRED_ID = 502
LINK_REVOKED_ID = 503
LINK_LOCKED_ID = 504
LINK_PASSCODE_ID = 505
LINK_EMERGENCY_ID = 506
ALL_LINK_IDS = (LINK_ACTIVE_ID, LINK_EXPIRED_ID, LINK_REVOKED_ID, LINK_LOCKED_ID, LINK_PASSCODE_ID, LINK_EMERGENCY_ID)

CAREGIVER_SCOPE = frozenset({Section.PROFILE, Section.CONDITIONS, Section.DOCUMENTS})
LINK_SCOPE = frozenset({Section.CONDITIONS, Section.DOCUMENTS})


# --------------------------------------------------------------------------- facts factories


def care(professional_user_id: int, *, id: int = CARE_ID, status: str = "active",
         starts_at: datetime = NOW - 30 * DAY, ends_at: datetime | None = None) -> CareFacts:
    return CareFacts(id=id, professional_user_id=professional_user_id, status=status,
                     starts_at=starts_at, ends_at=ends_at)


def caregiver_grant(grantee_user_id: int, *, id: int = CAREGIVER_GRANT_ID,
                    sections: frozenset[Section] = CAREGIVER_SCOPE, starts_at: datetime = NOW - 30 * DAY,
                    ends_at: datetime | None = None, revoked_at: datetime | None = None) -> CaregiverFacts:
    return CaregiverFacts(id=id, grantee_user_id=grantee_user_id, sections=sections,
                          starts_at=starts_at, ends_at=ends_at, revoked_at=revoked_at)


def share_link(*, id: int = LINK_ACTIVE_ID, profile_id: int = PROFILE_ID,
               sections: frozenset[Section] = LINK_SCOPE, expires_at: datetime = NOW + 7 * DAY,
               revoked_at: datetime | None = None, has_passcode: bool = False,
               failed_passcode_count: int = 0, max_passcode_attempts: int = 5) -> ShareLinkFacts:
    return ShareLinkFacts(id=id, profile_id=profile_id, sections=sections, expires_at=expires_at,
                          revoked_at=revoked_at, has_passcode=has_passcode,
                          failed_passcode_count=failed_passcode_count,
                          max_passcode_attempts=max_passcode_attempts)


def the_profile(**changes) -> ProfileFacts:
    """A teenager's profile: their own account, two parents, a care team, caregivers."""
    facts = dict(
        profile_id=PROFILE_ID,
        owner_user_id=OWNER_ID,
        guardian_user_ids=frozenset({GUARDIAN_ID, CO_GUARDIAN_ID}),
        care=(
            care(PRO_ID, id=CARE_ID),
            care(PRO_BLOCKED_ID, id=301, status="blocked"),
            care(PRO_EXPIRED_ID, id=302, starts_at=NOW - 60 * DAY, ends_at=NOW - DAY),
            care(STRANGER_ID, id=303),  # a patient account cannot be in the care team
            care(PRO_COLLEAGUE_ID, id=304),
        ),
        caregivers=(
            caregiver_grant(CAREGIVER_ID, id=CAREGIVER_GRANT_ID),
            caregiver_grant(CAREGIVER_REVOKED_ID, id=401, revoked_at=NOW - DAY),
            caregiver_grant(CAREGIVER_EXPIRED_ID, id=402, ends_at=NOW - DAY),
        ),
    )
    facts.update(changes)
    return ProfileFacts(**facts)


PROFILE = the_profile()


# --------------------------------------------------------------------------- personas


def owner() -> UserActor:
    return UserActor(OWNER_ID, "patient")


def guardian() -> UserActor:
    return UserActor(GUARDIAN_ID, "patient")


def co_guardian() -> UserActor:
    return UserActor(CO_GUARDIAN_ID, "patient")


def professional_with_care() -> UserActor:
    return UserActor(PRO_ID, "professional")


def professional_without_care() -> UserActor:
    return UserActor(PRO_WITHOUT_CARE_ID, "professional")


def professional_blocked() -> UserActor:
    return UserActor(PRO_BLOCKED_ID, "professional")


def professional_expired() -> UserActor:
    return UserActor(PRO_EXPIRED_ID, "professional")


def caregiver_in_scope() -> UserActor:
    return UserActor(CAREGIVER_ID, "patient")


def caregiver_revoked() -> UserActor:
    return UserActor(CAREGIVER_REVOKED_ID, "patient")


def caregiver_expired() -> UserActor:
    return UserActor(CAREGIVER_EXPIRED_ID, "patient")


def link_active() -> LinkActor:
    return LinkActor(share_link(id=LINK_ACTIVE_ID), passcode_ok=False)


def link_expired() -> LinkActor:
    return LinkActor(share_link(id=LINK_EXPIRED_ID, expires_at=NOW - DAY), passcode_ok=False)


def link_revoked() -> LinkActor:
    return LinkActor(share_link(id=LINK_REVOKED_ID, revoked_at=NOW - DAY), passcode_ok=False)


def link_locked() -> LinkActor:
    """Too many wrong passcodes: even the right one no longer opens it."""
    link = share_link(id=LINK_LOCKED_ID, has_passcode=True, failed_passcode_count=5, max_passcode_attempts=5)
    return LinkActor(link, passcode_ok=True)


def link_wrong_passcode() -> LinkActor:
    link = share_link(id=LINK_PASSCODE_ID, has_passcode=True, failed_passcode_count=1)
    return LinkActor(link, passcode_ok=False)


def professional_colleague() -> UserActor:
    """teen: in the care team, but not the professional who marked the confidential entries."""
    return UserActor(PRO_COLLEAGUE_ID, "professional")


def link_emergency() -> LinkActor:
    """teen: the emergency card's link (a share link of the card's sections, no passcode)."""
    sections = frozenset({Section.RISK_FACTORS, Section.CONDITIONS, Section.TREATMENTS})
    return LinkActor(share_link(id=LINK_EMERGENCY_ID, sections=sections), passcode_ok=False)


def stranger() -> UserActor:
    """A patient account with no relationship (its care relationship row is ignored)."""
    return UserActor(STRANGER_ID, "patient")


def anonymous() -> None:
    return None


PERSONAS = {
    f.__name__: f
    for f in (owner, guardian, co_guardian, professional_with_care, professional_without_care,
              professional_blocked, professional_expired, caregiver_in_scope, caregiver_revoked,
              caregiver_expired, link_active, link_expired, link_revoked, link_locked,
              link_wrong_passcode, professional_colleague, link_emergency, stranger, anonymous)
}


# --------------------------------------------------------------------------- target kinds


def _switches(allowed: bool) -> dict[tuple[str, int], bool]:
    """The same switch position for every grantee of the fixture."""
    switches = {("professional", PRO_ID): allowed, ("caregiver", CAREGIVER_ID): allowed}
    switches.update({("share_link", link_id): allowed for link_id in ALL_LINK_IDS})
    return switches


TARGETS = {
    "ordinary_entry": Target(Section.CONDITIONS, author_user_id=OWNER_ID, author_role="patient"),
    "professional_entry": Target(Section.CONDITIONS, author_user_id=OTHER_PRO_ID, author_role="professional"),
    "own_entry_of_professional": Target(Section.CONDITIONS, author_user_id=PRO_ID, author_role="professional"),
    "hidden_entry": Target(Section.CONDITIONS, author_user_id=OWNER_ID, author_role="patient",
                           hidden_from_professionals=True),
    "document_default": Target(Section.DOCUMENTS, author_user_id=OWNER_ID, author_role="patient", document_id=7),
    "document_switched_off": Target(Section.DOCUMENTS, author_user_id=OWNER_ID, author_role="patient",
                                    document_id=7, document_switches=_switches(False)),
    "document_switched_on": Target(Section.DOCUMENTS, author_user_id=OWNER_ID, author_role="patient",
                                   document_id=7, document_switches=_switches(True)),
    "out_of_scope_section": Target(Section.TREATMENTS, author_user_id=OWNER_ID, author_role="patient"),
    "profile_section": Target(Section.PROFILE),
    "messages_section": Target(Section.MESSAGES),
    # teen: kept from the legal representatives by the professional who added them (L.1111-5);
    # switched on for every grantee, so that only the mark can hide them
    "confidential_entry": Target(Section.CONDITIONS, author_user_id=PRO_ID, author_role="professional",
                                 hidden_from_guardians=True),
    "confidential_document": Target(Section.DOCUMENTS, author_user_id=PRO_ID, author_role="professional",
                                    document_id=8, document_switches=_switches(True), hidden_from_guardians=True),
}

ACTIONS = (Action.READ, Action.CREATE, Action.UPDATE, Action.DELETE, Action.MANAGE,
           Action.START_THREAD, Action.REPLY)
#          R C U D M S Reply

HOUSEHOLD = {
    "ordinary_entry":            "AAAAAFF",
    "professional_entry":        "AAFFAFF",
    "own_entry_of_professional": "AAFFAFF",
    "hidden_entry":              "AAAAAFF",
    "document_default":          "AAAAAFF",
    "document_switched_off":     "AAAAAFF",
    "document_switched_on":      "AAAAAFF",
    "out_of_scope_section":      "AAAAAFF",
    "profile_section":           "AAAAAFF",
    "messages_section":          "AFAAAFA",
    "confidential_entry":        "AAFFAFF",  # the owner (the young adult): theirs
    "confidential_document":     "AAFFAFF",
}
# teen: guardians (and co-guardians) do not learn that a confidential entry exists
GUARDIANS = HOUSEHOLD | {"confidential_entry": "NNNNNNN", "confidential_document": "NNNNNNN"}
CARE_TEAM = {
    "ordinary_entry":            "AAFFFFF",
    "professional_entry":        "AAFFFFF",
    "own_entry_of_professional": "AAAAFFF",
    "hidden_entry":              "NNNNNNN",
    "document_default":          "AAFFFFF",
    "document_switched_off":     "NNNNNNN",
    "document_switched_on":      "AAFFFFF",
    "out_of_scope_section":      "AAFFFFF",
    "profile_section":           "AFFFFFF",
    "messages_section":          "AFFFFAA",
    "confidential_entry":        "AAAAFFF",  # the professional who marked them
    "confidential_document":     "AAAAFFF",
}
# teen: a colleague in the care team reads them too (shared medical secrecy), as any
# professional's entry: read-only
COLLEAGUE = CARE_TEAM | {"own_entry_of_professional": "AAFFFFF", "document_switched_off": "AAFFFFF",
                         "confidential_entry": "AAFFFFF", "confidential_document": "AAFFFFF"}
CAREGIVER = {
    "ordinary_entry":            "AFFFFFF",
    "professional_entry":        "AFFFFFF",
    "own_entry_of_professional": "AFFFFFF",
    "hidden_entry":              "AFFFFFF",
    "document_default":          "NNNNNNN",
    "document_switched_off":     "NNNNNNN",
    "document_switched_on":      "AFFFFFF",
    "out_of_scope_section":      "NNNNNNN",
    "profile_section":           "AFFFFFF",
    "messages_section":          "NNNNNNN",
    "confidential_entry":        "NNNNNNN",  # appointed by a guardian: kept from them too
    "confidential_document":     "NNNNNNN",
}
SHARE_LINK = {
    "ordinary_entry":            "ANNNNNN",
    "professional_entry":        "ANNNNNN",
    "own_entry_of_professional": "ANNNNNN",
    "hidden_entry":              "ANNNNNN",
    "document_default":          "NNNNNNN",
    "document_switched_off":     "NNNNNNN",
    "document_switched_on":      "ANNNNNN",
    "out_of_scope_section":      "NNNNNNN",
    "profile_section":           "NNNNNNN",
    "messages_section":          "NNNNNNN",
    "confidential_entry":        "NNNNNNN",
    "confidential_document":     "NNNNNNN",
}
# teen: the emergency card opens its own sections only, never a confidential entry
EMERGENCY_LINK = {kind: "NNNNNNN" for kind in TARGETS} | {
    "ordinary_entry": "ANNNNNN", "professional_entry": "ANNNNNN", "own_entry_of_professional": "ANNNNNN",
    "hidden_entry": "ANNNNNN", "out_of_scope_section": "ANNNNNN"}  # treatments: on the card
NOTHING = {kind: "NNNNNNN" for kind in TARGETS}

EXPECTED = {
    "owner": HOUSEHOLD,
    "guardian": GUARDIANS,
    "co_guardian": GUARDIANS,
    "professional_with_care": CARE_TEAM,
    "professional_without_care": NOTHING,
    "professional_blocked": NOTHING,
    "professional_expired": NOTHING,
    "caregiver_in_scope": CAREGIVER,
    "caregiver_revoked": NOTHING,
    "caregiver_expired": NOTHING,
    "link_active": SHARE_LINK,
    "link_expired": NOTHING,
    "link_revoked": NOTHING,
    "link_locked": NOTHING,
    "link_wrong_passcode": NOTHING,
    "professional_colleague": COLLEAGUE,
    "link_emergency": EMERGENCY_LINK,
    "stranger": NOTHING,
    "anonymous": NOTHING,
}

OUTCOME = {"A": (True, True), "F": (True, False), "N": (False, False)}  # (visible, allowed)


def _matrix():
    for persona, rows in EXPECTED.items():
        for kind, row in rows.items():
            assert len(row) == len(ACTIONS), (persona, kind)
            for action, code in zip(ACTIONS, row, strict=True):
                yield pytest.param(persona, kind, action, OUTCOME[code], id=f"{persona}-{kind}-{action}")


def test_the_matrix_covers_every_persona_target_and_action():
    assert set(EXPECTED) == set(PERSONAS)
    assert all(set(rows) == set(TARGETS) for rows in EXPECTED.values())
    assert set(ACTIONS) == set(Action)


@pytest.mark.parametrize(("persona", "kind", "action", "outcome"), list(_matrix()))
def test_matrix(persona, kind, action, outcome):
    decision = decide(PERSONAS[persona](), action, PROFILE, TARGETS[kind], NOW)
    assert (decision.visible, decision.allowed) == outcome


# --------------------------------------------------------------------------- via and grant ids


@pytest.mark.parametrize(("persona", "via", "grant_id"), [
    ("owner", Via.OWNER, None),
    ("guardian", Via.GUARDIAN, None),
    ("co_guardian", Via.GUARDIAN, None),
    ("professional_with_care", Via.CARE_TEAM, CARE_ID),
    ("caregiver_in_scope", Via.CAREGIVER, CAREGIVER_GRANT_ID),
    ("link_active", Via.SHARE_LINK, LINK_ACTIVE_ID),
])
def test_a_visible_decision_says_through_which_grant(persona, via, grant_id):
    decision = decide(PERSONAS[persona](), Action.READ, PROFILE, TARGETS["ordinary_entry"], NOW)
    assert decision == Decision(allowed=True, visible=True, via=via, grant_id=grant_id)


def test_a_forbidden_decision_still_names_the_grant_for_the_audit():
    decision = decide(caregiver_in_scope(), Action.UPDATE, PROFILE, TARGETS["ordinary_entry"], NOW)
    assert decision == Decision(allowed=False, visible=True, via=Via.CAREGIVER, grant_id=CAREGIVER_GRANT_ID)


def test_a_not_found_decision_reveals_no_grant():
    decision = decide(professional_with_care(), Action.READ, PROFILE, TARGETS["hidden_entry"], NOW)
    assert decision == Decision(allowed=False, visible=False, via=None, grant_id=None)


def test_an_allowed_decision_cannot_be_invisible():
    with pytest.raises(ValueError):
        Decision(allowed=True, visible=False)


# --------------------------------------------------------------------------- strongest relationship wins


def test_an_owner_who_is_also_listed_as_guardian_acts_as_owner():
    profile = the_profile(guardian_user_ids=frozenset({OWNER_ID, GUARDIAN_ID}))
    assert decide(owner(), Action.READ, profile, TARGETS["ordinary_entry"], NOW).via is Via.OWNER


def test_a_guardian_with_a_caregiver_grant_keeps_full_rights():
    profile = the_profile(caregivers=(caregiver_grant(GUARDIAN_ID, id=410),))
    decision = decide(guardian(), Action.UPDATE, profile, TARGETS["out_of_scope_section"], NOW)
    assert (decision.allowed, decision.via) == (True, Via.GUARDIAN)


def test_a_professional_owner_of_their_own_profile_acts_as_owner():
    profile = the_profile(owner_user_id=PRO_ID)
    decision = decide(professional_with_care(), Action.MANAGE, profile, TARGETS["hidden_entry"], NOW)
    assert (decision.allowed, decision.via) == (True, Via.OWNER)


def test_care_team_outranks_a_caregiver_grant_even_for_hidden_entries():
    profile = the_profile(caregivers=(caregiver_grant(PRO_ID, id=411, sections=ALL_SECTIONS),))
    assert decide(professional_with_care(), Action.READ, profile, TARGETS["ordinary_entry"], NOW).via is Via.CARE_TEAM
    assert not decide(professional_with_care(), Action.READ, profile, TARGETS["hidden_entry"], NOW).visible


def test_a_blocked_professional_with_a_caregiver_grant_reads_as_a_caregiver():
    profile = the_profile(caregivers=(caregiver_grant(PRO_BLOCKED_ID, id=412),))
    decision = decide(professional_blocked(), Action.READ, profile, TARGETS["hidden_entry"], NOW)
    assert decision == Decision(allowed=True, visible=True, via=Via.CAREGIVER, grant_id=412)
    assert not decide(professional_blocked(), Action.CREATE, profile, TARGETS["ordinary_entry"], NOW).allowed


def test_a_patient_account_in_a_care_relationship_is_not_care_team():
    assert relationship_to(stranger(), PROFILE, NOW) is None


def test_removed_care_relationship_gives_nothing():
    profile = the_profile(care=(care(PRO_ID, status="removed"),))
    assert not decide(professional_with_care(), Action.READ, profile, TARGETS["ordinary_entry"], NOW).visible


def test_a_professional_not_verified_gets_nothing_from_an_active_relationship():
    """Issue 15 item 1: an applicant, a refused or a suspended professional is out of every care
    team at once, like a blocked relationship (and in again once verified)."""
    unverified = CareFacts(id=CARE_ID, professional_user_id=PRO_ID, status="active", starts_at=NOW - 30 * DAY,
                           ends_at=None, professional_verified=False)
    profile = the_profile(care=(unverified,))
    assert relationship_to(professional_with_care(), profile, NOW) is None
    for action in (Action.READ, Action.CREATE):
        decision = decide(professional_with_care(), action, profile, TARGETS["ordinary_entry"], NOW)
        assert not decision.allowed and not decision.visible
    assert decide(professional_with_care(), Action.READ, the_profile(), TARGETS["ordinary_entry"], NOW).allowed


def test_a_professional_with_several_active_relationships_reports_the_lowest_id():
    profile = the_profile(care=(care(PRO_ID, id=360), care(PRO_ID, id=350), care(PRO_ID, id=399)))
    assert decide(professional_with_care(), Action.READ, profile, TARGETS["ordinary_entry"], NOW).grant_id == 350


# --------------------------------------------------------------------------- child profile (no owner account)


def test_a_child_profile_without_owner_is_managed_by_its_guardians_only():
    child = the_profile(owner_user_id=None)
    assert decide(guardian(), Action.MANAGE, child, TARGETS["document_switched_off"], NOW).allowed
    assert not decide(owner(), Action.READ, child, TARGETS["ordinary_entry"], NOW).visible


# --------------------------------------------------------------------------- caregivers: scope and grants


def test_a_caregiver_with_two_grants_reads_the_union_and_each_section_names_its_grant():
    profile = the_profile(caregivers=(
        caregiver_grant(CAREGIVER_ID, id=420, sections=frozenset({Section.CONDITIONS})),
        caregiver_grant(CAREGIVER_ID, id=421, sections=frozenset({Section.TREATMENTS})),
    ))
    assert decide(caregiver_in_scope(), Action.READ, profile, TARGETS["ordinary_entry"], NOW).grant_id == 420
    assert decide(caregiver_in_scope(), Action.READ, profile, TARGETS["out_of_scope_section"], NOW).grant_id == 421
    assert readable_sections(caregiver_in_scope(), profile, NOW) == {Section.CONDITIONS, Section.TREATMENTS}


def test_overlapping_caregiver_grants_report_the_lowest_id_covering_the_target():
    profile = the_profile(caregivers=(
        caregiver_grant(CAREGIVER_ID, id=432, sections=frozenset({Section.CONDITIONS})),
        caregiver_grant(CAREGIVER_ID, id=431, sections=frozenset({Section.CONDITIONS})),
        caregiver_grant(CAREGIVER_ID, id=433, sections=frozenset({Section.CONDITIONS})),
    ))
    assert decide(caregiver_in_scope(), Action.READ, profile, TARGETS["ordinary_entry"], NOW).grant_id == 431


def test_a_caregiver_sees_no_document_without_documents_in_scope_even_when_switched_on():
    profile = the_profile(caregivers=(caregiver_grant(CAREGIVER_ID, sections=frozenset({Section.CONDITIONS})),))
    assert not decide(caregiver_in_scope(), Action.READ, profile, TARGETS["document_switched_on"], NOW).visible


def test_a_document_filed_in_another_section_still_needs_documents_in_scope():
    attached = Target(Section.CONDITIONS, document_id=8, document_switches={("caregiver", CAREGIVER_ID): True})
    profile = the_profile(caregivers=(caregiver_grant(CAREGIVER_ID, sections=frozenset({Section.CONDITIONS})),))
    assert not decide(caregiver_in_scope(), Action.READ, profile, attached, NOW).visible
    assert decide(caregiver_in_scope(), Action.READ, PROFILE, attached, NOW).allowed


def test_the_documents_section_itself_is_listable_by_an_in_scope_caregiver():
    assert decide(caregiver_in_scope(), Action.READ, PROFILE, Target(Section.DOCUMENTS), NOW).allowed


def test_a_switch_for_another_caregiver_does_not_open_a_document():
    doc = Target(Section.DOCUMENTS, document_id=7, document_switches={("caregiver", CAREGIVER_REVOKED_ID): True})
    assert not decide(caregiver_in_scope(), Action.READ, PROFILE, doc, NOW).visible


def test_a_revocation_takes_effect_at_once_whatever_its_timestamp():
    profile = the_profile(caregivers=(caregiver_grant(CAREGIVER_ID, revoked_at=NOW + DAY),))
    assert not decide(caregiver_in_scope(), Action.READ, profile, TARGETS["ordinary_entry"], NOW).visible


# --------------------------------------------------------------------------- professionals: documents


def test_a_document_switched_off_for_another_professional_stays_visible():
    doc = Target(Section.DOCUMENTS, document_id=7, document_switches={("professional", OTHER_PRO_ID): False})
    assert decide(professional_with_care(), Action.READ, PROFILE, doc, NOW).allowed


def test_a_caregiver_switch_does_not_hide_a_document_from_the_professional():
    doc = Target(Section.DOCUMENTS, document_id=7, document_switches={("caregiver", PRO_ID): False})
    assert decide(professional_with_care(), Action.READ, PROFILE, doc, NOW).allowed


def test_a_hidden_document_is_not_found_for_the_professional_even_when_switched_on():
    doc = Target(Section.DOCUMENTS, document_id=7, hidden_from_professionals=True,
                 document_switches={("professional", PRO_ID): True})
    assert not decide(professional_with_care(), Action.READ, PROFILE, doc, NOW).visible


def test_a_professional_deletes_a_document_they_deposited_but_not_the_patients():
    theirs = Target(Section.DOCUMENTS, author_user_id=PRO_ID, author_role="professional", document_id=9)
    assert decide(professional_with_care(), Action.DELETE, PROFILE, theirs, NOW).allowed
    assert not decide(professional_with_care(), Action.DELETE, PROFILE, TARGETS["document_default"], NOW).allowed


def test_a_professional_never_writes_the_profile_even_what_they_authored():
    theirs = Target(Section.PROFILE, author_user_id=PRO_ID, author_role="professional")
    for action in (Action.CREATE, Action.UPDATE, Action.DELETE):
        assert decide(professional_with_care(), action, PROFILE, theirs, NOW) == Decision(
            False, True, Via.CARE_TEAM, CARE_ID), action


def test_a_professional_may_deposit_a_document():
    assert decide(professional_with_care(), Action.CREATE, PROFILE, Target(Section.DOCUMENTS), NOW).allowed


def test_the_patient_may_hide_a_professional_entry_but_not_edit_it():
    entry = TARGETS["professional_entry"]
    assert decide(owner(), Action.MANAGE, PROFILE, entry, NOW).allowed
    assert decide(owner(), Action.UPDATE, PROFILE, entry, NOW) == Decision(False, True, Via.OWNER)


def test_a_device_measure_can_be_corrected_by_the_patient():
    measure = Target(Section.MEASURES, author_role="device")
    assert decide(owner(), Action.UPDATE, PROFILE, measure, NOW).allowed


# --------------------------------------------------------------------------- share links


def test_a_link_for_another_profile_opens_nothing():
    visitor = LinkActor(share_link(profile_id=OTHER_PROFILE_ID), passcode_ok=False)
    assert not decide(visitor, Action.READ, PROFILE, TARGETS["ordinary_entry"], NOW).visible
    assert readable_sections(visitor, PROFILE, NOW) == frozenset()


def test_a_link_with_a_passcode_opens_once_the_passcode_is_given():
    visitor = LinkActor(share_link(id=LINK_PASSCODE_ID, has_passcode=True, failed_passcode_count=4), passcode_ok=True)
    assert decide(visitor, Action.READ, PROFILE, TARGETS["ordinary_entry"], NOW).allowed


def test_a_link_without_passcode_needs_none():
    visitor = LinkActor(share_link(), passcode_ok=False)
    assert decide(visitor, Action.READ, PROFILE, TARGETS["ordinary_entry"], NOW).allowed


def test_a_document_switched_on_for_another_link_stays_hidden():
    doc = Target(Section.DOCUMENTS, document_id=7, document_switches={("share_link", LINK_EXPIRED_ID): True})
    assert not decide(link_active(), Action.READ, PROFILE, doc, NOW).visible


def test_a_share_link_switch_is_keyed_by_link_id_not_user_id():
    doc = Target(Section.DOCUMENTS, document_id=7, document_switches={("caregiver", LINK_ACTIVE_ID): True})
    assert not decide(link_active(), Action.READ, PROFILE, doc, NOW).visible


# --------------------------------------------------------------------------- boundary times


@pytest.mark.parametrize(("now", "active"), [
    (NOW - TICK, False),  # before it starts
    (NOW, True),          # exactly at starts_at
    (NOW + DAY - TICK, True),
    (NOW + DAY, False),   # exactly at ends_at
])
def test_care_relationship_period_is_half_open(now, active):
    profile = the_profile(care=(care(PRO_ID, starts_at=NOW, ends_at=NOW + DAY),))
    assert decide(professional_with_care(), Action.READ, profile, TARGETS["ordinary_entry"], now).visible is active
    assert (relationship_to(professional_with_care(), profile, now) is Via.CARE_TEAM) is active


@pytest.mark.parametrize(("now", "active"), [
    (NOW - TICK, False),
    (NOW, True),
    (NOW + DAY - TICK, True),
    (NOW + DAY, False),
])
def test_caregiver_grant_period_is_half_open(now, active):
    profile = the_profile(caregivers=(caregiver_grant(CAREGIVER_ID, starts_at=NOW, ends_at=NOW + DAY),))
    assert decide(caregiver_in_scope(), Action.READ, profile, TARGETS["ordinary_entry"], now).visible is active


@pytest.mark.parametrize(("now", "status"), [
    (NOW - TICK, "active"),
    (NOW, "expired"),  # exactly at expires_at
    (NOW + TICK, "expired"),
])
def test_a_link_expires_exactly_at_expires_at(now, status):
    link = share_link(expires_at=NOW)
    assert link_status(link, now) == status
    assert decide(LinkActor(link, False), Action.READ, PROFILE, TARGETS["ordinary_entry"], now).visible is (
        status == "active")


def test_an_open_ended_care_relationship_lasts():
    profile = the_profile(care=(care(PRO_ID, starts_at=NOW - 3650 * DAY, ends_at=None),))
    assert decide(professional_with_care(), Action.READ, profile, TARGETS["ordinary_entry"], NOW).allowed


# --------------------------------------------------------------------------- link_status precedence


@pytest.mark.parametrize(("changes", "status"), [
    ({}, "active"),
    ({"expires_at": NOW - DAY}, "expired"),
    ({"revoked_at": NOW - DAY}, "revoked"),
    ({"has_passcode": True, "failed_passcode_count": 5, "max_passcode_attempts": 5}, "locked"),
    ({"has_passcode": True, "failed_passcode_count": 4, "max_passcode_attempts": 5}, "active"),
    ({"has_passcode": False, "failed_passcode_count": 9, "max_passcode_attempts": 5}, "active"),
    ({"revoked_at": NOW - DAY, "expires_at": NOW - 2 * DAY}, "revoked"),
    ({"revoked_at": NOW - DAY, "has_passcode": True, "failed_passcode_count": 5}, "revoked"),
    ({"expires_at": NOW - DAY, "has_passcode": True, "failed_passcode_count": 5}, "expired"),
])
def test_link_status_precedence(changes, status):
    assert link_status(share_link(**changes), NOW) == status


# --------------------------------------------------------------------------- relationship_to


@pytest.mark.parametrize(("persona", "via"), [
    ("owner", Via.OWNER),
    ("guardian", Via.GUARDIAN),
    ("co_guardian", Via.GUARDIAN),
    ("professional_with_care", Via.CARE_TEAM),
    ("professional_without_care", None),
    ("professional_blocked", None),
    ("professional_expired", None),
    ("caregiver_in_scope", Via.CAREGIVER),
    ("caregiver_revoked", None),
    ("caregiver_expired", None),
    ("stranger", None),
])
def test_relationship_to(persona, via):
    assert relationship_to(PERSONAS[persona](), PROFILE, NOW) == via


# --------------------------------------------------------------------------- readable_sections


@pytest.mark.parametrize(("persona", "sections"), [
    ("owner", ALL_SECTIONS),
    ("guardian", ALL_SECTIONS),
    ("professional_with_care", ALL_SECTIONS),
    ("caregiver_in_scope", CAREGIVER_SCOPE),
    ("link_active", LINK_SCOPE),
    ("professional_without_care", frozenset()),
    ("professional_blocked", frozenset()),
    ("caregiver_revoked", frozenset()),
    ("link_expired", frozenset()),
    ("link_revoked", frozenset()),
    ("link_locked", frozenset()),
    ("link_wrong_passcode", frozenset()),
    ("stranger", frozenset()),
    ("anonymous", frozenset()),
])
def test_readable_sections(persona, sections):
    assert readable_sections(PERSONAS[persona](), PROFILE, NOW) == sections


def test_readable_sections_agree_with_decide_on_section_reads():
    for persona, make in PERSONAS.items():
        readable = readable_sections(make(), PROFILE, NOW)
        decided = {s for s in Section if decide(make(), Action.READ, PROFILE, Target(s), NOW).allowed}
        assert readable == decided, persona


# --------------------------------------------------------------------------- require


def test_require_returns_the_decision_when_allowed():
    assert require(owner(), Action.DELETE, PROFILE, TARGETS["ordinary_entry"], NOW).via is Via.OWNER


def test_require_raises_not_found_for_a_stranger():
    with pytest.raises(NotFound):
        require(stranger(), Action.READ, PROFILE, TARGETS["ordinary_entry"], NOW)


def test_require_raises_not_found_for_a_hidden_entry_asked_by_the_care_team():
    with pytest.raises(NotFound):
        require(professional_with_care(), Action.UPDATE, PROFILE, TARGETS["hidden_entry"], NOW)


def test_require_raises_forbidden_for_a_visible_but_disallowed_action():
    with pytest.raises(Forbidden):
        require(caregiver_in_scope(), Action.UPDATE, PROFILE, TARGETS["ordinary_entry"], NOW)


def test_require_raises_forbidden_when_the_patient_starts_a_thread():
    with pytest.raises(Forbidden):
        require(owner(), Action.START_THREAD, PROFILE, TARGETS["messages_section"], NOW)


# --------------------------------------------------------------------------- input validation


def test_naive_now_is_refused_everywhere():
    naive = NOW.replace(tzinfo=None)
    with pytest.raises(ValueError):
        decide(owner(), Action.READ, PROFILE, TARGETS["ordinary_entry"], naive)
    with pytest.raises(ValueError):
        require(owner(), Action.READ, PROFILE, TARGETS["ordinary_entry"], naive)
    with pytest.raises(ValueError):
        relationship_to(owner(), PROFILE, naive)
    with pytest.raises(ValueError):
        readable_sections(owner(), PROFILE, naive)
    with pytest.raises(ValueError):
        link_status(share_link(), naive)


def test_naive_now_is_refused_even_for_an_anonymous_actor():
    with pytest.raises(ValueError):
        decide(None, Action.READ, PROFILE, TARGETS["ordinary_entry"], NOW.replace(tzinfo=None))


def test_another_timezone_is_compared_by_instant():
    paris = timezone(timedelta(hours=1))
    link = share_link(expires_at=NOW)
    assert link_status(link, datetime(2026, 11, 28, 12, 59, tzinfo=paris)) == "active"
    assert link_status(link, datetime(2026, 11, 28, 13, 0, tzinfo=paris)) == "expired"


@pytest.mark.parametrize("make", [
    lambda naive: care(PRO_ID, starts_at=naive),
    lambda naive: care(PRO_ID, ends_at=naive),
    lambda naive: caregiver_grant(CAREGIVER_ID, starts_at=naive),
    lambda naive: caregiver_grant(CAREGIVER_ID, revoked_at=naive),
    lambda naive: share_link(expires_at=naive),
    lambda naive: share_link(revoked_at=naive),
])
def test_naive_fact_datetimes_are_refused(make):
    with pytest.raises(ValueError):
        make(NOW.replace(tzinfo=None))


def test_actions_and_sections_may_be_given_as_their_string_values():
    decision = decide(caregiver_in_scope(), "read", PROFILE, Target("conditions"), NOW)
    assert decision.allowed
    assert caregiver_grant(CAREGIVER_ID, sections=frozenset({"documents"})).sections == {Section.DOCUMENTS}


@pytest.mark.parametrize("make", [
    lambda: decide(owner(), "destroy", PROFILE, TARGETS["ordinary_entry"], NOW),
    lambda: Target("diary"),
    lambda: Target(Section.CONDITIONS, author_role="Professional"),
    lambda: Target(Section.DOCUMENTS, document_id=1, document_switches={("friend", 1): True}),
    lambda: UserActor(1, "admin"),
    lambda: caregiver_grant(CAREGIVER_ID, sections=frozenset({"diary"})),
])
def test_unknown_names_are_refused(make):
    with pytest.raises(ValueError):
        make()


def test_sections_given_as_one_string_are_refused():
    with pytest.raises(TypeError):
        share_link(sections="conditions,documents")


def test_sections_round_trip_through_their_stored_form():
    assert parse_sections(" conditions, documents ,,") == {Section.CONDITIONS, Section.DOCUMENTS}
    assert format_sections({Section.DOCUMENTS, Section.CONDITIONS}) == "conditions,documents"
    assert parse_sections("") == frozenset()


def test_document_switches_cannot_be_changed_after_the_decision_facts_are_built():
    switches = {("professional", PRO_ID): True}
    doc = Target(Section.DOCUMENTS, document_id=7, document_switches=switches)
    switches[("professional", PRO_ID)] = False
    assert decide(professional_with_care(), Action.READ, PROFILE, doc, NOW).visible
    with pytest.raises(TypeError):
        doc.document_switches[("professional", PRO_ID)] = False  # type: ignore[index]


# --------------------------------------------------------------------------- errors


def test_validation_error_carries_a_key_and_params_but_prints_only_the_key():
    error = ValidationError("error.text_too_long", max=2000, value="Jeanne's diagnosis")
    assert error.code == "error.text_too_long"
    assert error.params == {"max": 2000, "value": "Jeanne's diagnosis"}
    assert str(error) == "error.text_too_long"
    assert "Jeanne" not in repr(error)


def test_validation_error_accepts_params_as_a_dict_and_survives_pickling():
    error = pickle.loads(pickle.dumps(ValidationError("error.too_big", {"max_mb": 10})))
    assert (error.code, error.params) == ("error.too_big", {"max_mb": 10})


def test_not_found_and_forbidden_are_distinct():
    assert not issubclass(NotFound, Forbidden) and not issubclass(Forbidden, NotFound)


def test_each_kind_of_account_lands_where_it_works():
    from mes_app.domain.access import landing

    assert landing("patient", must_enrol=False) == "home"
    assert landing("professional", must_enrol=False) == "home"
    assert landing("operator", must_enrol=False) == "console"
    assert {landing(role, must_enrol=True) for role in ("patient", "professional", "operator")} == {"security"}
