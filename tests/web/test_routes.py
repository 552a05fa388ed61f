"""The app's own HTTP routes: log in/out, the session cookie, body limits, /_upload refused."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from mes_app.db.models import AuthSession
from mes_app.services import accounts
from mes_app.web import routes
from tests.factories import register_and_activate
from tests.web import use_engine

PASSWORD = "Correct-horse-42"


@pytest.fixture()
def client(engine, session, monkeypatch):
    use_engine(monkeypatch, engine)
    reg = accounts.parse_registration(
        {
            "email": "ana@example.org",
            "password": PASSWORD,
            "given_name": "Ana",
            "family_name": "Lopez",
            "birth_date": "1991-04-05",
            "sex": "female",
        },
        today=date(2026, 11, 28),
    )
    register_and_activate(session, reg, now=routes.utcnow())

    async def echo(request):
        body = await request.body()
        return PlainTextResponse(f"got {len(body)}")

    inner = Starlette(routes=[Route("/_upload", echo, methods=["POST"]), Route("/echo", echo, methods=["POST"])])
    api = routes.build_api()
    api.mount("", inner)
    with TestClient(
        routes.guard(api),
        base_url="http://localhost:3000",
        follow_redirects=False,
        headers={"Origin": "http://localhost:3000"},
    ) as test_client:
        yield test_client


def test_login_sets_an_httponly_strict_cookie_whose_secret_is_stored_hashed(client, session):
    response = client.post("/api/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["location"] == "/"
    set_cookie = response.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=strict" in set_cookie and "Path=/" in set_cookie
    secret = response.cookies["mes_session"]
    stored = session.exec(select(AuthSession)).all()
    assert len(stored) == 1 and stored[0].token_hash == accounts.hash_secret(secret)
    assert secret not in stored[0].token_hash


def test_wrong_password_redirects_with_a_message_key_only(client):
    response = client.post("/api/login", data={"email": "ana@example.org", "password": "Wrong-pass-000"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?error=error.bad_credentials"
    # No session; only the typed address comes back (see test_password_reset_routes), not the password.
    assert "mes_session" not in response.headers.get("set-cookie", "")
    assert "Wrong-pass-000" not in response.headers.get("set-cookie", "")


def test_unknown_email_gets_exactly_the_same_answer(client):
    response = client.post("/api/login", data={"email": "nobody@example.org", "password": "Wrong-pass-000"})
    assert response.headers["location"] == "/login?error=error.bad_credentials"


def test_login_from_another_site_is_refused(client):
    response = client.post(
        "/api/login",
        data={"email": "ana@example.org", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_logout_revokes_the_session_and_clears_the_cookie(client, session):
    client.post("/api/login", data={"email": "ana@example.org", "password": PASSWORD})
    response = client.post("/api/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login?bye=1"
    assert 'mes_session=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    session.expire_all()
    assert all(row.revoked_at is not None for row in session.exec(select(AuthSession)))


def test_reflex_public_upload_folder_is_never_served(client):
    assert client.get("/_upload/anything.pdf").status_code == 404
    assert client.head("/_upload/../secret").status_code == 404


def test_oversized_bodies_are_refused_before_they_are_read(client):
    big = b"x" * (routes.MAX_FORM_BYTES + 1)
    assert client.post("/echo", content=big).status_code == 413
    assert client.post("/echo", content=b"small").text == "got 5"


def test_uploads_are_capped_at_the_configured_size(client, monkeypatch):
    monkeypatch.setattr(routes, "settings", dataclasses.replace(routes.settings, max_upload_bytes=1000))
    assert client.post("/_upload", content=b"x" * 70_000).status_code == 413


def test_security_headers_on_every_answer(client):
    response = client.get("/_upload/x")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


def test_cookie_header_parsing_is_defensive():
    assert routes.session_secret_from_cookie_header(None) is None
    assert routes.session_secret_from_cookie_header("garbage;;;==") is None
    assert routes.session_secret_from_cookie_header("a=1; mes_session=abc") == "abc"


PAGE = (
    b'<!DOCTYPE html><html><head><script>window.a = 1;</script><script src="/assets/x.js"></script>'
    b'</head><body><script type="module">import "/assets/y.js";</script></body></html>'
)


def _page_app():
    import gzip

    from starlette.responses import HTMLResponse, Response

    async def page(request):
        return HTMLResponse(PAGE)

    async def gz_page(request):
        return Response(
            gzip.compress(PAGE), media_type="text/html; charset=utf-8", headers={"Content-Encoding": "gzip"}
        )

    async def file(request):
        return Response(b"%PDF-1.4 <script>alert(1)</script>", media_type="application/pdf")

    return Starlette(routes=[Route("/page", page), Route("/gz", gz_page), Route("/file", file)])


def test_html_pages_get_a_strict_csp_with_the_hashes_of_their_own_inline_scripts():
    import base64
    import hashlib

    client = TestClient(routes.guard(_page_app()), base_url="http://localhost:3000")
    expected = [
        f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'"
        for s in (b"window.a = 1;", b'import "/assets/y.js";')
    ]
    for path in ("/page", "/gz"):
        answer = client.get(path)
        assert answer.content == PAGE
        csp = dict(d.strip().split(" ", 1) for d in answer.headers["content-security-policy"].split(";"))
        assert csp["script-src"].split() == ["'self'", "'unsafe-eval'", *expected]
        assert "'unsafe-inline'" not in csp["script-src"]
        assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
        assert csp["base-uri"] == "'none'" and csp["form-action"] == "'self'"
        assert "ws://localhost:3000" in csp["connect-src"].split()
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert "camera=()" in answer.headers["permissions-policy"]
        assert "strict-transport-security" not in answer.headers


def test_files_are_sandboxed_and_hsts_only_behind_https(monkeypatch):
    from mes_app.web import security_headers

    client = TestClient(routes.guard(_page_app()), base_url="http://localhost:3000")
    answer = client.get("/file")
    assert answer.headers["content-security-policy"] == "sandbox"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in answer.headers
    monkeypatch.setattr(
        security_headers, "settings", dataclasses.replace(security_headers.settings, cookie_secure=True)
    )
    for path in ("/file", "/page"):
        assert client.get(path).headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_login_and_logout_from_a_sandboxed_frame_are_refused(client):
    for path in ("/api/login", "/api/logout"):
        answer = client.post(
            path,
            data={"email": "ana@example.org", "password": PASSWORD},
            headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        )
        assert answer.status_code == 403 and "set-cookie" not in answer.headers


def test_html_files_sent_by_the_server_itself_get_their_csp_too(tmp_path):
    """Granian's ``http.response.pathsend``: FileResponse hands the file path to the server."""
    import asyncio

    page = tmp_path / "index.html"
    page.write_bytes(PAGE)
    sent: list[dict] = []

    async def static(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.pathsend", "path": str(page)})

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    asyncio.run(routes.guard(static)(scope, receive, send))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.pathsend"]
    csp = dict(sent[0]["headers"])[b"content-security-policy"].decode()
    assert "'sha256-" in csp and "frame-ancestors 'none'" in csp


def test_a_304_for_a_cached_page_does_not_replace_its_csp_with_sandbox():
    """Browsers merge a 304's headers into the cached page: a ``sandbox`` there would stop the
    page's scripts on the next reload."""
    from starlette.responses import Response

    async def not_modified(request):
        return Response(status_code=304, headers={"etag": '"abc"'})

    client = TestClient(routes.guard(Starlette(routes=[Route("/", not_modified)])), base_url="http://localhost:3000")
    answer = client.get("/", headers={"If-None-Match": '"abc"'})
    assert answer.status_code == 304
    assert "content-security-policy" not in answer.headers
    assert answer.headers["x-content-type-options"] == "nosniff"
