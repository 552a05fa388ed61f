"""The take-out archive on a phone (390×844, headless Chromium), against the production build
(issue 13, item 2): the demo parent opens it from /record, asks for everything she manages,
watches it being prepared, then downloads the zip through the checked route."""

from __future__ import annotations

import json
import zipfile

import pytest
from fhir.resources.R4B.bundle import Bundle
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll, assert_not_routed_to_404
from tests.e2e.test_documents_journey import PARENT
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.e2e


def test_the_parent_takes_out_everything_as_one_zip(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, *PARENT)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    page.goto(live_server + "/record")
    page.locator("#record-takeout").click()
    expect(page).to_have_url(live_server + "/takeout")
    expect(page.get_by_text("Aucune archive pour l'instant.")).to_be_visible()

    everything = page.locator("#takeout-all")
    expect(everything).to_be_visible()
    expect(everything).to_contain_text("Tous les profils que je gère")
    box = everything.bounding_box()
    assert box is not None and box["height"] >= 44
    everything.click()

    job = page.locator(".takeout-job").first
    expect(job).to_be_visible()
    expect(job).to_contain_text("Hugo Martin")
    link = page.locator(".takeout-download")
    expect(link).to_be_visible(timeout=60_000)  # the page follows the build, then offers the file
    expect(job).to_contain_text("Prête")
    expect(job).to_contain_text("Vous seul pouvez la télécharger")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.url.startswith(live_server + "/api/takeout/")
    assert download.suggested_filename.startswith("mes-archive-") and download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
        assert "README.txt" in names
        folders = {n.split("/")[0] for n in names if "/" in n}
        assert {"Camille Martin", "Hugo Martin"} <= folders
        Bundle.model_validate(json.loads(archive.read("Hugo Martin/dossier.fhir.json")))
        assert archive.read("Hugo Martin/synthese.pdf").startswith(b"%PDF")
    assert_not_routed_to_404(page)
    assert_no_horizontal_scroll(page)

    # The same link, out of her session: not found.
    url = download.url
    page.context.clear_cookies()
    response = page.request.get(url)
    assert response.status == 401
