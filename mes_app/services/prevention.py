"""The prevention calendar of one profile: the French schedule applied to its record.

Reading it is reading the vaccinations (section VACCINATIONS); the child examinations also
need the health history (GP and specialist visits): a caregiver who may read the
vaccinations only sees the vaccines. Only entries the viewer may read count, so a visit
hidden from professionals never shows through a "done" examination.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from mes_app.db import models
from mes_app.domain import prevention as rules
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, decide
from mes_app.domain.calendar import local_date
from mes_app.domain.terminology import ATC
from mes_app.services.access_facts import authorize, load_profile_facts

VISIT_KINDS = ("gp_visit", "specialist")


@dataclass(frozen=True)
class PreventionItemView:
    key: str
    kind: str  # vaccine | exam
    status: str  # done | due | overdue | upcoming | missed
    label: str
    dose_label: str
    when: str  # "2 mois", "11 à 13 ans", "au cours du 9e mois"
    due_date: str  # ISO: the day the recommended age is reached
    start_date: str  # ISO: from when it may be done (examinations: the window)
    late_date: str  # ISO: overdue from (vaccines) / window closes (examinations)
    done_date: str  # ISO, "" when not done
    reason: str
    source: str
    compulsory: bool


@dataclass(frozen=True)
class PreventionView:
    profile_id: int
    given_name: str
    version: str
    items: list[PreventionItemView]
    next_vaccines: list[PreventionItemView]
    next_exams: list[PreventionItemView]
    has_exams: bool
    uncoded_vaccinations: int  # recorded without a code: they cannot be matched
    sources: list[str]


def _view(item: rules.Item, schedule: rules.Schedule, lang: str) -> PreventionItemView:
    source = schedule.sources.get(item.source)
    return PreventionItemView(
        key=item.key,
        kind=item.kind,
        status=item.status,
        label=item.label(lang),
        dose_label=item.dose_label_en if lang == "en" else item.dose_label_fr,
        when=item.when_en if lang == "en" else item.when_fr,
        due_date=item.due_on.isoformat(),
        start_date=item.window_start.isoformat(),
        late_date=item.late_on.isoformat() if item.late_on else "",
        done_date=item.done_on.isoformat() if item.done_on else "",
        reason=item.reason(lang),
        source=(source.label_en if lang == "en" else source.label_fr) if source else "",
        compulsory=item.compulsory,
    )


def compute_items(session: Session, actor: UserActor, profile_id: int, *, now: datetime,
                  log_reads: bool = True) -> tuple[models.Profile, list[rules.Item], bool, int]:
    """The calendar items of a profile the actor may read (checked here), with whether the
    examinations are included and how many vaccinations are uncoded."""
    pid = v.parse_id(profile_id)
    authorize(session, actor, Action.READ, pid, Target(Section.VACCINATIONS), now=now, target_kind="prevention",
              log_reads=log_reads)
    session.commit()
    facts = load_profile_facts(session, pid)
    profile = session.get(models.Profile, pid)

    def readable(section: Section, row) -> bool:  # noqa: ANN001
        target = Target(section, author_user_id=row.author_user_id, author_role=row.author_role,
                        hidden_from_professionals=row.hidden_from_professionals)
        return decide(actor, Action.READ, facts, target, now).visible

    rows = [r for r in session.exec(select(models.Vaccination).where(models.Vaccination.profile_id == pid))
            if readable(Section.VACCINATIONS, r)]
    recorded = [rules.RecordedVaccination(r.given_on, r.code if r.code_system == ATC else None) for r in rows]
    uncoded = sum(1 for r in recorded if r.atc_code is None)
    visits = None
    if decide(actor, Action.READ, facts, Target(Section.HISTORY), now).visible:
        encounters = session.exec(
            select(models.Encounter).where(models.Encounter.profile_id == pid,
                                           models.Encounter.kind.in_(VISIT_KINDS))
        )
        visits = [local_date(e.occurred_at) for e in encounters if readable(Section.HISTORY, e)]
    items = rules.compute(rules.load_schedule(), profile.birth_date, local_date(now), recorded, visits)
    return profile, items, visits is not None, uncoded


def profile_calendar(session: Session, actor: UserActor, profile_id: object, *, now: datetime,
                     lang: str = "fr") -> PreventionView:
    schedule = rules.load_schedule()
    profile, items, has_exams, uncoded = compute_items(session, actor, profile_id, now=now)
    sources = sorted({(s.label_en if lang == "en" else s.label_fr) for s in schedule.sources.values()})
    return PreventionView(
        profile_id=profile.id,
        given_name=profile.given_name,
        version=schedule.version,
        items=[_view(i, schedule, lang) for i in items],
        next_vaccines=[_view(i, schedule, lang) for i in rules.next_steps(items, "vaccine")],
        next_exams=[_view(i, schedule, lang) for i in rules.next_steps(items, "exam")],
        has_exams=has_exams,
        uncoded_vaccinations=uncoded,
        sources=sources,
    )


def overdue_vaccines(session: Session, actor: UserActor, profile_id: object, *, now: datetime,
                     lang: str = "fr") -> list[PreventionItemView]:
    """The overdue vaccine doses of a profile (for the reminders), oldest first."""
    schedule = rules.load_schedule()
    _, items, _, _ = compute_items(session, actor, profile_id, now=now, log_reads=False)
    return [_view(i, schedule, lang) for i in items if i.kind == "vaccine" and i.status == rules.OVERDUE]
