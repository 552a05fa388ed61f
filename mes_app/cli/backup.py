"""``python -m mes_app backup DEST``: the database and the documents, while the app runs."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from mes_app.cli import CommandError, say

NAME = "backup"
HELP = "copy the database and the documents into a new folder (health data: keep it private)"
DESCRIPTION = """Copy the configured database (SQLite or PostgreSQL) and the documents it
references into the new folder DEST, with a manifest.json listing the schema revision, the
row count of every table and the SHA-256 of every file. The app can keep running: the
database is read at one instant and exactly the documents of that instant are copied.

The backup holds health data: DEST is created readable by the current user only (folders
0700, files 0600). Keep it that way, store it encrypted, and delete old backups you no
longer need. Restore it with: python -m mes_app restore DEST

The key that encrypts the two-step sign-in secrets (MES_SECOND_FACTOR_KEY, or the file
second_factor.key in MES_DATA_DIR) is NOT copied, on purpose: a stolen backup must not open
them. Keep a copy of that key apart from the backups; the command says when it matters.

Exit codes: 0 done; 1 refused or failed (nothing is left at DEST); 3 written, but some
documents the database references were missing or damaged in the store (listed by id)."""

EXIT_INCOMPLETE = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_folder_argument(parser, "dest", "DEST", "a new (or empty) folder to create the backup in")


def add_folder_argument(parser: argparse.ArgumentParser, name: str, metavar: str, help: str) -> None:  # noqa: A002
    parser.add_argument(name, metavar=metavar, type=Path, help=help)
    parser.add_argument("--quiet", action=argparse.BooleanOptionalAction, default=False, help="print only the result")


def call_service(function, folder: Path, quiet: bool, **kwargs):  # noqa: ANN001, ANN201
    """``function(folder, ...)`` of :mod:`mes_app.services.backup` on the configured database and
    document store, its refusals turned into a :class:`CommandError`."""
    from mes_app.services.backup import BackupError
    from mes_app.settings import settings
    from mes_app.storage import default_storage

    try:
        return function(
            folder,
            database_url=settings.database_url,
            documents_dir=settings.documents_dir,
            storage=default_storage(),
            progress=_progress(quiet),
            **kwargs,
        )
    except BackupError as exc:
        raise CommandError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    from mes_app.services.backup import create_backup

    report = call_service(create_backup, args.dest, args.quiet, now=datetime.now(UTC))
    rows = sum(report.row_counts.values())
    say(
        f"backup written to {report.path}: {report.engine} at revision {report.revision}, "
        f"{len(report.row_counts)} tables, {rows} rows, {report.documents} documents"
    )
    _remind_of_the_second_factor_key()
    if report.deleted_during_backup:
        say(f"{len(report.deleted_during_backup)} documents deleted during the backup are marked deleted in it")
    if report.problems:
        for problem in report.problems:
            say(f"warning: document {problem.document_id}: {problem.problem.replace('_', ' ')} in the store")
        return EXIT_INCOMPLETE
    return 0


def stored_secrets():  # noqa: ANN201
    """The configured database's second-factor secrets against this machine's key."""
    from sqlmodel import Session, create_engine

    from mes_app.services.second_factor import check_stored_secrets
    from mes_app.settings import settings

    engine = create_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return check_stored_secrets(session)
    finally:
        engine.dispose()


def _remind_of_the_second_factor_key() -> None:
    accounts = stored_secrets().accounts
    if accounts:
        say(
            f"note: {accounts} accounts use two-step sign-in; the key of their secrets is not in the backup: "
            "keep a copy of MES_SECOND_FACTOR_KEY (or of second_factor.key in the data folder) apart from it"
        )


def _progress(quiet: bool):  # noqa: ANN202
    last: dict[str, int] = {}

    def show(stage: str, done: int, total: int) -> None:
        if quiet or total == 0:
            return
        percent = done * 100 // total
        if done == total or percent >= last.get(stage, -10) + 10:
            last[stage] = percent
            say(f"{stage}: {done}/{total}")

    return show
