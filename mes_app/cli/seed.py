"""``python -m mes_app seed``: the demo family, only into an empty database."""

from __future__ import annotations

import argparse

from mes_app.cli import CommandError

NAME = "seed"
HELP = "add the demo family (only when the database has no account yet)"
DESCRIPTION = """Add the demo family and their GP (logins in the README) to the configured
database, which must be migrated first (python -m mes_app migrate). A database that already
has an account is left alone, so this is safe to run again."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace) -> int:
    del args
    from mes_app import seed

    try:
        seed.main()
    except SystemExit as exc:  # seed.main's refusals (no schema, no database)
        if exc.code in (None, 0):
            return 0
        raise CommandError(str(exc.code)) from None
    return 0
