"""The care circle on a phone (390×844): the demo parent shares Léa's vaccinations with a new
caregiver, who sees them read-only and nothing else; then the parent revokes the access."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, switch_to

pytestmark = pytest.mark.e2e

NANNY_PASSWORD = "Biberon-Tartine-2026"


def register(page: Page, base: str, email: str) -> None:
    page.goto(base + "/register")
    page.locator("input[name=given_name]").fill("Nina")
    page.locator("input[name=family_name]").fill("Nounou")
    page.locator("input[name=birth_date]").fill("1995-04-02")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(NANNY_PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Compte créé. Connectez-vous.")).to_be_visible()


def test_parent_shares_vaccinations_with_a_caregiver_then_revokes(live_server: str, browser_page: Page) -> None:
    page = browser_page
    nanny_email = f"nina.{uuid.uuid4().hex[:8]}@example.org"
    register(page, live_server, nanny_email)

    # The parent invites her as caregiver of Léa, for vaccinations only.
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    page.goto(live_server + "/record")
    page.locator("#record-link-caregivers").click()
    expect(page).to_have_url(re.compile(r"/caregivers"))
    page.locator("#caregiver-email").fill(nanny_email)
    page.locator("#caregiver-invite").click()
    expect(page.get_by_role("alert")).to_contain_text("Choisissez au moins une rubrique")  # no scope ticked
    page.locator("#scope-vaccinations").check()
    page.locator("#caregiver-invite").click()
    expect(page.locator("#caregiver-list")).to_contain_text("Nina Nounou")
    expect(page.locator("#caregiver-list")).to_contain_text("Vaccinations")
    assert_no_horizontal_scroll(page)
    page.goto(live_server + "/who-can-see")
    expect(page.locator("#who-can-see")).to_contain_text("Nina Nounou")
    expect(page.locator("#who-can-see")).to_contain_text("Dr")  # the demo GP is in the care team
    assert_no_horizontal_scroll(page)
    page.context.clear_cookies()

    # The caregiver sees Léa's vaccinations, read-only, and not her conditions.
    log_in(page, live_server, nanny_email, NANNY_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Nina Nounou")
    switch_to(page, "Léa")
    page.goto(live_server + "/record/vaccinations")
    expect(page.locator("#list-vaccinations")).to_contain_text("Vaxelis")
    expect(page.locator("#add-vaccinations")).to_have_count(0)
    expect(page.get_by_role("button", name="Modifier")).to_have_count(0)
    expect(page.get_by_role("button", name="Supprimer")).to_have_count(0)
    page.goto(live_server + "/record/conditions")
    expect(page.get_by_text("Non partagé avec vous.").first).to_be_visible()
    expect(page.get_by_text("Introuvable.")).to_have_count(0)
    expect(page.locator("#list-conditions")).to_have_count(0)
    page.goto(live_server + "/caregivers")
    expect(page.locator("#caregiver-email")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    page.context.clear_cookies()

    # The parent revokes it from "who can see my record"; the caregiver then sees nothing.
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    page.goto(live_server + "/who-can-see")
    page.locator(".caregiver-revoke").first.click()
    page.locator("#confirm-revoke").click()
    expect(page.locator("#who-can-see")).not_to_contain_text("Nina Nounou")
    page.context.clear_cookies()

    log_in(page, live_server, nanny_email, NANNY_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Nina Nounou")
    expect(page.locator("#profile-switcher option", has_text="Léa")).to_have_count(0)
