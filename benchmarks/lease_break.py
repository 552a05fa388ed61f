"""What a client's event waits for when another worker holds its state (not a test).

    .venv/bin/python -m benchmarks.lease_break [--rounds 40] [--lease-seconds 5]

Under Redis, a worker keeps a client's state leased in memory after an event
(``MES_REDIS_STATE_LEASE_SECONDS``, Reflex's opportunistic lock). When the client's next event
reaches the *other* worker (a phone that reconnects, a load balancer without sticky sessions), that
worker asks for the lock and the holder ends its lease: it writes the state back to Redis and
releases the lock. This measures that wait on two workers on PostgreSQL + Redis
(``tests/e2e/cluster.two_workers``): each round, one client (always the same client token, the
demo parent signed in) opens a page's event on one worker, closes its socket, reconnects to the
same worker or to the other one, and the time of the next event (``on_load_internal`` of
/summary, until the summary's data arrive) is taken, then that of a second event on the same socket. It
prints p50 / p95 / max for the three cases.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e import cluster as clusters  # noqa: E402
from tests.e2e.ws_client import ON_LOAD_INTERNAL, WsClient, login_cookie  # noqa: E402

PARENT = ("parent@demo.mes", "Demo-parent-2026")
PAGE = "/summary"
HEALTH_WORD = "Pénicilline"  # on the mother's summary, in the seed: the page's data have arrived


async def _timed_events(url: str, origin: str, cookie: str, token: str) -> tuple[float, float]:
    """The first event after the reconnection, then a second one on the same socket (ms)."""
    client = WsClient(url, cookie=cookie, token=token, origin=origin)
    await client.connect(path=PAGE, boot=None)
    took = []
    for _ in range(2):
        since = len(client.received)
        start = time.perf_counter()
        sent = asyncio.create_task(client.call(ON_LOAD_INTERNAL, path=PAGE))
        while not any(HEALTH_WORD in message for message in client.received[since:]) and not sent.done():
            await asyncio.sleep(0.001)
        took.append((time.perf_counter() - start) * 1000)
        await sent
    timeouts = list(client.timeouts)
    await client.close()
    if timeouts:
        raise RuntimeError(f"an event timed out: {timeouts}")
    return took[0], took[1]


async def _rounds(cluster: clusters.Cluster, cookie: str, rounds: int) -> dict[str, list[float]]:
    first, second = cluster.urls
    token = str(uuid.uuid4())
    times: dict[str, list[float]] = {"same worker": [], "other worker": [], "same socket": []}
    await _timed_events(first, cluster.http, cookie, token)  # the lease is now on the first worker
    holder = first
    for turn in range(rounds):
        target = holder if turn % 2 == 0 else (second if holder == first else first)
        cluster.wait_released(token)
        after_reconnect, next_one = await _timed_events(target, cluster.http, cookie, token)
        times["same worker" if target == holder else "other worker"].append(after_reconnect)
        times["same socket"].append(next_one)
        holder = target
    return times


def _line(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"{name:<14} {len(values):>4} {statistics.median(ordered):>9.1f} {p95:>9.1f} {ordered[-1]:>9.1f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="reconnections (half to each worker)")
    parser.add_argument("--lease-seconds", default="5", help="MES_REDIS_STATE_LEASE_SECONDS of the workers")
    args = parser.parse_args(argv)
    missing = clusters.missing_servers()
    if missing:
        raise SystemExit(missing)
    env = {"MES_REDIS_STATE_LEASE_SECONDS": args.lease_seconds}  # the e2e servers lift the rate limits
    with tempfile.TemporaryDirectory() as data_dir, clusters.two_workers(Path(data_dir), env) as cluster:
        cookie = login_cookie(cluster.http, *PARENT)
        if not cookie:
            raise SystemExit("could not sign in the demo parent")
        times = asyncio.run(_rounds(cluster, cookie, args.rounds))
    print(f"two workers, PostgreSQL + Redis, MES_REDIS_STATE_LEASE_SECONDS={args.lease_seconds}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'next event on':<14} {'n':>4} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    for name, values in times.items():
        print(_line(name, values))


if __name__ == "__main__":
    main()
