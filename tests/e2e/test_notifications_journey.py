"""E-mail notification choices on a phone (390×844, issue 15 item 2): a person opens their
preferences from the security page, switches "new document" to the Monday digest and
"messages" off, reloads: the choices stay."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.registration import register_and_activate
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e

PASSWORD = "Des-nouvelles-2026"


def test_choose_a_weekly_digest_for_documents_and_no_mail_for_messages(
    live_server: str, browser_page: Page, mailbox: Mailbox
) -> None:
    page = browser_page
    email = f"nouvelles.{uuid.uuid4().hex[:8]}@example.org"
    register_and_activate(page, live_server, mailbox, email=email, password=PASSWORD, given_name="Inès",
                          family_name="Courrier", birth_date="1990-02-11")
    page.goto(live_server + "/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-submit").click()
    expect(page.locator("#active-profile-name")).to_be_visible()

    page.locator("#security-link").click()
    expect(page).to_have_url(re.compile(r"/account/security/?$"))
    page.locator("#notifications-link").click()
    expect(page).to_have_url(re.compile(r"/account/notifications/?$"))
    expect(page.locator("#notify-row-vaccination")).to_be_visible()
    assert_no_horizontal_scroll(page)

    messages = page.locator("#notify-on-message")
    expect(messages).to_have_attribute("aria-checked", "true")
    weekly = page.locator("#notify-weekly-document")
    box = weekly.bounding_box()
    assert box is not None and box["height"] >= 44
    weekly.click()
    expect(page.get_by_text("Choix enregistré").first).to_be_visible()
    messages.click()
    expect(messages).to_have_attribute("aria-checked", "false")
    expect(page.locator("#notify-cadence-message")).to_have_count(0)  # no cadence for a kind turned off

    page.reload()
    expect(page.locator("#notify-row-vaccination")).to_be_visible()
    expect(page.locator("#notify-on-message")).to_have_attribute("aria-checked", "false")
    expect(page.locator("#notify-weekly-document")).to_have_attribute("data-state", "on")
    expect(page.locator("#notify-immediate-document")).to_have_attribute("data-state", "off")
    expect(page.locator("#notify-on-document")).to_have_attribute("aria-checked", "true")
    assert_no_horizontal_scroll(page)
