"""The take-out archive (issue 13, item 2): what is in the zip and under which names, and how
long a job and its file live. Pure Python (no database, no Reflex, no clock: time passed in).

Layout of the zip (one folder per profile, even for one, so "everything" reads the same)::

    README.txt                         what is inside, in the requester's language
    Hugo Martin/dossier.fhir.json      the whole record as a FHIR R4 Bundle (the same as the FHIR export)
    Hugo Martin/synthese.pdf           a summary a person can print (summary.pdf in English)
    Hugo Martin/rendez-vous.ics        the appointments (appointments.ics)
    Hugo Martin/documents/2024-03-02 Compte rendu radio.pdf

Names come from what people typed (a title, a name): they are cleaned to one path segment
(no ``/``, ``\\``, ``..``, control characters, nor what Windows refuses), shortened, and made
unique inside their folder (``… (2).pdf``), so no entry can escape its folder or overwrite
another.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# A week: long enough to ask on the phone and download later on a computer (or after a
# week-end), short enough that a full copy of the record does not linger on the server. The
# file is deleted when it expires, or earlier when the requester asks for a new archive.
EXPIRES_AFTER = timedelta(days=7)
# A build writes its heartbeat after every step (a profile's Bundle, a document, ...); a job
# whose heartbeat is older than this was interrupted (a restart): it is failed, can be retried.
STALE_AFTER = timedelta(minutes=5)
MAX_PROFILES = 50

QUEUED, RUNNING, READY, FAILED, EXPIRED = "queued", "running", "ready", "failed", "expired"
ACTIVE = (QUEUED, RUNNING)

MAX_NAME = 80  # characters of a cleaned name (before the extension)
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.IGNORECASE)
_FORBIDDEN = set('<>:"/\\|?*')
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/heic": "heic"}


def clean_segment(text: object, fallback: str) -> str:
    """``text`` as one safe file or folder name (NFC, printable, no separators, not ``.``/``..``)."""
    raw = unicodedata.normalize("NFC", text if isinstance(text, str) else "")
    kept = "".join(
        " " if ch in _FORBIDDEN or ch.isspace() else ch
        for ch in raw
        if unicodedata.category(ch)[0] != "C"  # control, format (direction marks), surrogates
    )
    name = " ".join(kept.split()).strip(" .")[:MAX_NAME].strip(" .")
    if not name or _WINDOWS_RESERVED.match(name):
        return fallback
    return name


class UniqueNames:
    """Hands out names that are unique in one folder (case-insensitively, as on most disks)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, stem: str, extension: str = "") -> str:
        suffix = f".{extension}" if extension else ""
        candidate, n = f"{stem}{suffix}", 1
        while candidate.casefold() in self._taken:
            n += 1
            candidate = f"{stem} ({n}){suffix}"
        self._taken.add(candidate.casefold())
        return candidate


def document_name(names: UniqueNames, day: date | None, title: object, mime_type: str, fallback: str) -> str:
    """``2024-03-02 Compte rendu radio.pdf``: the document's date, its title, the extension of its
    sniffed type; unique among ``names``."""
    stem = clean_segment(title, fallback)
    if day is not None:
        stem = f"{day.isoformat()} {stem}"
    return names.take(stem, EXTENSIONS.get(mime_type, "bin"))


def profile_folder(names: UniqueNames, given_name: object, family_name: object, fallback: str) -> str:
    return names.take(clean_segment(f"{given_name or ''} {family_name or ''}", fallback))


def parse_profile_ids(text: str) -> list[int]:
    """The job's ``profile_ids`` column ("12,15") back as ids."""
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


def format_profile_ids(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in ids)


@dataclass(frozen=True)
class JobClock:
    """The parts of a job row that decide what it is now."""

    status: str
    heartbeat_at: datetime
    expires_at: datetime | None


def effective_status(job: JobClock, now: datetime) -> str:
    """What the job is now: an active job whose heartbeat stopped is failed (interrupted), a
    ready one past its expiry is expired."""
    if job.status in ACTIVE and now - job.heartbeat_at > STALE_AFTER:
        return FAILED
    if job.status == READY and (job.expires_at is None or now >= job.expires_at):
        return EXPIRED
    return job.status


def percent(progress: int, total: int) -> int:
    if total <= 0:
        return 0
    return max(0, min(100, round(100 * progress / total)))


def zip_filename(day: date) -> str:
    """The download's name: ``mes-archive-2026-12-03.zip``."""
    return f"mes-archive-{day.isoformat()}.zip"
