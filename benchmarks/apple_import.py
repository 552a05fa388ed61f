"""Time and peak memory of importing a 200 MB Apple Health export (not a test).

    .venv/bin/python -m benchmarks.apple_import            # export.xml of 200 MB
    .venv/bin/python -m benchmarks.apple_import --zip      # the same, inside export.zip
    .venv/bin/python -m benchmarks.apple_import --mb 50

Writes the export with ``tests.apple_export.write_large_export`` (a heart rate a minute, steps,
a weight and a blood pressure a day, each record with its metadata entry, Apple's DTD), a
fresh SQLite database (Alembic migrations) with one adult profile, then runs
``services.apple_import.import_file`` as the background job does, twice (the second run: every
reading is a duplicate). A thread samples the process's RSS every 20 ms; the growth is the peak
during the import minus the RSS just before it. Budget: under 150 MB of growth.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from alembic import command

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chart_payload import _seed as adult_profile  # noqa: E402
from mes_app.services import apple_import  # noqa: E402
from tests.apple_export import write_large_export  # noqa: E402
from tests.conftest import alembic_config  # noqa: E402

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
BUDGET_MB = 150


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


class PeakRss:
    def __init__(self) -> None:
        self.peak, self._stop = rss_bytes(), threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_bytes())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--zip", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "export.xml"
        start = time.perf_counter()
        readings = write_large_export(xml, args.mb * 1024 * 1024)
        xml_bytes, path = xml.stat().st_size, xml
        if args.zip:
            path = Path(tmp) / "export.zip"
            with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.write(xml, "apple_health_export/export.xml")
            xml.unlink()
        print(f"export: {xml_bytes:,} bytes of XML"
              f"{f', zip {path.stat().st_size:,} bytes' if args.zip else ''}, {readings:,} measures "
              f"(written in {time.perf_counter() - start:.1f} s)")
        url = f"sqlite:///{tmp}/bench.db"
        command.upgrade(alembic_config(url), "head")
        engine = sa.create_engine(url)
        with Session(engine) as session:
            actor, pid = adult_profile(session, 0)  # the chart benchmark's profile, no readings
            for label in ("first import", "same file again"):
                base = rss_bytes()
                start = time.perf_counter()
                with PeakRss() as rss:
                    summary = apple_import.import_file(session, actor, pid, path, now=NOW)
                took = time.perf_counter() - start
                growth = (rss.peak - base) / 2**20
                print(f"{label}: {took:.1f} s, {summary.added_total:,} added, {summary.duplicates:,} duplicates, "
                      f"{summary.other_types:,} other types; RSS {base / 2**20:.0f} MB before, "
                      f"peak growth {growth:.1f} MB ({'within' if growth < BUDGET_MB else 'OVER'} the "
                      f"{BUDGET_MB} MB budget)")
        engine.dispose()


if __name__ == "__main__":
    main()
