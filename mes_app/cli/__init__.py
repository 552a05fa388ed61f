"""The one command line for administrators: ``python -m mes_app COMMAND``.

Each command is one module of this package with ``NAME``, ``HELP``, ``DESCRIPTION``,
``add_arguments(parser)`` and ``run(args) -> int``; adding a command is adding a module and
its name to :data:`COMMANDS` (a command with its own subcommands, such as ``operator add
EMAIL``, adds them to its parser in ``add_arguments`` and sets ``run`` on each with
``set_defaults``). The modules stay thin: they read the settings, call a service,
and print what happened. A refusal is a :class:`CommandError` (message on stderr, exit 1);
bad arguments are argparse's (usage on stderr, exit 2). Messages never quote health data.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

# What a command tells the administrator: on stderr (stdout stays free for a command's data),
# through logging like the rest of the app, never with health data.
log = logging.getLogger("mes_app.cli")
# A command's own data (a table, a link to hand over): on stdout, so that it can be piped apart
# from the messages, through logging too (the app writes nothing with print).
output = logging.getLogger("mes_app.cli.output")

COMMANDS = ("migrate", "seed", "backup", "restore", "documents", "notifications", "operator", "professional",
            "stats")


class CommandError(Exception):
    """A refusal or failure to tell the administrator (exit code 1)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mes_app",
        description="MES administration. Settings come from the environment (MES_DATA_DIR, "
        "MES_DATABASE_URL, MES_DOCUMENTS_DIR), as for the app itself.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"mes_app.cli.{name}")
        sub = commands.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.DESCRIPTION,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from mes_app.storage.permissions import private_by_default

    args = build_parser().parse_args(argv)
    private_by_default()  # whatever a command writes (database, backup) is 0600/0700
    console = logging.StreamHandler(sys.stderr)
    data = logging.StreamHandler(sys.stdout)
    for logger, handler in ((log, console), (output, data)):
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # the administrator reads these lines as they are
    try:
        return args.run(args)
    except CommandError as exc:
        log.error("error: %s", exc)
        return 1
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    finally:
        log.removeHandler(console)
        output.removeHandler(data)


def say(message: str) -> None:
    """Progress and results, on stderr through :data:`log`."""
    log.info(message)


def show(line: str) -> None:
    """One line of the command's data, on stdout through :data:`output`."""
    output.info(line)
