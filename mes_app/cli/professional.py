"""``python -m mes_app professional verify EMAIL``: decide on a professional's application from
the command line (the console does the same at /operator/professionals)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from mes_app.cli import CommandError, say, show

NAME = "professional"
HELP = "health professionals who join: list the applications, verify / refuse / suspend / reactivate one"
DESCRIPTION = """Health professionals apply from the app (/professional/apply) with their RPPS
number; until verified they cannot be added to any care team.

  professional list                 the applications waiting for a decision, one a line:
                                    e-mail, RPPS number, profession (stdout, tab-separated)
  professional list --status verified|suspended|refused|applied
  professional verify EMAIL         applied -> verified: patients can now add them
  professional refuse EMAIL         applied -> refused (they may apply again)
  professional suspend EMAIL        verified -> suspended: out of every care team at once,
                                    and out of every open session
  professional reactivate EMAIL     suspended -> verified

Check the RPPS number in the public directory (annuaire.sante.fr) before verifying. Every
decision is recorded in the operator actions log, as made by the command line. Exit codes: 0 done,
1 refused (no such account, no application, or a decision the status does not allow)."""

DECISIONS = {
    "verify": ("professional_verify", "applied", "verified"),
    "refuse": ("professional_refuse", "applied", "refused"),
    "suspend": ("professional_suspend", "verified", "suspended"),
    "reactivate": ("professional_reactivate", "suspended", "verified"),
}

_WHO = {"applied": "an application under review", "verified": "a verified account",
        "suspended": "a suspended account"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the applications waiting for a decision (or another status)")
    listing.add_argument("--status", default="applied", choices=("applied", "verified", "suspended", "refused"),
                         help="which accounts to list (default: applied)")
    listing.set_defaults(run=run_list)
    for name, (_, start, end) in DECISIONS.items():
        sub = actions.add_parser(name, help=f"{start} -> {end}")
        sub.add_argument("email", metavar="EMAIL", help="the e-mail of the professional's account")
        sub.set_defaults(run=run_decision, decision=name)


def run(args: argparse.Namespace) -> int:  # the parser always sets an action's own run
    del args
    raise CommandError("choose an action: python -m mes_app professional --help")


def _engine():  # noqa: ANN202
    from sqlmodel import create_engine

    from mes_app import settings as settings_module

    return create_engine(settings_module.settings.database_url)


def _no_schema(exc: Exception) -> CommandError:
    del exc
    return CommandError("cannot read the accounts: is the database migrated? (python -m mes_app migrate)")


def run_list(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlmodel import Session

    from mes_app.services.professionals import in_status

    engine = _engine()
    try:
        with Session(engine) as session:
            lines = in_status(session, (args.status,))
    except (OperationalError, ProgrammingError) as exc:
        raise _no_schema(exc) from None
    finally:
        engine.dispose()
    for line in lines:
        show(f"{line.email}\t{line.rpps}\t{line.profession}")
    say(f"{len(lines)} account(s) {args.status}")
    return 0


def run_decision(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlmodel import Session

    from mes_app.domain.errors import NotFound, ValidationError
    from mes_app.services import professionals

    action, start, end = DECISIONS[args.decision]
    engine = _engine()
    try:
        with Session(engine, expire_on_commit=False) as session:
            try:
                user = professionals.by_email(session, args.email)
            except (NotFound, ValidationError):
                raise CommandError(f"no account with the e-mail {args.email!r}") from None
            status = user.professional_status or ""
            if status not in professionals.STATUSES:
                raise CommandError(f"{user.email} has not applied as a health professional")
            if status == end and args.decision != "reactivate":
                raise CommandError(f"{user.email} is already {end}: nothing done")
            try:
                professionals.decide(session, None, action, user, datetime.now(UTC))
            except ValidationError:
                raise CommandError(f"cannot {args.decision} {user.email}: the account is {status} "
                                   f"(only {_WHO[start]} can be)") from None
    except (OperationalError, ProgrammingError) as exc:
        raise _no_schema(exc) from None
    finally:
        engine.dispose()
    say(f"{args.email}: {start} -> {end} (recorded in the operator actions log)")
    return 0
