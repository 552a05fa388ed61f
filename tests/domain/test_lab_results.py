"""The lab results domain: catalogue, interpretation, conversions, validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mes_app.domain import lab_results as lab
from mes_app.domain.errors import ValidationError
from mes_app.domain.lab_results import LabReportInput, LabValueInput
from mes_app.domain.terminology import load_default

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
FRENCH_20 = ("14771-0", "4548-4", "14682-9", "62238-1", "2093-3", "2085-9", "13457-7", "2571-8", "3016-3", "718-7",
             "6690-2", "777-3", "2276-4", "62292-8", "1988-5", "1742-6", "1920-8", "2324-2", "2823-3", "2951-2",
             "6301-6", "2857-1")


def test_the_catalogue_holds_the_common_french_tests_with_both_names():
    cat = lab.catalogue()
    for code in FRENCH_20:
        test = cat.for_code(code)
        assert test is not None and test.loinc == code, code
        assert test.name_fr and test.name_en and test.unit.code
    assert cat.for_code("1558-6").key == "glucose_fasting"  # the mass code belongs to the same test
    assert cat.get("nope") is None and cat.for_code(None) is None


def test_every_lab_test_is_in_the_terminology_and_found_without_accents():
    terms = load_default()
    assert len(terms.concepts("lab_test")) == len(lab.catalogue().tests)
    assert terms.search("lab_test", "glycemie a jeun")[0].code == "14771-0"
    assert terms.search("lab_test", "CHOLESTEROL HDL")[0].code == "2085-9"
    assert terms.search("lab_test", "transaminases")[0].code in ("1742-6", "1920-8")


@pytest.mark.parametrize(("key", "value", "src", "dst", "expected"), [
    ("glucose_fasting", 1.0, "g/L", "mmol/L", 5.551),
    ("glucose_fasting", 5.551, "mmol/L", "g/L", 1.0),
    ("cholesterol_hdl", 1.08, "g/L", "mmol/L", 2.79),  # ANS example: 1.08 g/L -> 2.8 mmol/L
    ("triglycerides", 4.9, "g/L", "mmol/L", 5.53),  # ANS example: 4.9 g/L -> 5.6 mmol/L
    ("creatinine", 10.0, "mg/L", "umol/L", 88.4),
    ("vitamin_d", 30.0, "ng/mL", "nmol/L", 74.9),
    ("platelets", 250_000, "/mm3", "10*9/L", 250.0),
])
def test_conversions(key, value, src, dst, expected):
    test = lab.catalogue().get(key)
    assert lab.convert(value, test, src, dst) == pytest.approx(expected, rel=0.01)


def test_no_conversion_without_a_factor():
    hba1c = lab.catalogue().get("hba1c")
    assert lab.convert(6.5, hba1c, "%", "mmol/mol") is None
    assert not hba1c.has_mass_molar and lab.catalogue().get("creatinine").has_mass_molar


@pytest.mark.parametrize(("key", "value", "unit", "low", "high", "expected"), [
    ("glucose_fasting", 5.0, "mmol/L", 3.9, 5.8, "N"),
    ("glucose_fasting", 6.4, "mmol/L", 3.9, 5.8, "H"),
    ("glucose_fasting", 3.0, "mmol/L", 3.9, 5.8, "L"),
    ("glucose_fasting", 26.0, "mmol/L", 3.9, 5.8, "HH"),  # critical limit 25 mmol/L
    ("glucose_fasting", 4.6, "g/L", 0.7, 1.05, "HH"),  # the same limit, converted: 25/5.551 = 4.5 g/L
    ("potassium", 6.5, "mmol/L", 3.5, 5.0, "HH"),
    ("potassium", 2.5, "mmol/L", 3.5, 5.0, "LL"),
    ("potassium", 5.5, "mmol/L", 3.5, 5.0, "H"),  # high, not critical
    ("crp", 16.0, "mg/L", None, 5.0, "HH"),  # no critical limit: 3 × the upper limit
    ("crp", 12.0, "mg/L", None, 5.0, "H"),
    ("ferritin", 6.0, "ug/L", 20.0, 300.0, "LL"),  # at most a third of the lower limit
    ("crp", 3.0, "mg/L", None, None, None),  # no range, no critical limit: nothing said
    ("potassium", 7.0, "mmol/L", None, None, "HH"),  # no range, but critical
])
def test_interpretation(key, value, unit, low, high, expected):
    test = lab.catalogue().get(key)
    assert lab.interpret(value, low, high, test=test, unit=unit) == expected


def test_the_lab_flag_wins_and_a_text_value_gets_none_of_its_own():
    assert lab.interpret(5.0, 3.9, 5.8, given="H") == "H"
    assert lab.interpret(None, 3.9, 5.8) is None


def report(*values, **extra) -> LabReportInput:
    return LabReportInput(collected_at=NOW - timedelta(days=1), values=values, **extra)


def test_check_report_accepts_numbers_and_texts():
    checked = lab.check_report(report(
        LabValueInput("14771-0", "mmol/L", 6.4, low=3.9, high=5.8),
        LabValueInput("1988-5", "", value_text="< 0,5"),
    ), now=NOW, birth_date=date(1990, 1, 1))
    first, second = checked.values
    assert (first.interpretation, first.interpretation_computed, first.name) == ("H", True, "Glycémie à jeun")
    assert (second.value, second.value_text, second.interpretation) == (None, "< 0,5", None)


@pytest.mark.parametrize(("value", "code"), [
    (LabValueInput("14771-0", "kg", 6.4), "error.lab_unit"),  # not a unit of this test
    (LabValueInput("14771-0", "", 6.4), "error.lab_unit"),  # a number needs its unit
    (LabValueInput("99999-9", "mg/L", 1.0), "error.lab_unknown_test"),  # outside the catalogue, no name
    (LabValueInput("99999-9", "mg L", 1.0, name="Test"), "error.lab_unit"),  # not a UCUM code
    (LabValueInput("abc", "mg/L", 1.0), "error.lab_unknown_test"),
    (LabValueInput("14771-0", "mmol/L"), "error.required"),  # no value at all
    (LabValueInput("14771-0", "mmol/L", float("nan")), "error.invalid_number"),
    (LabValueInput("14771-0", "mmol/L", True), "error.invalid_number"),
    (LabValueInput("14771-0", "mmol/L", 5.0, low=6.0, high=3.0), "error.lab_range"),
    (LabValueInput("14771-0", "mmol/L", 5.0, interpretation="HIGH"), "error.invalid_choice"),
])
def test_check_value_refuses(value, code):
    with pytest.raises(ValidationError) as err:
        lab.check_value(value)
    assert err.value.code == code


def test_a_code_outside_the_catalogue_is_kept_with_its_name():
    checked = lab.check_value(LabValueInput("2532-0", "U/L", 180.0, high=250.0, name="LDH"))
    assert (checked.test, checked.name, checked.interpretation) == (None, "LDH", "N")


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"collected_at": NOW + timedelta(hours=1)}, "error.date_in_future"),
    ({"collected_at": datetime(2026, 1, 1)}, "error.invalid_datetime"),  # naive
    ({"collected_at": datetime(1980, 1, 1, tzinfo=UTC)}, "error.before_birth"),
    ({"issued_at": NOW - timedelta(days=3)}, "error.lab_issued"),  # issued before collected
    ({"status": "draft"}, "error.invalid_choice"),
    ({"values": ()}, "error.lab_no_value"),
    ({"values": (LabValueInput("2823-3", "mmol/L", 4.0),) * (lab.MAX_VALUES + 1)}, "error.lab_too_many"),
])
def test_check_report_refuses(kwargs, code):
    base = {"collected_at": NOW - timedelta(days=1), "values": (LabValueInput("2823-3", "mmol/L", 4.0),)}
    with pytest.raises(ValidationError) as err:
        lab.check_report(LabReportInput(**{**base, **kwargs}), now=NOW, birth_date=date(1990, 1, 1))
    assert err.value.code == code


def test_value_from_form_reads_the_french_comma_and_picks_the_code_of_the_unit():
    value = lab.value_from_form({"test": "glucose_fasting", "unit": "g/L", "value": "1,32", "low": "0,70",
                                 "high": "1,05"})
    assert (value.loinc, value.unit, value.value, value.low, value.high) == ("1558-6", "g/L", 1.32, 0.7, 1.05)
    text = lab.value_from_form({"test": "crp", "value": "< 0,5"})
    assert (text.value, text.value_text, text.unit) == (None, "< 0,5", "mg/L")
    for bad in ({"test": "nope", "value": "1"}, {"test": "crp", "unit": "kg", "value": "1"}, {"test": "crp"}, "x"):
        with pytest.raises(ValidationError):
            lab.value_from_form(bad)


def test_range_text():
    assert lab.range_text(3.9, 5.8) == "3,9 – 5,8"
    assert lab.range_text(None, 5, "en") == "< 5"
    assert lab.range_text(40, None) == "> 40"
    assert lab.range_text(None, None) == ""
