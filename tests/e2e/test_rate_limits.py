"""Rate limits against the real production server, started for this module with low limits
(the suite's shared server has limits far above what its tests do, see server.py): a script
hammering the log-in route gets HTTP 429 with Retry-After and a French/English message; a visitor
opening links over and over sees a clear refusal in the page."""

from __future__ import annotations

import http.client
import secrets
import shutil
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import server as mes_server

pytestmark = pytest.mark.e2e

LIMITS = {"MES_RATE_LIMIT_LOGIN": "3/minute", "MES_RATE_LIMIT_LINK_OPEN": "3/minute"}


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("mes-limited")
    previous = mes_server._current  # keep the suite's server the "current" one (log checks)
    server = mes_server.start(data_dir, extra_env=LIMITS)
    mes_server._current = previous
    try:
        yield server.base_url
    finally:
        mes_server.stop(server)
        shutil.rmtree(data_dir / ".web", ignore_errors=True)


def _post_login(base_url: str, email: str, password: str) -> http.client.HTTPResponse:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("POST", "/api/login", body=urlencode({"email": email, "password": password}),
                       headers={"Content-Type": "application/x-www-form-urlencoded",
                                "Origin": base_url})  # a script sets it as it likes
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_a_script_hammering_the_login_route_gets_429_with_retry_after(limited_server: str) -> None:
    answers = [_post_login(limited_server, "parent@demo.mes", "Wrong-pass-000") for _ in range(3)]
    assert [a.status for a in answers] == [303, 303, 303]
    refused = _post_login(limited_server, "parent@demo.mes", "Demo-parent-2026")  # even the right password
    assert refused.status == 429
    assert 0 < int(refused.getheader("Retry-After")) <= 60
    text = refused.body.decode("utf-8")
    assert "Trop de demandes depuis cette connexion" in text and "Too many requests from this connection" in text
    assert refused.getheader("Set-Cookie") is None


def test_opening_links_over_and_over_shows_a_clear_refusal_in_the_page(limited_server: str, browser_page: Page) -> None:
    page = browser_page
    refusal = page.locator("#link-refusal")
    page.goto(f"{limited_server}/s?k={secrets.token_urlsafe(32)}")
    expect(refusal).to_contain_text("Lien introuvable")
    for _ in range(6):
        page.goto(f"{limited_server}/s?k={secrets.token_urlsafe(32)}")
        expect(refusal).to_be_visible()
        if "Trop de demandes" in refusal.inner_text():
            break
    expect(refusal).to_contain_text("Trop de demandes depuis cette connexion. Réessayez dans")
