"""The demo parent imports a small Apple Health export for her baby on a phone (390×844): she
picks the export, sees the progress then the summary, and the new measures are on /measures."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.apple_export import export_xml, record
from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, switch_to

pytestmark = pytest.mark.e2e


def _small_export() -> bytes:
    when = f"{datetime.now(UTC) - timedelta(minutes=30):%Y-%m-%d %H:%M:%S} +0000"
    xml = export_xml(record("BodyTemperature", "100.9", "degF", when) + record("OxygenSaturation", "0.97", "%", when)
                     + record("StepCount", "1200", "count", when))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("apple_health_export/export.xml", xml)
        archive.writestr("apple_health_export/clinical-records/r1.json", "{}")
    return out.getvalue()


def test_parent_imports_an_apple_health_export_for_the_baby(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    expect(page.locator("#active-profile-name")).to_have_text("Léa Martin")
    page.get_by_role("link", name="Dossier").first.click()
    page.locator("#record-link-measures").click()
    expect(page).to_have_url(re.compile(r"/measures"))

    page.locator("#import-open").click()
    expect(page.locator("#import-dialog")).to_be_visible()
    page.locator("#import-format-apple").click()
    expect(page.locator("#import-format-apple")).to_have_attribute("aria-pressed", "true")
    page.locator("#measures-apple-file").set_input_files(
        files=[{"name": "export.zip", "mimeType": "application/zip", "buffer": _small_export()}]
    )
    assert_no_horizontal_scroll(page)
    page.locator("#apple-start").click()

    expect(page.locator("#apple-message")).to_have_text("Import terminé.", timeout=20_000)
    summary = page.locator("#apple-summary")
    expect(summary).to_contain_text("Température : 1 mesure ajoutée")
    expect(summary).to_contain_text("Non importé : 1 dossier clinique")
    expect(summary).to_contain_text("Autres types non importés (pas, entraînements…) : 1")
    assert_no_horizontal_scroll(page)

    page.keyboard.press("Escape")
    expect(page.locator("#import-dialog")).to_have_count(0)
    expect(page.locator("#card-temperature")).to_contain_text("38,3")
    expect(page.locator("#card-spo2")).to_contain_text("97")
