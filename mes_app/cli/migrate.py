"""``python -m mes_app migrate``: bring the database schema to the latest revision."""

from __future__ import annotations

import argparse
from pathlib import Path

from mes_app.cli import CommandError, say

NAME = "migrate"
HELP = "create or upgrade the database schema (alembic upgrade head)"
DESCRIPTION = """Bring the configured database (MES_DATABASE_URL, by default MES_DATA_DIR/mes.db)
to the schema of this version of MES. Safe to run again: an up-to-date database is left alone."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace) -> int:
    del args
    import sqlalchemy as sa
    from sqlalchemy.exc import OperationalError

    from mes_app.db import migrations
    from mes_app.settings import settings

    database = sa.engine.make_url(settings.database_url).database
    if settings.is_sqlite and database and database != ":memory:":
        Path(database).parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # SQLite creates the file
    try:
        migrations.migrate(settings.database_url, "head")
    except OperationalError as exc:
        shown = sa.engine.make_url(settings.database_url).render_as_string(hide_password=True)
        raise CommandError(f"cannot open the database {shown}: {type(exc.orig).__name__}") from exc
    say(f"database at revision {migrations.head_revision()}")
    return 0
