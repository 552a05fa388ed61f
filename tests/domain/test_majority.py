"""teen (issue 13, item 4): ages, who may mark an entry secret, and the hand-over rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mes_app.domain.access import (
    CareFacts,
    LinkActor,
    ProfileFacts,
    Section,
    ShareLinkFacts,
    Target,
    UserActor,
    age_on,
    is_minor,
    may_mark_hidden_from_guardians,
)
from mes_app.domain.invitations import InvitationFacts
from mes_app.domain.majority import Acceptance, decide_acceptance, handover_changes, may_offer_majority

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
PARENT, CO, YOUNG, PRO, COLLEAGUE = 1, 2, 3, 10, 11
CHILD = ProfileFacts(profile_id=100, owner_user_id=None, guardian_user_ids=frozenset({PARENT, CO}),
                     care=(CareFacts(300, PRO, "active", NOW - timedelta(days=30), None),
                           CareFacts(301, COLLEAGUE, "active", NOW - timedelta(days=30), None)))


@pytest.mark.parametrize(("born", "today", "age"), [
    (date(2008, 11, 28), date(2026, 11, 28), 18),
    (date(2008, 11, 29), date(2026, 11, 28), 17),
    (date(2008, 2, 29), date(2026, 2, 28), 17),
    (date(2008, 2, 29), date(2026, 3, 1), 18),
])
def test_age_on(born, today, age):
    assert age_on(born, today) == age
    assert is_minor(born, today) is (age < 18)


def test_may_offer_majority_from_the_18th_birthday_on_a_managed_profile_only():
    assert may_offer_majority("child", None, date(2008, 11, 28), TODAY)
    assert not may_offer_majority("child", None, date(2008, 11, 29), TODAY)
    assert not may_offer_majority("self", 5, date(1990, 1, 1), TODAY)


def _own(author: int | None = PRO, section: Section = Section.CONDITIONS, **kw) -> Target:
    return Target(section, author_user_id=author, author_role="professional" if author else None, **kw)


@pytest.mark.parametrize(("actor", "target", "minor", "allowed"), [
    (UserActor(PRO, "professional"), Target(Section.CONDITIONS), True, True),  # a new entry
    (UserActor(PRO, "professional"), _own(), True, True),  # their own entry, afterwards
    (UserActor(COLLEAGUE, "professional"), _own(), True, False),  # not theirs
    (UserActor(PRO, "professional"), _own(), False, False),  # an adult's profile
    (UserActor(PRO, "professional"), Target(Section.MESSAGES), True, False),
    (UserActor(PARENT, "patient"), Target(Section.CONDITIONS), True, False),  # a guardian
    (UserActor(99, "professional"), Target(Section.CONDITIONS), True, False),  # not in the care team
    (None, Target(Section.CONDITIONS), True, False),
])
def test_who_may_mark_an_entry_invisible_to_legal_representatives(actor, target, minor, allowed):
    assert may_mark_hidden_from_guardians(actor, CHILD, target, minor=minor, now=NOW) is allowed


def test_a_link_never_marks_and_the_adult_owner_may_only_clear():
    link = ShareLinkFacts(1, 100, frozenset({Section.CONDITIONS}), NOW + timedelta(days=1), None, False, 0, 5)
    assert not may_mark_hidden_from_guardians(LinkActor(link, False), CHILD, Target(Section.CONDITIONS),
                                              minor=True, now=NOW)
    owned = ProfileFacts(100, YOUNG, frozenset())
    young = UserActor(YOUNG, "patient")
    assert may_mark_hidden_from_guardians(young, owned, _own(hidden_from_guardians=True), minor=False, now=NOW)
    assert not may_mark_hidden_from_guardians(young, owned, _own(), minor=False, now=NOW)


def _invitation(**kw) -> InvitationFacts:
    values = dict(id=7, profile_id=100, invited_by_user_id=PARENT, invitee_user_id=None, role="majority",
                  status="pending", expires_at=NOW + timedelta(days=14))
    values.update(kw)
    return InvitationFacts(**values)


def _decide(actor=YOUNG, email="chloe@example.org", invitation=None, profile=CHILD, born=date(2008, 11, 28),
            now=NOW):
    return decide_acceptance(actor, email, invitation or _invitation(), "Chloe@Example.org", profile,
                             birth_date=born, today=now.date(), now=now)


def test_acceptance():
    assert _decide() is Acceptance.OK
    assert _decide(email="mallory@example.org") is Acceptance.NOT_FOUND
    assert _decide(actor=CO) is Acceptance.GUARDIAN
    assert _decide(invitation=_invitation(status="accepted")) is Acceptance.NOT_FOUND  # replay
    assert _decide(invitation=_invitation(status="cancelled")) is Acceptance.NOT_FOUND
    assert _decide(now=NOW + timedelta(days=15)) is Acceptance.NOT_FOUND  # expired
    assert _decide(invitation=_invitation(role="co_guardian")) is Acceptance.NOT_FOUND
    assert _decide(born=date(2008, 11, 29)) is Acceptance.NOT_FOUND  # not 18
    gone = ProfileFacts(100, None, frozenset({CO}))  # the inviter no longer manages it
    assert _decide(profile=gone) is Acceptance.NOT_FOUND
    owned = ProfileFacts(100, 42, frozenset({PARENT}))
    assert _decide(profile=owned) is Acceptance.NOT_FOUND


def test_handover_changes_keep_nothing_by_default_and_only_guardians():
    changes = handover_changes(YOUNG, CHILD, {})
    assert changes.owner_user_id == YOUNG and set(changes.ending_guardian_user_ids) == {PARENT, CO}
    assert changes.kept == ()
    kept = handover_changes(YOUNG, CHILD, {PARENT: frozenset({Section.VACCINATIONS}), CO: frozenset()})
    assert [(k.user_id, k.sections) for k in kept.kept] == [(PARENT, frozenset({Section.VACCINATIONS}))]
    with pytest.raises(ValueError):
        handover_changes(YOUNG, CHILD, {PRO: frozenset({Section.CONDITIONS})})
    with pytest.raises(ValueError):
        handover_changes(YOUNG, CHILD, {PARENT: frozenset({Section.MESSAGES})})
