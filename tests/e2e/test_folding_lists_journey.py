"""Lists that only grow, on a phone (390×844, headless Chromium, production build): revoked
share links fold away under « Liens révoqués ou expirés (n) », closed by default; an
emergency-card opening notice on the home page can be dismissed and stays dismissed."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_documents_journey import PARENT
from tests.e2e.test_journeys import log_in, switch_to

pytestmark = pytest.mark.e2e


def make_link(page: Page, label: str) -> None:
    page.locator("#share-label").fill(label)
    page.locator("#share-create").click()
    expect(page.locator("#share-qr svg")).to_be_visible(timeout=15_000)


def test_revoked_links_fold_away_closed_by_default(live_server: str, browser_page: Page) -> None:
    page = browser_page
    run = uuid.uuid4().hex[:6]
    kept, revoked = f"Kiné {run}", f"Ostéo {run}"
    log_in(page, live_server, *PARENT)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    page.goto(live_server + "/share")
    make_link(page, revoked)
    page.goto(live_server + "/share")
    make_link(page, kept)
    page.goto(live_server + "/share")
    current = page.locator("#share-current-links")
    expect(current).to_contain_text(revoked)
    current.locator("> *", has_text=revoked).locator(".share-revoke").click()
    page.locator("#confirm-revoke").click()

    expect(current).not_to_contain_text(revoked, timeout=15_000)
    expect(current).to_contain_text(kept)
    past = page.locator("#share-past-links")
    summary = page.locator("#share-past-summary")
    expect(summary).to_contain_text("Liens révoqués ou expirés (")
    assert past.evaluate("e => e.open") is False  # closed by default
    expect(past.get_by_text(revoked)).not_to_be_visible()
    assert summary.bounding_box()["height"] >= 44
    assert_no_horizontal_scroll(page)
    summary.click()
    expect(past.get_by_text(revoked)).to_be_visible()
    expect(past).to_contain_text("Retiré")
    expect(past.locator(".share-revoke")).to_have_count(0)
    assert_no_horizontal_scroll(page)


def test_an_emergency_opening_notice_can_be_dismissed(live_server: str, browser_page: Page) -> None:
    page = browser_page
    opener = f"Paul Secours {uuid.uuid4().hex[:6]}"
    log_in(page, live_server, *PARENT)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    page.goto(live_server + "/emergency-card")
    expect(page.locator("#card-save")).to_be_visible(timeout=15_000)
    page.locator("#card-save").click()
    expect(page.locator("#emergency-wallet svg")).to_be_visible(timeout=15_000)
    url = page.locator("#card-url").input_value()

    visitor_context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                                       has_touch=True, locale="fr-FR")
    try:
        visitor = visitor_context.new_page()
        visitor.goto(url)
        visitor.locator("#opener-name").fill(opener)
        visitor.locator("#opener-role").fill("infirmier")
        visitor.locator("#opener-submit").click()
        expect(visitor.locator("#card-open")).to_contain_text("Léa", timeout=15_000)
    finally:
        visitor_context.close()

    page.goto(live_server + "/")
    notice = page.locator(".reminder-line", has_text=opener)
    expect(notice).to_be_visible(timeout=15_000)
    dismiss = notice.locator(".reminder-dismiss")
    box = dismiss.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert_no_horizontal_scroll(page)
    dismiss.click()
    expect(page.locator(".reminder-line", has_text=opener)).to_have_count(0)
    page.reload()
    expect(page.locator("#active-profile-name")).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.locator("body")).not_to_contain_text(opener)
    # the access history keeps it
    page.goto(live_server + "/access-history")
    expect(page.locator("body")).to_contain_text(opener, timeout=15_000)
