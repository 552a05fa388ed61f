"""Deleting asks first, on a phone: "keep" keeps it, "delete" removes exactly that one.

The confirmation dialog is one shared component (components/dialogs.confirm_dialog) and the
entry being deleted is held on the server (ConfirmMixin): these journeys prove that the dialog's
own closing does not forget the entry before the deletion runs, and that cancelling (the
button, or Escape) deletes nothing.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import let_the_toasts_close
from tests.e2e.test_documents_journey import PARENT, card, pdf, upload
from tests.e2e.test_journeys import log_in, switch_to

pytestmark = pytest.mark.e2e


def _dialog(page: Page):  # noqa: ANN202
    return page.get_by_role("alertdialog")


def test_a_parent_deletes_an_uploaded_document_after_confirming(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, *PARENT)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    page.goto(live_server + "/documents")
    title = f"Ordonnance à jeter {uuid.uuid4().hex[:6]}"
    upload(page, title, pdf(title))

    card(page, title).get_by_role("button", name="Supprimer").click()
    expect(_dialog(page)).to_be_visible()
    _dialog(page).get_by_role("button", name="Annuler").click()
    expect(_dialog(page)).to_have_count(0)
    expect(page.locator("#document-list")).to_contain_text(title)

    card(page, title).get_by_role("button", name="Supprimer").click()
    expect(_dialog(page)).to_be_visible()
    page.locator("#confirm-delete").click()
    expect(_dialog(page)).to_have_count(0)
    expect(card(page, title)).to_have_count(0)
    page.reload()
    expect(page.locator("#add-document")).to_be_visible()
    expect(card(page, title)).to_have_count(0)


def test_a_parent_deletes_one_condition_and_keeps_the_others(live_server: str, browser_page: Page) -> None:
    page = browser_page
    log_in(page, live_server, *PARENT)
    switch_to(page, "Hugo")
    page.goto(live_server + "/record/conditions")
    names = [f"Eczéma {uuid.uuid4().hex[:5]}", f"Rhinite {uuid.uuid4().hex[:5]}"]
    for name in names:
        page.locator("#add-conditions").click()
        page.get_by_test_id("coded-input").fill(name)
        page.locator("#form-save").click()
        expect(page.locator("#list-conditions")).to_contain_text(name)
    _the_toast_leaves_the_navigation_free(page)
    let_the_toasts_close(page)

    entry = page.locator("#list-conditions > *", has_text=names[0])
    entry.get_by_role("button", name="Supprimer").click()
    expect(_dialog(page)).to_be_visible()
    page.keyboard.press("Escape")  # changed her mind
    expect(_dialog(page)).to_have_count(0)
    expect(page.locator("#list-conditions")).to_contain_text(names[0])

    entry.get_by_role("button", name="Supprimer").click()
    expect(_dialog(page)).to_be_visible()
    page.locator("#confirm-delete").click()
    expect(_dialog(page)).to_have_count(0)
    expect(page.locator("#list-conditions")).not_to_contain_text(names[0])
    expect(page.locator("#list-conditions")).to_contain_text(names[1])


def _the_toast_leaves_the_navigation_free(page: Page) -> None:
    """The toasts' stack ends above the phone's bottom navigation (checked on the stack: a toast
    itself slides in from below)."""
    expect(page.locator("[data-sonner-toast]").first).to_be_visible()
    stack = page.locator("[data-sonner-toaster]").first
    nav = page.locator("nav[aria-label='Navigation principale']:visible")
    stack_box, nav_box = stack.bounding_box(), nav.bounding_box()
    assert stack_box is not None and nav_box is not None
    assert stack_box["y"] + stack_box["height"] <= nav_box["y"], (stack_box, nav_box)
