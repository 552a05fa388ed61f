"""The prevention calendar: the schedule as data, ages, and statuses at the exact boundaries."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import pytest

from mes_app.domain import prevention as p
from mes_app.domain.prevention import Age, RecordedVaccination as Vax
from mes_app.domain.terminology import ATC, load_default

SCHEDULE = p.load_schedule()
DAY = timedelta(days=1)


def item(items, key):
    return next(i for i in items if i.key == key)


def status(birth, today, vaccinations=(), visits=None, key="hexavalent-1"):
    return item(p.compute(SCHEDULE, birth, today, vaccinations, visits), key).status


# --------------------------------------------------------------------------- the data


def test_the_schedule_is_versioned_and_every_rule_names_its_source():
    raw = json.loads(p.DEFAULT_PATH.read_text(encoding="utf-8"))
    assert SCHEDULE.version == raw["version"] == "2025.1"
    assert "calendrier des vaccinations" in SCHEDULE.sources["calendrier-2025"].label_fr.lower()
    assert "R2132-1" in SCHEDULE.sources["csp-r2132-1"].label_fr
    assert all(s.source in SCHEDULE.sources for s in SCHEDULE.series)
    assert all(s.reason_fr and s.reason_en for s in SCHEDULE.series)


def test_the_twenty_compulsory_child_examinations():
    assert len(SCHEDULE.examinations) == 20
    assert len({e.id for e in SCHEDULE.examinations}) == 20


def test_every_vaccine_code_of_the_schedule_is_in_the_terminology():
    terms = load_default()
    missing = sorted(code for code in SCHEDULE.codes() if terms.lookup("vaccine", ATC, code) is None)
    assert missing == []


def test_adult_boosters_at_25_45_65_then_every_ten_years():
    adult = next(s for s in SCHEDULE.series if s.id == "dtp_adult")
    assert [d.at.years for d in adult.doses] == [25, 45, 65, 75, 85, 95, 105]


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["vaccination_series"][0]["doses"][0].update(at="5m"),  # after overdue_after
        lambda d: d["vaccination_series"][0].update(source="nowhere"),
        lambda d: d["vaccination_series"][0]["doses"][0].update(at="two months"),
        lambda d: d["vaccination_series"].append(d["vaccination_series"][0]),
        lambda d: d["examinations"][0].update(to="0d"),
    ],
)
def test_an_inconsistent_schedule_is_refused(breakage):
    data = json.loads(p.DEFAULT_PATH.read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    breakage(broken)
    with pytest.raises((ValueError, KeyError)):
        p.parse_schedule(broken)


# --------------------------------------------------------------------------- ages


@pytest.mark.parametrize(
    ("birth", "age", "expected"),
    [
        (date(2026, 1, 15), "2m", date(2026, 3, 15)),
        (date(2026, 1, 31), "1m", date(2026, 2, 28)),
        (date(2024, 1, 31), "1m", date(2024, 2, 29)),
        (date(2024, 2, 29), "1y", date(2025, 2, 28)),
        (date(2026, 1, 15), "6w", date(2026, 2, 26)),
        (date(2026, 1, 15), "8d", date(2026, 1, 23)),
        (date(2000, 6, 1), "11y6m", date(2011, 12, 1)),
        (date(2000, 11, 30), "25y3m", date(2026, 2, 28)),
    ],
)
def test_ages_are_calendar_ages(birth, age, expected):
    assert Age.parse(age).after(birth) == expected


@pytest.mark.parametrize("bad", ["", "2", "m2", "2x", "-2m", "2m3y", None, 2])
def test_malformed_ages_are_refused(bad):
    with pytest.raises(ValueError):
        Age.parse(bad)


def test_age_labels():
    assert Age.parse("11y6m").label("fr") == "11 ans et 6 mois"
    assert Age.parse("1y").label("fr") == "1 an"
    assert Age.parse("2m").label("en") == "2 months"


# --------------------------------------------------------------------------- boundaries (no dose recorded)

BABY = date(2026, 1, 15)  # 2 months on 2026-03-15, 3 months on 2026-04-15


def test_the_first_infant_dose_day_by_day():
    assert status(BABY, date(2026, 3, 14)) == "upcoming"
    assert status(BABY, date(2026, 3, 15)) == "due"  # the day she is 2 months old
    assert status(BABY, date(2026, 4, 14)) == "due"
    assert status(BABY, date(2026, 4, 15)) == "overdue"  # one month late
    assert status(BABY, date(2042, 1, 14)) == "overdue"
    assert status(BABY, date(2042, 1, 15)) == "missed"  # 16 years: this schedule no longer applies


def test_rotavirus_cannot_be_caught_up_after_24_weeks():
    last_day = BABY + timedelta(weeks=24) - DAY
    assert status(BABY, last_day, key="rotavirus-1") == "overdue"
    assert status(BABY, last_day + DAY, key="rotavirus-1") == "missed"


def test_the_25_year_booster_day_by_day():
    born = date(2000, 6, 1)
    assert status(born, date(2025, 5, 31), key="dtp_adult-1") == "upcoming"
    assert status(born, date(2025, 6, 1), key="dtp_adult-1") == "due"
    assert status(born, date(2026, 5, 31), key="dtp_adult-1") == "due"
    assert status(born, date(2026, 6, 1), key="dtp_adult-1") == "overdue"


def test_birth_cohorts_decide_which_meningococcal_series_apply():
    def series(born):
        return {i.series_id for i in p.compute(SCHEDULE, born, born + timedelta(days=400), [])}

    before, after = series(date(2024, 12, 31)), series(date(2025, 1, 1))
    assert "menc_2018" in before and "menb" not in before and "menacwy_infant" not in before
    assert "menb" in after and "menacwy_infant" in after and "menc_2018" not in after
    assert "menc_before_2018" in series(date(2017, 12, 31)) and "menc_before_2018" not in before
    assert "mmr" not in series(date(1979, 12, 31)) and "mmr" in series(date(1980, 1, 1))


# --------------------------------------------------------------------------- doses already recorded


def test_a_dose_counts_only_from_its_minimum_age():
    six_weeks = date(2026, 2, 26)
    today = date(2026, 3, 20)
    assert status(BABY, today, [Vax(six_weeks - DAY, "J07CA09")]) == "due"
    done = item(p.compute(SCHEDULE, BABY, today, [Vax(six_weeks, "J07CA09")]), "hexavalent-1")
    assert (done.status, done.done_on) == ("done", six_weeks)


def test_doses_are_filled_in_order_each_vaccination_once():
    today = date(2026, 12, 20)  # 11 months on 2026-12-15
    given = [Vax(date(2026, 3, 16), "J07CA09"), Vax(date(2026, 5, 18), "J07CA09")]
    items = p.compute(SCHEDULE, BABY, today, given)
    assert [item(items, f"hexavalent-{n}").status for n in (1, 2, 3)] == ["done", "done", "due"]
    assert item(items, "hexavalent-2").done_on == date(2026, 5, 18)


def test_only_matching_coded_vaccinations_count():
    today = date(2026, 4, 20)
    others = [Vax(date(2026, 3, 16), None), Vax(date(2026, 3, 16), "J07AL02"), Vax(date(2026, 3, 16), "J07BM03")]
    assert status(BABY, today, others) == "overdue"
    assert status(BABY, today, others, key="pneumococcal_infant-1") == "done"
    # A date before birth or after today is not a real dose.
    assert status(BABY, today, [Vax(BABY - DAY, "J07CA09"), Vax(today + DAY, "J07CA09")]) == "overdue"


def test_a_pregnancy_booster_at_35_does_not_replace_the_45_year_booster():
    born = date(1990, 5, 17)
    today = date(2026, 11, 28)
    given = [Vax(date(2015, 6, 6), "J07AJ52"), Vax(date(2025, 9, 1), "J07AJ52")]
    items = p.compute(SCHEDULE, born, today, given)
    assert item(items, "dtp_adult-1").status == "done"
    assert item(items, "dtp_adult-1").done_on == date(2015, 6, 6)
    assert item(items, "dtp_adult-2").status == "upcoming"
    # From 40 on, a booster counts for the 45-year one.
    at_forty = date(2030, 5, 17)
    later = p.compute(SCHEDULE, born, date(2035, 6, 1), [*given, Vax(at_forty - DAY, "J07AM51")])
    assert item(later, "dtp_adult-2").status == "due"
    later = p.compute(SCHEDULE, born, date(2035, 6, 1), [*given, Vax(at_forty, "J07AM51")])
    assert item(later, "dtp_adult-2").status == "done"


def test_an_infant_acwy_dose_does_not_count_for_the_teenage_one():
    born = date(2025, 2, 1)
    items = p.compute(SCHEDULE, born, date(2036, 3, 1), [Vax(date(2025, 8, 1), "J07AH08")])
    assert item(items, "menacwy_infant-1").status == "done"
    assert item(items, "menacwy_teen-1").status == "due"


# --------------------------------------------------------------------------- examinations

LEA = date(2026, 3, 15)  # 8 months on 2026-11-15, 10 months on 2027-01-15


def test_the_nine_month_examination_window():
    assert status(LEA, date(2026, 11, 14), visits=[], key="exam-9m") == "upcoming"
    assert status(LEA, date(2026, 11, 15), visits=[], key="exam-9m") == "due"
    assert status(LEA, date(2027, 1, 14), visits=[], key="exam-9m") == "due"
    assert status(LEA, date(2027, 1, 15), visits=[], key="exam-9m") == "missed"


def test_a_visit_in_the_window_counts_the_closest_one_wins_and_the_future_does_not():
    today = date(2026, 12, 20)
    visits = [date(2026, 11, 20), date(2026, 12, 14), date(2026, 12, 30)]
    exam = item(p.compute(SCHEDULE, LEA, today, [], visits), "exam-9m")
    assert (exam.status, exam.done_on) == ("done", date(2026, 12, 14))
    assert status(LEA, today, visits=[date(2026, 12, 30)], key="exam-9m") == "due"
    assert status(LEA, today, visits=[date(2026, 11, 14)], key="exam-9m") == "due"


def test_examinations_are_left_out_when_the_visits_are_not_known():
    assert not [i for i in p.compute(SCHEDULE, LEA, date(2026, 12, 1), []) if i.kind == "exam"]


def test_next_steps_put_overdue_first_then_due_else_the_next_upcoming():
    today = date(2026, 11, 28)
    given = [Vax(d, c) for d, c in [
        (date(2026, 5, 15), "J07CA09"), (date(2026, 5, 15), "J07AL02"), (date(2026, 5, 15), "J07BH01"),
        (date(2026, 6, 15), "J07AH09"), (date(2026, 6, 15), "J07BH01"), (date(2026, 7, 15), "J07CA09"),
        (date(2026, 7, 15), "J07AL02"), (date(2026, 8, 15), "J07AH09"), (date(2026, 9, 15), "J07AH08"),
    ]]
    items = p.compute(SCHEDULE, LEA, today, given)
    assert [i.key for i in p.next_steps(items, "vaccine")] == ["hexavalent-3", "pneumococcal_infant-3"]
    assert p.next_steps(items, "vaccine")[0].status == "upcoming"
    behind = p.compute(SCHEDULE, LEA, today, given[:-1])
    assert [i.key for i in p.next_steps(behind, "vaccine")] == ["menacwy_infant-1"]
    assert p.next_steps(behind)[0].status == "overdue"
