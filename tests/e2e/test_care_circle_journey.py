"""The care circle on a phone (390×844): the demo parent invites a new caregiver to see Léa's
vaccinations (the same answer as for an address without an account, which she cancels); the
caregiver sees nothing of Léa before accepting the invitation in the confirmation dialog, then
sees the vaccinations read-only and nothing else; then the parent revokes the access."""

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

NANNY_PASSWORD = "Biberon-Tartine-2026"


def register(page: Page, base: str, email: str, mailbox: Mailbox) -> None:
    register_and_activate(
        page,
        base,
        mailbox,
        email=email,
        password=NANNY_PASSWORD,
        given_name="Nina",
        family_name="Nounou",
        birth_date="1995-04-02",
    )


def test_parent_shares_vaccinations_with_a_caregiver_then_revokes(
    live_server: str, browser_page: Page, mailbox: Mailbox
) -> None:
    page = browser_page
    nanny_email = f"nina.{uuid.uuid4().hex[:8]}@example.org"
    register(page, live_server, nanny_email, mailbox)

    # The parent invites her as caregiver of Léa, for vaccinations only.
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    page.goto(live_server + "/record")
    page.locator("#record-link-caregivers").click()
    expect(page).to_have_url(re.compile(r"/caregivers"))
    page.locator("#caregiver-email").fill(nanny_email)
    page.locator("#caregiver-invite").click()
    expect(page.get_by_role("alert")).to_contain_text("Choisissez au moins une rubrique")  # no scope ticked
    page.locator("#scope-vaccinations").check()
    page.locator("#caregiver-invite").click()
    expect(page.locator("#caregiver-notice")).to_contain_text("Si cette adresse a un compte MES")
    expect(page.locator("#caregiver-pending")).to_contain_text(nanny_email)
    expect(page.locator("#caregiver-pending")).to_contain_text("Vaccinations")
    expect(page.locator("body")).not_to_contain_text("Nina Nounou")  # the address does not name its account
    assert_no_horizontal_scroll(page)
    # An address without an account gets exactly the same answer; the parent cancels that one.
    nobody = f"personne.{uuid.uuid4().hex[:8]}@example.org"
    page.locator("#caregiver-email").fill(nobody)
    page.locator("#scope-vaccinations").check()
    page.locator("#caregiver-invite").click()
    expect(page.locator("#caregiver-pending .caregiver-cancel")).to_have_count(2)
    expect(page.locator("#caregiver-notice")).to_contain_text("Si cette adresse a un compte MES")
    box = page.locator(".caregiver-cancel").first.bounding_box()
    assert box is not None and box["height"] >= 44
    page.locator("#caregiver-pending .rt-Card").filter(has_text=nobody).locator(".caregiver-cancel").click()
    expect(page.locator("#caregiver-confirm-text")).to_contain_text(nobody)
    page.locator("#confirm-revoke").click()
    expect(page.locator("#caregiver-pending .caregiver-cancel")).to_have_count(1)
    expect(page.locator("#caregiver-pending")).not_to_contain_text(nobody)
    page.goto(live_server + "/who-can-see")
    expect(page.locator("#who-can-see")).to_contain_text("Dr")  # the demo GP is in the care team
    expect(page.locator("#who-can-see")).not_to_contain_text("Nina Nounou")
    page.context.clear_cookies()

    # The caregiver sees the invitation (Camille's name, Léa's first name) and nothing of Léa.
    log_in(page, live_server, nanny_email, NANNY_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Nina Nounou")
    expect(page.locator("#profile-switcher option", has_text="Léa")).to_have_count(0)
    page.locator("#home-invitations-link").click()
    expect(page).to_have_url(re.compile(r"/profiles"))
    expect(page.locator("#received-invitations")).to_contain_text(
        "Camille Martin vous invite à voir une partie du dossier de santé de Léa, en lecture seule."
    )
    body = page.locator("body").inner_text()
    assert "Vaxelis" not in body and "Léa Martin" not in body
    assert_no_horizontal_scroll(page)
    page.goto(live_server + "/record/vaccinations")  # her own, empty record: not Léa's
    expect(page.get_by_text("Rien d'enregistré ici pour l'instant.")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Vaxelis")

    # She accepts in the confirmation dialog; Léa is shared with her.
    page.goto(live_server + "/profiles")
    page.locator(".invitation-accept").first.click()
    expect(page.locator("#invite-confirm-text")).to_contain_text("en lecture seule")
    page.locator("#invite-confirm").click()
    expect(page.get_by_text("Invitation acceptée")).to_be_visible()
    expect(page.locator("#received-invitations")).to_have_count(0)

    # She sees Léa's vaccinations, read-only, and not her conditions.
    switch_to(page, "Léa")
    page.goto(live_server + "/record/vaccinations")
    expect(page.locator("#list-vaccinations")).to_contain_text("Vaxelis")
    expect(page.locator("#add-vaccinations")).to_have_count(0)
    expect(page.get_by_role("button", name="Modifier")).to_have_count(0)
    expect(page.get_by_role("button", name="Supprimer")).to_have_count(0)
    page.goto(live_server + "/record/conditions")
    expect(page.get_by_text("Non partagé avec vous.").first).to_be_visible()
    expect(page.get_by_text("Introuvable.")).to_have_count(0)
    expect(page.locator("#list-conditions")).to_have_count(0)
    page.goto(live_server + "/caregivers")
    expect(page.locator("#caregiver-email")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    page.context.clear_cookies()

    # The parent now lists her as a caregiver, and revokes it from "who can see my record".
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    page.goto(live_server + "/caregivers")
    expect(page.locator("#caregiver-list")).to_contain_text("Nina Nounou")
    expect(page.locator("#caregiver-list")).to_contain_text("Vaccinations")
    expect(page.locator("#caregiver-pending")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    page.goto(live_server + "/who-can-see")
    expect(page.locator("#who-can-see")).to_contain_text("Nina Nounou")
    page.locator(".caregiver-revoke").first.click()
    page.locator("#confirm-revoke").click()
    expect(page.locator("#who-can-see")).not_to_contain_text("Nina Nounou")
    page.context.clear_cookies()

    log_in(page, live_server, nanny_email, NANNY_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Nina Nounou")
    expect(page.locator("#profile-switcher option", has_text="Léa")).to_have_count(0)
