"""A health-app import followed from another worker (issue 14): with several workers sharing
Redis, the worker that polls the job reads the progress the running worker published. Against
the machine's real Redis server (a key of this test's own, removed after)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

from mes_app.domain.access import UserActor
from mes_app.domain.errors import NotFound
from mes_app.services import apple_import, job_board
from tests.factories import NOW

REDIS_URL = "redis://127.0.0.1:6379/11"


@pytest.fixture()
def board(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(job_board, "settings", dataclasses.replace(job_board.settings, redis_url=REDIS_URL))
    job = apple_import._Job("board-test-" + NOW.strftime("%f"), 41, 7, Path("/nowhere"), NOW, status="running",
                            read_bytes=50, total_bytes=200,
                            summary=apple_import.ImportSummary(added=Counter(weight=3), duplicates=1))
    yield job
    job_board._client(REDIS_URL).delete(f"{job_board.PREFIX}{apple_import.BOARD_KIND}:{job.key}")


def test_the_progress_a_worker_publishes_is_seen_by_another_one(board):
    apple_import._publish(board)
    apple_import._JOBS.pop(board.key, None)  # the polling worker does not hold the job
    view = apple_import.job_view(UserActor(41, "patient"), board.key)
    assert (view.status, view.percent, view.summary.added, view.summary.duplicates) == ("running", 25,
                                                                                         Counter(weight=3), 1)
    board.status = "done"
    apple_import._publish(board)
    assert apple_import.job_view(UserActor(41, "patient"), board.key).percent == 100


def test_someone_else_or_an_unknown_key_finds_nothing(board):
    apple_import._publish(board)
    for actor, key in ((UserActor(42, "patient"), board.key), (UserActor(41, "patient"), "unknown-key"),
                       (UserActor(41, "patient"), "x" * 500)):
        with pytest.raises(NotFound):
            apple_import.job_view(actor, key)


def test_without_redis_nothing_is_published(monkeypatch):
    monkeypatch.setattr(job_board, "settings", dataclasses.replace(job_board.settings, redis_url=""))
    job_board.publish("apple", "k", {"a": 1}, keep_seconds=10)
    assert job_board.read("apple", "k") is None
