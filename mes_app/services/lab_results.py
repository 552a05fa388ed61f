"""Lab results (issue 12, item 1): reports and their values, entered by hand (the patient, a
guardian, a professional of the care team) or, later, posted by care software through the FHIR
API (``add_report`` with a typed :class:`LabReportInput` is the one way in for both).

Reading needs READ on the LAB_RESULTS section; whether a report is readable depends only on
its ``hidden_from_professionals`` switch (its values share it), so each list is filtered in SQL
by :func:`mes_app.services.visibility.read_filter` and then each row is decided again.
Every query is limited and runs on an index (``ix_lab_report_profile_time``,
``ix_lab_result_profile_test_time``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from mes_app import formatting
from mes_app.charts import measures as charts
from mes_app.db.models import Document, LabReport, LabResult, Profile, User
from mes_app.domain import lab_results as lab
from mes_app.domain import measures as m
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, Via, decide, entry_target
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.lab_results import LabReportInput, LabValueInput
from mes_app.services import connected_software
from mes_app.services.access_facts import authorize, document_switches, load_profile_facts
from mes_app.services.visibility import read_filter

__all__ = ["LabReportInput", "LabValueInput", "add_report"]

TARGET_KIND = Section.LAB_RESULTS.value
REPORTS_PAGE = 20
MAX_REPORTS = 200
TREND_VALUES = 20
MAX_TREND_POINTS = 500
BAND_COLOR = "rgba(13,148,136,0.12)"


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class ReportSummary:
    """A report as the list shows it."""

    id: int
    title: str
    lab_name: str
    collected: str  # local date, formatted
    value_count: int
    out_of_range: int
    hidden: bool
    by_professional: bool
    via_software: str = ""  # FHIR API (issue 12 item 2): the connected software that posted it
    imported_from: str = ""  # FHIR file import (issue 12 item 3): the source of the file it came from


@dataclass(frozen=True)
class ValueView:
    id: int
    test_key: str  # "" outside the catalogue (no trend page)
    name: str
    value: str  # "6,4" or the text as printed
    unit: str  # as printed ("mmol/L", "µmol/L")
    ref_range: str  # "3,9 – 5,8" or the lab's text
    interpretation: str  # "" | N | H | L | HH | LL | A
    out_of_range: bool
    computed: bool  # the interpretation was worked out from the range, not sent by the lab


@dataclass(frozen=True)
class ReportView:
    id: int
    title: str
    lab_name: str
    collected: str  # local date and time
    issued: str
    status: str
    note: str
    values: list[ValueView]
    hidden: bool
    can_delete: bool
    can_hide: bool
    by_professional: bool
    author_name: str
    document_id: int  # 0: no PDF, or one the reader may not open
    document_title: str
    via_software: str = ""  # FHIR API (issue 12 item 2): the connected software that posted it
    imported_from: str = ""  # FHIR file import (issue 12 item 3): the source of the file it came from


@dataclass(frozen=True)
class TrendPoint:
    report_id: int
    when: str
    value: str
    unit: str
    interpretation: str
    out_of_range: bool


@dataclass(frozen=True)
class TrendView:
    test_key: str
    name: str
    loinc: str
    unit: str  # the display unit's UCUM code
    unit_label: str
    units: list[tuple[str, str]]  # (code, label) the toggle offers: mass and molar (empty: no toggle)
    figure: dict
    band: str  # "3,9 – 5,8 mmol/L" drawn behind the line, or ""
    points: list[TrendPoint]  # newest first, at most TREND_VALUES
    total: int
    plotted: int
    left_out: int  # values in a unit without a factor (not on the chart)


@dataclass(frozen=True)
class ReportLink:
    """The lab report made from a document (the document page links to it)."""

    report_id: int
    title: str


# --------------------------------------------------------------------------- helpers


def _author_role(via: Via | None) -> str:
    return {Via.GUARDIAN: "guardian", Via.CARE_TEAM: "professional"}.get(via, "patient") if via else "patient"


def _target(row: LabReport) -> Target:
    return entry_target(Section.LAB_RESULTS, row)  # every mark, "invisible to legal representatives" too


def _load_report(session: Session, report_id: object) -> LabReport:
    row = session.get(LabReport, v.parse_id(report_id))
    if row is None:
        raise NotFound()
    return row


def _read_facts(session: Session, actor: UserActor, pid: int, now: datetime, target_id: int | None = None):
    authorize(session, actor, Action.READ, pid, Target(Section.LAB_RESULTS), now=now, target_kind=TARGET_KIND,
              target_id=target_id)
    session.commit()
    facts = load_profile_facts(session, pid)
    if facts is None:
        raise NotFound()
    return facts


def _day(moment: datetime, lang: str) -> str:
    return formatting.day(moment, lang)


def _when(moment: datetime, lang: str) -> str:
    return formatting.day_and_time(moment, lang)


def _value_text(row: LabResult, lang: str) -> str:
    if row.value is None:
        return row.value_text or ""
    return lab.format_number(row.value, lang, 3)


def _range_text(row: LabResult, lang: str) -> str:
    return row.ref_text or lab.range_text(row.ref_low, row.ref_high, lang)


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.display_name for u in session.exec(select(User).where(col(User.id).in_(wanted))).all()}


# --------------------------------------------------------------------------- writes


def add_report(session: Session, actor: UserActor, profile_id: object, report: LabReportInput, *,
               now: datetime) -> int:
    """Store one report and its values (checked by :func:`mes_app.domain.lab_results.check_report`;
    a missing interpretation is computed). ``report.document_id`` links the report's PDF: a
    document of the same profile the actor may read. Returns the report id."""
    pid = v.parse_id(profile_id)
    decision = authorize(session, actor, Action.CREATE, pid, Target(Section.LAB_RESULTS), now=now,
                         target_kind=TARGET_KIND)
    profile = session.get(Profile, pid)
    if profile is None:
        raise NotFound()
    checked = lab.check_report(report, now=now, birth_date=profile.birth_date)
    if checked.document_id is not None:
        _check_document(session, actor, pid, checked.document_id, now)
    role = _author_role(decision.via)
    row = LabReport(
        profile_id=pid, author_user_id=actor.user_id, author_role=role, created_at=now, updated_at=now,
        title=checked.title, lab_name=checked.lab_name, status=checked.status, collected_at=checked.collected_at,
        issued_at=checked.issued_at, identifier=checked.identifier, note=checked.note,
        source="professional" if role == "professional" else "manual", document_id=checked.document_id,
    )
    session.add(row)
    session.flush()
    for position, value in enumerate(checked.values):
        session.add(LabResult(
            report_id=row.id, profile_id=pid, position=position, test_key=value.test.key if value.test else "",
            loinc_code=value.loinc, name=value.name, value=value.value, value_text=value.value_text, unit=value.unit,
            ref_low=value.low, ref_high=value.high, ref_text=value.range_text, interpretation=value.interpretation,
            interpretation_computed=value.interpretation_computed, collected_at=checked.collected_at,
        ))
    session.commit()
    return row.id


def _check_document(session: Session, actor: UserActor, pid: int, document_id: int, now: datetime) -> None:
    doc = session.get(Document, document_id)
    facts = load_profile_facts(session, pid)
    if doc is None or facts is None or doc.profile_id != pid or doc.deleted_at is not None:
        raise NotFound()
    switches = document_switches(session, [doc.id]).get(doc.id, {})
    target = entry_target(Section.DOCUMENTS, doc, document_id=doc.id, document_switches=switches)
    if not decide(actor, Action.READ, facts, target, now).visible:
        raise NotFound()


def delete_report(session: Session, actor: UserActor, report_id: object, *, now: datetime) -> None:
    row = _load_report(session, report_id)
    authorize(session, actor, Action.DELETE, row.profile_id, _target(row), now=now, target_kind=TARGET_KIND,
              target_id=row.id)
    session.exec(sa.delete(LabResult).where(col(LabResult.report_id) == row.id))
    session.delete(row)
    session.commit()


def set_hidden(session: Session, actor: UserActor, report_id: object, hidden: object, *, now: datetime) -> None:
    """The patient's switch: hide one report (and its values) from every professional."""
    if not isinstance(hidden, bool):
        raise ValidationError("error.invalid_choice")
    row = _load_report(session, report_id)
    authorize(session, actor, Action.MANAGE, row.profile_id, _target(row), now=now, target_kind=TARGET_KIND,
              target_id=row.id)
    row.hidden_from_professionals, row.updated_at = hidden, now
    session.add(row)
    session.commit()


# --------------------------------------------------------------------------- reads


def list_reports(session: Session, actor: UserActor, profile_id: object, *, now: datetime, lang: str = "fr",
                 limit: object = REPORTS_PAGE) -> tuple[list[ReportSummary], bool]:
    """The latest reports, newest first (at most ``limit``), and whether there are more."""
    pid = v.parse_id(profile_id)
    count = v.parse_optional_int(limit, field="limit", min_value=1, max_value=MAX_REPORTS, required=True)
    facts = _read_facts(session, actor, pid, now)
    readable = read_filter(actor, facts, Section.LAB_RESULTS, LabReport, now)
    if readable is None:
        return [], False
    rows = session.exec(select(LabReport).where(LabReport.profile_id == pid, readable)
                        .order_by(col(LabReport.collected_at).desc(), col(LabReport.id).desc()).limit(count + 1)).all()
    more = len(rows) > count
    rows = [r for r in rows[:count] if decide(actor, Action.READ, facts, _target(r), now).visible]
    stats: dict[int, tuple[int, int]] = {}
    if rows:
        flagged = sa.case((col(LabResult.interpretation).in_(sorted(lab.OUT_OF_RANGE)), 1), else_=0)
        query = (select(LabResult.report_id, func.count(), func.sum(flagged))
                 .where(col(LabResult.report_id).in_([r.id for r in rows])).group_by(col(LabResult.report_id)))
        stats = {rid: (int(n), int(bad or 0)) for rid, n, bad in session.exec(query).all()}
    return connected_software.with_via(session, TARGET_KIND, [
        ReportSummary(
            id=r.id, title=r.title or "", lab_name=r.lab_name or "", collected=_day(r.collected_at, lang),
            value_count=stats.get(r.id, (0, 0))[0], out_of_range=stats.get(r.id, (0, 0))[1],
            hidden=r.hidden_from_professionals, by_professional=r.author_role == "professional",
        )
        for r in rows
    ]), more


def report_detail(session: Session, actor: UserActor, report_id: object, *, now: datetime,
                  lang: str = "fr") -> ReportView:
    """One report with its values, in the lab's order (NotFound when the reader may not see it)."""
    row = _load_report(session, report_id)
    facts = load_profile_facts(session, row.profile_id)
    if facts is None:
        raise NotFound()
    authorize(session, actor, Action.READ, row.profile_id, _target(row), now=now, target_kind=TARGET_KIND,
              target_id=row.id)
    session.commit()
    values = session.exec(select(LabResult).where(LabResult.report_id == row.id)
                          .order_by(col(LabResult.position), col(LabResult.id)).limit(lab.MAX_VALUES)).all()
    doc_id, doc_title = 0, ""
    if row.document_id is not None:
        doc = session.get(Document, row.document_id)
        if doc is not None and doc.deleted_at is None:
            switches = document_switches(session, [doc.id]).get(doc.id, {})
            target = entry_target(Section.DOCUMENTS, doc, document_id=doc.id, document_switches=switches)
            if decide(actor, Action.READ, facts, target, now).visible:
                doc_id, doc_title = doc.id, doc.title
    target = _target(row)
    return connected_software.with_via(session, TARGET_KIND, [ReportView(
        id=row.id, title=row.title or "", lab_name=row.lab_name or "", collected=_when(row.collected_at, lang),
        issued=_when(row.issued_at, lang) if row.issued_at else "", status=row.status, note=row.note or "",
        values=[_value_view(r, lang) for r in values], hidden=row.hidden_from_professionals,
        can_delete=decide(actor, Action.DELETE, facts, target, now).allowed,
        can_hide=decide(actor, Action.MANAGE, facts, target, now).allowed,
        by_professional=row.author_role == "professional",
        author_name=_names(session, {row.author_user_id}).get(row.author_user_id or 0, ""),
        document_id=doc_id, document_title=doc_title,
    )])[0]


def _value_view(row: LabResult, lang: str) -> ValueView:
    test = lab.catalogue().get(row.test_key)
    name = test.name(lang) if test is not None else row.name
    return ValueView(
        id=row.id, test_key=row.test_key, name=name, value=_value_text(row, lang), unit=lab.unit_label(test, row.unit),
        ref_range=_range_text(row, lang), interpretation=row.interpretation or "",
        out_of_range=lab.is_out_of_range(row.interpretation), computed=row.interpretation_computed,
    )


def report_for_document(session: Session, actor: UserActor, document_id: object, *,
                        now: datetime) -> ReportLink | None:
    """The lab report whose PDF is this document, when the reader may see it (the link back)."""
    doc_id = v.parse_id(document_id)
    row = session.exec(select(LabReport).where(LabReport.document_id == doc_id)
                       .order_by(col(LabReport.id)).limit(1)).first()
    if row is None:
        return None
    facts = load_profile_facts(session, row.profile_id)
    if facts is None or not decide(actor, Action.READ, facts, _target(row), now).visible:
        return None
    return ReportLink(row.id, row.title or row.lab_name or "")


def trend(session: Session, actor: UserActor, profile_id: object, test_key: object, *, now: datetime,
          lang: str = "fr", unit: object = None, max_points: int = MAX_TREND_POINTS) -> TrendView:
    """One test over time: the values the reader may see, in one display unit (``unit``: one
    of the test's mass/molar units, else its reference unit), downsampled to ``max_points``,
    with the latest reference range as a band."""
    pid = v.parse_id(profile_id)
    test = lab.catalogue().get(test_key)
    if test is None:
        raise ValidationError("error.lab_unknown_test", field="test")
    facts = _read_facts(session, actor, pid, now)
    shown = test.find_unit(unit) if unit else None
    if shown is None or shown.factor is None:
        shown = test.unit
    readable = read_filter(actor, facts, Section.LAB_RESULTS, LabReport, now)
    rows: list = []
    total = 0
    if readable is not None:
        columns = [col(LabResult.report_id), col(LabResult.collected_at), col(LabResult.value),
                   col(LabResult.value_text), col(LabResult.unit), col(LabResult.ref_low), col(LabResult.ref_high),
                   col(LabResult.interpretation)]
        base = (sa.select(*columns)
                .join(LabReport, col(LabReport.id) == col(LabResult.report_id))
                .where(col(LabResult.profile_id) == pid, col(LabResult.test_key) == test.key, readable))
        rows = [tuple(r) for r in session.execute(
            base.order_by(col(LabResult.collected_at).desc(), col(LabResult.id).desc())
            .limit(max(max_points * 4, TREND_VALUES))).all()]
        total = session.exec(select(func.count()).select_from(base.subquery())).one()
    chronological = list(reversed(rows))
    xs, ys, left_out = [], [], 0
    band_low = band_high = None
    for _rid, at, value, _text, row_unit, low, high, _interp in chronological:
        if value is None:
            continue
        converted = lab.convert(value, test, row_unit, shown.code)
        if converted is None:
            left_out += 1
            continue
        xs.append(at)
        ys.append(converted)
        if low is not None or high is not None:
            band_low = lab.convert(low, test, row_unit, shown.code) if low is not None else None
            band_high = lab.convert(high, test, row_unit, shown.code) if high is not None else None
    kept = m.lttb_indices([x.timestamp() for x in xs], ys, max_points) if xs else []
    series = charts.Series(f"lab_test.{test.key}", [formatting.local_minute(xs[i]) for i in kept],
                           [ys[i] for i in kept])
    bands = ()
    if band_low is not None or band_high is not None:
        bands = (m.Band("reference", band_low if band_low is not None else 0.0,
                        band_high if band_high is not None else max(ys or [0.0]) * 2 or 1.0, BAND_COLOR),)
    figure = charts.build_figure(charts.ChartInput([series], shown.label, 2, bands), lang)
    units = [(u.code, u.label) for u in test.display_units] if test.has_mass_molar else []
    band_text = ""
    if bands:
        band_text = f"{lab.range_text(band_low, band_high, lang)} {shown.label}".strip()
    points = [
        TrendPoint(rid, _day(at, lang), lab.format_number(value, lang, 3) if value is not None else (text or ""),
                   lab.unit_label(test, row_unit), interp or "", lab.is_out_of_range(interp))
        for rid, at, value, text, row_unit, _l, _h, interp in rows[:TREND_VALUES]
    ]
    return TrendView(
        test_key=test.key, name=test.name(lang), loinc=test.loinc, unit=shown.code, unit_label=shown.label,
        units=units, figure=figure, band=band_text, points=points, total=int(total or 0), plotted=len(kept),
        left_out=left_out,
    )


def search_tests(query: object, *, lang: str = "fr", limit: int = 8) -> list[tuple[str, str]]:
    """Tests of the catalogue matching what is typed (accents optional): (key, name)."""
    from mes_app.domain.terminology import load_default

    if not isinstance(query, str) or len(query.strip()) < 2:
        return []
    found = load_default().search("lab_test", query[:100], limit=limit)
    cat = lab.catalogue()
    out = []
    for concept in found:
        test = cat.for_code(concept.code)
        if test is not None:
            out.append((test.key, test.name(lang)))
    return out

