"""A parent adds a weight for the infant on a phone (390×844) and sees the chart update."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, switch_to

pytestmark = pytest.mark.e2e

PLOT = "#measures-chart .js-plotly-plot"


def _plotted_weights(page: Page) -> list[float]:
    return page.evaluate(
        """(sel) => { const gd = document.querySelector(sel);
             return gd && gd.data
                 ? gd.data.filter(t => t.meta && t.meta.role === 'series').flatMap(t => t.y) : []; }""",
        PLOT,
    )


def test_parent_adds_a_weight_for_the_infant_and_the_chart_updates(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    expect(page.locator("#active-profile-name")).to_have_text("Léa Martin")

    page.get_by_role("link", name="Dossier").first.click()
    page.locator("#record-link-measures").click()
    expect(page).to_have_url(re.compile(r"/measures"))
    expect(page.locator("#chart-kind")).to_have_value("weight")
    expect(page.locator(PLOT + " .main-svg").first).to_be_visible()
    expect(page.locator("#chart-note")).to_contain_text("OMS")  # WHO growth curves for an infant
    expect(page.locator("#chart-status")).to_be_visible()  # her percentile, in words
    for label in ("P3", "P15", "P50", "P85", "P97"):  # each WHO curve is labelled on the chart
        expect(page.locator(PLOT + " .annotation-text", has_text=label)).to_have_count(1)
    before = _plotted_weights(page)
    assert before and 9.37 not in before
    box = page.locator(PLOT).bounding_box()
    assert box is not None and box["width"] <= 390
    assert_no_horizontal_scroll(page)

    # An impossible weight is refused with its limit, and nothing is added.
    page.locator("#add-measure").click()
    expect(page.locator("#measure-kind")).to_have_value("weight")
    assert page.locator("#measure-value").get_attribute("inputmode") == "decimal"
    page.locator("#measure-value").fill("900")
    page.locator("#measure-save").click()
    expect(page.locator("#measure-form-error")).to_contain_text("500")

    # A real one (French decimal comma), dated now by default.
    page.locator("#measure-value").fill("9,37")
    page.locator("#measure-save").click()
    expect(page.locator("#measure-form-error")).to_have_count(0)
    expect(page.locator("#chart-latest")).to_have_text(re.compile(r"9,37\s*kg"))
    expect(page.locator("#card-weight")).to_contain_text("9,37")
    expect(page.locator("#measure-entries")).to_contain_text("9,37 kg")
    page.wait_for_function(
        """(sel) => { const gd = document.querySelector(sel);
             return gd && gd.data && gd.data.some(t => t.y && t.y.includes(9.37)); }""",
        arg=PLOT,
    )
    assert _plotted_weights(page)[-1] == 9.37
    assert_no_horizontal_scroll(page)

    # Another range redraws the chart; the page still fits the phone.
    page.locator("#range-1m").click()
    expect(page.locator("#range-1m")).to_have_class(re.compile(r"rt-variant-solid"))
    expect(page.locator("#range-1y")).to_have_class(re.compile(r"rt-variant-soft"))
    page.wait_for_function("(sel) => { const gd = document.querySelector(sel); return gd && gd.data; }", arg=PLOT)
    assert 9.37 in _plotted_weights(page)
    assert_no_horizontal_scroll(page)


FOUR_ROWS = (
    "date;type;valeur;unité;valeur2\n"
    "28/11/2026 08:30;poids;72,5;kg;\n"
    "28/11/2026 08:35;poids;900;kg;\n"
    "hier;poids;72;kg;\n"
    "28/11/2026 08:40;pointure;42;;\n"
).encode()


def _upload(page: Page, data: bytes) -> None:
    page.locator("#measures-import-file").set_input_files(
        files=[{"name": "mesures.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.locator("#import-check").click()


def test_the_import_button_is_at_the_top_and_answers_in_french(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    page.get_by_role("link", name="Dossier").first.click()
    page.locator("#record-link-measures").click()
    expect(page).to_have_url(re.compile(r"/measures"))

    # « Importer » sits next to « Ajouter une mesure », in the first screen, before the cards.
    button = page.locator("#import-open")
    expect(button).to_be_visible()
    expect(button).to_have_text("Importer")
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] < 844 / 2, box
    cards = page.locator("#measure-cards")
    if cards.count():
        assert box["y"] < cards.bounding_box()["y"]
    assert_no_horizontal_scroll(page)

    button.click()
    expect(page.locator("#import-dialog")).to_be_visible()
    example = page.locator("#import-example")
    expect(example).to_contain_text("date;type;valeur;unité;valeur2")
    expect(example).to_contain_text("28/11/2026 08:30;poids;72,5;kg;")

    # One valid row out of four: the count and every error in French, nothing to import.
    _upload(page, FOUR_ROWS)
    expect(page.locator("#import-summary")).to_have_text("1 ligne valide sur 4")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Ligne 3 : Valeur impossible pour « Poids »")
    expect(errors).to_contain_text("Ligne 4 : Date illisible : jj/mm/aaaa ou aaaa-mm-jj")
    expect(errors).to_contain_text("Ligne 5 : Type de mesure inconnu")
    expect(page.locator("#import-run")).to_have_count(0)

    # The help's own example, copied as shown, imports.
    _upload(page, example.inner_text().encode())
    expect(page.locator("#import-summary")).to_have_text("2 lignes valides sur 2")
    expect(page.locator("#import-errors")).to_have_count(0)
    page.locator("#import-run").click()
    expect(page.locator("#import-dialog")).to_have_count(0)
    expect(page.get_by_text("2 mesures importées.").first).to_be_visible()
    page.wait_for_function(  # the chart (weight, one year) redraws with the imported reading
        """(sel) => { const gd = document.querySelector(sel);
             return gd && gd.data && gd.data.some(t => t.meta && t.meta.role === 'series' && t.y.includes(72.5)); }""",
        arg=PLOT,
    )
    assert_no_horizontal_scroll(page)
