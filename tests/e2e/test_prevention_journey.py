"""The demo parent on a phone (390×844): the infant's next vaccination, then an appointment that
shows on the home page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, switch_to

pytestmark = pytest.mark.e2e


def test_parent_sees_the_infants_next_vaccination_and_adds_an_appointment(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    expect(page.locator("#active-profile-name")).to_have_text("Léa Martin")

    # The record index leads to the prevention calendar.
    page.get_by_role("link", name="Dossier").first.click()
    page.locator("#record-link-prevention").click()
    expect(page).to_have_url(re.compile(r"/prevention"))
    # Léa (~8.6 months) has had every dose up to 6 months: next come the 11-month boosters.
    next_vaccine = page.locator("#next-vaccine")
    expect(next_vaccine).to_contain_text("hexavalent")
    expect(next_vaccine).to_contain_text("11 mois")
    expect(next_vaccine).to_contain_text("À venir")
    expect(page.locator("#next-exam")).to_contain_text("Examen du 9e mois")
    expect(page.locator("#prevention-todo")).to_contain_text("À faire")
    assert_no_horizontal_scroll(page)

    # An appointment in three days, for Léa.
    when = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=3)).replace(hour=10, minute=30)
    page.goto(live_server + "/appointments")
    expect(page.locator("#appointment-list")).to_contain_text("Examen du 9e mois")  # seeded
    page.locator("#add-appointment").click()
    expect(page.locator("#appointment-profile")).to_have_value(re.compile(r"\d+"))
    page.locator("input[name=title]").fill("Pédiatre — contrôle de l'otite")
    page.locator("input[name=starts_at]").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.locator("input[name=practitioner]").fill("Dr Moreau")
    page.locator("#appointment-save").click()
    listing = page.locator("#appointment-list")
    expect(listing).to_contain_text("Pédiatre — contrôle de l'otite")
    expect(listing).to_contain_text(when.strftime("%d/%m/%Y"))
    assert_no_horizontal_scroll(page)

    # An end before the start is refused with a clear message.
    page.locator("#add-appointment").click()
    page.locator("input[name=title]").fill("Rendez-vous impossible")
    page.locator("input[name=starts_at]").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.locator("input[name=ends_at]").fill((when - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#appointment-save").click()
    expect(page.locator("#appointment-form-error")).to_contain_text("La fin ne peut pas précéder le début")
    page.keyboard.press("Escape")
    expect(listing).not_to_contain_text("Rendez-vous impossible")

    # Home: the new appointment is among the next ones, and reminded (it is within 7 days).
    page.get_by_role("link", name="Accueil").first.click()
    expect(page.locator("#home-appointments")).to_contain_text("Pédiatre — contrôle de l'otite")
    expect(page.locator("#home-reminders")).to_contain_text("Pédiatre — contrôle de l'otite")
    expect(page.locator("#reminders-badge")).to_have_text(re.compile(r"^[1-9]\d*$"))
    assert_no_horizontal_scroll(page)
