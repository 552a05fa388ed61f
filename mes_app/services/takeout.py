"""The take-out archive (issue 13, item 2): one zip of a profile, or of every profile the
account may export, built in the background and downloadable by the requester only, for a week.

Use cases:

- :func:`request_takeout` checks the access policy (the same as the FHIR export:
  :func:`mes_app.domain.fhir_export.export_scope`; a stranger gets NotFound, a professional
  Forbidden) and queues a job row. "Everything" is every profile the actor may export: their
  own, their children's, and what is shared with them as a caregiver (only that part).
- :func:`build` (in a worker thread, :func:`start_build`) reads each record as the export does
  (:func:`mes_app.services.record_export.load_record`, so a caregiver gets their scope only),
  writes the zip to ``<data>/takeout/.partial-<key>`` (0600) and renames it to ``<key>.zip``
  when complete. Its heartbeat moves after every step: a job interrupted by a restart is
  failed (can be retried), never "in progress" forever.
- :func:`open_download` gives the file to the requester only (NotFound for anyone else, or once
  expired) and records an ``export`` of each profile in its access history: that is when the
  data leave the record.
- :func:`sweep` (run by each of these) deletes expired files and closes interrupted jobs.

No health data in logs: a failure logs the job id and the error's type only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import threading
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mes_app import i18n
from mes_app.db import models
from mes_app.domain import takeout as tk
from mes_app.domain import validation as v
from mes_app.domain.access import Section, UserActor
from mes_app.domain.access_log import TargetKind
from mes_app.domain.errors import Forbidden, NotFound
from mes_app.domain.fhir_export import export_scope, record_to_bundle
from mes_app.services import record_export
from mes_app.services.access_facts import load_profile_facts
from mes_app.services.appointments import calendar_of
from mes_app.services.profiles import accessible_profiles
from mes_app.services.takeout_files import readme, summary_pdf
from mes_app.storage.base import DocumentStorage

log = logging.getLogger(__name__)

KIND = TargetKind.TAKEOUT.value
PARTIAL_PREFIX = ".partial-"
SHOWN_JOBS = 5
FILE_NAMES = {
    "fr": {"bundle": "dossier.fhir.json", "summary": "synthese.pdf", "calendar": "rendez-vous.ics",
           "documents": "documents", "readme": "README.txt"},
    "en": {"bundle": "record.fhir.json", "summary": "summary.pdf", "calendar": "appointments.ics",
           "documents": "documents", "readme": "README.txt"},
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def takeout_folder() -> Path:
    """Where archives are written: in the data folder, beside the documents, never under
    Reflex's public upload folder."""
    from mes_app.settings import settings

    return settings.data_dir / "takeout"


@dataclass(frozen=True)
class ExportableProfile:
    id: int
    name: str
    complete: bool  # False: only the sections shared with the actor


@dataclass(frozen=True)
class JobView:
    """A job as its requester sees it."""

    id: int
    status: str  # queued | running | ready | failed | expired
    percent: int
    profile_names: str  # "Hugo Martin, Camille Martin"
    created_at: str  # ISO
    expires_at: str  # ISO, "" until ready
    size_bytes: int
    download_href: str  # "" unless ready


def download_href(job_id: int) -> str:
    return f"/api/takeout/{job_id}.zip"


# --------------------------------------------------------------------------- who may take out what


def exportable_profiles(session: Session, actor: UserActor, *, now: datetime) -> list[ExportableProfile]:
    """Every profile the actor may take out (the FHIR export's policy), in the switcher's order."""
    found: list[ExportableProfile] = []
    for view in accessible_profiles(session, actor, now=now):
        facts = load_profile_facts(session, view.id)
        sections = export_scope(actor, facts, now) if facts is not None else None
        if sections is not None:
            found.append(ExportableProfile(view.id, view.name, len(sections) == len(Section)))
    return found


# --------------------------------------------------------------------------- use cases


def request_takeout(session: Session, actor: UserActor, profile_id: object, *, now: datetime, lang: object,
                    folder: Path | None = None) -> int:
    """Queue an archive of ``profile_id`` (an id), or of every exportable profile (``"all"``).

    One archive at a time per account: while one is being built, asking again gives it back.
    A new archive replaces the previous ones (their files are deleted)."""
    folder = folder or takeout_folder()
    sweep(session, now=now, folder=folder)
    language = lang if isinstance(lang, str) and lang in i18n.LANGS else i18n.DEFAULT_LANG
    if profile_id == "all":
        pids = [p.id for p in exportable_profiles(session, actor, now=now)]
        if not pids:
            raise Forbidden()
    else:
        pids = [record_export.check_export(session, actor, profile_id, now=now, refusal_kind=KIND)[0].profile_id]
    pids = pids[: tk.MAX_PROFILES]
    mine = session.exec(select(models.TakeoutJob).where(models.TakeoutJob.requested_by_user_id == actor.user_id)
                        .order_by(col(models.TakeoutJob.id))).all()
    running = next((j for j in mine if tk.effective_status(_clock(j), now) in tk.ACTIVE), None)
    if running is not None:
        return running.id
    for old in mine:  # replaced: only the newest archive is kept on the server
        if old.file_key:
            _delete_file(folder, old.file_key)
            old.file_key, old.status = None, tk.EXPIRED
            session.add(old)
    job = models.TakeoutJob(requested_by_user_id=actor.user_id, profile_ids=tk.format_profile_ids(pids),
                            lang=language, status=tk.QUEUED, progress=0, total=100 * len(pids),
                            created_at=now, heartbeat_at=now)
    session.add(job)
    session.commit()
    return job.id


def list_jobs(session: Session, actor: UserActor, *, now: datetime, folder: Path | None = None) -> list[JobView]:
    """The actor's latest archives, newest first (after a sweep)."""
    sweep(session, now=now, folder=folder or takeout_folder())
    jobs = session.exec(select(models.TakeoutJob).where(models.TakeoutJob.requested_by_user_id == actor.user_id)
                        .order_by(col(models.TakeoutJob.id).desc()).limit(SHOWN_JOBS)).all()
    ids = {pid for j in jobs for pid in tk.parse_profile_ids(j.profile_ids)}
    names = {}
    if ids:
        names = {p.id: f"{p.given_name} {p.family_name}".strip()
                 for p in session.exec(select(models.Profile).where(col(models.Profile.id).in_(sorted(ids)))).all()}
    views = []
    for j in jobs:
        status = tk.effective_status(_clock(j), now)
        views.append(JobView(
            id=j.id,
            status=status,
            percent=100 if status == tk.READY else tk.percent(j.progress, j.total),
            profile_names=", ".join(names.get(pid, "") for pid in tk.parse_profile_ids(j.profile_ids)),
            created_at=j.created_at.isoformat(),
            expires_at=j.expires_at.isoformat() if j.expires_at and status == tk.READY else "",
            size_bytes=(j.size_bytes or 0) if status == tk.READY else 0,
            download_href=download_href(j.id) if status == tk.READY else "",
        ))
    return views


def open_download(session: Session, actor: UserActor, job_id: object, *, now: datetime,
                  folder: Path | None = None) -> tuple[Path, str]:
    """The zip of ``job_id`` and its download name, for its requester only; each profile in it
    still has to be one the requester may export, and the export is recorded for each."""
    folder = folder or takeout_folder()
    sweep(session, now=now, folder=folder)
    jid = v.parse_id(job_id)
    job = session.get(models.TakeoutJob, jid)
    if job is None or job.requested_by_user_id != actor.user_id or not job.file_key \
            or tk.effective_status(_clock(job), now) != tk.READY:
        raise NotFound()
    path = folder / f"{job.file_key}.zip"
    if not path.is_file():
        raise NotFound()
    for pid in tk.parse_profile_ids(job.profile_ids):
        facts = load_profile_facts(session, pid)
        sections = export_scope(actor, facts, now) if facts is not None else None
        if facts is None or sections is None:  # no longer theirs to take: the archive is gone
            raise NotFound()
        record_export.record_export_access(session, actor, facts, sections, now=now, target_kind=KIND)
    session.commit()
    return path, tk.zip_filename(now.date())


def sweep(session: Session, *, now: datetime, folder: Path) -> None:
    """Delete the files of expired archives, close interrupted jobs, remove their partial files."""
    jobs = session.exec(select(models.TakeoutJob).where(
        col(models.TakeoutJob.status).in_((*tk.ACTIVE, tk.READY)))).all()
    changed = False
    for job in jobs:
        status = tk.effective_status(_clock(job), now)
        if status == job.status:
            continue
        if status == tk.EXPIRED and job.file_key:
            _delete_file(folder, job.file_key)
            job.file_key = None
        elif status == tk.FAILED:
            if job.file_key:
                _delete_file(folder, job.file_key)
                job.file_key = None
            job.finished_at = now
        job.status = status
        session.add(job)
        changed = True
    if changed:
        session.commit()


# --------------------------------------------------------------------------- the build


def start_build(job_id: int, *, engine: Engine | None = None, storage: DocumentStorage | None = None,
                folder: Path | None = None) -> threading.Thread:
    """Build the archive in a worker thread (off the event loop); returns the thread."""
    from mes_app.db.engine import get_engine
    from mes_app.storage import default_storage

    thread = threading.Thread(
        target=build, args=(engine or get_engine(), job_id),
        kwargs={"storage": storage or default_storage(), "folder": folder or takeout_folder()},
        name=f"takeout-{job_id}", daemon=True,
    )
    thread.start()
    return thread


def build(engine: Engine, job_id: int, *, storage: DocumentStorage, folder: Path,
          clock: Callable[[], datetime] = utcnow, font_dir: Path | None = None) -> None:
    """Write the zip of a queued job. Never raises: a failure marks the job failed."""
    key = secrets.token_hex(16)
    partial = folder / f"{PARTIAL_PREFIX}{key}"
    with Session(engine) as session:
        job = session.get(models.TakeoutJob, job_id)
        if job is None or job.status != tk.QUEUED:
            return
        job.status, job.heartbeat_at, job.file_key = tk.RUNNING, clock(), key
        session.add(job)
        session.commit()
        try:
            size = _write_zip(session, job, partial, storage=storage, clock=clock, font_dir=font_dir)
            final = folder / f"{key}.zip"
            os.replace(partial, final)
            now = clock()
            job.status, job.finished_at, job.expires_at, job.size_bytes = tk.READY, now, now + tk.EXPIRES_AFTER, size
            job.progress = job.total
            job.heartbeat_at = now
            session.add(job)
            session.commit()
        except Exception as error:  # noqa: BLE001 - told to the requester as "failed, try again"
            log.error("take-out archive %s failed (%s)", job_id, type(error).__name__)
            session.rollback()
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
            job = session.get(models.TakeoutJob, job_id)
            if job is not None:
                job.status, job.finished_at, job.file_key = tk.FAILED, clock(), None
                session.add(job)
                session.commit()


def _write_zip(session: Session, job: models.TakeoutJob, partial: Path, *, storage: DocumentStorage,
               clock: Callable[[], datetime], font_dir: Path | None) -> int:
    user = session.get(models.User, job.requested_by_user_id)
    if user is None:
        raise NotFound()
    actor = UserActor(user.id, user.role)
    lang = job.lang if job.lang in i18n.LANGS else i18n.DEFAULT_LANG
    names = FILE_NAMES["en" if lang == "en" else "fr"]
    pids = tk.parse_profile_ids(job.profile_ids)
    partial.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    folders = tk.UniqueNames()
    contents: list[tuple[str, bool]] = []

    def step(done: int) -> None:
        job.progress, job.heartbeat_at = done, clock()
        session.add(job)
        session.commit()

    with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, pid in enumerate(pids):
            now = clock()
            data, _facts = record_export.load_record(session, actor, pid, now=now, storage=storage, refusal_kind=KIND)
            folder = tk.profile_folder(folders, data.profile.given_name, data.profile.family_name,
                                       f"profile-{index + 1}")
            contents.append((folder, data.complete))
            base = 100 * index
            bundle = record_to_bundle(data, bundle_id=str(uuid.uuid4()), now=now)
            archive.writestr(f"{folder}/{names['bundle']}",
                             json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8"))
            step(base + 10)
            archive.writestr(f"{folder}/{names['summary']}", summary_pdf(data, lang=lang, now=now, font_dir=font_dir))
            step(base + 20)
            archive.writestr(f"{folder}/{names['calendar']}",
                             calendar_of(data.appointments, data.profile.given_name, now=now))
            step(base + 25)
            in_folder = tk.UniqueNames()
            for n, exported in enumerate(data.files, start=1):
                doc = exported.document
                name = tk.document_name(in_folder, doc.document_date, doc.title, doc.mime_type, f"document-{n}")
                # already compressed (PDF, JPEG, PNG, HEIC): stored as they are
                archive.writestr(f"{folder}/{names['documents']}/{name}", exported.data,
                                 compress_type=zipfile.ZIP_STORED)
                step(base + 25 + (75 * n) // len(data.files))
            step(base + 100)
        archive.writestr(names["readme"], readme(lang=lang, now=clock(), folders=contents, names=names))
    return partial.stat().st_size


# --------------------------------------------------------------------------- helpers


def _clock(job: models.TakeoutJob) -> tk.JobClock:
    return tk.JobClock(job.status, _aware(job.heartbeat_at), _aware(job.expires_at) if job.expires_at else None)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _delete_file(folder: Path, key: str) -> None:
    if not key or not all(c in "0123456789abcdef" for c in key):
        return
    with contextlib.suppress(FileNotFoundError):
        (folder / f"{key}.zip").unlink()
    with contextlib.suppress(FileNotFoundError):
        (folder / f"{PARTIAL_PREFIX}{key}").unlink()

