"""The server killed with ``kill -9`` in the middle of a write, then started again on the same
data (issue 14 item 4): no orphan file in the document store, no half-written record, and the
user's retry succeeds.

The kill lands mid-operation on purpose: during an upload whose body is still arriving (a phone
on a bad network), or at a pause point of the server (``mes_app/fault_points.py``, turned on
by the server's environment only) between the steps of one operation: a document's file stored
but not its row, a measures import's rows inserted but not committed, a FHIR transaction
Bundle's entries written but not committed. The checks are row counts and SHA-256 of the files.

The two kills between a document's file and its row run with each store: the local folder,
and PostgreSQL (``MES_DOCUMENT_STORE=postgresql`` on a private server: the files are rows of
``document_chunk``, read and hashed by another process), whose start-up sweep erases chunks no
row names once the dead server's advisory locks went with its connections.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from mes_app.domain.access import UserActor
from mes_app.services import connected_software
from tests.e2e import faults
from tests.e2e import server as mes_server
from tests.e2e.ws_client import login_cookie
from tests.web.test_fhir_api import Client

pytestmark = pytest.mark.e2e

DOCUMENT_TABLES = ("document", "notification_job", "access_event")
MEASURE_ROWS = 1500


def _pdf(size: int) -> bytes:
    return faults.PDF_HEAD + os.urandom(size)


def _document_form(server: mes_server.LiveServer, data: bytes) -> tuple[str, bytes]:
    fields = {"profile_id": str(faults.profile_id(server)), "title": "Compte rendu de consultation",
              "document_date": "2026-11-20", "category": "11488-4"}
    return faults.multipart(fields, "compte-rendu.pdf", data)


def _check_retry_stores(server: mes_server.LiveServer, before: dict[str, str], cookie: str,
                        body: tuple[str, bytes], data: bytes) -> None:
    """The user sends the same document again: stored once, its file's hash that of the data."""
    content_type, payload = body
    status, answer = faults.post(server, "/api/documents", payload, content_type, cookie=cookie)
    assert status == 201, answer
    new = {k: v for k, v in faults.stored_files(server).items() if k not in before}
    assert list(new.values()) == [hashlib.sha256(data).hexdigest()]
    assert faults.document_keys(server).items() >= new.items()


@pytest.fixture()
def service(tmp_path: Path):
    """A fresh, seeded MES backend; whatever runs at the end is stopped."""
    holder: dict[str, mes_server.LiveServer] = {}

    def launch(extra_env: dict[str, str] | None = None) -> mes_server.LiveServer:
        holder["server"] = faults.start(tmp_path / "mes", extra_env)
        return holder["server"]

    def restart(server: mes_server.LiveServer, **changes: str | None) -> mes_server.LiveServer:
        holder["server"] = faults.restart(server, **changes)
        return holder["server"]

    yield launch, restart
    if "server" in holder:
        mes_server.stop(holder["server"])


def test_killed_while_a_document_arrives_leaves_no_file_and_the_retry_succeeds(service) -> None:
    launch, restart = service
    server = launch()
    cookie = login_cookie(server.base_url, *faults.PARENT)
    assert cookie
    rows, files = faults.counts(server, *DOCUMENT_TABLES), faults.stored_files(server)
    data = _pdf(3 * 1024 * 1024)
    body = _document_form(server, data)
    with faults.slow_upload(server, "/api/documents", body[1], body[0], cookie, sent=len(body[1]) // 2):
        faults.wait_for(lambda: any(p.stat().st_size > 1024 * 1024 for p in faults.partial_files(server)),
                        "the first half of the file on disk")
        faults.kill9(server)
    assert len(faults.partial_files(server)) == 1, "the kill left no half-written file: nothing was tested"

    server = restart(server)
    assert faults.partial_files(server) == []
    assert faults.stored_files(server) == files
    assert faults.counts(server, *DOCUMENT_TABLES) == rows
    _check_retry_stores(server, files, cookie, body, data)


@pytest.fixture(params=["local", "postgresql"])
def document_store(request: pytest.FixtureRequest):
    """The server's document store: the local folder, or PostgreSQL (``MES_DOCUMENT_STORE``)
    on a private server of our own (its files are rows of ``document_chunk`` then)."""
    if request.param == "local":
        yield {}
        return
    if reason := faults.missing_postgres():
        pytest.skip(f"no private PostgreSQL server can run here: {reason}")
    with faults.private_postgres_database() as url:
        yield {"MES_DATABASE_URL": url, "MES_DOCUMENT_STORE": "postgresql"}


def test_killed_between_the_file_and_its_row_leaves_no_orphan_file(document_store, service, tmp_path: Path) -> None:
    """In either store: the file committed, its row not, the server killed; the restart's
    sweep erases the file (the dead server held no lock: local flock, PostgreSQL advisory lock)."""
    launch, restart = service
    pause, marker = faults.paused_at("document.stored", tmp_path)
    server = launch({**pause, **document_store})
    assert (faults.document_store_url(server) is not None) == bool(document_store)
    cookie = login_cookie(server.base_url, *faults.PARENT)
    assert cookie
    rows, files = faults.counts(server, *DOCUMENT_TABLES), faults.stored_files(server)
    data = _pdf(200 * 1024)
    body = _document_form(server, data)
    faults.post_in_background(server, "/api/documents", body[1], body[0], cookie=cookie, timeout=60)
    faults.wait_for(marker.exists, "the server paused between the file and its row")
    orphan = {k: v for k, v in faults.stored_files(server).items() if k not in files}
    assert list(orphan.values()) == [hashlib.sha256(data).hexdigest()], "the file was not stored: nothing tested"
    faults.kill9(server)
    assert faults.counts(server, *DOCUMENT_TABLES) == rows  # the row was never committed

    server = restart(server, **{faults.PAUSE_VARIABLE: None})
    assert faults.stored_files(server) == files, "the file no row names is still in the store"
    assert faults.partial_files(server) == []
    assert faults.counts(server, *DOCUMENT_TABLES) == rows
    _check_retry_stores(server, files, cookie, body, data)


def _measures_csv(rows: int) -> bytes:
    start = datetime(2025, 1, 1, 8, 0)
    lines = ["date,kind,value,unit"]
    lines += [f"{(start + timedelta(hours=i)).strftime('%Y-%m-%d %H:%M')},weight,{60 + i % 200 / 10:.1f},kg"
              for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_killed_during_a_measures_import_leaves_no_row_and_the_retry_imports_all(service, tmp_path: Path) -> None:
    launch, restart = service
    pause, marker = faults.paused_at("measures.import", tmp_path)
    server = launch(pause)
    cookie = login_cookie(server.base_url, *faults.PARENT)
    assert cookie
    before = faults.counts(server, "measure")["measure"]
    fields = {"profile": str(faults.profile_id(server)), "mode": "import"}
    content_type, payload = faults.multipart(fields, "mesures.csv", _measures_csv(MEASURE_ROWS))
    faults.post_in_background(server, "/api/measures/import", payload, content_type, cookie=cookie, timeout=60)
    faults.wait_for(marker.exists, "the server paused with the rows inserted, not committed")
    faults.kill9(server)

    server = restart(server, **{faults.PAUSE_VARIABLE: None})
    assert faults.counts(server, "measure")["measure"] == before, "a half import is visible"
    status, answer = faults.post(server, "/api/measures/import", payload, content_type, cookie=cookie)
    assert status == 200, answer
    assert json.loads(answer)["imported"] == MEASURE_ROWS
    assert faults.counts(server, "measure")["measure"] == before + MEASURE_ROWS


def _connect_software(server: mes_server.LiveServer) -> Client:
    """The GP's care software, registered as the page does it (the service, on the server's database)."""
    client = Client("ES384")
    engine = sa.create_engine(faults.database_url(server))
    try:
        with Session(engine) as session:
            doctor = faults.scalar(server, "SELECT id FROM user_account WHERE email = :e", e=faults.DOCTOR[0])
            assert isinstance(doctor, int)
            client.client_id = connected_software.register_software(
                session, UserActor(doctor, "professional"), "CabinetSoft", client.jwks(), now=datetime.now(UTC)
            ).client_id
    finally:
        engine.dispose()
    return client


def _fhir_token(server: mes_server.LiveServer, client: Client) -> str:
    import urllib.parse

    aud = f"{server.base_url}/fhir/r4/auth/token"
    form = urllib.parse.urlencode(client.token_form(client.assertion(aud=aud))).encode()
    status, answer = faults.post(server, "/fhir/r4/auth/token", form, "application/x-www-form-urlencoded")
    assert status == 200, answer
    return json.loads(answer)["access_token"]


def _bundle(patient: int, data: bytes) -> dict:
    subject = {"reference": f"Patient/{patient}"}
    encounter = "urn:uuid:" + str(uuid.uuid4())
    return {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": {
            "resourceType": "DocumentReference", "status": "current",
            "type": {"coding": [{"system": "http://loinc.org", "code": "11488-4"}]}, "subject": subject,
            "date": "2026-11-21T10:00:00+01:00", "description": "Compte rendu de consultation",
            "content": [{"attachment": {"contentType": "application/pdf", "title": "cr.pdf",
                                        "data": base64.b64encode(data).decode()}}]},
         "request": {"method": "POST", "url": "DocumentReference"}},
        {"fullUrl": encounter, "resource": {
            "resourceType": "Encounter", "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
            "type": [{"text": "Consultation de suivi"}], "subject": subject,
            "period": {"start": "2026-11-21T10:00:00+01:00"}},
         "request": {"method": "POST", "url": "Encounter"}},
        {"resource": {
            "resourceType": "Condition", "subject": subject, "encounter": {"reference": encounter},
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                           "code": "active"}]},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "38341003"}], "text": "Hypertension"}},
         "request": {"method": "POST", "url": "Condition"}},
    ]}


FHIR_TABLES = ("document", "encounter", "condition", "fhir_intake", "access_event")


def test_killed_during_a_fhir_transaction_leaves_nothing_and_the_retry_succeeds(document_store, service,
                                                                                 tmp_path: Path) -> None:
    launch, restart = service
    pause, marker = faults.paused_at("fhir.transaction", tmp_path)
    server = launch({**pause, **document_store})
    client = _connect_software(server)
    token = _fhir_token(server, client)
    rows, files = faults.counts(server, *FHIR_TABLES), faults.stored_files(server)
    data = _pdf(100 * 1024)
    payload = json.dumps(_bundle(faults.profile_id(server), data)).encode()
    auth = {"Authorization": f"Bearer {token}"}
    faults.post_in_background(server, "/fhir/r4", payload, "application/fhir+json", headers=auth, timeout=60)
    faults.wait_for(marker.exists, "the server paused with the Bundle written, not committed")
    assert len(faults.stored_files(server)) == len(files) + 1, "the Bundle's file was not stored: nothing tested"
    faults.kill9(server)

    server = restart(server, **{faults.PAUSE_VARIABLE: None})
    assert faults.stored_files(server) == files, "the Bundle's file is left without its document"
    assert faults.counts(server, *FHIR_TABLES) == rows, "part of the Bundle is visible"
    # The software sends the same Bundle again, with the token it got before the crash.
    status, answer = faults.post(server, "/fhir/r4", payload, "application/fhir+json", headers=auth)
    assert status == 200, answer
    assert [e["response"]["status"][:3] for e in json.loads(answer)["entry"]] == ["201", "201", "201"]
    after = faults.counts(server, *FHIR_TABLES)
    assert {t: after[t] - rows[t] for t in ("document", "encounter", "condition", "fhir_intake")} == \
        {"document": 1, "encounter": 1, "condition": 1, "fhir_intake": 3}
    new = {k: v for k, v in faults.stored_files(server).items() if k not in files}
    assert list(new.values()) == [hashlib.sha256(data).hexdigest()]
