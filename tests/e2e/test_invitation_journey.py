"""Becoming a co-guardian takes the invitee's consent (security issue 9), on a phone (390×844):
the demo parent invites a new account to co-manage Léa; that person logs in, sees the
invitation (the inviter's name and Léa's first name, no health data), cannot reach Léa before
accepting, accepts in a confirmation dialog, and then sees Léa's record."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.registration import register_and_activate
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, switch_to
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e

JEANNE_PASSWORD = "Confiture-Mamie-2026"
# Léa's record in the demo seed: none of it may show before acceptance.
LEA_HEALTH_WORDS = ("Vaxelis", "Rotarix", "Pénicilline")


def register(page: Page, base: str, email: str, mailbox: Mailbox) -> None:
    register_and_activate(
        page,
        base,
        mailbox,
        email=email,
        password=JEANNE_PASSWORD,
        given_name="Jeanne",
        family_name="Roux",
        birth_date="1962-02-02",
    )


def assert_tap_target(page: Page, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None and box["height"] >= 44, f"{selector} is {box and box['height']} px high"


def test_a_parent_invites_a_co_guardian_who_accepts_and_then_sees_the_child(
    live_server: str, browser_page: Page, mailbox: Mailbox
) -> None:
    page = browser_page
    jeanne_email = f"jeanne.{uuid.uuid4().hex[:8]}@example.org"
    register(page, live_server, jeanne_email, mailbox)

    # The parent invites her to co-manage Léa, from the profiles page.
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    page.goto(live_server + "/profiles")
    page.locator("#guardian-email").fill(jeanne_email)
    expect(page.locator("#invite-role-co_guardian")).to_be_checked()
    page.locator("#invite-submit").click()
    expect(page.locator("#invite-notice")).to_contain_text("Si cette adresse a un compte MES")
    expect(page.locator("#sent-invitations")).to_contain_text(jeanne_email)
    assert_tap_target(page, ".invitation-cancel")
    assert_no_horizontal_scroll(page)
    # An address without an account gets exactly the same answer.
    page.locator("#guardian-email").fill(f"personne.{uuid.uuid4().hex[:8]}@example.org")
    page.locator("#invite-submit").click()
    expect(page.locator("#sent-invitations .invitation-cancel")).to_have_count(2)
    expect(page.locator("#invite-notice")).to_contain_text("Si cette adresse a un compte MES")
    page.context.clear_cookies()

    # Jeanne logs in: a pointer on the home page, the invitation on the profiles page, no health data.
    log_in(page, live_server, jeanne_email, JEANNE_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Jeanne Roux")
    expect(page.locator("#home-invitations")).to_be_visible()
    expect(page.locator("#profile-switcher option", has_text="Léa")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    page.locator("#home-invitations-link").click()
    expect(page).to_have_url(re.compile(r"/profiles"))
    received = page.locator("#received-invitations")
    expect(received).to_contain_text("Camille Martin vous invite à gérer le profil de Léa à ses côtés")
    body = page.locator("body").inner_text()
    for word in LEA_HEALTH_WORDS:
        assert word not in body
    assert "Léa Martin" not in body  # her first name only
    expect(page.locator("#profile-list")).not_to_contain_text("Léa")
    assert_tap_target(page, ".invitation-accept")
    assert_tap_target(page, ".invitation-decline")
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 390, "height": 844})

    # Before accepting, Léa's record is out of reach even by address.
    page.goto(live_server + "/record/vaccinations")
    expect(page.locator("#active-profile-name, h1").first).to_be_visible()
    for word in LEA_HEALTH_WORDS:
        expect(page.locator("body")).not_to_contain_text(word)

    # She accepts in the confirmation dialog, and Léa is hers to see.
    page.goto(live_server + "/profiles")
    page.locator(".invitation-accept").first.click()
    expect(page.locator("#invite-confirm-text")).to_contain_text("tout le dossier de santé de Léa")
    assert_no_horizontal_scroll(page)
    page.locator("#invite-confirm").click()
    expect(page.get_by_text("Invitation acceptée")).to_be_visible()
    expect(page.locator("#received-invitations")).to_have_count(0)
    expect(page.locator("#profile-list")).to_contain_text("Léa Martin")
    switch_to(page, "Léa")
    page.goto(live_server + "/record/vaccinations")
    expect(page.locator("#list-vaccinations")).to_contain_text("Vaxelis")
    assert_no_horizontal_scroll(page)
    page.context.clear_cookies()

    # The parent sees Jeanne among Léa's guardians; one invitation is still pending, she cancels it.
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    page.goto(live_server + "/profiles")
    expect(page.locator("body")).to_contain_text("Jeanne Roux")
    expect(page.locator("#sent-invitations .invitation-cancel")).to_have_count(1)
    page.locator(".invitation-cancel").first.click()
    expect(page.locator("#invite-confirm-text")).to_contain_text("ne pourra plus l'accepter")
    page.locator("#invite-confirm").click()
    expect(page.get_by_text("Invitation annulée.")).to_be_visible()
    expect(page.locator("#sent-invitations")).to_have_count(0)
    assert_no_horizontal_scroll(page)
