"""The prevention calendar: which vaccinations and child examinations are done, due, overdue,
upcoming (or missed), for one person, from their birth date, today and what is recorded.

The schedule is data (``mes_app/data/prevention_schedule_fr.json``, versioned, each rule with
its source); this module only reads it and computes. Pure Python: no Reflex, no database, the
day is passed in.

Statuses
    vaccine dose: ``done`` (a recorded vaccination counts for it), else ``upcoming`` before the
    recommended age, ``due`` from it, ``overdue`` from ``overdue_after``, ``missed`` from
    ``until`` (this schedule no longer applies: catch-up is a doctor's decision).
    examination: ``done`` (a GP/specialist visit recorded in its window), ``upcoming`` before
    the window, ``due`` inside it, ``missed`` after it (an examination cannot be caught up).

Matching
    A vaccination counts for a series when its ATC code is one of the series' codes; each
    vaccination counts once per series; the doses are filled in order with the earliest
    unused vaccination given at or after the dose's ``accept_from`` age. A visit counts for an
    examination when it falls in the window; the visit closest to the recommended age wins;
    each visit counts once.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "prevention_schedule_fr.json"

DONE, DUE, OVERDUE, UPCOMING, MISSED = "done", "due", "overdue", "upcoming", "missed"
STATUSES = (OVERDUE, DUE, UPCOMING, DONE, MISSED)

_AGE = re.compile(r"(?:(\d{1,3})y)?(?:(\d{1,3})m)?(?:(\d{1,3})w)?(?:(\d{1,4})d)?")


# --------------------------------------------------------------------------- ages


@dataclass(frozen=True)
class Age:
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Age:
        """``"11y6m"``, ``"6w"``, ``"8d"``… (years, months, weeks, days, in that order)."""
        match = _AGE.fullmatch(text) if isinstance(text, str) and text else None
        if match is None or not any(match.groups()):
            raise ValueError(f"bad age in the schedule: {text!r}")
        years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
        return cls(years, months, weeks, days)

    def after(self, birth: date) -> date:
        """The day this age is reached. Calendar months: born on 31 January, one month old on
        28 (or 29) February; born on 29 February, one year old on 28 February."""
        total_months = birth.month - 1 + self.months + 12 * self.years
        year, month = birth.year + total_months // 12, total_months % 12 + 1
        day = min(birth.day, calendar.monthrange(year, month)[1])
        return date(year, month, day) + timedelta(weeks=self.weeks, days=self.days)

    def approx_days(self) -> float:
        return self.years * 365.25 + self.months * 30.44 + self.weeks * 7 + self.days

    def label(self, lang: str = "fr") -> str:
        """"2 mois" / "11 ans et 6 mois" / "2 months" / "8 days"."""
        fr = lang != "en"
        units = (
            (self.years, "an", "ans", "year", "years"),
            (self.months, "mois", "mois", "month", "months"),
            (self.weeks, "semaine", "semaines", "week", "weeks"),
            (self.days, "jour", "jours", "day", "days"),
        )
        parts = [
            f"{n} {(one_fr if n == 1 else many_fr) if fr else (one_en if n == 1 else many_en)}"
            for n, one_fr, many_fr, one_en, many_en in units
            if n
        ]
        joiner = " et " if fr else " and "
        return joiner.join(parts) if len(parts) <= 2 else ", ".join(parts[:-1]) + joiner + parts[-1]


# --------------------------------------------------------------------------- the schedule as loaded


@dataclass(frozen=True)
class Dose:
    number: int
    at: Age
    accept_from: Age
    overdue_after: Age
    until: Age | None
    label_fr: str
    label_en: str
    when_fr: str
    when_en: str


@dataclass(frozen=True)
class Series:
    id: str
    label_fr: str
    label_en: str
    codes: frozenset[str]
    compulsory: bool
    reason_fr: str
    reason_en: str
    source: str
    born_from: date | None
    born_before: date | None
    doses: tuple[Dose, ...]

    def applies_to(self, birth: date) -> bool:
        return (self.born_from is None or birth >= self.born_from) and (
            self.born_before is None or birth < self.born_before
        )


@dataclass(frozen=True)
class Examination:
    id: str
    start: Age
    at: Age
    end: Age
    label_fr: str
    label_en: str
    when_fr: str
    when_en: str


@dataclass(frozen=True)
class Source:
    id: str
    label_fr: str
    label_en: str
    url: str


@dataclass(frozen=True)
class Schedule:
    version: str
    sources: Mapping[str, Source]
    series: tuple[Series, ...]
    examinations: tuple[Examination, ...]
    exam_source: str = "csp-r2132-1"

    def codes(self) -> frozenset[str]:
        return frozenset().union(*(s.codes for s in self.series))


def parse_schedule(data: object) -> Schedule:
    """Build a Schedule from the JSON data, refusing anything inconsistent (ValueError)."""
    if not isinstance(data, dict):
        raise ValueError("schedule must be an object")
    sources = {
        key: Source(key, value["fr"], value["en"], value.get("url", ""))
        for key, value in dict(data["sources"]).items()
    }
    series = []
    seen: set[str] = set()
    for raw in data["vaccination_series"]:
        if raw["id"] in seen:
            raise ValueError(f"duplicate series {raw['id']}")
        seen.add(raw["id"])
        if raw["source"] not in sources:
            raise ValueError(f"unknown source for {raw['id']}")
        doses = []
        for number, d in enumerate(raw["doses"], start=1):
            dose = Dose(
                number=number,
                at=Age.parse(d["at"]),
                accept_from=Age.parse(d["accept_from"]),
                overdue_after=Age.parse(d["overdue_after"]),
                until=Age.parse(d["until"]) if d.get("until") else None,
                label_fr=d.get("fr", ""),
                label_en=d.get("en", ""),
                when_fr=d.get("when_fr", ""),
                when_en=d.get("when_en", ""),
            )
            bounds = [dose.accept_from, dose.at, dose.overdue_after] + ([dose.until] if dose.until else [])
            days = [b.approx_days() for b in bounds]
            if days != sorted(days) or dose.at.approx_days() >= dose.overdue_after.approx_days():
                raise ValueError(f"ages out of order in {raw['id']} dose {number}")
            doses.append(dose)
        codes = frozenset(raw["codes"])
        if not codes or not doses:
            raise ValueError(f"series {raw['id']} needs codes and doses")
        series.append(
            Series(
                id=raw["id"], label_fr=raw["fr"], label_en=raw["en"], codes=codes,
                compulsory=bool(raw.get("compulsory", False)), reason_fr=raw["reason_fr"],
                reason_en=raw["reason_en"], source=raw["source"],
                born_from=date.fromisoformat(raw["born_from"]) if raw.get("born_from") else None,
                born_before=date.fromisoformat(raw["born_before"]) if raw.get("born_before") else None,
                doses=tuple(doses),
            )
        )
    exams = []
    for raw in data["examinations"]:
        exam = Examination(
            id=raw["id"], start=Age.parse(raw["from"]), at=Age.parse(raw["at"]), end=Age.parse(raw["to"]),
            label_fr=raw["fr"], label_en=raw["en"], when_fr=raw.get("when_fr", ""), when_en=raw.get("when_en", ""),
        )
        if not exam.start.approx_days() <= exam.at.approx_days() <= exam.end.approx_days() or \
                exam.start.approx_days() >= exam.end.approx_days():
            raise ValueError(f"window out of order in {exam.id}")
        exams.append(exam)
    if "csp-r2132-1" not in sources:
        raise ValueError("the examinations need their source")
    return Schedule(str(data["version"]), sources, tuple(series), tuple(exams))


@lru_cache(maxsize=4)
def load_schedule(path: Path | str = DEFAULT_PATH) -> Schedule:
    with open(path, encoding="utf-8") as handle:
        return parse_schedule(json.load(handle))


# --------------------------------------------------------------------------- computation


@dataclass(frozen=True)
class RecordedVaccination:
    given_on: date
    atc_code: str | None  # None: uncoded, never counted


@dataclass(frozen=True)
class Item:
    """One line of the calendar."""

    key: str  # "hexavalent-3", "exam-9m"
    kind: str  # "vaccine" | "exam"
    series_id: str  # the series, or the examination id
    dose: int  # 1-based dose number (0 for examinations)
    dose_count: int
    status: str
    due_on: date  # the day the recommended age is reached
    window_start: date  # vaccine: due_on; examination: the window's first day
    late_on: date | None  # vaccine: overdue from; examination: missed from
    until: date | None  # vaccine: missed from
    done_on: date | None
    label_fr: str
    label_en: str
    dose_label_fr: str
    dose_label_en: str
    when_fr: str  # "2 mois", "11 à 13 ans", "au cours du 9e mois"
    when_en: str
    reason_fr: str
    reason_en: str
    source: str
    compulsory: bool

    def label(self, lang: str = "fr") -> str:
        return self.label_en if lang == "en" else self.label_fr

    def reason(self, lang: str = "fr") -> str:
        return self.reason_en if lang == "en" else self.reason_fr


def _dose_status(birth: date, today: date, dose: Dose) -> str:
    if today < dose.at.after(birth):
        return UPCOMING
    if today < dose.overdue_after.after(birth):
        return DUE
    if dose.until is None or today < dose.until.after(birth):
        return OVERDUE
    return MISSED


def _series_items(series: Series, birth: date, today: date, given: list[date]) -> list[Item]:
    unused = sorted(given)
    items = []
    for dose in series.doses:
        accept_from = dose.accept_from.after(birth)
        match = next((day for day in unused if day >= accept_from), None)
        if match is not None:
            unused.remove(match)
        status = DONE if match is not None else _dose_status(birth, today, dose)
        count = len(series.doses)
        default_fr = f"dose {dose.number}/{count}" if count > 1 else ""
        default_en = f"dose {dose.number} of {count}" if count > 1 else ""
        items.append(
            Item(
                key=f"{series.id}-{dose.number}", kind="vaccine", series_id=series.id, dose=dose.number,
                dose_count=count, status=status, due_on=dose.at.after(birth), window_start=dose.at.after(birth),
                late_on=dose.overdue_after.after(birth), until=dose.until.after(birth) if dose.until else None,
                done_on=match, label_fr=series.label_fr, label_en=series.label_en,
                dose_label_fr=dose.label_fr or default_fr, dose_label_en=dose.label_en or default_en,
                when_fr=dose.when_fr or dose.at.label("fr"), when_en=dose.when_en or dose.at.label("en"),
                reason_fr=series.reason_fr, reason_en=series.reason_en, source=series.source,
                compulsory=series.compulsory,
            )
        )
    return items


def _exam_items(schedule: Schedule, birth: date, today: date, visits: Iterable[date]) -> list[Item]:
    unused = sorted(set(visits))
    items = []
    for exam in schedule.examinations:
        start, at, end = exam.start.after(birth), exam.at.after(birth), exam.end.after(birth)
        candidates = [day for day in unused if start <= day < end and day <= today]
        match = min(candidates, key=lambda day: (abs((day - at).days), day), default=None)
        if match is not None:
            unused.remove(match)
            status = DONE
        elif today < start:
            status = UPCOMING
        elif today < end:
            status = DUE
        else:
            status = MISSED
        items.append(
            Item(
                key=exam.id, kind="exam", series_id=exam.id, dose=0, dose_count=0, status=status, due_on=at,
                window_start=start, late_on=end, until=None, done_on=match, label_fr=exam.label_fr,
                label_en=exam.label_en, dose_label_fr="", dose_label_en="",
                when_fr=exam.when_fr or exam.at.label("fr"), when_en=exam.when_en or exam.at.label("en"),
                reason_fr="Examen médical obligatoire de l'enfant (20 examens de la naissance à 16 ans) : "
                          "croissance, développement, dépistages, vaccinations.",
                reason_en="Compulsory child medical examination (20 from birth to 16): growth, development, "
                          "screening, vaccinations.",
                source=schedule.exam_source, compulsory=True,
            )
        )
    return items


def compute(
    schedule: Schedule,
    birth: date,
    today: date,
    vaccinations: Iterable[RecordedVaccination],
    visits: Iterable[date] | None = None,
) -> list[Item]:
    """Every item of the schedule that applies to someone born on ``birth``, on ``today``.

    ``visits``: days of recorded GP or specialist visits (None: examinations left out, e.g. the
    viewer may not read the history). Sorted by the day each item is recommended.
    """
    if not isinstance(birth, date) or not isinstance(today, date):
        raise TypeError("birth and today must be dates")
    recorded = [v for v in vaccinations if v.atc_code and birth <= v.given_on <= today]
    items: list[Item] = []
    for series in schedule.series:
        if not series.applies_to(birth):
            continue
        given = [v.given_on for v in recorded if v.atc_code in series.codes]
        items.extend(_series_items(series, birth, today, given))
    if visits is not None:
        items.extend(_exam_items(schedule, birth, today, [d for d in visits if birth <= d <= today]))
    items.sort(key=lambda i: (i.due_on, i.kind != "exam", i.key))
    return items


def next_steps(items: Iterable[Item], kind: str | None = None) -> list[Item]:
    """What to do now (overdue, then due, oldest first); failing that, the next upcoming day's
    items. ``kind`` ("vaccine" or "exam") keeps only that kind."""
    items = [i for i in items if kind is None or i.kind == kind]
    now = [i for i in items if i.status == OVERDUE] + [i for i in items if i.status == DUE]
    if now:
        return now
    upcoming = [i for i in items if i.status == UPCOMING]
    if not upcoming:
        return []
    first = min(i.due_on for i in upcoming)
    return [i for i in upcoming if i.due_on == first]
