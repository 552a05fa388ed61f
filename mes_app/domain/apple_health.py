"""Apple Health's ``export.xml``, read as a stream: which records become MES measures, in
which canonical unit, and what is counted as skipped.

Pure Python (no Reflex, no database, no clock: ``now`` is passed in). The file is read with
``defusedxml``'s ``iterparse``: the Apple DOCTYPE and its internal DTD subset (element and
attribute declarations) are accepted, an entity declaration (billion laughs) or an external
entity refuses the whole file. Each top-level element is dropped from the tree once read, so
memory stays flat whatever the file's size.

Mapped types (``HKQuantityTypeIdentifier…``): BodyMass → weight (kg), Height → height (cm),
HeartRate → heart rate (/min), BodyTemperature → temperature (Cel), OxygenSaturation →
SpO₂ (a fraction in the export, ×100 → %), BloodGlucose → glucose (mg/dL; ``mmol<M>/L``
carries the molar mass), and the ``HKCorrelationTypeIdentifierBloodPressure`` correlation
(systolic + diastolic Records) → one blood pressure (mm[Hg]). BMI records are counted but
not stored: MES derives BMI from weight and height. Everything else (steps, workouts,
activity summaries, the standalone systolic/diastolic halves of a correlation…) is counted
as another type. A record that cannot be a measure (unknown unit, out of physiological
limits, in the future, before birth, unreadable) is counted under its error code; it does
not stop the file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO, Protocol

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from mes_app.domain import measures as m
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import ValidationError

HK = "HKQuantityTypeIdentifier"
BP_CORRELATION = "HKCorrelationTypeIdentifierBloodPressure"
SYSTOLIC, DIASTOLIC = f"{HK}BloodPressureSystolic", f"{HK}BloodPressureDiastolic"
TYPES: dict[str, str] = {
    f"{HK}BodyMass": "weight",
    f"{HK}Height": "height",
    f"{HK}HeartRate": "heart_rate",
    f"{HK}BodyTemperature": "temperature",
    f"{HK}OxygenSaturation": "spo2",
    f"{HK}BloodGlucose": "glucose",
}
BMI_TYPE = f"{HK}BodyMassIndex"
CHUNK = 1024 * 1024
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 13))  # stray \x0b in old exports
_MMOL = re.compile(r"mmol<([0-9]+(?:\.[0-9]+)?)>/L")
_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"
GLUCOSE_MOLAR_MASS = 180.156

# `unit` attribute → (canonical = value * factor + offset), per kind
_UNITS: dict[str, dict[str, tuple[float, float]]] = {
    "weight": {"kg": (1, 0), "g": (0.001, 0), "lb": (0.45359237, 0), "st": (6.35029318, 0)},
    "height": {"cm": (1, 0), "m": (100, 0), "mm": (0.1, 0), "in": (2.54, 0), "ft": (30.48, 0)},
    "heart_rate": {"count/min": (1, 0), "count/s": (60, 0)},
    "temperature": {"degC": (1, 0), "degF": (5 / 9, -32 * 5 / 9)},
    "spo2": {"%": (100, 0)},  # the value is a fraction (0.97) whatever the unit says
    "glucose": {"mg/dL": (1, 0), "mmol/L": (GLUCOSE_MOLAR_MASS / 10, 0)},
    "blood_pressure": {"mmHg": (1, 0)},
}


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class ExportRefused(ValueError):
    """The file is not an Apple Health export MES can read (``code`` is an i18n key)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Scan:
    """What was read, besides the readings themselves."""

    records: int = 0  # Records and Correlations seen at the top level
    other_types: int = 0
    bmi_derived: int = 0
    clinical_records: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # i18n code → count


class CountingReader:
    """A binary stream that counts the bytes read (the progress bar), drops the control
    characters XML forbids, and refuses to go past ``limit`` bytes."""

    def __init__(self, raw: IO[bytes] | Readable, on_progress: Callable[[int], None] | None = None,
                 limit: int | None = None) -> None:
        self._raw, self._on_progress, self._limit = raw, on_progress, limit
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        self.read_bytes += len(data)
        if self._limit is not None and self.read_bytes > self._limit:
            raise ExportRefused("error.apple_too_large")
        if self._on_progress is not None and data:
            self._on_progress(self.read_bytes)
        return data.translate(None, _CONTROL)


def parse_date(text: object) -> datetime:
    """``2024-01-03 08:15:00 +0100`` → an aware UTC datetime."""
    if not isinstance(text, str) or len(text) > 40:
        raise ValidationError("error.import_date", field="date")
    try:
        return datetime.strptime(text.strip(), _DATE_FORMAT).astimezone(UTC)
    except ValueError:
        raise ValidationError("error.import_date", field="date") from None


def to_canonical(kind_key: str, raw_value: object, raw_unit: object) -> float:
    """A record's value in the kind's canonical unit, checked against its limits."""
    kind = m.KINDS[kind_key]
    if not isinstance(raw_unit, str) or not isinstance(raw_value, str) or len(raw_value) > 40:
        raise ValidationError("error.invalid_unit", field="unit")
    unit = raw_unit.strip()
    factor_offset = _UNITS[kind_key].get(unit)
    if factor_offset is None and kind_key == "glucose" and (molar := _MMOL.fullmatch(unit)):
        mass = float(molar.group(1))
        if not 100 <= mass <= 300:
            raise ValidationError("error.invalid_unit", field="unit")
        factor_offset = (mass / 10, 0)
    if factor_offset is None:
        raise ValidationError("error.invalid_unit", field="unit")
    try:
        number = float(raw_value)
    except ValueError:
        raise ValidationError("error.invalid_number", field="value") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError("error.invalid_number", field="value")
    factor, offset = factor_offset
    if kind_key == "spo2" and number > 1.5:  # already a percentage (not what Apple writes, but seen in converters)
        factor = 1
    canonical = round(number * factor + offset, 4)
    m.check_limits(kind, canonical, kind.units[0])
    return canonical


def _reading(kind_key: str, value: float, secondary: float | None, when: datetime, *, now: datetime,
             birth_date: date) -> m.Reading:
    m.check_when(when, now=now, birth_date=birth_date)
    kind = m.KINDS[kind_key]
    return m.Reading(kind_key, m.loinc_for(kind, birth_date, local_date(when)), value, secondary, kind.unit, when)


def _record(elem, scan: Scan, *, now: datetime, birth_date: date) -> m.Reading | None:  # noqa: ANN001
    kind_key = TYPES.get(elem.get("type", ""))
    if kind_key is None:
        if elem.get("type") == BMI_TYPE:
            scan.bmi_derived += 1
        else:
            scan.other_types += 1
        return None
    try:
        value = to_canonical(kind_key, elem.get("value"), elem.get("unit"))
        return _reading(kind_key, value, None, parse_date(elem.get("startDate")), now=now, birth_date=birth_date)
    except ValidationError as error:
        scan.errors[error.code] += 1
        return None


def _pressure(elem, scan: Scan, *, now: datetime, birth_date: date) -> m.Reading | None:  # noqa: ANN001
    parts = {child.get("type"): child for child in elem.iter("Record")}
    systolic, diastolic = parts.get(SYSTOLIC), parts.get(DIASTOLIC)
    if systolic is None or diastolic is None:
        scan.errors["error.apple_pressure_incomplete"] += 1
        return None
    try:
        high = to_canonical("blood_pressure", systolic.get("value"), systolic.get("unit"))
        low = to_canonical("blood_pressure", diastolic.get("value"), diastolic.get("unit"))
        kind = m.KINDS["blood_pressure"]
        if not kind.secondary_min <= low <= kind.secondary_max:
            raise ValidationError("error.measure_out_of_range", field="value_secondary")
        m.check_pressure_order(high, low)
        when = parse_date(elem.get("startDate") or systolic.get("startDate"))
        return _reading("blood_pressure", high, low, when, now=now, birth_date=birth_date)
    except ValidationError as error:
        scan.errors[error.code] += 1
        return None


def iter_readings(stream: Readable, scan: Scan, *, now: datetime, birth_date: date) -> Iterator[m.Reading]:
    """The readings of an ``export.xml`` stream, one at a time; ``scan`` counts the rest.

    Raises :class:`ExportRefused` for a file that is not an export (or carries entity
    declarations); a bad record is only counted."""
    if not isinstance(stream, CountingReader):
        stream = CountingReader(stream)  # the control characters dropped all the same
    depth = 0
    root = None
    try:
        for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=False, forbid_entities=True,
                                     forbid_external=True):
            if event == "start":
                if root is None:
                    if elem.tag != "HealthData":
                        raise ExportRefused("error.apple_not_export")
                    root = elem
                depth += 1
                continue
            depth -= 1
            if depth != 1:
                continue
            tag = elem.tag
            if tag == "Record":
                scan.records += 1
                reading = _record(elem, scan, now=now, birth_date=birth_date)
            elif tag == "Correlation":
                scan.records += 1
                reading = None
                if elem.get("type") == BP_CORRELATION:
                    reading = _pressure(elem, scan, now=now, birth_date=birth_date)
                else:
                    scan.other_types += 1
            elif tag == "ClinicalRecord":
                scan.clinical_records += 1
                reading = None
            else:
                if tag not in ("ExportDate", "Me"):
                    scan.other_types += 1
                reading = None
            if root is not None:
                root.clear()  # drop what was read: memory stays flat
            if reading is not None:
                yield reading
    except DefusedXmlException:
        raise ExportRefused("error.apple_entities") from None
    except SyntaxError:  # xml.etree.ElementTree.ParseError
        raise ExportRefused("error.apple_not_export") from None
    if root is None:
        raise ExportRefused("error.apple_not_export")
