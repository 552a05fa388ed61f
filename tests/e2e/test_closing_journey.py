"""Closing a child's profile, then deleting the account, on a phone (issue 13, item 3).

A new family (registered here, so the seeded personas stay): the confirmation page says what
goes and offers the take-out; "keep" keeps everything; the password and "yes" erase; the user
lands on a page that says so; after the account is gone, logging in fails.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll
from tests.e2e.registration import register_and_activate
from tests.e2e.test_journeys import log_in
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e

PASSWORD = "Fermeture-Definitive-73"
EXPORT_HREF = "/takeout"  # the take-out archive page


def _dialog(page: Page):  # noqa: ANN202
    return page.get_by_role("alertdialog")


def _ask(page: Page, password: str) -> None:
    page.locator("#closing-password").fill(password)
    page.locator("#closing-submit").click()


def test_a_parent_closes_a_child_then_deletes_the_account(live_server: str, browser_page: Page,
                                                          mailbox: Mailbox) -> None:
    page = browser_page
    email = f"partante.{uuid.uuid4().hex[:8]}@example.org"
    register_and_activate(page, live_server, mailbox, email=email, password=PASSWORD, given_name="Inès",
                          family_name="Partante", birth_date="1991-02-03")
    log_in(page, live_server, email, PASSWORD)
    expect(page.locator("#active-profile-name")).to_contain_text("Inès")

    page.goto(live_server + "/profiles")
    page.locator("#child-given-name").fill("Nina")
    page.locator("#child-family-name").fill("Partante")
    page.locator("#child-birth-date").fill("2023-06-01")
    page.locator("#child-submit").click()
    expect(page.locator("#profile-list")).to_contain_text("Nina Partante")

    # The confirmation page: what goes, who loses access, the take-out first.
    page.locator("#close-profile-link").click()
    expect(page.get_by_role("heading", name="Fermer le profil de Nina")).to_be_visible()
    expect(page.locator("#closing-ready")).to_contain_text("Ce qui sera effacé")
    expect(page.locator("#closing-ready")).to_contain_text("Personne d'autre n'y avait accès.")
    expect(page.locator(".closing-takeout")).to_have_attribute("href", EXPORT_HREF)
    assert_no_horizontal_scroll(page)

    # A wrong password erases nothing; "keep" keeps.
    _ask(page, "pas-le-bon-mot-de-passe")
    expect(page.locator("#closing-error")).to_contain_text("Mot de passe incorrect")
    _ask(page, PASSWORD)
    expect(_dialog(page)).to_be_visible()
    _dialog(page).get_by_role("button", name="Garder").click()
    expect(_dialog(page)).to_have_count(0)
    expect(page.locator("#closing-ready")).to_be_visible()

    # The password again, "yes": closed, and the page says so.
    _ask(page, PASSWORD)
    expect(_dialog(page)).to_be_visible()
    page.locator("#closing-confirm").click()
    expect(page.locator("#closing-done")).to_contain_text("Le profil a été fermé")
    page.locator("#closing-to-profiles").click()
    expect(page.locator("#profile-list")).to_contain_text("Inès Partante")
    expect(page.locator("#profile-list")).not_to_contain_text("Nina")

    # Deleting the account.
    page.locator("#delete-account-link").click()
    expect(page.get_by_role("heading", name="Supprimer mon compte")).to_be_visible()
    expect(page.locator("#closing-ready")).to_contain_text("Mon dossier (Inès Partante)")
    expect(page.locator("#closing-ready")).to_contain_text("Vos connexions ouvertes")
    assert_no_horizontal_scroll(page)
    _ask(page, PASSWORD)
    expect(_dialog(page)).to_be_visible()
    page.locator("#closing-confirm").click()
    expect(page.locator("#account-deleted")).to_be_visible()
    assert page.url.endswith("/account/deleted")

    log_in(page, live_server, email, PASSWORD)
    expect(page.locator("#login-error")).to_contain_text("E-mail ou mot de passe incorrect")
