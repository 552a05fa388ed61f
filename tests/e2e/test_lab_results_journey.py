"""The demo parent types a lab report for her baby on a phone (390×844): one value out of range
is said in words ("Élevé") on the report page, and the test's page draws its trend."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, switch_to

pytestmark = pytest.mark.e2e

PLOT = "#lab-chart .js-plotly-plot"


def _pick(page: Page, query: str, name: str) -> None:
    page.locator("#lab-test-search").fill(query)
    page.locator(".lab-suggestion", has_text=name).first.click()
    expect(page.locator("#lab-picked")).to_contain_text(name)


def test_parent_enters_a_report_for_the_child_and_sees_high_and_the_trend(live_server: str,
                                                                          browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    switch_to(page, "Léa")
    expect(page.locator("#active-profile-name")).to_have_text("Léa Martin")
    page.get_by_role("link", name="Dossier").first.click()
    page.locator("#record-link-lab-results").click()
    expect(page).to_have_url(re.compile(r"/lab-results$"))
    assert_no_horizontal_scroll(page)

    page.locator("#add-lab-report").click()
    expect(page.locator("#lab-dialog")).to_be_visible()
    _pick(page, "ferritine", "Ferritine")  # typed without a capital
    page.locator("#lab-value").fill("8")
    page.locator("#lab-low").fill("15")
    page.locator("#lab-high").fill("150")
    page.locator("#lab-add-value").click()
    expect(page.locator("#lab-draft")).to_contain_text("Bas")
    _pick(page, "hemoglobine", "Hémoglobine")  # accents optional
    page.locator("#lab-value").fill("13,9")
    page.locator("#lab-low").fill("10,5")
    page.locator("#lab-high").fill("13,5")
    page.locator("#lab-add-value").click()
    expect(page.locator("#lab-draft .lab-flag", has_text="Élevé")).to_have_count(1)
    page.locator("#lab-lab_name").fill("Laboratoire des Lilas")
    assert_no_horizontal_scroll(page)
    page.locator("#lab-save").click()

    expect(page).to_have_url(re.compile(r"/lab-results/report\?id=\d+"))
    values = page.locator("#lab-values")
    expect(values).to_contain_text("Hémoglobine")
    expect(values.locator(".lab-flag", has_text="Élevé")).to_have_count(1)
    expect(values.locator(".lab-flag", has_text="Bas")).to_have_count(1)
    expect(values).to_contain_text("13,9")
    assert_no_horizontal_scroll(page)

    page.get_by_role("link", name=re.compile("Évolution : Hémoglobine")).click()
    expect(page).to_have_url(re.compile(r"/lab-results/test\?key=hemoglobin"))
    expect(page.locator("#lab-trend-title")).to_have_text("Hémoglobine")
    expect(page.locator(PLOT + " .main-svg").first).to_be_visible()
    page.wait_for_function(
        """(sel) => { const gd = document.querySelector(sel);
             return gd && gd.data && gd.data.some(t => t.y && t.y.includes(13.9)); }""",
        arg=PLOT,
    )
    shapes = page.evaluate("(sel) => document.querySelector(sel).layout.shapes.map(s => s.name)", PLOT)
    assert "reference" in shapes
    expect(page.locator("#lab-band")).to_contain_text("10,5 – 13,5")
    expect(page.locator("#lab-trend-values .lab-flag", has_text="Élevé")).to_have_count(1)
    box = page.locator(PLOT).bounding_box()
    assert box is not None and box["width"] <= 390
    assert_no_horizontal_scroll(page)


def test_the_demo_mother_switches_her_ldl_between_grams_and_millimoles(live_server: str,
                                                                       browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    page.goto(live_server + "/lab-results")
    expect(page.locator(".lab-report-link").first).to_be_visible()
    expect(page.locator(".lab-out-count").first).to_contain_text("hors normes")
    page.goto(live_server + "/lab-results/test?key=cholesterol_ldl")
    expect(page.locator("#lab-trend-title")).to_have_text("Cholestérol LDL (calculé)")
    expect(page.locator(PLOT + " .main-svg").first).to_be_visible()
    expect(page.locator(".lab-unit-toggle")).to_have_count(2)
    page.locator(".lab-unit-toggle", has_text="mmol/L").click()
    page.wait_for_function(
        """(sel) => { const gd = document.querySelector(sel);
             return gd && gd.data && gd.data.some(t => t.y && t.y.some(y => y > 4 && y < 4.5)); }""",
        arg=PLOT,
    )  # 1,64 g/L = 4,24 mmol/L
    expect(page.locator("#lab-band")).to_contain_text("mmol/L")
    assert_no_horizontal_scroll(page)
