"""Documents: deposit (patient, guardian or a professional of the care team), list, open,
hide from professionals, per-document sharing switches, delete.

Every use case: parse → load the document → ask the access policy about *that document*
(its provenance, "hidden from professionals" and its per-document switches) → change →
record the access → commit. Files go through :mod:`mes_app.storage`; a failure at any step
leaves neither a file nor a row behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select

from mes_app import fault_points
from mes_app.db import models
from mes_app.domain import documents as rules
from mes_app.domain import validation as v
from mes_app.domain.access import (
    Action,
    Decision,
    Section,
    Target,
    UserActor,
    Via,
    decide,
    entry_target,
    parse_sections,
)
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.terminology import LOINC, load_default, normalize
from mes_app.services import connected_software, minors, notifications
from mes_app.services.access_facts import (
    authorize,
    document_switches,
    load_profile_facts,
    record_access,
    record_refusal,
)
from mes_app.services.visibility import read_filter
from mes_app.storage.base import DocumentStorage, StoredFile, UploadWriter

MAX_QUERY_LEN = 100
MAX_FORM_FIELDS = 10


@dataclass(frozen=True)
class DocumentView:
    id: int
    title: str
    date: str  # ISO date of the document
    category_code: str
    category_label: str  # French display as stored; the UI relabels from the code
    kind: str  # pdf | image | other
    mime_type: str
    size_bytes: int
    author_role: str
    author_name: str
    hidden_from_professionals: bool
    manageable: bool  # the viewer may hide it and set its switches (the patient or a guardian)
    deletable: bool
    by_professional: bool
    size_label: str = ""
    via_software: str = ""  # FHIR API (issue 12 item 2): the connected software that added it
    imported_from: str = ""  # FHIR file import (issue 12 item 3): the source of the file it came from
    lab_report_id: int = 0  # lab results (issue 12): the structured report made from this PDF, if readable
    # teen: "invisible to legal representatives", and whether the viewer may switch it
    hidden_from_guardians: bool = False
    can_mark_hidden_from_guardians: bool = False


@dataclass(frozen=True)
class DocumentFile:
    """What the download route needs to send a file (after the policy said yes)."""

    storage_key: str
    mime_type: str
    size_bytes: int
    filename: str


@dataclass(frozen=True)
class SharingView:
    document_id: int
    title: str
    hidden_from_professionals: bool
    grantees: list[rules.GranteeSwitch]


# --------------------------------------------------------------------------- helpers


def document_categories() -> list:
    """The LOINC document types of the CI-SIS list, for the category picker."""
    return load_default().concepts("document_type")


def _load(session: Session, document_id: object) -> models.Document:
    doc = session.get(models.Document, v.parse_id(document_id))
    if doc is None or doc.deleted_at is not None:
        raise NotFound()
    return doc


def _target(doc: models.Document, switches: dict[tuple[str, int], bool]) -> Target:
    return entry_target(Section.DOCUMENTS, doc, document_id=doc.id, document_switches=switches)


def _doc_target(session: Session, doc: models.Document) -> Target:
    return _target(doc, document_switches(session, [doc.id])[doc.id])


def _author_role(via: Via | None) -> str:
    roles: dict[Via | None, str] = {Via.OWNER: "patient", Via.GUARDIAN: "guardian", Via.CARE_TEAM: "professional"}
    return roles.get(via, "patient")


def _names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.display_name for u in session.exec(select(models.User).where(col(models.User.id).in_(wanted)))}


def _view(doc: models.Document, *, manageable: bool, deletable: bool, names: dict[int, str],
          markable: bool = False) -> DocumentView:
    return DocumentView(
        id=doc.id,
        title=doc.title,
        date=doc.document_date.isoformat(),
        category_code=doc.category_code or "",
        category_label=doc.category_display or "",
        kind=rules.file_kind(doc.mime_type),
        mime_type=doc.mime_type,
        size_bytes=doc.size_bytes,
        author_role=doc.author_role,
        author_name=names.get(doc.author_user_id or 0, ""),
        hidden_from_professionals=doc.hidden_from_professionals,
        manageable=manageable,
        deletable=deletable,
        by_professional=doc.author_role == "professional",
        hidden_from_guardians=doc.hidden_from_guardians,
        can_mark_hidden_from_guardians=markable,
    )


def parse_metadata(form: object, *, birth_date, today) -> dict:  # noqa: ANN001
    """Title, date and category of a new document, from an untrusted form."""
    if not isinstance(form, dict) or len(form) > MAX_FORM_FIELDS:
        raise ValidationError("error.invalid_form")
    title = v.clean_text(form.get("title"), field="title", max_len=rules.MAX_TITLE_LEN, required=True, multiline=False)
    day = v.parse_date(form.get("document_date"), field="document_date", required=True)
    v.check_not_future(day, today)
    v.check_not_before(day, birth_date)
    code = form.get("category")
    if not isinstance(code, str) or not code:
        raise ValidationError("error.required", field="category")
    concept = load_default().lookup("document_type", LOINC, code)
    if concept is None:
        raise ValidationError("error.unknown_code", field="category")
    return {
        "title": title,
        "document_date": day,
        "category_system": LOINC,
        "category_code": concept.code,
        "category_display": concept.display_fr,
    }


# --------------------------------------------------------------------------- upload


@dataclass
class PendingUpload:
    """An upload whose metadata and rights were checked, and whose bytes are arriving."""

    profile_id: int
    values: dict
    filename: str
    author_role: str
    writer: UploadWriter
    storage: DocumentStorage

    def write(self, chunk: bytes) -> None:
        self.writer.write(chunk)

    def abort(self) -> None:
        self.writer.abort()


def begin_upload(
    session: Session,
    actor: UserActor,
    profile_id: object,
    form: object,
    filename: object,
    *,
    storage: DocumentStorage,
    max_bytes: int,
    now: datetime,
) -> PendingUpload:
    """Check everything that can be checked before reading the file: rights, form, name."""
    pid = v.parse_id(profile_id)
    decision = authorize(
        session, actor, Action.CREATE, pid, Target(Section.DOCUMENTS), now=now, target_kind="documents", log_reads=False
    )
    session.rollback()  # the CREATE is recorded when the document is stored
    profile = session.get(models.Profile, pid)
    if profile is None:  # authorized just above; the profile was deleted since
        raise NotFound()
    values = parse_metadata(form, birth_date=profile.birth_date, today=local_date(now))
    if minors.parse_mark(form.get("hidden_from_guardians") if isinstance(form, dict) else None):
        # teen: kept from the legal representatives from the start (a minor's care team only)
        minors.require_mark(session, actor, pid, Target(Section.DOCUMENTS), now=now)
        values["hidden_from_guardians"] = True
    name = rules.check_filename(filename)
    return PendingUpload(pid, values, name, _author_role(decision.via), storage.begin(max_bytes), storage)


def finish_upload(session: Session, actor: UserActor, pending: PendingUpload, *, now: datetime) -> DocumentView:
    """The whole file arrived: sniff, refuse duplicates, store the row. Nothing is left on failure."""
    stored: StoredFile = pending.writer.commit()  # aborts itself (no file left) when refused
    try:
        fault_points.pause("document.stored")  # the fault tests' kill -9 between file and row
        secret = bool(pending.values.get("hidden_from_guardians"))
        decision = authorize(
            session,
            actor,
            Action.READ if secret else Action.CREATE,  # a secret deposit is recorded with its id below
            pending.profile_id,
            Target(Section.DOCUMENTS),
            now=now,
            target_kind="documents",
            log_reads=False,
        )
        if secret:
            minors.require_mark(session, actor, pending.profile_id, Target(Section.DOCUMENTS), now=now)
        _refuse_duplicate(session, actor, pending.profile_id, stored.sha256, now)
        doc = models.Document(
            profile_id=pending.profile_id,
            author_user_id=actor.user_id,
            author_role=_author_role(decision.via),
            created_at=now,
            updated_at=now,
            storage_key=stored.key,
            sha256=stored.sha256,
            size_bytes=stored.size_bytes,
            mime_type=stored.mime_type,
            original_filename=pending.filename,
            **pending.values,
        )
        session.add(doc)
        session.flush()
        if secret:
            _record_mark(session, actor, decision, doc, "create", now)
        notifications.notify(session, doc.profile_id, notifications.Kind.DOCUMENT, notifications.event_key(doc.id),
                             now, exclude_user_id=actor.user_id, guardians=not secret)
        _release_after_commit(session, pending.writer)
        session.commit()
    except BaseException:
        session.rollback()
        pending.storage.delete(stored.key)
        pending.writer.release()  # no row will name it: nothing left to protect from the sweep
        raise
    return _single_view(session, actor, doc, now)


def _release_after_commit(session: Session, writer: UploadWriter) -> None:
    """The file's lock (the start-up sweep leaves it alone) goes once its row is committed:
    at this commit, or at the end of the FHIR transaction Bundle holding the commits. The
    end of that transaction without a commit (the Bundle refused: its files are deleted by
    key) releases it too, so that no writer keeps its lock, nor the PostgreSQL store its
    connection. A savepoint's end is not the row's (``parent``); release is idempotent."""

    def ended(_session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            writer.release()

    event.listen(session, "after_transaction_end", ended)


def sweep_orphans(engine: sa.Engine, storage: DocumentStorage) -> tuple[int, int]:
    """At start-up: erase the files a killed server left in the store (half-written ones, and
    stored ones whose row was never committed). Returns (partial, stored) counts."""

    def referenced(keys: list[str]) -> set[str]:
        named: set[str] = set()
        with Session(engine) as session:
            for start in range(0, len(keys), 500):
                batch = keys[start:start + 500]
                named.update(session.exec(
                    select(models.Document.storage_key).where(col(models.Document.storage_key).in_(batch))
                ).all())
        return named

    return storage.sweep(referenced)


def upload_document(
    session: Session,
    actor: UserActor,
    profile_id: object,
    form: object,
    filename: object,
    chunks: Iterable[bytes],
    *,
    storage: DocumentStorage,
    max_bytes: int,
    now: datetime,
) -> DocumentView:
    """Deposit a document from a stream of byte chunks (the HTTP route feeds them one by one)."""
    pending = begin_upload(session, actor, profile_id, form, filename, storage=storage, max_bytes=max_bytes, now=now)
    try:
        for chunk in chunks:
            pending.write(chunk)
    except BaseException:
        pending.abort()
        raise
    return finish_upload(session, actor, pending, now=now)


def _refuse_duplicate(session: Session, actor: UserActor, pid: int, sha256: str, now: datetime) -> None:
    """The same file twice in one record is refused, when the depositor can see the first one
    (a professional must not learn of a document hidden from them)."""
    same = session.exec(
        select(models.Document).where(
            models.Document.profile_id == pid,
            models.Document.sha256 == sha256,
            col(models.Document.deleted_at).is_(None),
        )
    ).all()
    if not same:
        return
    facts = load_profile_facts(session, pid)
    if facts is None:
        raise NotFound()
    switches = document_switches(session, [d.id for d in same])
    if any(decide(actor, Action.READ, facts, _target(d, switches[d.id]), now).visible for d in same):
        raise ValidationError("error.document_duplicate")


# --------------------------------------------------------------------------- reading


DOCUMENTS_PAGE = 30  # documents the page shows, then 30 more at each « Voir plus »
MAX_SHOWN = 10_000


@dataclass(frozen=True)
class DocumentsPage:
    items: list[DocumentView]
    has_more: bool


def list_documents(
    session: Session,
    actor: UserActor,
    profile_id: object,
    *,
    category: object = "",
    query: object = "",
    now: datetime,
) -> list[DocumentView]:
    """Every document the actor may see, newest first (the attachment picker of a message)."""
    return documents_page(session, actor, profile_id, category=category, query=query, limit=None, now=now).items


def documents_page(
    session: Session,
    actor: UserActor,
    profile_id: object,
    *,
    category: object = "",
    query: object = "",
    limit: object = DOCUMENTS_PAGE,
    now: datetime,
) -> DocumentsPage:
    """The ``limit`` newest documents the actor may see, optionally of one category and matching
    a title search, and whether there are more. The read of the section is recorded once (for
    non-household readers). The rows come filtered for the actor and ordered from SQL; without a
    search, limited there too; with one (accent-insensitive, so in Python), read until the page
    is full."""
    pid = v.parse_id(profile_id)
    wanted = category or ""
    if wanted and (not isinstance(wanted, str) or load_default().lookup("document_type", LOINC, wanted) is None):
        raise ValidationError("error.invalid_choice", field="category")
    text = v.clean_text(query, field="query", max_len=MAX_QUERY_LEN, multiline=False) if query else None
    size = None if limit is None else v.parse_optional_int(limit, field="limit", min_value=1, max_value=MAX_SHOWN)
    authorize(session, actor, Action.READ, pid, Target(Section.DOCUMENTS), now=now, target_kind="documents")
    session.commit()
    facts = load_profile_facts(session, pid)
    if facts is None:  # authorized just above; the profile was deleted since
        raise NotFound()
    shown = read_filter(actor, facts, Section.DOCUMENTS, models.Document, now)
    if shown is None:
        return DocumentsPage([], False)
    stmt = (
        select(models.Document)
        .where(models.Document.profile_id == pid, col(models.Document.deleted_at).is_(None), shown)
        .order_by(col(models.Document.document_date).desc(), col(models.Document.id).desc())
    )
    if wanted:
        stmt = stmt.where(models.Document.category_code == wanted)
    if size is not None and not text:
        stmt = stmt.limit(size + 1)
    elif size is not None:  # read in batches, and stop once the page is full
        stmt = stmt.execution_options(yield_per=size + 1)
    rows = []
    result = session.exec(stmt)
    try:
        for doc in result:
            if not text or rules.matches_title(doc.title, text, normalize):
                rows.append(doc)
                if size is not None and len(rows) > size:
                    break
    finally:
        result.close()
    switches = document_switches(session, [d.id for d in rows])
    names = _names(session, (d.author_user_id for d in rows))
    views = []
    for doc in rows:
        target = _target(doc, switches[doc.id])
        if not decide(actor, Action.READ, facts, target, now).visible:
            continue
        views.append(
            _view(
                doc,
                manageable=decide(actor, Action.MANAGE, facts, target, now).allowed,
                deletable=decide(actor, Action.DELETE, facts, target, now).allowed,
                names=names,
                markable=minors.may_mark(session, actor, doc.profile_id, target, now=now),
            )
        )
    views.sort(key=lambda d: (d.date, d.id), reverse=True)
    views = connected_software.with_via(session, "documents", views)
    views = _with_lab_reports(session, actor, facts, views, now)  # lab results (issue 12)
    if size is None:
        return DocumentsPage(views, False)
    return DocumentsPage(views[:size], len(views) > size)


# --- lab results (issue 12) ---
def _with_lab_reports(session: Session, actor: UserActor, facts, views: list[DocumentView],  # noqa: ANN001
                      now: datetime) -> list[DocumentView]:
    """Each document's structured lab report (the link back from the PDF), in one query."""
    import dataclasses


    readable = read_filter(actor, facts, Section.LAB_RESULTS, models.LabReport, now) if views else None
    if readable is None:
        return views
    report = models.LabReport
    found = dict(session.exec(select(report.document_id, report.id).where(
        col(report.document_id).in_([d.id for d in views]), readable).order_by(col(report.id).desc())).all())
    return [dataclasses.replace(d, lab_report_id=found[d.id]) if d.id in found else d for d in views]


def _single_view(session: Session, actor: UserActor, doc: models.Document, now: datetime) -> DocumentView:
    facts = load_profile_facts(session, doc.profile_id)
    if facts is None:
        raise NotFound()
    target = _doc_target(session, doc)
    view = _view(
        doc,
        manageable=decide(actor, Action.MANAGE, facts, target, now).allowed,
        deletable=decide(actor, Action.DELETE, facts, target, now).allowed,
        names=_names(session, [doc.author_user_id]),
        markable=minors.may_mark(session, actor, doc.profile_id, target, now=now),
    )
    return connected_software.with_via(session, "documents", [view])[0]


def open_document(session: Session, actor: UserActor | None, document_id: object, *, now: datetime) -> DocumentFile:
    """The file of one document, if the policy lets the actor read it; the opening is recorded.

    Anyone else gets NotFound — a stranger, a professional it is hidden from, an id that does
    not exist — and the attempt is recorded too (without any health data).
    """
    try:
        doc_id = v.parse_id(document_id)
    except ValidationError:
        raise NotFound() from None
    doc = session.get(models.Document, doc_id)
    if actor is None:
        raise NotFound()
    if doc is None or doc.deleted_at is not None:
        record_refusal(
            session,
            actor_user_id=actor.user_id,
            profile_id=doc.profile_id if doc else None,
            target_kind="document",
            target_id=doc_id,
            now=now,
        )
        session.commit()
        raise NotFound()
    decision = authorize(
        session,
        actor,
        Action.READ,
        doc.profile_id,
        _doc_target(session, doc),
        now=now,
        target_kind="document",
        target_id=doc.id,
        log_reads=False,
    )
    if decision.via is None:  # an allowed decision always says through what
        raise NotFound()
    if decision.via not in (Via.OWNER, Via.GUARDIAN):
        record_access(
            session,
            actor_user_id=actor.user_id,
            profile_id=doc.profile_id,
            action="download",
            target_kind="document",
            target_id=doc.id,
            via=decision.via.value,
            grant_id=decision.grant_id,
            now=now,
        )
    session.commit()
    return DocumentFile(
        doc.storage_key, doc.mime_type, doc.size_bytes, rules.download_filename(doc.title, doc.mime_type)
    )


# --------------------------------------------------------------------------- the patient's switches


def set_hidden_from_professionals(
    session: Session, actor: UserActor, document_id: object, hidden: object, *, now: datetime
) -> DocumentView:
    """One switch hides the document from every professional (their own deposits included)."""
    if not isinstance(hidden, bool):
        raise ValidationError("error.invalid_choice")
    doc = _load(session, document_id)
    authorize(
        session,
        actor,
        Action.MANAGE,
        doc.profile_id,
        _doc_target(session, doc),
        now=now,
        target_kind="document",
        target_id=doc.id,
    )
    doc.hidden_from_professionals = hidden
    doc.updated_at = now
    session.add(doc)
    session.commit()
    return _single_view(session, actor, doc, now)


def set_hidden_from_guardians(
    session: Session, actor: UserActor, document_id: object, hidden: object, *, now: datetime
) -> DocumentView:
    """teen: "invisible to legal representatives", switched by the professional who deposited
    the document on a minor's profile (or cleared by the young adult owner)."""
    secret = minors.parse_mark(hidden)
    doc = _load(session, document_id)
    target = _doc_target(session, doc)
    decision = authorize(session, actor, Action.READ, doc.profile_id, target, now=now, target_kind="document",
                         target_id=doc.id, log_reads=False)
    minors.require_mark(session, actor, doc.profile_id, target, now=now)
    doc.hidden_from_guardians = secret
    doc.updated_at = now
    session.add(doc)
    _record_mark(session, actor, decision, doc, "update", now)
    session.commit()
    return _single_view(session, actor, doc, now)


def _record_mark(session: Session, actor: UserActor, decision: Decision, doc: models.Document, action: str,
                 now: datetime) -> None:
    """Recorded with the document's id, so that the guardians' access history can leave it out."""
    if decision.via is not None and decision.via.value not in ("owner", "guardian"):
        record_access(session, actor_user_id=actor.user_id, profile_id=doc.profile_id, action=action,
                      target_kind="document", target_id=doc.id, via=decision.via.value, grant_id=decision.grant_id,
                      now=now)


def _candidates(session: Session, pid: int, now: datetime) -> list[rules.Candidate]:
    """Everyone (and every link) who could see this profile's documents now."""
    facts = load_profile_facts(session, pid)
    if facts is None:
        raise NotFound()
    out: list[rules.Candidate] = []
    care = [
        c for c in facts.care if c.status == "active" and c.starts_at <= now and (c.ends_at is None or now < c.ends_at)
    ]
    pros = {
        u.id: u
        for u in session.exec(
            select(models.User).where(col(models.User.id).in_([c.professional_user_id for c in care] or [-1]))
        )
    }
    for user_id in sorted({c.professional_user_id for c in care}):
        user = pros.get(user_id)
        if user is not None and user.role == "professional":
            out.append(rules.Candidate("professional", user_id, user.display_name, user.specialty or ""))
    caregivers = [
        g
        for g in facts.caregivers
        if g.revoked_at is None
        and g.starts_at <= now
        and (g.ends_at is None or now < g.ends_at)
        and rules.scope_includes_documents(g.sections)
    ]
    names = _names(session, (g.grantee_user_id for g in caregivers))
    for user_id in sorted({g.grantee_user_id for g in caregivers}):
        if user_id not in facts.guardian_user_ids and user_id != facts.owner_user_id:
            out.append(rules.Candidate("caregiver", user_id, names.get(user_id, ""), ""))
    links = session.exec(select(models.ShareLink).where(models.ShareLink.profile_id == pid)).all()
    for link in links:
        if rules.link_is_usable(link.expires_at, link.revoked_at, now) and rules.scope_includes_documents(
            s.value for s in parse_sections(link.sections)
        ):
            out.append(rules.Candidate("share_link", link.id, link.label, local_date(link.expires_at).isoformat()))
    return out


def document_sharing(session: Session, actor: UserActor, document_id: object, *, now: datetime) -> SharingView:
    """The sharing panel of one document: every possible grantee with their switch."""
    doc = _load(session, document_id)
    switches = document_switches(session, [doc.id])[doc.id]
    authorize(
        session,
        actor,
        Action.MANAGE,
        doc.profile_id,
        _target(doc, switches),
        now=now,
        target_kind="document",
        target_id=doc.id,
    )
    session.commit()
    grantees = rules.grantee_switches(
        _candidates(session, doc.profile_id, now), switches, hidden_from_professionals=doc.hidden_from_professionals
    )
    return SharingView(doc.id, doc.title, doc.hidden_from_professionals, grantees)


def set_document_switch(
    session: Session,
    actor: UserActor,
    document_id: object,
    grantee_kind: object,
    grantee_id: object,
    allowed: object,
    *,
    now: datetime,
) -> SharingView:
    """Switch one grantee on or off for one document. Only current candidates can be switched:
    a made-up user or link id is not found."""
    if not isinstance(allowed, bool):
        raise ValidationError("error.invalid_choice")
    kind = v.parse_choice(grantee_kind, ("professional", "caregiver", "share_link"), field="grantee_kind")
    gid = v.parse_id(grantee_id)
    doc = _load(session, document_id)
    authorize(
        session,
        actor,
        Action.MANAGE,
        doc.profile_id,
        _doc_target(session, doc),
        now=now,
        target_kind="document",
        target_id=doc.id,
    )
    if not any(c.kind == kind and c.grantee_id == gid for c in _candidates(session, doc.profile_id, now)):
        raise NotFound()
    column = models.DocumentGrant.share_link_id if kind == "share_link" else models.DocumentGrant.grantee_user_id
    grant = session.exec(
        select(models.DocumentGrant).where(
            models.DocumentGrant.document_id == doc.id, models.DocumentGrant.grantee_kind == kind, column == gid
        )
    ).first()
    if grant is None:
        grant = models.DocumentGrant(
            document_id=doc.id,
            grantee_kind=kind,
            grantee_user_id=None if kind == "share_link" else gid,
            share_link_id=gid if kind == "share_link" else None,
            set_by_user_id=actor.user_id,
        )
    grant.allowed = allowed
    grant.set_by_user_id = actor.user_id
    grant.updated_at = now
    session.add(grant)
    session.commit()
    return document_sharing(session, actor, doc.id, now=now)


def delete_document(
    session: Session, actor: UserActor, document_id: object, *, storage: DocumentStorage, now: datetime
) -> None:
    """Delete a document the actor deposited themselves (a professional's deposit can only be
    hidden by the patient). The row is kept, marked deleted (the access history still names
    it); the file is erased."""
    doc = _load(session, document_id)
    authorize(
        session,
        actor,
        Action.DELETE,
        doc.profile_id,
        _doc_target(session, doc),
        now=now,
        target_kind="document",
        target_id=doc.id,
    )
    doc.deleted_at = now
    doc.updated_at = now
    session.add(doc)
    session.commit()
    storage.delete(doc.storage_key)
