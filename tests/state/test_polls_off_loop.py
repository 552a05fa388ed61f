"""The progress polls of background jobs (take-out, Apple Health import) are background tasks
on the event loop: with db threads on, their database work runs in the db threads, never on
the loop's thread (issue 14, item 1)."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from mes_app.db import engine as engine_module
from mes_app.services import apple_import
from mes_app.state import apple_import as apple_state
from mes_app.state import takeout as takeout_state
from mes_app.state.apple_import import AppleImportState
from mes_app.state.takeout import TakeoutState
from tests.factories import make_owner
from tests.state.test_app_state import test_database  # noqa: F401
from tests.state.test_apple_import_state import _dialog, _job
from tests.state.test_takeout_state import _page


class _Locked:
    """Stands for Reflex's StateProxy of a background task: ``async with self``, then the state."""

    def __init__(self, state: object) -> None:
        object.__setattr__(self, "_state", state)

    def __getattr__(self, name: str) -> object:
        return getattr(object.__getattribute__(self, "_state"), name)

    def __setattr__(self, name: str, value: object) -> None:
        setattr(object.__getattribute__(self, "_state"), name, value)

    async def __aenter__(self) -> _Locked:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None


@pytest.fixture()
def statement_threads(engine: sa.Engine, monkeypatch) -> Iterator[list[int]]:  # noqa: ANN001
    """The thread of every SQL statement, with two db threads on."""
    monkeypatch.setattr(engine_module, "settings", dataclasses.replace(engine_module.settings, db_threads=2))
    seen: list[int] = []

    def record(*_args: object) -> None:
        seen.append(threading.get_ident())

    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


def test_the_take_out_poll_reads_the_jobs_in_the_db_threads(session, statement_threads, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(takeout_state, "POLL_SECONDS", 0)
    alice = make_owner(session)
    page = _page(session, alice)
    assert page.load_takeout() is None
    page.busy, page._page_path = True, "/takeout"  # as while an archive is being built
    statement_threads.clear()

    async def poll() -> int:
        await TakeoutState.watch.fn(_Locked(page))
        return threading.get_ident()

    loop_thread = asyncio.run(poll())
    assert statement_threads and loop_thread not in statement_threads
    assert not page.busy  # the poll did reload: no job is being built


def test_the_apple_import_poll_follows_the_job_in_the_db_threads(session, statement_threads, tmp_path,  # noqa: ANN001
                                                               monkeypatch):
    monkeypatch.setattr(apple_state, "APPLE_POLL_SECONDS", 0)
    monkeypatch.setattr(apple_state, "APPLE_MAX_POLLS", 2)
    apple_import._JOBS.clear()
    alice = make_owner(session, "Alice Durand")
    dialog = _dialog(session, alice)
    key = _job(session, alice, alice.profile.id, tmp_path)
    assert dialog.apple_started({"ok": True, "job": key}) is not None and dialog.apple_running
    statement_threads.clear()

    async def poll() -> int:
        async for _ in AppleImportState.apple_watch.fn(_Locked(dialog)):
            pass
        return threading.get_ident()

    try:
        loop_thread = asyncio.run(poll())
    finally:
        apple_import._JOBS.clear()
    assert statement_threads and loop_thread not in statement_threads
    assert dialog.apple_running and dialog.apple_percent == 0  # still queued: followed, not ended


# --------------------------------------------------------------------------- argon2 in handlers


def test_registration_hashes_in_a_thread_even_without_db_threads(engine, monkeypatch):  # noqa: ANN001
    """A ``cpu_bound`` handler (argon2) leaves the loop even when there are no db threads
    (SQLite's default), where other handlers run on the loop."""
    from sqlmodel import Session

    from mes_app import mail
    from mes_app.services import passwords
    from mes_app.state import auth as auth_state
    from mes_app.state.auth import RegisterState
    from tests.state.test_app_state import state_for

    monkeypatch.setattr(engine_module, "settings", dataclasses.replace(engine_module.settings, db_threads=0))
    monkeypatch.setattr(auth_state, "new_session", lambda: Session(engine, expire_on_commit=False))
    monkeypatch.setattr(mail, "queue", lambda *_args, **_kwargs: None)
    hashed: list[int] = []
    real = passwords._context  # noqa: SLF001

    class Recording:
        def hash(self, secret: str) -> str:
            hashed.append(threading.get_ident())
            return real.hash(secret)

    monkeypatch.setattr(passwords, "_context", Recording())
    page = state_for(None, None, path="/register").get_substate(RegisterState.get_full_name().split(".")[2:])
    form = {"email": "zoe@example.org", "password": "Correct-horse-42", "given_name": "Zoé",
            "family_name": "Lopez", "birth_date": "1991-04-05", "sex": "female"}

    async def submit() -> int:
        await RegisterState.submit.fn(page, form)
        return threading.get_ident()

    loop_thread = asyncio.run(submit())
    assert page.error == "" and hashed, page.error
    assert loop_thread not in hashed
