"""teen (issue 13, item 4) on a phone (390×844).

1. The demo doctor deposits a document on Hugo's profile (14) marked "invisible to legal
   representatives": the parent no longer sees it on /documents nor on /history.
2. The hand-over at 18: the parent adds Zoé (born 2007), invites her at her address; Zoé
   (her own account) opens the e-mailed link, keeps the vaccinations shared with her mother,
   accepts; the mother then sees Zoé's vaccinations and nothing else.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.registration import register_and_activate
from tests.e2e.test_documents_journey import pdf
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, switch_to
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e

DOCTOR = ("medecin@demo.mes", "Demo-medecin-2026")
ZOE_PASSWORD = "Majeure-Zoe-2026!"
MAJORITY_LINK = re.compile(r"https?://[^\s]+/majority\?t=[A-Za-z0-9_\-]+")


def test_a_document_kept_from_the_parents_is_not_on_their_documents_nor_history(
    live_server: str, browser_page: Page
) -> None:
    page = browser_page
    title = f"Consultation confidentielle {uuid.uuid4().hex[:6]}"
    log_in(page, live_server, *DOCTOR)
    expect(page.locator("#active-profile-name")).to_be_visible()
    switch_to(page, "Hugo")
    page.goto(live_server + "/documents")
    page.locator("#add-document").click()
    expect(page.locator("#secret-from-guardians")).to_be_visible()
    expect(page.locator("#secret-from-guardians")).not_to_be_checked()  # off by default
    page.locator("#secret-from-guardians").check()
    page.locator("#document-title").fill(title)
    page.locator("#document-category").select_option("18748-4")
    page.locator("#document-file").set_input_files(
        files=[{"name": "c.pdf", "mimeType": "application/pdf", "buffer": pdf("secret")}])
    page.locator("#document-send").click()
    card = page.locator("#document-list > *", has_text=title)
    expect(card).to_contain_text("Invisible aux représentants légaux", timeout=15_000)
    assert_no_horizontal_scroll(page)
    page.goto(live_server + "/history")
    expect(page.locator("body")).to_contain_text(title)
    page.context.clear_cookies()

    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Hugo")
    page.goto(live_server + "/documents")
    expect(page.locator("#document-list, main").first).to_be_visible()
    page.wait_for_timeout(1000)
    expect(page.locator("body")).not_to_contain_text(title)
    expect(page.locator("#secret-from-guardians")).to_have_count(0)  # no switch for a guardian
    page.goto(live_server + "/history")
    page.wait_for_timeout(1000)
    expect(page.locator("body")).not_to_contain_text(title)
    assert_no_horizontal_scroll(page)


def test_the_young_adult_takes_her_record_and_chooses_what_her_mother_keeps(
    live_server: str, browser_page: Page, mailbox: Mailbox
) -> None:
    page = browser_page
    zoe_email = f"zoe.{uuid.uuid4().hex[:8]}@example.org"
    register_and_activate(page, live_server, mailbox, email=zoe_email, password=ZOE_PASSWORD, given_name="Zoé",
                          family_name="Martin", birth_date="2007-05-01")
    page.context.clear_cookies()

    # The mother adds Zoé (19) and a vaccination, then invites her at her address.
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    page.goto(live_server + "/profiles")
    page.locator("#child-given-name").fill("Zoé")
    page.locator("#child-family-name").fill("Martin")
    page.locator("#child-birth-date").fill("2007-05-01")
    page.locator("#child-submit").click()
    expect(page.locator("#profile-list")).to_contain_text("Zoé")
    switch_to(page, "Zoé")
    page.goto(live_server + "/profiles")
    expect(page.locator("#majority-link")).to_be_visible()
    page.locator("#majority-link").click()
    expect(page).to_have_url(re.compile(r"/majority$"))
    page.locator("#majority-email").fill(zoe_email)
    page.locator("#majority-send").click()
    expect(page.locator("#majority-notice")).to_contain_text("si l'adresse est la bonne")
    assert_no_horizontal_scroll(page)
    body = mailbox.wait_for(zoe_email, count=2).get_body(("plain",)).get_content()
    match = MAJORITY_LINK.search(body)
    assert match, "no hand-over link in the mail"
    link = match.group(0)
    page.context.clear_cookies()

    # Zoé opens the link logged in, keeps the vaccinations for her mother only, accepts.
    log_in(page, live_server, zoe_email, ZOE_PASSWORD)
    expect(page.locator("#active-profile-name")).to_be_visible()
    page.goto(link)
    expect(page.locator("#majority-offer")).to_contain_text("Camille Martin vous remet le dossier de Zoé")
    persons = page.locator(".keep-person")
    expect(persons).to_have_count(1)
    expect(persons.first.locator("input[type=checkbox]:checked")).to_have_count(0)  # nothing by default
    persons.first.locator(".keep-vaccinations").check()
    assert_no_horizontal_scroll(page)
    page.locator("#majority-accept").click()
    expect(page.locator("#majority-done")).to_be_visible()
    # the link cannot serve twice
    page.goto(link)
    expect(page.locator("#majority-invalid")).to_be_visible()
    page.context.clear_cookies()

    # The mother sees only what Zoé chose: the vaccinations, read-only; the conditions are not shared.
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Zoé")
    page.goto(live_server + "/record/vaccinations")
    expect(page.locator("body")).not_to_contain_text("Non partagé avec vous")
    page.goto(live_server + "/record/conditions")
    expect(page.locator("body")).to_contain_text("Non partagé avec vous")
    page.goto(live_server + "/majority")
    expect(page.locator("#majority-send")).to_have_count(0)
    assert_no_horizontal_scroll(page)
