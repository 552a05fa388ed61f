"""The erasure leaves nothing behind: no row of the closed profile (or deleted account) in any
table, no file in the document store — and nobody else's data is touched.

The check is independent of the sweep: every row of every table is listed before the record
is built and after it is erased; what was built for the record must be gone, what existed
before must still be there. The classification tests fail when a table or a column is added
that the sweep does not know what to do with (the lead classifies them at merge).
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from mes_app.db import models as m
from mes_app.services import closing, documents
from mes_app.services.access_facts import record_access, record_refusal
from mes_app.storage import LocalStorage
from tests.factories import (
    PASSWORD,
    give_care,
    make_child,
    make_co_guardian,
    make_owner,
    make_professional,
    make_stranger,
)

DAY = timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 2000 + b"\n%%EOF\n"
# Tables the record below fills: a table added later is swept all the same (generic), but
# filling it here too makes this test prove it.
FILLED = {
    "profile", "guardianship", "guardian_invitation", "care_relationship", "caregiver_grant", "share_link",
    "shl_file_location", "emergency_card", "vaccination_history_answer", "encounter", "condition", "treatment",
    "hospitalisation", "handicap", "allergy", "family_history", "habit", "vaccination", "measure", "document",
    "document_grant", "message_thread", "message", "message_read", "appointment", "access_event", "access_line",
    "notice_dismissal",
}


@pytest.fixture(params=["local", "postgresql"])
def storage(request, tmp_path):
    """Both document stores: closing erases a document's bytes from either."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_storage")
    return LocalStorage(tmp_path / "documents")


# --------------------------------------------------------------------------- classification


def test_every_table_is_swept_by_a_profile_or_an_account_or_listed_as_kept():
    owned = {t.name for t in closing.profile_owned_tables()}
    by_user = {t.name for t, _c in closing.user_columns()}
    classified = owned | by_user | set(closing.KEPT_TABLES) | set(closing.STORE_TABLES) | {closing.USER_TABLE}
    unknown = sorted(set(SQLModel.metadata.tables) - classified)
    assert unknown == [], f"classify these tables in mes_app/services/closing.py: {unknown}"


def test_every_reference_to_an_account_says_what_its_deletion_does():
    columns = {(t.name, c.name) for t, c in closing.user_columns()}
    assert sorted(columns - set(closing.USER_COLUMNS)) == [], "add them to closing.USER_COLUMNS"
    assert sorted(set(closing.USER_COLUMNS) - columns) == [], "closing.USER_COLUMNS names columns that are gone"
    for table, column in closing.user_columns():
        rule = closing.USER_COLUMNS[(table.name, column.name)]
        assert rule is not closing.UserColumn.NULL or column.nullable, f"{table.name}.{column.name} is required"


def test_a_profile_column_without_foreign_key_is_listed():
    """The sweep follows foreign keys: a ``profile_id`` it cannot follow must be a decision."""
    unlinked = {(t.name, c.name) for t in SQLModel.metadata.sorted_tables for c in t.columns
                if c.name.endswith(("profile_id", "profile_ids")) and not c.foreign_keys}
    assert unlinked == set(closing.UNLINKED_PROFILE_COLUMNS)


# --------------------------------------------------------------------------- a full record


def _all_rows(session: Session) -> set[tuple[str, int]]:
    rows = set()
    with Session(session.get_bind()) as other:
        for table in SQLModel.metadata.sorted_tables:
            rows |= {(table.name, pk) for pk in other.execute(sa.select(table.c.id)).scalars()}
    return rows


def _texts_with(session: Session, needle: str) -> list[str]:
    """Every table.column whose stored text contains ``needle`` (a name, an address)."""
    found = []
    with Session(session.get_bind()) as other:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, sa.String | sa.Text):
                    hit = other.execute(sa.select(sa.func.count()).where(column.contains(needle))).scalar_one()
                    if hit:
                        found.append(f"{table.name}.{column.name}")
    return found


def _user_references(session: Session, user_id: int) -> list[str]:
    found = []
    with Session(session.get_bind()) as other:
        for table, column in closing.user_columns():
            if other.execute(sa.select(sa.func.count()).where(column == user_id)).scalar_one():
                found.append(f"{table.name}.{column.name}")
    return found


def fill_record(session: Session, profile: m.Profile, guardian, pro, caregiver, stranger, storage, now) -> None:  # noqa: ANN001, PLR0915
    """One row at least in every table a profile can have, through services where they exist."""
    pid, uid = profile.id, guardian.id
    give_care(session, pro, profile, now)
    session.add(m.CaregiverGrant(profile_id=pid, grantee_user_id=caregiver.id, granted_by_user_id=uid,
                                 sections="vaccinations,documents", starts_at=now - DAY, created_at=now - DAY))
    common = {"profile_id": pid, "author_user_id": uid, "author_role": "guardian", "created_at": now,
              "updated_at": now, "note": "Zyrtek secret note"}
    session.add_all([
        m.Encounter(**common, kind="gp_visit", title="Visite", occurred_at=now - DAY),
        m.Condition(**common, code_text="Asthme"),
        m.Treatment(**common, code_text="Ventoline"),
        m.Hospitalisation(**common, code_text="Bronchiolite", admitted_on=date(2025, 1, 2)),
        m.Handicap(**common, code_text="Surdité"),
        m.Allergy(**common, code_text="Arachide"),
        m.FamilyHistory(**common, relationship="mother", code_text="Diabète"),
        m.Habit(**common, kind="diet", code_text="Végétarien"),
        m.Vaccination(**common, code_text="ROR", given_on=date(2025, 3, 1)),
        m.Measure(**common, kind="weight", loinc_code="29463-7", value=9.5, unit="kg", measured_at=now - DAY),
        m.Appointment(**common, title="Pédiatre", starts_at=now + DAY),
        m.VaccinationHistoryAnswer(profile_id=pid, answer="later", answered_by_user_id=uid, answered_at=now),
        m.EmergencyCard(profile_id=pid, blood_group="O+", updated_by_user_id=uid, updated_at=now),
        m.GuardianInvitation(profile_id=pid, invited_by_user_id=uid, invitee_email="tata@example.org",
                             role="caregiver", expires_at=now + DAY),
    ])
    session.commit()
    doc = documents.upload_document(session, guardian.actor, pid,
                                    {"title": "Analyses", "document_date": "2026-11-20", "category": "11502-2"},
                                    "analyses.pdf", iter([PDF]), storage=storage, max_bytes=100_000, now=now)
    pro_doc = documents.upload_document(session, pro.actor, pid,
                                        {"title": "Compte rendu", "document_date": "2026-11-21",
                                         "category": "11502-2"},
                                        "cr.pdf", iter([PDF + b"pro"]), storage=storage, max_bytes=100_000, now=now)
    link = m.ShareLink(profile_id=pid, token_hash=secrets.token_hex(32), label="Urgences", sections="documents",
                       created_by_user_id=uid, created_at=now, expires_at=now + 30 * DAY)
    session.add(link)
    session.flush()
    session.add(m.ShlFileLocation(share_link_id=link.id, token_hash=secrets.token_hex(32), jwe="x",
                                  created_at=now, expires_at=now + DAY))
    session.add(m.DocumentGrant(document_id=doc.id, grantee_kind="share_link", share_link_id=link.id,
                                allowed=True, set_by_user_id=uid))
    session.add(m.DocumentGrant(document_id=doc.id, grantee_kind="caregiver", grantee_user_id=caregiver.id,
                                allowed=True, set_by_user_id=uid))
    thread = m.MessageThread(profile_id=pid, subject="Résultats", started_by_user_id=pro.id, created_at=now)
    session.add(thread)
    session.flush()
    session.add_all([
        m.Message(thread_id=thread.id, author_user_id=pro.id, body="Voici", sent_at=now,
                  attachment_document_id=pro_doc.id),
        m.Message(thread_id=thread.id, author_user_id=uid, body="Merci", sent_at=now),
        m.MessageRead(thread_id=thread.id, user_id=uid, last_read_at=now),
    ])
    record_access(session, actor_user_id=pro.id, profile_id=pid, action="read", target_kind="documents",
                  via="care_team", now=now)
    record_refusal(session, actor_user_id=stranger.id, profile_id=pid, target_kind="documents", now=now)
    session.commit()
    event = session.exec(sa.select(m.AccessEvent).where(m.AccessEvent.profile_id == pid)).scalars().first()
    session.add(m.NoticeDismissal(user_id=uid, access_event_id=event.id, dismissed_at=now))
    session.commit()


def _other_world(session: Session, storage, now):  # noqa: ANN001
    """A family that has nothing to do with the erasure, and the professional's other patient."""
    other = make_stranger(session, "Zoé Autre")
    pro = make_professional(session, "Dr Martin")
    give_care(session, pro, other, now)
    documents.upload_document(session, other.actor, other.profile.id,
                              {"title": "Ordonnance", "document_date": "2026-11-20", "category": "57833-6"},
                              "o.pdf", iter([PDF + b"other"]), storage=storage, max_bytes=100_000, now=now)
    thread = m.MessageThread(profile_id=other.profile.id, subject="Suivi", started_by_user_id=pro.id, created_at=now)
    session.add(thread)
    session.flush()
    session.add(m.Message(thread_id=thread.id, author_user_id=pro.id, body="Bonjour", sent_at=now))
    session.commit()
    return other, pro


def test_closing_a_child_leaves_no_row_and_no_file_of_it_and_touches_nobody_else(session, storage, now):
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice, "Léandra", family_name="Unikname")
    make_co_guardian(session, lea, "Bob Durand")
    lea_id = lea.id
    mamie = make_owner(session, "Mamie Jeanne")
    mallory = make_stranger(session)
    other, pro = _other_world(session, storage, now)
    hers = {("guardianship", g) for g in session.execute(
        sa.select(m.Guardianship.id).where(m.Guardianship.profile_id == lea.id)).scalars()}
    before = _all_rows(session) - {("profile", lea.id)} - hers
    files_before = storage.stored_keys()
    fill_record(session, lea.profile, alice, pro, mamie, mallory, storage, now)
    built = _all_rows(session) - before
    assert {name for name, _ in built} >= FILLED

    closed = closing.close_profile(session, alice.actor, lea.id,
                                   confirmation=closing.confirm_password(session, alice.actor, PASSWORD, now=now),
                                   storage=storage, now=now, notify=lambda *_: None)

    after = _all_rows(session)
    left = {row for row in built & after if row[0] != "security_event"}
    assert left == set(), "rows of the closed profile remain"
    assert before <= after, "someone else's rows were deleted"
    assert {name for name, _ in after - before} <= {"security_event", "closure_notice"}
    assert storage.stored_keys() == files_before and closed.files == 2
    assert _texts_with(session, "Unikname") == [] and _texts_with(session, "Zyrtek") == []
    with Session(session.get_bind()) as db:  # the stranger's probe stays in the operator's log, codes only
        kept = db.execute(sa.select(m.SecurityEvent.action)
                          .where(m.SecurityEvent.profile_id == lea_id)).scalars().all()
    assert sorted(kept) == ["denied", "erase"]


def test_deleting_an_account_leaves_nothing_of_it_and_the_shared_child_stays_with_bob(session, storage, now):
    alice = make_owner(session, "Alice Unikname", email="alice.unik@example.org")
    solo = make_child(session, alice, "Solène", family_name="Solokid")
    shared = make_child(session, alice, "Léo", family_name="Durand")
    bob = make_co_guardian(session, shared, "Bob Durand")
    mamie = make_owner(session, "Mamie Jeanne")
    mallory = make_stranger(session)
    other, pro = _other_world(session, storage, now)
    ids = {"alice": alice.id, "own": alice.profile.id, "solo": solo.id, "leo": shared.id, "bob": bob.id,
           "pro": pro.id, "other": other.profile.id}
    # Alice is also a caregiver of another family's record, and was invited by address elsewhere.
    session.add(m.CaregiverGrant(profile_id=other.profile.id, grantee_user_id=alice.id, granted_by_user_id=other.id,
                                 sections="vaccinations", starts_at=now - DAY, created_at=now - DAY))
    session.add(m.GuardianInvitation(profile_id=other.profile.id, invited_by_user_id=other.id,
                                     invitee_email="alice.unik@example.org", role="caregiver",
                                     expires_at=now + DAY))
    session.commit()
    fill_record(session, alice.profile, alice, pro, mamie, mallory, storage, now)
    fill_record(session, solo.profile, alice, pro, mamie, mallory, storage, now)
    fill_record(session, shared.profile, alice, pro, mamie, mallory, storage, now)  # Alice wrote in Léo's record
    preview = closing.account_preview(session, alice.actor, now=now)
    assert [c.given_name for c in preview.children_closed] == ["Solène"]
    assert [(k.given_name, k.guardians) for k in preview.children_kept] == [("Léo", ("Bob Durand",))]
    files_of_leo = {d.storage_key for d in session.exec(
        sa.select(m.Document).where(m.Document.profile_id == shared.id)).scalars()}

    closing.delete_account(session, alice.actor,
                           confirmation=closing.confirm_password(session, alice.actor, PASSWORD, now=now),
                           storage=storage, now=now, notify=lambda *_: None)

    assert _user_references(session, ids["alice"]) == []
    assert _texts_with(session, "Unikname") == [] and _texts_with(session, "alice.unik@") == []
    assert _texts_with(session, "Solokid") == []
    with Session(session.get_bind()) as db:
        assert db.get(m.User, ids["alice"]) is None
        assert db.get(m.Profile, ids["own"]) is None and db.get(m.Profile, ids["solo"]) is None
        assert db.execute(sa.select(sa.func.count()).select_from(m.AuthSession.__table__)
                          .where(m.AuthSession.__table__.c.user_id == ids["alice"])).scalar_one() == 0
        leo = db.get(m.Profile, ids["leo"])
        assert leo is not None and leo.created_by_user_id == ids["bob"]
        guardians = db.execute(sa.select(m.Guardianship.user_id)
                               .where(m.Guardianship.profile_id == ids["leo"])).scalars().all()
        assert guardians == [ids["bob"]]
        # Alice's reply in Léo's thread stays in Léo's record, without its author
        authors = sorted(db.execute(sa.select(m.Message.author_user_id).join(m.MessageThread)
                                    .where(m.MessageThread.profile_id == ids["leo"])).scalars(),
                         key=lambda a: a or 0)
        assert authors == [None, ids["pro"]]
        # the professional's messages to another patient are untouched
        assert db.execute(sa.select(m.Message.body).join(m.MessageThread)
                          .where(m.MessageThread.profile_id == ids["other"])).scalars().all() == ["Bonjour"]
    stored = set(storage.stored_keys())
    assert {k.rsplit("/", 1)[-1] for k in files_of_leo} <= stored
    assert len(stored) == len(files_of_leo) + 1  # Léo's two files and the other family's one
