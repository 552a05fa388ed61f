"""Alembic from Python: the one place that knows where the revisions are and how to run them
(``python -m mes_app migrate``, the backup restore, the tests)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from alembic import command
from mes_app.settings import PROJECT_ROOT

ALEMBIC_DIR = PROJECT_ROOT / "alembic"
VERSION_TABLE = "alembic_version"


def alembic_config(url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _script() -> ScriptDirectory:
    return ScriptDirectory(str(ALEMBIC_DIR))


def head_revision() -> str:
    head = _script().get_current_head()
    if head is None:  # pragma: no cover - the project always has revisions
        raise RuntimeError("no Alembic revision found")
    return head


def known_revisions() -> set[str]:
    """Every revision this version of the code can migrate from."""
    return {rev.revision for rev in _script().walk_revisions()}


def is_ancestor(older: str, newer: str) -> bool:
    """True when ``older`` comes before (or is) ``newer`` in the revision chain."""
    return older == newer or any(rev.revision == older for rev in _script().iterate_revisions(newer, "base"))


def current_revision(conn: sa.Connection) -> str | None:
    """The revision a database is at (None: never migrated)."""
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database to ``revision``, up or down."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            current = current_revision(conn)
    finally:
        engine.dispose()
    target = head_revision() if revision == "head" else revision
    if current is not None and current != target and is_ancestor(target, current):
        command.downgrade(alembic_config(url), target)
    else:
        command.upgrade(alembic_config(url), target)
