"""The operators' statistics on a phone (390×844, issue 15 item 1): an operator signs in with
password and code, opens /operator/stats, sees the figures and "< 10" where counts are small,
switches to months and downloads the CSV. A patient opening the page gets "not found"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mes_app import seed
from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.registration import add_operator
from tests.e2e.test_journeys import log_in, log_in_with_code
from tests.factories import PROFESSIONAL_TOTP_SECRET

pytestmark = pytest.mark.e2e


OPERATOR_PASSWORD = "Vert-Lagon-2026"


@pytest.fixture(scope="module")
def operator_email(live_server: str) -> str:
    """An operator (two-step sign-in on) added to the live server's database."""
    del live_server
    email = "stat.operator@mes.test"
    add_operator(email, OPERATOR_PASSWORD)
    return email


def test_an_operator_reads_the_statistics_and_downloads_the_csv(
    live_server: str, browser_page: Page, operator_email: str
) -> None:
    page = browser_page
    log_in_with_code(page, live_server, operator_email, OPERATOR_PASSWORD, PROFESSIONAL_TOTP_SECRET)

    page.goto(live_server + "/operator/stats")
    expect(page.locator("#stats-definition")).to_contain_text("30")
    expect(page.locator("#stat-accounts_created")).to_be_visible()
    expect(page.locator("#stat-children .stat-value")).to_have_text("< 10")  # the demo has one or two children
    expect(page.locator("#stats-chart .js-plotly-plot")).to_be_visible()
    assert_no_horizontal_scroll(page)

    page.locator("#stats-period-month").click()
    expect(page.locator("#stats-csv")).to_have_attribute("href", re.compile(r"period=month$"))
    with page.expect_download() as download_info:
        page.locator("#stats-csv").click()
    download = download_info.value
    assert re.match(r"mes-statistiques-month-\d{4}-\d{2}-\d{2}\.csv$", download.suggested_filename)
    text = open(download.path(), encoding="utf-8").read()  # noqa: PTH123, SIM115
    assert text.startswith("metric,period,value\n") and "< 10" in text and "-W" not in text


def test_a_patient_gets_not_found(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, seed.PARENT_EMAIL, seed.PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_be_visible()
    page.goto(live_server + "/operator/stats")
    expect(page.locator("#operator-not-found")).to_be_visible()
    expect(page.locator("#stat-accounts_created")).to_have_count(0)
    assert page.context.request.get(live_server + "/api/operator/stats.csv").status == 404
