"""Emergency-opening notices can be dismissed, per account, only by who manages the profile."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mes_app.db import models
from mes_app.domain.errors import NotFound
from mes_app.services import reminders
from tests.factories import (
    committed_count,
    give_care,
    make_caregiver,
    make_child,
    make_co_guardian,
    make_owner,
    make_professional,
    make_stranger,
)


def _opening(session, profile_id, now, label="Dr Urgence (médecin)", **overrides):
    event = models.AccessEvent(occurred_at=now - timedelta(hours=2), profile_id=profile_id, actor_label=label,
                               action=overrides.get("action", "read"), target_kind="summary",
                               via=overrides.get("via", "emergency"))
    session.add(event)
    session.commit()
    return event.id


def _notices(session, persona, now):
    return [r.key for r in reminders.reminders(session, persona.actor, now=now) if r.kind == "emergency_opened"]


def test_a_guardian_dismisses_a_notice_for_herself_and_it_stays_gone(session, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    bob = make_co_guardian(session, lea)
    first, second = _opening(session, lea.id, now), _opening(session, lea.id, now, "Pompier (secouriste)")
    assert set(_notices(session, alice, now)) == {f"emergency-{first}", f"emergency-{second}"}

    reminders.dismiss_notice(session, alice.actor, f"emergency-{first}", now=now)
    reminders.dismiss_notice(session, alice.actor, f"emergency-{first}", now=now)  # twice: no error, one row
    assert committed_count(session, models.NoticeDismissal) == 1
    assert _notices(session, alice, now) == [f"emergency-{second}"]
    # the other guardian still has both; the access history keeps the opening
    assert set(_notices(session, bob, now)) == {f"emergency-{first}", f"emergency-{second}"}
    assert committed_count(session, models.AccessEvent, models.AccessEvent.id == first) == 1


def test_nobody_else_can_dismiss_and_learns_nothing(session, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    event = _opening(session, lea.id, now)
    doctor = make_professional(session)
    give_care(session, doctor, lea)
    nanny = make_caregiver(session, lea, ("vaccinations", "profile"))
    mallory = make_stranger(session)
    for persona in (doctor, nanny, mallory):
        with pytest.raises(NotFound):
            reminders.dismiss_notice(session, persona.actor, f"emergency-{event}", now=now)
    assert committed_count(session, models.NoticeDismissal) == 0
    assert _notices(session, alice, now) == [f"emergency-{event}"]


@pytest.mark.parametrize("key", [None, 7, "", "emergency-", "emergency-abc", "emergency--1", "emergency-99999999",
                                 "appointment-1", ["emergency-1"]])
def test_a_bad_key_is_not_found(session, now, key):
    alice = make_owner(session)
    with pytest.raises(NotFound):
        reminders.dismiss_notice(session, alice.actor, key, now=now)


def test_only_emergency_openings_are_dismissable(session, now):
    alice = make_owner(session)
    other = _opening(session, alice.profile.id, now, via="share_link")
    with pytest.raises(NotFound):
        reminders.dismiss_notice(session, alice.actor, f"emergency-{other}", now=now)
