"""Secure messaging on a phone (390×844): the demo GP starts a thread about Léa, the demo parent
sees the unread badge, opens the thread (script shown as text) and replies."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in

pytestmark = pytest.mark.e2e

DOCTOR_EMAIL = "medecin@demo.mes"
DOCTOR_PASSWORD = "Demo-medecin-2026"


def test_the_doctor_starts_a_thread_and_the_parent_replies(live_server: str, browser_page: Page) -> None:
    page = browser_page
    subject = f"Rappel vaccin {uuid.uuid4().hex[:6]}"
    evil = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> Bonjour'

    # The GP writes about Léa.
    log_in(page, live_server, DOCTOR_EMAIL, DOCTOR_PASSWORD)
    expect(page.locator("#profile-switcher")).to_be_visible()
    page.goto(live_server + "/messages")
    page.locator("#message-new").click()
    profile = page.locator("#message-profile")
    profile.select_option(profile.locator("option", has_text="Léa").get_attribute("value"))
    page.locator("#message-subject").fill(subject)
    page.locator("#message-body").fill(evil)
    page.locator("#message-start").click()
    expect(page).to_have_url(re.compile(r"/messages/thread\?id=\d+"))
    expect(page.locator("#thread-subject")).to_have_text(subject)
    expect(page.locator(".message-body").last).to_have_text(evil)
    assert page.evaluate("window.__pwned") is None
    assert_no_horizontal_scroll(page)

    # The parent sees a badge, opens the thread, sees the script as text and replies.
    page.context.clear_cookies()
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    badge = page.locator("#unread-badge")
    expect(badge).to_have_text(re.compile(r"^[1-9]\d*$"))
    before = int(badge.inner_text())
    page.locator("#messages-bell").click()
    expect(page).to_have_url(re.compile(r"/messages$"))
    card = page.locator(".thread-link", has_text=subject)
    expect(card).to_contain_text("Léa")
    expect(card.locator(".thread-unread")).to_have_text("1")
    expect(page.locator("#message-new")).to_have_count(0)  # a parent cannot start a thread
    assert_no_horizontal_scroll(page)
    card.click()
    expect(page.locator("#thread-subject")).to_have_text(subject)
    expect(page.locator(".message-body").first).to_have_text(evil)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#message-list script").count() == 0
    assert page.locator("#message-list img").count() == 0
    # reading it clears this thread from the badge
    if before == 1:
        expect(page.locator("#unread-badge")).to_have_count(0)
    else:
        expect(page.locator("#unread-badge")).to_have_text(str(before - 1))

    send = page.locator("#reply-send")
    box = send.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert box["y"] + box["height"] <= 844  # the composer is on screen, above the bottom bar
    page.locator("#reply-body").fill("Merci docteur, on prend rendez-vous.")
    send.click()
    bodies = page.locator(".message-body")
    expect(bodies).to_have_count(2)
    expect(bodies.last).to_have_text("Merci docteur, on prend rendez-vous.")
    expect(page.locator("#reply-body")).to_have_value("")
    assert_no_horizontal_scroll(page)

    # The doctor sees the reply as unread.
    page.context.clear_cookies()
    log_in(page, live_server, DOCTOR_EMAIL, DOCTOR_PASSWORD)
    expect(page.locator("#unread-badge")).to_have_text(re.compile(r"^[1-9]\d*$"))
    page.goto(live_server + "/messages")
    expect(page.locator(".thread-link", has_text=subject)).to_contain_text("Merci docteur")
