""""Mon histoire de santé": every interaction with care, newest first, paginated.

The timeline is derived: encounters, vaccinations, hospital stays, documents and past
appointments, each shown only when the policy lets the viewer read that entry.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from mes_app.db import models
from mes_app.db.types import UTCDateTime
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, decide, entry_target
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound
from mes_app.services.access_facts import authorize, document_switches, load_profile_facts
from mes_app.services.visibility import Marks, marks_clause, read_filter, readable_marks

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


# (section, model, the column the entry is dated by, its kind, title, details)
def _encounter(row):  # noqa: ANN001, ANN202
    return row.occurred_at, row.kind, row.title, " · ".join(x for x in (row.practitioner, row.place) if x)


def _vaccination(row):  # noqa: ANN001, ANN202
    return _at_noon(row.given_on), "vaccination", row.code_text, f"dose {row.dose_number}" if row.dose_number else ""


def _hospital(row):  # noqa: ANN001, ANN202
    return _at_noon(row.admitted_on), "hospital", row.code_text, row.facility or ""


def _document(row):  # noqa: ANN001, ANN202
    return _at_noon(row.document_date), "document", row.title, row.category_display or ""


def _appointment(row):  # noqa: ANN001, ANN202
    return row.starts_at, "appointment", row.title, row.practitioner or ""


def _lab_report(row):  # noqa: ANN001, ANN202 - lab results (issue 12)
    title = row.title or row.lab_name or ""
    return row.collected_at, "lab_result", title, row.lab_name if row.title and row.lab_name else ""


_SOURCES = (
    (Section.HISTORY, models.Encounter, models.Encounter.occurred_at, None, _encounter),
    (Section.VACCINATIONS, models.Vaccination, models.Vaccination.given_on, "vaccination", _vaccination),
    (Section.HOSPITALISATIONS, models.Hospitalisation, models.Hospitalisation.admitted_on, "hospital", _hospital),
    (Section.DOCUMENTS, models.Document, models.Document.document_date, "document", _document),
    (Section.APPOINTMENTS, models.Appointment, models.Appointment.starts_at, "appointment", _appointment),
    (Section.LAB_RESULTS, models.LabReport, models.LabReport.collected_at, "lab_result", _lab_report),
)


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


def _readable_sources(actor: UserActor, facts, wanted: str, now: datetime):  # noqa: ANN001, ANN202
    """The sources the filter keeps, each with its statements for the viewer: (rows, count).

    The statements of a source depend on the viewer only through the policy's filter; for
    every source but documents (whose filter names the viewer) that filter has a few shapes
    (the marks the viewer may read), so they are built once per shape and kept (building
    them cost more than running them).
    """
    for index, (section, model, _column, kind, describe) in enumerate(_SOURCES):
        if wanted not in ("all", kind) and not (kind is None and wanted in FILTERS[1:7]):
            continue
        if model is models.Document:
            readable = read_filter(actor, facts, section, model, now)
            if readable is not None:
                yield section, describe, _statements(index, wanted, readable)
            continue
        marks = readable_marks(actor, facts, section, now)
        if marks:
            yield section, describe, _shared_statements(index, wanted, marks)


_Statements = tuple[SelectOfScalar, sa.ScalarSelect]


@functools.lru_cache(maxsize=256)
def _shared_statements(index: int, wanted: str, marks: Marks) -> _Statements:
    model = _SOURCES[index][1]
    readable = marks_clause(model, marks)
    if readable is None:  # the caller skips a source nobody may read
        raise ValueError("unreadable source")
    return _statements(index, wanted, readable)


def _statements(index: int, wanted: str, readable: sa.ColumnElement) -> _Statements:
    """A source's rows, ordered like the page and limited to ``reach``, and its COUNT."""
    _section, model, column, _kind, _describe = _SOURCES[index]
    where = [*_where(model, wanted), readable]
    # The key's order ("encounter-12" < "encounter-9"): the id compared as text.
    order = (col(column).desc(), sa.cast(model.id, sa.String).desc())
    rows = select(model).where(*where).order_by(*order).limit(sa.bindparam("reach", type_=sa.Integer))
    return rows, select(sa.func.count()).select_from(model).where(*where).scalar_subquery()


def history_page(
    session: Session, actor: UserActor, profile_id: object, *, kind: object = "all", page: object = 0, now: datetime,
    page_size: int = PAGE_SIZE, with_total: bool = True,
) -> TimelinePage:
    """One page of the history. Each source is read in SQL already filtered for the viewer,
    ordered as the page is (date, then key, newest first) and limited to the rows that can
    reach this page; the five short lists are then merged. The total is one COUNT, left out
    (0) when ``with_total`` is False: home shows its few latest items without it."""
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
    sources = list(_readable_sources(actor, facts, wanted, now))
    params = {"pid": pid, "now": now, "reach": reach}
    loaded: list[tuple[Section, Any, tuple]] = []
    for section, describe, (rows, _count) in sources:
        loaded += [(section, row, describe(row)) for row in session.exec(rows, params=params)]
    total = 0
    if with_total and sources:
        counts = [count for _section, _describe, (_rows, count) in sources]
        total = session.exec(select(sum(counts[1:], counts[0])), params=params).one()
    switches = document_switches(session, [row.id for section, row, _ in loaded if section == Section.DOCUMENTS])
    entries = []
    for section, row, (when, item_kind, title, details) in loaded:
        is_doc = section == Section.DOCUMENTS
        target = entry_target(section, row, document_id=row.id if is_doc else None,
                              document_switches=switches.get(row.id, {}) if is_doc else {})
        if decide(actor, Action.READ, facts, target, now).visible:
            entries.append((when, f"{type(row).__name__.lower()}-{row.id}", item_kind, title, details, row))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    chosen = entries[start : start + page_size]
    names = _names(session, {e[5].author_user_id for e in chosen})
    items = [
        TimelineItem(key, item_kind, title, details, local_date(when).isoformat(), row.author_role,
                     names.get(row.author_user_id, ""), note=_note(row),
                     by_professional=row.author_role == "professional")
        for when, key, item_kind, title, details, row in chosen
    ]
    return TimelinePage(items, page_no, len(entries) > start + page_size, int(total or 0))


_NOTED = (models.Encounter, models.Vaccination, models.Hospitalisation, models.LabReport)


def _note(row: object) -> str:
    return (row.note or "") if isinstance(row, _NOTED) else ""


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u.display_name for u in session.exec(select(models.User).where(col(models.User.id).in_(ids)))}
