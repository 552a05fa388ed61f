"""POST /api/measures/import-apple as a browser (or an attacker) sees it: the body is the file,
streamed to disk after the session and the policy said yes; the job then runs in the background."""

from __future__ import annotations

import builtins
import threading
import time

import pytest

from mes_app.db.models import Measure
from mes_app.services import apple_import
from mes_app.web import measure_import as route
from mes_app.web import routes
from tests.apple_export import export_xml, write_zip
from tests.factories import committed_count, make_child, make_owner, make_stranger
from tests.web import client_for, use_engine


@pytest.fixture()
def app(engine, session, monkeypatch, tmp_path):
    use_engine(monkeypatch, engine)
    monkeypatch.setattr(apple_import, "upload_folder", lambda: tmp_path / "imports")
    apple_import._JOBS.clear()
    yield routes.guard(routes.build_api())
    apple_import._JOBS.clear()



def post(client, profile_id, data: bytes):
    return client.post(f"{route.APPLE_PATH}?profile={profile_id}", content=data,
                       headers={"Content-Type": "application/octet-stream"})


def wait_done(actor, key):
    for _ in range(100):
        view = apple_import.job_view(actor, key)
        if view.status not in apple_import.ACTIVE:
            return view
        time.sleep(0.05)
    raise AssertionError("the job did not end")


def test_a_parent_uploads_a_childs_export_and_the_job_imports_it(app, session, tmp_path):
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice)
    client = client_for(app, alice)
    answer = post(client, lea.profile.id, write_zip(tmp_path / "export.zip", export_xml()).read_bytes())
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["ok"] is True and set(body) == {"ok", "job"}
    view = wait_done(alice.actor, body["job"])
    assert (view.status, view.summary.added_total) == ("done", 10)
    assert committed_count(session, Measure, Measure.profile_id == lea.profile.id) == 10
    assert list((tmp_path / "imports").iterdir()) == []  # the upload is gone


def test_strangers_no_cookie_other_sites_and_junk_get_nothing(app, session, tmp_path):
    alice = make_owner(session, "Alice Durand")
    data = export_xml()
    assert post(client_for(app), alice.profile.id, data).status_code == 401
    assert post(client_for(app, make_stranger(session)), alice.profile.id, data).status_code == 404
    mine = client_for(app, alice)
    evil = mine.post(f"{route.APPLE_PATH}?profile={alice.profile.id}", content=data,
                     headers={"Origin": "https://evil.example", "Content-Type": "application/octet-stream"})
    assert evil.status_code == 403
    assert post(mine, "../../etc", data).status_code == 422
    assert post(mine, alice.profile.id, b"").status_code == 422
    assert committed_count(session, Measure) == 0
    assert not (tmp_path / "imports").exists() or list((tmp_path / "imports").iterdir()) == []


def test_a_file_over_the_limit_is_refused_while_streaming(app, session, monkeypatch, tmp_path):
    alice = make_owner(session, "Alice Durand")
    monkeypatch.setattr(apple_import, "MAX_UPLOAD_BYTES", 1000)
    answer = post(client_for(app, alice), alice.profile.id, export_xml())
    assert answer.status_code == 422 and "2 Go" in answer.json()["message"]
    assert list((tmp_path / "imports").iterdir()) == []


class _SpiedFile:
    """The upload file, recording the thread of each write (and of its close)."""

    def __init__(self, real, threads: list[int]) -> None:  # noqa: ANN001
        self._real, self._threads = real, threads

    def write(self, data: bytes) -> int:
        self._threads.append(threading.get_ident())
        return self._real.write(data)

    def close(self) -> None:
        if not self._real.closed:
            self._threads.append(threading.get_ident())
        self._real.close()

    def __enter__(self):  # noqa: ANN204
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_the_chunks_of_a_streamed_export_are_written_off_the_event_loop(app, session, monkeypatch, tmp_path):
    """Before: each chunk was written on the event loop, which serves every client of the
    worker. The export comes chunked (no Content-Length), in many small chunks; every disk
    write happens in another thread than the loop's, and the file arrives whole (the job
    imports all of it)."""
    alice = make_owner(session, "Alice Durand")
    loop_threads: set[int] = set()
    write_threads: list[int] = []

    async def recorded(scope, receive, send) -> None:  # noqa: ANN001
        if scope.get("path") == route.APPLE_PATH:  # only the upload's loop: its thread lives until the answer
            loop_threads.add(threading.get_ident())
        await app(scope, receive, send)

    def spied_open(file, mode="r", *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        real = builtins.open(file, mode, *args, **kwargs)  # noqa: SIM115 - closed by the route
        return _SpiedFile(real, write_threads) if "w" in mode else real

    monkeypatch.setattr(route, "open", spied_open, raising=False)
    data = write_zip(tmp_path / "export.zip", export_xml()).read_bytes()
    chunks = (data[i:i + 512] for i in range(0, len(data), 512))
    answer = client_for(recorded, alice).post(f"{route.APPLE_PATH}?profile={alice.profile.id}", content=chunks,
                                              headers={"Content-Type": "application/octet-stream"})
    assert answer.status_code == 200, answer.text
    view = wait_done(alice.actor, answer.json()["job"])
    assert (view.status, view.summary.added_total) == ("done", 10)
    assert write_threads and loop_threads and not loop_threads & set(write_threads)
