"""What a parent does on a phone (390×844, headless Chromium), against the production build."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll

pytestmark = pytest.mark.e2e

PARENT_EMAIL, PARENT_PASSWORD = "parent@demo.mes", "Demo-parent-2026"


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#login-submit").click()


def log_out(page: Page) -> None:
    page.locator("form[action='/api/logout'] button").click()
    expect(page).to_have_url(re.compile(r"/login"))


_last_step: dict[str, int] = {}


def _unused_code(email: str, secret: str) -> str:
    """The current code, once the 30-second step the account last signed in with is over.

    The server refuses a code from a step already used (replay protection), so an account that
    signs in twice within one step (two tests sharing a module's operator) must wait for the next."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(datetime.now(UTC))
    if _last_step.get(email, -1) >= step:
        time.sleep((step + 1) * totp.interval - time.time() + 0.2)
        step = totp.timecode(datetime.now(UTC))
    _last_step[email] = step
    return totp.at(step * totp.interval)


def log_in_with_code(page: Page, base: str, email: str, password: str, secret: str) -> None:
    """Two-step sign-in (operators, professionals): the password, then the current TOTP code."""
    log_in(page, base, email, password)
    expect(page).to_have_url(re.compile(r"/login/code/?$"))
    page.locator("#login-code").fill(_unused_code(email, secret))
    page.locator("#code-submit").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def switch_to(page: Page, given_name: str) -> None:
    switcher = page.locator("#profile-switcher")
    expect(switcher.locator("option", has_text=given_name)).to_have_count(1)
    value = switcher.locator("option", has_text=given_name).get_attribute("value")
    switcher.select_option(value)
    expect(page.locator("#profile-switcher")).to_have_value(value)


def test_a_wrong_password_gets_a_clear_message_and_no_session(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, "not-the-password")
    expect(page.locator("#login-error")).to_contain_text("E-mail ou mot de passe incorrect")
    assert "/login" in page.url
    assert "not-the-password" not in page.url
    assert not [c for c in page.context.cookies() if c["name"] == "mes_session"]
    assert_no_horizontal_scroll(page)


def test_parent_switches_to_the_infant_and_sees_her_vaccinations(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    cookie = next(c for c in page.context.cookies() if c["name"] == "mes_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert_no_horizontal_scroll(page)

    switch_to(page, "Léa")
    expect(page.locator("#active-profile-name")).to_have_text("Léa Martin")

    page.get_by_role("link", name="Dossier").first.click()
    page.locator("#record-link-vaccinations").click()
    expect(page).to_have_url(re.compile(r"/record/vaccinations"))
    vaccines = page.locator("#list-vaccinations")
    expect(vaccines).to_contain_text("Vaxelis")
    expect(vaccines).to_contain_text("Rotarix")
    expect(vaccines).not_to_contain_text("Infanrix Hexa")  # Hugo's, not Léa's
    assert_no_horizontal_scroll(page)

    for path in ("/", "/history", "/record", "/record/risk_factors", "/profiles"):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        assert_no_horizontal_scroll(page)


def test_parent_adds_a_coded_condition_for_the_teenager(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Hugo")
    page.goto(live_server + "/record/conditions")
    page.locator("#add-conditions").click()
    page.get_by_test_id("coded-input").fill("migrai")
    page.locator("#code-suggestions").get_by_role("button").first.click()
    expect(page.locator("#picked-code")).to_contain_text("Migraine")
    page.locator("input[name=onset_date]").fill("2025-09-01")
    page.locator("#form-save").click()
    expect(page.locator("#list-conditions")).to_contain_text("Migraine")
    expect(page.locator("#list-conditions")).to_contain_text("SNOMED CT")

    # A date in the future is refused with a clear message, and nothing is added.
    page.locator("#add-conditions").click()
    page.get_by_test_id("coded-input").fill("Entorse du poignet")
    page.locator("input[name=onset_date]").fill("2099-01-01")
    page.locator("#form-save").click()
    expect(page.locator("#form-error")).to_contain_text("futur")
    page.keyboard.press("Escape")
    expect(page.locator("#list-conditions")).not_to_contain_text("Entorse du poignet")


def test_log_out_returns_to_the_login_page(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_text("Vous êtes déconnecté")).to_be_visible()
    page.goto(live_server + "/")
    expect(page).to_have_url(re.compile(r"/login"))
