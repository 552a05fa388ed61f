"""The prevention calendar of one profile: the French schedule applied to its record.

Reading it is reading the vaccinations (section VACCINATIONS); the child examinations also
need the health history (GP and specialist visits): a caregiver who may read the
vaccinations only sees the vaccines. Only entries the viewer may read count, so a visit
hidden from professionals never shows through a "done" examination.

Newcomers: an adult with no vaccination recorded is first asked whether they know their
history (only the account holder or a guardian is asked, and may answer); until then nothing
is shown as late, then what would be late is a suggestion to check with a doctor (see
``domain.prevention.for_newcomer``). The answer is kept per profile and can be changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from mes_app.db import models
from mes_app.domain import prevention as rules
from mes_app.domain import validation as v
from mes_app.domain.access import Action, ProfileFacts, Section, Target, UserActor, decide, entry_target
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound
from mes_app.domain.terminology import ATC
from mes_app.services.access_facts import authorize, load_profile_facts
from mes_app.services.visibility import read_filter

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
    history_question: bool = False  # ask "do you know your vaccination history?" first
    history_answer: str = ""  # "", "now", "later", "unknown"
    can_answer: bool = False  # the viewer may answer (and change the answer)


@dataclass(frozen=True)
class _Computed:
    profile: models.Profile
    items: list[rules.Item]
    has_exams: bool
    uncoded: int
    question: bool
    answer: str
    can_answer: bool


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


_ANSWER = sa.select(col(models.VaccinationHistoryAnswer.answer)).where(
    col(models.VaccinationHistoryAnswer.profile_id) == sa.bindparam("pid"))


def _answer(session: Session, pid: int) -> str | None:
    answer = session.execute(_ANSWER, {"pid": pid}).scalar()
    return answer if answer in rules.HISTORY_ANSWERS else None


def _readable_vaccinations(actor: UserActor, facts: ProfileFacts, rows: Iterable[Any], now: datetime) -> list[Any]:
    """The vaccinations (rows or the columns the policy reads) the actor may read.

    The policy is asked once per distinct target (author and marks: the columns
    ``entry_target`` reads), not once per row: the same question has the same answer, and a
    long record has hundreds of vaccinations by a handful of authors."""
    answers: dict[tuple, bool] = {}

    def readable(row: Any) -> bool:  # noqa: ANN401 - a table row or a row of columns
        key = (row.author_user_id, row.author_role, row.hidden_from_professionals, row.hidden_from_guardians)
        if key not in answers:
            answers[key] = decide(actor, Action.READ, facts, entry_target(Section.VACCINATIONS, row), now).visible
        return answers[key]

    return [r for r in rows if readable(r)]


def _calendar(actor: UserActor, facts: ProfileFacts, birth: date, rows: list[Any],
              visits: list[date] | None, answer: str | None, now: datetime) -> tuple[list[rules.Item], bool]:
    """The calendar items as the viewer sees them (a newcomer's softened), from the
    vaccinations the viewer may read, and whether the viewer may answer the history question."""
    today = local_date(now)
    recorded = [rules.RecordedVaccination(r.given_on, r.code if r.code_system == ATC else None) for r in rows]
    items = rules.compute(rules.load_schedule(), birth, today, recorded, visits)
    can_answer = decide(actor, Action.MANAGE, facts, Target(Section.PROFILE), now).allowed
    return rules.for_newcomer(items, birth, today, len(rows), answer, asking=can_answer), can_answer


def _compute(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> _Computed:
    """The calendar items of a profile the actor may read (checked here, the read recorded),
    with whether the examinations are included and how many vaccinations are uncoded."""
    pid = v.parse_id(profile_id)
    authorize(session, actor, Action.READ, pid, Target(Section.VACCINATIONS), now=now, target_kind="prevention")
    session.commit()
    facts = load_profile_facts(session, pid)
    profile = session.get(models.Profile, pid)
    if facts is None or profile is None:
        raise NotFound()
    rows = _readable_vaccinations(
        actor, facts, session.exec(select(models.Vaccination).where(models.Vaccination.profile_id == pid)), now)
    uncoded = sum(1 for r in rows if r.code_system != ATC or r.code is None)
    visits = None
    if decide(actor, Action.READ, facts, Target(Section.HISTORY), now).visible:
        # Only the dates, of the visits the actor may read (the policy as a SQL filter): no
        # table row is built for each of the thousands of visits of a long history.
        # Only the visits that can fall in an examination's window (from birth to the end of the
        # last one, a day more each side for the time zone): an adult's later visits never count.
        shown = read_filter(actor, facts, Section.HISTORY, models.Encounter, now)
        exams = rules.load_schedule().examinations
        last = max((exam.end.after(profile.birth_date) for exam in exams), default=profile.birth_date)
        since, until = (datetime.combine(d, time(0, 0), tzinfo=UTC)
                        for d in (profile.birth_date - timedelta(days=1), last + timedelta(days=2)))
        encounters = [] if shown is None else session.exec(
            select(models.Encounter.occurred_at).where(models.Encounter.profile_id == pid,
                                                       col(models.Encounter.kind).in_(VISIT_KINDS), shown,
                                                       col(models.Encounter.occurred_at) >= since,
                                                       col(models.Encounter.occurred_at) < until)
        )
        visits = [local_date(when) for when in encounters]
    answer = _answer(session, pid)
    items, can_answer = _calendar(actor, facts, profile.birth_date, rows, visits, answer, now)
    question = can_answer and rules.history_question(profile.birth_date, local_date(now), len(rows), answer)
    return _Computed(profile, items, visits is not None, uncoded, question, answer or "", can_answer)


def schedule_sources(lang: str) -> list[str]:
    """Where the calendar comes from: the same for every profile, so pages render it once."""
    schedule = rules.load_schedule()
    return sorted({(s.label_en if lang == "en" else s.label_fr) for s in schedule.sources.values()})


def profile_calendar(session: Session, actor: UserActor, profile_id: object, *, now: datetime,
                     lang: str = "fr") -> PreventionView:
    schedule = rules.load_schedule()
    found = _compute(session, actor, profile_id, now=now)
    items = found.items
    return PreventionView(
        profile_id=found.profile.id,
        given_name=found.profile.given_name,
        version=schedule.version,
        items=[_view(i, schedule, lang) for i in items],
        next_vaccines=[_view(i, schedule, lang) for i in rules.next_steps(items, "vaccine")],
        next_exams=[_view(i, schedule, lang) for i in rules.next_steps(items, "exam")],
        has_exams=found.has_exams,
        uncoded_vaccinations=found.uncoded,
        sources=schedule_sources(lang),
        history_question=found.question,
        history_answer=found.answer,
        can_answer=found.can_answer,
    )


def set_history_answer(session: Session, actor: UserActor, profile_id: object, answer: object, *,
                       now: datetime) -> str:
    """Record (or change) a profile's answer to "do you know your vaccination history?".
    Only the account holder or a guardian may answer; anyone else gets *not found*."""
    pid = v.parse_id(profile_id)
    chosen = v.parse_choice(answer, rules.HISTORY_ANSWERS, field="answer")
    authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now,
              target_kind="vaccination_history")
    row = session.exec(select(models.VaccinationHistoryAnswer)
                       .where(models.VaccinationHistoryAnswer.profile_id == pid)).first()
    if row is None:
        row = models.VaccinationHistoryAnswer(profile_id=pid, answer=chosen)
    row.answer, row.answered_by_user_id, row.answered_at = chosen, actor.user_id, now
    session.add(row)
    session.commit()
    return chosen


# The household's vaccinations and history answers in one statement: a row per vaccination
# (only the columns the calendar and the policy read, no table row built), and one with no
# vaccination (``vaccination_id`` null) for a profile that has none; each row carries the
# profile's answer (one per profile at most).
_P, _V, _A = models.Profile, models.Vaccination, models.VaccinationHistoryAnswer
_HOUSEHOLD_VACCINATIONS = sa.select(
    col(_P.id).label("pid"), col(_A.answer), col(_V.id).label("vaccination_id"), col(_V.given_on), col(_V.code),
    col(_V.code_system), col(_V.author_user_id), col(_V.author_role), col(_V.hidden_from_professionals),
    col(_V.hidden_from_guardians),
).select_from(_P).outerjoin(_A, col(_A.profile_id) == _P.id).outerjoin(_V, col(_V.profile_id) == _P.id).where(
    col(_P.id).in_(sa.bindparam("ids", expanding=True))
).order_by(col(_P.id), col(_V.id))


def household_overdue(session: Session, actor: UserActor, profile_ids: list[int], *, now: datetime,
                      lang: str = "fr") -> dict[int, list[PreventionItemView]]:
    """The overdue vaccine doses of each profile (the reminders of a household), oldest first,
    in one query whatever the number of profiles: the vaccinations and the history answers
    of them all, the calendars then computed in Python (``domain.prevention``).

    Each profile is checked as the calendar is (a reminder is not a recorded read); one the
    actor may not read is left out, its refusal recorded as any other. A newcomer's "to check
    with a doctor" items are not overdue: no reminder for them.
    """
    readable: dict[int, ProfileFacts] = {}
    for pid in dict.fromkeys(profile_ids):
        try:
            authorize(session, actor, Action.READ, pid, Target(Section.VACCINATIONS), now=now,
                      target_kind="prevention", log_reads=False)
        except NotFound:
            continue
        facts = load_profile_facts(session, pid)
        if facts is not None and facts.birth_date is not None:
            readable[pid] = facts
    if not readable:
        return {}
    rows: dict[int, list[Any]] = {pid: [] for pid in readable}
    answers: dict[int, str] = {}
    for row in session.execute(_HOUSEHOLD_VACCINATIONS, {"ids": list(readable)}):
        if row.answer in rules.HISTORY_ANSWERS:
            answers[row.pid] = row.answer
        if row.vaccination_id is not None:
            rows[row.pid].append(row)
    schedule, today = rules.load_schedule(), local_date(now)
    overdue: dict[int, list[PreventionItemView]] = {}
    for pid, facts in readable.items():
        if facts.birth_date is None:  # kept out above; for the type checker
            continue
        shown = _readable_vaccinations(actor, facts, rows[pid], now)
        recorded = [rules.RecordedVaccination(r.given_on, r.code if r.code_system == ATC else None) for r in shown]
        items = rules.overdue_vaccines(schedule, facts.birth_date, today, recorded, answers.get(pid))
        overdue[pid] = [_view(i, schedule, lang) for i in items]
    return overdue
