"""The schema comes from Alembic alone: upgrade, no drift against the models, downgrade."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from tests.conftest import _fresh_database_url, alembic_config


def test_upgrade_to_head_creates_every_table_then_downgrade_removes_them(tmp_path):
    url, drop = _fresh_database_url(tmp_path)
    try:
        cfg = alembic_config(url)
        command.upgrade(cfg, "head")
        engine = sa.create_engine(url)
        tables = set(sa.inspect(engine).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables

        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []

        command.downgrade(cfg, "base")
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()
    finally:
        drop()


def test_importing_the_app_modules_creates_no_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'untouched.db'}"
    import mes_app.db.models  # noqa: F401
    import mes_app.settings  # noqa: F401

    engine = sa.create_engine(url)
    assert sa.inspect(engine).get_table_names() == []
