""""Mon histoire de santé": every interaction with care, newest first, paginated.

The timeline is derived: encounters, vaccinations, hospital stays, documents and past
appointments, each shown only when the policy lets the viewer read that entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlmodel import Session, select

from mes_app.db import models
from mes_app.domain import validation as v
from mes_app.domain.calendar import local_date
from mes_app.domain.access import Action, Section, Target, UserActor, decide
from mes_app.services.access_facts import authorize, document_switches, load_profile_facts

PAGE_SIZE = 15
FILTERS = ("all", "gp_visit", "specialist", "pharmacy", "lab", "emergency", "other",
           "vaccination", "hospital", "document", "appointment")


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


@dataclass(frozen=True)
class TimelinePage:
    items: list[TimelineItem]
    page: int
    has_more: bool
    total: int


def _at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=timezone.utc)


def _sources(session: Session, pid: int, now: datetime):  # noqa: ANN202 - yields (section, row, when, kind, title, details)
    for row in session.exec(select(models.Encounter).where(models.Encounter.profile_id == pid)):
        yield Section.HISTORY, row, row.occurred_at, row.kind, row.title, " · ".join(
            x for x in (row.practitioner, row.place) if x
        )
    for row in session.exec(select(models.Vaccination).where(models.Vaccination.profile_id == pid)):
        dose = f"dose {row.dose_number}" if row.dose_number else ""
        yield Section.VACCINATIONS, row, _at_noon(row.given_on), "vaccination", row.code_text, dose
    for row in session.exec(select(models.Hospitalisation).where(models.Hospitalisation.profile_id == pid)):
        yield Section.HOSPITALISATIONS, row, _at_noon(row.admitted_on), "hospital", row.code_text, row.facility or ""
    for row in session.exec(
        select(models.Document).where(models.Document.profile_id == pid, models.Document.deleted_at.is_(None))
    ):
        yield Section.DOCUMENTS, row, _at_noon(row.document_date), "document", row.title, row.category_display or ""
    for row in session.exec(
        select(models.Appointment).where(
            models.Appointment.profile_id == pid,
            models.Appointment.starts_at < now,
            models.Appointment.status == "planned",
        )
    ):
        yield Section.APPOINTMENTS, row, row.starts_at, "appointment", row.title, row.practitioner or ""


def history_page(
    session: Session, actor: UserActor, profile_id: object, *, kind: object = "all", page: object = 0, now: datetime
) -> TimelinePage:
    pid = v.parse_id(profile_id)
    wanted = v.parse_choice(kind or "all", FILTERS, field="kind")
    page_no = v.parse_optional_int(page, field="page", min_value=0, max_value=10_000) or 0
    authorize(session, actor, Action.READ, pid, Target(Section.HISTORY), now=now, target_kind="history")
    session.commit()
    facts = load_profile_facts(session, pid)
    candidates = [s for s in _sources(session, pid, now) if wanted in ("all", s[3])]
    switches = document_switches(session, [s[1].id for s in candidates if s[0] == Section.DOCUMENTS])
    entries = []
    for section, row, when, item_kind, title, details in candidates:
        target = Target(
            section,
            author_user_id=row.author_user_id,
            author_role=row.author_role,
            hidden_from_professionals=row.hidden_from_professionals,
            document_id=row.id if section == Section.DOCUMENTS else None,
            document_switches=switches.get(row.id, {}) if section == Section.DOCUMENTS else {},
        )
        if decide(actor, Action.READ, facts, target, now).visible:
            entries.append((when, f"{type(row).__name__.lower()}-{row.id}", item_kind, title, details, row))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    start = page_no * PAGE_SIZE
    chosen = entries[start : start + PAGE_SIZE]
    names = _names(session, {e[5].author_user_id for e in chosen})
    items = [
        TimelineItem(key, item_kind, title, details, local_date(when).isoformat(), row.author_role,
                     names.get(row.author_user_id, ""), note=_note(row))
        for when, key, item_kind, title, details, row in chosen
    ]
    return TimelinePage(items, page_no, start + PAGE_SIZE < len(entries), len(entries))


_NOTED = (models.Encounter, models.Vaccination, models.Hospitalisation)


def _note(row: object) -> str:
    return (row.note or "") if isinstance(row, _NOTED) else ""


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u.display_name for u in session.exec(select(models.User).where(models.User.id.in_(ids)))}
