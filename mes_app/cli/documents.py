"""``python -m mes_app documents migrate --to postgresql``: move the documents to another store."""

from __future__ import annotations

import argparse

from mes_app.cli import CommandError, say

NAME = "documents"
HELP = "the document store: copy every document to another store (documents migrate)"
DESCRIPTION = """Commands on the document store (MES_DOCUMENT_STORE: local or postgresql).

  documents migrate --to postgresql   copy every document from the local folder
                                      (MES_DOCUMENTS_DIR) into PostgreSQL
  documents migrate --to local        and back

See python -m mes_app documents migrate --help."""

MIGRATE_DESCRIPTION = """Copy every document the database references (MES_DATABASE_URL) from the
current store to the one named by --to, under the same keys, then set MES_DOCUMENT_STORE to it
and restart the app. PostgreSQL means MES_DOCUMENT_STORE_URL, by default the app's database when
it is PostgreSQL; it must be migrated (python -m mes_app migrate), since the documents go into
its document_chunk table.

Every copy is verified: committed only when its SHA-256 and size match what the database
recorded at upload. A damaged or missing source file is reported by document id and left out.

Resumable: stopped anywhere (Ctrl-C, kill -9), each document is either wholly copied or not at
all; run the same command again, it verifies and skips what is already there. Stop the app (or
keep it read-only) while migrating: a document uploaded meanwhile into the old store is copied
only by the next run.

The source is never changed, unless --delete-source: then each source file is deleted once its
copy has been read back from the new store and verified.

Exit codes: 0 every document is in the new store, verified; 1 refused; 3 done, but some
documents could not be copied (listed by id: run again once fixed, or restore them)."""

EXIT_INCOMPLETE = 3
STORES = ("postgresql", "local")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    migrate = actions.add_parser(
        "migrate",
        help="copy every document to another store, verified by SHA-256, resumable",
        description=MIGRATE_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    migrate.add_argument("--to", required=True, choices=STORES, help="the store to copy the documents into")
    migrate.add_argument(
        "--delete-source",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="delete each source file once its copy is verified (default: the source is kept)",
    )
    migrate.add_argument("--quiet", action=argparse.BooleanOptionalAction, default=False, help="print only the summary")
    migrate.set_defaults(run=run_migrate)


def run(args: argparse.Namespace) -> int:  # the parser always sets an action's own run
    del args
    raise CommandError("choose an action: python -m mes_app documents migrate --help")


def run_migrate(args: argparse.Namespace) -> int:
    from mes_app.services.document_migration import MigrationError, live_documents, migrate_documents
    from mes_app.settings import settings
    from mes_app.storage import storage_for

    if not settings.document_store_url:
        raise CommandError(
            "no PostgreSQL database for the documents: set MES_DOCUMENT_STORE_URL, or use a PostgreSQL MES_DATABASE_URL"
        )
    source_kind = "local" if args.to == "postgresql" else "postgresql"
    source = storage_for(source_kind, settings.document_store_url, str(settings.documents_dir))
    target = storage_for(args.to, settings.document_store_url, str(settings.documents_dir))
    try:
        documents = live_documents(settings.database_url)
        target.exists("0" * 32)  # the store answers and has its table, before anything is read
        source.exists("0" * 32)
    except MigrationError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(str(exc)) from None
    say(f"{len(documents)} documents to copy from the {source_kind} store to the {args.to} store")
    report = migrate_documents(
        documents, source, target, delete_source=args.delete_source, progress=_progress(args.quiet)
    )
    say(
        f"{report.total} documents: {report.copied} copied and verified, {report.already_there} already "
        f"there and verified, {len(report.problems)} not copied"
        + (f", {report.source_deleted} source files deleted" if args.delete_source else "")
    )
    for problem in report.problems:
        say(f"warning: document {problem.document_id}: {problem.problem.replace('_', ' ')}")
    if report.problems:
        return EXIT_INCOMPLETE
    say(f"done: set MES_DOCUMENT_STORE={args.to} and restart the app")
    return 0


def _progress(quiet: bool):  # noqa: ANN202
    last = [-10]

    def show(done: int, total: int) -> None:
        percent = done * 100 // total
        if not quiet and (done == total or percent >= last[0] + 5):
            last[0] = percent
            say(f"documents: {done}/{total}")

    return show
