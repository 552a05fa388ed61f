"""The web routes' blocking work runs off the event loop (issue 14, item 1): with db threads
on, no SQL statement of a route runs on the loop's thread; argon2 never does, even without db
threads (SQLite's default); a stored document is opened and read in worker threads; and while
one log-in hashes, the same worker answers another request."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from mes_app.db import engine as engine_module
from mes_app.services import documents, password_reset, passwords
from mes_app.storage import LocalStorage
from mes_app.web import document_routes, routes
from tests.factories import PASSWORD, make_operator, make_owner
from tests.web import client_for, use_engine
from tests.web.test_document_routes import HEADERS, PDF, form, multipart


class _Threads:
    """The thread of every call of the app (the loop's) and of everything recorded inside."""

    def __init__(self) -> None:
        self.loop: set[int] = set()
        self.work: list[int] = []

    def app(self, app):  # noqa: ANN001, ANN201 - an ASGI app
        async def recorded(scope, receive, send) -> None:  # noqa: ANN001
            self.loop.add(threading.get_ident())
            await app(scope, receive, send)

        return recorded

    def record(self, *_args: object) -> None:
        self.work.append(threading.get_ident())


def _db_threads(monkeypatch, count: int) -> None:  # noqa: ANN001
    """What MES_DB_THREADS says (off_loop reads it at each call)."""
    monkeypatch.setattr(engine_module, "settings", dataclasses.replace(engine_module.settings, db_threads=count))


@pytest.fixture()
def threads() -> _Threads:
    return _Threads()


@pytest.fixture()
def statements(engine: sa.Engine, threads: _Threads) -> Iterator[_Threads]:
    """Every SQL statement sent to the test database records the thread that sent it."""
    sa.event.listen(engine, "before_cursor_execute", threads.record)
    yield threads
    sa.event.remove(engine, "before_cursor_execute", threads.record)


@pytest.fixture()
def storage(tmp_path) -> LocalStorage:  # noqa: ANN001
    return LocalStorage(tmp_path / "documents")


@pytest.fixture()
def app(engine, storage, threads, monkeypatch):  # noqa: ANN001, ANN201
    use_engine(monkeypatch, engine)
    monkeypatch.setattr(document_routes, "default_storage", lambda: storage)
    return threads.app(routes.guard(routes.build_api()))


# --------------------------------------------------------------------------- db threads on


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/appointments.ics"),
    ("GET", "/api/summary/ips.json?profile={profile}"),
    ("GET", "/api/profiles/{profile}/export.fhir.json"),
    ("GET", "/api/documents/{document}"),
    ("GET", "/api/takeout/not-a-job.zip"),
    ("GET", "/api/operator/stats.csv"),
    ("GET", "/api/operator/audit.csv"),
    ("GET", "/api/password-reset?t=not-a-secret"),
    ("GET", "/api/activate?t=not-a-secret"),
    ("POST", "/api/shl/not-a-secret"),
    ("POST", "/api/account/sessions/end-all"),
    ("POST", "/api/logout"),
])
def test_with_db_threads_no_statement_of_a_route_runs_on_the_event_loop(
        app, session, storage, statements, monkeypatch, method, path):
    alice = make_owner(session)
    client = client_for(app, alice)
    uploaded = client.post("/api/documents", content=multipart(form(alice.profile), [("genou.pdf", PDF)]),
                           headers=HEADERS)
    assert uploaded.status_code == 201
    _db_threads(monkeypatch, 2)
    statements.work.clear()
    statements.loop.clear()
    answer = client.request(method, path.format(profile=alice.profile.id, document=uploaded.json()["id"]))
    assert answer.status_code < 500
    assert statements.work, "the route sent no statement: nothing was checked"
    assert not set(statements.work) & statements.loop


def test_with_db_threads_an_operator_s_audit_export_runs_in_the_db_threads(app, session, statements, monkeypatch):
    operator = make_operator(session)
    client = client_for(app, operator)
    _db_threads(monkeypatch, 2)
    names: list[str] = []
    real = routes.auth.request_actor

    def request_actor(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        names.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(routes.auth, "request_actor", request_actor)
    answer = client.get("/api/operator/audit.csv")
    assert answer.status_code == 200 and answer.text.startswith("occurred_at")
    assert names and all(name.startswith("mes-db") for name in names), names


def test_with_db_threads_an_upload_s_checks_and_writes_run_off_the_loop(
        app, session, storage, statements, monkeypatch):
    alice = make_owner(session)
    client = client_for(app, alice)
    _db_threads(monkeypatch, 2)
    begun: list[int] = []
    real = documents.begin_upload

    def begin_upload(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        begun.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(documents, "begin_upload", begin_upload)
    statements.work.clear()
    statements.loop.clear()
    answer = client.post("/api/documents", content=multipart(form(alice.profile), [("genou.pdf", PDF)]),
                         headers=HEADERS)
    assert answer.status_code == 201
    assert begun and not set(begun) & statements.loop
    assert statements.work and not set(statements.work) & statements.loop


# --------------------------------------------------------------------------- the store


class _RecordingStore(LocalStorage):
    def __init__(self, root, threads: _Threads) -> None:  # noqa: ANN001
        super().__init__(root)
        self.threads = threads

    def open(self, key: str, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        self.threads.record()
        chunks = super().open(key, chunk_size=16)

        def recorded() -> Iterator[bytes]:
            for chunk in chunks:
                self.threads.record()
                yield chunk

        return recorded()


def test_a_document_is_opened_and_read_in_worker_threads_even_without_db_threads(
        app, session, tmp_path, threads, monkeypatch):
    alice = make_owner(session)
    store = _RecordingStore(tmp_path / "documents", threads)
    monkeypatch.setattr(document_routes, "default_storage", lambda: store)
    client = client_for(app, alice)
    uploaded = client.post("/api/documents", content=multipart(form(alice.profile), [("genou.pdf", PDF)]),
                           headers=HEADERS)
    _db_threads(monkeypatch, 0)
    threads.work.clear()
    threads.loop.clear()
    opened = client.get(f"/api/documents/{uploaded.json()['id']}")
    assert opened.status_code == 200 and opened.content == PDF
    assert len(threads.work) > 10  # the opening, then one record per 16-byte chunk
    assert not set(threads.work) & threads.loop


# --------------------------------------------------------------------------- argon2


class _RecordingHasher:
    """passlib's context, recording the thread of every hash and verification."""

    def __init__(self, real, threads: _Threads, delay: float = 0.0) -> None:  # noqa: ANN001
        self.real, self.threads, self.delay = real, threads, delay

    def hash(self, secret: str) -> str:
        self.threads.record()
        time.sleep(self.delay)
        return self.real.hash(secret)

    def verify(self, secret: str, hashed: str) -> bool:
        self.threads.record()
        time.sleep(self.delay)
        return self.real.verify(secret, hashed)


@pytest.mark.parametrize("email, password, landing", [
    ("alice@example.org", PASSWORD, "/"),
    ("alice@example.org", "not-her-password", "/login?error=error.bad_credentials"),
    ("nobody@example.org", PASSWORD, "/login?error=error.bad_credentials"),
])
def test_argon2_at_log_in_never_runs_on_the_event_loop_even_without_db_threads(
        app, session, threads, monkeypatch, email, password, landing):
    make_owner(session, email="alice@example.org")
    _db_threads(monkeypatch, 0)
    monkeypatch.setattr(passwords, "_context", _RecordingHasher(passwords._context, threads))  # noqa: SLF001
    client = client_for(app)
    answer = client.post("/api/login", data={"email": email, "password": password})
    assert answer.status_code == 303 and answer.headers["location"] == landing
    assert threads.work and not set(threads.work) & threads.loop


def test_with_db_threads_a_log_in_hashes_in_one_of_them_not_in_starlette_s_forty(
        app, session, threads, monkeypatch):
    """The db threads bound the log-ins hashing at once, and so the pool's connections they hold."""
    make_owner(session, email="alice@example.org")
    _db_threads(monkeypatch, 2)
    names: list[str] = []
    monkeypatch.setattr(threads, "record", lambda *_: names.append(threading.current_thread().name))
    monkeypatch.setattr(passwords, "_context", _RecordingHasher(passwords._context, threads))  # noqa: SLF001
    answer = client_for(app).post("/api/login", data={"email": "alice@example.org", "password": PASSWORD})
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert names and all(name.startswith("mes-db") for name in names)


def test_argon2_of_a_new_password_never_runs_on_the_event_loop_even_without_db_threads(
        app, session, threads, monkeypatch):
    alice = make_owner(session, email="alice@example.org")
    link = password_reset.request_reset(session, alice.user.email, now=routes.utcnow())
    assert link is not None
    _db_threads(monkeypatch, 0)
    monkeypatch.setattr(passwords, "_context", _RecordingHasher(passwords._context, threads))  # noqa: SLF001
    client = client_for(app)
    answer = client.post(routes.RESET_API_PATH, data={"password": "Brioche-au-Miel-2027",
                                                      "password_confirm": "Brioche-au-Miel-2027"},
                         headers={"Cookie": f"{routes.RESET_COOKIE}={link.secret}"})
    assert answer.status_code == 303 and answer.headers["location"] == "/login?reset=1"
    assert threads.work and not set(threads.work) & threads.loop


# --------------------------------------------------------------------------- one worker, two requests


def test_while_a_log_in_hashes_the_same_worker_answers_another_request(engine, session, threads, monkeypatch):
    """One event loop: a log-in whose hashing takes 1.5 s, and a ``/ping`` sent 0.2 s later.
    The ping is answered while the log-in is still hashing."""
    use_engine(monkeypatch, engine)
    make_owner(session, email="alice@example.org")
    _db_threads(monkeypatch, 0)
    monkeypatch.setattr(passwords, "_context", _RecordingHasher(passwords._context, threads, delay=1.5))  # noqa: SLF001

    async def ping(request):  # noqa: ANN001, ANN202
        return PlainTextResponse("pong")

    api = routes.build_api()
    api.mount("", Starlette(routes=[Route("/ping", ping)]))

    async def both() -> tuple[bool, float, httpx.Response]:
        transport = httpx.ASGITransport(app=routes.guard(api))
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost:3000",
                                     headers={"Origin": "http://localhost:3000"}) as client:
            login = asyncio.create_task(client.post("/api/login", data={"email": "alice@example.org",
                                                                        "password": PASSWORD}))
            await asyncio.sleep(0.2)
            started = time.monotonic()
            pong = await client.get("/ping")
            waited = time.monotonic() - started
            assert pong.status_code == 200 and pong.text == "pong"
            still_hashing = not login.done()
            return still_hashing, waited, await login

    still_hashing, waited, login = asyncio.run(both())
    assert login.status_code == 303 and login.headers["location"] == "/"
    assert still_hashing and waited < 0.5, f"the ping waited {waited:.2f} s for the log-in"
