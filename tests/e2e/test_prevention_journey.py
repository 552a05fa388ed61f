"""On a phone (390×844): the demo parent sees the infant's next vaccination, then adds an appointment
that shows on the home page; a newcomer adult is asked about her history before any suggestion."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.registration import register_and_activate
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, switch_to
from tests.smtp import Mailbox

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


NEWCOMER_PASSWORD = "Carnet-Rose-2026"


def test_a_newcomer_is_asked_first_then_sees_what_to_check_with_a_doctor(live_server: str, browser_page: Page,
                                                                          mailbox: Mailbox) -> None:
    """An adult who just signed up (nothing recorded) is not told she is 33 years late."""
    page = browser_page
    email = f"nadia.{uuid.uuid4().hex[:8]}@example.org"
    register_and_activate(page, live_server, mailbox, email=email, password=NEWCOMER_PASSWORD, given_name="Nadia",
                          family_name="Nouvelle", birth_date="1993-04-02")
    log_in(page, live_server, email, NEWCOMER_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Nadia Nouvelle")

    # The question comes first; nothing is "late".
    page.goto(live_server + "/prevention")
    question = page.locator("#history-question")
    expect(question).to_contain_text("Connaissez-vous vos vaccinations passées ?")
    expect(page.locator("#history-now")).to_have_text("Je les ajoute maintenant")
    expect(page.locator("#history-later")).to_have_text("Je les ajouterai plus tard")
    expect(page.locator("#prevention-to-check")).to_have_count(0)
    expect(page.locator("main, body").first).not_to_contain_text("En retard")
    assert_no_horizontal_scroll(page)

    # "I don't know": the late items are suggestions to check with a doctor.
    page.get_by_role("button", name="Je ne sais pas").click()
    expect(question).to_have_count(0)
    to_check = page.locator("#prevention-to-check")
    expect(to_check).to_contain_text("À vérifier avec votre médecin")
    expect(to_check).to_contain_text("ROR")
    expect(page.locator("#history-answer")).to_contain_text("inconnues")
    expect(page.locator("body")).not_to_contain_text("En retard")
    expect(page.locator("body")).not_to_contain_text("en retard depuis")
    assert_no_horizontal_scroll(page)

    # The answer is kept, and can be changed: "I'll add them now" opens the add form.
    page.reload()
    expect(page.locator("#history-answer")).to_contain_text("inconnues")
    page.locator("#history-change").click()
    page.locator("#history-now").click()
    expect(page).to_have_url(re.compile(r"/record/vaccinations"))
    expect(page.locator("#form-save")).to_be_visible()
    assert_no_horizontal_scroll(page)
