"""Importing a FHIR file on a phone (390×844, headless Chromium), against the production
build (issue 12 item 3): the demo parent downloads her son's record as FHIR; a newcomer
imports that file into her own new record from /record: the preview says what goes where and
what is skipped, the import adds it, a second check of the same file has nothing to add."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.registration import register_and_activate
from tests.e2e.test_documents_journey import PARENT
from tests.e2e.test_journeys import log_in, switch_to
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e
PASSWORD = "Nouvelle-2026-import"


def test_a_newcomer_imports_a_record_exported_elsewhere(live_server: str, browser_page: Page,
                                                        mailbox: Mailbox, tmp_path) -> None:  # noqa: ANN001
    page = browser_page
    log_in(page, live_server, *PARENT)
    switch_to(page, "Hugo")
    page.goto(live_server + "/record")
    with page.expect_download() as info:
        page.locator("#record-export-fhir").click()
    exported = tmp_path / "dossier-hugo.json"
    info.value.save_as(exported)

    page.context.clear_cookies()
    email = "import.e2e@example.org"
    register_and_activate(page, live_server, mailbox, email=email, password=PASSWORD, given_name="Inès",
                          family_name="Importe", birth_date="2000-01-01")
    log_in(page, live_server, email, PASSWORD)
    page.goto(live_server + "/record")
    link = page.locator("#record-import-fhir")
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box is not None and box["height"] >= 44
    link.click()
    expect(page.get_by_role("heading", name="Importer un fichier FHIR")).to_be_visible()
    page.locator("#fhir-import-file").set_input_files(str(exported))
    page.locator("#fhir-import-check").click()
    expect(page.locator("#fhir-import-preview")).to_be_visible()
    expect(page.locator("#fhir-import-source")).to_contain_text("dossier-hugo.json")
    expect(page.locator(".fhir-import-line").first).to_be_visible()
    expect(page.locator(".fhir-import-skipped", has_text="décrit le document").first).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.locator("#fhir-import-run").click()
    expect(page.locator("#fhir-import-message")).to_contain_text("importée")

    page.locator("#fhir-import-file").set_input_files(str(exported))
    page.locator("#fhir-import-check").click()
    expect(page.get_by_text("Rien à ajouter depuis ce fichier.")).to_be_visible()
    expect(page.locator(".fhir-import-skipped", has_text="déjà importé").first).to_be_visible()
    expect(page.locator("#fhir-import-run")).to_have_count(0)
