"""Secure messaging: threads between a professional of the care team and a patient (or the
guardians of a child).

Rules (the access policy decides; this module adds who is *in* a thread):
- Only a professional with an active care relationship starts a thread (``START_THREAD``):
  the patient and the guardians cannot (as in Mon Espace Santé).
- A thread is a conversation between the professional who started it and the profile's
  household (its owner, or every guardian of a child). Other professionals of the care team
  are not in it: for them it does not exist (*not found*).
- The household and the starting professional ``REPLY``; a professional removed from the
  care team is refused at their very next action (the policy sees no active relationship).
- A caregiver whose grant covers MESSAGES reads (read-only, as the policy says); a revoked
  or out-of-scope caregiver finds nothing.
- Messages are never deleted: there is no delete at all.
- Unread = a message written by someone else after the reader's ``MessageRead.last_read_at``
  for that thread (no row: never read) — the same definition as the home reminders.
- An attachment is a Document of the same profile that the sender may read (deposit it in
  the documents first: it keeps its per-document switches); each reader sees it only when
  the policy lets *them* read that document.
- Bodies are plain text, at most :data:`MAX_BODY_LEN` characters (refused, never cut); the
  UI shows them as text (never as HTML).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, func, or_, select

from mes_app.db import models
from mes_app.domain import validation as v
from mes_app.domain.access import (
    Action,
    ProfileFacts,
    Section,
    Target,
    UserActor,
    Via,
    decide,
    entry_target,
)
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import notifications
from mes_app.services.access_facts import authorize, document_switches, load_profile_facts

MAX_BODY_LEN = 5000
MAX_SUBJECT_LEN = 200
PREVIEW_LEN = 120
THREADS_PAGE = 50  # newest threads shown in the list
MESSAGES_PAGE = 200  # latest messages shown in a thread

_TARGET = Target(Section.MESSAGES)


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class ThreadView:
    id: int
    profile_id: int
    profile_name: str  # given name of the patient the thread is about
    subject: str
    professional_name: str  # who started it
    last_message_at: str  # ISO datetime (UTC)
    preview: str  # start of the last message, plain text
    unread: int


@dataclass(frozen=True)
class MessageView:
    id: int
    author_name: str
    mine: bool
    by_professional: bool
    body: str
    sent_at: str  # ISO datetime (UTC)
    attachment_id: int  # 0: none, or not readable by this viewer
    attachment_title: str
    attachment_hidden: bool  # an attachment exists but this viewer may not open it


@dataclass(frozen=True)
class ThreadDetail:
    thread: ThreadView
    messages: list[MessageView]
    can_reply: bool


# --------------------------------------------------------------------------- parsing


def parse_body(value: object) -> str:
    """A message body: required, plain text, at most MAX_BODY_LEN characters (a 1 MB paste is
    refused clearly, never cut)."""
    return v.clean_text(value, field="body", max_len=MAX_BODY_LEN, required=True)


def parse_subject(value: object) -> str:
    return v.clean_text(value, field="subject", max_len=MAX_SUBJECT_LEN, required=True, multiline=False)


def _optional_id(value: object) -> int | None:
    if value is None or value == "" or value == 0 or value == "0":
        return None
    return v.parse_id(value)


# --------------------------------------------------------------------------- helpers


def _is_participant(actor: UserActor, thread: models.MessageThread, via: Via | None) -> bool:
    """The household and caregivers (as far as the policy lets them) see every thread of the
    profile; a professional only the threads they started."""
    if via is Via.CARE_TEAM:
        return thread.started_by_user_id == actor.user_id
    return via in (Via.OWNER, Via.GUARDIAN, Via.CAREGIVER)


def _load_thread(session: Session, thread_id: object) -> models.MessageThread:
    try:
        tid = v.parse_id(thread_id)
    except ValidationError:
        raise NotFound() from None
    thread = session.get(models.MessageThread, tid)
    if thread is None:
        raise NotFound()
    return thread


def _authorize_thread(
    session: Session, actor: UserActor, action: Action, thread: models.MessageThread, now: datetime
) -> Via:
    decision = authorize(
        session, actor, action, thread.profile_id, _TARGET, now=now, target_kind="message_thread", target_id=thread.id
    )
    if decision.via is None or not _is_participant(actor, thread, decision.via):
        session.rollback()  # nothing of a thread one is not in is recorded as read
        raise NotFound()
    return decision.via


def _names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.display_name for u in session.exec(select(models.User).where(col(models.User.id).in_(wanted)))}


def _last_read(session: Session, thread_ids: list[int], user_id: int) -> dict[int, datetime]:
    if not thread_ids:
        return {}
    rows = session.exec(
        select(models.MessageRead).where(
            col(models.MessageRead.thread_id).in_(thread_ids), models.MessageRead.user_id == user_id
        )
    ).all()
    return {r.thread_id: r.last_read_at for r in rows}


def _unread_by_thread(session: Session, actor: UserActor, thread_ids: list[int]) -> dict[int, int]:
    if not thread_ids:
        return {}
    last_read = (
        select(models.MessageRead.last_read_at)
        .where(models.MessageRead.thread_id == models.Message.thread_id, models.MessageRead.user_id == actor.user_id)
        .scalar_subquery()
    )
    rows = session.exec(
        select(models.Message.thread_id, func.count(col(models.Message.id)))
        .where(
            col(models.Message.thread_id).in_(thread_ids),
            models.Message.author_user_id != actor.user_id,
            (last_read.is_(None)) | (models.Message.sent_at > last_read),
        )
        .group_by(col(models.Message.thread_id))
    ).all()
    return {tid: int(n) for tid, n in rows}


def _mark_read(session: Session, thread_id: int, user_id: int, when: datetime) -> None:
    row = session.exec(
        select(models.MessageRead).where(
            models.MessageRead.thread_id == thread_id, models.MessageRead.user_id == user_id
        )
    ).first()
    if row is None:
        row = models.MessageRead(thread_id=thread_id, user_id=user_id, last_read_at=when)
    elif _aware(row.last_read_at) < when:
        row.last_read_at = when
    session.add(row)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _preview(body: str) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= PREVIEW_LEN else flat[: PREVIEW_LEN - 1] + "…"


def _thread_view(
    thread: models.MessageThread, *, profile_name: str, professional_name: str, preview: str, unread: int
) -> ThreadView:
    return ThreadView(
        id=thread.id,
        profile_id=thread.profile_id,
        profile_name=profile_name,
        subject=thread.subject,
        professional_name=professional_name,
        last_message_at=_aware(thread.last_message_at).isoformat(),
        preview=preview,
        unread=unread,
    )


def _check_attachment(
    session: Session, actor: UserActor, profile_id: int, document_id: object, now: datetime
) -> int | None:
    """An attachment must be a live document of the same profile that the sender may read."""
    doc_id = _optional_id(document_id)
    if doc_id is None:
        return None
    doc = session.get(models.Document, doc_id)
    if doc is None or doc.deleted_at is not None or doc.profile_id != profile_id:
        raise NotFound()
    facts = load_profile_facts(session, profile_id)
    if facts is None:
        raise NotFound()
    if not decide(
        actor, Action.READ, facts, _doc_target(doc, document_switches(session, [doc.id])[doc.id]), now
    ).visible:
        raise NotFound()
    return doc.id


def _doc_target(doc: models.Document, switches: dict) -> Target:
    return entry_target(Section.DOCUMENTS, doc, document_id=doc.id, document_switches=switches)


# --------------------------------------------------------------------------- reading


def list_threads(session: Session, actor: UserActor, *, now: datetime) -> list[ThreadView]:
    """Every thread the actor is in, across the profiles they may open, newest first, each with
    its unread count."""
    uid = actor.user_id
    guarded = select(models.Guardianship.profile_id).where(
        models.Guardianship.user_id == uid, col(models.Guardianship.ended_at).is_(None)
    )
    owned = select(models.Profile.id).where(models.Profile.owner_user_id == uid)
    shared = select(models.CaregiverGrant.profile_id).where(models.CaregiverGrant.grantee_user_id == uid)
    candidates = session.exec(
        select(models.MessageThread)
        .where(
            or_(
                col(models.MessageThread.profile_id).in_(owned),
                col(models.MessageThread.profile_id).in_(guarded),
                col(models.MessageThread.profile_id).in_(shared),
                models.MessageThread.started_by_user_id == uid,
            )
        )
        .order_by(col(models.MessageThread.last_message_at).desc(), col(models.MessageThread.id).desc())
    ).all()
    facts: dict[int, ProfileFacts | None] = {}
    visible: list[models.MessageThread] = []
    for thread in candidates:
        if thread.profile_id not in facts:
            facts[thread.profile_id] = load_profile_facts(session, thread.profile_id)
        profile_facts = facts[thread.profile_id]
        if profile_facts is None:
            continue
        decision = decide(actor, Action.READ, profile_facts, _TARGET, now)
        if decision.visible and decision.allowed and _is_participant(actor, thread, decision.via):
            visible.append(thread)
        if len(visible) >= THREADS_PAGE:
            break
    return _thread_views(session, actor, visible)


def _thread_views(session: Session, actor: UserActor, threads: list[models.MessageThread]) -> list[ThreadView]:
    if not threads:
        return []
    ids = [t.id for t in threads]
    unread = _unread_by_thread(session, actor, ids)
    profiles = {
        p.id: p.given_name
        for p in session.exec(select(models.Profile).where(col(models.Profile.id).in_({t.profile_id for t in threads})))
    }
    names = _names(session, (t.started_by_user_id for t in threads))
    latest: dict[int, str] = {}
    last_ids = (
        select(func.max(models.Message.id)).where(col(models.Message.thread_id).in_(ids)).group_by(col(models.Message.thread_id))
    )
    for message in session.exec(select(models.Message).where(col(models.Message.id).in_(last_ids))):
        latest[message.thread_id] = _preview(message.body)
    return [
        _thread_view(
            t,
            profile_name=profiles.get(t.profile_id, ""),
            professional_name=names.get(t.started_by_user_id, ""),
            preview=latest.get(t.id, ""),
            unread=unread.get(t.id, 0),
        )
        for t in threads
    ]


def open_thread(session: Session, actor: UserActor, thread_id: object, *, now: datetime) -> ThreadDetail:
    """A thread's latest messages, oldest first (a chat); marks it read for the actor. The read
    is recorded in the access history for anyone but the household."""
    thread = _load_thread(session, thread_id)
    _authorize_thread(session, actor, Action.READ, thread, now)
    _mark_read(session, thread.id, actor.user_id, now)
    session.commit()
    rows = list(
        session.exec(
            select(models.Message)
            .where(models.Message.thread_id == thread.id)
            .order_by(col(models.Message.sent_at).desc(), col(models.Message.id).desc())
            .limit(MESSAGES_PAGE)
        ).all()
    )
    rows.reverse()
    names = _names(session, (m.author_user_id for m in rows))
    author_ids = {m.author_user_id for m in rows} or {-1}
    roles = {u.id: u.role for u in session.exec(select(models.User).where(col(models.User.id).in_(author_ids)))}
    attachments = _readable_attachments(
        session, actor, thread.profile_id, [m.attachment_document_id for m in rows], now
    )
    messages = [
        MessageView(
            id=m.id,
            author_name=names.get(m.author_user_id or 0, ""),
            mine=m.author_user_id == actor.user_id,
            by_professional=roles.get(m.author_user_id or 0) == "professional",
            body=m.body,
            sent_at=_aware(m.sent_at).isoformat(),
            attachment_id=m.attachment_document_id if m.attachment_document_id in attachments else 0,
            attachment_title=attachments.get(m.attachment_document_id or 0, ""),
            attachment_hidden=m.attachment_document_id is not None and m.attachment_document_id not in attachments,
        )
        for m in rows
    ]
    facts = load_profile_facts(session, thread.profile_id)
    if facts is None:  # read just above; the profile was deleted since
        raise NotFound()
    can_reply = decide(actor, Action.REPLY, facts, _TARGET, now).allowed
    view = _thread_views(session, actor, [thread])[0]
    return ThreadDetail(view, messages, can_reply)


def _readable_attachments(
    session: Session, actor: UserActor, profile_id: int, ids: list[int | None], now: datetime
) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    docs = session.exec(
        select(models.Document).where(
            col(models.Document.id).in_(wanted),
            col(models.Document.deleted_at).is_(None),
            models.Document.profile_id == profile_id,
        )
    ).all()
    facts = load_profile_facts(session, profile_id)
    if facts is None:
        return {}
    switches = document_switches(session, [d.id for d in docs])
    return {
        d.id: d.title for d in docs if decide(actor, Action.READ, facts, _doc_target(d, switches[d.id]), now).visible
    }


def unread_total(session: Session, actor: UserActor, *, now: datetime) -> int:
    """The navigation badge: unread messages in every thread the actor is in — one COUNT query.

    Household: threads of the profiles they own or guard; professional: threads they started
    about a patient whose care team they are still in. Caregivers get no badge (read-only)."""
    uid = actor.user_id
    last_read = (
        select(models.MessageRead.last_read_at)
        .where(models.MessageRead.thread_id == models.Message.thread_id, models.MessageRead.user_id == uid)
        .scalar_subquery()
    )
    if actor.role == "professional":
        care = (
            select(models.CareRelationship.id)
            .where(
                models.CareRelationship.profile_id == models.MessageThread.profile_id,
                models.CareRelationship.professional_user_id == uid,
                models.CareRelationship.status == "active",
                models.CareRelationship.starts_at <= now,
                or_(col(models.CareRelationship.ends_at).is_(None), col(models.CareRelationship.ends_at) > now),
            )
            .exists()
        )
        mine = (col(models.MessageThread.started_by_user_id) == uid) & care
    else:
        guarded = select(models.Guardianship.profile_id).where(
            models.Guardianship.user_id == uid, col(models.Guardianship.ended_at).is_(None)
        )
        owned = select(models.Profile.id).where(models.Profile.owner_user_id == uid)
        mine = or_(col(models.MessageThread.profile_id).in_(owned), col(models.MessageThread.profile_id).in_(guarded))
    query = (
        select(func.count(col(models.Message.id)))
        .join(models.MessageThread, col(models.MessageThread.id) == col(models.Message.thread_id))
        .where(mine, models.Message.author_user_id != uid, (last_read.is_(None)) | (models.Message.sent_at > last_read))
    )
    return int(session.exec(query).one() or 0)


# --------------------------------------------------------------------------- writing


def _notify_professional_message(session: Session, actor: UserActor, thread: models.MessageThread, now: datetime,
                                 message_id: int | None = None) -> None:
    """A message from a professional tells the household (in this transaction); the household's
    own replies tell nobody by e-mail (the professional sees them in MES)."""
    user = session.get(models.User, actor.user_id)
    if user is None or user.role != "professional":
        return
    key = notifications.event_key(thread.id, message_id if message_id is not None else "start")
    notifications.notify(session, thread.profile_id, notifications.Kind.MESSAGE, key, now,
                         exclude_user_id=actor.user_id)


def start_thread(
    session: Session,
    actor: UserActor,
    profile_id: object,
    subject: object,
    body: object,
    *,
    attachment_document_id: object = None,
    now: datetime,
) -> ThreadView:
    """A professional of the care team writes first; the patient (or the child's guardians)
    can then reply. Anyone else: forbidden (household) or not found."""
    pid = v.parse_id(profile_id)
    authorize(session, actor, Action.START_THREAD, pid, _TARGET, now=now, target_kind="message_thread")
    clean_subject = parse_subject(subject)
    clean_body = parse_body(body)
    doc_id = _check_attachment(session, actor, pid, attachment_document_id, now)
    thread = models.MessageThread(
        profile_id=pid, subject=clean_subject, started_by_user_id=actor.user_id, created_at=now, last_message_at=now
    )
    session.add(thread)
    session.flush()
    session.add(
        models.Message(
            thread_id=thread.id,
            author_user_id=actor.user_id,
            body=clean_body,
            sent_at=now,
            attachment_document_id=doc_id,
        )
    )
    _mark_read(session, thread.id, actor.user_id, now)
    _notify_professional_message(session, actor, thread, now)
    session.commit()
    return _thread_views(session, actor, [thread])[0]


def reply(
    session: Session,
    actor: UserActor,
    thread_id: object,
    body: object,
    *,
    attachment_document_id: object = None,
    now: datetime,
) -> MessageView:
    """Add a message to a thread the actor is in (household or the starting professional)."""
    thread = _load_thread(session, thread_id)
    _authorize_thread(session, actor, Action.REPLY, thread, now)
    clean_body = parse_body(body)
    doc_id = _check_attachment(session, actor, thread.profile_id, attachment_document_id, now)
    message = models.Message(
        thread_id=thread.id, author_user_id=actor.user_id, body=clean_body, sent_at=now, attachment_document_id=doc_id
    )
    session.add(message)
    if _aware(thread.last_message_at) < now:
        thread.last_message_at = now
    session.add(thread)
    _mark_read(session, thread.id, actor.user_id, now)
    session.flush()
    _notify_professional_message(session, actor, thread, now, message.id)
    session.commit()
    attached = session.get(models.Document, doc_id) if doc_id else None
    title = attached.title if attached is not None else ""
    return MessageView(
        message.id,
        _names(session, [actor.user_id]).get(actor.user_id, ""),
        True,
        actor.role == "professional",
        message.body,
        _aware(message.sent_at).isoformat(),
        doc_id or 0,
        title,
        False,
    )
