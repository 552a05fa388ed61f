"""Health measures: the latest value of each kind (the home page), entry, edit, delete,
the entries list, the latest-value cards and the charts of the measures page."""

from __future__ import annotations

import functools
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.ext.compiler import compiles
from sqlmodel import Session, col, func, select

from mes_app import i18n
from mes_app.charts import measures as charts
from mes_app.db.models import Measure, Profile, User
from mes_app.db.types import UTCDateTime
from mes_app.domain import growth
from mes_app.domain import measures as m
from mes_app.domain import validation as v
from mes_app.domain.access import Action, ProfileFacts, Section, Target, UserActor, Via, decide, entry_target
from mes_app.domain.calendar import DEFAULT_TIMEZONE, local_date
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import connected_software
from mes_app.services.access_facts import authorize, load_profile_facts
from mes_app.services.transactions import commit_if_written
from mes_app.services.visibility import Marks, latest_per_kind, marks_clause, readable_marks

UNIT_LABELS = {"Cel": "°C", "/min": "/min", "mm[Hg]": "mmHg", "kg": "kg", "cm": "cm", "%": "%", "mg/dL": "mg/dL"}


@dataclass(frozen=True)
class MeasureView:
    kind: str
    value: str  # formatted: "72,5" or "128/82"
    unit: str
    date: str


def format_value(measure: Measure, lang: str = "fr") -> str:
    def number(x: float) -> str:
        text = f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))
        return text.replace(".", ",") if lang == "fr" else text

    if measure.value_secondary is not None:
        return f"{number(measure.value)}/{number(measure.value_secondary)}"
    return number(measure.value)


def latest_measures(
    session: Session, actor: UserActor, profile_id: object, *, now: datetime, lang: str = "fr"
) -> list[MeasureView]:
    pid = v.parse_id(profile_id)
    authorize(session, actor, Action.READ, pid, Target(Section.MEASURES), now=now, target_kind="measures")
    commit_if_written(session)  # the read recorded, if it was (the transaction goes on otherwise)
    facts = load_profile_facts(session, pid)
    if facts is None:
        raise NotFound()
    latest: dict[str, Measure] = {}
    for row in latest_per_kind(session, actor, facts, now):
        target = entry_target(Section.MEASURES, row)
        if decide(actor, Action.READ, facts, target, now).visible:
            latest[row.kind] = row
    return [
        MeasureView(kind, format_value(m, lang), UNIT_LABELS.get(m.unit, m.unit), local_date(m.measured_at).isoformat())
        for kind, m in latest.items()
    ]


# =========================================================================== the measures page
#
# Entry, edit and delete, the entries list, the latest-value cards and the charts.
# Reading a measure needs READ on the MEASURES section; the per-entry decision depends only
# on its marks (``hidden_from_professionals``, ``hidden_from_guardians``; the author does not
# change who may *read* a measure), so a chart takes the policy's SQL filter
# (:func:`~mes_app.services.visibility.read_filter`) instead of deciding 100 000 times.

ENTRIES_PAGE = 20
MAX_ENTRIES = 200
MAX_POINTS_PER_TRACE = 600  # a phone draws ~300 px: about 150 M4 buckets of 4 readings
RANGES: dict[str, int | None] = {"1m": 31, "3m": 92, "1y": 366, "all": None}
READ_ONLY_SOURCES = frozenset({"device"})
CHILD_BMI_HEIGHT_WINDOW = timedelta(days=92)
PARIS = ZoneInfo(DEFAULT_TIMEZONE)


@dataclass(frozen=True)
class EntryView:
    """One reading as the entries list shows it."""

    id: int
    kind: str
    value: str  # formatted with its unit: "72,5 kg", "128/82 mmHg"
    when: str  # local "28/11/2026 08:30"
    source: str  # manual | device | professional | import
    author_role: str
    author_name: str
    editable: bool
    # to prefill the edit form
    form_value: str
    form_secondary: str
    form_when: str  # datetime-local value
    # Entered by a professional, or deposited by a professional's software (blue badges).
    by_professional: bool = field(init=False, default=False)
    from_professional: bool = field(init=False, default=False)
    via_software: str = ""  # FHIR API (issue 12 item 2): the connected software that added it
    imported_from: str = ""  # FHIR file import (issue 12 item 3): the source of the file it came from

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_professional", self.author_role == "professional")
        object.__setattr__(self, "from_professional", self.source == "professional")


@dataclass(frozen=True)
class KindSummary:
    """A latest-value card."""

    kind: str
    value: str  # "72,5"
    unit: str
    when: str  # local date
    change: str  # "+0,4" or "" (no previous value)
    status_key: str  # i18n key of the class in words ("bmi_class.normal"), or ""
    status_detail: str  # "P48 · z −0,04" or ""
    count: int


@dataclass(frozen=True)
class ChartResult:
    kind: str
    figure: dict
    summary: KindSummary | None
    bands: tuple[tuple[str, str], ...]  # (i18n key, colour) of the bands drawn, for a legend
    note_key: str  # a sentence under the chart ("" for none)
    total_points: int
    sent_points: int


def _authorize_read(session: Session, actor: UserActor, profile_id: object, *, now: datetime, kind: str = "measures"):
    pid = v.parse_id(profile_id)
    authorize(session, actor, Action.READ, pid, Target(Section.MEASURES), now=now, target_kind="measures")
    session.commit()
    facts = load_profile_facts(session, pid)
    if facts is None:
        raise NotFound()
    # every mark of an entry (hidden from professionals, from guardians) judged by the policy
    return pid, facts, readable_marks(actor, facts, Section.MEASURES, now)


def _visible(query, marks: Marks):  # noqa: ANN001, ANN202 - a sqlmodel Select
    """The query, narrowed to the measures whose marks the viewer may read."""
    clause = marks_clause(Measure, marks)
    return query.where(clause if clause is not None else sa.false())


def _local(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)


def _when_text(moment: datetime, lang: str) -> str:
    local = _local(moment)
    return f"{i18n.format_date(local.date().isoformat(), lang)} {local:%H:%M}"


def _entry_target(row: Measure) -> Target:
    return entry_target(Section.MEASURES, row)


def _profile(session: Session, pid: int) -> Profile:
    profile = session.get(Profile, pid)
    if profile is None:
        raise NotFound()
    return profile


def _author_role(via: Via | None) -> str:
    if via is None:
        return "patient"
    return {Via.OWNER: "patient", Via.GUARDIAN: "guardian", Via.CARE_TEAM: "professional"}.get(via, "patient")


# --------------------------------------------------------------------------- writes


def add_measure(session: Session, actor: UserActor, profile_id: object, form: object, *, now: datetime) -> int:
    """Store one reading typed in the form (and the pulse typed with a blood pressure).
    Returns the id of the reading."""
    pid = v.parse_id(profile_id)
    decision = authorize(session, actor, Action.CREATE, pid, Target(Section.MEASURES), now=now,
                         target_kind="measures")
    profile = _profile(session, pid)
    reading = m.parse_reading(form, now=now, birth_date=profile.birth_date)
    role = _author_role(decision.via)
    source = "professional" if role == "professional" else "manual"
    row = _new_row(pid, actor, role, source, reading, now)
    session.add(row)
    if reading.heart_rate is not None:
        hr = m.KINDS["heart_rate"]
        session.add(_new_row(pid, actor, role, source, m.Reading("heart_rate", hr.loinc, reading.heart_rate, None,
                                                                 hr.unit, reading.measured_at), now))
    session.commit()
    return row.id


def _new_row(pid: int, actor: UserActor, role: str, source: str, reading: m.Reading, now: datetime) -> Measure:
    return Measure(profile_id=pid, author_user_id=actor.user_id, author_role=role, created_at=now, updated_at=now,
                   kind=reading.kind, loinc_code=reading.loinc_code, value=reading.value,
                   value_secondary=reading.value_secondary, unit=reading.unit, measured_at=reading.measured_at,
                   source=source)


def _load_row(session: Session, measure_id: object) -> Measure:
    row = session.get(Measure, v.parse_id(measure_id))
    if row is None:
        raise NotFound()
    return row


def update_measure(session: Session, actor: UserActor, measure_id: object, form: object, *, now: datetime) -> None:
    """Correct a reading one entered (its kind stays; device readings are read-only)."""
    row = _load_row(session, measure_id)
    authorize(session, actor, Action.UPDATE, row.profile_id, _entry_target(row), now=now, target_kind="measures",
              target_id=row.id)
    if row.source in READ_ONLY_SOURCES:
        raise Forbidden()
    if not isinstance(form, dict):
        raise ValidationError("error.invalid_form")
    profile = _profile(session, row.profile_id)
    reading = m.parse_reading({**form, "kind": row.kind, "heart_rate": None}, now=now, birth_date=profile.birth_date)
    row.value, row.value_secondary, row.measured_at = reading.value, reading.value_secondary, reading.measured_at
    row.loinc_code, row.unit, row.updated_at = reading.loinc_code, reading.unit, now
    session.add(row)
    session.commit()


def delete_measure(session: Session, actor: UserActor, measure_id: object, *, now: datetime) -> None:
    row = _load_row(session, measure_id)
    authorize(session, actor, Action.DELETE, row.profile_id, _entry_target(row), now=now, target_kind="measures",
              target_id=row.id)
    if row.source in READ_ONLY_SOURCES:
        raise Forbidden()
    session.delete(row)
    session.commit()


# --------------------------------------------------------------------------- entries list


def list_entries(session: Session, actor: UserActor, profile_id: object, kind: object, *, now: datetime,
                 lang: str = "fr", limit: object = ENTRIES_PAGE) -> tuple[list[EntryView], bool]:
    """The latest readings of one kind, newest first, and whether there are more."""
    spec = m.require_kind(kind)
    count = v.parse_optional_int(limit, field="limit", min_value=1, max_value=MAX_ENTRIES, required=True)
    pid, facts, marks = _authorize_read(session, actor, profile_id, now=now)
    return _entries(session, actor, pid, facts, marks, spec, lang, count, now)


def _entries(session: Session, actor: UserActor, pid: int, facts: ProfileFacts, marks: Marks, spec: m.MeasureKind,
             lang: str, count: int, now: datetime) -> tuple[list[EntryView], bool]:
    """The ``count`` newest readings with their authors' names (one statement), and whether
    there are more."""
    query = _visible(select(Measure, User.display_name).outerjoin(User, col(User.id) == Measure.author_user_id)
                     .where(Measure.profile_id == pid, Measure.kind == spec.key), marks)
    rows = session.exec(query.order_by(col(Measure.measured_at).desc(), col(Measure.id).desc()).limit(count + 1)).all()
    more = len(rows) > count
    views = []
    for row, author_name in rows[:count]:
        editable = (row.source not in READ_ONLY_SOURCES
                    and decide(actor, Action.UPDATE, facts, _entry_target(row), now).allowed)
        views.append(EntryView(
            id=row.id, kind=row.kind, value=_value_text(spec, row.value, row.value_secondary, lang),
            when=_when_text(row.measured_at, lang), source=row.source, author_role=row.author_role,
            author_name=author_name or "", editable=editable,
            form_value=m.format_number(row.value, "en", spec.decimals),
            form_secondary="" if row.value_secondary is None else m.format_number(row.value_secondary, "en", 0),
            form_when=f"{_local(row.measured_at):%Y-%m-%dT%H:%M}",
        ))
    return connected_software.with_via(session, "measures", views), more


def _value_text(spec: m.MeasureKind, value: float, secondary: float | None, lang: str) -> str:
    text = m.format_number(value, lang, spec.decimals)
    if secondary is not None:
        text += "/" + m.format_number(secondary, lang, spec.decimals)
    return f"{text} {spec.unit_label}"


# --------------------------------------------------------------------------- series


@dataclass(frozen=True)
class _Point:
    at: datetime
    value: float
    secondary: float | None
    loinc: str


# The statements of the measures page are built once per shape (which marks the viewer may
# read; see visibility.readable_marks): building them cost more CPU than running them. The
# profile, the kind, the kind's start and the limit are bound parameters.
def _point_select():  # noqa: ANN202 - a sqlmodel Select
    return select(Measure.measured_at, Measure.value, Measure.value_secondary, Measure.loinc_code)


@functools.cache
def _points_statement(marks: Marks, with_since: bool):  # noqa: ANN202 - a sqlmodel Select
    query = _point_select().where(Measure.profile_id == sa.bindparam("pid"),
                                          Measure.kind == sa.bindparam("kind"))
    if with_since:
        query = query.where(Measure.measured_at >= sa.bindparam("since", type_=UTCDateTime()))
    return _visible(query, marks).order_by(col(Measure.measured_at), col(Measure.id))


@functools.cache
def _kinds_statement(marks: Marks):  # noqa: ANN202 - a sqlmodel Select
    query = _visible(select(Measure.kind, func.count()).where(Measure.profile_id == sa.bindparam("pid")), marks)
    return query.group_by(Measure.kind)


@functools.cache
def _last_two_statement(marks: Marks, kinds: tuple[str, ...]):  # noqa: ANN202 - a sqlalchemy Select
    """The two newest readings of each of ``kinds``, in one statement: one indexed
    ``ORDER BY measured_at DESC LIMIT 2`` per kind (the cards), whatever the number of readings."""
    parts = []
    for kind in kinds:
        newest = _visible(select(Measure.kind, Measure.id, *_point_select().selected_columns)
                          .where(Measure.profile_id == sa.bindparam("pid"), Measure.kind == kind), marks)
        parts.append(select(newest.order_by(col(Measure.measured_at).desc(), col(Measure.id).desc())
                            .limit(2).subquery()))
    return sa.union_all(*parts)


def _points(session: Session, pid: int, kind: str, marks: Marks, since: datetime | None) -> list[_Point]:
    params = {"pid": pid, "kind": kind, "since": since}
    rows = session.exec(_points_statement(marks, since is not None), params=params).all()
    return [_Point(_aware(at), value, secondary, loinc) for at, value, secondary, loinc in rows]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _bmi_points(weights: list[_Point], heights: list[_Point], *, child: bool) -> list[_Point]:
    """BMI derived from each weight and the latest height measured before it (for a child,
    only a height from the last three months; for an adult, the first height if none before)."""
    if not heights:
        return []
    times = [h.at for h in heights]
    out = []
    for w in weights:
        i = bisect_right(times, w.at) - 1
        if i < 0:
            if child:
                continue
            i = 0
        height = heights[i]
        if child and w.at - height.at > CHILD_BMI_HEIGHT_WINDOW:
            continue
        out.append(_Point(w.at, m.bmi(w.value, height.value), None, m.KINDS["bmi"].loinc))
    return out


# --------------------------------------------------------------------------- downsampling in SQL
#
# A chart draws at most ``max_points`` per trace (600: a phone draws about 300 px, so some 150
# buckets of four readings; 1 000 points made a 27 KB delta for the same picture). When the range
# holds more readings, the database sends only, per time bucket, the first, the last, the lowest
# and the highest reading (M4, Jugel et al., VLDB 2014): the line drawn through them has the same
# peaks, dips and ends as the line through every reading, so a fever spike never vanishes from a
# ten-year chart, and the rows read into Python are bounded by the budget, not by the record.
# LTTB (:func:`mes_app.domain.measures.lttb_indices`, before) needed every row in Python: it picks
# by looking at the neighbours' averages, which SQL cannot do in one pass. M4 needs only
# ``row_number()``/``min``/``max`` windows sharing one sort, which SQLite (3.25+) and PostgreSQL
# both run, over an epoch-seconds expression per dialect (:class:`_EpochSeconds`). Two statements
# whatever the number of readings: the span of the range (how many, first and last time: the
# "N of M" line and the buckets' bounds), then every reading (at most the budget) or their M4,
# which always keeps the two newest readings (the summary's last value and change).
#
# The database still scans the range (on SQLite, in the server's process): that cost follows the
# range, 5-7 ms per 1 000 readings here (benchmarks/chart_payload.py), against about 15 ms for the
# rows, datetimes and LTTB in Python before.


class _EpochSeconds(sa.sql.expression.FunctionElement):
    """Seconds since 1970 of a UTCDateTime column (a float), on SQLite and PostgreSQL."""

    type = sa.Float()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(_EpochSeconds)
def _epoch_default(element, compiler, **kw):  # noqa: ANN001, ANN202
    return f"EXTRACT(EPOCH FROM {compiler.process(list(element.clauses)[0], **kw)})"


@compiles(_EpochSeconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw):  # noqa: ANN001, ANN202
    # SQLite keeps the UTC text "YYYY-MM-DD HH:MM:SS.ffffff" (UTCDateTime drops the offset)
    return f"((julianday({compiler.process(list(element.clauses)[0], **kw)}) - 2440587.5) * 86400.0)"


class _FloorInt(sa.sql.expression.FunctionElement):
    """The integer part of a non-negative number (SQLite has no FLOOR without its math
    extension; PostgreSQL's CAST rounds)."""

    type = sa.Integer()
    inherit_cache = True
    name = "floor_int"


@compiles(_FloorInt)
def _floor_default(element, compiler, **kw):  # noqa: ANN001, ANN202
    return f"CAST(FLOOR({compiler.process(list(element.clauses)[0], **kw)}) AS INTEGER)"


@compiles(_FloorInt, "sqlite")
def _floor_sqlite(element, compiler, **kw):  # noqa: ANN001, ANN202
    return f"CAST({compiler.process(list(element.clauses)[0], **kw)} AS INTEGER)"


_POINT_COLUMNS = (col(Measure.measured_at), col(Measure.value), col(Measure.value_secondary), col(Measure.loinc_code))


def _readings(marks: Marks, with_since: bool, bmi: bool):  # noqa: ANN202 - a sqlalchemy subquery
    """The readings of one kind in a range, with their time in epoch seconds (``e``) and, for
    BMI, the piece of the range they fall in (``seg``).

    For BMI the rows are weights, and ``seg`` is the measured_at of the latest height at or
    before the weight: within one piece the height is the same, so the lowest and highest
    weight are the lowest and highest BMI. For a child, weights without a height of the last
    three months are left out here, as :func:`_bmi_points` leaves them out (``:child``,
    ``:window`` seconds), so that the count is the count of BMI points.
    """
    pid, kind = sa.bindparam("pid"), sa.bindparam("kind")
    at = col(Measure.measured_at)
    base = sa.select(*_POINT_COLUMNS[:1], col(Measure.id), *_POINT_COLUMNS[1:], _EpochSeconds(at).label("e"))
    base = base.where(col(Measure.profile_id) == pid, col(Measure.kind) == kind)
    if with_since:
        base = base.where(at >= sa.bindparam("since", type_=UTCDateTime()))
    base = _visible(base, marks)
    if not bmi:
        return base.add_columns(sa.null().label("seg")).subquery("readings")
    height = orm.aliased(Measure)
    clause = marks_clause(height, marks)
    latest_height = (sa.select(func.max(height.measured_at))
                     .where(col(height.profile_id) == pid, col(height.kind) == "height", col(height.measured_at) <= at,
                            clause if clause is not None else sa.false())
                     .scalar_subquery())
    rows = base.add_columns(_EpochSeconds(latest_height).label("seg")).subquery("weights")
    shown = sa.or_(sa.bindparam("child", type_=sa.Boolean) == sa.false(),
                   sa.and_(rows.c.seg.is_not(None), rows.c.e - rows.c.seg <= sa.bindparam("window")))
    return sa.select(rows).where(shown).subquery("readings")


@functools.cache
def _span_statement(marks: Marks, with_since: bool, bmi: bool):  # noqa: ANN202 - a sqlalchemy Select
    """How many readings the range holds, and the first and last one's epoch seconds."""
    rows = _readings(marks, with_since, bmi)
    return sa.select(func.count(), func.min(rows.c.e), func.max(rows.c.e)).select_from(rows)


@functools.cache
def _m4_statement(marks: Marks, with_since: bool, secondary: bool, bmi: bool):  # noqa: ANN202 - a sqlalchemy Select
    """M4 over the readings of the range cut in ``:buckets`` between ``:t0`` and ``:t1``: one
    sort for the buckets (the windows share it), then a small one among the candidates to
    break ties (a flat series has every reading at its bucket's lowest value: the earliest is
    kept). The two newest readings are always kept (the summary's change)."""
    rows = _readings(marks, with_since, bmi)
    t0, t1 = sa.bindparam("t0", type_=sa.Float), sa.bindparam("t1", type_=sa.Float)
    bucket = _FloorInt((rows.c.e - t0) * sa.bindparam("buckets") / (t1 - t0 + 1.0))
    # the rows sorted carry only what M4 compares; the kept ones are read back by id
    carried = [rows.c.id, rows.c.e, rows.c.seg, rows.c.value, *([rows.c.value_secondary] if secondary else [])]
    bucketed = sa.select(*carried, bucket.label("k")).subquery("bucketed")
    b = bucketed.c
    columns = [b.value, b.value_secondary] if secondary else [b.value]

    def whole(fn):  # noqa: ANN001, ANN202 - every window of a bucket the same: one sort
        return fn.over(partition_by=(b.k, b.seg), order_by=(b.e, b.id), rows=(None, None))

    extremes = [whole(agg(c)).label(f"{agg.__name__}_{i}") for i, c in enumerate(columns) for agg in (_low, _high)]
    ranked = sa.select(bucketed, whole(func.row_number()).label("rn"), whole(func.count()).label("cnt"),
                    whole(func.max(b.e)).label("last_e"), *extremes).subquery("ranked")
    r = ranked.c
    at_extreme = [r[f"{agg.__name__}_{i}"] == r[c.name] for i, c in enumerate(columns) for agg in (_low, _high)]
    # the piece holding the newest reading (1 ms of slack: epoch seconds are floats)
    newest_two = sa.and_(r.rn == r.cnt - 1, r.last_e >= t1 - 0.001)
    flags = [sa.case((flag, 1), else_=0).label(f"x{i}") for i, flag in enumerate(at_extreme)]
    candidates = (sa.select(ranked, *flags).where(sa.or_(r.rn == 1, r.rn == r.cnt, newest_two, *at_extreme))
                  .subquery("candidates"))
    c = candidates.c
    firsts = [func.row_number().over(partition_by=(c.k, c.seg, c[f"x{i}"]), order_by=(c.e, c.id))
              .label(f"f{i}") for i in range(len(at_extreme))]
    tied = sa.select(candidates, *firsts).subquery("tied")
    t = tied.c
    keep = sa.or_(t.rn == 1, t.rn == t.cnt, sa.and_(t.rn == t.cnt - 1, t.last_e >= t1 - 0.001),
                  *[sa.and_(t[f"x{i}"] == 1, t[f"f{i}"] == 1) for i in range(len(at_extreme))])
    kept = sa.select(t.id).where(keep).subquery("kept")
    return (sa.select(*_POINT_COLUMNS)
            .join(kept, kept.c.id == Measure.id).order_by(col(Measure.measured_at), col(Measure.id)))


def _low(column):  # noqa: ANN001, ANN202
    return func.min(column)


def _high(column):  # noqa: ANN001, ANN202
    return func.max(column)


@functools.cache
def _all_statement(marks: Marks, with_since: bool, bmi: bool):  # noqa: ANN202 - a sqlalchemy Select
    rows = _readings(marks, with_since, bmi)
    return sa.select(rows.c.measured_at, rows.c.value, rows.c.value_secondary, rows.c.loinc_code) \
        .order_by(rows.c.measured_at, rows.c.id)


def _per_bucket(secondary: bool) -> int:
    """Readings M4 keeps per bucket: first, last, lowest, highest (and of the diastolic)."""
    return 6 if secondary else 4


def _drawn(session: Session, pid: int, kind: str, marks: Marks, since: datetime | None, *, secondary: bool,
           max_points: int, heights: list[_Point] | None = None, child: bool = False) -> tuple[list[_Point], int]:
    """The readings to draw (at most ``max_points`` per trace) and how many the range holds:
    two statements whatever their number (the span, then every reading or their M4)."""
    bmi, with_since = heights is not None, since is not None
    params: dict[str, object] = {"pid": pid, "kind": kind, "since": since, "child": child,
                                 "window": CHILD_BMI_HEIGHT_WINDOW.total_seconds()}
    total, t0, t1 = session.execute(_span_statement(marks, with_since, bmi), params).one()
    if not total:
        return [], 0
    if total <= max_points:
        statement = _all_statement(marks, with_since, bmi)
    else:
        # for BMI every height of the range may cut a bucket in two: fewer buckets, same budget
        cuts = 0 if heights is None else sum(1 for h in heights if since is None or h.at >= since) + 1
        buckets = max(1, (max_points - 2) // _per_bucket(secondary) - cuts)
        params |= {"buckets": buckets, "t0": float(t0), "t1": float(t1)}
        statement = _m4_statement(marks, with_since, secondary, bmi)
    rows = session.execute(statement, params).all()
    return [_Point(_aware(at), value, second, loinc) for at, value, second, loinc in rows], total


def _kinds_with_data(session: Session, pid: int, marks: Marks) -> dict[str, int]:
    counts = dict(session.exec(_kinds_statement(marks), params={"pid": pid}).all())
    return {kind: counts[kind] for kind in m.KINDS if kind in counts}


# --------------------------------------------------------------------------- reference


def _summary(spec: m.MeasureKind, points: list[_Point], profile: Profile, lang: str, count: int) -> KindSummary | None:
    if not points:
        return None
    last = points[-1]
    previous = points[-2] if len(points) > 1 else None
    value = m.format_number(last.value, lang, spec.decimals)
    change = ""
    if last.secondary is not None:
        value += "/" + m.format_number(last.secondary, lang, spec.decimals)
        if previous is not None and previous.secondary is not None:
            change = (_signed(last.value - previous.value, lang, spec.decimals) + "/"
                      + _signed(last.secondary - previous.secondary, lang, spec.decimals))
    elif previous is not None:
        change = _signed(last.value - previous.value, lang, spec.decimals)
    status_key, detail = _status(spec, last, profile, lang)
    day = _local(last.at).date().isoformat()
    return KindSummary(spec.key, value, spec.unit_label, i18n.format_date(day, lang), change, status_key, detail, count)


def _signed(delta: float, lang: str, decimals: int) -> str:
    text = m.format_number(abs(delta), lang, decimals)
    if text == "0":
        return "="
    return ("+" if delta > 0 else "−") + text


def _is_adult(profile: Profile, on: date) -> bool:
    return m.age_in_years(profile.birth_date, on) >= m.ADULT_FROM_YEARS


def _status(spec: m.MeasureKind, last: _Point, profile: Profile, lang: str) -> tuple[str, str]:
    on = _local(last.at).date()
    if _is_adult(profile, on):
        if spec.key == "bmi":
            return f"bmi_class.{m.bmi_class(last.value)}", ""
        if spec.key == "blood_pressure" and last.secondary is not None:
            return f"bp_class.{m.bp_class(last.value, last.secondary)}", ""
        return "", ""
    indicator = growth.KIND_INDICATOR.get(spec.key)
    if indicator is None:
        return "", ""
    score = growth.zscore(indicator, profile.sex, profile.birth_date, on, last.value,
                          recumbent=_recumbent(last.loinc) if spec.key == "height" else None)
    if score is None:
        return "", ""
    percentile = m.format_number(score.percentile, lang, 0 if score.percentile >= 1 else 1)
    detail = f"P{percentile} · z {_signed(score.z, lang, 2).replace('=', '0')}"
    return f"growth.{indicator}.{score.category}", detail


def _recumbent(loinc: str) -> bool | None:
    if loinc == m.RECUMBENT_LENGTH_LOINC:
        return True
    if loinc == m.KINDS["height"].loinc:
        return False
    return None


# --------------------------------------------------------------------------- overview and charts


@dataclass
class _Reader:
    """One use case's reading of a profile's measures: authorised once (one access event for a
    professional), with the policy's facts, the marks the actor may read, the profile, and the
    heights once read (BMI: the card and the chart of the same load share them). Lives for one
    call, never across requests."""

    actor: UserActor
    pid: int
    facts: ProfileFacts
    marks: Marks
    profile: Profile
    child: bool
    now: datetime
    _heights: list[_Point] | None = None

    def heights(self, session: Session) -> list[_Point]:
        if self._heights is None:
            self._heights = _points(session, self.pid, "height", self.marks, None)
        return self._heights


def _open(session: Session, actor: UserActor, profile_id: object, now: datetime) -> _Reader:
    pid, facts, marks = _authorize_read(session, actor, profile_id, now=now)
    profile = _profile(session, pid)
    return _Reader(actor, pid, facts, marks, profile, not _is_adult(profile, local_date(now)), now)


def overview(
    session: Session, actor: UserActor, profile_id: object, *, now: datetime, lang: str = "fr"
) -> list[KindSummary]:
    """One card per kind with data (BMI derived when weight and height exist)."""
    reader = _open(session, actor, profile_id, now)
    return _cards(session, reader, _kinds_with_data(session, reader.pid, reader.marks), lang)


def _cards(session: Session, reader: _Reader, counts: dict[str, int], lang: str) -> list[KindSummary]:
    """The cards: the last two readings of every kind come in one statement."""
    counts = dict(counts)
    if "weight" in counts and "height" in counts:
        counts["bmi"] = counts["weight"]
    typed = tuple(kind for kind in m.KINDS if kind in counts and not m.KINDS[kind].derived)
    last_two: dict[str, list[_Point]] = {}
    if typed:
        rows = session.execute(_last_two_statement(reader.marks, typed), {"pid": reader.pid}).all()
        for kind, _id, at, value, secondary, loinc in sorted(rows, key=lambda r: (r[2], r[1])):
            last_two.setdefault(kind, []).append(_Point(_aware(at), value, secondary, loinc))
    if "bmi" in counts:
        last_two["bmi"] = _bmi_points(last_two.get("weight", []), reader.heights(session), child=reader.child)
    cards = []
    for kind in m.KINDS:
        if kind not in counts:
            continue
        summary = _summary(m.KINDS[kind], last_two.get(kind, []), reader.profile, lang, counts[kind])
        if summary is not None:
            cards.append(summary)
    return cards


def chart(session: Session, actor: UserActor, profile_id: object, kind: object, range_key: object, *, now: datetime,
          lang: str = "fr", max_points: int = MAX_POINTS_PER_TRACE) -> ChartResult:
    """The chart of one kind over a range (``1m``, ``3m``, ``1y``, ``all``), downsampled to at
    most ``max_points`` per trace (M4, in SQL), with its reference bands or growth curves."""
    spec = m.require_kind(kind, typed=False)
    key = v.parse_choice(range_key, RANGES, field="range")
    return _chart(session, _open(session, actor, profile_id, now), spec, key, lang, max_points)


def _chart(session: Session, reader: _Reader, spec: m.MeasureKind, key: str, lang: str,
           max_points: int) -> ChartResult:
    days = RANGES[key]
    since = None if days is None else reader.now - timedelta(days=days)
    points, total = _chart_points(session, reader, spec, since, max_points)
    summary = _summary(spec, points[-2:], reader.profile, lang, total) if points else None
    chart_input, bands, note = _chart_input(spec, points, reader.profile, since, reader.now)
    figure = charts.build_figure(chart_input, lang)
    sent = sum(len(s.xs) for s in chart_input.series)
    return ChartResult(spec.key, figure, summary, bands, note, total * (2 if spec.secondary else 1), sent)


def _chart_points(session: Session, reader: _Reader, spec: m.MeasureKind, since: datetime | None,
                  max_points: int) -> tuple[list[_Point], int]:
    """The points to draw, oldest first, and the number of readings of the range."""
    if spec.key != "bmi":
        return _drawn(session, reader.pid, spec.key, reader.marks, since, secondary=spec.secondary,
                      max_points=max_points)
    heights = reader.heights(session)
    if not heights:
        return [], 0
    weights, total = _drawn(session, reader.pid, "weight", reader.marks, since, secondary=False,
                            max_points=max_points, heights=heights, child=reader.child)
    return _bmi_points(weights, heights, child=reader.child), total


def _x(moment: datetime) -> str:
    return f"{_local(moment):%Y-%m-%d %H:%M}"


def _series(name_key: str, points: list[_Point], pick) -> charts.Series:  # noqa: ANN001
    return charts.Series(name_key, [_x(p.at) for p in points], [pick(p) for p in points])


def _chart_input(spec: m.MeasureKind, points: list[_Point], profile: Profile, since: datetime | None,
                 now: datetime) -> tuple[charts.ChartInput, tuple[tuple[str, str], ...], str]:
    if spec.secondary:
        series = [_series("measures.systolic", points, lambda p: p.value),
                  _series("measures.diastolic", points, lambda p: p.secondary or 0.0)]
    else:
        series = [_series(f"measure.{spec.key}", points, lambda p: p.value)]
    today = local_date(now)
    adult = _is_adult(profile, today)
    bands: tuple[m.Band, ...] = ()
    curves: list[charts.GrowthCurve] = []
    thresholds: tuple[tuple[float, str], ...] = ()
    note = ""
    if adult and spec.key == "bmi":
        bands, note = m.BMI_BANDS, "measures.note_bmi"
    elif adult and spec.key == "blood_pressure":
        bands, note = m.BP_BANDS, "measures.note_bp"
        thresholds = ((90.0, "measures.diastolic_90"),)
    elif not adult and spec.key in growth.KIND_INDICATOR:
        indicator = growth.KIND_INDICATOR[spec.key]
        start = local_date(since) if since is not None else (local_date(points[0].at) if points else today)
        start = max(start, profile.birth_date)
        from_day = growth.age_days(profile.birth_date, start)
        to_day = growth.age_days(profile.birth_date, today)
        if from_day > growth.MAX_AGE_DAYS:
            note = "measures.note_beyond_5y"
        elif profile.sex not in ("female", "male"):
            note = "measures.note_no_sex"
        else:
            for curve in growth.curves(indicator, profile.sex, from_day, to_day):
                xs = [f"{profile.birth_date + timedelta(days=a):%Y-%m-%d} 12:00" for a in curve.ages]
                curves.append(charts.GrowthCurve(curve.percentile, xs, list(curve.values)))
            note = "measures.note_growth" if to_day <= growth.MAX_AGE_DAYS else "measures.note_growth_until_5y"
    elif not adult and spec.key in ("blood_pressure",):
        note = "measures.note_child_bp"
    chart_input = charts.ChartInput(series, spec.unit_label, spec.decimals, bands, curves, thresholds)
    legend = tuple((f"{'bmi_class' if spec.key == 'bmi' else 'bp_class'}.{b.key}", b.color) for b in bands)
    return chart_input, legend, note


def available_kinds(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> list[str]:
    """The kinds that have readings the actor may see (BMI when weight and height exist)."""
    pid, _facts, marks = _authorize_read(session, actor, profile_id, now=now)
    return _kind_menu(_kinds_with_data(session, pid, marks))


def _kind_menu(counts: dict[str, int]) -> list[str]:
    kinds = list(counts)
    if "weight" in kinds and "height" in kinds:
        kinds.insert(kinds.index("height") + 1, "bmi")
    return [k for k in m.KINDS if k in kinds]


@dataclass(frozen=True)
class ChartPanel:
    """The measures page below the cards: the kinds to choose from, the kind shown, its chart
    and its entries; and the cards when asked for (the page's first load)."""

    kinds: list[str]
    kind: str  # "" when the profile has no readable measure
    chart: ChartResult | None
    entries: list[EntryView]
    entries_more: bool
    cards: list[KindSummary]


def chart_panel(session: Session, actor: UserActor, profile_id: object, kind: object, range_key: object, *,
                now: datetime, lang: str = "fr", entries_limit: object = ENTRIES_PAGE,
                with_cards: bool = False) -> ChartPanel:
    """The measures page in one use case: one authorisation (one access event), one count of
    the kinds for the cards and the menu, the chart and the entries of ``kind`` (or of weight,
    or of the first kind with data, when ``kind`` has none)."""
    key = v.parse_choice(range_key, RANGES, field="range")
    limit = v.parse_optional_int(entries_limit, field="limit", min_value=1, max_value=MAX_ENTRIES, required=True)
    reader = _open(session, actor, profile_id, now)
    counts = _kinds_with_data(session, reader.pid, reader.marks)
    cards = _cards(session, reader, counts, lang) if with_cards else []
    kinds = _kind_menu(counts)
    shown = kind if isinstance(kind, str) and kind in kinds else ("weight" if "weight" in kinds else
                                                                   (kinds[0] if kinds else ""))
    if not shown:
        return ChartPanel(kinds, "", None, [], False, cards)
    result = _chart(session, reader, m.KINDS[shown], key, lang, MAX_POINTS_PER_TRACE)
    spec = m.KINDS["weight" if shown == "bmi" else shown]
    entries, more = _entries(session, actor, reader.pid, reader.facts, reader.marks, spec, lang, limit, now)
    return ChartPanel(kinds, shown, result, entries, more, cards)


def entry_for_edit(
    session: Session, actor: UserActor, measure_id: object, *, now: datetime, lang: str = "fr"
) -> EntryView:
    """One reading the actor may edit, to prefill the edit form (NotFound/Forbidden otherwise)."""
    row = _load_row(session, measure_id)
    authorize(session, actor, Action.UPDATE, row.profile_id, _entry_target(row), now=now, target_kind="measures",
              target_id=row.id)
    session.commit()
    if row.source in READ_ONLY_SOURCES:
        raise Forbidden()
    spec = m.KINDS[row.kind]
    return EntryView(
        id=row.id, kind=row.kind, value=_value_text(spec, row.value, row.value_secondary, lang),
        when=_when_text(row.measured_at, lang), source=row.source, author_role=row.author_role, author_name="",
        editable=True, form_value=m.format_number(row.value, "en", spec.decimals),
        form_secondary="" if row.value_secondary is None else m.format_number(row.value_secondary, "en", 0),
        form_when=f"{_local(row.measured_at):%Y-%m-%dT%H:%M}",
    )
