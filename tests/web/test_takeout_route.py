"""``GET /api/takeout/{job_id}.zip`` as a browser (or an attacker) sees it (issue 13, item 2)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from mes_app.db.models import AccessEvent, SecurityEvent
from mes_app.domain import takeout as tk
from mes_app.services import record_export, takeout
from mes_app.storage import LocalStorage
from mes_app.web import routes
from tests.factories import committed_rows, make_child, make_owner, make_stranger
from tests.web import use_engine
from tests.web.test_export_routes import client_for


@pytest.fixture()
def app(engine, session, tmp_path, monkeypatch):
    use_engine(monkeypatch, engine)
    storage = LocalStorage(tmp_path / "documents")
    monkeypatch.setattr(record_export, "default_storage", lambda: storage)
    monkeypatch.setattr(takeout, "takeout_folder", lambda: tmp_path / "takeout")
    return routes.guard(routes.build_api())


def built_job(session, engine, who, profile_id, tmp_path, now) -> int:
    folder = tmp_path / "takeout"
    job_id = takeout.request_takeout(session, who.actor, profile_id, now=now, lang="fr", folder=folder)
    takeout.build(engine, job_id, storage=LocalStorage(tmp_path / "documents"), folder=folder, clock=lambda: now)
    return job_id


def test_the_requester_downloads_the_zip_and_nobody_else_can(app, session, engine, tmp_path):
    now = datetime.now(UTC)
    alice = make_owner(session)
    lea = make_child(session, alice, "Léa")
    mallory = make_stranger(session)
    job_id = built_job(session, engine, alice, lea.profile.id, tmp_path, now)
    url = f"/api/takeout/{job_id}.zip"

    response = client_for(app, alice).get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "no-store"
    assert 'filename="mes-archive-' in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "README.txt" in archive.namelist()
    assert len(committed_rows(session, AccessEvent, AccessEvent.target_kind == "takeout")) == 1

    assert client_for(app).get(url).status_code == 401
    for probe in (url, f"/api/takeout/{job_id + 1}.zip", "/api/takeout/abc.zip"):
        refused = client_for(app, mallory).get(probe)
        assert refused.status_code == 404 and refused.text == "Not found"
    # Nothing of Léa's went to Mallory, and her history gained no export by him.
    assert len(committed_rows(session, AccessEvent, AccessEvent.target_kind == "takeout")) == 1
    assert committed_rows(session, SecurityEvent, SecurityEvent.actor_user_id == mallory.id) == []


def test_an_expired_archive_is_gone(app, session, engine, tmp_path):
    alice = make_owner(session)
    then = datetime.now(UTC) - tk.EXPIRES_AFTER - timedelta(minutes=1)
    job_id = built_job(session, engine, alice, alice.profile.id, tmp_path, then)
    assert client_for(app, alice).get(f"/api/takeout/{job_id}.zip").status_code == 404
    assert list((tmp_path / "takeout").glob("*.zip")) == []
