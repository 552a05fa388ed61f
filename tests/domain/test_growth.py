"""WHO growth standards (2006): z-scores against published reference values, curves, limits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mes_app.domain import growth

BORN = date(2024, 1, 1)


def on(days: int) -> date:
    return BORN + timedelta(days=days)


@pytest.mark.parametrize(("indicator", "sex", "days", "L", "M", "S"), [
    # WHO Child Growth Standards, LMS tables by day (published by WHO, igrowup / anthro)
    ("wfa", "male", 0, 0.3487, 3.3464, 0.14602),
    ("wfa", "female", 0, 0.3809, 3.2322, 0.14171),
    ("lhfa", "male", 0, 1.0, 49.8842, 0.03795),
    ("bmi", "male", 0, -0.3053, 13.4069, 0.0956),
])
def test_lms_parameters_are_the_who_ones(indicator, sex, days, L, M, S):
    lms = growth.lms_at(indicator, sex, days)
    assert pytest.approx((L, M, S)) == (lms.L, lms.M, lms.S)


def test_head_circumference_at_birth_is_the_who_median():
    assert pytest.approx(34.4618) == growth.lms_at("hcfa", "male", 0).M
    assert pytest.approx(33.8787) == growth.lms_at("hcfa", "female", 0).M
    # 60 months = 1,826 days: the last monthly row
    assert pytest.approx(50.7375, abs=0.01) == growth.lms_at("hcfa", "male", 1826).M


def test_a_median_value_has_z_zero_and_percentile_fifty():
    score = growth.zscore("wfa", "male", BORN, BORN, 3.3464)
    assert (score.z, score.percentile) == (0.0, 50.0)


def test_reference_value_cross_checked_with_three_libraries():
    # Boy, 365 days, 9.6 kg: anthro z = -0.0437, pygrowup -0.05, rcpchgrowth SDS -0.044 (centile 48.3)
    score = growth.zscore("wfa", "male", BORN, on(365), 9.6)
    assert score.z == pytest.approx(-0.04, abs=0.006)
    assert score.percentile == pytest.approx(48.3, abs=0.2)


def test_who_sd_lines_give_their_z_scores():
    lms = growth.lms_at("wfa", "female", 180)
    for z in (-2, -1, 1, 2):
        assert growth.lms_z(lms.value_at(z), lms, restricted=True) == pytest.approx(z, abs=1e-9)


def test_weight_beyond_3_sd_uses_the_who_linear_tail():
    lms = growth.lms_at("wfa", "male", 365)
    sd3, sd2 = lms.value_at(3), lms.value_at(2)
    x = sd3 + (sd3 - sd2)  # one "SD23" above SD3 -> z = 4 exactly with the restricted tail
    assert growth.lms_z(x, lms, restricted=True) == pytest.approx(4.0)
    assert growth.lms_z(x, lms, restricted=False) != pytest.approx(4.0)


def test_standing_height_under_two_years_gets_the_07_cm_correction():
    lying = growth.zscore("lhfa", "female", BORN, on(200), 66.0, recumbent=True)
    standing = growth.zscore("lhfa", "female", BORN, on(200), 65.3, recumbent=False)
    assert lying.z == standing.z == pytest.approx(-0.28, abs=0.01)  # anthro: -0.276


def test_classification_uses_who_cut_offs():
    assert growth.classify("wfa", -2.01) == "underweight"
    assert growth.classify("wfa", -2.0) == "normal"
    assert growth.classify("wfa", -3.01) == "severely_underweight"
    assert growth.classify("bmi", 1.01) == "risk_overweight"
    assert growth.classify("bmi", 2.01) == "overweight"
    assert growth.classify("bmi", 3.01) == "obese"
    assert growth.classify("lhfa", -2.5) == "stunted"


def test_nothing_is_computed_beyond_five_years_or_without_a_sex():
    assert growth.zscore("wfa", "male", BORN, on(1827), 19.0) is None
    assert growth.zscore("wfa", "unknown", BORN, on(100), 6.0) is None
    assert growth.zscore("wfa", "male", BORN, BORN - timedelta(days=1), 3.0) is None
    assert growth.curves("wfa", "male", 2000, 3000) == []


def test_curves_are_the_five_who_percentiles_and_stop_at_five_years():
    curves = growth.curves("wfa", "female", 0, 2500, points=30)
    assert [c.percentile for c in curves] == [3, 15, 50, 85, 97]
    p3, _, p50, _, p97 = curves
    assert p50.ages[-1] == growth.MAX_AGE_DAYS
    assert p50.values[0] == pytest.approx(3.23, abs=0.01)
    assert all(a < b < c for a, b, c in zip(p3.values, p50.values, p97.values, strict=True))


# --------------------------------------------------------------------------- head circumference by day
# WHO Child Growth Standards, head circumference-for-age, expanded tables by day (L = 1). Days 0, 7,
# 14 and 91 are also WHO's weeks 0, 1, 2 and 13 table (the SD columns give the −2/−3 SD lines).


@pytest.mark.parametrize(("sex", "days", "M", "S"), [
    ("male", 0, 34.4618, 0.03686),
    ("male", 7, 35.1634, 0.03472),
    ("male", 10, 35.4640, 0.03380),
    ("male", 14, 35.8649, 0.03258),
    ("male", 60, 39.0834, 0.03000),
    ("male", 91, 40.5008, 0.02918),
    ("male", 365, 46.0637, 0.02789),
    ("male", 1826, 50.7372, 0.02945),
    ("female", 0, 33.8787, 0.03496),
    ("female", 7, 34.5529, 0.03374),
    ("female", 10, 34.8419, 0.03321),
    ("female", 14, 35.2272, 0.03251),
    ("female", 60, 38.2106, 0.03169),
    ("female", 91, 39.5210, 0.03140),
    ("female", 365, 44.8940, 0.03027),
    ("female", 1826, 49.9225, 0.02850),
])
def test_head_circumference_lms_are_who_daily_values(sex, days, M, S):
    lms = growth.lms_at("hcfa", sex, days)
    assert pytest.approx((1.0, M, S), abs=1e-5) == (lms.L, lms.M, lms.S)


def test_a_ten_day_old_boy_at_33_cm_is_low_as_by_who_daily_table():
    score = growth.zscore("hcfa", "male", BORN, on(10), 33.0)
    assert score.z == pytest.approx(-2.06, abs=0.01)  # monthly interpolation said −1.92
    assert score.category == "low"


@pytest.mark.parametrize(("sex", "days", "value", "z"), [
    # WHO weekly table SD lines (cm): (week 0) boys −2 SD 31.9, girls +2 SD 36.2;
    # (week 1) boys −3 SD 31.5; (week 2) girls −2 SD 32.9; (week 13) boys +2 SD 42.9, girls −2 SD 37.0
    ("male", 0, 31.9, -2.0),
    ("female", 0, 36.2, 2.0),
    ("male", 7, 31.5, -3.0),
    ("female", 14, 32.9, -2.0),
    ("male", 91, 42.9, 2.0),
    ("female", 91, 37.0, -2.0),
    # medians by day: z = 0 exactly
    ("male", 60, 39.0834, 0.0),
    ("female", 60, 38.2106, 0.0),
    # past the first 13 weeks, still by day: WHO 12 months (365.25 d) boys M 46.0661, girls −2 SD 42.2
    ("male", 365, 46.0661, 0.0),
    ("female", 365, 42.2, -2.0),
])
def test_head_circumference_z_scores_match_who_published_lines(sex, days, value, z):
    # the published SD lines are rounded to 1 mm: 0.1 cm ≈ 0.09 SD at these ages
    assert growth.zscore("hcfa", sex, BORN, on(days), value).z == pytest.approx(z, abs=0.08)


def test_head_circumference_beyond_five_years_is_not_computed():
    assert growth.lms_at("hcfa", "male", growth.MAX_AGE_DAYS) is not None
    assert growth.lms_at("hcfa", "female", growth.MAX_AGE_DAYS + 1) is None
    assert growth.zscore("hcfa", "male", BORN, on(2000), 51.0) is None


def test_head_circumference_curves_follow_the_daily_table_in_the_first_weeks():
    p50 = next(c for c in growth.curves("hcfa", "male", 0, 28, points=29) if c.percentile == 50)
    assert dict(zip(p50.ages, p50.values, strict=True))[10] == pytest.approx(35.46, abs=0.01)
