"""Redis restarted under MES (issue 14 item 4), on a private server of our own (a free port,
``--save ""``: it comes back empty), never the machine's shared one.

Reflex keeps the page states and the socket records in Redis; all of it is lost. Identity is the
session cookie (checked in the database on every event), so users stay logged in: the page that
stayed open and a page opened again both load their data, without logging in again and without
restarting MES.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import redis

from tests.e2e import faults
from tests.e2e import server as mes_server
from tests.e2e.ws_client import ON_LOAD_INTERNAL, WsClient, login_cookie

pytestmark = pytest.mark.e2e

HEALTH_WORD = "Pénicilline"  # on the mother's summary, in the seed
PAGE = "/summary"


@pytest.fixture()
def private_redis(tmp_path: Path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with faults.private_redis(tmp_path / "redis") as server:
        yield server


async def _arrived(client: WsClient, since: int, text: str, timeout: float = 20) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if text in "\n".join(client.received[since:]):
            return True
        await asyncio.sleep(0.1)
    return False


def _redirected_to_login(client: WsClient, since: int) -> bool:
    return any("/login" in message for message in client.received[since:])


def test_redis_restarted_users_stay_logged_in_and_pages_reload(private_redis: faults.PrivateRedis,
                                                                tmp_path: Path) -> None:
    store = redis.Redis.from_url(private_redis.url)
    server = faults.start(tmp_path / "mes", {"MES_REDIS_URL": private_redis.url, "MES_STATE_MANAGER": "redis"})
    try:
        pid = server.process.pid if server.process else None
        cookie = login_cookie(server.base_url, *faults.PARENT)
        assert cookie

        async def scenario() -> None:
            open_page = WsClient(server.base_url, cookie=cookie)
            await open_page.connect(path=PAGE)
            assert await _arrived(open_page, 0, HEALTH_WORD), "the summary did not load: nothing tested"
            assert store.dbsize() > 0, "Reflex keeps nothing in this Redis: nothing tested"

            private_redis.stop()  # kill -9
            private_redis.start()  # empty
            assert store.dbsize() == 0

            # The page left open: the next click loads its data again.
            since = len(open_page.received)
            await open_page.call(ON_LOAD_INTERNAL, path=PAGE)
            assert await _arrived(open_page, since, HEALTH_WORD), open_page.received[since:]
            assert not _redirected_to_login(open_page, since)
            assert open_page.timeouts == []
            await open_page.close()

            # The page opened again (a reload, a new tab): logged in, its data there.
            reloaded = WsClient(server.base_url, cookie=cookie)
            await reloaded.connect(path=PAGE)
            assert await _arrived(reloaded, 0, HEALTH_WORD), reloaded.received
            assert not _redirected_to_login(reloaded, 0)
            assert reloaded.timeouts == []
            await reloaded.close()
            assert store.dbsize() > 0, "the states did not go back to Redis"

        asyncio.run(scenario())
        assert server.process is not None and server.process.pid == pid and server.process.poll() is None
    finally:
        mes_server.stop(server)
