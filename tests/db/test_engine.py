"""The app's engine against a PostgreSQL server that restarts (issue 14 item 1): no pre-ping
round trip per checkout, yet a restarted server is recovered from without restarting MES
(engine._drop_if_closed polls an idle connection's socket at checkout).

A private server is started in a temporary folder on a free port (the machine's shared
PostgreSQL is never restarted); skipped when PostgreSQL's binaries are not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from mes_app.db import engine as app_engine
from tests.e2e.server import free_port

PG_CTL, INITDB = shutil.which("pg_ctl"), shutil.which("initdb")


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: the commands then run as the postgres account."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture()
def private_postgres() -> Iterator[tuple[str, list[str]]]:
    """A URL of a throw-away server, and the command that restarts it."""
    if PG_CTL is None or INITDB is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("PostgreSQL's initdb/pg_ctl are not installed")
    folder = Path(tempfile.mkdtemp(prefix="mes-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    subprocess.run(_as_postgres([INITDB, "-D", str(data), "-U", "postgres", "-A", "trust"]),
                   check=True, capture_output=True, timeout=120)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    start = [PG_CTL, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w"]
    subprocess.run(_as_postgres([*start, "start"]), check=True, capture_output=True, timeout=60)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres", _as_postgres([*start, "-m", "fast", "restart"])
    finally:
        subprocess.run(_as_postgres([PG_CTL, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True,
                       timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def test_a_restarted_server_costs_no_failed_request_and_no_pre_ping(private_postgres) -> None:  # noqa: ANN001
    url, restart = private_postgres
    engine = app_engine.get_engine(url)
    try:
        assert engine.pool._pre_ping is False  # no round trip per checkout
        # The pool holds three connections, as after a burst of events in three db threads.
        held = [engine.connect() for _ in range(3)]
        before = {c.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() for c in held}
        for conn in held:
            conn.close()
        assert _backend_pid(engine) in before  # reused, not reconnected

        subprocess.run(restart, check=True, capture_output=True, timeout=60)

        # The server closed the pooled connections: each is dropped at checkout by a local poll
        # of its socket (no round trip), so no request fails and every one gets a new backend.
        after = [_backend_pid(engine) for _ in range(5)]
        assert not set(after) & before
    finally:
        engine.dispose()
        app_engine.get_engine.cache_clear()
