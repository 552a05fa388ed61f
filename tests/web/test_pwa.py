"""Installable on a phone: the manifest has what browsers need to install the app, the
service worker stores nothing but the offline page and the icons, and the server sends the
PWA files with the headers they need."""

from __future__ import annotations

import re
import struct

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.testclient import TestClient

from mes_app.web import pwa, routes

SW = (pwa.ASSETS / "sw.js").read_text(encoding="utf-8")
OFFLINE = (pwa.ASSETS / "offline.html").read_text(encoding="utf-8")


def _png_size(path: str) -> tuple[int, int]:
    data = (pwa.ASSETS / path.lstrip("/")).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_has_every_installability_field():
    manifest = pwa.manifest()
    assert manifest["name"].startswith("MES") and manifest["short_name"] == "MES"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["id"] == "/"
    assert manifest["display"] == "standalone" and manifest["lang"] == "fr"
    assert manifest["theme_color"] == pwa.THEME_COLOR
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    by_purpose: dict[str, set[str]] = {}
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png" and icon["src"].startswith("/")
        width, height = _png_size(icon["src"])  # the file exists and has the size it claims
        assert icon["sizes"] == f"{width}x{height}"
        by_purpose.setdefault(icon["purpose"], set()).add(icon["sizes"])
    assert {"192x192", "512x512"} <= by_purpose["any"]
    assert "512x512" in by_purpose["maskable"]


def test_the_worker_precaches_only_the_offline_page_and_icons_and_never_stores_a_response():
    precache = re.search(r"const PRECACHE = \[(.*?)\];", SW, re.DOTALL).group(1)
    urls = set(re.findall(r'"(/[^"]*)"', precache)) | ({pwa.OFFLINE_PATH} if "OFFLINE_URL" in precache else set())
    assert urls == {pwa.OFFLINE_PATH, "/favicon.ico"} | {icon["src"] for icon in pwa.manifest()["icons"]}
    code = re.sub(r"//.*", "", SW)  # the comments may say "put"; the code may not
    assert ".put(" not in code and "cache.add(" not in code
    assert code.count("addAll(") == 1 and code.count("respondWith(") == 1
    # only GET page navigations are answered, never /api/ or Reflex's /_event, /_upload
    assert 'request.mode !== "navigate" || request.method !== "GET"' in code
    assert 'startsWith("/api/")' in code and 'startsWith("/_")' in code


def test_the_offline_page_says_no_connection_in_french_and_english_and_needs_nothing_else():
    assert '<html lang="fr">' in OFFLINE
    assert "Pas de connexion" in OFFLINE and "No connection" in OFFLINE
    assert 'lang="en"' in OFFLINE
    # offline, the worker answers nothing but this page: no script, no other file it would need
    assert "<script" not in OFFLINE.lower()
    assert not re.search(r'\b(src|href)="(?!#|")[^"]+"', OFFLINE)


def _static_client() -> TestClient:
    app = Starlette(routes=[Mount("/", app=StaticFiles(directory=pwa.ASSETS, html=True))])
    return TestClient(routes.guard(app), base_url="http://localhost:3000")


def test_the_worker_is_revalidated_every_time_and_gets_its_own_policy_not_sandbox():
    client = _static_client()
    answer = client.get(pwa.WORKER_PATH)
    assert answer.status_code == 200 and "javascript" in answer.headers["content-type"]
    assert answer.headers["cache-control"] == "no-cache"
    assert answer.headers["content-security-policy"] == pwa.WORKER_CSP
    assert "sandbox" not in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    for path in (pwa.MANIFEST_PATH, pwa.REGISTER_PATH):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.headers["cache-control"] == "no-cache"
        assert answer.headers["content-security-policy"] == "sandbox"
    assert client.get(pwa.MANIFEST_PATH).headers["content-type"].startswith("application/manifest+json")


def test_the_offline_page_gets_the_page_csp_and_other_files_keep_their_headers():
    client = _static_client()
    answer = client.get(pwa.OFFLINE_PATH)
    assert answer.headers["cache-control"] == "no-cache"
    csp = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "'sha256-" not in csp  # no inline script to allow
    icon = client.get("/icon-512.png")
    assert "cache-control" not in icon.headers and icon.headers["content-security-policy"] == "sandbox"


def test_pages_may_register_the_worker_and_load_the_manifest():
    from mes_app.web import security_headers

    csp = dict(d.strip().split(" ", 1) for d in security_headers.page_csp().split(";"))
    assert csp["worker-src"] == "'self'" and csp["manifest-src"] == "'self'"
