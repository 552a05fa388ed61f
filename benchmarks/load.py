"""Websocket load on MES against a bare Reflex floor app (not a test).

    .venv/bin/python -m benchmarks.load [--users 1,20,100] [--duration 30] [--rounds 2]
                                        [--state-manager memory|disk|redis]
                                        [--workers N] [--database-url URL|postgres] [--no-floor]

Scaled out (issue 14): ``--workers 2 --database-url postgres --state-manager redis`` runs MES on
a scratch PostgreSQL database of the local server (dropped afterwards), Reflex's Redis state
manager and N granian workers sharing one port, as ``make run-scaled`` does. The table then also
gives the CPU of the database backends and of Redis per event, and the run ends with the count
of Reflex's "Lock ... held too long" warnings in the server log.

Starts the production MES server the way the e2e suite does (``tests/e2e/server.py``: migrate,
seed the demo, ``reflex run --env prod`` on a free port, login rate limits lifted) and the floor
app (``benchmarks/floor_app.py``: a bare Reflex 0.10 app whose pages' ``on_load`` only
increments a counter). For each user count, and ``--rounds`` times, it runs one phase on MES then
one on the floor (interleaved, so both see the same machine load), and prints a table.

Each simulated user has its own session (its own login of the demo parent, parent@demo.mes) and
its own websocket, opened as Reflex's browser client does (``tests/e2e/ws_client.py``), and
browses in a closed loop (one event in flight, no think time), the way a parent does:
history, conditions, measures, "add a weight" (open the form, submit it), switching profile
(the switcher's redirect, then the page load it causes), home. Floor users load the floor's
pages in a loop.

- latency of an event: send -> the update that ends it (a page load ends with the
  ``is_hydrated`` delta after its on_load chain; the switcher with its redirect; the weight with
  the chart's delta; opening the form with its delta);
- events/s: events completed in the phase / the phase's wall time;
- CPU per event: CPU time (user + system) of the server's whole process group, read from
  ``/proc`` before and after the phase, / events completed. The load client runs on the same
  machine and is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import floor_app  # noqa: E402
from tests.e2e import server as e2e  # noqa: E402
from tests.e2e.ws_client import ON_LOAD_INTERNAL, WsClient, handler_name, login_cookie, logout  # noqa: E402

PARENT = ("parent@demo.mes", "Demo-parent-2026")
FLOOR_PAGES = 8
EVENT_TIMEOUT = 60.0

Predicate = Callable[[dict], bool]


# ---------------------------------------------------------------------------------- CPU (/proc)

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _pgrp(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    return int(raw[raw.rindex(b")") + 2 :].split()[2])  # after "pid (comm) ": state, ppid, pgrp


def _task_cpu(pid: str) -> float:
    """CPU seconds of every thread of ``pid``: schedstat's on-CPU time (ns), else stat's ticks."""
    total = 0.0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as handle:
                total += int(handle.read().split()[0]) / 1e9
            continue
        except (OSError, ValueError, IndexError):
            pass
        try:
            with open(f"/proc/{pid}/task/{tid}/stat", "rb") as handle:
                raw = handle.read()
            fields = raw[raw.rindex(b")") + 2 :].split()
            total += (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime
        except (OSError, ValueError, IndexError):
            pass
    return total


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of process group ``pgid``.

    Read from Linux /proc (no psutil): per thread, ``schedstat``'s on-CPU nanoseconds, which is
    what utime + stime count, at ns instead of 10 ms resolution."""
    return sum(
        _task_cpu(entry.name) for entry in os.scandir("/proc") if entry.name.isdigit() and _pgrp(entry.name) == pgid
    )


@dataclass
class Backends:
    """Where the scaled-out server's database and state store spend CPU: the PostgreSQL
    backends of MES's own database (their /proc), and the Redis server (``INFO cpu``, which
    counts every client of the shared server, so read it on a quiet machine)."""

    database_url: str | None = None
    redis_url: str | None = None

    def cpu_seconds(self) -> tuple[float, float]:
        return self._postgres(), self._redis()

    def _postgres(self) -> float:
        if not self.database_url or not self.database_url.startswith("postgresql"):
            return 0.0
        import sqlalchemy as sa

        engine = sa.create_engine(self.database_url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                pids = conn.execute(
                    sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                            "AND pid <> pg_backend_pid()")
                ).scalars().all()
        finally:
            engine.dispose()
        return sum(_task_cpu(str(pid)) for pid in pids)

    def _redis(self) -> float:
        if not self.redis_url:
            return 0.0
        import redis

        info: dict = redis.Redis.from_url(self.redis_url).info("cpu")  # pyright: ignore[reportAssignmentType]
        return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


# ---------------------------------------------------------------------------------- predicates


def _deltas(data: dict) -> dict:
    delta = data.get("delta") if isinstance(data, dict) else None
    return delta if isinstance(delta, dict) else {}


def hydrated(data: dict) -> bool:
    """The last update of a page load: on_load chain done, ``is_hydrated`` back to true."""
    return any(isinstance(v, dict) and v.get("is_hydrated_rx_state_") is True for v in _deltas(data).values())


def redirected(data: dict) -> bool:
    events = data.get("events") if isinstance(data, dict) else None
    return any(isinstance(e, dict) and e.get("name") == "_redirect" for e in events or [])


def state_delta(fragment: str) -> Predicate:
    return lambda data: any(fragment in key for key in _deltas(data))


# ---------------------------------------------------------------------------------- client


@dataclass
class BenchClient(WsClient):
    """WsClient whose updates are not kept after the connection: each event waits for its end."""

    keep: bool = True
    errors: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        self._predicate: Predicate | None = None
        self._done = asyncio.Event()

        @self.sio.on("event", namespace="/_event")
        async def on_event(data):  # noqa: ANN001, ANN202
            if self.keep:
                self.received.append(json.dumps(data, ensure_ascii=False))
            if isinstance(data, dict) and any("backend_error" in str(e) for e in data.get("events") or []):
                self.errors += 1
            if self._predicate is not None and self._predicate(data):
                self._predicate = None
                self._done.set()

    async def act(self, name: str, payload: dict, path: str, until: Predicate) -> float | None:
        """Send one event; return seconds until the update ``until`` accepts (None on timeout)."""
        self._done.clear()
        self._predicate = until
        start = time.perf_counter()
        await self.sio.emit(
            "event",
            {"name": name, "payload": payload, "router_data": {"pathname": path, "asPath": path}},
            namespace="/_event",
        )
        try:
            await asyncio.wait_for(self._done.wait(), EVENT_TIMEOUT)
        except TimeoutError:
            self._predicate = None
            return None
        return time.perf_counter() - start


def _find_var(messages: list[str], var: str):  # noqa: ANN202
    for text in reversed(messages):
        for values in _deltas(json.loads(text)).values():
            if isinstance(values, dict) and var in values:
                return values[var]
    return None


# ---------------------------------------------------------------------------------- users

Step = tuple[str, dict, str, Predicate]


def mes_steps(profiles: list[dict], turn: int) -> list[Step]:
    """One round of a parent browsing: history, conditions, measures, a weight, switch, home."""
    from mes_app.state.base import AppState
    from mes_app.state.measures import MeasuresState

    nav = lambda path: (ON_LOAD_INTERNAL, {}, path, hydrated)  # noqa: E731
    active = profiles[turn % len(profiles)]
    following = profiles[(turn + 1) % len(profiles)]
    age = (date.today() - date.fromisoformat(active["birth_date"])).days / 365.25
    kg = 9 if age < 2 else 50 if age < 16 else 65
    weight = {"value": f"{kg + random.randint(0, 9) / 10:.1f}", "unit": "kg", "measured_at": _now_input()}
    return [
        nav("/history"),
        nav("/record/conditions"),
        nav("/measures"),
        (handler_name(MeasuresState, "open_new"), {}, "/measures", state_delta("measures_state")),
        (
            handler_name(MeasuresState, "submit_form"),
            {"form_data": weight},
            "/measures",
            state_delta("measure_chart_state"),
        ),
        (handler_name(AppState, "switch_profile"), {"profile_id": str(following["id"])}, "/measures", redirected),
        nav("/measures"),  # the page load the switcher's redirect causes
        nav("/"),
    ]


def _now_input() -> str:
    return time.strftime("%Y-%m-%dT%H:%M", time.localtime())


def floor_steps(turn: int) -> list[Step]:
    return [(ON_LOAD_INTERNAL, {}, path, hydrated) for path in floor_app.page_paths(FLOOR_PAGES)]


@dataclass
class Phase:
    app: str
    users: int
    latencies: list[float] = field(default_factory=list)
    timeouts: int = 0
    errors: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    pg_cpu: float = 0.0  # PostgreSQL backends of MES's database (0 on SQLite)
    redis_cpu: float = 0.0  # the Redis server (0 without Redis)
    by_step: dict[str, list[float]] = field(default_factory=dict)

    @property
    def events(self) -> int:
        return len(self.latencies)

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000

    @property
    def rate(self) -> float:
        return self.events / self.wall if self.wall else 0.0

    @property
    def cpu_ms(self) -> float:
        return self.cpu / self.events * 1000 if self.events else float("nan")

    def per_event_ms(self, seconds: float) -> float:
        return seconds / self.events * 1000 if self.events else float("nan")


async def _browse(client: BenchClient, steps: Callable[[int], list[Step]], stop_at: float, phase: Phase) -> None:
    turn = 0
    while time.perf_counter() < stop_at:
        for name, payload, path, until in steps(turn):
            latency = await client.act(name, payload, path, until)
            if latency is None:
                phase.timeouts += 1
            else:
                phase.latencies.append(latency)
                label = path if name == ON_LOAD_INTERNAL else f"{name.rsplit('.', 1)[-1]} ({path})"
                phase.by_step.setdefault(label, []).append(latency)
            if time.perf_counter() >= stop_at:
                break
        turn += 1


async def run_phase(
    app: str, server: e2e.LiveServer, users: int, duration: float, cookies: list[str], backends: Backends | None = None
) -> Phase:
    phase = Phase(app, users)
    first_path = "/" if app == "mes" else "/p0"
    clients = [BenchClient(server.base_url, cookie=cookies[i] if app == "mes" else None) for i in range(users)]
    await asyncio.gather(*(c.connect(first_path) for c in clients))
    stepper: list[Callable[[int], list[Step]]] = []
    for number, client in enumerate(clients):
        if app == "mes":
            profiles = _find_var(client.received, "profiles_rx_state_") or []
            if not profiles:
                raise RuntimeError("a MES user saw no profile: is the demo seeded and the login accepted?")
            offset = number  # users start on different profiles
            stepper.append(lambda turn, p=profiles, o=offset: mes_steps(p, turn + o))
        else:
            stepper.append(floor_steps)
        client.keep = False
        client.received.clear()
    assert server.process is not None
    pgid = server.process.pid
    backends = backends or Backends()
    pg_before, redis_before = await asyncio.to_thread(backends.cpu_seconds)
    cpu_before, wall_before = group_cpu_seconds(pgid), time.perf_counter()
    stop_at = wall_before + duration
    await asyncio.gather(*(_browse(c, s, stop_at, phase) for c, s in zip(clients, stepper, strict=True)))
    phase.wall = time.perf_counter() - wall_before
    phase.cpu = group_cpu_seconds(pgid) - cpu_before
    pg_after, redis_after = await asyncio.to_thread(backends.cpu_seconds)
    phase.pg_cpu, phase.redis_cpu = pg_after - pg_before, redis_after - redis_before
    phase.errors = sum(c.errors for c in clients)
    await asyncio.gather(*(c.close() for c in clients))
    await asyncio.sleep(1)  # let the server settle the disconnects outside the next phase
    return phase


# ---------------------------------------------------------------------------------- report

HEADER = (
    f"{'app':<6} {'users':>5} {'round':>5} {'events':>7} {'ev/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
    f"{'CPU ms/ev':>9} {'t/o':>4} {'err':>4} {'PG ms/ev':>8} {'Redis ms/ev':>11}"
)


def line(phase: Phase, round_no: int | str) -> str:
    return (
        f"{phase.app:<6} {phase.users:>5} {round_no!s:>5} {phase.events:>7} {phase.rate:>7.1f} {phase.pct(50):>8.1f} "
        f"{phase.pct(95):>8.1f} {phase.pct(99):>8.1f} {phase.cpu_ms:>9.2f} {phase.timeouts:>4} {phase.errors:>4} "
        f"{phase.per_event_ms(phase.pg_cpu):>8.2f} {phase.per_event_ms(phase.redis_cpu):>11.2f}"
    )


def merged(phases: list[Phase]) -> Phase:
    out = Phase(phases[0].app, phases[0].users)
    for p in phases:
        out.latencies += p.latencies
        out.timeouts += p.timeouts
        out.errors += p.errors
        out.wall += p.wall
        out.cpu += p.cpu
        out.pg_cpu += p.pg_cpu
        out.redis_cpu += p.redis_cpu
        for label, values in p.by_step.items():
            out.by_step.setdefault(label, []).extend(values)
    return out


def step_table(results: dict[tuple[str, int], list[Phase]], user_counts: list[int]) -> str:
    rows = [f"{'users':>5}  {'MES step':<32} {'n':>6} {'p50 ms':>8} {'p95 ms':>8}"]
    for users in user_counts:
        mes = merged(results[("mes", users)])
        for label, values in mes.by_step.items():
            ordered = sorted(values)
            p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
            rows.append(
                f"{users:>5}  {label:<32} {len(values):>6} {statistics.median(values) * 1000:>8.1f} {p95 * 1000:>8.1f}"
            )
    return "\n".join(rows)


def summary(results: dict[tuple[str, int], list[Phase]], user_counts: list[int]) -> str:
    rows = [
        f"{'users':>5} {'MES ev/s':>9} {'floor ev/s':>10} {'MES p95':>8} {'floor p95':>9} {'p95 ratio':>9} "
        f"{'MES p99':>8} {'floor p99':>9} {'MES CPU/ev':>10} {'floor CPU/ev':>12} {'CPU ratio':>9}"
    ]
    for users in user_counts:
        mes = merged(results[("mes", users)])
        if ("floor", users) not in results:  # --no-floor
            rows.append(f"{users:>5} {mes.rate:>9.1f} {'-':>10} {mes.pct(95):>8.1f} {'-':>9} {'-':>9} "
                        f"{mes.pct(99):>8.1f} {'-':>9} {mes.cpu_ms:>10.2f} {'-':>12} {'-':>9}")
            continue
        floor = merged(results[("floor", users)])
        rows.append(
            f"{users:>5} {mes.rate:>9.1f} {floor.rate:>10.1f} {mes.pct(95):>8.1f} {floor.pct(95):>9.1f} "
            f"{mes.pct(95) / floor.pct(95):>9.2f} {mes.pct(99):>8.1f} {floor.pct(99):>9.1f} "
            f"{mes.cpu_ms:>10.2f} {floor.cpu_ms:>12.2f} {mes.cpu_ms / floor.cpu_ms:>9.2f}"
        )
    return "\n".join(rows)


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{platform.machine()} {platform.system()} {platform.release()}, nproc {os.cpu_count()}, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, Python {platform.python_version()}"
    )


# ---------------------------------------------------------------------------------- main


async def idle_cpu(servers: dict[str, e2e.LiveServer], seconds: float = 5) -> str:
    """Server CPU with no user at all (timers, background tasks), in ms per second."""
    before = {app: group_cpu_seconds(s.process.pid) for app, s in servers.items()}
    await asyncio.sleep(seconds)
    return ", ".join(
        f"{app} {(group_cpu_seconds(s.process.pid) - before[app]) / seconds * 1000:.1f} ms/s"
        for app, s in servers.items()
    )


async def bench(
    mes: e2e.LiveServer,
    floor: e2e.LiveServer | None,
    user_counts: list[int],
    duration: float,
    rounds: int,
    backends: Backends | None = None,
) -> dict[tuple[str, int], list[Phase]]:
    servers = {"mes": mes, **({"floor": floor} if floor is not None else {})}
    print(f"idle server CPU (no user, 5 s): {await idle_cpu(servers)}", flush=True)
    cookies: list[str] = []
    results: dict[tuple[str, int], list[Phase]] = {}
    try:
        for users in user_counts:
            while len(cookies) < users:  # one session per simulated user
                cookie = await asyncio.to_thread(login_cookie, mes.base_url, *PARENT)
                if cookie is None:
                    raise RuntimeError("the demo parent's login was refused")
                cookies.append(cookie)
            for round_no in range(1, rounds + 1):
                for app, server in servers.items():
                    phase = await run_phase(app, server, users, duration, cookies, backends if app == "mes" else None)
                    results.setdefault((app, users), []).append(phase)
                    print(line(phase, round_no), flush=True)
    finally:
        for cookie in cookies:
            await asyncio.to_thread(logout, mes.base_url, cookie)
    return results


def lock_warnings(server: e2e.LiveServer) -> int:
    """Reflex's "Lock for token ... was held too long" warnings in the server's log (Redis only)."""
    try:
        return server.log_path.read_text(errors="replace").count("was held too long")
    except OSError:
        return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="1,20,100", help="comma-separated user counts")
    parser.add_argument("--duration", type=float, default=30, help="seconds per phase")
    parser.add_argument("--rounds", type=int, default=2, help="MES/floor alternations per user count")
    parser.add_argument(
        "--state-manager",
        choices=("memory", "disk", "redis"),
        default=None,
        help="MES's state manager (default: memory, redis with --workers > 1)",
    )
    parser.add_argument("--redis", "--redis-url", dest="redis", default="redis://127.0.0.1:6379/14",
                        help="Redis URL for --state-manager redis (its database is flushed)")
    parser.add_argument("--workers", type=int, default=1, help="MES backend workers (granian) behind the one port")
    parser.add_argument(
        "--database-url",
        default="",
        help="MES's database: empty for SQLite in the run's folder, 'postgres' for a scratch database "
        "on the local PostgreSQL server (dropped afterwards), or a URL",
    )
    parser.add_argument("--no-floor", action="store_true", help="MES phases only (no bare-Reflex floor app)")
    args = parser.parse_args(argv)
    user_counts = [int(n) for n in args.users.split(",")]
    state_manager = args.state_manager or ("redis" if args.workers > 1 else "memory")
    if args.workers > 1 and state_manager != "redis":
        parser.error("several workers share their clients' state through Redis: --state-manager redis")

    with tempfile.TemporaryDirectory(prefix="mes-bench-") as tmp, ExitStack() as stack:
        print("starting MES and the floor app (production builds)...", flush=True)
        extra = {"MES_STATE_MANAGER": state_manager, "GRANIAN_WORKERS": str(args.workers)}
        backends = Backends()
        if state_manager == "redis":
            import redis

            redis.Redis.from_url(args.redis).flushdb()
            extra["MES_REDIS_URL"] = backends.redis_url = args.redis
        if args.database_url == "postgres":
            from tests.e2e.cluster import postgres_database

            args.database_url = stack.enter_context(postgres_database())
        if args.database_url:
            extra["MES_DATABASE_URL"] = backends.database_url = args.database_url
        mes = e2e.start(Path(tmp) / "mes", extra_env=extra)
        floor = None
        try:
            if not args.no_floor:
                floor = floor_app.start(Path(tmp) / "floor", FLOOR_PAGES)
            print(f"machine: {machine()}")
            print(f"command: {' '.join(['python -m benchmarks.load', *(argv if argv is not None else sys.argv[1:])])}")
            print(f"MES: {args.workers} worker(s), state manager {state_manager}, "
                  f"database {'PostgreSQL' if args.database_url.startswith('postgres') else 'SQLite'}")
            print(HEADER, flush=True)
            results = asyncio.run(bench(mes, floor, user_counts, args.duration, args.rounds, backends))
            print("\nall rounds merged (latencies in ms, CPU in ms of server CPU per event):")
            print(summary(results, user_counts))
            print("\nMES latency per step (all rounds):")
            print(step_table(results, user_counts))
            print(f"\n'Lock ... held too long' warnings in the MES log: {lock_warnings(mes)}")
            print(f"machine at the end: {machine()}")
        finally:
            if floor is not None:
                e2e.stop(floor)
            e2e.stop(mes)
            if state_manager == "redis":
                import redis

                redis.Redis.from_url(args.redis).flushdb()


if __name__ == "__main__":
    main()
