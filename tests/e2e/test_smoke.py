"""Smoke test: the production build loads on a phone-sized screen."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll

pytestmark = pytest.mark.e2e


def test_home_page_loads(live_server: str, browser_page: Page) -> None:
    response = browser_page.goto(live_server + "/")
    assert response is not None and response.ok
    # Placeholder app (title "MesApp | Index", text "MES"): update with the real home page.
    assert "MES" in browser_page.title().upper()
    expect(browser_page.get_by_text("MES", exact=True)).to_be_visible()
    assert_no_horizontal_scroll(browser_page)


def test_the_tab_title_follows_the_language(live_server: str, browser_page: Page) -> None:
    browser_page.goto(live_server + "/login")
    expect(browser_page).to_have_title("MES · Connexion")
    expect(browser_page.locator("html")).to_have_attribute("lang", "fr")
    browser_page.context.add_cookies([{"name": "mes_lang", "value": "en", "url": live_server}])
    browser_page.goto(live_server + "/forgot-password")
    expect(browser_page).to_have_title("MES · Forgotten password")
    expect(browser_page.locator("html")).to_have_attribute("lang", "en")  # what a screen reader reads
    expect(browser_page.get_by_text("Forgotten password").first).to_be_visible()
