"""Documents through the service: who sees which document, the sharing switches, and every
bad upload of the issue (clear error, nothing stored, nothing else lost)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from sqlmodel import select

from mes_app.db import models
from mes_app.db.models import AccessEvent, Document, DocumentGrant, SecurityEvent, ShareLink
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import access_history, documents, timeline
from mes_app.services.access_facts import record_access
from mes_app.storage import LocalStorage
from tests.factories import (
    committed_count,
    give_care,
    make_caregiver,
    make_child,
    make_co_guardian,
    make_owner,
    make_professional,
    make_stranger,
)

DAY = timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 3000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
LIMIT = 10_000
LAB = "11502-2"  # LOINC "CR d'examens biologiques"
PRESCRIPTION = "57833-6"


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "documents")


def form(title="Prise de sang", day="2026-11-20", category=LAB) -> dict:
    return {"title": title, "document_date": day, "category": category}


def upload(session, who, profile, storage, now, data=PDF, *, filename="analyses.pdf", chunk=512, **fields):
    chunks = (data[i : i + chunk] for i in range(0, len(data), chunk))
    return documents.upload_document(session, who.actor, profile.id, form(**fields), filename, chunks,
                                     storage=storage, max_bytes=LIMIT, now=now)


def titles(session, who, profile, now, **kw) -> list[str]:
    return [d.title for d in documents.list_documents(session, who.actor, profile.id, now=now, **kw)]


def assert_nothing_stored(session, storage):
    assert committed_count(session, Document) == 0
    assert storage.stored_files() == [] and storage.partial_files() == []


def make_link(session, profile, now, *, sections="documents", revoked=False, label="Urgences") -> ShareLink:
    link = ShareLink(profile_id=profile.id, token_hash=secrets.token_hex(32), label=label, sections=sections,
                     created_by_user_id=profile.owner_user_id or profile.created_by_user_id,
                     created_at=now - DAY, expires_at=now + 30 * DAY, revoked_at=now - DAY if revoked else None)
    session.add(link)
    session.commit()
    session.refresh(link)
    return link


# --------------------------------------------------------------------------- upload


def test_the_owner_deposits_a_pdf_stored_privately_with_hash_size_and_type(session, storage, now):
    alice = make_owner(session)
    view = upload(session, alice, alice.profile, storage, now, filename="analyses.PDF")
    [row] = session.exec(select(Document)).all()
    assert (row.title, row.category_code, row.category_display) == ("Prise de sang", LAB, "CR d'examens biologiques")
    assert row.mime_type == "application/pdf" and row.size_bytes == len(PDF) and len(row.sha256) == 64
    assert row.author_role == "patient" and row.author_user_id == alice.id
    assert row.original_filename == "analyses.PDF"
    [path] = storage.stored_files()
    assert path.name == row.storage_key and "analyses" not in str(path)
    assert view.manageable and view.deletable and not view.by_professional


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"%PDF-1.4\n" + b"x" * LIMIT, "big.pdf", "error.document_too_large"),
        (b"", "empty.pdf", "error.document_empty"),
        (b"MZ\x90\x00\x03" + b"\x00" * 300, "resultats.pdf", "error.document_type_not_allowed"),
        (b"<!DOCTYPE html><html><script>fetch('/api')</script>", "resultats.pdf", "error.document_type_not_allowed"),
        (PDF, "../../../etc/cron.d/evil.pdf", "error.document_bad_filename"),
        (PDF, "report\x00.exe.pdf", "error.document_bad_filename"),
        (PDF, "a" * 500 + ".pdf", "error.document_bad_filename"),
    ],
)
def test_bad_uploads_get_a_clear_error_and_nothing_is_stored(session, storage, now, data, filename, code):
    alice = make_owner(session)
    with pytest.raises(ValidationError) as caught:
        upload(session, alice, alice.profile, storage, now, data, filename=filename)
    assert caught.value.code == code
    assert_nothing_stored(session, storage)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": ""}, "error.required"),
        ({"title": "x" * 201}, "error.text_too_long"),
        ({"day": "2026-12-25"}, "error.date_in_future"),
        ({"day": "1980-01-01"}, "error.before_birth"),
        ({"day": "28/11/2026"}, "error.invalid_date"),
        ({"category": "00000-0"}, "error.unknown_code"),
        ({"category": ""}, "error.required"),
    ],
)
def test_bad_metadata_is_refused_before_any_byte_is_written(session, storage, now, fields, code):
    alice = make_owner(session)
    with pytest.raises(ValidationError) as caught:
        upload(session, alice, alice.profile, storage, now, **fields)
    assert caught.value.code == code
    assert_nothing_stored(session, storage)


def test_the_same_file_twice_is_a_duplicate_and_the_first_stays(session, storage, now):
    alice = make_owner(session)
    upload(session, alice, alice.profile, storage, now)
    with pytest.raises(ValidationError) as caught:
        upload(session, alice, alice.profile, storage, now, title="Encore")
    assert caught.value.code == "error.document_duplicate"
    assert committed_count(session, Document) == 1
    assert len(storage.stored_files()) == 1 and storage.partial_files() == []
    assert titles(session, alice, alice.profile, now) == ["Prise de sang"]


def test_an_upload_cut_half_way_leaves_no_file_and_no_row(session, storage, now):
    alice = make_owner(session)

    def cut():
        yield PDF[:1000]
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        documents.upload_document(session, alice.actor, alice.profile.id, form(), "a.pdf", cut(),
                                  storage=storage, max_bytes=LIMIT, now=now)
    assert_nothing_stored(session, storage)


def test_a_database_failure_after_the_file_is_written_removes_the_file(session, storage, now, monkeypatch):
    alice = make_owner(session)

    def boom(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(documents, "_refuse_duplicate", boom)
    with pytest.raises(RuntimeError):
        upload(session, alice, alice.profile, storage, now)
    assert_nothing_stored(session, storage)


def test_a_stranger_cannot_deposit_into_someone_elses_record(session, storage, now):
    alice, mallory = make_owner(session), make_stranger(session)
    with pytest.raises(NotFound):
        upload(session, mallory, alice.profile, storage, now)
    assert_nothing_stored(session, storage)


def test_a_caregiver_cannot_deposit_even_with_documents_in_scope(session, storage, now):
    alice = make_owner(session)
    nanny = make_caregiver(session, alice, ("documents",))
    with pytest.raises(Forbidden):
        upload(session, nanny, alice.profile, storage, now)
    assert_nothing_stored(session, storage)


# --------------------------------------------------------------------------- professional deposit


def test_a_professional_of_the_care_team_deposits_and_the_patient_sees_it_read_only(session, storage, now):
    alice, dr = make_owner(session), make_professional(session, "Dr Bernard")
    give_care(session, dr, alice, now)
    upload(session, dr, alice.profile, storage, now, title="Ordonnance", category=PRESCRIPTION)
    [seen] = documents.list_documents(session, alice.actor, alice.profile.id, now=now)
    assert seen.title == "Ordonnance" and seen.by_professional and seen.author_name == "Dr Bernard"
    assert seen.manageable and not seen.deletable
    with pytest.raises(Forbidden):
        documents.delete_document(session, alice.actor, seen.id, storage=storage, now=now)
    hidden = documents.set_hidden_from_professionals(session, alice.actor, seen.id, True, now=now)
    assert hidden.hidden_from_professionals
    assert titles(session, dr, alice.profile, now) == []  # hidden from every professional, the author too
    page = timeline.history_page(session, alice.actor, alice.profile.id, kind="document", now=now)
    assert [i.title for i in page.items] == ["Ordonnance"] and page.items[0].author_name == "Dr Bernard"
    assert len(storage.stored_files()) == 1


def test_a_professional_without_care_cannot_deposit(session, storage, now):
    alice, dr = make_owner(session), make_professional(session)
    give_care(session, dr, alice, now, status="removed")
    with pytest.raises(NotFound):
        upload(session, dr, alice.profile, storage, now)
    assert_nothing_stored(session, storage)


# --------------------------------------------------------------------------- policy matrix


@pytest.fixture()
def family(session, storage, now):
    """Alice's daughter Léa (guardians Alice and Bob) with one document, and everyone around."""
    alice = make_owner(session)
    lea = make_child(session, alice)
    bob = make_co_guardian(session, lea)
    dr = make_professional(session, "Dr Bernard")
    give_care(session, dr, lea, now)
    dr_gone = make_professional(session, "Dr Ancien")
    give_care(session, dr_gone, lea, now, ends_at=now - DAY)
    nanny = make_caregiver(session, lea, ("documents", "vaccinations"), now, name="Nounou")
    neighbour = make_caregiver(session, lea, ("vaccinations",), now, name="Voisine")
    mallory = make_stranger(session)
    doc = upload(session, alice, lea.profile, storage, now, title="Bilan sanguin")
    return dict(alice=alice, lea=lea, bob=bob, dr=dr, dr_gone=dr_gone, nanny=nanny, neighbour=neighbour,
                mallory=mallory, doc=doc)


def can_open(session, who, doc_id, now) -> bool:
    try:
        documents.open_document(session, who.actor, doc_id, now=now)
    except NotFound:
        return False
    return True


def test_policy_matrix_by_default(session, family, now):
    f = family
    expected = {"alice": True, "bob": True, "dr": True, "dr_gone": False, "nanny": False, "neighbour": False,
                "mallory": False}
    seen = {name: can_open(session, f[name], f["doc"].id, now) for name in expected}
    assert seen == expected
    assert titles(session, f["dr"], f["lea"].profile, now) == ["Bilan sanguin"]
    assert titles(session, f["nanny"], f["lea"].profile, now) == []  # caregivers: off until switched on
    for outsider in ("mallory", "dr_gone", "neighbour"):
        with pytest.raises(NotFound):
            documents.list_documents(session, f[outsider].actor, f["lea"].profile.id, now=now)


def test_switching_the_professional_off_hides_the_document_from_them_only(session, family, now):
    f = family
    documents.set_document_switch(session, f["alice"].actor, f["doc"].id, "professional", f["dr"].id, False, now=now)
    assert not can_open(session, f["dr"], f["doc"].id, now)
    assert titles(session, f["dr"], f["lea"].profile, now) == []
    assert timeline.history_page(session, f["dr"].actor, f["lea"].profile.id, kind="document", now=now).items == []
    assert can_open(session, f["bob"], f["doc"].id, now)  # the other guardian still sees it


def test_hidden_from_all_professionals(session, family, now):
    f = family
    documents.set_hidden_from_professionals(session, f["bob"].actor, f["doc"].id, True, now=now)  # a guardian
    assert not can_open(session, f["dr"], f["doc"].id, now)
    assert can_open(session, f["alice"], f["doc"].id, now)


def test_a_caregiver_sees_it_only_with_the_switch_on_and_documents_in_scope(session, family, now):
    f = family
    documents.set_document_switch(session, f["alice"].actor, f["doc"].id, "caregiver", f["nanny"].id, True, now=now)
    assert can_open(session, f["nanny"], f["doc"].id, now)
    assert titles(session, f["nanny"], f["lea"].profile, now) == ["Bilan sanguin"]
    # the neighbour's scope lacks documents: she is not even a candidate to switch on
    with pytest.raises(NotFound):
        documents.set_document_switch(session, f["alice"].actor, f["doc"].id, "caregiver", f["neighbour"].id, True,
                                      now=now)
    documents.set_document_switch(session, f["alice"].actor, f["doc"].id, "caregiver", f["nanny"].id, False, now=now)
    assert not can_open(session, f["nanny"], f["doc"].id, now)


def test_the_sharing_panel_lists_every_possible_grantee_with_dmp_defaults(session, family, now):
    f = family
    link = make_link(session, f["lea"].profile, now)
    make_link(session, f["lea"].profile, now, revoked=True, label="Révoqué")
    panel = documents.document_sharing(session, f["alice"].actor, f["doc"].id, now=now)
    rows = [(g.kind, g.label, g.on) for g in panel.grantees]
    assert rows == [("professional", "Dr Bernard", True), ("caregiver", "Nounou", False),
                    ("share_link", "Urgences", False)]
    documents.set_document_switch(session, f["alice"].actor, f["doc"].id, "share_link", link.id, True, now=now)
    [grant] = session.exec(select(DocumentGrant).where(DocumentGrant.grantee_kind == "share_link")).all()
    assert grant.allowed and grant.share_link_id == link.id and grant.grantee_user_id is None


def test_a_revoked_link_cannot_be_switched_on(session, family, now):
    f = family
    revoked = make_link(session, f["lea"].profile, now, revoked=True)
    with pytest.raises(NotFound):
        documents.set_document_switch(session, f["alice"].actor, f["doc"].id, "share_link", revoked.id, True, now=now)
    assert committed_count(session, DocumentGrant) == 0


def test_only_the_household_manages_the_switches(session, family, now):
    f = family
    with pytest.raises(Forbidden):
        documents.set_document_switch(session, f["dr"].actor, f["doc"].id, "professional", f["dr"].id, True, now=now)
    with pytest.raises(Forbidden):
        documents.document_sharing(session, f["dr"].actor, f["doc"].id, now=now)
    for outsider in ("mallory", "nanny"):
        with pytest.raises(NotFound):
            documents.set_hidden_from_professionals(session, f[outsider].actor, f["doc"].id, True, now=now)
    assert committed_count(session, DocumentGrant) == 0
    assert not session.get(Document, f["doc"].id).hidden_from_professionals


@pytest.mark.parametrize(
    ("kind", "gid", "allowed"),
    [("user", 1, True), ("professional", "abc", True), ("professional", 1, "yes"), (None, None, None)],
)
def test_switch_arguments_are_validated(session, family, now, kind, gid, allowed):
    with pytest.raises((ValidationError, NotFound)):
        documents.set_document_switch(session, family["alice"].actor, family["doc"].id, kind, gid, allowed, now=now)


def test_another_familys_document_id_is_not_found_and_logged(session, family, now):
    f = family
    with pytest.raises(NotFound):
        documents.open_document(session, f["mallory"].actor, f["doc"].id, now=now)
    with pytest.raises(NotFound):
        documents.open_document(session, f["mallory"].actor, 999_999, now=now)
    assert session.exec(select(AccessEvent).where(AccessEvent.action == "denied")).all() == []
    denied = session.exec(select(SecurityEvent).where(SecurityEvent.action == "denied")).all()
    assert {(e.actor_user_id, e.target_kind, e.target_id) for e in denied} == {
        (f["mallory"].id, "document", f["doc"].id), (f["mallory"].id, "document", 999_999)}


def test_delete_is_for_the_patients_own_documents_and_erases_the_file(session, family, storage, now):
    f = family
    with pytest.raises(Forbidden):
        documents.delete_document(session, f["dr"].actor, f["doc"].id, storage=storage, now=now)
    with pytest.raises(NotFound):
        documents.delete_document(session, f["mallory"].actor, f["doc"].id, storage=storage, now=now)
    assert len(storage.stored_files()) == 1
    documents.delete_document(session, f["alice"].actor, f["doc"].id, storage=storage, now=now)
    assert storage.stored_files() == []
    assert titles(session, f["alice"], f["lea"].profile, now) == []
    assert not can_open(session, f["alice"], f["doc"].id, now)


# --------------------------------------------------------------------------- list


def test_list_newest_first_with_category_filter_and_title_search(session, storage, now):
    alice = make_owner(session)
    upload(session, alice, alice.profile, storage, now, title="Prise de sang", day="2026-10-01")
    upload(session, alice, alice.profile, storage, now, PNG, filename="o.png", title="Ordonnance été",
           day="2026-11-01", category=PRESCRIPTION)
    assert titles(session, alice, alice.profile, now) == ["Ordonnance été", "Prise de sang"]
    assert titles(session, alice, alice.profile, now, category=LAB) == ["Prise de sang"]
    assert titles(session, alice, alice.profile, now, query="ETE ordo") == ["Ordonnance été"]
    with pytest.raises(ValidationError):
        titles(session, alice, alice.profile, now, category="<script>")


# --------------------------------------------------------------------------- access history


def test_access_history_shows_who_opened_what_through_which_grant(session, family, now):
    f = family
    link = make_link(session, f["lea"].profile, now)
    documents.set_document_switch(session, f["alice"].actor, f["doc"].id, "caregiver", f["nanny"].id, True, now=now)
    documents.open_document(session, f["dr"].actor, f["doc"].id, now=now + timedelta(minutes=1))
    documents.open_document(session, f["nanny"].actor, f["doc"].id, now=now + timedelta(minutes=2))
    documents.open_document(session, f["bob"].actor, f["doc"].id, now=now + timedelta(minutes=3))  # household
    record_access(session, now=now + timedelta(minutes=4), profile_id=f["lea"].id, actor_user_id=None,
                  actor_label="Dr Urgences", action="read", target_kind="vaccinations", via="share_link",
                  grant_id=link.id)
    session.commit()
    page = access_history.access_history(session, f["alice"].actor, f["lea"].profile.id, now=now)
    rows = [(i.who, i.action, i.target_kind, i.target_label, i.via, i.grant_label) for i in page.items]
    assert rows[:3] == [
        ("Dr Urgences", "read", "vaccinations", "", "share_link", "Urgences"),
        ("Nounou", "download", "document", "Bilan sanguin", "caregiver", ""),
        ("Dr Bernard", "download", "document", "Bilan sanguin", "care_team", ""),
    ]
    assert all(i.who not in ("Alice", "Bob") for i in page.items)  # the household is not logged


def test_access_history_never_shows_the_viewers_own_accesses(session, now):
    alice = make_owner(session)
    record_access(session, now=now, profile_id=alice.profile.id, actor_user_id=alice.id, action="read",
                  target_kind="documents", via="owner")
    session.commit()
    assert access_history.access_history(session, alice.actor, alice.profile.id, now=now).items == []


def test_only_the_household_reads_the_access_history(session, family, now):
    f = family
    assert access_history.access_history(session, f["bob"].actor, f["lea"].profile.id, now=now) is not None
    with pytest.raises(Forbidden):
        access_history.access_history(session, f["dr"].actor, f["lea"].profile.id, now=now)
    for outsider in ("nanny", "mallory"):
        with pytest.raises(NotFound):
            access_history.access_history(session, f[outsider].actor, f["lea"].profile.id, now=now)


def test_access_history_does_not_leak_another_familys_document_title(session, family, storage, now):
    f = family
    mallory = f["mallory"]
    upload(session, mallory, mallory.profile, storage, now, PNG, filename="m.png", title="Secret de Mallory")
    theirs = session.exec(select(Document).where(Document.profile_id == mallory.profile.id)).one()
    record_access(session, now=now, profile_id=f["lea"].id, actor_user_id=f["dr"].id, action="denied",
                  target_kind="document", target_id=theirs.id, via="none")
    session.commit()
    page = access_history.access_history(session, f["alice"].actor, f["lea"].profile.id, now=now)
    assert all("Mallory" not in i.target_label for i in page.items)
    assert models.Document  # keep the import used
