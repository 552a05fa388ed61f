"""The whole record as FHIR, on a phone (390×844, headless Chromium), against the production
build: the demo parent downloads her son's record from /record (a real download from the
server, not a single-page-app route) and gets a valid FHIR Bundle; the demo doctor, in the
care team, is not offered the button."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll, assert_not_routed_to_404
from tests.e2e.test_documents_journey import DOCTOR, PARENT
from tests.e2e.test_journeys import log_in, switch_to

pytestmark = pytest.mark.e2e
ATC = "http://www.whocc.no/atc"


def test_a_parent_downloads_the_childs_record_as_fhir(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, *PARENT)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Hugo")
    page.goto(live_server + "/record")
    button = page.locator("#record-export-fhir")
    expect(button).to_be_visible()
    expect(button).to_contain_text("Télécharger le dossier")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.url.startswith(live_server + "/api/profiles/")
    assert download.suggested_filename.startswith("dossier-hugo-martin-")
    assert download.suggested_filename.endswith(".fhir.json")
    with open(download.path(), "rb") as saved:
        bundle = json.loads(saved.read())
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    (patient,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert patient["name"][0]["given"] == ["Hugo"]
    vaccines = {c["code"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Immunization"
                for c in e["resource"]["vaccineCode"].get("coding", []) if c["system"] == ATC}
    assert {"J07BD52", "J07BM03"} <= vaccines
    assert_not_routed_to_404(page)
    assert_no_horizontal_scroll(page)

    # The doctor reads the record where it is: no export button.
    page.context.clear_cookies()
    log_in(page, live_server, *DOCTOR)
    expect(page.locator("#active-profile-name")).to_be_visible()
    page.goto(live_server + "/record")
    expect(page.locator("#record-title")).to_be_visible()
    expect(page.locator("#record-export-fhir")).to_have_count(0)
