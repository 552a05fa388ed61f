"""A parent adds a weight for the infant on a phone (390×844) and sees the chart update."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, switch_to

pytestmark = pytest.mark.e2e

PLOT = "#measures-chart .js-plotly-plot"


def _plotted_weights(page: Page) -> list[float]:
    return page.evaluate(
        """(sel) => { const gd = document.querySelector(sel);
             return gd && gd.data ? gd.data.filter(t => t.meta && t.meta.role === 'series').flatMap(t => t.y) : []; }""",
        PLOT,
    )


def test_parent_adds_a_weight_for_the_infant_and_the_chart_updates(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    expect(page.locator("#active-profile-name")).to_have_text("Léa Martin")

    page.get_by_role("link", name="Dossier").first.click()
    page.locator("#record-link-measures").click()
    expect(page).to_have_url(re.compile(r"/measures"))
    expect(page.locator("#chart-kind")).to_have_value("weight")
    expect(page.locator(PLOT + " .main-svg").first).to_be_visible()
    expect(page.locator("#chart-note")).to_contain_text("OMS")  # WHO growth curves for an infant
    expect(page.locator("#chart-status")).to_be_visible()  # her percentile, in words
    before = _plotted_weights(page)
    assert before and 9.37 not in before
    box = page.locator(PLOT).bounding_box()
    assert box is not None and box["width"] <= 390
    assert_no_horizontal_scroll(page)

    # An impossible weight is refused with its limit, and nothing is added.
    page.locator("#add-measure").click()
    expect(page.locator("#measure-kind")).to_have_value("weight")
    assert page.locator("#measure-value").get_attribute("inputmode") == "decimal"
    page.locator("#measure-value").fill("900")
    page.locator("#measure-save").click()
    expect(page.locator("#measure-form-error")).to_contain_text("500")

    # A real one (French decimal comma), dated now by default.
    page.locator("#measure-value").fill("9,37")
    page.locator("#measure-save").click()
    expect(page.locator("#measure-form-error")).to_have_count(0)
    expect(page.locator("#chart-latest")).to_have_text(re.compile(r"9,37\s*kg"))
    expect(page.locator("#card-weight")).to_contain_text("9,37")
    expect(page.locator("#measure-entries")).to_contain_text("9,37 kg")
    page.wait_for_function(
        """(sel) => { const gd = document.querySelector(sel);
             return gd && gd.data && gd.data.some(t => t.y && t.y.includes(9.37)); }""",
        arg=PLOT,
    )
    assert _plotted_weights(page)[-1] == 9.37
    assert_no_horizontal_scroll(page)

    # Another range redraws the chart; the page still fits the phone.
    page.locator("#range-1m").click()
    expect(page.locator("#range-1m")).to_have_class(re.compile(r"rt-variant-solid"))
    expect(page.locator("#range-1y")).to_have_class(re.compile(r"rt-variant-soft"))
    page.wait_for_function("(sel) => { const gd = document.querySelector(sel); return gd && gd.data; }", arg=PLOT)
    assert 9.37 in _plotted_weights(page)
    assert_no_horizontal_scroll(page)
