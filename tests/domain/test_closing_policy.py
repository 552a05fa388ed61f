"""Who may close a profile (issue 13, item 3): any guardian, the owner (through the account),
never the care team nor a caregiver; anyone else does not see it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mes_app.domain.access import (
    CareFacts,
    CaregiverFacts,
    ProfileFacts,
    Section,
    UserActor,
    Via,
    closing_decision,
    may_delete_account,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
CHILD = ProfileFacts(
    profile_id=7, owner_user_id=None, guardian_user_ids=frozenset({1, 2}),
    care=(CareFacts(10, 3, "active", NOW - DAY, None),),
    caregivers=(CaregiverFacts(20, 4, frozenset({Section.VACCINATIONS}), NOW - DAY, None, None),),
)
SELF = ProfileFacts(profile_id=8, owner_user_id=1, guardian_user_ids=frozenset())


@pytest.mark.parametrize(("actor", "facts", "allowed", "visible", "via"), [
    (UserActor(1, "patient"), CHILD, True, True, Via.GUARDIAN),  # a guardian
    (UserActor(2, "patient"), CHILD, True, True, Via.GUARDIAN),  # the other guardian, alone
    (UserActor(1, "patient"), SELF, True, True, Via.OWNER),  # the owner (through the account)
    (UserActor(3, "professional"), CHILD, False, True, Via.CARE_TEAM),
    (UserActor(4, "patient"), CHILD, False, True, Via.CAREGIVER),
    (UserActor(5, "patient"), CHILD, False, False, None),  # a stranger
])
def test_who_may_close_a_profile(actor, facts, allowed, visible, via):  # noqa: ANN001
    decision = closing_decision(actor, facts, NOW)
    assert (decision.allowed, decision.visible, decision.via) == (allowed, visible, via)


def test_only_an_account_keeping_a_family_record_deletes_itself():
    assert may_delete_account(UserActor(1, "patient"))
    assert not may_delete_account(UserActor(3, "professional"))
