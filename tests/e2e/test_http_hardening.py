"""The production server over plain HTTP, as an attacker's script or a sandboxed frame sees it:
oversized chunked uploads, cross-site writes, the security headers of pages and files."""

from __future__ import annotations

import http.client
import sqlite3
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest

from mes_app.storage import LocalStorage
from tests.e2e import server as mes_server
from tests.e2e.test_documents_journey import PARENT, pdf
from tests.e2e.ws_client import login_cookie

pytestmark = pytest.mark.e2e

BOUNDARY = "----mesE2EBoundary" + "x" * 8
MB = 1024 * 1024


def _data_dir() -> Path:
    return mes_server._current.data_dir


def _db() -> sqlite3.Connection:
    return sqlite3.connect(_data_dir() / "mes.db")


def _parent_profile_id() -> int:
    with _db() as db:
        (pid,) = db.execute(
            "SELECT p.id FROM profile p JOIN user_account u ON p.owner_user_id = u.id WHERE u.email = ?",
            (PARENT[0],),
        ).fetchone()
    return pid


def _document_count() -> int:
    with _db() as db:
        return db.execute("SELECT count(*) FROM document").fetchone()[0]


def _storage() -> LocalStorage:
    return LocalStorage(_data_dir() / "documents")


def _connection(live_server: str) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(live_server)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)


def _multipart_head(profile_id: int, title: str, filename: str = "gros.pdf") -> bytes:
    fields = {"profile_id": str(profile_id), "title": title, "document_date": "2026-11-02", "category": "18748-4"}
    head = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    )
    return (
        head
        + (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
    )


def _post_chunked(live_server: str, path: str, chunks, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST with Transfer-Encoding: chunked (no Content-Length); the server may answer and close
    before the client has sent everything."""
    conn = _connection(live_server)
    try:
        conn.putrequest("POST", path)
        for name, value in {**headers, "Transfer-Encoding": "chunked"}.items():
            conn.putheader(name, value)
        conn.endheaders()
        try:
            for chunk in chunks:
                conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            conn.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: its answer is already on the way
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _big_pdf_chunks(head: bytes, total: int, chunk: int):
    yield head + b"%PDF-1.4\n"
    sent = 0
    while sent < total:
        yield b"z" * chunk
        sent += chunk
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


@pytest.mark.parametrize("chunk", [64 * 1024, 1 * MB, 4 * MB])
def test_a_30_mb_chunked_upload_is_413_and_nothing_is_stored(live_server: str, chunk: int) -> None:
    cookie = login_cookie(live_server, *PARENT)
    assert cookie
    title = f"Trop gros {uuid.uuid4().hex[:6]}"
    headers = {
        "Cookie": f"mes_session={cookie}",
        "Origin": live_server,
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
    }
    before_docs, storage = _document_count(), _storage()
    before_files = storage.stored_files()
    status, body = _post_chunked(
        live_server,
        "/api/documents",
        _big_pdf_chunks(_multipart_head(_parent_profile_id(), title), 30 * MB, chunk),
        headers,
    )
    assert status == 413, body[:300]
    assert b"error.document_too_large" in body

    # the same answer as a body that declares its size
    conn = _connection(live_server)
    try:
        conn.putrequest("POST", "/api/documents")
        for name, value in {**headers, "Content-Length": str(25 * MB)}.items():
            conn.putheader(name, value)
        conn.endheaders()  # refused on the declared size: the server does not wait for the body
        declared = conn.getresponse()
        assert declared.status == 413 and declared.read() == body
    finally:
        conn.close()

    time.sleep(0.5)  # let the server finish cleaning up
    assert _document_count() == before_docs
    assert storage.stored_files() == before_files and storage.partial_files() == []
    log = mes_server.current_log_text()
    assert "Response already started" not in log and "ASGI flow error" not in log


def test_an_oversized_chunked_login_form_is_413(live_server: str) -> None:
    status, body = _post_chunked(
        live_server,
        "/api/login",
        (b"a" * 8192 for _ in range(64)),
        {"Origin": live_server, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 413 and b"error.request_too_large" in body


def _post(live_server: str, path: str, body: bytes, headers: dict[str, str]) -> http.client.HTTPResponse:
    conn = _connection(live_server)
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.mark.parametrize(
    "origin_headers",
    [
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},  # a sandboxed frame in Chromium
        {"Origin": "null"},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        {},  # nothing proves where it comes from
    ],
)
def test_login_and_logout_from_a_sandboxed_frame_or_another_site_are_refused(
    live_server: str, origin_headers: dict
) -> None:
    form = urllib.parse.urlencode({"email": PARENT[0], "password": PARENT[1]}).encode()
    login = _post(
        live_server, "/api/login", form, {"Content-Type": "application/x-www-form-urlencoded", **origin_headers}
    )
    assert login.status == 403 and login.getheader("set-cookie") is None

    cookie = login_cookie(live_server, *PARENT)
    logout = _post(live_server, "/api/logout", b"", {"Cookie": f"mes_session={cookie}", **origin_headers})
    assert logout.status == 403 and logout.getheader("set-cookie") is None
    # the session still works: the forged logout did nothing
    page = _post(live_server, "/api/logout", b"", {"Cookie": f"mes_session={cookie}", "Origin": live_server})
    assert page.status == 303


def test_our_own_pages_posting_with_origin_null_still_log_in(live_server: str) -> None:
    """A browser that sends Origin: null on a same-origin post (a no-referrer policy, some
    privacy settings) is vouched for by Sec-Fetch-Site."""
    form = urllib.parse.urlencode({"email": PARENT[0], "password": PARENT[1]}).encode()
    login = _post(
        live_server,
        "/api/login",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    assert login.status == 303 and "mes_session=" in (login.getheader("set-cookie") or "")


def _get(live_server: str, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conn = _connection(live_server)
    conn.request("GET", path, headers={"Accept-Encoding": "gzip", **(headers or {})})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def _csp(header: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


@pytest.mark.parametrize("path", ["/", "/login", "/documents", "/s?k=abc", "/urgence?k=abc", "/record/vaccinations"])
def test_every_page_has_a_strict_csp_and_the_hardening_headers(live_server: str, path: str) -> None:
    page = _get(live_server, path)
    for _ in range(3):  # /login -> /login/ (static folder redirect)
        if page.status not in (301, 302, 307, 308):
            break
        page = _get(
            live_server, urllib.parse.urlsplit(page.getheader("location"))._replace(scheme="", netloc="").geturl()
        )
    assert page.status == 200 and page.getheader("content-type").startswith("text/html")
    csp = _csp(page.getheader("content-security-policy"))
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert any(s.startswith("'sha256-") for s in csp["script-src"])
    assert f"ws://localhost:{mes_server._current.port}" in csp["connect-src"]
    assert page.getheader("x-frame-options") == "DENY"
    assert page.getheader("referrer-policy") == "same-origin"
    assert page.getheader("x-content-type-options") == "nosniff"
    assert "camera=()" in page.getheader("permissions-policy")
    assert page.getheader("strict-transport-security") is None  # MES_COOKIE_SECURE is off here


def test_documents_and_calendar_files_are_sandboxed(live_server: str) -> None:
    cookie = login_cookie(live_server, *PARENT)
    headers = {
        "Cookie": f"mes_session={cookie}",
        "Origin": live_server,
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
    }
    polyglot = pdf("polyglot") + b"<html><body><script>fetch('/api/logout',{method:'POST'})</script></body></html>"
    body = (
        _multipart_head(_parent_profile_id(), f"Polyglotte {uuid.uuid4().hex[:6]}", "poly.pdf")
        + polyglot
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    conn = _connection(live_server)
    conn.request("POST", "/api/documents", body=body, headers=headers)
    answer = conn.getresponse()
    import json

    created = json.loads(answer.read())
    conn.close()
    assert answer.status == 201, created
    for path in (
        f"/api/documents/{created['id']}",
        f"/api/documents/{created['id']}?download=1",
        "/api/appointments.ics",
    ):
        opened = _get(live_server, path, {"Cookie": f"mes_session={cookie}"})
        assert opened.status == 200, path
        assert opened.getheader("content-security-policy") == "sandbox"
        assert opened.getheader("x-content-type-options") == "nosniff"
