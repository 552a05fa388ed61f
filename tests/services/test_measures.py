"""The latest measures on the home page: one per kind, formatted as a French reader expects."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mes_app.db.models import AccessEvent, Measure
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import measures
from tests.factories import (
    committed_count,
    committed_rows,
    give_care,
    make_caregiver,
    make_child,
    make_owner,
    make_professional,
    make_stranger,
)

DAY = timedelta(days=1)
UNITS = {"weight": ("29463-7", "kg"), "height": ("8302-2", "cm"), "blood_pressure": ("85354-9", "mm[Hg]"),
         "temperature": ("8310-5", "Cel"), "heart_rate": ("8867-4", "/min"), "spo2": ("59408-5", "%")}


def measure(session, who, profile, kind, value, at: datetime, secondary=None, **extra) -> Measure:
    loinc, unit = UNITS[kind]
    row = Measure(profile_id=profile.id, author_user_id=who.id, kind=kind, loinc_code=loinc, value=value,
                  value_secondary=secondary, unit=unit, measured_at=at, **extra)
    session.add(row)
    session.commit()
    return row


def latest(session, who, profile, now, lang="fr") -> dict[str, tuple[str, str, str]]:
    views = measures.latest_measures(session, who.actor, profile.id, now=now, lang=lang)
    by_kind = {view.kind: (view.value, view.unit, view.date) for view in views}
    assert len(by_kind) == len(views), "one line per kind"
    return by_kind


@pytest.fixture()
def alice(session, now):
    alice = make_owner(session, "Alice Durand")
    p = alice.profile
    measure(session, alice, p, "weight", 70.0, now - 30 * DAY)
    measure(session, alice, p, "weight", 72.5, now - 2 * DAY)
    measure(session, alice, p, "weight", 71.0, now - 10 * DAY)
    measure(session, alice, p, "blood_pressure", 135, now - 20 * DAY, secondary=88)
    measure(session, alice, p, "blood_pressure", 120, now - DAY, secondary=80)
    measure(session, alice, p, "temperature", 37.8, now - 3 * DAY)
    measure(session, alice, p, "height", 168, now - 300 * DAY)
    return alice


def test_the_latest_of_each_kind_is_shown(session, now, alice):
    assert latest(session, alice, alice.profile, now) == {
        "weight": ("72,5", "kg", "2026-11-26"),
        "blood_pressure": ("120/80", "mmHg", "2026-11-27"),
        "temperature": ("37,8", "°C", "2026-11-25"),
        "height": ("168", "cm", "2026-02-01"),
    }


def test_english_readers_get_a_decimal_point(session, now, alice):
    shown = latest(session, alice, alice.profile, now, lang="en")
    assert (shown["weight"][0], shown["temperature"][0], shown["blood_pressure"][0]) == ("72.5", "37.8", "120/80")


@pytest.mark.parametrize(
    ("value", "secondary", "fr", "en"),
    [(72.5, None, "72,5", "72.5"), (72.0, None, "72", "72"), (98.25, None, "98,2", "98.2"), (0.5, None, "0,5", "0.5"),
     (120.0, 80.0, "120/80", "120/80"), (118.5, 79.5, "118,5/79,5", "118.5/79.5"), (99.96, None, "100", "100")],
)
def test_values_are_formatted_without_useless_decimals(value, secondary, fr, en):
    row = Measure(profile_id=1, kind="x", loinc_code="x", value=value, value_secondary=secondary, unit="kg",
                  measured_at=datetime(2026, 1, 1).astimezone())
    assert (measures.format_value(row, "fr"), measures.format_value(row, "en")) == (fr, en)


def test_an_empty_record_has_no_measures(session, now):
    bob = make_owner(session, "Bob")
    assert latest(session, bob, bob.profile, now) == {}


def test_another_profiles_measures_do_not_leak_in(session, now, alice):
    lea = make_child(session, alice)
    measure(session, alice, lea.profile, "weight", 9.4, now - timedelta(hours=1))
    assert latest(session, alice, alice.profile, now)["weight"][0] == "72,5"
    assert latest(session, alice, lea.profile, now) == {"weight": ("9,4", "kg", "2026-11-28")}


# --------------------------------------------------------------------------- who sees what


def test_a_professional_in_the_care_team_sees_them_and_the_read_is_recorded(session, now, alice):
    dr = make_professional(session, "Dr Martin")
    care = give_care(session, dr, alice, now)
    assert latest(session, dr, alice.profile, now)["blood_pressure"][0] == "120/80"
    [event] = committed_rows(session, AccessEvent)
    assert (event.actor_user_id, event.via, event.grant_id, event.action, event.target_kind) == (
        dr.id, "care_team", care.id, "read", "measures")


def test_the_owner_reading_her_measures_is_not_recorded(session, now, alice):
    latest(session, alice, alice.profile, now)
    assert committed_count(session, AccessEvent) == 0


def test_a_measure_hidden_from_professionals_gives_them_the_previous_one(session, now, alice):
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, alice, now)
    measure(session, alice, alice.profile, "weight", 80.0, now - DAY / 2, hidden_from_professionals=True)
    measure(session, alice, alice.profile, "heart_rate", 110, now - DAY, hidden_from_professionals=True)

    assert latest(session, alice, alice.profile, now)["weight"][0] == "80"
    theirs = latest(session, dr, alice.profile, now)
    assert theirs["weight"][0] == "72,5"
    assert "heart_rate" not in theirs


def test_a_caregiver_with_measures_in_scope_sees_them(session, now, alice):
    nurse = make_caregiver(session, alice, ("measures",), now=now)
    measure(session, alice, alice.profile, "heart_rate", 64, now - DAY, hidden_from_professionals=True)
    shown = latest(session, nurse, alice.profile, now)
    assert shown["weight"][0] == "72,5" and shown["heart_rate"][0] == "64"


def test_a_caregiver_without_measures_in_scope_gets_not_found(session, now, alice):
    nanny = make_caregiver(session, alice, ("vaccinations",), now=now)
    with pytest.raises(NotFound):
        measures.latest_measures(session, nanny.actor, alice.profile.id, now=now)


@pytest.mark.parametrize("who", ["stranger", "professional without care", "revoked caregiver"])
def test_outsiders_get_not_found_and_a_denied_event(session, now, alice, who):
    if who == "stranger":
        outsider = make_stranger(session)
    elif who == "professional without care":
        outsider = make_professional(session, "Dr Petit")
    else:
        outsider = make_caregiver(session, alice, ("measures",), now=now, revoked_at=now - DAY)
    with pytest.raises(NotFound):
        measures.latest_measures(session, outsider.actor, alice.profile.id, now=now)
    [event] = committed_rows(session, AccessEvent)
    assert (event.profile_id, event.actor_user_id, event.action, event.via) == (
        alice.profile.id, outsider.id, "denied", "none")


@pytest.mark.parametrize("bad_id", [None, "abc", ["1"], True, -1])
def test_a_malformed_profile_id_is_refused(session, now, alice, bad_id):
    with pytest.raises(ValidationError) as caught:
        measures.latest_measures(session, alice.actor, bad_id, now=now)
    assert caught.value.code == "error.invalid_id"


def test_a_measure_is_dated_by_the_french_calendar(session, now):
    bob = make_owner(session, "Bob")
    taken = datetime(2026, 11, 28, 23, 30, tzinfo=timezone.utc)  # 29 Nov, 00:30 in Paris
    measure(session, bob, bob.profile, "weight", 80.0, taken)
    assert latest(session, bob, bob.profile, taken + timedelta(hours=1))["weight"][2] == "2026-11-29"
