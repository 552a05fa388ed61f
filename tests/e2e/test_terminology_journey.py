"""Coding real life on a phone (390×844): a hospital stay and a disability get a code, not "non codé"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, switch_to

pytestmark = pytest.mark.e2e


def test_parent_codes_a_hospital_stay_and_a_disability(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Hugo")
    page.goto(live_server + "/record/hospitalisations")

    # "hospitalisation pour …" as people say it: the reason is found and coded in ICD-10.
    page.locator("#add-hospitalisations").click()
    page.get_by_test_id("coded-input").fill("hospitalisation pour fracture du poig")
    page.locator("#code-suggestions").get_by_role("button").first.click()
    expect(page.locator("#picked-code")).to_contain_text("Fracture du poignet")
    page.locator("input[name=admitted_on]").fill("2024-03-10")
    page.locator("#form-save").click()
    stays = page.locator("#list-hospitalisations")
    expect(stays).to_contain_text("Fracture du poignet")
    expect(stays).to_contain_text("CIM-10 S52.5")

    page.locator("#add-handicaps").click()
    page.get_by_test_id("coded-input").fill("surdit")
    page.locator("#code-suggestions").get_by_role("button").first.click()
    expect(page.locator("#picked-code")).to_contain_text("Surdité")
    page.locator("#form-save").click()
    expect(page.locator("#list-handicaps")).to_contain_text("CIM-10 H91.9")
