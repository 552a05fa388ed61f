"""Share by link on a phone (390×844, headless Chromium), against the production build: the demo
parent shares Hugo's summary with a passcode and one of two documents; a visitor without an
account (a fresh browser context) opens the link, gives the passcode, sees the allergy and the
shared document but not the other one; the parent revokes the link and the page shows nothing."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_documents_journey import PARENT, card, pdf, upload
from tests.e2e.test_journeys import log_in, switch_to

pytestmark = pytest.mark.e2e

PASSCODE = "soleil-2026"


def test_parent_shares_a_summary_by_link_then_revokes_it(live_server: str, browser_page: Page) -> None:
    page = browser_page
    run = uuid.uuid4().hex[:6]
    shared_title, private_title = f"Ordonnance allergo {run}", f"Bulletin scolaire {run}"
    label = f"Dr Lisbonne {run}"

    log_in(page, live_server, *PARENT)
    switch_to(page, "Hugo")
    page.goto(live_server + "/documents")
    upload(page, shared_title, pdf("shared " + run))
    upload(page, private_title, pdf("private " + run))

    # the share page: allergies + documents, a passcode
    page.goto(live_server + "/share")
    expect(page.locator("#share-create")).to_be_visible()
    for section in ("conditions", "treatments", "vaccinations"):
        page.locator(f"#share-sec-{section}").uncheck()
    page.locator("#share-sec-documents").check()
    page.locator("#share-passcode").fill(PASSCODE)
    page.locator("#share-label").fill(label)
    page.locator("#share-create").click()
    expect(page.locator("#share-qr svg")).to_be_visible(timeout=15_000)
    url = page.locator("#share-url").input_value()
    assert re.fullmatch(re.escape(live_server) + r"/s#shlink:/[A-Za-z0-9_-]+", url)
    assert_no_horizontal_scroll(page)

    # switch the first document on for this link (links are off by default)
    page.goto(live_server + "/documents")
    card(page, shared_title).locator(".document-sharing").click()
    link_switch = page.locator("#sharing-grantees label", has_text=label).get_by_role("switch")
    expect(link_switch).to_have_attribute("aria-checked", "false")
    link_switch.click()
    expect(link_switch).to_have_attribute("aria-checked", "true")
    page.locator("#sharing-close").click()

    # a visitor without an account, in a fresh browser context
    visitor_context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                                       has_touch=True, locale="fr-FR")
    try:
        visitor = visitor_context.new_page()
        visitor.goto(url)
        expect(visitor.locator("#link-passcode")).to_be_visible(timeout=15_000)
        expect(visitor.locator("body")).not_to_contain_text("Arachide")
        visitor.locator("#link-passcode").fill("pas-le-bon")
        visitor.locator("#link-open").click()
        expect(visitor.locator("#passcode-error")).to_contain_text("4")
        visitor.locator("#link-passcode").fill(PASSCODE)
        visitor.locator("#link-open").click()
        expect(visitor.locator("#summary-allergies")).to_contain_text("Arachide", timeout=15_000)
        expect(visitor.locator("#summary-identity")).to_contain_text("Hugo")
        documents = visitor.locator("#summary-documents")
        expect(documents).to_contain_text(shared_title)
        expect(documents).not_to_contain_text(private_title)
        expect(visitor.locator("#summary-problems")).to_have_count(0)  # not in the link's scope
        assert_no_horizontal_scroll(visitor)
        href = documents.get_by_role("link", name=shared_title).get_attribute("href")
        opened = visitor.request.get(live_server + href)
        assert opened.status == 200 and opened.body().startswith(b"%PDF-")
        # the document route without the ticket: nothing
        assert visitor.request.get(live_server + href.split("?")[0]).status == 404

        # the parent revokes the link (with a confirmation)
        page.goto(live_server + "/share")
        page.locator(".share-revoke").first.click()
        page.locator("#confirm-revoke").click()
        expect(page.locator("body")).to_contain_text("Retiré", timeout=15_000)

        visitor.reload()
        expect(visitor.locator("#link-refusal")).to_contain_text("retiré", timeout=15_000)
        expect(visitor.locator("body")).not_to_contain_text("Arachide")
        expect(visitor.locator("body")).not_to_contain_text(shared_title)
        assert visitor.request.get(live_server + href).status == 404
        # an unknown secret says "not found"
        visitor.goto(live_server + "/s?k=" + "A" * 43)
        expect(visitor.locator("#link-refusal")).to_contain_text("introuvable", timeout=15_000)
    finally:
        visitor_context.close()
