"""Documents on a phone (390×844, headless Chromium), against the production build: the demo
parent uploads two PDFs, switches one off for the demo doctor, and the doctor sees only the
other one — in the list and by its URL."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_journeys import log_in, switch_to

pytestmark = pytest.mark.e2e

PARENT = ("parent@demo.mes", "Demo-parent-2026")
DOCTOR = ("medecin@demo.mes", "Demo-medecin-2026")
DOCTOR_NAME = "Sophie Bernard"


def pdf(marker: str) -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% " + marker.encode() + b"\n%%EOF\n")


def upload(page: Page, title: str, content: bytes) -> None:
    page.locator("#add-document").click()
    page.locator("#document-title").fill(title)
    page.locator("#document-category").select_option("18748-4")  # CR d'imagerie médicale
    page.locator("#document-file").set_input_files(
        files=[{"name": "radio.pdf", "mimeType": "application/pdf", "buffer": content}]
    )
    page.locator("#document-send").click()
    expect(page.locator("#document-list")).to_contain_text(title, timeout=15_000)


def card(page: Page, title: str):
    return page.locator("#document-list > *", has_text=title)


def test_parent_hides_one_document_from_the_doctor_who_no_longer_sees_it(live_server: str, browser_page: Page) -> None:
    page = browser_page
    run = uuid.uuid4().hex[:6]
    hidden_title, shared_title = f"Radio du poignet {run}", f"Radio du genou {run}"

    log_in(page, live_server, *PARENT)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    page.goto(live_server + "/documents")
    upload(page, hidden_title, pdf("wrist " + run))
    upload(page, shared_title, pdf("knee " + run))
    assert_no_horizontal_scroll(page)

    href = card(page, hidden_title).locator("a.document-open").get_attribute("href")
    assert re.fullmatch(r"/api/documents/\d+", href)
    opened = page.request.get(live_server + href)
    assert opened.status == 200 and opened.body().startswith(b"%PDF-")
    assert opened.headers["cache-control"] == "no-store"

    card(page, hidden_title).locator(".document-sharing").click()
    doctor_switch = page.locator("#sharing-grantees label", has_text=DOCTOR_NAME).get_by_role("switch")
    expect(doctor_switch).to_have_attribute("aria-checked", "true")  # DMP default: the care team sees it
    doctor_switch.click()
    expect(doctor_switch).to_have_attribute("aria-checked", "false")
    assert_no_horizontal_scroll(page)
    page.locator("#sharing-close").click()

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/login"))

    log_in(page, live_server, *DOCTOR)
    expect(page.locator("#profile-switcher")).to_be_visible()
    switch_to(page, "Camille")
    page.goto(live_server + "/documents")
    documents = page.locator("#document-list")
    expect(documents).to_contain_text(shared_title)
    expect(documents).not_to_contain_text(hidden_title)
    assert page.request.get(live_server + href).status == 404
    assert_no_horizontal_scroll(page)
