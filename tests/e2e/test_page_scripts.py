"""What JavaScript a page makes the phone download (issue 10, item 8)."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Page

from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.e2e

PARENT = ("parent@demo.mes", "Demo-parent-2026")


def _scripts_loaded(page: Page, url: str) -> dict[str, bytes]:
    bodies: dict[str, bytes] = {}

    def keep(response) -> None:  # noqa: ANN001
        if response.request.resource_type == "script" and response.ok:
            with contextlib.suppress(Exception):  # a response evicted before it was read
                bodies[response.url] = response.body()

    page.on("response", keep)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", keep)
    return bodies


@pytest.mark.parametrize("path", ["/documents", "/access-history"])
def test_the_documents_pages_do_not_download_every_icon(live_server: str, browser_page: Page, path: str) -> None:
    """``rx.icon`` with a name known only in the browser pulls a chunk that maps all of Lucide's
    1 700+ icons to their modules; these pages render their few icons statically."""
    log_in(browser_page, live_server, *PARENT)
    scripts = _scripts_loaded(browser_page, live_server + path)
    assert browser_page.locator("h1, h2").first.is_visible()
    assert scripts, "no script was seen: the test would prove nothing"
    mapping = [url for url, body in scripts.items() if body.count(b"a-arrow-down") and body.count(b"zoom-out")]
    assert mapping == []
