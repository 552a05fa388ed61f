"""Installable on a phone (headless Chromium, 390×844, the production build): the service
worker registers and controls the page, Chromium finds the manifest installable, offline a
page opens as the "no connection" page, and after a logged-in visit Cache Storage holds
nothing but the offline page and the icons (no API answer, no page, no health data)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Playwright, expect

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _localhost_only
from tests.e2e.test_journeys import PARENT_EMAIL, PARENT_PASSWORD, log_in

pytestmark = pytest.mark.e2e

PRECACHED = {"/offline.html", "/icon-192.png", "/icon-512.png", "/icon-maskable-192.png",
             "/icon-maskable-512.png", "/favicon.ico"}
CSP_WORDS = re.compile(r"Content[- ]Security[- ]Policy|Refused to", re.IGNORECASE)

CACHE_CONTENTS = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = (await cache.keys()).map((request) => request.url);
  }
  return out;
}"""


@pytest.fixture
def phone_page(playwright_instance: Playwright, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Page]:
    """Like ``browser_page`` (390×844 phone, French, localhost only) but in a real profile:
    Chromium never offers to install an app from an off-the-record context ("in-incognito")."""
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True,
        locale="fr-FR",
    )
    context.route("**/*", _localhost_only)
    page = context.pages[0] if context.pages else context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            try:
                page.screenshot(path=str(ARTIFACTS / "test_pwa_journey.png"), full_page=True)
            except Exception as exc:  # the page may be closed or crashed
                print(f"screenshot failed: {exc}")
        context.close()


def _wait_until_controlled(page: Page) -> None:
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=20_000)


def _cached_paths(page: Page) -> dict[str, set[str]]:
    return {name: {urlsplit(url).path for url in urls} for name, urls in page.evaluate(CACHE_CONTENTS).items()}


def test_the_app_installs_works_offline_with_an_offline_page_and_caches_no_health_data(
    live_server: str, phone_page: Page
) -> None:
    page = phone_page
    seen: list[str] = []
    page.on("console", lambda message: seen.append(f"{page.url} [{message.type}] {message.text}"))
    page.on("pageerror", lambda error: seen.append(f"{page.url} [pageerror] {error}"))

    page.goto(live_server + "/login")
    expect(page.locator("#login-submit")).to_be_visible(timeout=15_000)
    _wait_until_controlled(page)
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope == live_server + "/"
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == live_server + "/sw.js"

    cdp = page.context.new_cdp_session(page)
    found = cdp.send("Page.getAppManifest")
    assert found["url"] == live_server + "/manifest.webmanifest"
    assert found["errors"] == [], found["errors"]
    parsed = found.get("manifest") or {}
    if parsed:  # recent Chromium also gives the parsed manifest
        assert parsed.get("startUrl") == live_server + "/" and parsed.get("display") in ("Standalone", "kStandalone")
    assert '"short_name": "MES"' in found["data"]
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors

    # logged in, pages with health data: nothing of them is stored
    log_in(page, live_server, PARENT_EMAIL, PARENT_PASSWORD)
    expect(page.locator("#profile-switcher")).to_be_visible(timeout=15_000)
    page.goto(live_server + "/record")
    expect(page.locator("#profile-switcher")).to_be_visible(timeout=15_000)
    page.goto(live_server + "/record/vaccinations")
    expect(page.locator("#profile-switcher")).to_be_visible(timeout=15_000)
    _wait_until_controlled(page)
    cached = _cached_paths(page)
    assert set(cached) == {"mes-offline-v1"}, cached
    assert cached["mes-offline-v1"] == PRECACHED

    # offline: opening a page shows the "no connection" page (both languages), not an old copy
    page.context.set_offline(True)
    try:
        for path in ("/record", "/summary"):
            page.goto(live_server + path)
            expect(page.locator("#offline-fr h1")).to_have_text("Pas de connexion")
            expect(page.locator("#offline-en h2")).to_have_text("No connection")
            assert urlsplit(page.url).path == path
            expect(page.locator("#profile-switcher")).to_have_count(0)
    finally:
        page.context.set_offline(False)
    # back online, the page itself again (network first: the worker never keeps pages)
    page.goto(live_server + "/record")
    expect(page.locator("#profile-switcher")).to_be_visible(timeout=15_000)
    assert _cached_paths(page)["mes-offline-v1"] == PRECACHED
    assert not [line for line in seen if CSP_WORDS.search(line)], seen
