"""The pages still work under their Content-Security-Policy (headless Chromium, 390×844, the
production build): log in, home, record, documents (an upload: Reflex's ``call_script``),
measures (the chart), share (a link, its QR code) and the link page a visitor opens. Chromium
reports every CSP violation as a console message ("Refused to ... Content Security Policy"):
there must be none."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.test_documents_journey import PARENT, pdf, upload
from tests.e2e.test_journeys import log_in, switch_to

pytestmark = pytest.mark.e2e

CSP_WORDS = re.compile(r"Content[- ]Security[- ]Policy|Refused to", re.IGNORECASE)


def _watch(page: Page, seen: list[str]) -> None:
    def on_console(message: ConsoleMessage) -> None:
        seen.append(f"{page.url} [{message.type}] {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(f"{page.url} [pageerror] {error}"))


def _violations(seen: list[str]) -> list[str]:
    return [line for line in seen if CSP_WORDS.search(line)]


def test_every_page_works_under_its_csp_without_a_single_violation(live_server: str, browser_page: Page) -> None:
    page = browser_page
    seen: list[str] = []
    _watch(page, seen)
    run = uuid.uuid4().hex[:6]

    page.goto(live_server + "/login")
    expect(page.locator("#login-submit")).to_be_visible()
    log_in(page, live_server, *PARENT)  # a native form POST: Origin null + Sec-Fetch-Site same-origin
    expect(page.locator("#profile-switcher")).to_be_visible(timeout=15_000)
    assert urlpath(page.url) == "/"
    # a reload revalidates the cached page (304): it must keep working under its own CSP
    page.reload()
    expect(page.locator("#profile-switcher")).to_be_visible(timeout=15_000)

    page.goto(live_server + "/record")
    expect(page.locator("#profile-switcher")).to_be_visible(timeout=15_000)
    page.goto(live_server + "/record/vaccinations")
    expect(page.locator("#profile-switcher")).to_be_visible(timeout=15_000)
    switch_to(page, "Léa")
    page.goto(live_server + "/measures")
    expect(page.locator("#measures-chart .js-plotly-plot .main-svg").first).to_be_visible(timeout=20_000)
    switch_to(page, "Hugo")

    page.goto(live_server + "/documents")
    title = f"Sous CSP {run}"
    upload(page, title, pdf("csp " + run))  # XHR from an eval'd call_script

    page.goto(live_server + "/share")
    expect(page.locator("#share-create")).to_be_visible(timeout=15_000)
    page.locator("#share-label").fill(f"CSP {run}")
    page.locator("#share-create").click()
    expect(page.locator("#share-qr svg")).to_be_visible(timeout=15_000)
    url = page.locator("#share-url").input_value()

    visitor_context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                                       has_touch=True, locale="fr-FR")
    try:
        visitor = visitor_context.new_page()
        _watch(visitor, seen)
        visitor.goto(url)
        expect(visitor.locator("#summary-identity")).to_contain_text("Hugo", timeout=15_000)
        visitor.reload()
        expect(visitor.locator("#summary-identity")).to_contain_text("Hugo", timeout=15_000)
    finally:
        visitor_context.close()

    assert _violations(seen) == [], "\n".join(seen)


def urlpath(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path or "/"
