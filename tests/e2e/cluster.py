"""The service as the websocket security tests see it: one process, or several workers.

Scale-out (issue 14 item 2): the security tests that run over a real websocket (token replay,
log out elsewhere, the state reset when the cookie's user changes, a link visitor's replayed
token, a removed professional) run twice: against the single-process server, and against two
backend workers sharing PostgreSQL and Redis (``MES_REDIS_URL``: Reflex's Redis state manager,
the shared rate limits). Each new connection goes to the next worker, so a client that
reconnects lands on the other worker, and an attacker replays a token on the worker that did not
serve the victim.

Under Redis, Reflex gives a connection a *new* token while the old one's socket record is still
in Redis (it takes it for a duplicate tab); a replay would then test nothing. So the tests wait
until the victim's record is gone (:meth:`Cluster.wait_released`) and fail when the server
answered a replay with a new token (:meth:`Cluster.check_replayed`).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis
import sqlalchemy as sa

from tests.e2e import server as mes_server
from tests.e2e.ws_client import WsClient

# PostgreSQL of this machine (trust, as in the Makefile); Redis database 13 is the tests' own.
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# MES_E2E_REDIS_DBS="13,12" by default: two runs on one machine at once each set their own pair
# (each run flushes its databases).
_DBS = os.environ.get("MES_E2E_REDIS_DBS", "13,12").split(",")
REDIS_URL = f"redis://127.0.0.1:6379/{_DBS[0]}"
# ``MES_E2E_SCALE=redis``: the session's live server itself runs on PostgreSQL + Redis with two
# granian workers behind its one port (the browser journeys, once, as a scaled-out service).
SCALE_VARIABLE = "MES_E2E_SCALE"
SCALED_REDIS_URL = f"redis://127.0.0.1:6379/{_DBS[1]}"
SOCKET_RECORD = "token_manager_socket_record_{token}"
RELEASE_TIMEOUT = 10


@dataclass
class Cluster:
    """Where the tests send HTTP (``http``, the first worker) and websockets (each worker in turn)."""

    urls: list[str]
    redis_url: str | None = None
    name: str = "one-process"
    _turn: Iterator[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._turn = itertools.cycle(self.urls)

    @property
    def http(self) -> str:
        """The app's origin: pages, /api routes, and the Origin every websocket sends."""
        return self.urls[0]

    def client(self, **kwargs) -> WsClient:  # noqa: ANN003 - WsClient's own fields
        """A websocket client on the next worker (the app's origin as Origin, as a browser sends)."""
        return WsClient(next(self._turn), origin=self.http, **kwargs)

    def wait_released(self, token: str) -> None:
        """Under Redis, wait until no worker holds ``token``'s socket record any more."""
        if self.redis_url is None:
            return
        store = redis.Redis.from_url(self.redis_url)
        deadline = time.monotonic() + RELEASE_TIMEOUT
        while store.exists(SOCKET_RECORD.format(token=token)):
            if time.monotonic() > deadline:
                raise AssertionError("the closed connection's token stayed registered in Redis")
            time.sleep(0.1)

    def holds_state(self, token: str) -> bool:
        """Under Redis, whether the workers keep ``token``'s state there (proof they share it)."""
        if self.redis_url is None:
            return False
        return any(redis.Redis.from_url(self.redis_url).scan_iter(match=f"{token}_*", count=100))

    @staticmethod
    def check_replayed(client: WsClient) -> None:
        """The server took the replayed token as it was (else the replay tested nothing)."""
        assert client.new_tokens == [], "the server gave the replaying client a new token: no replay happened"


def missing_servers() -> str | None:
    """Why two workers cannot run here (no PostgreSQL or no Redis on localhost), else None."""
    try:
        sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3}).connect().close()
    except sa.exc.OperationalError:
        return "no PostgreSQL server on 127.0.0.1:5432"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.exceptions.ConnectionError:
        return "no Redis server on 127.0.0.1:6379"
    return None


def one_process(base_url: str) -> Cluster:
    return Cluster([base_url])


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on this machine's server; dropped afterwards."""
    name = f"mes_e2e_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def two_workers(data_dir: Path, extra_env: dict[str, str]) -> Iterator[Cluster]:
    """Two backend workers (the first also serves the pages) on PostgreSQL + Redis, seeded."""
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    previous = mes_server._current
    with postgres_database() as database_url:
        env = dict(extra_env, MES_DATABASE_URL=database_url, MES_REDIS_URL=REDIS_URL, GRANIAN_WORKERS="1")
        first = mes_server.start(data_dir, extra_env=env)
        mes_server._current = previous  # current_log_text() stays the single-process server's
        second = None
        try:
            second = mes_server.start_backend(first)
            yield Cluster([first.base_url, second.base_url], redis_url=REDIS_URL, name="redis-2-workers")
        finally:
            for worker in (second, first):
                if worker is not None:
                    mes_server.stop(worker)
            mes_server._current = previous
            store.flushdb()


@contextlib.contextmanager
def scaled_live_server(data_dir: Path, extra_env: dict[str, str], workers: int = 2) -> Iterator[mes_server.LiveServer]:
    """The live server as a scaled-out service: PostgreSQL, Redis, ``workers`` granian workers
    sharing one port (the kernel spreads the browser's connections over them)."""
    store = redis.Redis.from_url(SCALED_REDIS_URL)
    store.flushdb()
    with postgres_database() as database_url:
        env = dict(extra_env, MES_DATABASE_URL=database_url, MES_REDIS_URL=SCALED_REDIS_URL,
                   GRANIAN_WORKERS=str(workers))
        server = mes_server.start(data_dir, extra_env=env)
        try:
            yield server
        finally:
            mes_server.stop(server)
            store.flushdb()
