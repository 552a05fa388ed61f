"""Browser-test fixtures: the real production server and a mobile Chromium page.

- ``live_server`` (session): ``tests/e2e/server.py`` migrates, seeds and runs
  ``reflex run --env prod`` on a free port with a temporary ``MES_DATA_DIR``; yields its
  base URL (``http://localhost:<port>``). With ``MES_E2E_SCALE=redis`` it runs on PostgreSQL +
  Redis with two granian workers (``make test-scaled``: the browser journeys on a scaled service).
- ``mailbox`` (session): a real SMTP server (aiosmtpd, ``tests/smtp.py``) that the live
  server sends its mail to (``MES_SMTP_*``); read what arrived with ``mailbox.wait_for(...)``.
- ``cluster`` (module, two params): the websocket security tests' service, one process
  (``live_server``) or two workers on PostgreSQL + Redis (``redis_cluster``, session,
  ``tests/e2e/cluster.py``).
- ``browser_page`` (function): a Playwright sync ``Page`` in Debian's ``/usr/bin/chromium``
  (never ``playwright install``), 390x844 phone, French locale, only localhost allowed.
  On failure a screenshot goes to ``test-artifacts/``. Playwright and Chromium live for one
  test module (see ``playwright_instance``): do not mix asyncio tests into such a module.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, Route, expect, sync_playwright

from tests.e2e import server as mes_server
from tests.e2e.cluster import SCALE_VARIABLE, Cluster, missing_servers, one_process, scaled_live_server, two_workers
from tests.smtp import Mailbox, smtp_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = mes_server.ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def let_the_toasts_close(page: Page) -> None:
    """Wait until no toast is shown. Playwright's clicks move a mouse, and a toast under the
    pointer stays open (sonner pauses while hovered), which a finger on a phone never does:
    the pointer is moved off first, then the toasts' own few seconds run out."""
    page.mouse.move(1, 1)
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15_000)


# The text of Reflex's own 404 page (reflex/app.py), shown when the single-page app routes a link
# it should have left to the server. A bare "404" would also match a document title or a size.
ROUTER_NOT_FOUND = "404: Page not found"


def assert_not_routed_to_404(page: Page) -> None:
    """The app did not swallow a server link and show its router's 404 page."""
    expect(page.get_by_text(ROUTER_NOT_FOUND)).to_have_count(0)
    assert "/api/" not in page.url, f"the browser left the app for {page.url}"


def assert_no_horizontal_scroll(page: Page) -> None:
    """The page must fit the viewport width (no sideways scrolling on a phone)."""
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"horizontal scroll on {page.url}: scrollWidth {scroll_width} > innerWidth {inner_width}"
    )


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    # aiosmtpd runs its own event loop in its own thread: no clash with Playwright's.
    with smtp_server() as box:
        yield box


def _smtp_env(mailbox: Mailbox) -> dict[str, str]:
    return {
        "MES_SMTP_HOST": "127.0.0.1",
        "MES_SMTP_PORT": str(mailbox.port),
        "MES_SMTP_STARTTLS": "false",
        "MES_MAIL_FROM": "MES <no-reply@mes.test>",
        # journeys count the mails they wait for: no notification e-mail in between
        "MES_NOTIFICATIONS_WORKER": "0",
    }


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox) -> Iterator[Cluster]:
    """Two workers on PostgreSQL + Redis (tests/e2e/cluster.py), started once, when first asked."""
    if reason := missing_servers():
        pytest.skip(f"two workers need PostgreSQL and Redis on localhost: {reason}")
    data_dir = tmp_path_factory.mktemp("mes-cluster")
    try:
        with two_workers(data_dir, _smtp_env(mailbox)) as cluster:
            yield cluster
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        for log in data_dir.glob("server*.log"):
            shutil.copy(log, ARTIFACTS / f"e2e-cluster-{log.name}")
        shutil.rmtree(data_dir / ".web", ignore_errors=True)


@pytest.fixture(scope="module", params=["one-process", "redis-2-workers"])
def cluster(request: pytest.FixtureRequest) -> Cluster:
    """The websocket security tests, against one process and against two workers sharing Redis."""
    if request.param == "one-process":
        return one_process(request.getfixturevalue("live_server"))
    return request.getfixturevalue("redis_cluster")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("mes-data")
    server = None
    try:
        if os.environ.get(SCALE_VARIABLE) == "redis":
            with scaled_live_server(data_dir, _smtp_env(mailbox)) as scaled:
                yield scaled.base_url
        else:
            # Stops the server itself if it fails to start.
            server = mes_server.start(data_dir, extra_env=_smtp_env(mailbox))
            yield server.base_url
    finally:
        if server is not None:
            mes_server.stop(server)
        ARTIFACTS.mkdir(exist_ok=True)
        if (data_dir / "server.log").exists():
            shutil.copy(data_dir / "server.log", ARTIFACTS / "e2e-server.log")
        # The private build folder holds ~150 MB of node_modules.
        shutil.rmtree(data_dir / ".web", ignore_errors=True)


# Module scope, not session: while Playwright's sync API is running, the thread has a
# running asyncio loop, so asyncio.run() and async tests elsewhere would fail with
# "asyncio.run() cannot be called from a running event loop". Keep asyncio code out of
# modules that use ``browser_page``.
@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browsers` (apt-get install chromium)")
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def _localhost_only(route: Route) -> None:
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
        route.continue_()
    else:
        route.abort()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def browser_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
    )
    context.route("**/*", _localhost_only)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            except Exception as exc:  # the page may be closed or crashed
                print(f"screenshot failed: {exc}")
        context.close()
