"""Forgotten password on a phone (390×844), against the production build and a real SMTP
server (aiosmtpd, the ``mailbox`` fixture): the person taps « Mot de passe oublié ? », gets
the mail, opens the link, chooses a new password and logs in with it; the old password no
longer works and a session opened before on another phone is over. A failed login keeps the
address in the field."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import _localhost_only, assert_no_horizontal_scroll
from tests.e2e.registration import register_and_activate
from tests.e2e.test_journeys import log_in
from tests.smtp import Mailbox, reset_link_in

pytestmark = pytest.mark.e2e

OLD_PASSWORD = "Confiture-Mamie-2026"
NEW_PASSWORD = "Brioche-au-Miel-2027"


def register(page: Page, base: str, email: str, mailbox: Mailbox) -> None:
    register_and_activate(page, base, mailbox, email=email, password=OLD_PASSWORD, given_name="Inès",
                          family_name="Garnier", birth_date="1984-06-12")


# A text field's tap area is its Radix box (the <input> inside is 2 px smaller: the border).
FIELD_BOX = "{} >> xpath=ancestor::div[contains(@class, 'rt-TextFieldRoot')][1]"


def assert_tap_target(page: Page, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None and box["height"] >= 44, f"{selector} is {box and box['height']} px high"


def other_phone(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="fr-FR")
    context.route("**/*", _localhost_only)
    return context.new_page()


def test_forgotten_password_by_mail_ends_the_other_sessions(
    live_server: str, browser_page: Page, browser: Browser, mailbox: Mailbox
) -> None:
    page = browser_page
    email = f"ines.{uuid.uuid4().hex[:8]}@example.org"
    register(page, live_server, email, mailbox)

    # Another phone is logged in with the old password.
    other = other_phone(browser)
    try:
        log_in(other, live_server, email, OLD_PASSWORD)
        expect(other.locator("#active-profile-name")).to_have_text("Inès Garnier")

        # A failed login keeps the address; the person taps « Mot de passe oublié ? ».
        log_in(page, live_server, email, "Pas-le-bon-2026")
        expect(page.locator("#login-error")).to_contain_text("E-mail ou mot de passe incorrect")
        expect(page.locator("#email")).to_have_value(email)
        assert email not in page.url
        assert_tap_target(page, "#forgot-link")
        page.locator("#forgot-link").click()
        expect(page).to_have_url(re.compile(r"/forgot-password"))
        expect(page.locator("#forgot-email")).to_have_value(email)
        for target in (FIELD_BOX.format("#forgot-email"), "#forgot-submit", "#forgot-back"):
            assert_tap_target(page, target)
        assert_no_horizontal_scroll(page)
        page.locator("#forgot-submit").click()
        expect(page.locator("#forgot-sent")).to_contain_text("Si un compte MES utilise cette adresse")
        assert email not in page.url
        assert_no_horizontal_scroll(page)

        # The mail arrives; its link opens the new-password form (the secret leaves the URL).
        message = mailbox.wait_for(email, count=2)  # the first one was the activation mail
        assert message["Subject"] == "MES : choisir un nouveau mot de passe"
        link = reset_link_in(message)
        assert link.startswith(live_server + "/api/password-reset?t=")
        page.goto(link)
        expect(page).to_have_url(re.compile(r"/reset-password/?$"))
        secret = link.split("t=", 1)[1]
        assert secret not in page.url
        assert not [c for c in page.context.cookies() if secret in c["value"] and not c["httpOnly"]]
        assert_no_horizontal_scroll(page)

        # Two different passwords: refused, the form comes back.
        page.locator("#new-password").fill(NEW_PASSWORD)
        page.locator("#new-password-confirm").fill(NEW_PASSWORD + "x")
        page.locator("#reset-submit").click()
        expect(page.locator("#reset-error")).to_contain_text("Les deux mots de passe diffèrent")

        for target in (FIELD_BOX.format("#new-password"), FIELD_BOX.format("#new-password-confirm"), "#reset-submit"):
            assert_tap_target(page, target)
        page.locator("#new-password").fill(NEW_PASSWORD)
        page.locator("#new-password-confirm").fill(NEW_PASSWORD)
        page.locator("#reset-submit").click()
        expect(page).to_have_url(re.compile(r"/login/?\?reset=1"))
        expect(page.get_by_text("Mot de passe changé")).to_be_visible()

        # The old password no longer works, the new one does.
        log_in(page, live_server, email, OLD_PASSWORD)
        expect(page.locator("#login-error")).to_contain_text("E-mail ou mot de passe incorrect")
        log_in(page, live_server, email, NEW_PASSWORD)
        expect(page.locator("#active-profile-name")).to_have_text("Inès Garnier")

        # The other phone's session is over.
        other.goto(live_server + "/")
        expect(other).to_have_url(re.compile(r"/login"))

        # The link served once.
        page.goto(link)
        expect(page.locator("#reset-invalid")).to_be_visible()
        assert_tap_target(page, "#reset-ask-again")
        assert_no_horizontal_scroll(page)
    finally:
        other.context.close()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    live_server: str, browser_page: Page, mailbox: Mailbox
) -> None:
    page = browser_page
    nobody = f"personne.{uuid.uuid4().hex[:8]}@example.org"
    page.goto(live_server + "/forgot-password")
    page.locator("#forgot-email").fill(nobody)
    page.locator("#forgot-submit").click()
    expect(page.locator("#forgot-sent")).to_contain_text("Si un compte MES utilise cette adresse")
    page.wait_for_timeout(1000)
    assert mailbox.to(nobody) == []


def test_the_password_pages_fit_a_360_px_phone(live_server: str, browser_page: Page) -> None:
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    for path, visible in (("/login", "#forgot-link"), ("/forgot-password", "#forgot-submit"),
                          ("/reset-password", "#reset-submit"), ("/reset-password?status=invalid", "#reset-invalid")):
        page.goto(live_server + path)
        expect(page.locator(visible)).to_be_visible()
        assert_no_horizontal_scroll(page)
