"""The operator console on a phone (390×844, issue 15 item 1).

An operator signs in with password and code and lands on the console; finds an account by its
e-mail, locks it (after confirming: its owner can no longer sign in), unlocks it, ends its
sessions; sees the decisions in the console's latest actions and downloads the audit log. And
the access matrix's operator rows, as a browser sees them: no page an operator can open, and no
export they can download, holds any of the demo record's health data."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from mes_app import seed
from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.registration import add_operator, health_strings, register_and_activate
from tests.e2e.test_journeys import log_in, log_in_with_code, log_out
from tests.factories import PROFESSIONAL_TOTP_SECRET
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e

OPERATOR_PASSWORD = "Vert-Lagon-2026"
PASSWORD = "Phare-Granit-2026"
# Every page an operator could open: the console's, and the patients' (they have no record there).
CONSOLE_PAGES = ("/operator", "/operator/professionals", "/operator/accounts", "/operator/stats")
PATIENT_PAGES = ("/", "/history", "/record", "/summary", "/measures", "/documents", "/messages", "/prevention",
                 "/appointments", "/lab-results", "/access-history", "/who-can-see", "/caregivers", "/care-team",
                 "/profiles", "/share", "/emergency-card", "/patients", "/takeout")
EXPORTS = ("/api/operator/audit.csv", "/api/operator/stats.csv?period=week", "/api/operator/stats.csv?period=month")


@pytest.fixture(scope="module")
def operator_email(live_server: str) -> str:
    del live_server
    email = f"console.{uuid.uuid4().hex[:6]}@mes.test"
    add_operator(email, OPERATOR_PASSWORD)
    return email


def _assert_tappable(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["height"] >= 44, (selector, box)


def _can_sign_in(browser: Browser, base: str, email: str) -> bool:
    """Whether ``email`` gets a session with its password, in a browser of its own."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    try:
        page = context.new_page()
        log_in(page, base, email, PASSWORD)
        page.wait_for_url(lambda url: url.rstrip("/") != base + "/login")
        return any(c["name"] == "mes_session" for c in context.cookies())
    finally:
        context.close()


def test_an_operator_finds_locks_unlocks_an_account_and_exports_the_log(
    live_server: str, browser_page: Page, browser: Browser, mailbox: Mailbox, operator_email: str
) -> None:
    page = browser_page
    person = f"verrou.{uuid.uuid4().hex[:6]}@example.org"
    register_and_activate(page, live_server, mailbox, email=person, password=PASSWORD, given_name="Yann",
                          family_name="Kerbrat", birth_date="1980-02-03")

    log_in_with_code(page, live_server, operator_email, OPERATOR_PASSWORD, PROFESSIONAL_TOTP_SECRET)
    expect(page).to_have_url(re.compile(r"/operator/?$"))  # an operator's home is the console
    expect(page.locator("#operator-intro")).to_contain_text("aucune donnée de santé")
    expect(page.locator("#profile-switcher")).to_have_count(0)
    expect(page.locator("#messages-bell")).to_have_count(0)
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Comptes")).to_be_visible()
    expect(nav.get_by_role("link", name="Dossier")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    for card in ("#operator-professionals-link", "#operator-accounts-link", "#operator-stats-link",
                 "#operator-audit-link"):
        _assert_tappable(page, card)

    page.locator("#operator-accounts-link").click()
    expect(page).to_have_url(re.compile(r"/operator/accounts/?$"))
    page.locator("#account-email").fill("personne@example.org")
    page.locator("#account-search").click()
    expect(page.get_by_role("alert")).to_contain_text("Aucun compte n'a l'adresse personne@example.org.")

    page.locator("#account-email").fill(person.upper())
    page.locator("#account-search").click()
    card = page.locator("#account-card")
    expect(card.locator("#account-found-email")).to_have_text(person)
    expect(card).to_contain_text("Yann Kerbrat")
    expect(card.locator("#account-status")).to_have_text("Activé")
    assert_no_horizontal_scroll(page)
    for button in ("#account-lock", "#account-end-sessions", "#account-search"):
        _assert_tappable(page, button)

    page.locator("#account-lock").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"Verrouiller le compte {person} ?")
    dialog.get_by_role("button", name="Annuler").click()
    expect(dialog).to_have_count(0)
    expect(card.locator("#account-status")).to_have_text("Activé")  # cancelled: nothing changed

    page.locator("#account-lock").click()
    page.locator("#account-action-confirm").click()
    expect(card.locator("#account-status")).to_have_text("Verrouillé par un opérateur")
    expect(page.locator("#page-info")).to_contain_text("est verrouillé")
    assert not _can_sign_in(browser, live_server, person)

    page.locator("#account-unlock").click()
    page.locator("#account-action-confirm").click()
    expect(card.locator("#account-status")).to_have_text("Activé")
    assert _can_sign_in(browser, live_server, person)
    expect(card.locator("#account-sessions")).to_have_text("0 session ouverte")  # the search was before
    page.locator("#account-search").click()
    expect(card.locator("#account-sessions")).to_have_text("1 session ouverte")
    page.locator("#account-end-sessions").click()
    page.locator("#account-action-confirm").click()
    expect(card.locator("#account-sessions")).to_have_text("0 session ouverte")

    page.get_by_role("link", name="Retour à la console").click()
    recent = page.locator("#operator-recent")
    expect(recent.locator(".operator-log-line").first).to_contain_text("Sessions fermées")
    expect(recent).to_contain_text("Compte déverrouillé")
    expect(recent).to_contain_text("Compte verrouillé")
    with page.expect_download() as download_info:
        page.locator("#operator-audit-link").click()
    text = open(download_info.value.path(), encoding="utf-8").read()  # noqa: PTH123, SIM115
    assert text.startswith("occurred_at,operator_email,action,target_email")
    assert f"account_lock,{person}" in text and f"account_unlock,{person}" in text
    log_out(page)


def test_a_patient_finds_no_console(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, seed.PARENT_EMAIL, seed.PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_be_visible()
    for path in CONSOLE_PAGES:
        page.goto(live_server + path)
        expect(page.locator("#operator-not-found")).to_be_visible()
        expect(page.locator("#account-search, #operator-recent, #stats-chart")).to_have_count(0)
    for path in EXPORTS:
        assert page.context.request.get(live_server + path).status == 404


def test_no_operator_page_or_export_holds_health_data(
    live_server: str, browser_page: Page, operator_email: str
) -> None:
    forbidden = health_strings()
    assert len(forbidden) > 50 and "Léa" in forbidden  # the demo record is there to be found
    page = browser_page
    log_in(page, live_server, seed.PARENT_EMAIL, seed.PARENT_PASSWORD)  # the check sees it when it is shown
    expect(page.locator("#active-profile-name")).to_be_visible()
    page.goto(live_server + "/history")
    expect(page.locator("main")).to_be_visible()
    page.wait_for_timeout(600)
    assert sum(s in page.content() for s in forbidden) >= 5
    log_out(page)

    log_in_with_code(page, live_server, operator_email, OPERATOR_PASSWORD, PROFESSIONAL_TOTP_SECRET)

    def assert_clean(where: str, text: str) -> None:
        leaked = [s for s in forbidden if s in text]
        assert not leaked, f"{where} shows health data: {leaked[:5]}"

    for path in CONSOLE_PAGES + PATIENT_PAGES:
        page.goto(live_server + path)
        expect(page.locator("main")).to_be_visible()
        page.wait_for_timeout(600)  # the page's on_load has answered
        assert_clean(path, page.content())
    page.goto(live_server + "/operator/accounts")  # the parent's account: the account, not the record
    page.locator("#account-email").fill(seed.PARENT_EMAIL)
    page.locator("#account-search").click()
    expect(page.locator("#account-found-email")).to_have_text(seed.PARENT_EMAIL)
    assert_clean("the parent's account", page.content())
    for path in EXPORTS:
        answer = page.context.request.get(live_server + path)
        assert answer.status == 200, path
        assert_clean(path, answer.text())
