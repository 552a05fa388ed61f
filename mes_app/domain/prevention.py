"""The prevention calendar: which vaccinations and child examinations are done, due, overdue,
upcoming (or missed), for one person, from their birth date, today and what is recorded.

The schedule is data (``mes_app/data/prevention_schedule_fr.json``, versioned, each rule with
its source); this module only reads it and computes. Pure Python: no Reflex, no database, the
day is passed in.

Statuses
    vaccine dose: ``done`` (a recorded vaccination counts for it), else ``upcoming`` before the
    recommended age, ``due`` from it, ``overdue`` from ``overdue_after``, ``missed`` from
    ``until`` (this schedule no longer applies: catch-up is a doctor's decision);
    ``to_check`` instead of ``overdue`` for a newcomer adult (see below).
    examination: ``done`` (a GP/specialist visit recorded in its window), ``upcoming`` before
    the window, ``due`` inside it, ``missed`` after it (an examination cannot be caught up).

Matching
    A vaccination counts for a series when its ATC code is one of the series' codes; each
    vaccination counts once per series; the doses are filled in order with the earliest
    unused vaccination given at or after the dose's ``accept_from`` age. A visit counts for an
    examination when it falls in the window; the visit closest to the recommended age wins;
    each visit counts once.

2025 rules the data can express (see the data file's ``_readme``)
    ``effective_from``: a rule in force from a day (the 2025 meningococcal obligations reach
    children born before it): a dose recommended earlier is due from that day, until the end
    of its window; a dose whose window closed before that day does not apply.
    ``variants``: another schedule chosen by the product of the first recorded dose (RotaTeq's
    three doses against Rotarix's two) or by the age the series is started at (HPV: two doses
    from 11 to 14, three in catch-up).
    ``early_dose``: a dose given before the minimum age does not count and adds one dose (an
    MMR dose before 12 months calls for two more, a third dose in all).
    ``missed_cascades``: once a dose is missed, the later ones are too (rotavirus: not started
    by 4 months, never).
    ``season``: a dose due in the child's first epidemic season (RSV: born in the season, at
    birth; born outside it, when the next one opens), missed when that season closes; never
    "overdue" (the mother's vaccination during pregnancy makes it unneeded).

Newcomers (``for_newcomer``)
    An adult with no recorded vaccination is first asked whether they know their history;
    until they answer, nothing is shown as overdue or missed. Afterwards (and whenever the
    answer is "I don't know"), what would be overdue is ``to_check``: a suggestion to check
    with a doctor, not a delay.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "prevention_schedule_fr.json"

DONE, DUE, OVERDUE, UPCOMING, MISSED = "done", "due", "overdue", "upcoming", "missed"
TO_CHECK = "to_check"  # would be overdue, for someone whose history is not known: ask a doctor
STATUSES = (OVERDUE, TO_CHECK, DUE, UPCOMING, DONE, MISSED)

# Newcomers: the answers to "do you know your vaccination history?"
HISTORY_LATER, HISTORY_UNKNOWN, HISTORY_NOW = "later", "unknown", "now"
HISTORY_ANSWERS = (HISTORY_NOW, HISTORY_LATER, HISTORY_UNKNOWN)
ADULT_AGE = 18

_MEMO_SIZE = 8192  # birth dates remembered per age (the memo is emptied when full)
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

    # Memos of after() and label(), on the age itself: ages are the schedule's, few and
    # immortal, and a dictionary keyed by the date alone costs less than an lru_cache keyed by
    # (age, date), which hashes and compares the dataclass on every call.
    _days: dict[date, date] = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)
    _labels: dict[str, str] = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)

    def after(self, birth: date) -> date:
        """The day this age is reached (memoised: the calendar asks it ~200 times a profile).
        Calendar months: born on 31 January, one month old on 28 (or 29) February; born on
        29 February, one year old on 28 February."""
        found = self._days.get(birth)
        if found is None:
            if len(self._days) >= _MEMO_SIZE:
                self._days.clear()
            found = self._days[birth] = self._after(birth)
        return found

    def _after(self, birth: date) -> date:
        total_months = birth.month - 1 + self.months + 12 * self.years
        year, month = birth.year + total_months // 12, total_months % 12 + 1
        day = min(birth.day, calendar.monthrange(year, month)[1])
        return date(year, month, day) + timedelta(weeks=self.weeks, days=self.days)

    def approx_days(self) -> float:
        return self.years * 365.25 + self.months * 30.44 + self.weeks * 7 + self.days

    def label(self, lang: str = "fr") -> str:
        """"2 mois" / "11 ans et 6 mois" / "2 months" / "8 days" (memoised: asked for every dose)."""
        found = self._labels.get(lang)
        if found is None:
            found = self._labels[lang] = self._label(lang)
        return found

    def _label(self, lang: str) -> str:
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
class Variant:
    """Another schedule for the series: chosen when the first recorded dose is one of ``codes``
    (empty: any product) and the series was started at or after ``started_from`` (nothing
    recorded: today is past that age)."""

    codes: frozenset[str]
    started_from: Age | None
    label_fr: str
    label_en: str
    doses: tuple[Dose, ...]


@dataclass(frozen=True)
class EarlyDose:
    """A dose given from ``start`` to before ``before`` does not count and adds a dose."""

    start: Age
    before: Age
    label_fr: str
    label_en: str


@dataclass(frozen=True)
class Season:
    """A yearly epidemic season, by month and day: opens on ``opens``, closes on ``closes``
    (the first day outside it), possibly across the new year."""

    opens: tuple[int, int]
    closes: tuple[int, int]

    def first_for(self, birth: date) -> tuple[date, date]:
        """(due, missed from) of a child's first season: born in it, from birth; else from
        the day the next one opens."""
        def md(d: date) -> tuple[int, int]:
            return (d.month, d.day)

        wraps = self.closes <= self.opens
        in_season = (md(birth) >= self.opens or md(birth) < self.closes) if wraps else \
            self.opens <= md(birth) < self.closes
        if in_season:
            opened_year = birth.year if (not wraps or md(birth) >= self.opens) else birth.year - 1
            due = birth
        else:
            opened_year = birth.year if md(birth) < self.opens else birth.year + 1
            due = date(opened_year, *self.opens)
        closes = date(opened_year + (1 if wraps else 0), *self.closes)
        return due, closes


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
    sources: tuple[str, ...] = ()  # every source of the rule, the main one first
    effective_from: date | None = None
    variants: tuple[Variant, ...] = ()
    early_dose: EarlyDose | None = None
    missed_cascades: bool = False
    season: Season | None = None

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
    date: str = ""  # ISO day of the text (publication or signature)
    publisher: str = ""


@dataclass(frozen=True)
class Schedule:
    version: str
    sources: Mapping[str, Source]
    series: tuple[Series, ...]
    examinations: tuple[Examination, ...]
    exam_source: str = "csp-r2132-1"

    def codes(self) -> frozenset[str]:
        return frozenset().union(*(s.codes for s in self.series))


def _parse_doses(raw_doses: list, where: str, *, season: bool = False) -> tuple[Dose, ...]:
    doses = []
    for number, d in enumerate(raw_doses, start=1):
        accept_from = Age.parse(d["accept_from"])
        dose = Dose(
            number=number,
            at=Age.parse(d["at"]) if not season else accept_from,
            accept_from=accept_from,
            overdue_after=Age.parse(d["overdue_after"]) if not season else accept_from,
            until=Age.parse(d["until"]) if d.get("until") else None,
            label_fr=d.get("fr", ""),
            label_en=d.get("en", ""),
            when_fr=d.get("when_fr", ""),
            when_en=d.get("when_en", ""),
        )
        if not season:
            bounds = [dose.accept_from, dose.at, dose.overdue_after] + ([dose.until] if dose.until else [])
            days = [b.approx_days() for b in bounds]
            if days != sorted(days) or dose.at.approx_days() >= dose.overdue_after.approx_days():
                raise ValueError(f"ages out of order in {where} dose {number}")
        doses.append(dose)
    if not doses:
        raise ValueError(f"{where} needs doses")
    return tuple(doses)


def _month_day(text: object) -> tuple[int, int]:
    month, day = (int(part) for part in str(text).split("-"))
    date(2024, month, day)  # refuses 02-30, 13-01
    return month, day


def parse_schedule(data: object) -> Schedule:
    """Build a Schedule from the JSON data, refusing anything inconsistent (ValueError)."""
    if not isinstance(data, dict):
        raise ValueError("schedule must be an object")
    sources = {
        key: Source(key, value["fr"], value["en"], value.get("url", ""), value.get("date", ""),
                    value.get("publisher", ""))
        for key, value in dict(data["sources"]).items()
    }
    series = []
    seen: set[str] = set()
    for raw in data["vaccination_series"]:
        if raw["id"] in seen:
            raise ValueError(f"duplicate series {raw['id']}")
        seen.add(raw["id"])
        named = raw["source"] if isinstance(raw["source"], list) else [raw["source"]]
        if not named or any(name not in sources for name in named):
            raise ValueError(f"unknown source for {raw['id']}")
        season = None
        if raw.get("season"):
            season = Season(_month_day(raw["season"]["opens"]), _month_day(raw["season"]["closes"]))
            if season.opens == season.closes or len(raw["doses"]) != 1:
                raise ValueError(f"season series {raw['id']} needs one dose and a season")
        doses = _parse_doses(raw["doses"], raw["id"], season=season is not None)
        codes = frozenset(raw["codes"])
        if not codes:
            raise ValueError(f"series {raw['id']} needs codes and doses")
        variants = []
        for n, v in enumerate(raw.get("variants", []), start=1):
            v_codes = frozenset(v.get("codes", []))
            if not v_codes <= codes or (not v_codes and not v.get("started_from")):
                raise ValueError(f"variant {n} of {raw['id']} needs codes of the series or a starting age")
            variants.append(Variant(v_codes, Age.parse(v["started_from"]) if v.get("started_from") else None,
                                    v.get("fr", raw["fr"]), v.get("en", raw["en"]),
                                    _parse_doses(v["doses"], f"{raw['id']} variant {n}")))
        early = None
        if raw.get("early_dose"):
            e = raw["early_dose"]
            early = EarlyDose(Age.parse(e["from"]), Age.parse(e["before"]), e.get("fr", ""), e.get("en", ""))
            if early.start.approx_days() >= early.before.approx_days() or \
                    early.before.approx_days() > doses[0].accept_from.approx_days():
                raise ValueError(f"early dose of {raw['id']} out of order")
        series.append(
            Series(
                id=raw["id"], label_fr=raw["fr"], label_en=raw["en"], codes=codes,
                compulsory=bool(raw.get("compulsory", False)), reason_fr=raw["reason_fr"],
                reason_en=raw["reason_en"], source=named[0],
                born_from=date.fromisoformat(raw["born_from"]) if raw.get("born_from") else None,
                born_before=date.fromisoformat(raw["born_before"]) if raw.get("born_before") else None,
                doses=doses, sources=tuple(named),
                effective_from=date.fromisoformat(raw["effective_from"]) if raw.get("effective_from") else None,
                variants=tuple(variants), early_dose=early, missed_cascades=bool(raw.get("missed_cascades")),
                season=season,
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


def _dose_status(today: date, due: date, late: date, until: date | None) -> str:
    if today < due:
        return UPCOMING
    if today < late:
        return DUE
    if until is None or today < until:
        return OVERDUE
    return MISSED


def _dose_days(series: Series, dose: Dose, birth: date) -> tuple[date, date, date | None] | None:
    """(due, overdue from, missed from) of a dose, or None when it does not apply (its window
    closed before the rule came into force)."""
    if series.season is not None:
        due, closes = series.season.first_for(birth)
        if dose.until is not None:
            closes = min(closes, dose.until.after(birth))
        return (due, closes, closes) if due < closes else None
    due, late = dose.at.after(birth), dose.overdue_after.after(birth)
    until = dose.until.after(birth) if dose.until else None
    start = series.effective_from
    if start is not None:
        if until is not None and until <= start:
            return None
        if late <= start:
            late = until if until is not None else start
        due = max(due, start)
    return due, late, until


def _pick_doses(series: Series, birth: date, today: date, given: list[tuple[date, str]]) \
        -> tuple[tuple[Dose, ...], str, str]:
    """The doses (and the label) of the schedule that applies, from the first recorded dose."""
    first = min(given, default=None)
    for variant in series.variants:
        if variant.codes and (first is None or first[1] not in variant.codes):
            continue
        if variant.started_from is not None:
            since = variant.started_from.after(birth)
            if (first[0] if first is not None else today) < since:
                continue
        return variant.doses, variant.label_fr, variant.label_en
    return series.doses, series.label_fr, series.label_en


def _series_items(series: Series, birth: date, today: date, given: list[tuple[date, str]],
                  statuses: frozenset[str] | None = None) -> list[Item]:
    doses, label_fr, label_en = _pick_doses(series, birth, today, given)
    unused = sorted(day for day, _ in given)
    planned: list[tuple[Dose | None, tuple[date, date, date | None]]] = []
    early_day = None
    if series.early_dose is not None:
        start, before = series.early_dose.start.after(birth), series.early_dose.before.after(birth)
        early_day = next((day for day in unused if start <= day < before), None)
        if early_day is not None:
            unused.remove(early_day)
            planned.append((None, (early_day, early_day, None)))
    for dose in doses:
        days = _dose_days(series, dose, birth)
        if days is not None:
            planned.append((dose, days))
    if not planned or (early_day is not None and len(planned) == 1):
        return []
    count = len(planned)
    items = []
    cascade = False
    for number, (dose, (due, late, until)) in enumerate(planned, start=1):
        if dose is None:  # the early dose: recorded, does not count
            if statuses is not None and DONE not in statuses:
                continue
            early = series.early_dose
            if early is None:  # planned above only when the series has one
                raise ValueError("early dose without its rule")
            match, status = early_day, DONE
            dose_fr, dose_en = early.label_fr, early.label_en
            when_fr, when_en = early.label_fr, early.label_en
            dose_fr = f"dose {number}/{count} : {dose_fr}" if dose_fr else f"dose {number}/{count}"
            dose_en = f"dose {number} of {count}: {dose_en}" if dose_en else f"dose {number} of {count}"
        else:
            accept_from = dose.accept_from.after(birth)
            match = next((day for day in unused if day >= accept_from), None)
            if match is not None:
                unused.remove(match)
            status = DONE if match is not None else (MISSED if cascade else _dose_status(today, due, late, until))
            if status == MISSED and series.missed_cascades:
                cascade = True
            if statuses is not None and status not in statuses:
                continue  # not asked for: its labels are not even put together
            default_fr = f"dose {number}/{count}" if count > 1 else ""
            default_en = f"dose {number} of {count}" if count > 1 else ""
            dose_fr = f"{default_fr} : {dose.label_fr}" if dose.label_fr and count > 1 and early_day else \
                (dose.label_fr or default_fr)
            dose_en = f"{default_en}: {dose.label_en}" if dose.label_en and count > 1 and early_day else \
                (dose.label_en or default_en)
            when_fr, when_en = dose.when_fr or dose.at.label("fr"), dose.when_en or dose.at.label("en")
        items.append(
            Item(
                key=f"{series.id}-{number}", kind="vaccine", series_id=series.id, dose=number,
                dose_count=count, status=status, due_on=due, window_start=due, late_on=late, until=until,
                done_on=match, label_fr=label_fr, label_en=label_en, dose_label_fr=dose_fr, dose_label_en=dose_en,
                when_fr=when_fr, when_en=when_en, reason_fr=series.reason_fr, reason_en=series.reason_en,
                source=series.source, compulsory=series.compulsory,
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
    *,
    statuses: frozenset[str] | None = None,
) -> list[Item]:
    """Every item of the schedule that applies to someone born on ``birth``, on ``today``.

    ``visits``: days of recorded GP or specialist visits (None: examinations left out, e.g. the
    viewer may not read the history). Sorted by the day each item is recommended.
    ``statuses``: only the vaccine doses of these statuses (the others are judged, as the
    later doses depend on them, but not built), e.g. the overdue ones of a reminder.
    """
    if not isinstance(birth, date) or not isinstance(today, date):
        raise TypeError("birth and today must be dates")
    recorded = [v for v in vaccinations if v.atc_code and birth <= v.given_on <= today]
    items: list[Item] = []
    for series in schedule.series:
        if not series.applies_to(birth):
            continue
        given = [(v.given_on, v.atc_code) for v in recorded if v.atc_code in series.codes]
        items.extend(_series_items(series, birth, today, given, statuses))
    if visits is not None:
        items.extend(_exam_items(schedule, birth, today, [d for d in visits if birth <= d <= today]))
    items.sort(key=lambda i: (i.due_on, i.kind != "exam", i.key))
    return items


def next_steps(items: Iterable[Item], kind: str | None = None) -> list[Item]:
    """What to do now (overdue, then due, then what to check with a doctor, oldest first);
    failing that, the next upcoming day's items. ``kind`` ("vaccine" or "exam") keeps only that
    kind."""
    items = [i for i in items if kind is None or i.kind == kind]
    now = [i for i in items if i.status == OVERDUE] + [i for i in items if i.status == DUE] + \
        [i for i in items if i.status == TO_CHECK]
    if now:
        return now
    upcoming = [i for i in items if i.status == UPCOMING]
    if not upcoming:
        return []
    first = min(i.due_on for i in upcoming)
    return [i for i in upcoming if i.due_on == first]


# --------------------------------------------------------------------------- newcomers


def is_adult(birth: date, today: date) -> bool:
    return Age(ADULT_AGE).after(birth) <= today


def history_question(birth: date, today: date, recorded: int, answer: str | None) -> bool:
    """Ask "do you know your vaccination history?": an adult, nothing recorded, not answered."""
    return answer not in HISTORY_ANSWERS and recorded == 0 and is_adult(birth, today)


def for_newcomer(items: Iterable[Item], birth: date, today: date, recorded: int, answer: str | None, *,
                 asking: bool = True) -> list[Item]:
    """The items as a newcomer should see them.

    ``recorded``: how many vaccinations (coded or not) are in the record; ``answer``: the
    profile's answer to the history question (None: not asked or not answered). A child's
    calendar is unchanged. An adult with nothing recorded who has not answered sees nothing
    overdue or missed (the question comes first); an adult with nothing recorded, or who does
    not know their history, sees what would be overdue as ``to_check``. ``asking=False``: the
    viewer cannot answer (a professional, a caregiver): no question, the items softened.
    """
    items = list(items)
    if not is_adult(birth, today):
        return items
    if asking and history_question(birth, today, recorded, answer):
        return [i for i in items if i.status not in (OVERDUE, MISSED)]
    if recorded == 0 or answer == HISTORY_UNKNOWN:
        return [replace(i, status=TO_CHECK) if i.status == OVERDUE else i for i in items]
    return items


def overdue_vaccines(schedule: Schedule, birth: date, today: date, vaccinations: list[RecordedVaccination],
                     answer: str | None) -> list[Item]:
    """The overdue vaccine doses as a newcomer's calendar shows them (the home's reminders):
    the overdue vaccines of ``for_newcomer(compute(...))``, whoever views them.

    ``vaccinations``: every vaccination of the record the viewer may read, coded or not.
    An adult with none recorded, or who does not know their history, has nothing overdue
    (it is to check with a doctor, or the history question comes first): nothing computed.
    """
    if is_adult(birth, today) and (not vaccinations or answer == HISTORY_UNKNOWN):
        return []
    return compute(schedule, birth, today, vaccinations, statuses=_OVERDUE_ONLY)


_OVERDUE_ONLY = frozenset({OVERDUE})
