"""The prevention calendar: the schedule as data, ages, and statuses at the exact boundaries."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import pytest

from mes_app.domain import prevention as p
from mes_app.domain.prevention import Age
from mes_app.domain.prevention import RecordedVaccination as Vax
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
    assert SCHEDULE.version == raw["version"] == "2025.2"
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


def test_rotavirus_first_dose_up_to_4_months_and_rotarix_done_before_6_months():
    # Was "missed from 24 weeks" (the Rotarix SmPC); the French texts say: first dose up to
    # 4 months, last dose before 6 months (Rotarix) or 8 months (RotaTeq).
    four_months, six_months = date(2026, 5, 15), date(2026, 7, 15)
    assert status(BABY, four_months, key="rotavirus-1") == "overdue"
    assert status(BABY, four_months + DAY, key="rotavirus-1") == "missed"
    # Not started by 4 months: the second dose is missed too.
    assert status(BABY, four_months + DAY, key="rotavirus-2") == "missed"
    started = [Vax(date(2026, 3, 16), "J07BH01")]
    assert status(BABY, six_months - DAY, started, key="rotavirus-2") == "overdue"
    assert status(BABY, six_months, started, key="rotavirus-2") == "missed"


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
        (date(2026, 7, 15), "J07AL02"), (date(2026, 8, 15), "J07AH09"), (date(2026, 9, 2), "J06BD08"),
        (date(2026, 9, 15), "J07AH08"),
    ]]
    items = p.compute(SCHEDULE, LEA, today, given)
    assert [i.key for i in p.next_steps(items, "vaccine")] == ["hexavalent-3", "pneumococcal_infant-3"]
    assert p.next_steps(items, "vaccine")[0].status == "upcoming"
    behind = p.compute(SCHEDULE, LEA, today, given[:-1])
    assert [i.key for i in p.next_steps(behind, "vaccine")] == ["menacwy_infant-1"]
    assert p.next_steps(behind)[0].status == "overdue"


# --------------------------------------------------------------------------- the 2025 calendar


def keys(born, today, vaccinations=()):
    return {i.key: i for i in p.compute(SCHEDULE, born, today, vaccinations)}


def test_every_source_is_recorded_with_its_publisher_date_and_address():
    raw = json.loads(p.DEFAULT_PATH.read_text(encoding="utf-8"))
    for key, source in SCHEDULE.sources.items():
        assert source.url.startswith("https://"), key
        assert source.date[:4].isdigit() and source.publisher, key
        assert raw["sources"][key]["date"] == source.date
    assert "2024-694" in SCHEDULE.sources["decret-2024-694"].label_fr
    assert "13 mai 2025" in SCHEDULE.sources["has-hpv-2025"].label_fr
    assert all(set(s.sources) <= set(SCHEDULE.sources) and s.sources[0] == s.source for s in SCHEDULE.series)


@pytest.mark.parametrize("series_id", ["menb_2023", "menacwy_2023"])
def test_meningococcal_obligations_reach_children_born_from_july_2023(series_id):
    def series(born):
        return {i.series_id: i for i in p.compute(SCHEDULE, born, date(2025, 3, 1), [])}

    assert series_id not in series(date(2023, 6, 30))
    found = series(date(2023, 7, 1))[series_id]
    assert found.compulsory and "juillet 2023" in found.reason_fr
    # The obligation starts on 1 January 2025: a dose recommended earlier is due from that day.
    assert found.due_on == date(2025, 1, 1)
    assert series_id in series(date(2024, 12, 31)) and series_id not in series(date(2025, 1, 1))
    born_2025 = series(date(2025, 1, 1))
    assert born_2025["menb"].compulsory and born_2025["menacwy_infant"].compulsory


def test_the_acwy_catch_up_dose_for_the_2018_2024_cohort_between_12_and_24_months():
    # Born on 1 January 2023: 24 months on the day the rule came into force, too late.
    assert "menacwy_catchup-1" not in keys(date(2023, 1, 1), date(2025, 1, 1))
    # One day later: a one-day window.
    late = keys(date(2023, 1, 2), date(2025, 1, 1))["menacwy_catchup-1"]
    assert (late.status, late.due_on, late.until) == ("due", date(2025, 1, 1), date(2025, 1, 2))
    assert keys(date(2023, 1, 2), date(2025, 1, 2))["menacwy_catchup-1"].status == "missed"
    assert not keys(date(2023, 1, 2), date(2025, 1, 1))["menacwy_catchup-1"].compulsory
    # Born in 2024: the dose at 12 months, until 24 months; a MenC booster does not replace it.
    born = date(2024, 3, 10)
    assert keys(born, date(2025, 3, 9))["menacwy_2023-1"].status == "upcoming"
    assert keys(born, date(2025, 3, 10))["menacwy_2023-1"].status == "due"
    menc = [Vax(date(2024, 8, 12), "J07AH07"), Vax(date(2025, 3, 12), "J07AH07")]
    items = keys(born, date(2026, 3, 9), menc)
    assert items["menc_2018-2"].status == "done" and items["menacwy_2023-1"].status == "overdue"
    assert keys(born, date(2026, 3, 10), menc)["menacwy_2023-1"].status == "missed"
    acwy = keys(born, date(2025, 6, 1), [menc[0], Vax(date(2025, 3, 12), "J07AH08")])
    assert acwy["menacwy_2023-1"].status == acwy["menc_2018-2"].status == "done"


def test_menb_catch_up_for_a_child_already_over_a_year_old_in_2025():
    born = date(2023, 7, 1)  # 18 months on 1 January 2025
    items = keys(born, date(2025, 1, 1))
    assert [items[f"menb_2023-{n}"].status for n in (1, 2, 3)] == ["due", "due", "due"]
    assert keys(born, date(2025, 6, 30))["menb_2023-1"].status == "due"  # start before 2 years
    assert keys(born, date(2025, 7, 1))["menb_2023-1"].status == "missed"
    # Not started before 2 years: the whole series is missed.
    assert keys(born, date(2025, 7, 1))["menb_2023-3"].status == "missed"
    started = [Vax(date(2025, 2, 1), "J07AH09"), Vax(date(2025, 4, 1), "J07AH09")]
    assert keys(born, date(2026, 4, 1), started)["menb_2023-3"].status == "due"  # a catch-up: due until 4
    assert keys(born, date(2027, 7, 1), started)["menb_2023-3"].status == "missed"


def test_an_mmr_dose_before_12_months_does_not_count_and_calls_for_a_third():
    born = date(2025, 1, 15)
    twelve_months = date(2026, 1, 15)
    early = keys(born, date(2026, 1, 20), [Vax(twelve_months - DAY, "J07BD52")])
    assert [early[f"mmr-{n}"].status for n in (1, 2, 3)] == ["done", "due", "upcoming"]
    assert early["mmr-1"].dose_count == 3 and "12 mois" in early["mmr-1"].dose_label_fr
    assert early["mmr-2"].due_on == twelve_months
    on_time = keys(born, date(2026, 1, 20), [Vax(twelve_months, "J07BD52")])
    assert "mmr-3" not in on_time and on_time["mmr-1"].status == "done" and on_time["mmr-1"].dose_count == 2
    # Both doses after 12 months, plus the early one: three in all, done.
    full = keys(born, date(2026, 8, 1), [Vax(date(2025, 10, 1), "J07BD52"), Vax(date(2026, 1, 20), "J07BD52"),
                                         Vax(date(2026, 5, 20), "J07BD52")])
    assert [full[f"mmr-{n}"].status for n in (1, 2, 3)] == ["done"] * 3


def test_rotateq_needs_three_doses_before_8_months_rotarix_two_before_6():
    rotateq = [Vax(date(2026, 3, 16), "J07BH02")]
    items = keys(BABY, date(2026, 5, 20), rotateq)
    assert items["rotavirus-3"].label_fr == "Rotavirus (RotaTeq)" and items["rotavirus-1"].dose_count == 3
    eight_months = date(2026, 9, 15)
    assert keys(BABY, eight_months - DAY, rotateq)["rotavirus-3"].status == "overdue"
    assert keys(BABY, eight_months, rotateq)["rotavirus-3"].status == "missed"
    rotarix = keys(BABY, date(2026, 5, 20), [Vax(date(2026, 3, 16), "J07BH01")])
    assert "rotavirus-3" not in rotarix and rotarix["rotavirus-2"].label_fr == "Rotavirus (Rotarix)"


@pytest.mark.parametrize(
    ("born", "due", "closes"),
    [
        (date(2025, 2, 1), date(2025, 9, 1), date(2026, 2, 1)),  # born after a season: the next one
        (date(2025, 8, 31), date(2025, 9, 1), date(2026, 2, 1)),
        (date(2025, 9, 1), date(2025, 9, 1), date(2026, 2, 1)),  # born in the season: at birth
        (date(2026, 1, 31), date(2026, 1, 31), date(2026, 2, 1)),
        (date(2026, 2, 1), date(2026, 9, 1), date(2027, 2, 1)),
    ],
)
def test_rsv_nirsevimab_in_the_first_season(born, due, closes):
    item = keys(born, due)["rsv_infant-1"]
    assert (item.due_on, item.until) == (due, closes)
    assert keys(born, due - DAY)["rsv_infant-1"].status == "upcoming" if due > born else True
    assert keys(born, due)["rsv_infant-1"].status == "due"
    assert keys(born, closes - DAY)["rsv_infant-1"].status == "due"  # never "overdue"
    assert keys(born, closes)["rsv_infant-1"].status == "missed"
    assert keys(born, closes, [Vax(due, "J06BD08")])["rsv_infant-1"].status == "done"
    assert "Abrysvo" in item.reason_fr and "32 et 36 semaines" in item.reason_fr


def test_rsv_applies_from_the_2025_2026_campaign_cohort():
    assert "rsv_infant-1" not in keys(date(2025, 1, 31), date(2025, 3, 1))
    assert "rsv_infant-1" in keys(date(2025, 2, 1), date(2025, 3, 1))


def test_hpv_two_doses_from_11_to_14_then_three_in_catch_up_until_26_included():
    born = date(2005, 6, 1)
    fifteen, twenty_seven = date(2020, 6, 1), date(2032, 6, 1)
    assert keys(born, fifteen - DAY)["hpv-1"].dose_count == 2
    assert keys(born, fifteen)["hpv-1"].dose_count == 3  # not started by 15: 3-dose catch-up
    assert "hpv-3" not in keys(born, fifteen, [Vax(fifteen - DAY, "J07BM03")])
    assert keys(born, date(2021, 1, 1), [Vax(fifteen, "J07BM03")])["hpv-3"].status == "overdue"
    # Catch-up until 26 included ("26 ans révolus"), girls and boys alike.
    assert keys(born, twenty_seven - DAY)["hpv-1"].status == "overdue"
    assert keys(born, twenty_seven)["hpv-1"].status == "missed"
    assert "26 ans" in keys(born, fifteen)["hpv-1"].reason_fr and "garçons" in keys(born, fifteen)["hpv-1"].reason_fr


def test_pneumococcal_and_shingles_from_65():
    born = date(1961, 3, 10)
    sixty_five = date(2026, 3, 10)
    before, on = keys(born, sixty_five - DAY), keys(born, sixty_five)
    assert before["pneumococcal_senior-1"].status == before["zoster-1"].status == "upcoming"
    assert on["pneumococcal_senior-1"].status == on["zoster-1"].status == "due"
    assert on["zoster-2"].dose_count == 2
    # A conjugate dose counts from 65 (not a polysaccharide one, not an earlier one).
    assert keys(born, sixty_five, [Vax(sixty_five - DAY, "J07AL02")])["pneumococcal_senior-1"].status == "due"
    assert keys(born, sixty_five, [Vax(sixty_five, "J07AL02")])["pneumococcal_senior-1"].status == "done"
    assert keys(born, sixty_five, [Vax(sixty_five, "J07AL01")])["pneumococcal_senior-1"].status == "due"
    # Shingrix is a lifetime course: given from 18 (immunocompromised), it counts; no upper age.
    eighteen = date(1979, 3, 10)
    assert keys(born, sixty_five, [Vax(eighteen - DAY, "J07BK03")])["zoster-1"].status == "due"
    assert keys(born, sixty_five, [Vax(eighteen, "J07BK03")])["zoster-1"].status == "done"
    assert keys(born, date(2056, 1, 1))["zoster-1"].status == "overdue"


def test_rsv_vaccination_from_75():
    born = date(1951, 3, 10)
    assert keys(born, date(2026, 3, 9))["rsv_senior-1"].status == "upcoming"
    assert keys(born, date(2026, 3, 10))["rsv_senior-1"].status == "due"


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["vaccination_series"][0].update(source=["calendrier-2025", "nowhere"]),
        lambda d: next(s for s in d["vaccination_series"] if s["id"] == "rsv_infant").update(
            season={"opens": "02-30", "closes": "09-01"}),
        lambda d: next(s for s in d["vaccination_series"] if s["id"] == "rotavirus")["variants"][0].update(
            codes=["J07CA09"]),
        lambda d: next(s for s in d["vaccination_series"] if s["id"] == "mmr")["early_dose"].update(before="13m"),
    ],
)
def test_an_inconsistent_2025_rule_is_refused(breakage):
    data = json.loads(p.DEFAULT_PATH.read_text(encoding="utf-8"))
    breakage(data)
    with pytest.raises((ValueError, KeyError)):
        p.parse_schedule(data)


# --------------------------------------------------------------------------- newcomers

NEWCOMER = date(1993, 4, 2)  # 33 on 2026-04-02
TODAY = date(2026, 12, 2)


def newcomer_items(answer, recorded=0, vaccinations=()):
    items = p.compute(SCHEDULE, NEWCOMER, TODAY, vaccinations)
    return {i.key: i.status for i in p.for_newcomer(items, NEWCOMER, TODAY, recorded, answer)}


def test_an_adult_with_nothing_recorded_is_asked_first_and_told_nothing_is_late():
    assert p.history_question(NEWCOMER, TODAY, 0, None)
    statuses = newcomer_items(None)
    assert "overdue" not in statuses.values() and "missed" not in statuses.values()
    assert "mmr-1" not in statuses


@pytest.mark.parametrize("answer", ["unknown", "later", "now"])
def test_after_any_answer_the_late_items_are_to_check_with_a_doctor(answer):
    assert not p.history_question(NEWCOMER, TODAY, 0, answer)
    statuses = newcomer_items(answer)
    assert statuses["mmr-1"] == statuses["dtp_adult-1"] == "to_check"
    assert "overdue" not in statuses.values()
    assert statuses["hexavalent-1"] == "missed"


def test_a_recorded_history_keeps_overdue_unless_the_answer_is_i_dont_know():
    given = [Vax(date(2018, 6, 1), "J07AJ52")]
    assert not p.history_question(NEWCOMER, TODAY, 1, None)
    assert newcomer_items(None, 1, given)["mmr-1"] == "overdue"
    assert newcomer_items("later", 1, given)["mmr-1"] == "overdue"
    assert newcomer_items("unknown", 1, given)["mmr-1"] == "to_check"


def test_the_question_is_for_adults_from_their_18th_birthday():
    born = date(2008, 12, 2)
    assert not p.history_question(born, date(2026, 12, 1), 0, None)
    assert p.history_question(born, date(2026, 12, 2), 0, None)
    child = p.compute(SCHEDULE, BABY, date(2026, 5, 1), [])
    assert p.for_newcomer(child, BABY, date(2026, 5, 1), 0, None) == child


def test_to_check_items_come_in_the_next_steps():
    items = p.for_newcomer(p.compute(SCHEDULE, NEWCOMER, TODAY, []), NEWCOMER, TODAY, 0, "unknown")
    assert {i.key for i in p.next_steps(items, "vaccine")} >= {"mmr-1", "mmr-2", "dtp_adult-1"}


# --------------------------------------------------------------------------- the home's reminders (issue 10)


def _recorded_for(birth: date, codes: list[str], step: int) -> list[Vax]:
    """Some vaccinations after birth, coded with the schedule's codes, one uncoded."""
    given = [Vax(birth + timedelta(days=60 + 40 * k), code) for k, code in enumerate(codes)]
    return given + [Vax(birth + timedelta(days=30 + step), None)]


@pytest.mark.parametrize("answer", [None, "now", "later", "unknown"])
@pytest.mark.parametrize("asking", [True, False])
def test_the_overdue_reminders_are_the_overdue_vaccines_of_the_calendar_a_viewer_sees(answer, asking):
    """``overdue_vaccines`` skips the items it does not need, never what the calendar shows as
    overdue: the same doses, for children and adults, with none, some or many vaccinations."""
    codes = sorted(SCHEDULE.codes())
    today = date(2026, 12, 7)
    for years in (0, 1, 2, 5, 11, 15, 17, 18, 25, 40, 66, 80):
        for step, count in ((0, 0), (3, 2), (7, len(codes))):
            birth = date(today.year - years, 1 + (step + years) % 12, 1 + (3 * years) % 28)
            recorded = _recorded_for(birth, codes[step:step + count], step) if count else []
            items = p.compute(SCHEDULE, birth, today, recorded)
            seen = p.for_newcomer(items, birth, today, len(recorded), answer, asking=asking)
            expected = [i for i in seen if i.kind == "vaccine" and i.status == p.OVERDUE]
            assert p.overdue_vaccines(SCHEDULE, birth, today, recorded, answer) == expected, (birth, count)


def test_only_the_statuses_asked_for_are_built_the_others_still_count():
    """A dose judged but not built still takes its vaccination: the later doses keep their status."""
    birth, today = date(2024, 1, 10), date(2026, 12, 7)
    recorded = [Vax(birth + timedelta(days=62), code) for code in sorted(SCHEDULE.codes())[:4]]
    every = p.compute(SCHEDULE, birth, today, recorded)
    for wanted in ({p.OVERDUE}, {p.DONE}, {p.DUE, p.UPCOMING}, set()):
        assert p.compute(SCHEDULE, birth, today, recorded, statuses=frozenset(wanted)) == \
            [i for i in every if i.status in wanted]
