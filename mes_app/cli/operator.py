"""``python -m mes_app operator add EMAIL``: create an operator of the service (issue 15).

The only way an operator account comes to exist. The account is activated with a random
password nobody knows; the command prints (on stdout) a one-time link to choose the password.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from mes_app.cli import CommandError, say, show

NAME = "operator"
HELP = "manage the operators of the service (add)"
DESCRIPTION = """Operators run the service: they verify professionals and lock accounts, and
see no health data. "operator add EMAIL" creates an operator account and prints a one-time
link (valid 30 minutes) to choose its password; two-step sign-in must be turned on at the
first login."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="create an operator account and print its password link",
                             description="Create an activated operator account for EMAIL and print a "
                             "one-time link to choose its password.")
    add.add_argument("email", metavar="EMAIL", help="the operator's e-mail address (no account yet)")
    add.add_argument("--name", default=None, help="the name shown in the console (default: the e-mail's local part)")
    add.set_defaults(run=run_add)


def run(args: argparse.Namespace) -> int:  # the subcommand's run replaces this one
    del args
    raise CommandError("choose an action: add")


def run_add(args: argparse.Namespace) -> int:
    from sqlmodel import Session, create_engine

    from mes_app import i18n, mail
    from mes_app import settings as settings_module
    from mes_app.domain.errors import ValidationError
    from mes_app.services import password_reset
    from mes_app.services.operators import add_operator

    engine = create_engine(settings_module.settings.database_url)
    try:
        with Session(engine) as session:
            now = datetime.now(UTC)
            try:
                email = add_operator(session, args.email, args.name, now).email
            except ValidationError as exc:
                raise CommandError(i18n.t(exc.code, "en", **exc.params)) from None
            reset = password_reset.request_reset(session, email, now=now, lang="en")
            if reset is None:  # pragma: no cover - the account was just created
                raise CommandError("the account was created but no password link could be made")
    finally:
        engine.dispose()
    say(f"operator {email} created")
    show(f"Password link (single use, valid until {reset.expires_at:%Y-%m-%d %H:%M} UTC):")
    show(mail.reset_link(reset.secret))
    show("Two-step sign-in must be turned on at the first login.")
    return 0
