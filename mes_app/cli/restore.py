"""``python -m mes_app restore SRC``: a backup into an empty database and document store."""

from __future__ import annotations

import argparse

from mes_app.cli import say
from mes_app.cli.backup import add_folder_argument, call_service, stored_secrets

EXIT_KEY_MISSING = 3

NAME = "restore"
HELP = "restore a backup folder into an empty database and document store"
DESCRIPTION = """Restore the backup folder SRC (made by python -m mes_app backup) into the
configured database and document store (MES_DATABASE_URL, MES_DOCUMENTS_DIR, by default
inside MES_DATA_DIR). Stop the app first.

Refused, before anything is written, when: the database or the document store is not empty;
a file of the backup does not match its SHA-256 in the manifest; the backup comes from a newer
version of MES (update MES first). A backup from an older version is migrated to the current
schema after loading. A PostgreSQL database must exist (empty); a SQLite file is created.
Across engines works too (a SQLite backup into PostgreSQL, and back).

The two-step sign-in secrets need the key of the machine the backup came from
(MES_SECOND_FACTOR_KEY, or second_factor.key in MES_DATA_DIR; a backup never holds it). When
this machine's key cannot open them the restore says so and exits with 3: put the old key in
place before starting MES, or those accounts cannot sign in.

The restored data are health data: the files are created 0600, the folders 0700."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_folder_argument(parser, "src", "SRC", "the backup folder (the one holding manifest.json)")


def run(args: argparse.Namespace) -> int:
    from mes_app.services.backup import restore_backup

    report = call_service(restore_backup, args.src, args.quiet)
    migrated = "" if report.backup_revision == report.revision else f", migrated from {report.backup_revision}"
    say(
        f"restored {sum(report.row_counts.values())} rows in {len(report.row_counts)} tables and "
        f"{report.documents} documents, database at revision {report.revision}{migrated}"
    )
    secrets = stored_secrets()
    if secrets.unreadable:
        say(
            f"warning: this machine's second-factor key does not open the two-step sign-in secrets of "
            f"{secrets.unreadable} of {secrets.accounts} accounts: put the key of the old machine in place "
            "(MES_SECOND_FACTOR_KEY, or second_factor.key in the data folder) before starting MES"
        )
        return EXIT_KEY_MISSING
    return 0
