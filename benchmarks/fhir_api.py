"""FHIR API throughput for one connected software posting lab Observations (not a test).

    .venv/bin/python -m benchmarks.fhir_api                   # 1 000 Observations
    .venv/bin/python -m benchmarks.fhir_api --count 300 --conditional

Issue 12 item 4. A fresh SQLite database (Alembic head) in a temporary data folder, a patient,
her GP in her care team (``tests.factories``), and the GP's connected software with an RS384
key it generated: the independent SMART client of ``tests/web/test_fhir_api.py`` (its own key
pair, its own signed assertion), which gets its bearer token from the real token endpoint and
a new one every 4 minutes (tokens last 5). Requests go through Starlette's ``TestClient`` to
the app's real ASGI stack (``with_public_routes(guard(build_api()))``, as ``mes_app.py``
serves it; the FHIR routes, their worker threads, the use cases): in process, so the server's
CPU can be measured, and without starting the production server (which rebuilds the frontend).
Not measured: uvicorn's HTTP parsing and the network.

Three phases, ``--count`` laboratory Observations each (glucose and potassium, LOINC and UCUM
unit from mes_app/data/terminology_labs.json, one ``effectiveDateTime`` each, a lab identifier):
``POST /fhir/r4/Observation`` one by one; then transaction Bundles (``POST /fhir/r4``) of the
API's maximum of entries (``fhir_api.MAX_BUNDLE_ENTRIES``); then transactions of one
DiagnosticReport grouping the most values a report may hold (``lab_results.MAX_VALUES``).
``--conditional`` sends ``If-None-Exist`` with each identifier (one lookup more per resource).
The FHIR rate limit (300/minute per client in production) is raised for the run.

Prints resources/s, mean and p95 ms per request, the server CPU (the route's worker thread,
``time.thread_time``) and the whole process's CPU (``time.process_time``: the client's JSON
and the TestClient included), and the rows each phase created (``lab_report``, ``lab_result``,
``fhir_intake``, the access history's ``access_event`` and ``access_line``); it stops if the
lab rows are not one ``lab_report`` per Observation sent alone or per DiagnosticReport and one
``lab_result`` per Observation.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORIGIN = "http://localhost:3000"  # tests/web/test_fhir_api.py's, the audience of its assertions
TABLES = ("lab_report", "lab_result", "fhir_intake", "access_event", "access_line")
TOKEN_LIFETIME_USED = 240  # seconds; the server's tokens last 300
# (catalogue key, reference range in the catalogue's first unit, a plausible value range)
TESTS = (("glucose_fasting", (3.9, 5.8), (3.5, 9.0)), ("potassium", (3.5, 5.0), (3.0, 6.0)))


def _isolate(tmp: Path) -> None:
    """Point every setting that writes at ``tmp``: set before mes_app.settings is read."""
    from cryptography.fernet import Fernet

    for name in [n for n in os.environ if n.startswith("MES_")]:
        del os.environ[name]
    os.environ |= {"MES_DATA_DIR": str(tmp), "MES_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
                   "MES_DOCUMENTS_DIR": str(tmp / "documents"), "MES_DOCUMENT_STORE": "local",
                   "MES_APP_ORIGIN": ORIGIN, "MES_RATE_LIMIT_FHIR": "1000000/minute",
                   "MES_SECOND_FACTOR_KEY": Fernet.generate_key().decode()}


def _check_isolated(tmp: Path) -> None:
    from mes_app.settings import settings

    inside = [settings.data_dir, settings.documents_dir, Path(settings.database_url.removeprefix("sqlite:///"))]
    if not all(p.resolve().is_relative_to(tmp.resolve()) for p in inside):
        raise SystemExit(f"refusing to run: a setting points outside {tmp}")


def _catalogue() -> list[tuple[str, str, tuple[float, float], tuple[float, float]]]:
    """(LOINC, UCUM unit, reference range, value range) of each test, from the lab catalogue."""
    rows = {row["key"]: row for row in json.loads((ROOT / "mes_app/data/terminology_labs.json").read_text())["tests"]}
    out = []
    for key, normal, spread in TESTS:
        unit, _label, loinc, *_ = rows[key]["units"][0]
        out.append((loinc, unit, normal, spread))
    return out


def _observations(alice: Any, count: int, phase: str, now: datetime) -> list[dict]:
    from tests.web.test_fhir_api import lab_value

    tests = _catalogue()
    out = []
    for n in range(count):
        loinc, unit, (low, high), (lo, hi) = tests[n % len(tests)]
        value = round(lo + (hi - lo) * ((n * 37) % 100) / 100, 1)
        resource = lab_value(alice, loinc, value, unit, low, high, identifier=f"{phase}-{n}")
        when = now - timedelta(hours=count - n)
        resource["effectiveDateTime"] = resource["issued"] = when.isoformat(timespec="seconds")
        out.append(resource)
    return out


def _entry(resource: dict, conditional: bool, full_url: str | None = None) -> dict:
    request: dict[str, str] = {"method": "POST", "url": resource["resourceType"]}
    if conditional and resource.get("identifier"):
        ident = resource["identifier"][0]
        request["ifNoneExist"] = f"identifier={ident['system']}|{ident['value']}"
    return {"fullUrl": full_url or f"urn:uuid:{uuid.uuid4()}", "resource": resource, "request": request}


def _report_bundle(alice: Any, values: list[dict], number: int, conditional: bool) -> dict:
    urls = [f"urn:uuid:{uuid.uuid4()}" for _ in values]
    report = {
        "resourceType": "DiagnosticReport", "status": "final",
        "identifier": [{"system": "https://labo.example/cr", "value": f"CR-{number}"}],
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "LAB"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "11502-2"}], "text": "Bilan sanguin"},
        "subject": {"reference": f"Patient/{alice.profile.id}"},
        "effectiveDateTime": values[0]["effectiveDateTime"], "issued": values[0]["issued"],
        "performer": [{"display": "Laboratoire des Lilas"}],
        "result": [{"reference": url} for url in urls],
    }
    return {"resourceType": "Bundle", "type": "transaction", "entry": [
        _entry(report, conditional),
        *(_entry(value, False, url) for url, value in zip(urls, values, strict=True))]}


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


class ServerCpu:
    """CPU of the FHIR routes' worker threads: wraps the ``run_in_threadpool`` they call."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def install(self) -> None:
        from starlette.concurrency import run_in_threadpool

        from mes_app.web import fhir_routes

        def timed(work: Callable[[], Any]) -> Any:
            def measured() -> Any:
                start = time.thread_time()
                try:
                    return work()
                finally:
                    self.seconds += time.thread_time() - start

            return run_in_threadpool(measured)

        fhir_routes.run_in_threadpool = timed  # type: ignore[assignment]


def _phase(label: str, bodies: list[tuple[str, dict, dict]], resources: int, post: Callable, cpu: ServerCpu,
           counts: Callable[[], tuple[int, ...]], reports: int) -> None:
    before, server_before, process_before = counts(), cpu.seconds, time.process_time()
    latencies = []
    start = time.perf_counter()
    for path, body, headers in bodies:
        t0 = time.perf_counter()
        answer = post(path, body, headers)
        latencies.append(time.perf_counter() - t0)
        if answer.status_code not in (200, 201):
            raise SystemExit(f"{label}: {answer.status_code} {answer.text[:300]}")
    wall = time.perf_counter() - start
    server, process = cpu.seconds - server_before, time.process_time() - process_before
    after = counts()
    if (after[0] - before[0], after[1] - before[1]) != (reports, resources):
        raise SystemExit(f"{label}: expected +{reports} lab_report and +{resources} lab_result, "
                         f"got +{after[0] - before[0]} and +{after[1] - before[1]}")
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[min(len(ms) - 1, math.ceil(0.95 * len(ms)) - 1)]
    print(f"{label}: {len(bodies)} requests, {wall:.2f} s, {resources / wall:.0f} resources/s; per request mean "
          f"{statistics.fmean(ms):.1f} ms, p95 {p95:.1f} ms; server CPU {server:.2f} s "
          f"({server / resources * 1000:.2f} ms/resource), process CPU {process:.2f} s; rows: "
          + ", ".join(f"+{b - a} {name}" for name, a, b in zip(TABLES, before, after, strict=True)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="Observations per phase (default 1000)")
    parser.add_argument("--conditional", action="store_true", help="send If-None-Exist with each identifier")
    args = parser.parse_args(argv)
    if not 1 <= args.count <= 100_000:
        parser.error("--count must be between 1 and 100000")
    if "mes_app.settings" in sys.modules:
        raise SystemExit("refusing to run: the settings were read before the temporary folder was set")
    with tempfile.TemporaryDirectory(prefix="mes-fhir-bench-") as name:
        tmp = Path(name)
        _isolate(tmp)
        _check_isolated(tmp)
        run(tmp, args.count, args.conditional)


def run(tmp: Path, count: int, conditional: bool) -> None:
    import sqlalchemy as sa
    from sqlmodel import Session
    from starlette.testclient import TestClient

    from mes_app.db.engine import get_engine
    from mes_app.db.migrations import migrate
    from mes_app.db.models import AccessEvent, AccessLine, FhirIntake, LabReport, LabResult
    from mes_app.domain.lab_results import MAX_VALUES
    from mes_app.services import connected_software
    from mes_app.services.fhir_api import MAX_BUNDLE_ENTRIES
    from mes_app.settings import settings
    from mes_app.web import routes
    from tests.factories import give_care, make_owner, make_professional
    from tests.web import test_fhir_api as spec

    assert spec.ORIGIN == ORIGIN and settings.app_origin == ORIGIN
    migrate(settings.database_url)
    engine = get_engine()
    now = datetime.now(UTC)
    with Session(engine, expire_on_commit=False) as session:
        alice = make_owner(session, "Alice")
        doctor = make_professional(session, "Dr Martin", second_factor=False)
        give_care(session, doctor, alice, now)
        client = spec.Client("RS384")
        client.client_id = connected_software.register_software(
            session, doctor.actor, "LaboSoft", client.jwks(), now=now).client_id

    def counts() -> tuple[int, ...]:
        with engine.connect() as conn:
            return tuple(conn.execute(sa.select(sa.func.count()).select_from(m)).scalar_one()
                         for m in (LabReport, LabResult, FhirIntake, AccessEvent, AccessLine))

    cpu = ServerCpu()
    cpu.install()
    http = TestClient(routes.with_public_routes(routes.guard(routes.build_api())), base_url=ORIGIN)
    token: dict[str, Any] = {"value": "", "at": -1e9}

    def post(path: str, body: dict, headers: dict) -> Any:
        if time.monotonic() - token["at"] > TOKEN_LIFETIME_USED:
            token["value"], token["at"] = spec.get_token(http, client), time.monotonic()
        return http.post(path, content=json.dumps(body), headers=spec.bearer(token["value"]) | headers)

    def single(resource: dict) -> tuple[str, dict, dict]:
        ident = resource["identifier"][0]
        cond = {"If-None-Exist": f"identifier={ident['system']}|{ident['value']}"} if conditional else {}
        return "/fhir/r4/Observation", resource, cond

    start = time.perf_counter()
    post("/fhir/r4/Observation", _observations(alice, 1, "warm-up", now)[0], {})  # imports, catalogue, token
    print(f"set-up: SQLite {tmp / 'bench.db'}, first request {time.perf_counter() - start:.2f} s (token included); "
          f"{count} Observations per phase{', conditional creates' if conditional else ''}; at most "
          f"{MAX_BUNDLE_ENTRIES} entries per Bundle, {MAX_VALUES} values per report")
    _phase("one by one (POST /fhir/r4/Observation)",
           [single(r) for r in _observations(alice, count, "single", now)], count, post, cpu, counts, count)
    bundles = [{"resourceType": "Bundle", "type": "transaction", "entry": [_entry(r, conditional) for r in part]}
               for part in _chunks(_observations(alice, count, "tx", now), MAX_BUNDLE_ENTRIES)]
    _phase(f"transactions of {MAX_BUNDLE_ENTRIES} Observations (POST /fhir/r4)",
           [("/fhir/r4", b, {}) for b in bundles], count, post, cpu, counts, count)
    reports = [_report_bundle(alice, part, n, conditional)
               for n, part in enumerate(_chunks(_observations(alice, count, "report", now), MAX_VALUES))]
    _phase(f"transactions of 1 DiagnosticReport + up to {MAX_VALUES} Observations",
           [("/fhir/r4", b, {}) for b in reports], count, post, cpu, counts, len(reports))
    http.close()
    engine.dispose()


if __name__ == "__main__":
    main()
