"""The record says what the parent typed, and the parent adds a consultation to the health
history herself (390×844, headless Chromium, production build)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in

pytestmark = pytest.mark.e2e


def _day(text: str) -> date:
    day, month, year = re.search(r"(\d\d)/(\d\d)/(\d{4})", text).groups()
    return date(int(year), int(month), int(day))


def test_parent_sees_her_note_and_end_date_then_adds_a_consultation(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")

    # A treatment with an end date and a note: both on the card, in French.
    page.goto(live_server + "/record/treatments")
    page.locator("#add-treatments").click()
    page.get_by_test_id("coded-input").fill("Sirop pour la toux maison")
    page.locator("input[name=dosage]").fill("1 cuillère le soir")
    page.locator("input[name=start_date]").fill("2026-11-20")
    page.locator("input[name=end_date]").fill("2026-11-27")
    page.locator("textarea[name=note]").fill("Pendant les repas\nArrêter si éruption")
    page.locator("#form-save").click()
    card = page.locator("#list-treatments .rt-Card", has_text="Sirop pour la toux maison")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Début 20/11/2026")
    expect(card).to_contain_text("Fin : 27/11/2026")
    expect(card).to_contain_text("Posologie : 1 cuillère le soir")
    expect(card).to_contain_text("Note : Pendant les repas")
    expect(card).to_contain_text("Arrêter si éruption")
    assert_no_horizontal_scroll(page)

    # A consultation, from the history page: it takes its place in the timeline.
    page.goto(live_server + "/history")
    expect(page.locator("#history-list")).to_be_visible()
    page.locator("#add-event").click()
    when = (datetime.now() - timedelta(days=2)).date()
    page.locator("select[name=kind]").select_option("specialist")
    page.locator("input[name=title]").fill("Consultation ORL")
    page.locator("input[name=occurred_on]").fill(when.isoformat())
    page.locator("input[name=practitioner]").fill("Dr Lefèvre")
    page.locator("input[name=place]").fill("Clinique du Parc")
    page.locator("textarea[name=note]").fill("Otite séreuse, contrôle dans un mois")
    page.locator("#form-save").click()
    timeline = page.locator("#history-list")
    row = timeline.locator(":scope > div", has_text="Consultation ORL")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(when.strftime("%d/%m/%Y"))
    expect(row).to_contain_text("Dr Lefèvre · Clinique du Parc")
    expect(row).to_contain_text("Otite séreuse")
    expect(row).to_contain_text("Spécialiste")
    days = [_day(text) for text in timeline.locator(":scope > div").all_inner_texts()]
    assert days == sorted(days, reverse=True)
    assert when in days
    assert_no_horizontal_scroll(page)
