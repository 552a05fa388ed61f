"""The document routes as a browser (or an attacker) sees them: upload streamed under the
limit with the session cookie, download only through the policy, with safe headers."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from sqlmodel import select

from mes_app.db.models import AccessEvent, Document, SecurityEvent
from mes_app.storage import LocalStorage
from mes_app.web import document_routes, routes
from tests.factories import committed_count, give_care, make_owner, make_professional, make_stranger
from tests.web import client_for, use_engine

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"y" * 2000 + b"\n%%EOF\n"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x01" * 500
LIMIT = 8000
BOUNDARY = "----mesTestBoundary7MA4YWxk"


def multipart(
    fields: dict[str, str],
    files: list[tuple[str, bytes]] = (),
    *,
    file_first: bool = False,
    close: bool = True,
    field_name: str = "file",
) -> bytes:
    def part_field(name, value):
        return (
            (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n').encode()
            + value.encode()
            + b"\r\n"
        )

    def part_file(filename, data):
        return (
            (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field_name}"; filename="').encode()
            + filename.encode("utf-8", "surrogatepass")
            + b'"\r\nContent-Type: application/pdf\r\n\r\n'
            + data
            + b"\r\n"
        )

    text = b"".join(part_field(k, v) for k, v in fields.items())
    blobs = b"".join(part_file(n, d) for n, d in files)
    body = blobs + text if file_first else text + blobs
    return body + (f"--{BOUNDARY}--\r\n".encode() if close else b"")


HEADERS = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "documents")


@pytest.fixture()
def app(engine, session, storage, monkeypatch):
    use_engine(monkeypatch, engine)
    limited = dataclasses.replace(routes.settings, max_upload_bytes=LIMIT)
    monkeypatch.setattr(routes, "settings", limited)  # the guard's cap on the body
    monkeypatch.setattr(document_routes, "settings", limited)  # the route's own cap
    monkeypatch.setattr(document_routes, "default_storage", lambda: storage)
    return routes.guard(routes.build_api())



def form(profile, **extra) -> dict[str, str]:
    return {
        "profile_id": str(profile.id),
        "title": "Radio du genou",
        "document_date": "2026-11-02",
        "category": "18748-4",
        **extra,
    }


def post(client, body: bytes, headers=HEADERS):
    return client.post("/api/documents", content=body, headers=headers)


def assert_nothing_stored(session, storage):
    assert committed_count(session, Document) == 0
    assert storage.stored_files() == [] and storage.partial_files() == []


def test_upload_then_open_with_safe_headers(app, session, storage):
    alice = make_owner(session)
    client = client_for(app, alice)
    answer = post(client, multipart(form(alice.profile), [("genou.pdf", PDF)]))
    assert answer.status_code == 201 and answer.json()["ok"] is True
    doc_id = answer.json()["id"]
    opened = client.get(f"/api/documents/{doc_id}")
    assert opened.status_code == 200 and opened.content == PDF
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["cache-control"] == "no-store"
    assert opened.headers["x-content-type-options"] == "nosniff"
    assert opened.headers["content-disposition"] == 'inline; filename="Radio du genou.pdf"'
    downloaded = client.get(f"/api/documents/{doc_id}?download=1")
    assert downloaded.headers["content-disposition"].startswith("attachment;")


def test_a_heic_photo_is_accepted_and_downloaded_not_previewed(app, session):
    alice = make_owner(session)
    client = client_for(app, alice)
    doc_id = post(client, multipart(form(alice.profile), [("IMG_0001.HEIC", HEIC)])).json()["id"]
    opened = client.get(f"/api/documents/{doc_id}")
    assert opened.headers["content-type"] == "image/heic"
    assert opened.headers["content-disposition"].startswith("attachment;")


def test_without_a_session_cookie_nothing_is_stored(app, session, storage):
    alice = make_owner(session)
    answer = post(client_for(app), multipart(form(alice.profile), [("a.pdf", PDF)]))
    assert answer.status_code == 401 and answer.json()["code"] == "error.session_expired"
    assert_nothing_stored(session, storage)


def test_a_post_from_another_site_is_refused(app, session, storage):
    alice = make_owner(session)
    client = client_for(app, alice)
    answer = post(
        client, multipart(form(alice.profile), [("a.pdf", PDF)]), {**HEADERS, "Origin": "https://evil.example"}
    )
    assert answer.status_code == 403
    assert_nothing_stored(session, storage)


def test_a_stranger_can_neither_deposit_nor_open_and_the_attempt_is_logged(app, session, storage):
    alice, mallory = make_owner(session), make_stranger(session)
    doc_id = post(client_for(app, alice), multipart(form(alice.profile), [("a.pdf", PDF)])).json()["id"]
    intruder = client_for(app, mallory)
    answer = post(intruder, multipart(form(alice.profile, title="Faux"), [("b.pdf", PDF + b"x")]))
    assert answer.status_code == 404
    for path in (
        f"/api/documents/{doc_id}",
        f"/api/documents/{doc_id}?download=1",
        "/api/documents/99999",
        "/api/documents/abc",
        "/api/documents/-1",
    ):
        refused = intruder.get(path)
        assert refused.status_code == 404 and PDF not in refused.content, path
        assert refused.headers["cache-control"] == "no-store"
    assert client_for(app).get(f"/api/documents/{doc_id}").status_code == 404  # no cookie at all
    assert session.exec(select(AccessEvent).where(AccessEvent.actor_user_id == mallory.id)).all() == []
    denied = session.exec(
        select(SecurityEvent).where(SecurityEvent.actor_user_id == mallory.id, SecurityEvent.target_kind == "document")
    ).all()
    assert {e.target_id for e in denied} >= {doc_id, 99999}
    assert committed_count(session, Document) == 1 and len(storage.stored_files()) == 1


def test_opening_by_a_professional_is_recorded_for_the_patient(app, session):
    alice, dr = make_owner(session), make_professional(session)
    give_care(session, dr, alice, routes.utcnow())
    doc_id = post(client_for(app, alice), multipart(form(alice.profile), [("a.pdf", PDF)])).json()["id"]
    assert client_for(app, dr).get(f"/api/documents/{doc_id}").content == PDF
    [event] = session.exec(select(AccessEvent).where(AccessEvent.action == "download")).all()
    assert (event.actor_user_id, event.target_id, event.via) == (dr.id, doc_id, "care_team")


@pytest.mark.parametrize(
    ("files", "code", "status"),
    [
        ([("gros.pdf", b"%PDF-1.4\n" + b"z" * (LIMIT + 10))], "error.document_too_large", 413),
        ([("vide.pdf", b"")], "error.document_empty", 400),
        ([("resultats.pdf", b"MZ\x90\x00\x03\x00" + b"\x00" * 400)], "error.document_type_not_allowed", 400),
        (
            [("resultats.pdf", b"<html><script>alert(document.cookie)</script></html>")],
            "error.document_type_not_allowed",
            400,
        ),
        ([("../../../../tmp/x.pdf", PDF)], "error.document_bad_filename", 400),
        ([("a\x00b.pdf", PDF)], "error.document_bad_filename", 400),
        ([("n" * 500 + ".pdf", PDF)], "error.document_bad_filename", 400),
        ([("a.pdf", PDF), ("b.pdf", PDF + b"2")], "error.invalid_form", 400),
        ([], "error.document_no_file", 400),
    ],
)
def test_each_bad_upload_gets_a_clear_message_and_stores_nothing(app, session, storage, files, code, status):
    alice = make_owner(session)
    answer = post(client_for(app, alice), multipart(form(alice.profile), files))
    assert answer.status_code == status
    assert answer.json()["code"] == code and answer.json()["message"] and answer.json()["message"] != code
    assert_nothing_stored(session, storage)


def test_a_declared_oversized_body_is_refused_before_it_is_read(app, session, storage):
    alice = make_owner(session)
    client = client_for(app, alice)
    answer = client.post("/api/documents", content=b"x" * (LIMIT + 70 * 1024), headers=HEADERS)
    assert answer.status_code == 413
    assert_nothing_stored(session, storage)


def test_the_same_file_twice_is_a_duplicate(app, session, storage):
    alice = make_owner(session)
    client = client_for(app, alice)
    assert post(client, multipart(form(alice.profile), [("a.pdf", PDF)])).status_code == 201
    again = post(client, multipart(form(alice.profile, title="Encore"), [("copie.pdf", PDF)]))
    assert again.status_code == 400 and again.json()["code"] == "error.document_duplicate"
    assert "déjà" in again.json()["message"]
    assert committed_count(session, Document) == 1 and len(storage.stored_files()) == 1


def test_the_file_before_the_fields_or_unknown_fields_are_refused(app, session, storage):
    alice = make_owner(session)
    client = client_for(app, alice)
    assert post(client, multipart(form(alice.profile), [("a.pdf", PDF)], file_first=True)).status_code in (400, 404)
    assert (
        post(client, multipart({**form(alice.profile), "author_role": "professional"}, [("a.pdf", PDF)])).json()["code"]
        == "error.invalid_form"
    )
    assert post(client, b"not multipart", {"Content-Type": "application/pdf"}).json()["code"] == "error.invalid_form"
    assert_nothing_stored(session, storage)


def test_a_body_that_stops_half_way_stores_nothing(app, session, storage):
    alice = make_owner(session)
    body = multipart(form(alice.profile), [("a.pdf", PDF)], close=False)[:-300]
    answer = post(client_for(app, alice), body)
    assert answer.status_code == 400 and answer.json()["code"] == "error.document_incomplete"
    assert_nothing_stored(session, storage)


def test_a_client_that_disconnects_half_way_leaves_no_file_and_no_row(app, session, storage):
    alice = make_owner(session)
    cookie = client_for(app, alice).cookies.get("mes_session")
    body = multipart(form(alice.profile), [("a.pdf", PDF)])
    messages = [{"type": "http.request", "body": body[:1500], "more_body": True}, {"type": "http.disconnect"}]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/documents",
        "raw_path": b"/api/documents",
        "query_string": b"",
        "root_path": "",
        "scheme": "http",
        "server": ("localhost", 3000),
        "headers": [
            (b"host", b"localhost:3000"),
            (b"origin", b"http://localhost:3000"),
            (b"cookie", f"mes_session={cookie}".encode()),
            (b"content-type", HEADERS["Content-Type"].encode()),
        ],
    }
    asyncio.run(app(scope, receive, send))
    assert_nothing_stored(session, storage)


def test_an_oversized_body_sent_chunked_is_refused_like_a_declared_one(app, session, storage):
    """No Content-Length: the guard counts the bytes; past the cap the same clean 413, nothing kept."""
    alice = make_owner(session)
    client = client_for(app, alice)
    body = multipart(form(alice.profile), [("gros.pdf", b"%PDF-1.4\n" + b"z" * (LIMIT + 200 * 1024))])

    def chunks():
        for i in range(0, len(body), 16 * 1024):
            yield body[i : i + 16 * 1024]

    answer = client.post("/api/documents", content=chunks(), headers=HEADERS)
    declared = client.post("/api/documents", content=b"x" * (LIMIT + 70 * 1024), headers=HEADERS)
    assert answer.status_code == declared.status_code == 413
    assert answer.json() == declared.json()
    assert answer.json()["code"] == "error.document_too_large" and "rien n'a été enregistré" in answer.json()["message"]
    assert_nothing_stored(session, storage)


def test_documents_are_served_sandboxed_so_a_polyglot_file_runs_nothing(app, session, storage):
    alice = make_owner(session)
    client = client_for(app, alice)
    polyglot = PDF + b"<html><script>fetch('/api/logout', {method: 'POST'})</script></html>"
    doc_id = post(client, multipart(form(alice.profile), [("a.pdf", polyglot)])).json()["id"]
    for url in (f"/api/documents/{doc_id}", f"/api/documents/{doc_id}?download=1"):
        opened = client.get(url)
        assert opened.status_code == 200
        assert opened.headers["content-security-policy"] == "sandbox"
        assert opened.headers["x-content-type-options"] == "nosniff"
