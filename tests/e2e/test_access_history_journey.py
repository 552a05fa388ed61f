"""The access history on a phone (390×844), in French, against the production build: a
stranger's twelve refused probes of the parent's document are one line, the doctor's three
openings are one line, and no internal code is shown."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from mes_app.domain.access_log import ACTION_CODES, TARGET_KINDS, VIA_CODES
from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.registration import register_and_activate
from tests.e2e.test_documents_journey import DOCTOR, PARENT, pdf, upload
from tests.e2e.test_journeys import log_in
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e

STRANGER_PASSWORD = "Girafe-Cerise-Nuage-2026"
RAW_CODES = {c for c in ACTION_CODES | TARGET_KINDS | VIA_CODES if "_" in c} | {
    "denied",
    "download",
    "passcode",
    "measures",
    "access.",
}


def register_stranger(page: Page, base: str, email: str, mailbox: Mailbox) -> None:
    register_and_activate(
        page,
        base,
        mailbox,
        email=email,
        password=STRANGER_PASSWORD,
        given_name="Mallory",
        family_name="Pirate",
        birth_date="1985-01-01",
    )


def log_in_as(page: Page, base: str, email: str, password: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, email, password)
    expect(page.locator("#active-profile-name")).to_be_visible()


def test_the_parent_sees_a_strangers_probes_as_one_french_line_without_codes(
    live_server: str, browser_page: Page, mailbox: Mailbox
) -> None:
    page = browser_page
    run = uuid.uuid4().hex[:6]
    title = f"Échographie {run}"
    stranger_email = f"mallory.{run}@example.org"
    register_stranger(page, live_server, stranger_email, mailbox)

    log_in_as(page, live_server, *PARENT)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    page.goto(live_server + "/documents")
    upload(page, title, pdf("echo " + run))
    href = page.locator("#document-list > *", has_text=title).locator("a.document-open").get_attribute("href")
    assert re.fullmatch(r"/api/documents/\d+", href)

    # A stranger probes the document twelve times: "not found" every time.
    log_in_as(page, live_server, stranger_email, STRANGER_PASSWORD)
    for _ in range(12):
        assert page.request.get(live_server + href).status == 404

    # The doctor of the care team opens it three times.
    log_in_as(page, live_server, *DOCTOR)
    for _ in range(3):
        assert page.request.get(live_server + href).status == 200

    log_in_as(page, live_server, *PARENT)
    page.goto(live_server + "/access-history")
    rows = page.locator("#access-list > *")
    expect(rows.first).to_be_visible(timeout=15_000)
    doctor_line = rows.filter(has_text=f"« {title} »")
    expect(doctor_line).to_have_count(1)
    expect(doctor_line).to_contain_text("a ouvert le document")
    expect(doctor_line).to_contain_text(re.compile(r"3 fois le \d\d/\d\d/\d{4}(, entre \d\d:\d\d et| à) \d\d:\d\d"))
    stranger_line = rows.filter(has_text="sans accès à ce dossier")
    expect(stranger_line).to_have_count(1)
    expect(stranger_line).to_contain_text("Quelqu'un sans accès à ce dossier a tenté de l'ouvrir")
    expect(stranger_line).to_contain_text(
        re.compile(r"12 tentatives refusées le \d\d/\d\d/\d{4}(, entre| à) \d\d:\d\d")
    )
    expect(stranger_line).to_contain_text("rien ne lui a été montré")

    text = page.locator("#access-list").inner_text()
    assert "Mallory" not in text and "Pirate" not in text  # the patient never learns who probed
    assert [code for code in RAW_CODES if code in text] == []
    assert_no_horizontal_scroll(page)
