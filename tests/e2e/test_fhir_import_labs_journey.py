"""Importing a hospital's FHIR file of lab results on a phone (390×844, headless Chromium),
against the production build (issue 12 item 3): the demo parent imports a file for Léa; the
preview lists the lab report under « Résultats d'analyses »; after the import the new weight is
drawn on /measures and the report, with one value out of range (« Élevé »), is on /lab-results."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, switch_to
from tests.fhir_samples import hospital_lab_searchset

pytestmark = pytest.mark.e2e
PLOT = "#measures-chart .js-plotly-plot"
WEIGHT = 8.17  # a value no other journey gives Léa


def _file_for_lea(tmp_path) -> str:  # noqa: ANN001
    """The hospital searchset, dated a few days ago (Léa is a baby: the file is of her age)."""
    bundle = hospital_lab_searchset()
    lab_day = (datetime.now(UTC) - timedelta(days=3)).isoformat(timespec="seconds")
    weighed = (datetime.now(UTC) - timedelta(days=2)).isoformat(timespec="seconds")
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] in ("Observation", "DiagnosticReport"):
            resource["effectiveDateTime"] = lab_day
        if resource.get("valueQuantity", {}).get("unit") == "kg":
            resource["effectiveDateTime"] = weighed
            resource["valueQuantity"]["value"] = WEIGHT
    path = tmp_path / "chu-lea.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_parent_imports_a_hospital_lab_file_for_the_baby(live_server: str, browser_page: Page,
                                                             tmp_path) -> None:  # noqa: ANN001
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    switch_to(page, "Léa")
    expect(page.locator("#active-profile-name")).to_have_text("Léa Martin")
    page.goto(live_server + "/record")
    page.locator("#record-import-fhir").click()
    expect(page.get_by_role("heading", name="Importer un fichier FHIR")).to_be_visible()
    page.locator("#fhir-import-file").set_input_files(_file_for_lea(tmp_path))
    page.locator("#fhir-import-check").click()
    expect(page.locator("#fhir-import-preview")).to_be_visible()
    expect(page.locator("#fhir-import-source")).to_contain_text("Portail CHU de Nantes")
    expect(page.locator(".fhir-import-line", has_text="Bilan sanguin : Hémoglobine, Sodium, Potassium")
           ).to_contain_text("Résultats d'analyses")
    assert_no_horizontal_scroll(page)
    page.locator("#fhir-import-run").click()
    expect(page.locator("#fhir-import-message")).to_contain_text("3 entrées importées")

    page.goto(live_server + "/measures")
    expect(page.locator("#chart-kind")).to_have_value("weight")
    page.wait_for_function(
        """([sel, w]) => { const gd = document.querySelector(sel);
             return gd && gd.data && gd.data.some(t => t.meta && t.meta.role === 'series' && t.y.includes(w)); }""",
        arg=[PLOT, WEIGHT],
    )
    assert_no_horizontal_scroll(page)

    page.goto(live_server + "/lab-results")
    link = page.locator(".lab-report-link", has_text="Bilan sanguin").first
    expect(link).to_contain_text("hors normes")
    link.click()
    expect(page).to_have_url(re.compile(r"/lab-results/report\?id=\d+"))
    values = page.locator("#lab-values")
    expect(values).to_contain_text("5,8")
    expect(values.locator(".lab-flag", has_text="Élevé")).to_have_count(1)
    expect(page.locator("#lab-pdf")).to_be_visible()
    expect(page.locator(".imported-from")).to_contain_text("Portail CHU de Nantes")
    assert_no_horizontal_scroll(page)
