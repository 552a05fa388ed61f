"""Health measures as data: what each kind is (LOINC, UCUM), which units a person may type,
what is physiologically possible, BMI, the adult reference classes and downsampling.

Pure Python: no Reflex, no database, no clock (times are passed in).

Storage is always in the kind's canonical UCUM unit (``kg``, ``cm``, ``Cel``, ``mm[Hg]``,
``/min``, ``%``, ``mg/dL``); the units a person prefers (lb, in, °F, mmol/L) are converted on
entry and on display. A value outside the kind's physiological limits is refused with
``ValidationError("error.measure_out_of_range", kind=..., min=..., max=..., unit=...)``:
the parameters name the limit (in the unit the person typed), never the value typed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal, overload

from mes_app.domain import validation as v
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import ValidationError

LOINC = "http://loinc.org"

# Display labels of UCUM codes (what a person reads next to a value).
UNIT_LABELS: dict[str, str] = {
    "kg": "kg", "g": "g", "[lb_av]": "lb", "cm": "cm", "[in_i]": "in", "Cel": "°C", "[degF]": "°F",
    "mm[Hg]": "mmHg", "/min": "/min", "%": "%", "mg/dL": "mg/dL", "mmol/L": "mmol/L", "kg/m2": "kg/m²",
}


@dataclass(frozen=True)
class Unit:
    """An input unit: ``canonical = value * factor + offset``."""

    code: str  # UCUM
    factor: float = 1.0
    offset: float = 0.0

    @property
    def label(self) -> str:
        return UNIT_LABELS.get(self.code, self.code)

    def to_canonical(self, value: float) -> float:
        return value * self.factor + self.offset

    def from_canonical(self, value: float) -> float:
        return (value - self.offset) / self.factor


@dataclass(frozen=True)
class MeasureKind:
    key: str
    loinc: str
    unit: str  # canonical UCUM code
    min_value: float  # physiological limits, canonical unit
    max_value: float
    decimals: int = 1
    units: tuple[Unit, ...] = ()  # accepted input units; the first is the canonical one
    secondary: bool = False  # blood pressure: a diastolic value in the same entry
    secondary_min: float = 0.0
    secondary_max: float = 0.0
    derived: bool = False  # BMI: computed, never typed
    children_only: bool = False  # head circumference
    step: str = "0.1"  # the <input step>

    def unit_for(self, code: object) -> Unit:
        """An accepted input unit by UCUM code or label (``"lb"``, ``"°F"``), else ValidationError."""
        if code in (None, ""):
            return self.units[0]
        if isinstance(code, str):
            wanted = code.strip()
            for unit in self.units:
                if wanted in (unit.code, unit.label) or wanted.lower() in (unit.code.lower(), unit.label.lower()):
                    return unit
        raise ValidationError("error.invalid_unit", field="unit")

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS.get(self.unit, self.unit)


def _units(*units: Unit) -> tuple[Unit, ...]:
    return units


KG, CM = Unit("kg"), Unit("cm")
INCH = Unit("[in_i]", 2.54)

KINDS: dict[str, MeasureKind] = {
    k.key: k
    for k in (
        MeasureKind("weight", "29463-7", "kg", 0.2, 500, 2, _units(KG, Unit("g", 0.001), Unit("[lb_av]", 0.45359237)),
                    step="0.01"),
        MeasureKind("height", "8302-2", "cm", 20, 272, 1, _units(CM, INCH)),
        MeasureKind("bmi", "39156-5", "kg/m2", 5, 150, 1, _units(Unit("kg/m2")), derived=True),
        MeasureKind("blood_pressure", "85354-9", "mm[Hg]", 50, 300, 0, _units(Unit("mm[Hg]")),
                    secondary=True, secondary_min=20, secondary_max=200, step="1"),
        MeasureKind("heart_rate", "8867-4", "/min", 20, 300, 0, _units(Unit("/min")), step="1"),
        MeasureKind("temperature", "8310-5", "Cel", 30, 45, 1, _units(Unit("Cel"), Unit("[degF]", 5 / 9, -32 * 5 / 9))),
        MeasureKind("spo2", "59408-5", "%", 50, 100, 0, _units(Unit("%")), step="1"),
        MeasureKind("glucose", "2339-0", "mg/dL", 10, 1000, 0, _units(Unit("mg/dL"), Unit("mmol/L", 18.016)),
                    step="0.1"),
        MeasureKind("head_circumference", "9843-4", "cm", 20, 70, 1, _units(CM, INCH), children_only=True),
        MeasureKind("waist_circumference", "8280-0", "cm", 30, 250, 1, _units(CM, INCH)),
    )
}
# Kinds a person types (BMI is derived), in the order of the entry menu.
ENTRY_KINDS: tuple[str, ...] = tuple(k for k, spec in KINDS.items() if not spec.derived)
RECUMBENT_LENGTH_LOINC = "8306-3"  # height lying down, under 2 years
RECUMBENT_UNTIL_DAYS = 731
FUTURE_TOLERANCE = timedelta(minutes=5)  # a phone clock a little ahead is not "the future"


def measure_kind(key: object) -> MeasureKind | None:
    return KINDS.get(key) if isinstance(key, str) else None


def require_kind(key: object, *, typed: bool = True) -> MeasureKind:
    """The kind named ``key``; with ``typed``, only kinds a person may type (not BMI)."""
    kind = measure_kind(key)
    if kind is None or (typed and kind.derived):
        raise ValidationError("error.invalid_choice", field="kind")
    return kind


def kind_for_loinc(code: object) -> MeasureKind | None:
    """The measure kind a LOINC code stands for (recumbent length is a height), or None.
    The one LOINC → kind mapping: the FHIR export writes ``loinc_code``, the FHIR API reads it."""
    if code == RECUMBENT_LENGTH_LOINC:
        return KINDS["height"]
    return next((kind for kind in KINDS.values() if kind.loinc == code), None)


def loinc_for(kind: MeasureKind, birth_date: date, measured_on: date) -> str:
    """Height is recumbent length (8306-3) under 2 years, standing height (8302-2) after."""
    if kind.key == "height" and (measured_on - birth_date).days < RECUMBENT_UNTIL_DAYS:
        return RECUMBENT_LENGTH_LOINC
    return kind.loinc


# --------------------------------------------------------------------------- values



def check_limits(kind: MeasureKind, canonical: float, unit: Unit, *, secondary: bool = False) -> None:
    low, high = (kind.secondary_min, kind.secondary_max) if secondary else (kind.min_value, kind.max_value)
    if not low <= canonical <= high:
        raise ValidationError(
            "error.measure_out_of_range",
            kind=kind.key,
            min=_limit_in(unit, low),
            max=_limit_in(unit, high),
            unit=unit.label,
            field="value_secondary" if secondary else "value",
        )


def _limit_in(unit: Unit, canonical: float) -> float:
    value = unit.from_canonical(canonical)
    return round(value, 1) if abs(value - round(value)) > 1e-9 else float(round(value))


@overload
def parse_value(
    kind: MeasureKind, raw: object, unit: Unit, *, secondary: bool = False, required: Literal[True] = True
) -> float: ...
@overload
def parse_value(
    kind: MeasureKind, raw: object, unit: Unit, *, secondary: bool = False, required: bool = True
) -> float | None: ...
def parse_value(
    kind: MeasureKind, raw: object, unit: Unit, *, secondary: bool = False, required: bool = True
) -> float | None:
    """A typed number (``"72,5"`` accepted) in ``unit``, checked and returned in the canonical unit."""
    name = "value_secondary" if secondary else "value"
    number = v.parse_optional_number(raw, field=name, min_value=-1e9, max_value=1e9, required=required)
    if number is None:
        return None
    canonical = unit.to_canonical(number)
    check_limits(kind, canonical, unit, secondary=secondary)
    return round(canonical, 4)


@dataclass(frozen=True)
class Reading:
    """A validated reading, canonical unit, ready to store."""

    kind: str
    loinc_code: str
    value: float
    value_secondary: float | None
    unit: str
    measured_at: datetime
    heart_rate: float | None = None  # typed with a blood pressure


def check_when(measured_at: datetime, *, now: datetime, birth_date: date) -> None:
    if measured_at > now + FUTURE_TOLERANCE:
        raise ValidationError("error.date_in_future", field="measured_at")
    if local_date(measured_at) < birth_date:
        raise ValidationError("error.before_birth", field="measured_at")


def parse_reading(form: object, *, now: datetime, birth_date: date) -> Reading:
    """A reading from an untrusted form: ``kind``, ``value``, ``unit``, ``measured_at``
    (``datetime-local``), ``value_secondary`` (diastolic) and ``heart_rate`` for blood pressure."""
    if not isinstance(form, dict) or len(form) > 12:
        raise ValidationError("error.invalid_form")
    kind = require_kind(form.get("kind"))
    unit = kind.unit_for(form.get("unit"))
    value = parse_value(kind, form.get("value"), unit)
    secondary = None
    heart_rate = None
    if kind.secondary:
        secondary = parse_value(kind, form.get("value_secondary"), unit, secondary=True)
        check_pressure_order(value, secondary)
        hr = KINDS["heart_rate"]
        heart_rate = parse_value(hr, form.get("heart_rate"), hr.units[0], required=False)
    measured_at = v.parse_datetime_local(form.get("measured_at"), field="measured_at")
    check_when(measured_at, now=now, birth_date=birth_date)
    return Reading(kind.key, loinc_for(kind, birth_date, local_date(measured_at)), value, secondary, kind.unit,
                   measured_at, heart_rate)


def check_pressure_order(systolic: float, diastolic: float) -> None:
    if diastolic >= systolic:
        raise ValidationError("error.diastolic_above_systolic", field="value_secondary")


def to_unit(kind: MeasureKind, canonical: float, unit_code: str) -> float:
    return kind.unit_for(unit_code).from_canonical(canonical)


def format_number(x: float, lang: str = "fr", decimals: int = 1) -> str:
    """``72.5`` → ``"72,5"`` (fr) / ``"72.5"`` (en); no useless trailing zeros."""
    text = f"{x:.{max(decimals, 0)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",") if lang == "fr" else text


# --------------------------------------------------------------------------- BMI and classes


def bmi(weight_kg: float, height_cm: float) -> float:
    """Body mass index, kg/m², one decimal."""
    if weight_kg <= 0 or height_cm <= 0:
        raise ValidationError("error.invalid_number", field="bmi")
    return round(weight_kg / (height_cm / 100) ** 2, 1)


@dataclass(frozen=True)
class Band:
    """A reference band drawn behind a series: ``low <= value < high`` is class ``key``."""

    key: str
    low: float
    high: float
    color: str


# WHO (TRS 894, 2000), adults: the lower bound belongs to the class (18.5 is "normal").
BMI_BANDS: tuple[Band, ...] = (
    Band("underweight", 0, 18.5, "rgba(59,130,246,0.12)"),
    Band("normal", 18.5, 25, "rgba(34,197,94,0.14)"),
    Band("overweight", 25, 30, "rgba(234,179,8,0.16)"),
    Band("obese_1", 30, 35, "rgba(249,115,22,0.16)"),
    Band("obese_2", 35, 40, "rgba(239,68,68,0.16)"),
    Band("obese_3", 40, math.inf, "rgba(185,28,28,0.18)"),
)
ADULT_FROM_YEARS = 18


def bmi_class(value: float) -> str:
    for band in BMI_BANDS:
        if band.low <= value < band.high:
            return band.key
    return BMI_BANDS[0].key


# ESC/ESH 2018 (kept by ESH 2023), office blood pressure, mmHg. Thresholds are the lower
# bounds of each grade; when systolic and diastolic fall in different grades, the higher wins.
BP_GRADES: tuple[str, ...] = ("optimal", "normal", "high_normal", "grade_1", "grade_2", "grade_3")
SYSTOLIC_FROM = (0, 120, 130, 140, 160, 180)
DIASTOLIC_FROM = (0, 80, 85, 90, 100, 110)
_BP_COLORS = ("rgba(34,197,94,0.14)", "rgba(132,204,22,0.14)", "rgba(234,179,8,0.16)",
              "rgba(249,115,22,0.16)", "rgba(239,68,68,0.16)", "rgba(185,28,28,0.18)")
BP_BANDS: tuple[Band, ...] = tuple(
    Band(BP_GRADES[i], SYSTOLIC_FROM[i], SYSTOLIC_FROM[i + 1] if i + 1 < len(SYSTOLIC_FROM) else math.inf,
         _BP_COLORS[i])
    for i in range(len(BP_GRADES))
)


def _grade(value: float, thresholds: Sequence[float]) -> int:
    return max(i for i, low in enumerate(thresholds) if value >= low)


def bp_class(systolic: float, diastolic: float) -> str:
    """ESC/ESH class of one reading; ``isolated_systolic`` when SBP >= 140 and DBP < 90."""
    if systolic >= 140 and diastolic < 90:
        return "isolated_systolic"
    return BP_GRADES[max(_grade(systolic, SYSTOLIC_FROM), _grade(diastolic, DIASTOLIC_FROM))]


def age_in_years(birth_date: date, on: date) -> int:
    years = on.year - birth_date.year
    return years - ((on.month, on.day) < (birth_date.month, birth_date.day))


# --------------------------------------------------------------------------- downsampling


def lttb_indices(xs: Sequence[float], ys: Sequence[float], threshold: int) -> list[int]:
    """Indices kept by Largest-Triangle-Three-Buckets (Steinarsson 2013), plus the extremes.

    At most ``threshold`` indices (``threshold >= 4``), sorted; the first and the last point
    are always kept, and so are the lowest and the highest value (a fever spike must not
    vanish from a ten-year chart). ``xs`` must be sorted.
    """
    n = len(xs)
    if n != len(ys):
        raise ValueError("xs and ys differ in length")
    if threshold < 4:
        raise ValueError("threshold must be at least 4")
    if n <= threshold:
        return list(range(n))
    lo = min(range(n), key=ys.__getitem__)
    hi = max(range(n), key=ys.__getitem__)
    budget = threshold - 2  # room for the two extremes
    kept = [0]
    every = (n - 2) / (budget - 2)
    a = 0
    for i in range(budget - 2):
        start = int(math.floor(i * every)) + 1
        end = min(int(math.floor((i + 1) * every)) + 1, n - 1)
        next_end = min(int(math.floor((i + 2) * every)) + 1, n)
        if next_end <= end:
            next_end = end + 1
        count = next_end - end
        avg_x = sum(xs[end:next_end]) / count
        avg_y = sum(ys[end:next_end]) / count
        ax, ay = xs[a], ys[a]
        best, best_area = start, -1.0
        for j in range(start, max(end, start + 1)):
            area = abs((ax - avg_x) * (ys[j] - ay) - (ax - xs[j]) * (avg_y - ay))
            if area > best_area:
                best, best_area = j, area
        kept.append(best)
        a = best
    kept.append(n - 1)
    return sorted(set(kept) | {lo, hi})


def downsample(points: Sequence[tuple[float, float]], threshold: int) -> list[tuple[float, float]]:
    """``(x, y)`` points (x sorted) thinned by :func:`lttb_indices`."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return [points[i] for i in lttb_indices(xs, ys, threshold)]


@dataclass(frozen=True)
class Change:
    """The latest value against the previous one."""

    latest: float
    previous: float | None
    delta: float | None = field(default=None)


def change(values: Sequence[float]) -> Change | None:
    if not values:
        return None
    latest = values[-1]
    previous = values[-2] if len(values) > 1 else None
    return Change(latest, previous, None if previous is None else latest - previous)
