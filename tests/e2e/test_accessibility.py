"""Accessibility (WCAG 2.2 AA) on a phone (390×844, headless Chromium), against the production
build: axe-core 4.10.3 (vendored in ``tests/e2e/vendor/``, checked against its published SRI
hash) runs on every page, for every role — logged out (log in, register, forgotten password,
new password), the demo parent (owner), the co-guardian, the demo GP, a caregiver, a
share-link visitor and an emergency-card visitor. Any *serious* or *critical* violation fails,
and so do a missing ``<main>`` landmark or ``<h1>`` (moderate in axe, required here). The
label-in-name (``label-content-name-mismatch``) and target-size (WCAG 2.5.8) rules are turned
on. Also measured: the back link and the switches are at least 44×44 px, and the header's
profile switcher shows whole names and ages.

axe is injected with ``add_init_script`` (the DevTools protocol, not an inline ``<script>``), so
the pages keep their real Content-Security-Policy while they are checked."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.registration import add_operator, register_and_activate
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in, log_in_with_code, switch_to
from tests.factories import PROFESSIONAL_TOTP_SECRET
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# sri-history.json of the axe-core 4.10.3 npm package
AXE_SRI = "sha256-iAlwwIFwc2DmTzTOol/5GJL1vJVnWwd2kluXCd2KaLs="
PARENT2_EMAIL = "parent2@demo.mes"
DOCTOR_EMAIL, DOCTOR_PASSWORD = "medecin@demo.mes", "Demo-medecin-2026"
CAREGIVER_PASSWORD = "Biberon-Tartine-2026"
# not the care-circle journey's "Nina Nounou": that journey looks for her name
CAREGIVER_GIVEN, CAREGIVER_FAMILY = "Alix", "Aidante"
PASSCODE = "soleil-2026"

FAILING_IMPACTS = {"serious", "critical"}
# moderate in axe, required here: every page has one main landmark and one h1
ALSO_FAILING_RULES = {"landmark-one-main", "page-has-heading-one", "landmark-no-duplicate-main"}
MIN_TAP = 44

SIGNED_IN_PAGES = (
    "/", "/history", "/record", "/record/conditions", "/record/treatments", "/record/hospitalisations",
    "/record/risk_factors", "/record/vaccinations", "/profiles", "/measures", "/documents", "/access-history",
    "/appointments", "/prevention", "/care-team", "/caregivers", "/who-can-see", "/summary", "/share",
    "/emergency-card", "/messages",
    "/takeout",  # take-out archive (issue 13, item 2)
)
PROFESSIONAL_PAGES = ("/patients", *SIGNED_IN_PAGES)
OPERATOR_PAGES = ("/operator", "/operator/professionals", "/operator/stats", "/operator/accounts")
OPERATOR_PASSWORD = "Vert-Lagon-2026"

AXE_RUN = """async () => {
  const result = await axe.run(document, {
    resultTypes: ['violations'],
    rules: {'label-content-name-mismatch': {enabled: true}, 'target-size': {enabled: true}},
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n =>
      n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1).join(' ').trim()),
  }));
}"""


def test_the_vendored_axe_is_the_published_4_10_3() -> None:
    digest = base64.b64encode(hashlib.sha256(AXE.read_bytes()).digest()).decode()
    assert f"sha256-{digest}" == AXE_SRI
    assert (AXE.parent / "axe-core.LICENSE").read_text().startswith("Mozilla Public License")


class Audit:
    """Collects the failing violations of every page checked, to report them all at once."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.checked: list[str] = []

    def check(self, page: Page, who: str) -> None:
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(400)  # the last state deltas over the websocket
        assert page.evaluate("typeof window.axe") == "object", "axe was not injected"
        where = f"{who} {page.url.split('//', 1)[-1].split('/', 1)[-1] or '/'}"
        self.checked.append(where)
        for v in page.evaluate(AXE_RUN):
            if v["impact"] in FAILING_IMPACTS or v["id"] in ALSO_FAILING_RULES:
                self.failures.append(f"[{where}] {v['id']} ({v['impact']}): {v['help']}\n    "
                                     + "\n    ".join(v["targets"]))

    def visit(self, page: Page, base: str, path: str, who: str) -> None:
        page.goto(base + path)
        # a page without an h1 is reported by axe (page-has-heading-one), with the rest
        with contextlib.suppress(AssertionError):
            expect(page.locator("h1").first).to_be_attached(timeout=10_000)
        if page.locator("#profile-switcher").count():
            expect(page.locator("#profile-switcher option").first).to_be_attached(timeout=15_000)
        self.check(page, who)

    def assert_clean(self) -> None:
        assert not self.failures, (f"{len(self.failures)} accessibility violations on {len(self.checked)} pages:\n"
                                   + "\n".join(self.failures))


def _context(browser: Browser) -> BrowserContext:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="fr-FR")
    context.add_init_script(path=str(AXE))
    return context


@pytest.fixture
def page(browser_page: Page) -> Page:
    browser_page.context.add_init_script(path=str(AXE))
    return browser_page


def assert_tap_size(locator, name: str) -> None:  # noqa: ANN001
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["width"] >= MIN_TAP and box["height"] >= MIN_TAP, f"{name}: {box}"


def test_logged_out_pages_have_no_serious_violation(live_server: str, page: Page) -> None:
    audit = Audit()
    for path in ("/login", "/register", "/activate", "/forgot-password", "/reset-password"):
        audit.visit(page, live_server, path, "logged out")
    # a failed log-in shows its error
    log_in(page, live_server, PARENT_EMAIL, "not-the-password")
    expect(page.locator("#login-error")).to_be_visible()
    audit.check(page, "logged out (wrong password)")
    audit.assert_clean()


def test_owner_pages_and_the_visitors_of_her_links_have_no_serious_violation(
        live_server: str, page: Page, browser: Browser) -> None:
    audit = Audit()
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")

    # the switcher shows whole names and ages, on its own row on a phone
    switcher = page.locator("#profile-switcher")
    for given in ("Camille", "Léa", "Hugo"):
        option = switcher.locator("option", has_text=given)
        text = option.inner_text()
        assert re.fullmatch(rf"{given} Martin · .*\d.*", text), text
    switcher_box, header_box = switcher.bounding_box(), page.locator("header").first.bounding_box()
    assert switcher_box["height"] >= MIN_TAP
    selected_text_width = switcher.evaluate("""s => {
        const c = document.createElement('canvas').getContext('2d');
        c.font = getComputedStyle(s).font;
        return c.measureText(s.options[s.selectedIndex].text).width; }""")
    assert switcher_box["width"] >= selected_text_width + 24, (switcher_box, selected_text_width)  # + the arrow
    assert switcher_box["x"] >= header_box["x"] and switcher_box["x"] + switcher_box["width"] <= 390

    for path in SIGNED_IN_PAGES:
        audit.visit(page, live_server, path, "owner")

    # a child's record, with its growth chart and vaccinations
    switch_to(page, "Léa")
    for path in ("/", "/record/vaccinations", "/measures", "/prevention"):
        audit.visit(page, live_server, path, "owner (Léa)")

    # the back link and the switches are thumb-sized
    switch_to(page, "Hugo")
    page.goto(live_server + "/record/conditions")
    assert_tap_size(page.locator(".back-link").first, "back link")
    page.locator("#add-conditions").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    audit.check(page, "owner (add a condition)")
    page.keyboard.press("Escape")

    # a share link and an emergency card for Léa (the journeys use Hugo's): the pages with their
    # URL fields; both are turned off again at the end
    switch_to(page, "Léa")
    run = uuid.uuid4().hex[:6]
    page.goto(live_server + "/share")
    expect(page.locator("#share-create")).to_be_visible(timeout=15_000)
    page.locator("#share-passcode").fill(PASSCODE)
    page.locator("#share-label").fill(f"A11y {run}")
    page.locator("#share-create").click()
    expect(page.locator("#share-qr svg")).to_be_visible(timeout=15_000)
    share_url = page.locator("#share-url").input_value()
    audit.check(page, "owner (link made)")

    page.goto(live_server + "/emergency-card")
    expect(page.locator("#card-save")).to_be_visible(timeout=15_000)
    page.locator("#card-save").click()
    expect(page.locator("#emergency-wallet svg")).to_be_visible(timeout=15_000)
    card_url = page.locator("#card-url").input_value()
    audit.check(page, "owner (card made)")

    page.goto(live_server + "/documents")
    expect(page.locator("#add-document")).to_be_visible(timeout=15_000)
    audit.check(page, "owner (documents)")

    visitor_context = _context(browser)
    try:
        visitor = visitor_context.new_page()
        visitor.goto(share_url)
        expect(visitor.locator("#link-passcode")).to_be_visible(timeout=15_000)
        audit.check(visitor, "share-link visitor (passcode)")
        visitor.locator("#link-passcode").fill(PASSCODE)
        visitor.locator("#link-open").click()
        expect(visitor.locator("#summary-identity")).to_contain_text("Léa", timeout=15_000)
        audit.check(visitor, "share-link visitor (summary)")

        visitor.goto(card_url)
        expect(visitor.locator("#opener-name")).to_be_visible(timeout=15_000)
        audit.check(visitor, "emergency visitor (who are you)")
        visitor.locator("#opener-name").fill(f"Jean Secours {run}")
        visitor.locator("#opener-role").fill("pompier")
        visitor.locator("#opener-submit").click()
        expect(visitor.locator("#card-open")).to_contain_text("Léa", timeout=15_000)
        audit.check(visitor, "emergency visitor (card)")

        visitor.goto(live_server + "/s?k=" + "A" * 43)
        expect(visitor.locator("#link-refusal")).to_be_visible(timeout=15_000)
        audit.check(visitor, "share-link visitor (unknown link)")
    finally:
        visitor_context.close()

    # the owner's home with the emergency-opening notice
    page.goto(live_server + "/")
    expect(page.locator("body")).to_contain_text("Jean Secours", timeout=15_000)
    audit.check(page, "owner (home with a notice)")

    # leave no active link or card behind
    page.goto(live_server + "/share")
    revoke = page.locator("#share-current-links .rt-Card", has_text=f"A11y {run}").locator(".share-revoke")
    revoke.click()
    page.locator("#confirm-revoke").click()
    expect(revoke).to_have_count(0)
    page.goto(live_server + "/emergency-card")
    page.locator("#card-off").click()
    page.locator("#confirm-card").click()
    expect(page.locator("#card-is-off")).to_be_visible(timeout=15_000)
    audit.assert_clean()


def test_switches_have_a_44_px_hit_area(live_server: str, page: Page) -> None:
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Hugo")
    page.goto(live_server + "/documents")
    title = f"Switch {uuid.uuid4().hex[:6]}"
    from tests.e2e.test_documents_journey import card, pdf, upload

    upload(page, title, pdf(title))
    card(page, title).locator(".document-sharing").click()
    switches = page.get_by_role("dialog").get_by_role("switch")
    expect(switches.first).to_be_visible()
    page.wait_for_function("document.getAnimations().length === 0")  # the dialog's zoom-in
    assert switches.count() >= 2  # the care team's doctor, and "hidden"
    for i in range(switches.count()):
        switch = switches.nth(i)
        hit = switch.locator("xpath=ancestor::*[contains(concat(' ', @class, ' '), ' switch-hit ')][1]")
        assert_tap_size(hit, f"switch {i}")
        # tapping a corner of the hit area, outside the 35×20 track, toggles it (then back)
        before = switch.get_attribute("aria-checked")
        box = hit.bounding_box()
        page.mouse.click(box["x"] + 2, box["y"] + box["height"] - 2)
        expect(switch).not_to_have_attribute("aria-checked", before)
        box = hit.bounding_box()  # the dialog may have moved (a note appears under "hide")
        page.mouse.click(box["x"] + box["width"] - 2, box["y"] + 2)
        expect(switch).to_have_attribute("aria-checked", before)
    audit = Audit()
    audit.check(page, "owner (document sharing dialog)")
    audit.assert_clean()


def test_co_guardian_pages_have_no_serious_violation(live_server: str, page: Page) -> None:
    audit = Audit()
    log_in(page, live_server, PARENT2_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Julien Martin")
    switch_to(page, "Léa")
    for path in SIGNED_IN_PAGES:
        audit.visit(page, live_server, path, "co-guardian (Léa)")
    audit.assert_clean()


def test_operator_console_pages_have_no_serious_violation(live_server: str, page: Page) -> None:
    email = f"a11y.operator.{uuid.uuid4().hex[:6]}@mes.test"
    add_operator(email, OPERATOR_PASSWORD)
    audit = Audit()
    log_in_with_code(page, live_server, email, OPERATOR_PASSWORD, PROFESSIONAL_TOTP_SECRET)
    for path in OPERATOR_PAGES:
        audit.visit(page, live_server, path, "operator")
    page.locator("#account-email").fill(PARENT2_EMAIL)  # the last page: the accounts, with one found
    page.locator("#account-search").click()
    expect(page.locator("#account-card")).to_be_visible()
    audit.check(page, "operator (an account)")
    page.locator("#account-end-sessions").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    audit.check(page, "operator (confirmation)")
    page.get_by_role("alertdialog").get_by_role("button", name="Annuler").click()
    audit.assert_clean()


def test_professional_pages_have_no_serious_violation(live_server: str, page: Page) -> None:
    audit = Audit()
    log_in(page, live_server, DOCTOR_EMAIL, DOCTOR_PASSWORD)
    expect(page.locator("#profile-switcher")).to_be_visible(timeout=15_000)
    switch_to(page, "Léa")
    for path in PROFESSIONAL_PAGES:
        audit.visit(page, live_server, path, "professional (Léa)")

    # a thread, and its page
    page.goto(live_server + "/messages")
    page.locator("#message-new").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    audit.check(page, "professional (new message)")
    profile = page.locator("#message-profile")
    profile.select_option(profile.locator("option", has_text="Léa").get_attribute("value"))
    page.locator("#message-subject").fill(f"A11y {uuid.uuid4().hex[:6]}")
    page.locator("#message-body").fill("Bonjour, rappel du vaccin.")
    page.locator("#message-start").click()
    expect(page).to_have_url(re.compile(r"/messages/thread\?id=\d+"))
    expect(page.locator(".message-body").first).to_be_visible()
    audit.check(page, "professional (thread)")
    assert_tap_size(page.locator(".back-link").first, "back link")
    audit.assert_clean()


def _register(page: Page, base: str, mailbox: Mailbox, email: str) -> None:
    register_and_activate(page, base, mailbox, email=email, password=CAREGIVER_PASSWORD, given_name=CAREGIVER_GIVEN,
                          family_name=CAREGIVER_FAMILY, birth_date="1995-04-02")


def test_caregiver_pages_have_no_serious_violation(live_server: str, page: Page, mailbox: Mailbox) -> None:
    audit = Audit()
    email = f"alix.{uuid.uuid4().hex[:8]}@example.org"
    _register(page, live_server, mailbox, email)
    audit.check(page, "logged out (account activated)")
    audit.check(page, "logged out (account made)")

    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    page.goto(live_server + "/caregivers")
    page.locator("#caregiver-email").fill(email)
    page.locator("#scope-vaccinations").check()
    page.locator("#caregiver-invite").click()
    expect(page.locator("#caregiver-pending")).to_contain_text(email)
    audit.check(page, "owner (invitation pending)")
    page.context.clear_cookies()

    log_in(page, live_server, email, CAREGIVER_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text(f"{CAREGIVER_GIVEN} {CAREGIVER_FAMILY}")
    audit.check(page, "caregiver (home, invitation)")
    page.goto(live_server + "/profiles")
    page.locator(".invitation-accept").first.click()
    expect(page.locator("#invite-confirm-text")).to_be_visible()
    audit.check(page, "caregiver (accept dialog)")
    page.locator("#invite-confirm").click()
    expect(page.get_by_text("Invitation acceptée")).to_be_visible()
    switch_to(page, "Léa")
    for path in SIGNED_IN_PAGES:
        audit.visit(page, live_server, path, "caregiver (Léa)")
    page.context.clear_cookies()

    # the parent revokes her again (the care-circle journey revokes the first caregiver listed)
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#active-profile-name")).to_have_text("Camille Martin")
    switch_to(page, "Léa")
    page.goto(live_server + "/caregivers")
    grant = page.locator("#caregiver-list > *", has_text=f"{CAREGIVER_GIVEN} {CAREGIVER_FAMILY}")
    grant.locator(".caregiver-revoke").click()
    page.locator("#confirm-revoke").click()
    expect(page.locator("body")).not_to_contain_text(f"{CAREGIVER_GIVEN} {CAREGIVER_FAMILY}", timeout=15_000)
    audit.assert_clean()
