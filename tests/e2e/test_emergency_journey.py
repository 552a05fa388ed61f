"""The emergency card on a phone (390×844, headless Chromium), against the production build: the
demo parent makes Hugo's card with his allergies only; someone without an account (a fresh
browser context) opens the link, says who they are, sees the peanut allergy and not his asthma;
the parent turns the card off and the link shows nothing."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_documents_journey import PARENT
from tests.e2e.test_journeys import log_in, switch_to

pytestmark = pytest.mark.e2e


def test_parent_makes_an_emergency_card_a_stranger_opens_it_then_it_is_turned_off(
    live_server: str, browser_page: Page
) -> None:
    page = browser_page
    run = uuid.uuid4().hex[:6]
    opener = f"Jean Secours {run}"

    log_in(page, live_server, *PARENT)
    switch_to(page, "Hugo")
    page.goto(live_server + "/emergency-card")
    expect(page.locator("#card-save")).to_be_visible(timeout=15_000)
    expect(page.locator("#card-is-off")).to_be_visible()
    page.locator("#card-risk_factors").check()
    page.locator("#card-treatments").uncheck()
    page.locator("#card-conditions").uncheck()
    page.locator("#card-blood_group").fill("A+")
    page.locator("#card-save").click()
    expect(page.locator("#emergency-wallet svg")).to_be_visible(timeout=15_000)
    expect(page.locator("#card-badge")).to_be_visible()
    url = page.locator("#card-url").input_value()
    assert re.fullmatch(re.escape(live_server) + r"/urgence\?k=[A-Za-z0-9_-]{43}", url)
    assert_no_horizontal_scroll(page)

    # Printing shows the wallet card alone, top left, whole (not clipped by its on-screen card).
    page.emulate_media(media="print")
    box = page.locator("#emergency-wallet").bounding_box()
    assert box is not None and box["x"] == 0 and box["y"] == 0 and box["width"] > 250
    assert page.locator("#card-url").evaluate("e => getComputedStyle(e).visibility") == "hidden"
    page.emulate_media(media="screen")

    visitor_context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                                       has_touch=True, locale="fr-FR")
    try:
        visitor = visitor_context.new_page()
        visitor.goto(url)
        expect(visitor.locator("#opener-name")).to_be_visible(timeout=15_000)
        expect(visitor.locator("body")).not_to_contain_text("Arachide")  # nothing before saying who you are
        expect(visitor.locator("body")).not_to_contain_text("Hugo")
        visitor.locator("#opener-name").fill(opener)
        visitor.locator("#opener-role").fill("pompier")
        visitor.locator("#opener-submit").click()
        shown = visitor.locator("#card-open")
        expect(shown).to_contain_text("Arachide", timeout=15_000)
        expect(shown).to_contain_text("Hugo")
        expect(shown).to_contain_text("A+")
        expect(visitor.locator("body")).not_to_contain_text("Asthme")
        expect(visitor.locator("body")).not_to_contain_text("Ventoline")
        assert_no_horizontal_scroll(visitor)

        # the parent sees the opening: on the home page and in the access history
        page.goto(live_server + "/")
        expect(page.locator("body")).to_contain_text(f"{opener} (pompier)", timeout=15_000)
        page.goto(live_server + "/access-history")
        expect(page.locator("body")).to_contain_text(f"{opener} (pompier)", timeout=15_000)

        # the parent turns the card off (with a confirmation)
        page.goto(live_server + "/emergency-card")
        page.locator("#card-off").click()
        page.locator("#confirm-card").click()
        expect(page.locator("#card-is-off")).to_be_visible(timeout=15_000)

        visitor.reload()
        expect(visitor.locator("#card-refusal")).to_contain_text("désactivée", timeout=15_000)
        expect(visitor.locator("body")).not_to_contain_text("Arachide")
        expect(visitor.locator("#opener-name")).to_have_count(0)
    finally:
        visitor_context.close()
