"""Every signed-in page of MES on a heavy profile: server time and update size (not a test).

    .venv/bin/python -m benchmarks.heavy_profile [--events 10000] [--measures 20000] [--runs 3]

Migrates and seeds the demo into a temporary data folder (``tests/e2e/server.py``), then adds to
the demo parent's own profile (Camille, parent@demo.mes) ``--events`` timeline events
(encounters of every kind, one a day or more often, going back from today) and ``--measures``
measures (weight, blood pressure, heart rate, temperature, SpO2, glucose in turn), straight into
the SQLite database before the production server starts. Then, signed in as the parent, for each
page:

- cold: a new websocket opened on the page with ``hydrate_and_load`` (what opening the URL or a
  reload does), until the ``is_hydrated`` update that ends its on_load chain;
- nav: ``on_load_internal`` from an open connection (a click on a link in the app).

It prints, per page, the median over ``--runs`` of the latency (send -> last update, localhost),
the server's CPU time for it (process group, from /proc) and the bytes of JSON updates received,
then the p95 of the latency, cold and nav (the largest sample when there are fewer than 20 runs).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, create_engine, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import BenchClient, group_cpu_seconds, hydrated, machine, redirected  # noqa: E402
from mes_app.db.models import Encounter, Measure, Profile, User  # noqa: E402
from mes_app.domain.record_kinds import RECORD_GROUPS  # noqa: E402
from tests.e2e import server as e2e  # noqa: E402
from tests.e2e.ws_client import HYDRATE_AND_LOAD, ON_LOAD_INTERNAL, login_cookie, logout, router_data  # noqa: E402

PARENT = ("parent@demo.mes", "Demo-parent-2026")
PAGES = ["/", "/history", "/record", *[f"/record/{g}" for g in RECORD_GROUPS], "/profiles", "/measures", "/documents",
         "/access-history", "/appointments", "/prevention", "/care-team", "/caregivers", "/who-can-see",
         "/summary", "/share", "/emergency-card", "/messages", "/patients"]
ENCOUNTER_KINDS = ("gp_visit", "specialist", "pharmacy", "lab", "emergency", "other")
# kind, LOINC, unit, value(i), secondary(i)
MEASURES = (
    ("weight", "29463-7", "kg", lambda i: 60 + (i % 80) / 10, None),
    ("blood_pressure", "85354-9", "mm[Hg]", lambda i: 110 + i % 30, lambda i: 70 + i % 15),
    ("heart_rate", "8867-4", "/min", lambda i: 60 + i % 40, None),
    ("temperature", "8310-5", "Cel", lambda i: 36.5 + (i % 15) / 10, None),
    ("spo2", "59408-5", "%", lambda i: 94 + i % 6, None),
    ("glucose", "2339-0", "mg/dL", lambda i: 80 + i % 60, None),
)
END = lambda data: hydrated(data) or redirected(data)  # noqa: E731


def seed_heavy(database_url: str, events: int, measures: int) -> int:
    """Add the events and measures to the parent's own profile; return the profile id."""
    now = datetime.now(UTC).replace(microsecond=0)
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            user = session.exec(select(User).where(User.email == PARENT[0])).one()
            profile = session.exec(select(Profile).where(Profile.owner_user_id == user.id)).one()
            base = {"profile_id": profile.id, "author_user_id": user.id, "author_role": "patient",
                    "created_at": now, "updated_at": now, "hidden_from_professionals": False}
            step = timedelta(minutes=max(1, (20 * 365 * 24 * 60) // max(events, 1)))  # about 20 years
            rows = [{**base, "kind": ENCOUNTER_KINDS[i % len(ENCOUNTER_KINDS)], "title": f"Consultation {i}",
                     "occurred_at": now - (i + 1) * step, "place": "Cabinet", "practitioner": "Dr Test"}
                    for i in range(events)]
            for start in range(0, len(rows), 5_000):
                session.execute(sa.insert(Encounter), rows[start:start + 5_000])
            step = timedelta(minutes=max(1, (10 * 365 * 24 * 60) // max(measures, 1)))  # about 10 years
            rows = []
            for i in range(measures):
                kind, loinc, unit, value, secondary = MEASURES[i % len(MEASURES)]
                rows.append({**base, "kind": kind, "loinc_code": loinc, "unit": unit, "value": value(i),
                             "value_secondary": secondary(i) if secondary else None,
                             "measured_at": now - (i + 1) * step, "source": "manual"})
            for start in range(0, len(rows), 5_000):
                session.execute(sa.insert(Measure), rows[start:start + 5_000])
            session.commit()
            return profile.id
    finally:
        engine.dispose()


async def _until_end(client: BenchClient, send, pgid: int) -> tuple[float, float, int]:  # noqa: ANN001
    """Run ``send`` and wait for the end of the page load: (seconds, server CPU seconds, bytes)."""
    sizes: list[int] = []
    done = asyncio.Event()

    @client.sio.on("event", namespace="/_event")
    async def on_event(data):  # noqa: ANN001, ANN202
        sizes.append(len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()))
        if END(data):
            done.set()

    cpu = group_cpu_seconds(pgid)
    start = time.perf_counter()
    await send()
    await asyncio.wait_for(done.wait(), 120)
    return time.perf_counter() - start, group_cpu_seconds(pgid) - cpu, sum(sizes)


async def measure_pages(server: e2e.LiveServer, runs: int) -> list[tuple[str, list, list]]:
    cookie = login_cookie(server.base_url, *PARENT)
    if cookie is None:
        raise RuntimeError("the demo parent's login was refused")
    pgid = server.process.pid
    results = []
    try:
        nav_client = BenchClient(server.base_url, cookie=cookie)
        await nav_client.connect("/")
        for path in PAGES:
            cold, nav = [], []
            for _ in range(runs):
                client = BenchClient(server.base_url, cookie=cookie)
                auth = {"event": {"name": HYDRATE_AND_LOAD, "payload": {}, "router_data": router_data(path)}}

                async def open_page(client=client, auth=auth):  # noqa: ANN001, ANN202
                    await client.sio.connect(f"{server.base_url}?token={client.token}", socketio_path="/_event",
                                             namespaces=["/_event"], transports=["websocket"],
                                             headers={"Origin": server.base_url, "Cookie": f"mes_session={cookie}"},
                                             auth=auth, wait_timeout=30)

                cold.append(await _until_end(client, open_page, pgid))
                await client.close()

                async def navigate(path=path):  # noqa: ANN001, ANN202
                    await nav_client.sio.emit("event", {"name": ON_LOAD_INTERNAL, "payload": {},
                                                        "router_data": router_data(path)}, namespace="/_event")

                nav.append(await _until_end(nav_client, navigate, pgid))
                await asyncio.sleep(0.2)
            results.append((path, cold, nav))
            print(row(path, cold, nav), flush=True)
        await nav_client.close()
    finally:
        logout(server.base_url, cookie)
    return results


HEADER = (f"{'page':<26} {'cold ms':>8} {'cold CPU ms':>11} {'cold bytes':>11}   "
          f"{'nav ms':>7} {'nav CPU ms':>10} {'nav bytes':>10}   {'cold p95':>8} {'nav p95':>7}")


def row(path: str, cold: list, nav: list) -> str:
    def med(samples: list, i: int) -> float:
        return statistics.median(s[i] for s in samples)

    def p95(samples: list) -> float:  # of the latency; the largest sample below 20 runs
        values = sorted(s[0] for s in samples)
        return values[-1] if len(values) < 20 else statistics.quantiles(values, n=20, method="inclusive")[18]
    return (f"{path:<26} {med(cold, 0) * 1000:>8.0f} {med(cold, 1) * 1000:>11.0f} {med(cold, 2):>11,.0f}   "
            f"{med(nav, 0) * 1000:>7.0f} {med(nav, 1) * 1000:>10.0f} {med(nav, 2):>10,.0f}   "
            f"{p95(cold) * 1000:>8.0f} {p95(nav) * 1000:>7.0f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--measures", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mes-heavy-") as tmp:
        data_dir = Path(tmp) / "mes"
        data_dir.mkdir()
        port = e2e.free_port()
        env = e2e.server_env(data_dir, port)
        e2e.prepare_database(env, data_dir / "server.log")
        seed_heavy(f"sqlite:///{data_dir / 'mes.db'}", args.events, args.measures)
        print(f"seeded {args.events} timeline events and {args.measures} measures on the parent's own profile")
        server = e2e.start(data_dir, port=port)  # migrations and demo seed are no-ops now
        try:
            print(f"machine: {machine()}")
            print(HEADER, flush=True)
            asyncio.run(measure_pages(server, args.runs))
            print(f"machine at the end: {machine()}")
        finally:
            e2e.stop(server)


if __name__ == "__main__":
    main()
