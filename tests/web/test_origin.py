"""The one same-origin check (mes_app.web.origin) as a browser, a sandboxed frame or another
site presents itself, and the guard that applies it to every state-changing request."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from mes_app.web import origin, routes

APP = "http://localhost:3000"
ALLOWED = origin.allowed_origins(APP)


def test_the_app_origin_and_its_loopback_twin_are_allowed():
    assert ALLOWED == ("http://localhost:3000", "http://127.0.0.1:3000")
    assert origin.allowed_origins("https://mes.example.org/") == ("https://mes.example.org",)
    assert origin.allowed_origins("https://MES.example.org:443") == ("https://mes.example.org",)
    assert origin.websocket_origins("https://mes.example.org") == ("wss://mes.example.org",)


@pytest.mark.parametrize("headers", [
    {"origin": "http://localhost:3000"},
    {"origin": "http://127.0.0.1:3000"},
    # Some browsers send Origin: null on their own same-origin POSTs; Sec-Fetch-Site (no page
    # can set it) vouches for them.
    {"origin": "null", "sec-fetch-site": "same-origin"},
    {"sec-fetch-site": "same-origin"},
    {"referer": "http://localhost:3000/login?next=/"},
])
def test_requests_from_our_own_pages_pass(headers):
    assert origin.is_same_origin(headers, ALLOWED)


@pytest.mark.parametrize("headers", [
    {"origin": "https://evil.example"},
    {"origin": "http://localhost:3000.evil.example"},
    {"origin": "http://localhost:4000"},
    {"origin": "https://localhost:3000"},
    {"origin": "null"},  # a sandboxed frame, a CSP-sandboxed document, a data: URL
    {"origin": "null", "sec-fetch-site": "cross-site"},  # what Chromium sends for those
    {"origin": "null", "sec-fetch-site": "same-site"},
    {"origin": "null", "referer": "http://localhost:3000/"},
    {"sec-fetch-site": "none"},
    {"referer": "https://evil.example/http://localhost:3000/"},
    {"origin": "garbage"},
    {},  # nothing proves where it comes from
])
def test_everything_else_is_refused(headers):
    assert not origin.is_same_origin(headers, ALLOWED)


def test_only_state_changing_methods_are_checked_and_the_shl_manifest_is_open():
    for method in ("POST", "PUT", "PATCH", "DELETE", "post"):
        assert origin.needs_check(method, "/api/login")
        assert origin.needs_check(method, "/_upload")
    for method in ("GET", "HEAD", "OPTIONS"):
        assert not origin.needs_check(method, "/api/login")
    # SMART Health Links viewers live on other origins; the secret in the URL is the key.
    assert not origin.needs_check("POST", "/api/shl/abc")
    assert origin.needs_check("POST", "/api/shlx")


@pytest.fixture()
def client():
    async def echo(request):
        return PlainTextResponse("done")

    inner = Starlette(routes=[Route("/anything", echo, methods=["GET", "POST", "DELETE"]),
                              Route("/api/shl/{secret}", echo, methods=["POST"])])
    return TestClient(routes.guard(inner), base_url=APP)


def test_the_guard_refuses_cross_site_writes_with_a_translated_message(client):
    refused = client.post("/anything", headers={"Origin": "null"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "error.cross_site" and "MES" in refused.json()["message"]
    english = client.delete("/anything", headers={"Origin": "https://evil.example", "Cookie": "mes_lang=en"})
    assert english.status_code == 403 and english.json()["message"].startswith("Request refused")
    assert client.post("/anything").status_code == 403
    assert client.post("/anything", headers={"Origin": APP}).text == "done"
    assert client.post("/anything", headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"}).text == "done"
    assert client.get("/anything", headers={"Origin": "https://evil.example"}).text == "done"
    assert client.post("/api/shl/abc", headers={"Origin": "https://viewer.example"}).text == "done"


def test_the_websocket_accepts_the_same_origins():
    import rxconfig

    assert tuple(rxconfig.config.cors_allowed_origins) == origin.allowed_origins()
