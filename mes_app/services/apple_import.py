"""Import of a phone's health app export (Apple Health ``export.zip`` or ``export.xml``,
issue 12 item 3) into the profile's measures, in the background.

- :func:`check_import` asks the access policy (the CSV import's: CREATE on measures; a
  stranger gets NotFound, a caregiver without that right Forbidden) before the upload is read.
- :func:`start_import` queues a job for the uploaded file (``<data>/imports/<key>.upload``,
  0600, never under Reflex's upload folder) and runs it in a worker thread, off the event loop.
- :func:`import_file` reads it as a stream: the zip member ``export.xml`` (or the member
  whose root is ``<HealthData``: the name is localised) through ``zipfile``'s streaming reader,
  parsed by :mod:`mes_app.domain.apple_health`; readings are de-duplicated against what is
  stored (:func:`mes_app.services.measure_import.new_readings`) and inserted 1 000 at a time.
- :func:`job_view` gives the progress (bytes read / total) and, at the end, the summary, to
  the job's requester only.

**Resumable, not all-or-nothing.** Each batch is committed: on SQLite one transaction over a
file of hundreds of MB would hold the database's write lock for minutes, blocking every other
person's save. A failure at 90 % is told (status ``failed``, with how many measures were
added before it), and importing the same file again adds exactly the rest: de-duplication
makes the import idempotent. The jobs live in memory (progress cannot be written to the
database from another connection while a batch is being written on SQLite): after a restart
the page says the import was interrupted and may be run again.

The ``clinical-records/`` FHIR files (one resource each: what the phone got from hospital
portals) go, after the measures, through the FHIR file import
(:func:`mes_app.services.fhir_import.run_import`) as one collection: all or nothing, only for
the owner or a guardian (the FHIR import's rule), de-duplicated on a second import, "imported
from Apple Santé"; a lab report and its Observations of separate files are joined by their
``Observation/<id>`` references. What it refuses or skips is counted as not imported. No
health data in logs: a failure logs the job's id and the error's type only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import threading
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mes_app.db.models import Measure, User
from mes_app.domain import apple_health as ah
from mes_app.domain.access import UserActor
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import job_board, measure_import

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 2 * 1024**3  # a zip of a multi-year export
MAX_XML_BYTES = 12 * 1024**3  # what a zip member may inflate to (zip bombs)
BATCH = 1000
KEEP_FINISHED = timedelta(hours=1)
BOARD_KIND = "apple"
STALE_UPLOAD = timedelta(days=1)
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)
CLINICAL_PREFIX = "clinical-records/"

CLINICAL_SOURCE = "Apple Santé"  # "imported from Apple Santé"


def utcnow() -> datetime:
    return datetime.now(UTC)


def upload_folder() -> Path:
    """Where uploads wait for their job: in the data folder, never under Reflex's upload folder."""
    from mes_app.settings import settings

    return settings.data_dir / "imports"


@dataclass
class ImportSummary:
    added: Counter[str] = field(default_factory=Counter)  # kind → count
    duplicates: int = 0
    other_types: int = 0
    bmi_derived: int = 0
    clinical_records: int = 0  # clinical-records/ files not imported (refused, skipped, or none may be)
    clinical_imported: int = 0  # entries the FHIR import added from them
    errors: Counter[str] = field(default_factory=Counter)  # i18n code → count

    @property
    def added_total(self) -> int:
        return sum(self.added.values())


@dataclass
class _Job:
    key: str
    user_id: int
    profile_id: int
    path: Path
    created_at: datetime
    status: str = QUEUED
    read_bytes: int = 0
    total_bytes: int = 0
    summary: ImportSummary = field(default_factory=ImportSummary)
    error_code: str = ""
    finished_at: datetime | None = None


@dataclass(frozen=True)
class JobView:
    status: str  # queued | running | done | failed
    percent: int
    summary: ImportSummary
    error_code: str  # an i18n key when failed


_JOBS: dict[str, _Job] = {}
_LOCK = threading.Lock()


# --------------------------------------------------------------------------- use cases


def check_import(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> int:
    """The profile id, when ``actor`` may import measures into it (else NotFound / Forbidden);
    refused while the same account already has an import running."""
    pid, _profile, _decision = measure_import.authorize_import(session, actor, profile_id, now)
    session.commit()
    with _LOCK:
        if any(j.user_id == actor.user_id and j.status in ACTIVE for j in _JOBS.values()):
            raise ValidationError("error.apple_busy")
    return pid


def new_upload_path(folder: Path | None = None) -> Path:
    """A fresh file (0600) for an upload, created empty."""
    folder = folder or upload_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{secrets.token_hex(16)}.upload"
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def start_import(session: Session, actor: UserActor, profile_id: object, path: Path, *, now: datetime,
                 engine: Engine | None = None, run: bool = True) -> str:
    """Queue the import of the uploaded file at ``path`` (deleted when done) and start its
    worker thread; returns the job's key (for :func:`job_view`)."""
    try:
        pid = check_import(session, actor, profile_id, now=now)
    except Exception:
        _remove(path)
        raise
    _prune(now, path.parent)
    job = _Job(secrets.token_urlsafe(16), actor.user_id, pid, path, now, total_bytes=path.stat().st_size)
    with _LOCK:
        _JOBS[job.key] = job
    _publish(job)
    if run:
        from mes_app.db.engine import get_engine

        threading.Thread(target=run_job, args=(engine or get_engine(), job.key), name="apple-import",
                         daemon=True).start()
    return job.key


def job_view(actor: UserActor, key: object) -> JobView:
    """The job's progress and summary, for its requester only (NotFound for anyone else, or
    once forgotten: an hour after it ended, or after a restart). A job another worker runs is
    read from the job board (:mod:`mes_app.services.job_board`)."""
    if not isinstance(key, str) or len(key) > 64:
        raise NotFound()
    job = _JOBS.get(key) or _from_board(key)
    if job is None or job.user_id != actor.user_id:
        raise NotFound()
    return JobView(job.status, _percent(job), job.summary, job.error_code)


def _percent(job: _Job) -> int:
    return 100 if job.status == DONE else min(99, (100 * job.read_bytes) // max(job.total_bytes, 1))


def _publish(job: _Job) -> None:
    s = job.summary
    job_board.publish(BOARD_KIND, job.key, {
        "user_id": job.user_id, "profile_id": job.profile_id, "status": job.status, "read": job.read_bytes,
        "total": job.total_bytes, "error": job.error_code,
        "summary": {"added": dict(s.added), "duplicates": s.duplicates, "other_types": s.other_types,
                    "bmi_derived": s.bmi_derived, "clinical_records": s.clinical_records,
                    "clinical_imported": s.clinical_imported, "errors": dict(s.errors)},
    }, keep_seconds=int(KEEP_FINISHED.total_seconds()))


def _from_board(key: str) -> _Job | None:
    record = job_board.read(BOARD_KIND, key)
    if record is None:
        return None
    try:
        summary = dict(record["summary"])
        summary["added"], summary["errors"] = Counter(summary["added"]), Counter(summary["errors"])
        return _Job(key, int(record["user_id"]), int(record["profile_id"]), Path(), utcnow(),
                    status=str(record["status"]), read_bytes=int(record["read"]), total_bytes=int(record["total"]),
                    summary=ImportSummary(**summary), error_code=str(record["error"]))
    except (KeyError, TypeError, ValueError):
        return None


def run_job(engine: Engine, key: str, *, clock: Callable[[], datetime] = utcnow) -> None:
    """The worker: import the job's file, then delete it. Never raises."""
    job = _JOBS.get(key)
    if job is None or job.status != QUEUED:
        return
    job.status = RUNNING
    _publish(job)
    try:
        with Session(engine) as session:
            user = session.get(User, job.user_id)
            if user is None:
                raise NotFound()

            def progress(read: int, total: int) -> None:
                shown = _percent(job)
                job.read_bytes, job.total_bytes = read, total
                if _percent(job) != shown:
                    _publish(job)

            import_file(session, UserActor(user.id, user.role), job.profile_id, job.path, now=clock(),
                        summary=job.summary, on_progress=progress)
        job.status = DONE
    except ah.ExportRefused as refused:
        job.status, job.error_code = FAILED, refused.code
    except (NotFound, ValidationError) as error:
        job.status = FAILED
        job.error_code = error.code if isinstance(error, ValidationError) else "error.not_found"
    except Exception as error:  # noqa: BLE001 - told to the requester as "stopped, import again"
        log.error("health app import %s failed (%s)", key[:6], type(error).__name__)
        job.status, job.error_code = FAILED, "error.apple_failed"
    finally:
        job.finished_at = clock()
        _publish(job)
        _remove(job.path)


def import_file(session: Session, actor: UserActor, profile_id: object, path: Path, *, now: datetime,
                summary: ImportSummary | None = None,
                on_progress: Callable[[int, int], None] | None = None) -> ImportSummary:
    """Import an ``export.zip`` or ``export.xml`` (synchronously), batch by batch."""
    pid, profile, decision = measure_import.authorize_import(session, actor, profile_id, now)
    session.commit()
    summary = summary if summary is not None else ImportSummary()
    role = measure_import.author_role(decision)
    scan = ah.Scan()
    clinical: list[object] = []
    with _open_export(path, summary, clinical) as (raw, total):
        reader = ah.CountingReader(raw, (lambda n: on_progress(n, total)) if on_progress else None,
                                   limit=MAX_XML_BYTES)
        batch = []
        for reading in ah.iter_readings(reader, scan, now=now, birth_date=profile.birth_date):
            batch.append(reading)
            if len(batch) >= BATCH:
                _store(session, pid, actor, role, batch, now, summary)
                batch = []
                _copy_scan(scan, summary)
        _store(session, pid, actor, role, batch, now, summary)
    _copy_scan(scan, summary)
    if clinical:
        _import_clinical(session, actor, pid, clinical, now, summary)
    return summary


def _import_clinical(session: Session, actor: UserActor, pid: int, resources: list[object], now: datetime,
                     summary: ImportSummary) -> None:
    """The clinical-records/ resources, as one FHIR collection, through the FHIR file import."""
    from mes_app.services import fhir_import  # the FHIR import's write use cases, only when needed
    from mes_app.settings import settings
    from mes_app.storage import default_storage

    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
    try:
        done = fhir_import.run_import(session, actor, pid, json.dumps(bundle).encode(), now=now,
                                      storage=default_storage(), max_bytes=settings.max_upload_bytes,
                                      filename=CLINICAL_SOURCE)
    except (Forbidden, NotFound, ValidationError):  # not the owner or a guardian, or a refusal: nothing added
        session.rollback()
        return
    summary.clinical_imported = done.total
    summary.clinical_records = max(0, summary.clinical_records - len(resources) + done.skipped)


# --------------------------------------------------------------------------- helpers


def _store(session: Session, pid: int, actor: UserActor, role: str, batch: list, now: datetime,
           summary: ImportSummary) -> None:
    fresh, duplicates = measure_import.new_readings(session, pid, batch)
    if fresh:
        session.execute(insert(Measure), [measure_import.measure_row(pid, actor, role, r, now) for r in fresh])
    session.commit()
    summary.duplicates += duplicates
    summary.added.update(r.kind for r in fresh)


def _copy_scan(scan: ah.Scan, summary: ImportSummary) -> None:
    summary.other_types, summary.bmi_derived = scan.other_types, scan.bmi_derived
    summary.errors = Counter(scan.errors)
    if scan.clinical_records and not summary.clinical_records:  # a bare export.xml: its ClinicalRecord elements
        summary.clinical_records = scan.clinical_records


@contextlib.contextmanager
def _open_export(path: Path, summary: ImportSummary, clinical: list[object]):  # noqa: ANN202
    """``(stream, total bytes)`` of the export's XML: the file itself, or its zip member."""
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as raw:
            yield raw, path.stat().st_size
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise ah.ExportRefused("error.apple_not_export") from None
    with archive:
        member = _export_member(archive)
        summary.clinical_records = _clinical_records(archive, clinical)
        with archive.open(member) as raw:
            yield raw, max(member.file_size, 1)


def _export_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    candidates = [i for i in archive.infolist() if i.filename.lower().endswith(".xml") and not i.is_dir()
                  and not i.filename.lower().endswith("export_cda.xml")]
    candidates.sort(key=lambda i: (Path(i.filename).name != "export.xml", i.filename.count("/")))
    for info in candidates[:20]:
        with archive.open(info) as raw:
            head = raw.read(64 * 1024)
        if b"<HealthData" in head:
            return info
    raise ah.ExportRefused("error.apple_not_export")


def _clinical_records(archive: zipfile.ZipFile, resources: list[object]) -> int:
    """How many clinical-records/*.json members the export holds; the resources of those that
    are one JSON resource each are added to ``resources`` (within the FHIR import's limits)."""
    from mes_app.domain import fhir_import as fimp

    members, budget = 0, fimp.MAX_FILE_BYTES
    for info in archive.infolist():
        name = info.filename.split("/", 1)[1] if info.filename.startswith("apple_health_export/") else info.filename
        if not (name.startswith(CLINICAL_PREFIX) and name.endswith(".json")) or info.is_dir():
            continue
        members += 1
        if len(resources) >= fimp.MAX_ENTRIES or info.file_size > budget:
            continue
        with archive.open(info) as raw:
            data = raw.read(budget + 1)
        budget -= len(data)
        try:
            resource = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            continue
        if isinstance(resource, dict) and resource.get("resourceType") != "Bundle":
            resources.append(resource)
    return members


def _prune(now: datetime, folder: Path | None = None) -> None:
    """Forget jobs ended over an hour ago; delete uploads a killed server left behind (a day old)."""
    with _LOCK:
        for key in [k for k, j in _JOBS.items() if j.finished_at and now - j.finished_at > KEEP_FINISHED]:
            del _JOBS[key]
        live = {j.path for j in _JOBS.values()}
    folder = folder or upload_folder()
    if folder.is_dir():
        for left in folder.glob("*.upload"):
            with contextlib.suppress(OSError):
                if left not in live and now.timestamp() - left.stat().st_mtime > STALE_UPLOAD.total_seconds():
                    left.unlink()


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
