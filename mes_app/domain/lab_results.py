"""Lab results (issue 12, item 1): the test catalogue, interpretation, unit conversion and the
validation of a report. Pure Python: no Reflex, no database; the time is passed in.

Catalogue (``mes_app/data/terminology_labs.json``): one :class:`LabTest` per test (the 22 common
French tests of ``shared/reference/data-in-out.md`` §3.3), each with its units. A unit is a UCUM
code, the label a French report prints, the LOINC code that goes with it (the mass and the
molar forms of a test have different LOINC codes: glucose 1558-6 g/L, 14771-0 mmol/L) and the
factor that turns a value in that unit into the test's first (reference) unit, or ``None``
when there is no fixed factor (HbA1c % ↔ mmol/mol is affine, not a factor).

What is stored is what the lab printed: its code, its unit, its value, its range. Conversions
are for display only (the trend page's unit toggle).

Interpretation (HL7 v3 ObservationInterpretation: ``N``, ``H``, ``L``, ``HH``, ``LL``, ``A``)
    The lab's own flag when it sent one. Otherwise, for a number, computed:

    1. ``HH`` / ``LL`` when the value reaches a *critical limit* of the test (catalogue, in the
       test's reference unit, converted to the value's unit): potassium 2.8 / 6.2 mmol/L,
       sodium 120 / 160 mmol/L, fasting glucose 2.5 / 25 mmol/L, haemoglobin 7 / 20 g/dL,
       leucocytes 1 / 50 G/L, platelets 20 / 1000 G/L, INR ≥ 5, eGFR < 15;
    2. else, for a test without critical limits, ``HH`` when the value is at least
       :data:`FAR_FACTOR` (3) times the upper limit, ``LL`` when it is at most the lower limit
       divided by 3 (only for a positive lower limit);
    3. else ``H`` above the upper limit, ``L`` below the lower limit, ``N`` within;
    4. nothing (``None``) when there is no range and no critical limit is reached.

    A text value ("positif", "< 0,5") gets only the lab's flag.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mes_app.domain.errors import ValidationError

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "terminology_labs.json"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
INTERPRETATIONS: tuple[str, ...] = ("N", "H", "L", "HH", "LL", "A")
INTERPRETATION_DISPLAYS: Mapping[str, str] = MappingProxyType({
    "N": "Normal", "H": "High", "L": "Low", "HH": "Critical high", "LL": "Critical low", "A": "Abnormal"})
OUT_OF_RANGE = frozenset({"H", "L", "HH", "LL", "A"})
STATUSES: tuple[str, ...] = ("final", "preliminary", "amended", "corrected")
FAR_FACTOR = 3.0
MAX_VALUES = 60  # values in one report
VALUE_TEXT_MAX = 120
RANGE_TEXT_MAX = 60
LAB_NAME_MAX = 200
TITLE_MAX = 200
NAME_MAX = 200
MAX_ABS = 1e9
# A UCUM code as a sender may write it: no spaces, printable, short (a syntax check only; a
# known test's unit must be one of its own units).
_UCUM_SYNTAX = re.compile(r"[A-Za-z0-9%/.*\[\]{}()_^'+-]{1,30}")
_LOINC_SYNTAX = re.compile(r"[0-9]{1,7}-[0-9]")


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class LabUnit:
    code: str  # UCUM
    label: str  # as French reports print it ("µmol/L", "G/L", "mUI/L")
    loinc: str  # the LOINC code of the test measured in this unit
    factor: float | None  # value in this unit × factor = value in the test's first unit
    prop: str  # mass | molar | other


@dataclass(frozen=True)
class LabTest:
    key: str
    name_fr: str
    name_en: str
    units: tuple[LabUnit, ...]
    synonyms: tuple[str, ...] = ()
    critical_low: float | None = None  # in the first unit
    critical_high: float | None = None

    @property
    def loinc(self) -> str:
        """The preferred LOINC code (that of the first unit)."""
        return self.units[0].loinc

    @property
    def unit(self) -> LabUnit:
        return self.units[0]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u.loinc for u in self.units))

    def name(self, lang: str = "fr") -> str:
        return self.name_en if lang == "en" else self.name_fr

    def find_unit(self, code: object) -> LabUnit | None:
        return next((u for u in self.units if u.code == code), None) if isinstance(code, str) else None

    @property
    def display_units(self) -> tuple[LabUnit, ...]:
        """The units a trend can be shown in: those with a factor, one per property (the
        first of each), so the toggle is mass ↔ molar, not g/L ↔ mg/dL."""
        seen: dict[str, LabUnit] = {}
        for unit in self.units:
            if unit.factor is not None and unit.prop not in seen:
                seen[unit.prop] = unit
        return tuple(seen.values())

    @property
    def has_mass_molar(self) -> bool:
        return {"mass", "molar"} <= {u.prop for u in self.display_units}


@dataclass(frozen=True)
class Catalogue:
    tests: Mapping[str, LabTest]
    by_loinc: Mapping[str, LabTest]

    def get(self, key: object) -> LabTest | None:
        return self.tests.get(key) if isinstance(key, str) else None

    def for_code(self, loinc: object) -> LabTest | None:
        return self.by_loinc.get(loinc) if isinstance(loinc, str) else None


def _catalogue_from(raw: Mapping) -> Catalogue:
    tests: dict[str, LabTest] = {}
    by_loinc: dict[str, LabTest] = {}
    for row in raw["tests"]:
        critical = row.get("critical") or [None, None]
        test = LabTest(
            key=row["key"], name_fr=row["fr"], name_en=row["en"], synonyms=tuple(row.get("synonyms", ())),
            units=tuple(LabUnit(code, label, loinc, None if factor is None else float(factor), prop)
                        for code, label, loinc, factor, prop in row["units"]),
            critical_low=critical[0], critical_high=critical[1],
        )
        if test.key in tests:
            raise ValueError(f"duplicate lab test {test.key!r}")
        tests[test.key] = test
        for code in test.codes:
            if code in by_loinc:
                raise ValueError(f"LOINC {code} in two lab tests")
            by_loinc[code] = test
    return Catalogue(MappingProxyType(tests), MappingProxyType(by_loinc))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The packaged catalogue, loaded once per process."""
    return _catalogue_from(json.loads(CATALOGUE_PATH.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- conversion


def convert(value: float, test: LabTest, from_unit: str, to_unit: str) -> float | None:
    """``value`` in ``from_unit`` expressed in ``to_unit``, or None when there is no factor."""
    if from_unit == to_unit:
        return value
    src, dst = test.find_unit(from_unit), test.find_unit(to_unit)
    if src is None or dst is None or src.factor is None or dst.factor is None:
        return None
    return value * src.factor / dst.factor


# --------------------------------------------------------------------------- interpretation


def interpret(value: float | None, low: float | None, high: float | None, *, test: LabTest | None = None,
              unit: str = "", given: str | None = None) -> str | None:
    """The interpretation code (see the module docstring for the rule)."""
    if given:
        return given
    if value is None:
        return None
    crit_low = crit_high = None
    if test is not None:
        if test.critical_low is not None:
            crit_low = convert(test.critical_low, test, test.unit.code, unit)
        if test.critical_high is not None:
            crit_high = convert(test.critical_high, test, test.unit.code, unit)
    if crit_high is not None and value >= crit_high:
        return "HH"
    if crit_low is not None and value <= crit_low:
        return "LL"
    has_critical = test is not None and (test.critical_low is not None or test.critical_high is not None)
    if not has_critical:
        if high is not None and high > 0 and value >= FAR_FACTOR * high:
            return "HH"
        if low is not None and low > 0 and value <= low / FAR_FACTOR:
            return "LL"
    if high is not None and value > high:
        return "H"
    if low is not None and value < low:
        return "L"
    if low is None and high is None:
        return None
    return "N"


def is_out_of_range(code: str | None) -> bool:
    return code in OUT_OF_RANGE


# --------------------------------------------------------------------------- typed inputs


@dataclass(frozen=True)
class LabValueInput:
    """One analyte as a report gives it. Either ``value`` (a number) or ``value_text``."""

    loinc: str
    unit: str = ""  # UCUM code
    value: float | None = None
    value_text: str | None = None
    low: float | None = None  # the lab's reference range, in ``unit``
    high: float | None = None
    range_text: str | None = None
    interpretation: str | None = None  # the lab's flag, if any
    name: str | None = None  # the test's name as printed (a code outside the catalogue needs one)


@dataclass(frozen=True)
class LabReportInput:
    """A report: its dates, the lab, its values; the service stores it as is once checked."""

    collected_at: datetime  # specimen collection (Observation.effectiveDateTime), aware
    values: tuple[LabValueInput, ...]
    issued_at: datetime | None = None  # validated and made available (Observation.issued)
    lab_name: str | None = None
    title: str | None = None
    status: str = "final"
    identifier: str | None = None  # the sender's id (idempotent posting, later)
    document_id: int | None = None  # the report's PDF in the documents section
    note: str | None = None


@dataclass(frozen=True)
class CheckedValue:
    test: LabTest | None
    loinc: str
    name: str
    unit: str
    value: float | None
    value_text: str | None
    low: float | None
    high: float | None
    range_text: str | None
    interpretation: str | None
    interpretation_computed: bool


@dataclass(frozen=True)
class CheckedReport:
    collected_at: datetime
    issued_at: datetime | None
    lab_name: str | None
    title: str | None
    status: str
    identifier: str | None
    document_id: int | None
    note: str | None
    values: tuple[CheckedValue, ...] = field(default=())


def _fail(code: str, **params: Any) -> ValidationError:
    return ValidationError(code, **params)


def _aware(moment: object, name: str) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise _fail("error.invalid_datetime", field=name)
    return moment


def _number(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        raise _fail("error.invalid_number", field=name)
    if abs(float(value)) > MAX_ABS:
        raise _fail("error.out_of_range", field=name, min=-MAX_ABS, max=MAX_ABS)
    return float(value)


def _text(value: object, name: str, max_len: int) -> str | None:
    from mes_app.domain.validation import clean_text

    return clean_text(value, field=name, max_len=max_len, multiline=False)


def check_value(raw: LabValueInput, cat: Catalogue | None = None) -> CheckedValue:
    """One value, checked: a known LOINC code with one of its test's units (or, outside the
    catalogue, a LOINC-shaped code, a UCUM-shaped unit and a name), a number or a text."""
    cat = cat or catalogue()
    if not isinstance(raw, LabValueInput):
        raise _fail("error.invalid_form")
    if not isinstance(raw.loinc, str) or not _LOINC_SYNTAX.fullmatch(raw.loinc):
        raise _fail("error.lab_unknown_test", field="test")
    test = cat.for_code(raw.loinc)
    name = _text(raw.name, "name", NAME_MAX)
    value = _number(raw.value, "value")
    value_text = _text(raw.value_text, "value", VALUE_TEXT_MAX)
    if value is None and value_text is None:
        raise _fail("error.required", field="value")
    if value is not None and value_text is not None:
        value_text = None  # a number wins: the text was how it was printed
    unit = raw.unit if isinstance(raw.unit, str) else ""
    if test is not None:
        if unit and test.find_unit(unit) is None:
            raise _fail("error.lab_unit", field="unit")
        if value is not None and not unit and test.find_unit("1") is None and test.find_unit("{INR}") is None:
            raise _fail("error.lab_unit", field="unit")
        name = name or test.name_fr
    else:
        if unit and not _UCUM_SYNTAX.fullmatch(unit):
            raise _fail("error.lab_unit", field="unit")
        if name is None:
            raise _fail("error.lab_unknown_test", field="test")
    low, high = _number(raw.low, "low"), _number(raw.high, "high")
    if low is not None and high is not None and high < low:
        raise _fail("error.lab_range", field="high")
    given = raw.interpretation or None
    if given is not None and given not in INTERPRETATIONS:
        raise _fail("error.invalid_choice", field="interpretation")
    computed = interpret(value, low, high, test=test, unit=unit, given=None) if given is None else None
    return CheckedValue(
        test=test, loinc=raw.loinc, name=name or raw.loinc, unit=unit, value=value, value_text=value_text,
        low=low, high=high, range_text=_text(raw.range_text, "range_text", RANGE_TEXT_MAX),
        interpretation=given or computed, interpretation_computed=given is None and computed is not None,
    )


def check_report(report: LabReportInput, *, now: datetime, birth_date: date | None = None,
                 cat: Catalogue | None = None) -> CheckedReport:
    """The whole report, checked (dates not in the future nor before birth, issued not before
    collected, 1 to :data:`MAX_VALUES` values)."""
    from mes_app.domain.calendar import local_date

    if not isinstance(report, LabReportInput):
        raise _fail("error.invalid_form")
    collected = _aware(report.collected_at, "collected_at")
    issued = _aware(report.issued_at, "issued_at") if report.issued_at is not None else None
    _aware(now, "now")
    if collected > now:
        raise _fail("error.date_in_future", field="collected_at")
    if birth_date is not None and local_date(collected) < birth_date:
        raise _fail("error.before_birth", field="collected_at")
    if issued is not None and (issued < collected or issued > now):
        raise _fail("error.lab_issued", field="issued_at")
    if report.status not in STATUSES:
        raise _fail("error.invalid_choice", field="status")
    values = tuple(report.values) if isinstance(report.values, (tuple, list)) else ()
    if not values:
        raise _fail("error.lab_no_value", field="values")
    if len(values) > MAX_VALUES:
        raise _fail("error.lab_too_many", field="values", max=MAX_VALUES)
    cat = cat or catalogue()
    return CheckedReport(
        collected_at=collected, issued_at=issued, lab_name=_text(report.lab_name, "lab_name", LAB_NAME_MAX),
        title=_text(report.title, "title", TITLE_MAX), status=report.status,
        identifier=_text(report.identifier, "identifier", 120),
        document_id=report.document_id if isinstance(report.document_id, int) else None,
        note=_text(report.note, "note", 2000),
        values=tuple(check_value(v, cat) for v in values),
    )


# --------------------------------------------------------------------------- from a form


def value_from_form(form: object, cat: Catalogue | None = None) -> LabValueInput:
    """One value typed in the hand-entry form: ``test`` (a catalogue key), ``unit`` (one of its
    units), ``value`` (a number, French comma accepted, or a short text), ``low``/``high``."""
    from mes_app.domain import validation as v

    cat = cat or catalogue()
    if not isinstance(form, Mapping):
        raise _fail("error.invalid_form")
    test = cat.get(form.get("test"))
    if test is None:
        raise _fail("error.lab_unknown_test", field="test")
    unit = test.find_unit(form.get("unit") or test.unit.code)
    if unit is None:
        raise _fail("error.lab_unit", field="unit")
    raw_value = form.get("value")
    text = v.clean_text(raw_value, field="value", max_len=VALUE_TEXT_MAX, required=True, multiline=False)
    number: float | None
    try:
        number = v.parse_optional_number(text, field="value", min_value=-MAX_ABS, max_value=MAX_ABS)
    except ValidationError:
        number = None
    low = v.parse_optional_number(form.get("low"), field="low", min_value=-MAX_ABS, max_value=MAX_ABS)
    high = v.parse_optional_number(form.get("high"), field="high", min_value=-MAX_ABS, max_value=MAX_ABS)
    return LabValueInput(loinc=unit.loinc, unit=unit.code, value=number, value_text=None if number is not None
                         else text, low=low, high=high, name=test.name_fr)


def format_number(x: float, lang: str = "fr", decimals: int = 2) -> str:
    """``6.4`` → ``"6,4"`` (fr): the measures' rule, with two decimals by default."""
    from mes_app.domain.measures import format_number as _format

    return _format(x, lang, decimals)


def range_text(low: float | None, high: float | None, lang: str = "fr") -> str:
    """``"3,9 – 5,8"``, ``"< 5"``, ``"> 40"`` or ``""``."""
    if low is not None and high is not None:
        return f"{format_number(low, lang)} – {format_number(high, lang)}"
    if high is not None:
        return f"< {format_number(high, lang)}"
    if low is not None:
        return f"> {format_number(low, lang)}"
    return ""


def unit_label(test: LabTest | None, code: str) -> str:
    if test is not None:
        found = test.find_unit(code)
        if found is not None:
            return found.label
    return code


def catalogue_rows() -> Sequence[LabTest]:
    return tuple(catalogue().tests.values())


# --------------------------------------------------------------------------- the hand-entry dialog


def report_from_form(form: Mapping[str, Any], drafts: Sequence[Mapping[str, str]], *, now: datetime) -> LabReportInput:
    """The report typed in the dialog (its dates, lab, title) with the values kept on the server."""
    from mes_app.domain import validation as v

    collected = v.parse_datetime_local(form.get("collected_at"), field="collected_at")
    issued_raw, issued = form.get("issued_on"), None
    if isinstance(issued_raw, str) and issued_raw.strip():
        day = v.parse_date(issued_raw, field="issued_on", required=True)
        issued = min(max(collected, v.parse_datetime_local(f"{day.isoformat()}T12:00", field="issued_on")), now)
    lab_name, title = form.get("lab_name"), form.get("title")
    return LabReportInput(collected_at=collected, issued_at=issued,
                          lab_name=lab_name if isinstance(lab_name, str) else None,
                          title=title if isinstance(title, str) else None,
                          values=tuple(value_from_form(d) for d in drafts))


def draft_row(checked: CheckedValue, name: str, lang: str) -> dict[str, str]:
    """One checked value as the dialog lists it: name, value, unit, range, flag, out of range."""
    value = format_number(checked.value, lang, 3) if checked.value is not None else (checked.value_text or "")
    return {"name": name, "value": value, "unit": unit_label(checked.test, checked.unit),
            "range": range_text(checked.low, checked.high, lang), "flag": checked.interpretation or "",
            "out": "1" if is_out_of_range(checked.interpretation) else ""}
