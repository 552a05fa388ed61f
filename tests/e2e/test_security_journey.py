"""Account security on a phone (390×844, issue 15 item 3): a person turns two-step sign-in on
(the test computes the codes from the key shown), logs out, logs in with password + code, sees
their sessions and logs out everywhere.

Uses an account it registers itself: no other journey has a session of it (the sessions list
counts them) and it keeps two-step sign-in on afterwards."""

from __future__ import annotations

import re
import time
import uuid

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.registration import register_and_activate
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e

PASSWORD = "Deux-etapes-2026"


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-submit").click()


def wait_for_next_step(used_step: int) -> None:
    """A code of the step already used is refused (no replay): wait for the next one."""
    while int(time.time()) // 30 <= used_step:
        time.sleep(0.5)


def test_turn_on_two_step_sign_in_log_in_with_a_code_and_log_out_everywhere(
    live_server: str, browser_page: Page, mailbox: Mailbox
) -> None:
    page = browser_page
    email = f"deux.etapes.{uuid.uuid4().hex[:8]}@example.org"
    register_and_activate(page, live_server, mailbox, email=email, password=PASSWORD, given_name="Yasmine",
                          family_name="Prudente", birth_date="1988-06-15")
    log_in(page, live_server, email)
    expect(page.locator("#active-profile-name")).to_be_visible()

    page.locator("#security-link").click()
    expect(page).to_have_url(re.compile(r"/account/security/?$"))
    expect(page.locator("#tf-status-off")).to_be_visible()
    assert_no_horizontal_scroll(page)

    page.locator("#tf-start").click()
    expect(page.locator("#tf-qr")).to_be_visible()
    secret = page.locator("#tf-secret").inner_text().strip()
    assert len(secret) == 32
    assert_no_horizontal_scroll(page)
    totp = pyotp.TOTP(secret)
    page.locator("#tf-code").fill(totp.now())
    used_step = int(time.time()) // 30
    page.locator("#tf-confirm").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    expect(page.locator("#tf-status-on")).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.locator("#recovery-noted").click()
    expect(page.locator("#recovery-codes")).to_have_count(0)

    page.locator("form[action='/api/logout'] button").click()
    expect(page).to_have_url(re.compile(r"/login"))

    # the password alone opens no session: the code step comes first
    log_in(page, live_server, email)
    expect(page).to_have_url(re.compile(r"/login/code/?$"))
    assert not [c for c in page.context.cookies() if c["name"] == "mes_session"]
    assert_no_horizontal_scroll(page)
    page.locator("#login-code").fill("000000")
    page.locator("#code-submit").click()
    expect(page.locator("#code-error")).to_be_visible()
    wait_for_next_step(used_step)
    page.locator("#login-code").fill(totp.now())
    page.locator("#code-submit").click()
    expect(page.locator("#active-profile-name")).to_be_visible()

    page.goto(live_server + "/account/security")
    rows = page.locator("#session-list .session-row")
    expect(rows).to_have_count(1)  # the session logged out before is not listed
    expect(rows.first).to_contain_text("Cet appareil")
    expect(rows.first).to_contain_text("Chrome")
    assert_no_horizontal_scroll(page)

    page.locator("#logout-all").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Se déconnecter de tous les appareils")
    page.locator("#logout-all-confirm").click()
    expect(page).to_have_url(re.compile(r"/login/?\?bye=1"))
    page.goto(live_server + "/account/security")
    expect(page).to_have_url(re.compile(r"/login"))
