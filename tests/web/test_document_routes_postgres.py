"""The document routes on the PostgreSQL store, chosen as an administrator chooses it
(``MES_DOCUMENT_STORE=postgresql``, through :func:`mes_app.storage.default_storage`): uploaded
through the checked route, read back through the checked route, and by another worker."""

from __future__ import annotations

import dataclasses
import os

import pytest
import sqlalchemy as sa

import mes_app.settings
from mes_app.services import documents
from mes_app.storage import default_storage, storage_for
from mes_app.storage.postgres import CHUNK, PostgresStorage
from mes_app.web import document_routes, routes
from tests.factories import make_owner, make_stranger
from tests.web import use_engine
from tests.web.test_document_routes import client_for, form, multipart, post

LIMIT = 5 * CHUNK
BIG = b"%PDF-1.4\n" + os.urandom(3 * CHUNK) + b"\n%%EOF\n"


@pytest.fixture()
def app(engine, session, pg_storage, database_url, monkeypatch):
    del pg_storage  # empties the store after the test
    use_engine(monkeypatch, engine)
    chosen = dataclasses.replace(
        mes_app.settings.settings,
        document_store="postgresql",
        document_store_url=database_url,
        max_upload_bytes=LIMIT,
    )
    monkeypatch.setattr(mes_app.settings, "settings", chosen)  # what default_storage() reads
    monkeypatch.setattr(routes, "settings", chosen)
    monkeypatch.setattr(document_routes, "settings", chosen)
    storage_for.cache_clear()
    yield routes.guard(routes.build_api())
    store = default_storage()
    if isinstance(store, PostgresStorage):
        store.dispose()
    storage_for.cache_clear()


def test_uploaded_and_read_back_through_the_checked_routes_from_postgresql(app, session, database_url, tmp_path, now):
    assert isinstance(default_storage(), PostgresStorage)
    alice, mallory = make_owner(session), make_stranger(session)
    client = client_for(app, alice)
    answer = post(client, multipart(form(alice.profile), [("scanner.pdf", BIG)]))
    assert answer.status_code == 201, answer.text
    doc_id = answer.json()["id"]

    opened = client.get(f"/api/documents/{doc_id}")
    assert opened.status_code == 200 and opened.content == BIG
    assert opened.headers["content-type"] == "application/pdf"
    assert client_for(app, mallory).get(f"/api/documents/{doc_id}").status_code == 404

    key = documents.open_document(session, alice.actor, doc_id, now=now).storage_key
    assert not list((tmp_path).rglob(key))  # nothing on this machine's disk
    other_worker = PostgresStorage(database_url)  # another process, another machine: same bytes
    try:
        assert b"".join(other_worker.open(key)) == BIG
    finally:
        other_worker.dispose()
    counter = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with counter.connect() as conn:
        chunks = conn.execute(sa.text("SELECT count(*) FROM document_chunk WHERE blob_key = :k"), {"k": key}).scalar()
    counter.dispose()
    assert chunks == 4  # three full chunks and the tail

    documents.delete_document(session, alice.actor, doc_id, storage=default_storage(), now=now)
    assert not default_storage().exists(key)
    assert client.get(f"/api/documents/{doc_id}").status_code == 404


def test_an_upload_over_the_limit_leaves_no_chunk(app, session):
    alice = make_owner(session)
    answer = post(client_for(app, alice), multipart(form(alice.profile), [("big.pdf", BIG * 2)]))
    assert answer.status_code == 413 or answer.json()["ok"] is False
    assert default_storage().stored_keys() == []
