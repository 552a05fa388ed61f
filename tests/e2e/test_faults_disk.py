"""The disk of the document store fills up while a document is written (issue 14 item 4): a
real 2 MB filesystem (tmpfs) under the store. The user gets one clear message in their language,
nothing of the refused file is left, and nothing else is damaged: the documents already there
keep their bytes (SHA-256), the rows are as they were, and a file that fits is stored next.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from mes_app import i18n
from tests.e2e import faults
from tests.e2e import server as mes_server
from tests.e2e.ws_client import login_cookie

pytestmark = pytest.mark.e2e

TABLES = ("document", "notification_job", "access_event")


def _upload(server: mes_server.LiveServer, cookie: str, data: bytes, lang: str = "fr") -> tuple[int, dict]:
    fields = {"profile_id": str(faults.profile_id(server)), "title": "Radio du genou",
              "document_date": "2026-11-20", "category": "11488-4"}
    content_type, body = faults.multipart(fields, "radio.pdf", data)
    status, answer = faults.post(server, "/api/documents", body, content_type, cookie=cookie, lang=lang)
    return status, json.loads(answer)


def test_a_full_disk_refuses_the_document_clearly_and_damages_nothing(tmp_path: Path) -> None:
    store = tmp_path / "documents"
    with faults.small_filesystem(store) as unavailable:
        if unavailable:
            pytest.skip(f"no small filesystem for the document store: {unavailable}")
        server = faults.start(tmp_path / "mes", {"MES_DOCUMENTS_DIR": str(store)})
        try:
            _fill_the_disk(server)
        finally:
            mes_server.stop(server)


def _fill_the_disk(server: mes_server.LiveServer) -> None:
    cookie = login_cookie(server.base_url, *faults.PARENT)
    assert cookie
    first = faults.PDF_HEAD + os.urandom(900 * 1024)
    status, answer = _upload(server, cookie, first)
    assert status == 201, answer
    files, rows = faults.stored_files(server), faults.counts(server, *TABLES)
    assert list(files.values()) == [hashlib.sha256(first).hexdigest()]
    free = shutil.disk_usage(faults.documents_dir(server)).free

    for lang in ("fr", "en"):
        status, answer = _upload(server, cookie, faults.PDF_HEAD + os.urandom(free + 256 * 1024), lang)
        assert status == 507
        assert answer == {"ok": False, "code": "error.document_store_failed",
                          "message": i18n.t("error.document_store_failed", lang)}
        assert faults.partial_files(server) == [], "the refused file was left on the disk"
        assert faults.stored_files(server) == files
        assert faults.counts(server, *TABLES) == rows

    doc_id = faults.scalar(server, "SELECT id FROM document ORDER BY id DESC LIMIT 1")
    status, body = faults.get(server, f"/api/documents/{doc_id}", cookie=cookie)
    assert status == 200 and hashlib.sha256(body).hexdigest() == hashlib.sha256(first).hexdigest()

    fits = faults.PDF_HEAD + os.urandom(300 * 1024)
    status, answer = _upload(server, cookie, fits)
    assert status == 201, answer
    new = {k: v for k, v in faults.stored_files(server).items() if k not in files}
    assert list(new.values()) == [hashlib.sha256(fits).hexdigest()]
    assert faults.stored_files(server).items() >= files.items()
    log = server.log_path.read_text(errors="replace")
    assert "document store refused a write (OSError ENOSPC)" in log
