"""Write and read throughput of a 20 MiB document in PostgreSQL (not a test).

    MES_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python -m benchmarks.document_store

Compares the store MES uses (:mod:`mes_app.storage.postgres`: a ``bytea`` table of 1 MiB chunks,
one transaction per write) with large objects (``lo_from_bytea`` then ``lo_put`` per 1 MiB,
``lo_get`` per 1 MiB to read). Both on a throw-away database; median of 5 runs, MiB/s.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from mes_app.db.migrations import alembic_config  # noqa: E402
from mes_app.storage.postgres import CHUNK, PostgresStorage  # noqa: E402

SIZE = 20 * 1024 * 1024
RUNS = 5
DATA = b"%PDF-1.4\n" + os.urandom(SIZE - 9)


def _chunked(store: PostgresStorage) -> tuple[float, float]:
    start = time.perf_counter()
    writer = store.begin(SIZE)
    for i in range(0, SIZE, 64 * 1024):  # as the upload route hands it over
        writer.write(DATA[i : i + 64 * 1024])
    key = writer.commit().key
    wrote = time.perf_counter() - start
    start = time.perf_counter()
    size = sum(len(block) for block in store.open(key))
    read = time.perf_counter() - start
    assert size == SIZE
    store.delete(key)
    return wrote, read


def _large_object(engine: sa.Engine) -> tuple[float, float]:
    start = time.perf_counter()
    with engine.begin() as conn:
        oid = conn.execute(sa.text("SELECT lo_from_bytea(0, :d)"), {"d": DATA[:CHUNK]}).scalar_one()
        for offset in range(CHUNK, SIZE, CHUNK):
            conn.execute(
                sa.text("SELECT lo_put(:o, :off, :d)"), {"o": oid, "off": offset, "d": DATA[offset : offset + CHUNK]}
            )
    wrote = time.perf_counter() - start
    start = time.perf_counter()
    size = 0
    with engine.begin() as conn:
        for offset in range(0, SIZE, CHUNK):
            size += len(
                conn.execute(sa.text("SELECT lo_get(:o, :off, :n)"), {"o": oid, "off": offset, "n": CHUNK}).scalar_one()
            )
    read = time.perf_counter() - start
    assert size == SIZE
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT lo_unlink(:o)"), {"o": oid})
    return wrote, read


def main() -> None:
    server = os.environ.get("MES_TEST_DATABASE_URL", "").strip()
    if not server:
        raise SystemExit("set MES_TEST_DATABASE_URL (a PostgreSQL server)")
    name = f"mes_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        command.upgrade(alembic_config(url), "head")
        store = PostgresStorage(url)
        engine = sa.create_engine(url)
        mib = SIZE / (1024 * 1024)
        for label, run in (
            ("bytea chunks (MES)", lambda: _chunked(store)),
            ("large objects", lambda: _large_object(engine)),
        ):
            times = [run() for _ in range(RUNS)]
            write = statistics.median(t[0] for t in times)
            read = statistics.median(t[1] for t in times)
            print(
                f"{label:20s} write {mib / write:7.1f} MiB/s ({write * 1000:6.0f} ms)   "
                f"read {mib / read:7.1f} MiB/s ({read * 1000:6.0f} ms)"
            )
        store.dispose()
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
