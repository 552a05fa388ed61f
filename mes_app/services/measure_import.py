"""CSV import of measures for people who track at home: preview, per-row errors, all or nothing.

The file (UTF-8, or Windows-1252 as French Excel saves it; ``,``, ``;`` or tab separated, a
header line) has the columns ``date``, ``type`` (or ``kind``), ``value``, ``unit`` and, for
blood pressure, ``value2`` (the diastolic). French headers are accepted too
(``date;type;valeur;unité;valeur2``, also ``mesure``), and so are decimal commas. A file
without a header line is read in that order (``date;type;valeur;unité;valeur2``) when its
first cell is a date. The page's help shows exactly this layout (``measures.import_example``,
tested to import as shown). Dates: ``2026-11-28``,
``2026-11-28 08:30``, ``2026-11-28T08:30`` or ``28/11/2026 [08:30]`` (French time; a day
alone means noon). Kinds: ``weight``, ``height``, ``blood_pressure``, ``heart_rate``,
``temperature``, ``spo2``, ``glucose``, ``head_circumference``, ``waist_circumference`` (or
their French names). Units as typed by people (``kg``, ``lb``, ``°C``, ``°F``, ``mmol/L``…)
are converted to the canonical UCUM unit.

The file is refused as a whole, and nothing is stored, when it is over 5 MB, is not UTF-8
text, lacks a required column, or is empty. Rows are then checked one by one; the import
stores every row in one transaction, and only when no row has an error. A row already stored
(same kind, time and value: :func:`new_readings`, shared with the Apple Health import) is not
added twice.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlmodel import Session, col

from mes_app import fault_points
from mes_app.db.models import Measure, Profile
from mes_app.domain import measures as m
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Decision, Section, Target, UserActor, Via
from mes_app.domain.calendar import DEFAULT_TIMEZONE
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services.access_facts import authorize

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
PREVIEW_ROWS = 10
MAX_REPORTED_ERRORS = 50
_FIELD_MAX = 100

_COLUMNS = {
    "date": ("date", "datetime", "measured_at", "horodatage", "jour"),
    "kind": ("kind", "type", "mesure", "measure", "nature"),
    "value": ("value", "valeur", "value1", "valeur1"),
    "unit": ("unit", "unite", "unité", "units"),
    "value2": ("value2", "valeur2", "diastolic", "diastolique", "value_secondary"),
}
_REQUIRED = ("date", "kind", "value", "unit")
_DEFAULT_ORDER = {"date": 0, "kind": 1, "value": 2, "unit": 3, "value2": 4}
_KIND_ALIASES = {
    "poids": "weight", "taille": "height", "tension": "blood_pressure", "pression_arterielle": "blood_pressure",
    "pouls": "heart_rate", "frequence_cardiaque": "heart_rate", "temperature": "temperature",
    "saturation": "spo2", "glycemie": "glucose", "perimetre_cranien": "head_circumference",
    "tour_de_taille": "waist_circumference", "bp": "blood_pressure", "pulse": "heart_rate",
    "tension_arterielle": "blood_pressure", "saturation_en_oxygene": "spo2",
}
_UNIT_ALIASES = {"bpm": "/min", "battements/min": "/min", "mmhg": "mm[Hg]", "c": "Cel", "f": "[degF]", "lbs": "[lb_av]"}
_FR_DATE = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})(?:[ T]([0-9]{2}):([0-9]{2})(?::[0-9]{2})?)?")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::[0-9]{2})?)?")


@dataclass(frozen=True)
class RowError:
    line: int  # line number in the file (the header is line 1)
    code: str  # i18n key
    params: dict


@dataclass(frozen=True)
class ParsedImport:
    readings: list[tuple[int, m.Reading]]
    errors: list[RowError]
    total: int


@dataclass(frozen=True)
class PreviewRow:
    line: int
    when: str  # local "YYYY-MM-DD HH:MM"
    kind: str
    value: float
    value_secondary: float | None
    unit: str  # canonical UCUM code


@dataclass(frozen=True)
class ImportPreview:
    total: int
    valid: int
    rows: list[PreviewRow]  # the first valid rows
    errors: list[RowError]  # the first errors
    error_count: int


def _normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.strip().lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s\-]+", "_", text)


def decode(data: object) -> str:
    """The file as text, or ValidationError when it cannot be a CSV of measures."""
    if not isinstance(data, (bytes, bytearray)):
        raise ValidationError("error.import_not_csv")
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError("error.import_too_large", max_mb=MAX_IMPORT_BYTES // (1024 * 1024))
    if not data.strip():
        raise ValidationError("error.import_empty")
    if b"\x00" in data:
        raise ValidationError("error.import_not_csv")
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # French Excel's "CSV (séparateur : point-virgule)" is Windows-1252
        return bytes(data).decode("cp1252")
    except UnicodeDecodeError:
        raise ValidationError("error.import_not_csv") from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_csv(data: object, *, birth_date, now: datetime) -> ParsedImport:
    text = decode(data)
    delimiter = _delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ValidationError("error.import_not_csv") from None
    first_rows: list[list[str]] = []
    try:
        columns = _map_columns(header)
    except ValidationError:
        if not _looks_like_data(header):
            raise
        columns, first_rows = dict(_DEFAULT_ORDER), [header]  # no header line: the help's order
    readings: list[tuple[int, m.Reading]] = []
    errors: list[RowError] = []
    total = 0
    try:
        for cells in _chain(first_rows, reader):
            if not any(cell.strip() for cell in cells):
                continue
            total += 1
            if total > MAX_ROWS:
                raise ValidationError("error.import_too_many_rows", max=MAX_ROWS)
            line = reader.line_num or 1
            try:
                readings.append((line, _parse_row(cells, columns, birth_date=birth_date, now=now)))
            except ValidationError as error:
                errors.append(RowError(line, error.code, _safe_params(error.params)))
    except csv.Error:
        raise ValidationError("error.import_not_csv") from None
    if total == 0:
        raise ValidationError("error.import_empty")
    return ParsedImport(readings, errors, total)


def _chain(first_rows: list[list[str]], reader):  # noqa: ANN001, ANN202
    yield from first_rows
    yield from reader


def _looks_like_data(cells: list[str]) -> bool:
    """A first line that is already a measure (its first cell a date), not a header."""
    try:
        parse_when(cells[0].strip() if cells else "")
    except ValidationError:
        return False
    return len(cells) >= len(_REQUIRED)


def _safe_params(params: dict) -> dict:
    """Limits and field names only: never the cell's content."""
    return {k: val for k, val in params.items() if k in ("field", "min", "max", "unit", "kind", "max_mb")}


def _map_columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        clean = _normalise(name)
        for column, names in _COLUMNS.items():
            if clean in {_normalise(n) for n in names} and column not in found:
                found[column] = index
    if any(column not in found for column in _REQUIRED):
        raise ValidationError("error.import_columns")
    return found


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return ""
    value = cells[index].strip()
    if len(value) > _FIELD_MAX:
        raise ValidationError("error.text_too_long", field=name, max=_FIELD_MAX)
    return value


def _parse_row(cells: list[str], columns: dict[str, int], *, birth_date, now: datetime) -> m.Reading:
    raw_kind = _normalise(_cell(cells, columns, "kind"))
    kind_key = _KIND_ALIASES.get(raw_kind, raw_kind)
    if m.measure_kind(kind_key) is None or m.KINDS[kind_key].derived:
        raise ValidationError("error.import_unknown_kind", field="kind")
    raw_unit = _cell(cells, columns, "unit")
    unit = _UNIT_ALIASES.get(raw_unit.lower(), raw_unit)
    form = {
        "kind": kind_key,
        "value": _cell(cells, columns, "value"),
        "value_secondary": _cell(cells, columns, "value2"),
        "unit": unit or None,
        "measured_at": parse_when(_cell(cells, columns, "date")),
    }
    return m.parse_reading(form, now=now, birth_date=birth_date)


def parse_when(text: str) -> str:
    """A CSV date as a ``datetime-local`` value (wall-clock time in France)."""
    iso = _ISO.fullmatch(text)
    fr = _FR_DATE.fullmatch(text)
    if iso:
        year, month, day, hour, minute = iso.groups()
    elif fr:
        day, month, year, hour, minute = fr.groups()
    else:
        raise ValidationError("error.import_date", field="date")
    return f"{year}-{month}-{day}T{hour or '12'}:{minute or '00'}"


def authorize_import(session: Session, actor: UserActor, profile_id: object, now: datetime):
    """May ``actor`` add measures to ``profile_id`` (CREATE on measures)? NotFound/Forbidden if not."""
    pid = v.parse_id(profile_id)
    decision = authorize(session, actor, Action.CREATE, pid, Target(Section.MEASURES), now=now,
                         target_kind="measures_import")
    profile = session.get(Profile, pid)
    if profile is None:
        raise NotFound()
    return pid, profile, decision


def preview_import(
    session: Session, actor: UserActor, profile_id: object, data: object, *, now: datetime
) -> ImportPreview:
    """Check the file without storing anything."""
    _pid, profile, _decision = authorize_import(session, actor, profile_id, now)
    session.commit()
    parsed = parse_csv(data, birth_date=profile.birth_date, now=now)
    rows = [
        PreviewRow(line, f"{r.measured_at.astimezone(ZoneInfo(DEFAULT_TIMEZONE)):%Y-%m-%d %H:%M}", r.kind, r.value,
                   r.value_secondary, r.unit)
        for line, r in parsed.readings[:PREVIEW_ROWS]
    ]
    return ImportPreview(parsed.total, len(parsed.readings), rows, parsed.errors[:MAX_REPORTED_ERRORS],
                         len(parsed.errors))


def run_import(session: Session, actor: UserActor, profile_id: object, data: object, *, now: datetime) -> int:
    """Store every row, or none: any row error refuses the whole file. Returns the count."""
    pid, profile, decision = authorize_import(session, actor, profile_id, now)
    parsed = parse_csv(data, birth_date=profile.birth_date, now=now)
    if parsed.errors:
        session.rollback()
        raise ValidationError("error.import_has_errors", count=len(parsed.errors))
    role = author_role(decision)
    fresh, _duplicates = new_readings(session, pid, [r for _line, r in parsed.readings])
    rows = [measure_row(pid, actor, role, r, now) for r in fresh]
    for start in range(0, len(rows), 5000):
        session.execute(insert(Measure), rows[start:start + 5000])
    fault_points.pause("measures.import")  # the fault tests' kill -9 before the one commit
    session.commit()
    return len(rows)


# --------------------------------------------------------------------------- shared with the Apple Health import


def author_role(decision: Decision) -> str:
    roles = {Via.OWNER: "patient", Via.GUARDIAN: "guardian", Via.CARE_TEAM: "professional"}
    return roles.get(decision.via, "patient") if decision.via is not None else "patient"


def measure_row(pid: int, actor: UserActor, role: str, r: m.Reading, now: datetime) -> dict:
    return {
        "profile_id": pid, "author_user_id": actor.user_id, "author_role": role, "created_at": now,
        "updated_at": now, "hidden_from_professionals": False, "kind": r.kind, "loinc_code": r.loinc_code,
        "value": r.value, "value_secondary": r.value_secondary, "unit": r.unit, "measured_at": r.measured_at,
        "source": "import",
    }


def _key(kind: str, at: datetime, value: float, secondary: float | None) -> tuple:
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return (kind, at.astimezone(UTC).replace(microsecond=0), round(value, 3),
            None if secondary is None else round(secondary, 3))


def new_readings(session: Session, pid: int, readings: list[m.Reading]) -> tuple[list[m.Reading], int]:
    """De-duplication on re-import: the readings not already stored for this profile (same
    kind, time to the second and value), nor repeated in ``readings``; and how many were
    dropped. One query over the batch's time span (the profile, kind, time index)."""
    if not readings:
        return [], 0
    kinds = sorted({r.kind for r in readings})
    first = min(r.measured_at for r in readings)
    last = max(r.measured_at for r in readings)
    stored = session.execute(
        select(col(Measure.kind), col(Measure.measured_at), col(Measure.value), col(Measure.value_secondary)).where(
            col(Measure.profile_id) == pid, col(Measure.kind).in_(kinds),
            col(Measure.measured_at) >= first.replace(microsecond=0),
            col(Measure.measured_at) <= last.replace(microsecond=0) + timedelta(seconds=1))
    ).all()
    seen = {_key(*row) for row in stored}
    fresh: list[m.Reading] = []
    for r in readings:
        key = _key(r.kind, r.measured_at, r.value, r.value_secondary)
        if key not in seen:
            seen.add(key)
            fresh.append(r)
    return fresh, len(readings) - len(fresh)
