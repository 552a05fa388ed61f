"""The latest measures on the home page: one per kind, formatted as a French reader expects."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from mes_app.db.models import AccessEvent, Measure, SecurityEvent
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
UNITS = {
    "weight": ("29463-7", "kg"),
    "height": ("8302-2", "cm"),
    "blood_pressure": ("85354-9", "mm[Hg]"),
    "temperature": ("8310-5", "Cel"),
    "heart_rate": ("8867-4", "/min"),
    "spo2": ("59408-5", "%"),
}


def measure(session, who, profile, kind, value, at: datetime, secondary=None, **extra) -> Measure:
    loinc, unit = UNITS[kind]
    row = Measure(
        profile_id=profile.id,
        author_user_id=who.id,
        kind=kind,
        loinc_code=loinc,
        value=value,
        value_secondary=secondary,
        unit=unit,
        measured_at=at,
        **extra,
    )
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
    [
        (72.5, None, "72,5", "72.5"),
        (72.0, None, "72", "72"),
        (98.25, None, "98,2", "98.2"),
        (0.5, None, "0,5", "0.5"),
        (120.0, 80.0, "120/80", "120/80"),
        (118.5, 79.5, "118,5/79,5", "118.5/79.5"),
        (99.96, None, "100", "100"),
    ],
)
def test_values_are_formatted_without_useless_decimals(value, secondary, fr, en):
    row = Measure(
        profile_id=1,
        kind="x",
        loinc_code="x",
        value=value,
        value_secondary=secondary,
        unit="kg",
        measured_at=datetime(2026, 1, 1).astimezone(),
    )
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
        dr.id,
        "care_team",
        care.id,
        "read",
        "measures",
    )


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
    if who == "revoked caregiver":  # someone the patient knows: in her access history
        [event] = committed_rows(session, AccessEvent)
        assert (event.profile_id, event.actor_user_id, event.action, event.via) == (
            alice.profile.id,
            outsider.id,
            "denied",
            "none",
        )
    else:  # a stranger: the operator's security log, not one ledger row per probe
        assert committed_count(session, AccessEvent) == 0
        [event] = committed_rows(session, SecurityEvent)
        assert (event.profile_id, event.actor_user_id, event.action) == (alice.profile.id, outsider.id, "denied")


@pytest.mark.parametrize("bad_id", [None, "abc", ["1"], True, -1])
def test_a_malformed_profile_id_is_refused(session, now, alice, bad_id):
    with pytest.raises(ValidationError) as caught:
        measures.latest_measures(session, alice.actor, bad_id, now=now)
    assert caught.value.code == "error.invalid_id"


def test_a_measure_is_dated_by_the_french_calendar(session, now):
    bob = make_owner(session, "Bob")
    taken = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)  # 29 Nov, 00:30 in Paris
    measure(session, bob, bob.profile, "weight", 80.0, taken)
    assert latest(session, bob, bob.profile, taken + timedelta(hours=1))["weight"][2] == "2026-11-29"


# =========================================================================== the measures page

from datetime import date  # noqa: E402

from mes_app.domain.errors import Forbidden  # noqa: E402


def typed(kind="weight", value="72,5", when="2026-11-28T08:30", **extra) -> dict:
    return {"kind": kind, "value": value, "measured_at": when, **extra}


def stored(session, profile, kind=None) -> list[Measure]:
    where = [Measure.profile_id == profile.id] + ([Measure.kind == kind] if kind else [])
    return committed_rows(session, Measure, *where)


def test_a_guardian_adds_a_weight_for_a_child(session, now):
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice)
    measures.add_measure(session, alice.actor, lea.profile.id, typed(value="9,42"), now=now)
    [row] = stored(session, lea.profile)
    assert (row.kind, row.loinc_code, row.value, row.unit, row.source, row.author_role, row.author_user_id) == (
        "weight",
        "29463-7",
        9.42,
        "kg",
        "manual",
        "guardian",
        alice.id,
    )
    assert row.measured_at == datetime(2026, 11, 28, 7, 30, tzinfo=UTC)  # 08:30 in Paris


def test_a_length_typed_for_an_infant_is_coded_as_recumbent(session, now):
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, birth_date=date(2026, 3, 1))
    measures.add_measure(session, alice.actor, lea.profile.id, typed("height", "68,5"), now=now)
    assert stored(session, lea.profile)[0].loinc_code == "8306-3"


def test_a_blood_pressure_with_a_pulse_stores_two_readings(session, now):
    alice = make_owner(session, "Alice Durand")
    measures.add_measure(
        session,
        alice.actor,
        alice.profile.id,
        typed("blood_pressure", "128", value_secondary="82", heart_rate="64"),
        now=now,
    )
    (bp,) = stored(session, alice.profile, "blood_pressure")
    (hr,) = stored(session, alice.profile, "heart_rate")
    assert (bp.value, bp.value_secondary, bp.unit, bp.loinc_code) == (128, 82, "mm[Hg]", "85354-9")
    assert (hr.value, hr.unit, hr.measured_at) == (64, "/min", bp.measured_at)


def test_pounds_are_stored_as_kilograms(session, now):
    alice = make_owner(session, "Alice Durand")
    measures.add_measure(session, alice.actor, alice.profile.id, typed(value="160", unit="lb"), now=now)
    assert stored(session, alice.profile)[0].value == pytest.approx(72.575, abs=1e-3)


@pytest.mark.parametrize(
    ("form", "code"),
    [
        (typed(value="900"), "error.measure_out_of_range"),
        (typed("spo2", "130"), "error.measure_out_of_range"),
        (typed("blood_pressure", "80", value_secondary="120"), "error.diastolic_above_systolic"),
        (typed(when="2026-12-01T08:00"), "error.date_in_future"),
        (typed(when="1989-01-01T08:00"), "error.before_birth"),
        (typed("bmi", "22"), "error.invalid_choice"),
        ("not a form", "error.invalid_form"),
    ],
)
def test_impossible_values_are_refused_and_nothing_is_stored(session, now, form, code):
    alice = make_owner(session, "Alice Durand")
    with pytest.raises(ValidationError) as caught:
        measures.add_measure(session, alice.actor, alice.profile.id, form, now=now)
    assert caught.value.code == code
    assert committed_count(session, Measure) == 0


def test_a_professional_in_the_care_team_adds_a_reading_marked_as_theirs(session, now, alice):
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, alice, now)
    measures.add_measure(session, dr.actor, alice.profile.id, typed("heart_rate", "72"), now=now)
    row = stored(session, alice.profile, "heart_rate")[0]
    assert (row.source, row.author_role) == ("professional", "professional")
    # the patient sees it, read-only, with its source
    entries, _ = measures.list_entries(session, alice.actor, alice.profile.id, "heart_rate", now=now)
    assert (entries[0].source, entries[0].editable, entries[0].author_name) == ("professional", False, "Dr Martin")
    assert entries[0].by_professional and entries[0].from_professional  # the page's blue badges
    with pytest.raises(Forbidden):
        measures.update_measure(session, alice.actor, row.id, typed("heart_rate", "70"), now=now)
    with pytest.raises(Forbidden):
        measures.delete_measure(session, alice.actor, row.id, now=now)


@pytest.mark.parametrize("who", ["caregiver", "stranger"])
def test_a_caregiver_cannot_add_and_a_stranger_gets_not_found(session, now, alice, who):
    outsider = make_caregiver(session, alice, ("measures",), now=now) if who == "caregiver" else make_stranger(session)
    with pytest.raises(Forbidden if who == "caregiver" else NotFound):
        measures.add_measure(session, outsider.actor, alice.profile.id, typed(), now=now)
    assert committed_count(session, Measure, Measure.value == 72.5, Measure.measured_at > now - DAY) == 0


def test_edit_and_delete_ones_own_entry(session, now, alice):
    mid = measures.add_measure(session, alice.actor, alice.profile.id, typed(value="71"), now=now)
    measures.update_measure(
        session, alice.actor, mid, {"value": "71,4", "measured_at": "2026-11-28T09:00", "kind": "height"}, now=now
    )
    row = committed_rows(session, Measure, Measure.id == mid)[0]
    assert (row.kind, row.value) == ("weight", 71.4)  # the kind of an entry never changes
    with pytest.raises(ValidationError):
        measures.update_measure(session, alice.actor, mid, {"value": "-3", "measured_at": "2026-11-28T09:00"}, now=now)
    measures.delete_measure(session, alice.actor, mid, now=now)
    assert committed_count(session, Measure, Measure.id == mid) == 0


def test_a_device_reading_is_read_only(session, now, alice):
    row = measure(session, alice, alice.profile, "heart_rate", 61, now - DAY, source="device", author_role="device")
    with pytest.raises(Forbidden):
        measures.delete_measure(session, alice.actor, row.id, now=now)
    entries, _ = measures.list_entries(session, alice.actor, alice.profile.id, "heart_rate", now=now)
    assert (entries[0].source, entries[0].editable) == ("device", False)


def test_a_stranger_cannot_touch_an_entry_by_id(session, now, alice):
    mallory = make_stranger(session)
    row = stored(session, alice.profile, "weight")[0]
    for call in (
        lambda: measures.delete_measure(session, mallory.actor, row.id, now=now),
        lambda: measures.update_measure(session, mallory.actor, row.id, typed(value="1"), now=now),
        lambda: measures.entry_for_edit(session, mallory.actor, row.id, now=now),
    ):
        with pytest.raises(NotFound):
            call()
    assert committed_rows(session, Measure, Measure.id == row.id)[0].value == row.value


def test_entries_are_listed_newest_first_and_paged(session, now, alice):
    entries, more = measures.list_entries(session, alice.actor, alice.profile.id, "weight", now=now, limit=2)
    assert [e.value for e in entries] == ["72,5 kg", "71 kg"] and more
    assert entries[0].form_value == "72.5" and entries[0].editable
    entries, more = measures.list_entries(session, alice.actor, alice.profile.id, "weight", now=now, limit=20)
    assert len(entries) == 3 and not more


def test_overview_cards_show_the_change_and_derived_bmi_with_its_who_class(session, now, alice):
    cards = {c.kind: c for c in measures.overview(session, alice.actor, alice.profile.id, now=now)}
    assert (cards["weight"].value, cards["weight"].change) == ("72,5", "+1,5")
    assert (cards["blood_pressure"].value, cards["blood_pressure"].change) == ("120/80", "−15/−8")
    assert cards["blood_pressure"].status_key == "bp_class.normal"
    assert cards["bmi"].value == "25,7"  # 72.5 / 1.68²
    assert cards["bmi"].status_key == "bmi_class.overweight"
    assert list(cards) == [k for k in ("weight", "height", "bmi", "blood_pressure", "temperature") if k in cards]


def test_a_childs_chart_has_who_curves_and_her_percentile(session, now):
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, birth_date=date(2026, 3, 1), sex="female")
    for days, kg in ((0, 3.2), (60, 5.1), (150, 6.9), (260, 8.2)):
        measure(session, alice, lea.profile, "weight", kg, datetime(2026, 3, 1, 10, tzinfo=UTC) + days * DAY)
    result = measures.chart(session, alice.actor, lea.profile.id, "weight", "all", now=now)
    curves = [t for t in result.figure["data"] if t["meta"]["role"] == "growth_curve"]
    assert [t["name"] for t in curves] == ["P3", "P15", "P50", "P85", "P97"]
    series = [t for t in result.figure["data"] if t["meta"]["role"] == "series"]
    assert series[0]["y"] == [3.2, 5.1, 6.9, 8.2]
    assert result.summary.status_key == "growth.wfa.normal"
    assert result.summary.status_detail.startswith("P")
    assert result.note_key == "measures.note_growth" and result.bands == ()


def test_a_teenager_gets_no_curves_and_a_note(session, now):
    alice = make_owner(session, "Alice Durand")
    hugo = make_child(session, alice, "Hugo", birth_date=date(2012, 5, 1), sex="male")
    measure(session, alice, hugo.profile, "weight", 52.0, now - 10 * DAY)
    result = measures.chart(session, alice.actor, hugo.profile.id, "weight", "1y", now=now)
    assert [t["meta"]["role"] for t in result.figure["data"]] == ["series"]
    assert result.note_key == "measures.note_beyond_5y" and result.summary.status_key == ""


def test_an_adult_blood_pressure_chart_has_esc_bands_and_two_series(session, now, alice):
    result = measures.chart(session, alice.actor, alice.profile.id, "blood_pressure", "3m", now=now)
    series = [t["name"] for t in result.figure["data"]]
    assert series == ["Systolique", "Diastolique"]
    assert [s["name"] for s in result.figure["layout"]["shapes"] if s["type"] == "rect"][:2] == ["optimal", "normal"]
    assert result.summary.status_key == "bp_class.normal"
    assert result.bands[0] == ("bp_class.optimal", "rgba(34,197,94,0.14)")


def test_the_range_selects_readings(session, now, alice):
    month = measures.chart(session, alice.actor, alice.profile.id, "weight", "1m", now=now)
    year = measures.chart(session, alice.actor, alice.profile.id, "weight", "1y", now=now)
    assert (month.total_points, year.total_points) == (3, 3)
    short = measures.chart(session, alice.actor, alice.profile.id, "weight", "1m", now=now + 25 * DAY)
    assert short.total_points == 1  # only the reading of 2 days before "now"
    with pytest.raises(ValidationError):
        measures.chart(session, alice.actor, alice.profile.id, "weight", "10y", now=now)


def test_ten_years_of_daily_readings_are_downsampled_keeping_the_extremes(session, now):
    bob = make_owner(session, "Bob")
    rows = [
        Measure(
            profile_id=bob.profile.id,
            author_user_id=bob.id,
            kind="weight",
            loinc_code="29463-7",
            value=80 + (i % 7) * 0.1,
            unit="kg",
            measured_at=now - (3650 - i) * DAY,
        )
        for i in range(3650)
    ]
    rows[1234].value, rows[2345].value = 95.0, 61.0
    session.add_all(rows)
    session.commit()
    result = measures.chart(session, bob.actor, bob.profile.id, "weight", "all", now=now)
    ys = result.figure["data"][0]["y"]
    assert result.total_points == 3650 and result.sent_points == len(ys) <= 1000
    assert max(ys) == 95.0 and min(ys) == 61.0
    assert result.figure["data"][0]["x"][0].startswith("2016-") and result.figure["data"][0]["x"][-1].startswith(
        "2026-11-2"
    )


def test_hidden_readings_stay_out_of_a_professionals_chart(session, now, alice):
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, alice, now)
    measure(session, alice, alice.profile, "weight", 99.0, now - DAY / 2, hidden_from_professionals=True)
    mine = measures.chart(session, alice.actor, alice.profile.id, "weight", "1y", now=now)
    theirs = measures.chart(session, dr.actor, alice.profile.id, "weight", "1y", now=now)
    assert 99.0 in mine.figure["data"][0]["y"] and 99.0 not in theirs.figure["data"][0]["y"]
    assert theirs.summary.value == "72,5"


def test_a_caregiver_charts_only_with_measures_in_scope(session, now, alice):
    nurse = make_caregiver(session, alice, ("measures",), now=now)
    assert measures.chart(session, nurse.actor, alice.profile.id, "weight", "1y", now=now).total_points == 3
    nanny = make_caregiver(session, alice, ("vaccinations",), now=now, name="Nanny")
    for call in (
        lambda: measures.chart(session, nanny.actor, alice.profile.id, "weight", "1y", now=now),
        lambda: measures.overview(session, nanny.actor, alice.profile.id, now=now),
        lambda: measures.list_entries(session, nanny.actor, alice.profile.id, "weight", now=now),
    ):
        with pytest.raises(NotFound):
            call()


def test_a_professional_chart_read_is_recorded(session, now, alice):
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, alice, now)
    measures.chart(session, dr.actor, alice.profile.id, "weight", "1y", now=now)
    assert [(e.actor_user_id, e.action, e.via) for e in committed_rows(session, AccessEvent)] == [
        (dr.id, "read", "care_team")
    ]


# --- the chart downsampled in SQL (issue 10): what it draws of 20 000 readings ---

def _bulk(session, who, kind: str, values, start: datetime, step: timedelta, secondary=None,  # noqa: ANN001
          author=None) -> None:  # noqa: ANN001
    loinc, unit = UNITS[kind]
    session.execute(sa.insert(Measure), [
        {"profile_id": who.profile.id, "author_user_id": (author or who).id, "author_role": "patient", "kind": kind,
         "loinc_code": loinc, "unit": unit, "value": value, "source": "manual", "created_at": start,
         "updated_at": start, "measured_at": start + i * step,
         "value_secondary": None if secondary is None else secondary[i]}
        for i, value in enumerate(values)])
    session.commit()


N = 20_000
STEP = timedelta(hours=4)  # 20 000 readings: about nine years


def _wavy(n: int, low: float, high: float) -> list[float]:
    return [low + (high - low) * ((i * 37) % 101) / 100 for i in range(n)]


def _series_of(result) -> dict:  # noqa: ANN001
    return {t["name"]: t for t in result.figure["data"] if t["meta"]["role"] == "series"}


def test_a_chart_of_20000_readings_keeps_the_peak_the_dip_both_ends_and_the_budget(session, now):
    bob = make_owner(session, "Bob")
    start = now - N * STEP
    values = _wavy(N, 70, 80)
    values[1234], values[15000] = 131.0, 44.5  # a peak and a dip in the middle
    values[-2], values[-1] = 75.0, 76.25  # the summary: last value and change
    _bulk(session, bob, "weight", values, start, STEP)
    result = measures.chart(session, bob.actor, bob.profile.id, "weight", "all", now=now)
    trace = result.figure["data"][0]
    assert result.total_points == N and result.sent_points == len(trace["y"]) <= measures.MAX_POINTS_PER_TRACE
    assert max(trace["y"]) == 131.0 and min(trace["y"]) == 44.5
    assert (trace["y"][0], trace["y"][-1]) == (values[0], values[-1])
    assert trace["x"][0] == f"{(start).astimezone(measures.PARIS):%Y-%m-%d %H:%M}"
    assert trace["x"][-1] == f"{(start + (N - 1) * STEP).astimezone(measures.PARIS):%Y-%m-%d %H:%M}"
    assert trace["x"] == sorted(trace["x"])
    assert (result.summary.value, result.summary.change, result.summary.count) == ("76,25", "+1,25", N)


def test_a_blood_pressure_chart_of_20000_readings_keeps_both_traces_extremes(session, now):
    bob = make_owner(session, "Bob")
    systolic, diastolic = _wavy(N, 110, 140), _wavy(N, 70, 90)
    systolic[777], diastolic[18000] = 210.0, 41.0
    _bulk(session, bob, "blood_pressure", systolic, now - N * STEP, STEP, secondary=diastolic)
    result = measures.chart(session, bob.actor, bob.profile.id, "blood_pressure", "all", now=now)
    series = _series_of(result)
    high, low = series["Systolique"]["y"], series["Diastolique"]["y"]
    assert len(high) == len(low) <= measures.MAX_POINTS_PER_TRACE
    assert result.total_points == 2 * N and result.sent_points == len(high) + len(low)
    assert max(high) == 210.0 and min(low) == 41.0 and min(high) == min(systolic) and max(low) == max(diastolic)


def test_a_bmi_chart_of_20000_weights_is_the_bmi_of_each_weight_drawn(session, now):
    """BMI is derived: each point drawn is a weight over the height measured before it, and the
    highest and lowest BMI of the range are drawn, even where the height changed in a bucket."""
    bob = make_owner(session, "Bob")
    start = now - N * STEP
    weights = _wavy(N, 70, 80)
    weights[9000] = 120.0  # the highest BMI: just after the height drops
    _bulk(session, bob, "weight", weights, start, STEP)
    heights = [(start - DAY, 180.0), (start + 8999 * STEP + STEP / 2, 150.0), (start + 9001 * STEP + STEP / 2, 182.0)]
    for at, cm in heights:
        measure(session, bob, bob.profile, "height", cm, at)
    result = measures.chart(session, bob.actor, bob.profile.id, "bmi", "all", now=now)
    ys = result.figure["data"][0]["y"]

    def bmi_at(i: int) -> float:
        at = start + i * STEP
        return round(weights[i] / (max(h for h in heights if h[0] <= at)[1] / 100) ** 2, 1)

    every = [bmi_at(i) for i in range(N)]
    assert result.total_points == N and len(ys) <= measures.MAX_POINTS_PER_TRACE
    assert max(ys) == max(every) == round(120 / 1.5**2, 1) and min(ys) == min(every)
    assert (ys[0], ys[-1]) == (every[0], every[-1])
    assert set(ys) <= set(every)


def test_a_few_readings_are_all_drawn(session, now, alice):
    result = measures.chart(session, alice.actor, alice.profile.id, "weight", "all", now=now)
    assert result.figure["data"][0]["y"] == [70.0, 71.0, 72.5] and result.sent_points == result.total_points == 3


def _chart_on(url: str, now: datetime) -> list:
    """Weights, blood pressures and BMI of one adult charted on a fresh database at ``url``."""
    from alembic import command
    from mes_app.db.migrations import alembic_config

    command.upgrade(alembic_config(url), "head")
    engine = sa.create_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            bob = make_owner(session, "Bob")
            weights = _wavy(5000, 60, 90)
            weights[4321] = 140.0
            _bulk(session, bob, "weight", weights, now - 5000 * STEP, STEP)
            _bulk(session, bob, "blood_pressure", _wavy(3000, 100, 150), now - 3000 * STEP, STEP,
                  secondary=_wavy(3000, 60, 95))
            measure(session, bob, bob.profile, "height", 175.0, now - 600 * DAY)
            return [(r.figure["data"], r.total_points, r.sent_points, r.summary)
                    for kind in ("weight", "blood_pressure", "bmi") for key in ("1m", "1y", "all")
                    for r in [measures.chart(session, bob.actor, bob.profile.id, kind, key, now=now)]]
    finally:
        engine.dispose()


def test_the_same_readings_make_the_same_chart_on_sqlite_and_postgresql(tmp_path, now):
    from tests.conftest import _fresh_database_url

    server = os.environ.get("MES_TEST_DATABASE_URL", "").strip()
    if not server:
        pytest.skip("MES_TEST_DATABASE_URL: no PostgreSQL to compare with")
    postgres, drop = _fresh_database_url(tmp_path)
    try:
        assert _chart_on(f"sqlite:///{tmp_path / 'chart.db'}", now) == _chart_on(postgres, now)
    finally:
        drop()


def test_a_hidden_peak_stays_out_of_a_professionals_downsampled_chart(session, now):
    bob = make_owner(session, "Bob")
    dr = make_professional(session, "Dr Martin")
    give_care(session, dr, bob, now - 2 * N * STEP)
    _bulk(session, bob, "weight", _wavy(3000, 70, 80), now - 3000 * STEP, STEP)
    measure(session, bob, bob.profile, "weight", 150.0, now - 1500 * STEP - STEP / 2, hidden_from_professionals=True)
    mine = measures.chart(session, bob.actor, bob.profile.id, "weight", "all", now=now)
    theirs = measures.chart(session, dr.actor, bob.profile.id, "weight", "all", now=now)
    assert max(mine.figure["data"][0]["y"]) == 150.0 and mine.total_points == 3001
    assert max(theirs.figure["data"][0]["y"]) == 80.0 and theirs.total_points == 3000
    assert theirs.sent_points <= measures.MAX_POINTS_PER_TRACE


def test_a_childs_downsampled_bmi_leaves_out_weights_without_a_recent_height(session, now):
    """A child's BMI needs a height of the last three months: the weights after a long gap are
    neither drawn nor counted, downsampled or not."""
    alice = make_owner(session, "Alice")
    lea = make_child(session, alice, "Léa", birth_date=(now - 400 * DAY).date())
    step = timedelta(hours=3)
    start = now - 3000 * step  # 375 days of weights, every three hours
    weights = _wavy(3000, 8, 11)
    _bulk(session, lea, "weight", weights, start, step, author=alice)
    heights = [(start - DAY, 70.0), (start + 1000 * step, 75.0)]  # then none for the last ~250 days
    for at, cm in heights:
        measure(session, alice, lea.profile, "height", cm, at)
    result = measures.chart(session, alice.actor, lea.profile.id, "bmi", "all", now=now)

    def bmi_at(i: int) -> float | None:
        at = start + i * step
        taken, cm = max(h for h in heights if h[0] <= at)
        return None if at - taken > measures.CHILD_BMI_HEIGHT_WINDOW else round(weights[i] / (cm / 100) ** 2, 1)

    shown = [b for b in (bmi_at(i) for i in range(3000)) if b is not None]
    [ys] = [t["y"] for t in result.figure["data"] if t["meta"]["role"] == "series"]
    assert result.total_points == len(shown) and len(ys) <= measures.MAX_POINTS_PER_TRACE < len(shown)
    assert set(ys) <= set(shown) and (max(ys), min(ys)) == (max(shown), min(shown))
