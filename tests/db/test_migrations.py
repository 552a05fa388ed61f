"""The schema comes from Alembic alone: upgrade, no drift against the models, downgrade."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from alembic import command
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


def test_the_revision_moves_strangers_refusals_to_the_security_log_and_fills_the_lines(tmp_path):
    url, drop = _fresh_database_url(tmp_path)
    try:
        cfg = alembic_config(url)
        command.upgrade(cfg, "b463deb8e6b8")
        engine = sa.create_engine(url)
        at = "2026-03-03 10:00:00+00:00"
        with engine.begin() as conn:
            for uid, name in ((1, "Alice"), (2, "Mallory"), (3, "Dr Bernard")):
                conn.execute(
                    sa.text(
                        "INSERT INTO user_account (id, email, password_hash, display_name, role, locale, "
                        "failed_login_count, created_at) VALUES (:id, :email, 'x', :name, 'patient', 'fr', 0, :at)"
                    ),
                    {"id": uid, "email": f"{uid}@example.org", "name": name, "at": at},
                )
            conn.execute(
                sa.text(
                    "INSERT INTO profile (id, given_name, family_name, birth_date, sex, kind, owner_user_id, "
                    "created_by_user_id, created_at) "
                    "VALUES (1, 'Alice', 'D', '1990-05-17', 'female', 'self', 1, 1, :at)"
                ),
                {"at": at},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO care_relationship (id, profile_id, professional_user_id, granted_by_user_id, status, "
                    "starts_at, created_at) VALUES (1, 1, 3, 1, 'active', :at, :at)"
                ),
                {"at": at},
            )
            rows = [
                (2, 1, "denied", "profile"),
                (2, 1, "denied", "document"),
                (2, None, "denied", "document"),
                (3, 1, "denied", "conditions"),
                (3, 1, "read", "treatments"),
            ]
            for actor, profile, action, kind in rows:
                conn.execute(
                    sa.text(
                        "INSERT INTO access_event (occurred_at, profile_id, actor_user_id, action, target_kind, via) "
                        "VALUES (:at, :p, :a, :action, :kind, 'none')"
                    ),
                    {"at": at, "p": profile, "a": actor, "action": action, "kind": kind},
                )

        command.upgrade(cfg, "719f70802c8d")
        with engine.connect() as conn:
            ledger = conn.execute(sa.text("SELECT actor_user_id, action FROM access_event ORDER BY id")).all()
            moved = conn.execute(
                sa.text("SELECT actor_user_id, profile_id, target_kind FROM security_event ORDER BY id")
            ).all()
        assert [tuple(r) for r in ledger] == [(3, "denied"), (3, "read")]  # the doctor is known to Alice
        assert [tuple(r) for r in moved] == [(2, 1, "profile"), (2, 1, "document"), (2, None, "document")]
        with engine.connect() as conn:
            lines = conn.execute(
                sa.text("SELECT source, actor_user_id, action, target_kind, count FROM access_line ORDER BY id")
            ).all()
        # Alice's history: the doctor's two events, the stranger's two refusals as one line
        assert [tuple(r) for r in lines] == [
            ("ledger", 3, "denied", "conditions", 1),
            ("ledger", 3, "read", "treatments", 1),
            ("strangers", None, "denied", "", 2),
        ]

        command.downgrade(cfg, "b463deb8e6b8")
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM access_event")).scalar() == 5
        engine.dispose()
    finally:
        drop()


def test_the_activation_revision_keeps_existing_accounts_usable(tmp_path):
    url, drop = _fresh_database_url(tmp_path)
    try:
        cfg = alembic_config(url)
        command.upgrade(cfg, "5e1d0a7c9b21")
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO user_account (id, email, password_hash, display_name, role, locale, "
                    "failed_login_count, created_at) VALUES (1, 'a@example.org', 'x', 'Alice', 'patient', 'fr', 0, "
                    "'2026-03-03 10:00:00+00:00')"
                )
            )
        command.upgrade(cfg, "6a2b3c4d5e6f")
        with engine.connect() as conn:
            activated, created = conn.execute(sa.text("SELECT activated_at, created_at FROM user_account")).one()
            assert activated is not None and activated == created
            assert conn.execute(sa.text("SELECT count(*) FROM account_activation")).scalar() == 0
        command.downgrade(cfg, "5e1d0a7c9b21")
        with engine.connect() as conn:
            assert "activated_at" not in {c["name"] for c in sa.inspect(conn).get_columns("user_account")}
        engine.dispose()
    finally:
        drop()
