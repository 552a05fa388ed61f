"""Time and size of the chart payload for 10, 1 000 and 100 000 readings (not a test).

    .venv/bin/python -m benchmarks.chart_payload

For each size: a fresh SQLite database (Alembic migrations), one adult profile with that many
daily weight readings, then ``services.measures.chart(..., "all")`` (the range's count, then
every reading or their M4 downsampling in SQL to at most 600 points per trace, BMI/ESC bands,
Plotly figure dict) and ``json.dumps`` of the figure, which is what reaches the browser. Prints
the median of 5 runs.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from alembic import command

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mes_app.db.models import Measure, Profile, User  # noqa: E402
from mes_app.domain.access import UserActor  # noqa: E402
from mes_app.services import measures  # noqa: E402
from tests.conftest import alembic_config  # noqa: E402

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
SIZES = (10, 1_000, 100_000)
RUNS = 5


def _seed(session: Session, n: int) -> tuple[UserActor, int]:
    user = User(email="bench@example.org", password_hash="x", display_name="Bench", role="patient")
    session.add(user)
    session.flush()
    profile = Profile(given_name="Bench", family_name="Mark", birth_date=date(1970, 1, 1), sex="female",
                      owner_user_id=user.id, created_by_user_id=user.id)
    session.add(profile)
    session.flush()
    step = timedelta(days=1) if n <= 10_000 else timedelta(minutes=(3650 * 24 * 60) // n)
    rows = [
        {"profile_id": profile.id, "author_user_id": user.id, "author_role": "patient", "kind": "weight",
         "loinc_code": "29463-7", "value": 70 + (i % 50) / 10, "unit": "kg", "measured_at": NOW - (n - i) * step,
         "source": "manual", "hidden_from_professionals": False, "created_at": NOW, "updated_at": NOW}
        for i in range(n)
    ]
    for start in range(0, n, 10_000):
        session.execute(sa.insert(Measure), rows[start:start + 10_000])
    session.commit()
    return UserActor(user.id, "patient"), profile.id


def main() -> None:
    print(f"{'readings':>9} {'build (ms)':>11} {'points sent':>12} {'payload (bytes)':>16}")
    for n in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            command.upgrade(alembic_config(url), "head")
            engine = sa.create_engine(url)
            with Session(engine) as session:
                actor, pid = _seed(session, n)
                times, size, sent = [], 0, 0
                for _ in range(RUNS):
                    start = time.perf_counter()
                    result = measures.chart(session, actor, pid, "weight", "all", now=NOW)
                    payload = json.dumps(result.figure)
                    times.append((time.perf_counter() - start) * 1000)
                    size, sent = len(payload.encode()), result.sent_points
            engine.dispose()
        print(f"{n:>9,} {statistics.median(times):>11.1f} {sent:>12,} {size:>16,}")


if __name__ == "__main__":
    main()
