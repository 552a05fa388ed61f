"""A professional connects a care software on a phone (390×844, headless Chromium, production
build), the software gets a token and calls the FHIR API of the live server; revoking it in
the page stops its very next request (issue 12 item 2)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.test_documents_journey import DOCTOR
from tests.e2e.test_journeys import log_in
from tests.web.test_fhir_api import Client

pytestmark = pytest.mark.e2e


def call(url: str, *, form: dict | None = None, token: str = "") -> tuple[int, dict]:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:  # noqa: S310 - the local test server
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_a_doctor_connects_then_revokes_a_software(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, *DOCTOR)
    link = page.locator("#software-link")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url("**/connected-software")
    client = Client("ES384")
    page.locator("#software-name").fill("CabinetSoft")
    page.locator("#software-jwks").fill(client.jwks())
    page.locator("#software-add").click()
    client_id_field = page.locator("#software-new-client-id")
    expect(client_id_field).to_be_visible()
    client.client_id = client_id_field.input_value()
    expect(page.locator("#software-list")).to_contain_text("CabinetSoft")
    assert_no_horizontal_scroll(page)

    status, conf = call(live_server + "/fhir/r4/.well-known/smart-configuration")
    assert status == 200
    aud = conf["token_endpoint"]
    status, answer = call(aud, form=client.token_form(client.assertion(aud=aud)))
    assert status == 200, answer
    token = answer["access_token"]
    search = live_server + "/fhir/r4/Patient?identifier=" + urllib.parse.quote("https://mes.example/fhir/sid/patient|999999")
    status, bundle = call(search, token=token)
    assert status == 200 and bundle["type"] == "searchset" and bundle["total"] == 0

    page.locator(".software-revoke").first.click()
    confirm = page.locator("#software-revoke-confirm")
    expect(confirm).to_be_visible()
    confirm.click()
    expect(page.locator("#software-list")).to_have_count(0)
    status, refused = call(search, token=token)
    assert status == 401 and refused["resourceType"] == "OperationOutcome"
