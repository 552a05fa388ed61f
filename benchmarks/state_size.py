"""How much state one client leaves in the state store, page after page (not a test).

    .venv/bin/python -m benchmarks.state_size [--redis redis://127.0.0.1:6379/12]

Runs the production server on the Redis state manager (so that each state's pickle can be read
as stored), signs the demo parent in, opens ``/`` and then moves through every signed-in page as
an in-app navigation does. After each page's on_load chain it sums the bytes that this client's
keys hold in Redis, and prints them per page with the largest key. The issue's target: each
client's pickled state stays at most 15 KB after visiting every page.

``tests/e2e/test_state_store.py`` uses :func:`visit_every_page` to hold that bound.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.heavy_profile import PAGES, PARENT  # noqa: E402
from benchmarks.load import BenchClient, hydrated, redirected  # noqa: E402
from tests.e2e import server as e2e  # noqa: E402
from tests.e2e.ws_client import ON_LOAD_INTERNAL, login_cookie, logout  # noqa: E402

TARGET_BYTES = 15 * 1024


def client_store(redis_url: str, token: str) -> dict[str, int]:
    """Bytes per Redis key of one client (Reflex names its state keys ``<token>_<state>``)."""
    client = redis.Redis.from_url(redis_url)
    sizes = {}
    for key in client.scan_iter(match=f"{token}_*"):
        if client.type(key) == b"string":
            sizes[key.decode()[len(token) + 1:]] = client.strlen(key)
    return sizes


async def visit_every_page(base_url: str, redis_url: str, cookie: str) -> list[tuple[str, dict[str, int]]]:
    """Open ``/``, then every page in turn; after each, what this client holds in the store."""
    client = BenchClient(base_url, cookie=cookie)
    await client.connect("/")
    seen = []
    try:
        for path in PAGES:
            elapsed = await client.act(ON_LOAD_INTERNAL, {}, path, lambda d: hydrated(d) or redirected(d))
            if elapsed is None:
                raise RuntimeError(f"{path} did not finish loading")
            await asyncio.sleep(0.3)  # the Redis manager writes as the event ends
            seen.append((path, client_store(redis_url, client.token)))
    finally:
        await client.close()
    return seen


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args(argv)
    redis.Redis.from_url(args.redis).flushdb()
    with tempfile.TemporaryDirectory(prefix="mes-state-size-") as tmp:
        server = e2e.start(Path(tmp), extra_env={"MES_STATE_MANAGER": "redis", "MES_REDIS_URL": args.redis})
        try:
            cookie = login_cookie(server.base_url, *PARENT)
            if cookie is None:
                raise RuntimeError("the demo parent's login was refused")
            try:
                seen = asyncio.run(visit_every_page(server.base_url, args.redis, cookie))
            finally:
                logout(server.base_url, cookie)
        finally:
            e2e.stop(server)
            redis.Redis.from_url(args.redis).flushdb()
    print(f"{'page':<26} {'state bytes':>11}  largest state")
    for path, sizes in seen:
        largest = max(sizes, key=sizes.get) if sizes else "-"
        print(f"{path:<26} {sum(sizes.values()):>11,}  {largest.rsplit('.', 1)[-1]} ({sizes.get(largest, 0):,})")
    worst = max(sum(s.values()) for _, s in seen)
    print(f"largest total: {worst:,} bytes (target {TARGET_BYTES:,})")


if __name__ == "__main__":
    main()
