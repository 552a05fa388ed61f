"""What a caregiver and a professional see of someone else's record, on a 360 px phone
(headless Chromium, production build): what was shared, "not shared with you" for the rest,
never "Introuvable." over "Rien d'enregistré" or "Vous ne pouvez pas faire cela."; the doctor
sees whose record it is and a « Nouveau message » button inside the screen."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.registration import register_and_activate
from tests.e2e.test_care_circle_journey import NANNY_PASSWORD
from tests.e2e.test_documents_journey import DOCTOR
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, switch_to
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e

MISLEADING = ("Introuvable.", "Vous ne pouvez pas faire cela.", "Mon dossier")


def register(page: Page, base: str, email: str, mailbox: Mailbox) -> None:
    """A caregiver of her own name (the care-circle journey's "Nina Nounou" must stay unique)."""
    register_and_activate(
        page,
        base,
        mailbox,
        email=email,
        password=NANNY_PASSWORD,
        given_name="Zoé",
        family_name="Garde",
        birth_date="1996-02-03",
    )


def no_misleading_text(page: Page) -> None:
    for text in MISLEADING:
        expect(page.get_by_text(text, exact=True)).to_have_count(0)


def test_a_caregiver_sees_what_was_shared_and_not_shared_for_the_rest(
    live_server: str, browser_page: Page, mailbox: Mailbox
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 780})
    nanny_email = f"zoe.{uuid.uuid4().hex[:8]}@example.org"
    register(page, live_server, nanny_email, mailbox)

    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    page.goto(live_server + "/caregivers")
    page.locator("#caregiver-email").fill(nanny_email)
    page.locator("#scope-vaccinations").check()
    page.locator("#caregiver-invite").click()
    expect(page.locator("#caregiver-pending")).to_contain_text(nanny_email)
    page.context.clear_cookies()

    log_in(page, live_server, nanny_email, NANNY_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Zoé Garde")
    # the access starts when she accepts the invitation
    page.goto(live_server + "/profiles")
    page.locator(".invitation-accept").first.click()
    page.locator("#invite-confirm").click()
    expect(page.get_by_text("Invitation acceptée")).to_be_visible()
    page.goto(live_server + "/")
    switch_to(page, "Léa")
    expect(page.locator("#active-profile-name")).to_have_text("Léa Martin")
    # home: what was shared, and "not shared" where measures and history would be
    shared = page.locator("#home-shared")
    expect(shared).to_contain_text("Partagé avec vous")
    expect(shared.locator(".shared-section")).to_have_text(["Vaccinations"])
    expect(page.get_by_text("Les mesures ne sont pas partagées avec vous.")).to_be_visible()
    expect(page.get_by_text("L'histoire de santé n'est pas partagée avec vous.")).to_be_visible()
    expect(page.get_by_text("Aucune mesure enregistrée.")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    box = shared.locator(".shared-section").first.bounding_box()
    assert box["height"] >= 44

    # a section outside the scope: "not shared with you", no red error, no "nothing recorded"
    page.goto(live_server + "/record/conditions")
    expect(page.locator(".not-shared").first).to_contain_text("Non partagé avec vous.")
    expect(page.get_by_text("Rien d'enregistré ici pour l'instant.")).to_have_count(0)
    expect(page.locator("#add-conditions")).to_have_count(0)
    no_misleading_text(page)
    for path in ("/measures", "/documents", "/history"):
        page.goto(live_server + path)
        expect(page.locator(".not-shared").first).to_contain_text("Non partagé avec vous.")
        no_misleading_text(page)
        assert_no_horizontal_scroll(page)

    # the shared section still lists, read-only
    page.goto(live_server + "/record/vaccinations")
    expect(page.locator("#list-vaccinations")).to_contain_text("Vaxelis")
    expect(page.locator(".not-shared")).to_have_count(0)

    # the index: the record is Léa's, the other sections say "not shared", no sharing pages
    page.goto(live_server + "/record")
    expect(page.locator("#record-title")).to_have_text("Dossier de Léa Martin")
    expect(page.locator("#record-link-conditions .not-shared-badge")).to_be_visible()
    expect(page.locator("#record-link-vaccinations .not-shared-badge")).to_have_count(0)
    expect(page.locator("#record-link-caregivers")).to_have_count(0)
    assert_no_horizontal_scroll(page)


def test_a_doctor_sees_whose_record_it_is_and_no_refusals(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, *DOCTOR)
    expect(page.locator("#profile-switcher")).to_be_visible()
    switch_to(page, "Camille")
    page.goto(live_server + "/record")
    expect(page.locator("#record-title")).to_have_text("Dossier de Camille Martin")
    for link in ("caregivers", "care-team", "who-can-see", "share", "emergency-card"):
        expect(page.locator(f"#record-link-{link}")).to_have_count(0)
    expect(page.locator("#record-link-conditions")).to_be_visible()
    expect(page.locator(".not-shared-badge")).to_have_count(0)
    no_misleading_text(page)

    page.goto(live_server + "/record/conditions")
    expect(page.locator("#add-conditions")).to_be_visible()
    expect(page.locator(".not-shared")).to_have_count(0)

    # a sharing page opened by its address: the patient's page, not "you cannot do that"
    for path in ("/caregivers", "/who-can-see", "/care-team"):
        page.goto(live_server + path)
        expect(page.locator(".not-shared")).to_contain_text("réservée au patient")
        no_misleading_text(page)

    for width in (360, 390):
        page.set_viewport_size({"width": width, "height": 780})
        page.goto(live_server + "/messages")
        button = page.locator("#message-new")
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
        assert box["height"] >= 44
        assert_no_horizontal_scroll(page)
    expect(page).to_have_url(re.compile(r"/messages"))
