"""``python -m mes_app documents migrate --to postgresql`` as an administrator runs it, killed
with SIGKILL half way and run again (real PostgreSQL; skipped without MES_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from mes_app.db.models import Document
from mes_app.services import documents
from mes_app.storage import LocalStorage
from tests.factories import make_owner

ROOT = Path(__file__).resolve().parents[2]
COUNT = 20


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mes_app", "documents", "migrate", "--to", "postgresql", *args]


def environment(database_url: str, documents_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MES_")}
    env.update(
        MES_DATABASE_URL=database_url, MES_DOCUMENTS_DIR=str(documents_dir), MES_DATA_DIR=str(documents_dir.parent)
    )
    return env


def test_refused_without_a_postgresql_database(tmp_path):
    env = environment(f"sqlite:///{tmp_path / 'mes.db'}", tmp_path / "documents")
    done = subprocess.run(command(), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "MES_DOCUMENT_STORE_URL" in done.stderr


def test_killed_half_way_then_run_again_every_document_is_there_verified(
    session, pg_storage, database_url, tmp_path, now
):
    local = LocalStorage(tmp_path / "documents")
    alice = make_owner(session)
    for n in range(COUNT):
        data = b"%PDF-1.4\n" + os.urandom(1024 * 1024) + bytes([n])
        documents.upload_document(
            session,
            alice.actor,
            alice.profile.id,
            {"title": f"Doc {n}", "document_date": "2026-11-20", "category": "11502-2"},
            "d.pdf",
            iter([data]),
            storage=local,
            max_bytes=10_000_000,
            now=now,
        )
    docs = session.exec(select(Document)).all()
    env = environment(database_url, local.root)

    first = subprocess.Popen(command(), cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    assert first.stderr is not None
    for line in first.stderr:
        if line.startswith("documents: 3/"):
            first.send_signal(signal.SIGKILL)
            break
    first.wait(timeout=120)
    assert first.returncode == -signal.SIGKILL
    copied = len(pg_storage.stored_keys())
    assert 3 <= copied < COUNT

    again = subprocess.run(command(), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{COUNT - copied} copied and verified, {copied} already there and verified, 0 not copied" in again.stderr
    assert sorted(pg_storage.stored_keys()) == sorted(d.storage_key for d in docs)
    assert all(local.exists(d.storage_key) for d in docs)  # the source is kept

    last = subprocess.run(command("--delete-source"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert last.returncode == 0 and f"{COUNT} source files deleted" in last.stderr
    assert local.stored_files() == []
