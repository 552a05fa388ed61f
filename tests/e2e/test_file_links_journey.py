"""File links on a phone (390×844, headless Chromium), against the production build: tapping
« Télécharger » on a document and « Ajouter à l'agenda » on an appointment downloads the file
from the server (a download event with the file's bytes), instead of the single-page app
routing to "/api/..." and showing its "404: Page not found"."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll, assert_not_routed_to_404
from tests.e2e.test_documents_journey import PARENT, card, pdf, upload
from tests.e2e.test_journeys import log_in, switch_to

pytestmark = pytest.mark.e2e


def test_download_buttons_reach_the_server_and_save_the_file(live_server: str, browser_page: Page) -> None:
    page = browser_page
    run = uuid.uuid4().hex[:6]
    title = f"Compte rendu {run}"
    content = pdf("download " + run)

    log_in(page, live_server, *PARENT)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    page.goto(live_server + "/documents")
    upload(page, title, content)

    with page.expect_download() as info:
        card(page, title).locator("a.document-download").click()
    download = info.value
    assert download.url.startswith(live_server + "/api/documents/")
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as saved:
        assert saved.read() == content
    assert_not_routed_to_404(page)

    # the calendar file of an upcoming appointment (Léa's 9-month check-up)
    switch_to(page, "Léa")
    page.goto(live_server + "/appointments")
    with page.expect_download() as info:
        page.locator("a.appointment-ics").first.click()
    ics = info.value
    assert ics.suggested_filename.endswith(".ics")
    with open(ics.path(), "rb") as saved:
        body = saved.read()
    assert body.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" in body

    with page.expect_download() as info:
        page.locator("#appointments-export").click()
    with open(info.value.path(), "rb") as saved:
        assert saved.read().startswith(b"BEGIN:VCALENDAR")
    assert_not_routed_to_404(page)
    assert_no_horizontal_scroll(page)
