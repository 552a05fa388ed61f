"""``python -m mes_app stats [--period week|month] [--csv]``: the anonymous statistics."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import UTC, datetime

from mes_app.cli import CommandError, show
from mes_app.domain import statistics as st

NAME = "stats"
HELP = "anonymous statistics of the service: accounts, engagement, professionals, documents, links"
DESCRIPTION = f"""Print the aggregate, anonymous statistics of the service (the database of
MES_DATABASE_URL), now and per period (the last 12 ISO weeks or months, Europe/Paris time).

Only counts, never health data. Small counts (under {st.THRESHOLD}) are never shown: they read
"{st.HIDDEN}", and so does any share computed from one, so no one can be singled out.
Engaged: an account with at least one action in the last {st.ENGAGED_DAYS} days (a session opened
or used, or an access to a record in its name).

With --csv, one line per figure on stdout (metric,period,value), for a spreadsheet."""

COUNT = 12


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", choices=st.PERIOD_KINDS, default="week", help="weeks or months (default: week)")
    parser.add_argument("--csv", action=argparse.BooleanOptionalAction, default=False,
                        help="CSV on stdout (metric,period,value)")


def run(args: argparse.Namespace) -> int:
    import sqlalchemy as sa
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlmodel import Session

    from mes_app.services import statistics
    from mes_app.settings import settings

    engine = sa.create_engine(settings.database_url)
    try:
        with Session(engine) as session:
            now = datetime.now(UTC)
            snap = statistics.compute_snapshot(session, now)
            timeline = statistics.compute_series(session, args.period, COUNT, now)
    except (OperationalError, ProgrammingError):
        raise CommandError("the database cannot be read: run python -m mes_app migrate first") from None
    finally:
        engine.dispose()
    rows = statistics.csv_rows(snap, timeline)
    if args.csv:
        csv.writer(sys.stdout, lineterminator="\n").writerows(rows)
    else:
        _print_table(rows)
    return 0


def _print_table(rows: list[list[str]]) -> None:
    width = max(len(row[0]) for row in rows)
    show(f"Engaged: at least one action in the last {st.ENGAGED_DAYS} days. Counts under {st.THRESHOLD}: {st.HIDDEN}.")
    for metric, period, value in rows[1:]:
        show(f"{metric:<{width}}  {period:<8}  {value:>8}")
