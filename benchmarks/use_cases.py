"""Server CPU of each page's use cases, in process, without Reflex (not a test).

    .venv/bin/python -m benchmarks.use_cases [--runs 300] [--profile home] [--database-url postgres|URL]

Seeds the demo into a fresh SQLite database, then, as the demo parent on their own profile,
runs what each page's ``on_load`` asks of the services, every time in a new database
session as an event does: the shell (session lookup, the switcher's profiles, the capability
flags), then home, ``/history``, ``/measures``, ``/record/conditions`` and ``/summary``; and
``/history`` again as the guardian of a child (``history (guardian)``), whose documents' filter
is not the owner's "everything". It
prints the CPU time (``time.process_time``) per page load, the median of five batches of
``--runs`` loads, and the SQL statements per load. ``--profile PAGE`` prints cProfile's 40
heaviest calls for that page. ``--database-url postgres`` runs on a scratch database of the
local PostgreSQL server instead (dropped afterwards): the client side of each round trip
(psycopg, SQLAlchemy) is then in the CPU figure, the server's work is not.

``benchmarks/load.py`` measures the whole event over a websocket (Reflex included); this
one isolates what MES's own code costs, so that a change to a use case can be measured in
seconds, and compared with an earlier commit by running the same script there.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


STATEMENTS = [0]


def _setup(database_url: str = "") -> dict[str, Callable[[], None]]:
    os.environ["MES_DATA_DIR"] = tempfile.mkdtemp(prefix="mes-bench-")
    url = database_url or f"sqlite:///{os.environ['MES_DATA_DIR']}/bench.db"
    os.environ["MES_DATABASE_URL"] = url
    import sqlalchemy as sa
    from sqlmodel import Session, select

    from mes_app.db.engine import get_engine
    from mes_app.db.migrations import migrate
    from mes_app.db.models import User
    from mes_app.seed import seed_demo
    from mes_app.services import (
        accounts,
        appointments,
        capabilities,
        invitations,
        measures,
        profiles,
        records,
        reminders,
        summary,
        timeline,
    )
    from mes_app.web import auth

    migrate(url)
    engine = get_engine(url)
    sa.event.listen(engine, "before_cursor_execute", lambda *_: STATEMENTS.__setitem__(0, STATEMENTS[0] + 1))
    now = datetime.now(UTC)
    with Session(engine) as session:
        seed_demo(session, now=now)
        user = session.exec(select(User).where(User.email == "parent@demo.mes")).one()
        secret = accounts.open_session(session, user, now=now, lifetime=timedelta(days=1))
    cookie = f"{auth.SESSION_COOKIE}={secret}"

    def event(work: Callable[..., object], as_guardian: bool = False) -> Callable[[], None]:
        """One event: the middleware's session lookup, then the handler's own session; on the
        parent's own profile, or on the first child's they are the guardian of."""

        def run() -> None:
            with Session(engine, expire_on_commit=False) as session:
                auth.resolve(session, cookie, now)
            with Session(engine, expire_on_commit=False) as session:
                identity = auth.resolve(session, cookie, now)
                assert identity is not None
                actor = auth.actor_of(identity)
                views = profiles.accessible_profiles(session, actor, now=now)
                pid = next(p.id for p in views if p.relationship == "guardian") if as_guardian else views[0].id
                capabilities.capabilities(session, actor, pid, now=now)
                work(session, actor, pid, views)

        return run

    def home(session, actor, pid, views) -> None:  # noqa: ANN001 - what HomeState._load asks
        invitations.invitations_for_me(session, actor, now=now)
        measures.latest_measures(session, actor, pid, now=now, lang="fr")
        timeline.history_page(session, actor, pid, now=now, page_size=5, with_total=False)
        household = [p.id for p in views if p.relationship in ("owner", "guardian")]
        upcoming = appointments.list_upcoming(session, actor, household, now=now, include_closed=False)
        reminders.reminders(session, actor, now=now, lang="fr", upcoming=upcoming, profiles=views)

    def history(session, actor, pid, _views) -> None:  # noqa: ANN001
        timeline.history_page(session, actor, pid, now=now)

    def measures_page(session, actor, pid, _views) -> None:  # noqa: ANN001
        measures.chart_panel(session, actor, pid, "weight", "all", now=now, lang="fr", with_cards=True)

    def conditions(session, actor, pid, _views) -> None:  # noqa: ANN001
        records.list_entries(session, actor, pid, "conditions", now=now)

    def summary_page(session, actor, pid, _views) -> None:  # noqa: ANN001
        summary.build_summary(session, actor, pid, now=now)

    return {
        "shell": event(lambda *_: None),
        "home": event(home),
        "history": event(history),
        "history (guardian)": event(history, as_guardian=True),
        "measures": event(measures_page),
        "conditions": event(conditions),
        "summary": event(summary_page),
    }


def cpu_ms(run: Callable[[], None], runs: int) -> tuple[float, float]:
    for _ in range(min(runs, 30)):  # warm: compiled statements, caches
        run()
    before = STATEMENTS[0]
    run()
    statements = STATEMENTS[0] - before
    batches = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(runs):
            run()
        batches.append((time.process_time() - start) / runs * 1e3)
    return statistics.median(batches), statements


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100, help="page loads per batch (5 batches)")
    parser.add_argument("--profile", help="print cProfile's heaviest calls for this page")
    parser.add_argument("--database-url", default="", help="'postgres' (scratch database) or a URL")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        if args.database_url == "postgres":
            from tests.e2e.cluster import postgres_database

            args.database_url = stack.enter_context(postgres_database())
        _run(args)


def _run(args: argparse.Namespace) -> None:
    pages = _setup(args.database_url)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):
            pages[args.profile]()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    print(f"{'page':<18} CPU ms per load (median of 5 x {args.runs})  SQL statements per load")
    for name, run in pages.items():
        cpu, statements = cpu_ms(run, args.runs)
        print(f"{name:<18} {cpu:8.2f} {statements:8}")
    from mes_app.db.engine import get_engine

    get_engine(args.database_url or None).dispose()


if __name__ == "__main__":
    main()
