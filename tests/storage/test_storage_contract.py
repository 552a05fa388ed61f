"""The storage contract, the same for every backend: the local folder and PostgreSQL (the real
server of ``MES_TEST_DATABASE_URL``; skipped without it)."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest
import sqlalchemy as sa

from mes_app.domain.errors import NotFound, ValidationError
from mes_app.storage import LocalStorage, StorageError, TooLarge
from mes_app.storage.postgres import CHUNK

PDF = b"%PDF-1.4\n" + b"0123456789" * 500 + b"\n%%EOF\n"
BIG = b"%PDF-1.7\n" + os.urandom(3 * CHUNK + 12345)  # several chunks, the last one short


@pytest.fixture(params=["local", "postgresql"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "documents")
    return request.getfixturevalue("pg_storage")


def put(store, data: bytes, *, max_bytes: int = 10_000_000, chunk: int = 1000, key: str | None = None):
    writer = store.begin(max_bytes, key=key)
    for i in range(0, len(data), chunk):
        writer.write(data[i : i + chunk])
    stored = writer.commit()
    writer.release()  # as its row's commit does
    return stored


def nothing_left(store) -> bool:
    if isinstance(store, LocalStorage) and store.partial_files():
        return False
    return store.stored_keys() == []


def test_written_bytes_read_back_with_hash_size_and_type(store):
    stored = put(store, BIG, chunk=256 * 1024 + 7)
    assert stored.sha256 == hashlib.sha256(BIG).hexdigest()
    assert (stored.size_bytes, stored.mime_type) == (len(BIG), "application/pdf")
    assert len(stored.key) == 32 and all(c in "0123456789abcdef" for c in stored.key)
    assert store.exists(stored.key)
    pieces = list(store.open(stored.key, chunk_size=64 * 1024))
    assert b"".join(pieces) == BIG
    assert max(len(p) for p in pieces) <= 64 * 1024  # streamed, never the whole file
    assert store.stored_keys() == [stored.key]


def test_sniffing_works_when_the_magic_bytes_arrive_one_by_one(store):
    assert put(store, PDF, chunk=1).mime_type == "application/pdf"


def test_over_the_cap_stops_at_once_and_leaves_nothing(store):
    writer = store.begin(max_bytes=5000)
    writer.write(PDF[:4000])
    with pytest.raises(TooLarge):
        writer.write(PDF[4000:])
    assert nothing_left(store)
    assert put(store, PDF, max_bytes=len(PDF)).size_bytes == len(PDF)  # exactly the cap is fine


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "error.document_empty"), (b"MZ\x90\x00" + b"\x00" * 100, "error.document_type_not_allowed")],
)
def test_empty_or_disguised_files_are_refused_and_leave_nothing(store, data, code):
    with pytest.raises(ValidationError) as caught:
        put(store, data)
    assert caught.value.code == code
    assert nothing_left(store)


def test_an_aborted_upload_of_several_chunks_leaves_nothing(store):
    writer = store.begin(10_000_000)
    writer.write(BIG[: 2 * CHUNK + 10])  # chunks already sent to the server
    writer.abort()
    writer.abort()  # idempotent
    assert nothing_left(store)


def test_delete_erases_and_is_idempotent(store):
    stored = put(store, BIG, chunk=CHUNK)
    store.delete(stored.key)
    assert not store.exists(stored.key)
    with pytest.raises(NotFound):
        store.open(stored.key)
    store.delete(stored.key)
    assert nothing_left(store)


def test_a_given_key_is_kept_and_never_written_twice(store):
    key = "ab" * 16
    assert put(store, PDF, key=key).key == key
    with pytest.raises(StorageError):
        put(store, BIG, key=key)
    assert b"".join(store.open(key)) == PDF


@pytest.mark.parametrize("key", ["../../etc/passwd", "a" * 31, "A" * 32, "", None, "0" * 32 + "/x", "0' OR '1'='1"])
def test_keys_that_are_not_ours_are_never_looked_up(store, key):
    with pytest.raises(NotFound):
        store.open(key)
    assert not store.exists(key)
    store.delete(key)
    if key is not None:  # None: "choose a random key"
        with pytest.raises(NotFound):
            store.begin(1000, key=key)


def test_two_writers_at_once_get_their_own_files(store):
    other = b"%PDF-1.5\n" + os.urandom(2 * CHUNK)
    first, second = store.begin(10_000_000), store.begin(10_000_000)
    for i in range(0, max(len(BIG), len(other)), 300_000):  # interleaved, each in its own transaction
        first.write(BIG[i : i + 300_000])
        second.write(other[i : i + 300_000])
    a = first.commit()
    assert store.stored_keys() == [a.key]  # the other one is not visible before its commit
    b = second.commit()
    assert b"".join(store.open(a.key)) == BIG and b"".join(store.open(b.key)) == other


def test_writers_in_threads(store):
    results: list = []
    errors: list = []

    def upload(n: int) -> None:
        try:
            results.append((n, put(store, PDF + bytes([n]) * 1000, chunk=700)))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for n, stored in results:
        assert b"".join(store.open(stored.key)) == PDF + bytes([n]) * 1000
    assert len({s.key for _, s in results}) == 6


def test_postgres_a_killed_upload_leaves_nothing(pg_storage):
    """The worker dies with chunks sent: the server rolls the transaction back."""
    writer = pg_storage.begin(10_000_000)
    writer.write(BIG[: 2 * CHUNK])
    writer._conn.invalidate()  # the connection is cut, as when the process is killed  # noqa: SLF001
    assert pg_storage.stored_keys() == []


def test_postgres_a_file_deleted_while_read_is_never_silently_short(pg_storage):
    stored = put(pg_storage, BIG, chunk=CHUNK)
    body = pg_storage.open(stored.key, chunk_size=CHUNK)
    next(body)
    pg_storage.delete(stored.key)
    with pytest.raises(StorageError):
        list(body)


def test_postgres_without_its_table_says_what_to_do(pg_storage):
    url = pg_storage.engine.url
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text('DROP DATABASE IF EXISTS "mes_pgstore_empty"'))
        conn.execute(sa.text('CREATE DATABASE "mes_pgstore_empty"'))
    from mes_app.storage.postgres import PostgresStorage

    empty = PostgresStorage(url.set(database="mes_pgstore_empty").render_as_string(hide_password=False))
    try:
        with pytest.raises(StorageError, match="migrate"):
            empty.exists("ab" * 16)
    finally:
        empty.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE "mes_pgstore_empty" WITH (FORCE)'))
        admin.dispose()
