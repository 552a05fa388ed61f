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

PASSWORD = "Correct-horse-42"


@pytest.fixture()
def client(engine, session, monkeypatch):
    monkeypatch.setattr(routes, "get_engine", lambda: engine)
    reg = accounts.parse_registration(
        {"email": "ana@example.org", "password": PASSWORD, "given_name": "Ana", "family_name": "Lopez",
         "birth_date": "1991-04-05", "sex": "female"},
        today=date(2026, 11, 28),
    )
    accounts.register(session, reg, now=routes.utcnow())

    async def echo(request):
        body = await request.body()
        return PlainTextResponse(f"got {len(body)}")

    inner = Starlette(routes=[Route("/_upload", echo, methods=["POST"]), Route("/echo", echo, methods=["POST"])])
    api = routes.build_api()
    api.mount("", inner)
    with TestClient(routes.guard(api), base_url="http://localhost:3000", follow_redirects=False) as test_client:
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
    response = client.post("/api/login", data={"email": "ana@example.org", "password": PASSWORD},
                           headers={"Origin": "https://evil.example"})
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
    assert response.headers["referrer-policy"] == "no-referrer"


def test_cookie_header_parsing_is_defensive():
    assert routes.session_secret_from_cookie_header(None) is None
    assert routes.session_secret_from_cookie_header("garbage;;;==") is None
    assert routes.session_secret_from_cookie_header("a=1; mes_session=abc") == "abc"
