""""Mon histoire de santé": every interaction with care, newest first, paginated.

The timeline is derived: encounters, vaccinations, hospital stays, documents and past
appointments, each shown only when the policy lets the viewer read that entry.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col

from mes_app.db import models
from mes_app.db.core import core
from mes_app.db.types import UTCDateTime
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, decide, entry_target
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound
from mes_app.services.access_facts import authorize, document_switches, load_profile_facts
from mes_app.services.visibility import (
    DocumentShape,
    Marks,
    document_clause,
    document_shape,
    grantee_of,
    marks_clause,
    readable_marks,
)

PAGE_SIZE = 15
FILTERS = ("all", "gp_visit", "specialist", "pharmacy", "lab", "emergency", "other",
           "vaccination", "hospital", "document", "appointment",
           "lab_result")  # lab results (issue 12)


@dataclass(frozen=True)
class TimelineItem:
    key: str  # unique in the list: "<source>-<id>"
    kind: str  # one of FILTERS except "all"
    title: str
    details: str
    date: str  # ISO date
    author_role: str
    author_name: str
    note: str = ""  # what the patient (or professional) typed as a note on the entry
    by_professional: bool = False  # entered by a professional: the page names them


@dataclass(frozen=True)
class TimelinePage:
    items: list[TimelineItem]
    page: int
    has_more: bool
    total: int


def _at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


# What a row of the page is made of, whatever its source: one projection of every source, so
# that the whole page is one UNION ALL. A source dated by a day (``day``) is shown at noon.
_NO_TEXT, _NO_DAY = sa.cast(sa.null(), sa.String), sa.cast(sa.null(), sa.Date)
_NO_TIME = sa.cast(sa.null(), UTCDateTime())
_COLUMNS = ("src", "id", "at", "day", "kind", "title", "detail", "detail2", "note", "author_user_id",
            "author_role", "author_name", "hidden_from_professionals", "hidden_from_guardians")


def _projection(model: type, *, at: Any = _NO_TIME, day: Any = _NO_DAY, kind: Any = _NO_TEXT, title: Any,
                detail: Any = _NO_TEXT, detail2: Any = _NO_TEXT, noted: bool = True) -> tuple:
    """The columns of a source after ``src`` (``author_name`` comes from the join with the
    author's account)."""
    return (col(model.id), at, day, kind, col(title), detail, detail2, col(model.note) if noted else _NO_TEXT,
            col(model.author_user_id), col(model.author_role), col(models.User.display_name),
            col(model.hidden_from_professionals), col(model.hidden_from_guardians))


# (section, model, the column the entry is dated by, its kind, its projection, its key's prefix)
_SOURCES = (
    (Section.HISTORY, models.Encounter, models.Encounter.occurred_at, None, lambda m: _projection(
        m, at=col(m.occurred_at), kind=col(m.kind), title=m.title, detail=col(m.practitioner), detail2=col(m.place))),
    (Section.VACCINATIONS, models.Vaccination, models.Vaccination.given_on, "vaccination", lambda m: _projection(
        m, day=col(m.given_on), title=m.code_text, detail=sa.cast(col(m.dose_number), sa.String))),
    (Section.HOSPITALISATIONS, models.Hospitalisation, models.Hospitalisation.admitted_on, "hospital",
     lambda m: _projection(m, day=col(m.admitted_on), title=m.code_text, detail=col(m.facility))),
    (Section.DOCUMENTS, models.Document, models.Document.document_date, "document", lambda m: _projection(
        m, day=col(m.document_date), title=m.title, detail=col(m.category_display), noted=False)),
    (Section.APPOINTMENTS, models.Appointment, models.Appointment.starts_at, "appointment", lambda m: _projection(
        m, at=col(m.starts_at), title=m.title, detail=col(m.practitioner), noted=False)),
    (Section.LAB_RESULTS, models.LabReport, models.LabReport.collected_at, "lab_result", lambda m: _projection(
        m, at=col(m.collected_at), title=m.title, detail=col(m.lab_name))),
)


def _describe(kind: str | None, row: Any) -> tuple[datetime, str, str, str]:
    """When, kind, title and details of a row of the page, as its source shows them."""
    when = row.at if row.at is not None else _at_noon(row.day)
    if kind is None:  # an encounter: its own kind; who and where
        return when, row.kind, row.title, " · ".join(x for x in (row.detail, row.detail2) if x)
    if kind == "vaccination":
        return when, kind, row.title, f"dose {row.detail}" if row.detail and row.detail != "0" else ""
    if kind == "lab_result":  # lab results (issue 12): the lab's name stands for a missing title
        title = row.title or row.detail or ""
        return when, kind, title, row.detail if row.title and row.detail else ""
    return when, kind, row.title, row.detail or ""


def _where(model: type, wanted: str) -> list:
    """The source's own conditions, on the bound parameters ``pid`` and ``now``."""
    clauses = [model.profile_id == sa.bindparam("pid")]
    if model is models.Encounter and wanted != "all":
        clauses.append(models.Encounter.kind == wanted)
    if model is models.Document:
        clauses.append(col(models.Document.deleted_at).is_(None))
    if model is models.Appointment:
        clauses += [models.Appointment.starts_at < sa.bindparam("now", type_=UTCDateTime()),
                    models.Appointment.status == "planned"]
    return clauses


# A source the viewer reads: its index in _SOURCES and what the viewer may read of it, as a
# shape: the marks it may read, or for documents a DocumentShape, which names the viewer only
# through the bound parameter ``grantee``. So the page's statement is built once per shape.
_Readable = tuple[int, "Marks | DocumentShape"]


def _readable_sources(actor: UserActor, facts, wanted: str, now: datetime) -> list[_Readable]:  # noqa: ANN001
    """The sources the filter keeps that the viewer may read, with what they may read of each."""
    found: list[_Readable] = []
    for index, (section, model, _column, kind, _project) in enumerate(_SOURCES):
        if wanted not in ("all", kind) and not (kind is None and wanted in FILTERS[1:7]):
            continue
        shape = document_shape(actor, facts, now) if model is models.Document else readable_marks(
            actor, facts, section, now)
        if shape:
            found.append((index, shape))
    return found


@functools.lru_cache(maxsize=256)
def _page_statement(readable: tuple[_Readable, ...], wanted: str, with_total: bool) -> sa.Select:
    """The page's statement, built once per shape (building it cost more than running it).
    Nothing in it names a viewer: the grantee's id is a parameter of the execution."""
    return _build_page(list(readable), wanted, with_total)


def _source_clause(model: type, what: Marks | DocumentShape) -> sa.ColumnElement | None:
    if model is models.Document:
        return document_clause(cast("DocumentShape", what))
    return marks_clause(model, cast("Marks", what))


def _build_page(readable: list[_Readable], wanted: str, with_total: bool) -> sa.Select:
    """Every readable source's rows, ordered like the page and limited to ``reach`` (its own
    ORDER BY ... LIMIT, in a subquery), in one UNION ALL with the author's name; with the
    total, the sum of each source's COUNT, as one more column (computed once)."""
    branches, counts = [], []
    for index, what in readable:
        _section, model, column, _kind, project = _SOURCES[index]
        clause = _source_clause(model, what)
        if clause is None:  # the caller leaves out a source nobody may read
            raise ValueError("unreadable source")
        where = [*_where(model, wanted), clause]
        # The key's order ("encounter-12" < "encounter-9"): the id compared as text.
        order = (col(column).desc(), sa.cast(model.id, sa.String).desc())
        # Every column named: the same NULL of two columns would otherwise be one column.
        columns = (sa.literal(index), *project(model))
        rows = (sa.select(*(column.label(name) for column, name in zip(columns, _COLUMNS, strict=True)))
                .outerjoin(models.User, col(models.User.id) == col(model.author_user_id))
                .where(*where).order_by(*order).limit(sa.bindparam("reach", type_=sa.Integer)).subquery())
        branches.append(sa.select(*(rows.c[name] for name in _COLUMNS)))
        counts.append(sa.select(sa.func.count()).select_from(model).where(*where).scalar_subquery())
    union = sa.union_all(*branches).subquery()
    page = sa.select(*(union.c[name] for name in _COLUMNS))
    if with_total:
        total = counts[0]
        for count in counts[1:]:
            total = total + count
        page = page.add_columns(sa.select(total).scalar_subquery().label("total"))
    return page


def history_page(
    session: Session, actor: UserActor, profile_id: object, *, kind: object = "all", page: object = 0, now: datetime,
    page_size: int = PAGE_SIZE, with_total: bool = True,
) -> TimelinePage:
    """One page of the history, in one statement (and one more for the switches of the
    documents it holds). Each source is read in SQL already filtered for the viewer, ordered
    as the page is (date, then key, newest first) and limited to the rows that can reach this
    page, with its author's name; the short lists are then merged. The total is the sum of
    the sources' COUNTs, left out (0) when ``with_total`` is False: home shows its few latest
    items without it."""
    pid = v.parse_id(profile_id)
    wanted = v.parse_choice(kind or "all", FILTERS, field="kind")
    page_no = v.parse_optional_int(page, field="page", min_value=0, max_value=10_000) or 0
    authorize(session, actor, Action.READ, pid, Target(Section.HISTORY), now=now, target_kind="history")
    session.commit()
    facts = load_profile_facts(session, pid)
    if facts is None:  # authorized just above; the profile was deleted since
        raise NotFound()
    start = page_no * page_size
    reach = start + page_size + 1  # one more than the page: "see more"
    readable = _readable_sources(actor, facts, wanted, now)
    rows = core(session).execute(_page_statement(tuple(readable), wanted, with_total),
                                 {"pid": pid, "now": now, "reach": reach, "grantee": grantee_of(actor)},
                                 ).all() if readable else []
    total = rows[0].total if with_total and rows else 0
    documents = [row.id for row in rows if _SOURCES[row.src][0] == Section.DOCUMENTS]
    switches = document_switches(session, documents)
    entries = []
    for row in rows:
        section, model, _column, source_kind, _project = _SOURCES[row.src]
        is_doc = section == Section.DOCUMENTS
        target = entry_target(section, row, document_id=row.id if is_doc else None,
                              document_switches=switches.get(row.id, {}) if is_doc else {})
        if decide(actor, Action.READ, facts, target, now).visible:
            when, item_kind, title, details = _describe(source_kind, row)
            entries.append((when, f"{model.__name__.lower()}-{row.id}", item_kind, title, details, row))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    chosen = entries[start : start + page_size]
    items = [
        TimelineItem(key, item_kind, title, details, local_date(when).isoformat(), row.author_role,
                     row.author_name or "", note=row.note or "", by_professional=row.author_role == "professional")
        for when, key, item_kind, title, details, row in chosen
    ]
    return TimelinePage(items, page_no, len(entries) > start + page_size, int(total or 0))
