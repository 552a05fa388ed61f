"""Shared fixtures: a real database built by the Alembic migrations, and persona factories.

SQLite in a temporary file by default; PostgreSQL when ``MES_TEST_DATABASE_URL`` is set
(``make test`` sets it when a server answers on localhost).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

# Before mes_app.settings is read: a fixed key for second-factor secrets (issue 15 item 3), so no
# key file is written into the checkout's data folder.
os.environ.setdefault("MES_SECOND_FACTOR_KEY", "XNWQbXSHLCHdY2tIJqcRiwUJlKrH90kbgx-uunlIRoo=")

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import mes_app.db.models  # noqa: F401, E402
from alembic import command  # noqa: E402
from mes_app.db.migrations import alembic_config  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _fresh_database_url(tmp_dir: Path) -> tuple[str, callable]:
    """A new empty database: a SQLite file, or a throw-away PostgreSQL database."""
    server = os.environ.get("MES_TEST_DATABASE_URL", "").strip()
    if not server:
        return f"sqlite:///{tmp_dir / f'test-{uuid.uuid4().hex[:8]}.db'}", lambda: None
    name = f"mes_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, drop = _fresh_database_url(tmp_path_factory.mktemp("db"))
    command.upgrade(alembic_config(url), "head")
    yield url
    drop()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[sa.Engine]:
    eng = sa.create_engine(database_url)
    if eng.dialect.name == "sqlite":  # enforce foreign keys as PostgreSQL (and the app) do

        @sa.event.listens_for(eng, "connect")
        def _foreign_keys_on(dbapi_connection, _record) -> None:  # noqa: ANN001
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

    yield eng
    eng.dispose()


@pytest.fixture()
def session(engine: sa.Engine) -> Iterator[Session]:
    """A session on the migrated database; every row is deleted after the test."""
    with Session(engine, expire_on_commit=False) as db:
        yield db
        db.rollback()
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture()
def now() -> datetime:
    return NOW


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """Every test starts with empty rate-limit counters (in memory, the default limits)."""
    from mes_app.web import rate_limit

    rate_limit.set_limiter(None)
    yield
    rate_limit.set_limiter(None)


@pytest.fixture()
def pg_storage(database_url: str) -> Iterator:
    """The PostgreSQL document store on the migrated test database (skipped without
    ``MES_TEST_DATABASE_URL``); emptied after the test."""
    if not database_url.startswith("postgresql"):
        pytest.skip("MES_TEST_DATABASE_URL is not set: the PostgreSQL document store is not tested")
    from mes_app.storage.postgres import PostgresStorage

    store = PostgresStorage(database_url, pool_size=2, max_overflow=8)
    yield store
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM document_chunk"))
    store.dispose()
