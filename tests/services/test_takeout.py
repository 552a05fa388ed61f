"""The take-out archive (issue 13, item 2), opened entry by entry as the person who asked sees it,
and refused to everyone else."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile
from datetime import date, timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle
from icalendar import Calendar
from pypdf import PdfReader
from sqlmodel import select

from mes_app.db.models import AccessEvent, Allergy, Appointment, Document, Profile, TakeoutJob, User, Vaccination
from mes_app.domain import takeout as tk
from mes_app.domain.access import UserActor
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.seed import seed_demo
from mes_app.services import takeout
from mes_app.storage import LocalStorage
from tests.factories import (
    committed_rows,
    give_care,
    make_caregiver,
    make_child,
    make_owner,
    make_professional,
    make_stranger,
)


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "documents")


@pytest.fixture()
def folder(tmp_path):
    return tmp_path / "takeout"


def store(session, storage, profile, author, data: bytes, title: str, day: date, mime="application/pdf"):
    writer = storage.begin(10_000_000)
    writer.write(data)
    stored = writer.commit()
    doc = Document(profile_id=profile.id, author_user_id=author.id, author_role="guardian", title=title,
                   category_code="11502-2", category_display="CR", document_date=day,
                   storage_key=stored.key, sha256=stored.sha256, size_bytes=stored.size_bytes,
                   mime_type=stored.mime_type, original_filename="x.pdf")
    session.add(doc)
    session.commit()
    return doc


def make_archive(session, engine, who, profile_id, now, storage, folder, lang="fr"):
    job_id = takeout.request_takeout(session, who.actor, profile_id, now=now, lang=lang, folder=folder)
    takeout.build(engine, job_id, storage=storage, folder=folder, clock=lambda: now)
    session.expire_all()
    path, name = takeout.open_download(session, who.actor, job_id, now=now, folder=folder)
    return job_id, path, name


PDF = b"%PDF-1.4\n" + b"x" * 200


def test_the_guardians_archive_holds_the_bundle_documents_calendar_and_a_printable_summary(
        session, engine, now, storage, folder):
    alice = make_owner(session, "Alice Dupré")
    lea = make_child(session, alice, "Léa")
    session.add(Vaccination(profile_id=lea.id, author_user_id=alice.id, author_role="guardian",
                            code_system="http://www.whocc.no/atc", code="J07BD52", code_text="ROR", cvx_code="03",
                            given_on=date(2025, 3, 15), dose_number=1))
    session.add(Allergy(profile_id=lea.id, author_user_id=alice.id, author_role="guardian", code_text="Pénicilline",
                        severity="severe"))
    session.add(Appointment(profile_id=lea.id, author_user_id=alice.id, author_role="guardian", title="Pédiatre",
                            starts_at=now + timedelta(days=3), status="planned"))
    session.commit()
    radio = store(session, storage, lea.profile, alice, PDF + b"1", "Compte rendu radio", date(2024, 3, 2))
    same = store(session, storage, lea.profile, alice, PDF + b"2", "Compte rendu radio", date(2024, 3, 2))
    evil = store(session, storage, lea.profile, alice, PDF + b"3", "../../etc/passwd\u202e", date(2024, 5, 1))

    job_id, path, name = make_archive(session, engine, alice, lea.profile.id, now, storage, folder)
    assert name == f"mes-archive-{now.date().isoformat()}.zip"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.parent == folder and not any(p.name.startswith(".partial") for p in folder.iterdir())

    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert "README.txt" in names
        assert all(not n.startswith("/") and ".." not in n.split("/") for n in names)
        base = "Léa Dupré/"
        bundle = json.loads(archive.read(base + "dossier.fhir.json"))
        Bundle.model_validate(bundle)
        assert bundle["type"] == "collection"
        assert {e["resource"]["resourceType"] for e in bundle["entry"]} >= {"Patient", "Immunization",
                                                                            "DocumentReference"}
        docs = sorted(n for n in names if n.startswith(base + "documents/"))
        assert docs == [base + "documents/2024-03-02 Compte rendu radio (2).pdf",
                        base + "documents/2024-03-02 Compte rendu radio.pdf",
                        base + "documents/2024-05-01 etc passwd.pdf"]
        by_name = {base + "documents/2024-03-02 Compte rendu radio.pdf": radio,
                   base + "documents/2024-03-02 Compte rendu radio (2).pdf": same,
                   base + "documents/2024-05-01 etc passwd.pdf": evil}
        for entry, doc in by_name.items():
            assert hashlib.sha256(archive.read(entry)).hexdigest() == doc.sha256
        calendar = Calendar.from_ical(archive.read(base + "rendez-vous.ics"))
        assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Léa · Pédiatre"]
        summary = archive.read(base + "synthese.pdf")
        assert summary.startswith(b"%PDF")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(summary)).pages)
        assert "Léa Dupré" in text and "Pénicilline" in text and "ROR" in text and "sévère" in text
        assert "FHIR R4" in archive.read("README.txt").decode("utf-8")

    # The download is in Léa's access history, as an export of the archive.
    events = committed_rows(session, AccessEvent, AccessEvent.profile_id == lea.profile.id,
                            AccessEvent.target_kind == "takeout")
    assert [(e.action, e.via, e.actor_user_id) for e in events] == [("export", "guardian", alice.id)]
    job = session.get(TakeoutJob, job_id)
    assert job.status == "ready" and job.size_bytes == path.stat().st_size
    assert job.expires_at - now == tk.EXPIRES_AFTER


def test_everything_the_account_manages_is_one_folder_per_profile_in_english(session, engine, now, storage, folder):
    alice = make_owner(session, "Alice Martin")
    make_child(session, alice, "Léa")
    make_child(session, alice, "Tom")
    _, path, _ = make_archive(session, engine, alice, "all", now, storage, folder, lang="en")
    with zipfile.ZipFile(path) as archive:
        folders = sorted({n.split("/")[0] for n in archive.namelist() if "/" in n})
        assert folders == ["Alice Martin", "Léa Martin", "Tom Martin"]
        assert "Tom Martin/record.fhir.json" in archive.namelist()
        text = PdfReader(io.BytesIO(archive.read("Tom Martin/summary.pdf"))).pages[0].extract_text()
        assert "Record summary of Tom Martin" in text
    assert len(committed_rows(session, AccessEvent, AccessEvent.target_kind == "takeout")) == 3


def test_the_demo_parents_archive_is_complete_and_valid(session, engine, now, storage, folder):
    assert seed_demo(session, now=now) is True
    camille = session.exec(select(User).where(User.email == "parent@demo.mes")).one()
    hugo = session.exec(select(Profile).where(Profile.given_name == "Hugo")).one()

    class Who:
        actor = UserActor(camille.id, camille.role)

    _, path, _ = make_archive(session, engine, Who, hugo.id, now, storage, folder)
    with zipfile.ZipFile(path) as archive:
        bundle_name = next(n for n in archive.namelist() if n.endswith("dossier.fhir.json"))
        Bundle.model_validate(json.loads(archive.read(bundle_name)))


def test_a_caregiver_takes_only_their_scope(session, engine, now, storage, folder):
    alice = make_owner(session)
    lea = make_child(session, alice, "Léa")
    session.add(Vaccination(profile_id=lea.id, author_user_id=alice.id, author_role="guardian", code_text="ROR",
                            given_on=date(2025, 3, 15)))
    session.add(Allergy(profile_id=lea.id, author_user_id=alice.id, author_role="guardian", code_text="Arachide"))
    session.commit()
    store(session, storage, lea.profile, alice, PDF, "Ordonnance", date(2024, 1, 1))
    mamie = make_caregiver(session, lea, ("vaccinations",))
    _, path, _ = make_archive(session, engine, mamie, "all", now, storage, folder)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert not any("/documents/" in n for n in names)
        bundle = json.loads(archive.read(next(n for n in names if n.endswith(".fhir.json"))))
        kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
        assert "Immunization" in kinds and "AllergyIntolerance" not in kinds
        pdf = archive.read(next(n for n in names if n.endswith(".pdf")))
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert "ROR" in text and "Arachide" not in text and "Non partagé" in text
        assert "seules les parties partagées" in archive.read("README.txt").decode()
    events = committed_rows(session, AccessEvent, AccessEvent.target_kind == "takeout")
    assert [(e.via, e.grant_id) for e in events] == [("caregiver", mamie.grant.id)]


def test_strangers_and_professionals_are_refused(session, now, folder):
    alice = make_owner(session)
    lea = make_child(session, alice, "Léa")
    mallory = make_stranger(session)
    doctor = make_professional(session)
    give_care(session, doctor, lea)
    with pytest.raises(NotFound):
        takeout.request_takeout(session, mallory.actor, lea.profile.id, now=now, lang="fr", folder=folder)
    with pytest.raises(ValidationError):
        takeout.request_takeout(session, mallory.actor, "../1", now=now, lang="fr", folder=folder)
    with pytest.raises(Forbidden):
        takeout.request_takeout(session, doctor.actor, lea.profile.id, now=now, lang="fr", folder=folder)
    with pytest.raises(Forbidden):
        takeout.request_takeout(session, doctor.actor, "all", now=now, lang="fr", folder=folder)
    assert committed_rows(session, TakeoutJob) == []


def test_only_the_requester_downloads_and_not_after_expiry(session, engine, now, storage, folder):
    alice = make_owner(session)
    lea = make_child(session, alice, "Léa")
    mallory = make_stranger(session)
    job_id, path, _ = make_archive(session, engine, alice, lea.profile.id, now, storage, folder)
    with pytest.raises(NotFound):
        takeout.open_download(session, mallory.actor, job_id, now=now, folder=folder)
    assert takeout.list_jobs(session, mallory.actor, now=now, folder=folder) == []
    [view] = takeout.list_jobs(session, alice.actor, now=now, folder=folder)
    assert view.status == "ready" and view.percent == 100 and view.download_href == f"/api/takeout/{job_id}.zip"

    later = now + tk.EXPIRES_AFTER + timedelta(seconds=1)
    with pytest.raises(NotFound):
        takeout.open_download(session, alice.actor, job_id, now=later, folder=folder)
    assert not path.exists()
    [view] = takeout.list_jobs(session, alice.actor, now=later, folder=folder)
    assert view.status == "expired" and view.download_href == ""


def test_a_job_interrupted_by_a_restart_is_failed_and_can_be_retried(session, engine, now, storage, folder):
    alice = make_owner(session)
    job_id = takeout.request_takeout(session, alice.actor, alice.profile.id, now=now, lang="fr", folder=folder)
    # Asked again while it waits: the same job.
    assert takeout.request_takeout(session, alice.actor, alice.profile.id, now=now, lang="fr", folder=folder) == job_id
    [view] = takeout.list_jobs(session, alice.actor, now=now, folder=folder)
    assert view.status == "queued"
    # The server restarts: nothing builds it, the heartbeat stops.
    later = now + tk.STALE_AFTER + timedelta(seconds=1)
    [view] = takeout.list_jobs(session, alice.actor, now=later, folder=folder)
    assert view.status == "failed"
    retry = takeout.request_takeout(session, alice.actor, alice.profile.id, now=later, lang="fr", folder=folder)
    assert retry != job_id
    takeout.build(engine, retry, storage=storage, folder=folder, clock=lambda: later)
    takeout.build(engine, job_id, storage=storage, folder=folder, clock=lambda: later)  # a failed job stays failed
    session.expire_all()
    assert [j.status for j in committed_rows(session, TakeoutJob)] == ["failed", "ready"]


def test_a_build_that_breaks_leaves_no_partial_file(session, engine, now, storage, folder, monkeypatch):
    alice = make_owner(session)
    job_id = takeout.request_takeout(session, alice.actor, alice.profile.id, now=now, lang="fr", folder=folder)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(takeout, "summary_pdf", broken)
    takeout.build(engine, job_id, storage=storage, folder=folder, clock=lambda: now)
    session.expire_all()
    job = session.get(TakeoutJob, job_id)
    assert job.status == "failed" and job.file_key is None
    assert list(folder.iterdir()) == []


def test_a_new_archive_replaces_the_previous_file(session, engine, now, storage, folder):
    alice = make_owner(session)
    _, first, _ = make_archive(session, engine, alice, alice.profile.id, now, storage, folder)
    _, second, _ = make_archive(session, engine, alice, alice.profile.id, now + timedelta(minutes=1), storage, folder)
    assert not first.exists() and second.exists()
