"""Measures as data: codes, units, limits, BMI, reference classes at their boundaries, LTTB."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from mes_app import i18n
from mes_app.domain import measures as m
from mes_app.domain.errors import ValidationError

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ADULT = date(1990, 5, 17)


def form(**values) -> dict:
    return {"measured_at": "2026-11-28T08:30", **values}


def refused(code: str, **values) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        m.parse_reading(form(**values), now=NOW, birth_date=values.pop("birth", ADULT) if "birth" in values else ADULT)
    assert caught.value.code == code
    return caught.value


# --------------------------------------------------------------------------- codes and units


@pytest.mark.parametrize(
    ("kind", "loinc", "unit"),
    [
        ("weight", "29463-7", "kg"),
        ("height", "8302-2", "cm"),
        ("bmi", "39156-5", "kg/m2"),
        ("blood_pressure", "85354-9", "mm[Hg]"),
        ("heart_rate", "8867-4", "/min"),
        ("temperature", "8310-5", "Cel"),
        ("spo2", "59408-5", "%"),
        ("glucose", "2339-0", "mg/dL"),
        ("head_circumference", "9843-4", "cm"),
        ("waist_circumference", "8280-0", "cm"),
    ],
)
def test_each_kind_has_its_loinc_code_and_canonical_ucum_unit(kind, loinc, unit):
    assert (m.KINDS[kind].loinc, m.KINDS[kind].unit) == (loinc, unit)


def test_bmi_is_never_typed():
    assert "bmi" not in m.ENTRY_KINDS
    with pytest.raises(ValidationError):
        m.parse_reading(form(kind="bmi", value="22"), now=NOW, birth_date=ADULT)


def test_height_under_two_years_is_recumbent_length():
    born = date(2025, 3, 1)
    reading = m.parse_reading(form(kind="height", value="68"), now=NOW, birth_date=born)
    assert reading.loinc_code == "8306-3"
    assert m.parse_reading(form(kind="height", value="168"), now=NOW, birth_date=ADULT).loinc_code == "8302-2"


@pytest.mark.parametrize(
    ("kind", "typed", "unit", "stored"),
    [
        ("weight", "160", "[lb_av]", 72.5748),
        ("weight", "160", "lb", 72.5748),
        ("weight", "3300", "g", 3.3),
        ("height", "70", "[in_i]", 177.8),
        ("temperature", "98,6", "[degF]", 37.0),
        ("temperature", "37,5", "Cel", 37.5),
        ("glucose", "5,5", "mmol/L", 99.088),
        ("glucose", "99", "mg/dL", 99.0),
        ("waist_circumference", "32", "[in_i]", 81.28),
    ],
)
def test_preferred_units_are_converted_to_the_canonical_one(kind, typed, unit, stored):
    reading = m.parse_reading(form(kind=kind, value=typed, unit=unit), now=NOW, birth_date=ADULT)
    assert reading.value == pytest.approx(stored, abs=1e-3)
    assert reading.unit == m.KINDS[kind].unit


def test_conversion_back_to_the_preferred_unit():
    assert m.to_unit(m.KINDS["temperature"], 37.0, "[degF]") == pytest.approx(98.6)
    assert m.to_unit(m.KINDS["glucose"], 99.088, "mmol/L") == pytest.approx(5.5)
    assert m.to_unit(m.KINDS["weight"], 72.5748, "[lb_av]") == pytest.approx(160, abs=1e-3)


def test_an_unknown_unit_is_refused():
    assert refused("error.invalid_unit", kind="weight", value="70", unit="stone").params["field"] == "unit"


# --------------------------------------------------------------------------- limits


def test_a_900_kg_weight_is_refused_naming_the_limit():
    error = refused("error.measure_out_of_range", kind="weight", value="900")
    assert error.params == {"kind": "weight", "min": 0.2, "max": 500.0, "unit": "kg", "field": "value"}
    assert "900" not in str(error) and "900" not in repr(error.params)
    text = i18n.t(error.code, "en", **{**error.params, "kind": "Weight"})
    assert "between 0.2 and 500.0 kg" in text


def test_the_limit_is_named_in_the_unit_typed():
    error = refused("error.measure_out_of_range", kind="weight", value="2000", unit="[lb_av]")
    assert (error.params["max"], error.params["unit"]) == (1102.3, "lb")


def test_an_spo2_of_130_percent_is_refused():
    assert refused("error.measure_out_of_range", kind="spo2", value="130").params["max"] == 100


def test_a_diastolic_above_the_systolic_is_refused():
    refused("error.diastolic_above_systolic", kind="blood_pressure", value="80", value_secondary="120")
    refused("error.diastolic_above_systolic", kind="blood_pressure", value="90", value_secondary="90")


def test_a_blood_pressure_needs_both_values_and_may_carry_a_pulse():
    refused("error.required", kind="blood_pressure", value="120")
    reading = m.parse_reading(
        form(kind="blood_pressure", value="128", value_secondary="82", heart_rate="64"), now=NOW, birth_date=ADULT
    )
    assert (reading.value, reading.value_secondary, reading.heart_rate) == (128, 82, 64)
    refused("error.measure_out_of_range", kind="blood_pressure", value="128", value_secondary="82", heart_rate="400")


@pytest.mark.parametrize(
    ("kind", "low", "high"), [("weight", "0.2", "500"), ("spo2", "50", "100"), ("temperature", "30", "45")]
)
def test_limits_themselves_are_accepted(kind, low, high):
    for value in (low, high):
        assert m.parse_reading(form(kind=kind, value=value), now=NOW, birth_date=ADULT).value == float(value)


def test_a_date_in_the_future_is_refused():
    error = refused("error.date_in_future", kind="weight", value="70", measured_at="2026-11-29T08:00")
    assert error.params == {"field": "measured_at"}


def test_a_phone_clock_a_minute_ahead_is_not_the_future():
    # 13:03 in Paris is 12:03 UTC, three minutes after NOW.
    assert m.parse_reading(form(kind="weight", value="70", measured_at="2026-11-28T13:03"), now=NOW, birth_date=ADULT)


def test_a_date_before_birth_is_refused():
    with pytest.raises(ValidationError) as caught:
        m.parse_reading(
            form(kind="weight", value="3.2", measured_at="2025-02-27T10:00"), now=NOW, birth_date=date(2025, 3, 1)
        )
    assert caught.value.code == "error.before_birth"


@pytest.mark.parametrize("bad", [None, "abc", ["70"], {"x": 1}, "1e400", "nan", True])
def test_garbage_values_are_refused(bad):
    with pytest.raises(ValidationError):
        m.parse_reading(form(kind="weight", value=bad), now=NOW, birth_date=ADULT)


@pytest.mark.parametrize("bad", [None, "", "x", ["weight"], "bmi"])
def test_unknown_kinds_are_refused(bad):
    with pytest.raises(ValidationError):
        m.parse_reading(form(kind=bad, value="70"), now=NOW, birth_date=ADULT)


def test_every_measure_error_is_translated_in_both_languages():
    codes = {
        "error.measure_out_of_range",
        "error.diastolic_above_systolic",
        "error.invalid_unit",
        "error.import_too_large",
        "error.import_not_csv",
        "error.import_empty",
        "error.import_columns",
        "error.import_too_many_rows",
        "error.import_unknown_kind",
        "error.import_has_errors",
        "error.import_date",
    }
    assert sorted(c for c in codes if c not in i18n.TEXTS) == []
    keys = {f"bmi_class.{b.key}" for b in m.BMI_BANDS} | {f"bp_class.{g}" for g in m.BP_GRADES}
    keys |= {"bp_class.isolated_systolic"} | {f"measure.{k}" for k in m.KINDS}
    assert sorted(k for k in keys if k not in i18n.TEXTS) == []


# --------------------------------------------------------------------------- BMI and classes


def test_bmi():
    assert m.bmi(70, 175) == 22.9
    assert m.bmi(9.4, 72) == 18.1
    with pytest.raises(ValidationError):
        m.bmi(70, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (18.49, "underweight"),
        (18.5, "normal"),
        (24.99, "normal"),
        (25.0, "overweight"),
        (29.99, "overweight"),
        (30.0, "obese_1"),
        (34.99, "obese_1"),
        (35.0, "obese_2"),
        (39.99, "obese_2"),
        (40.0, "obese_3"),
        (12, "underweight"),
    ],
)
def test_who_bmi_classes_at_their_boundaries(value, expected):
    assert m.bmi_class(value) == expected


@pytest.mark.parametrize(
    ("sys", "dia", "expected"),
    [
        (119, 79, "optimal"),
        (120, 79, "normal"),
        (119, 80, "normal"),
        (129, 84, "normal"),
        (130, 84, "high_normal"),
        (129, 85, "high_normal"),
        (139, 89, "high_normal"),
        (140, 90, "grade_1"),
        (139, 90, "grade_1"),
        (159, 99, "grade_1"),
        (160, 100, "grade_2"),
        (150, 100, "grade_2"),
        (179, 109, "grade_2"),
        (180, 110, "grade_3"),
        (120, 110, "grade_3"),
        (140, 89, "isolated_systolic"),
        (185, 85, "isolated_systolic"),
    ],
)
def test_esc_esh_blood_pressure_classes_at_their_boundaries(sys, dia, expected):
    assert m.bp_class(sys, dia) == expected


def test_format_number():
    assert (m.format_number(72.5, "fr"), m.format_number(72.5, "en")) == ("72,5", "72.5")
    assert m.format_number(72.0, "fr") == "72"
    assert m.format_number(3.456, "fr", 2) == "3,46"


# --------------------------------------------------------------------------- downsampling


def _noisy(n: int, seed: int = 7) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    xs = [float(i * 86_400) for i in range(n)]
    ys = [70 + 3 * math.sin(i / 50) + rng.gauss(0, 0.5) for i in range(n)]
    return xs, ys


@pytest.mark.parametrize("n", [5, 1_000, 1_001, 3_650, 100_000])
def test_lttb_keeps_at_most_the_threshold_and_first_last_and_extremes(n):
    xs, ys = _noisy(n)
    ys[n // 3] = 95.0  # a spike
    ys[(2 * n) // 3] = 41.0  # a dip
    kept = m.lttb_indices(xs, ys, 1_000)
    assert len(kept) <= 1_000
    assert kept == sorted(set(kept))
    assert kept[0] == 0 and kept[-1] == n - 1
    assert n // 3 in kept and (2 * n) // 3 in kept
    if n <= 1_000:
        assert kept == list(range(n))
    else:
        assert len(kept) >= 990


def test_lttb_extremes_at_the_edges_do_not_overflow_the_budget():
    xs, ys = _noisy(5_000)
    ys[0], ys[-1] = 200.0, -5.0
    kept = m.lttb_indices(xs, ys, 100)
    assert len(kept) <= 100 and kept[0] == 0 and kept[-1] == 4_999


def test_lttb_follows_the_shape():
    xs = [float(i) for i in range(10_000)]
    ys = [float(i % 100) for i in range(10_000)]  # a saw tooth
    kept = m.downsample(list(zip(xs, ys, strict=True)), 400)
    assert min(y for _, y in kept) == 0 and max(y for _, y in kept) == 99


def test_lttb_refuses_nonsense():
    with pytest.raises(ValueError):
        m.lttb_indices([1.0, 2.0], [1.0], 10)
    with pytest.raises(ValueError):
        m.lttb_indices([1.0], [1.0], 3)


def test_change_since_the_previous_value():
    assert m.change([70.0, 71.5]).delta == pytest.approx(1.5)
    assert m.change([70.0]).delta is None
    assert m.change([]) is None


def test_age_in_years():
    assert m.age_in_years(date(2008, 11, 29), date(2026, 11, 28)) == 17
    assert m.age_in_years(date(2008, 11, 28), date(2026, 11, 28)) == 18
    assert timedelta(minutes=5) == m.FUTURE_TOLERANCE
