"""Professionals who join, on a phone (390×844, issue 15 item 1): a registered account applies
with its RPPS number; until verified, a patient cannot add it; an operator (two-step sign-in)
verifies it in the console; the patient then adds the professional to their care team by RPPS.

The accounts are its own: two registered here, and an operator written into the live server's
database by a separate process with the server's settings (there is no operator to seed)."""

from __future__ import annotations

import random
import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from mes_app.domain.rpps import luhn_check_digit
from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.registration import add_operator, register_and_activate
from tests.e2e.test_journeys import log_in, log_in_with_code, log_out
from tests.factories import PROFESSIONAL_TOTP_SECRET
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e

PASSWORD = "Bleu-Horizon-2026"
OPERATOR_PASSWORD = "Vert-Lagon-2026"


def make_operator(email: str) -> None:
    add_operator(email, OPERATOR_PASSWORD)


def a_new_rpps() -> str:
    payload = "10" + "".join(random.choices("0123456789", k=8))
    return payload + str(luhn_check_digit(payload))


def test_a_professional_applies_an_operator_verifies_and_a_patient_adds_them(
    live_server: str, browser_page: Page, mailbox: Mailbox
) -> None:
    page = browser_page
    tag = uuid.uuid4().hex[:8]
    applicant, patient, operator = (f"{who}.{tag}@example.org" for who in ("soignante", "patient", "operatrice"))
    rpps = a_new_rpps()
    spaced = f"{rpps[:3]} {rpps[3:7]} {rpps[7:]}"  # as printed on a card: the spaces are stripped

    # 1. a registered account applies, from its security page
    register_and_activate(page, live_server, mailbox, email=applicant, password=PASSWORD, given_name="Camille",
                          family_name="Soignante", birth_date="1985-02-11")
    log_in(page, live_server, applicant, PASSWORD)
    expect(page.locator("#active-profile-name")).to_be_visible()
    page.locator("#security-link").click()
    page.locator("#pro-apply-link").click()
    expect(page).to_have_url(re.compile(r"/professional/apply/?$"))
    assert_no_horizontal_scroll(page)
    page.locator("#pro-name").fill("Camille Soignante")
    page.locator("#pro-profession").select_option("infirmier")
    page.locator("#pro-rpps").fill(spaced[:-1] + str((int(rpps[-1]) + 1) % 10))  # a typo in the key
    page.locator("#pro-workplace").fill("Maison de santé du Port, Lorient")
    page.locator("#pro-submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Numéro RPPS invalide")
    page.locator("#pro-rpps").fill(spaced)
    page.locator("#pro-submit").click()
    expect(page.locator("#pro-status-text")).to_contain_text("en cours d'examen")
    expect(page.locator("#pro-status")).to_contain_text(rpps)
    expect(page.locator("#pro-submit")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    log_out(page)

    # 2. a patient cannot add them yet
    register_and_activate(page, live_server, mailbox, email=patient, password=PASSWORD, given_name="Paul",
                          family_name="Patient", birth_date="1970-09-01")
    log_in(page, live_server, patient, PASSWORD)
    expect(page.locator("#active-profile-name")).to_be_visible()
    page.goto(live_server + "/care-team")
    page.locator("#care-identifier").fill(rpps)
    page.locator("#care-add").click()
    expect(page.get_by_role("alert")).to_contain_text("Aucun professionnel de santé")
    log_out(page)

    # 3. a patient does not find the console; the operator signs in in two steps and verifies
    log_in(page, live_server, patient, PASSWORD)
    expect(page.locator("#active-profile-name")).to_be_visible()
    page.goto(live_server + "/operator/professionals")
    expect(page.locator("#operator-not-found")).to_be_visible()
    expect(page.locator("#pro-pending")).to_have_count(0)
    log_out(page)

    make_operator(operator)
    log_in_with_code(page, live_server, operator, OPERATOR_PASSWORD, PROFESSIONAL_TOTP_SECRET)
    page.goto(live_server + "/operator/professionals")
    row = page.locator("#pro-pending .pro-row").filter(has_text=applicant)
    expect(row).to_contain_text(rpps)
    expect(row).to_contain_text("Infirmier ou infirmière")
    assert_no_horizontal_scroll(page)
    row.locator(".pro-verify").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Valider Camille Soignante ?")
    page.locator("#pro-decision-confirm").click()
    expect(page.locator("#pro-members")).to_contain_text(applicant)
    expect(page.locator("#pro-pending .pro-row").filter(has_text=applicant)).to_have_count(0)
    log_out(page)

    # 4. the patient adds the verified professional by RPPS
    log_in(page, live_server, patient, PASSWORD)
    expect(page.locator("#active-profile-name")).to_be_visible()
    page.goto(live_server + "/care-team")
    page.locator("#care-identifier").fill(rpps)
    page.locator("#care-add").click()
    expect(page.locator("#care-team-list")).to_contain_text("Camille Soignante")
    assert_no_horizontal_scroll(page)
