"""Closing a profile and deleting one's account (GDPR erasure, issue 13 item 3).

Two use cases, each with its preview (what the confirmation page lists):

- :func:`close_profile` — a guardian closes a child's profile (any guardian may; the other
  guardians are told: a notice in the app and an e-mail without health data nor name).
- :func:`delete_account` — an account holder deletes their account. Their own record goes
  with it, and so does every child's profile they are the **only** guardian of: these are
  listed by name on the confirmation page first, with their take-out. A parent deleting their
  account expects their family's records gone, not left behind where nobody could ever open
  them again (no one else holds a key to them). A child with another guardian stays with that
  guardian, untouched but for the deleting parent's access.

Both need the account's password (not a typed word), typed at most five minutes before: it
is the one thing a left-open session on a shared phone or a borrowed laptop cannot give, and
the erasure cannot be undone.

What goes (:func:`erase_profiles`, generic over ``SQLModel.metadata``)
    Every row of every table that reaches the profile through foreign keys (entries, measures,
    documents, threads and their messages, share links and their SHL file locations, document
    switches, the emergency card, grants, guardianships, invitations, the access history
    and its notices…), children first, and every file of the document store those rows name
    (a ``storage_key`` column). A new table that references the profile is swept without a
    change here.

What an account deletion changes in rows that stay (:data:`USER_COLUMNS`, explicit per column)
    ``DELETE`` the row is the account's (its sessions and mailed links, its guardianships, its
    access to others' records, the invitations it sent and those sent to it, by id or by
    address); ``NULL`` the account is only named as who did something (an entry's author, a
    message's author, an access event's or a security event's actor: the other record keeps
    the fact, not the account); ``REASSIGN`` a required "granted/added/created by" in a record
    that stays with another guardian (a share link, a care relationship, a document switch):
    that guardian, who keeps the record, becomes its answerer;
    ``CLOSED_FIRST`` the profile's owner (that record was closed first).

Kept on purpose (:data:`KEPT_TABLES`)
    ``security_event``: the operator's log of refused attempts by strangers, and of erasures.
    Codes and ids only (who tried which kind of target, when; never a name or health data):
    it is how probing is found, which must outlive the record that was probed, and it proves
    that an erasure was asked and done. Its ``profile_id`` has no foreign key and then names
    nothing. ``login_failure``: counters under hashes of what was typed, no link to anyone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from mes_app import mail
from mes_app.db import table_of
from mes_app.db.models import (
    CaregiverGrant,
    ClosureNotice,
    Document,
    EmergencyCard,
    Entry,
    Guardianship,
    Measure,
    Message,
    MessageThread,
    Profile,
    SecurityEvent,
    ShareLink,
    User,
)
from mes_app.domain import validation as v
from mes_app.domain.access import (
    Decision,
    ProfileFacts,
    UserActor,
    Via,
    closing_decision,
    may_delete_account,
)
from mes_app.domain.access_log import LoggedAction, TargetKind, check_codes
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import takeout
from mes_app.services.access_facts import load_profile_facts, record_refusal
from mes_app.services.passwords import verify_password
from mes_app.storage.base import DocumentStorage

log = logging.getLogger(__name__)

PROFILE_TABLE = "profile"
USER_TABLE = "user_account"


class UserColumn(StrEnum):
    DELETE = "delete"
    NULL = "null"
    REASSIGN = "reassign"
    CLOSED_FIRST = "closed_first"


# Every foreign key to ``user_account``: what an account deletion does to the rows that stay.
# tests/services/test_closing_sweep.py fails when a column is missing here.
USER_COLUMNS: dict[tuple[str, str], UserColumn] = {
    ("auth_session", "user_id"): UserColumn.DELETE,
    ("password_reset", "user_id"): UserColumn.DELETE,
    ("account_activation", "user_id"): UserColumn.DELETE,
    ("profile", "owner_user_id"): UserColumn.CLOSED_FIRST,
    ("profile", "created_by_user_id"): UserColumn.REASSIGN,
    ("guardianship", "user_id"): UserColumn.DELETE,
    ("guardianship", "added_by_user_id"): UserColumn.REASSIGN,
    ("guardian_invitation", "invited_by_user_id"): UserColumn.DELETE,  # what it offered goes with it
    ("guardian_invitation", "invitee_user_id"): UserColumn.DELETE,
    ("guardian_invitation", "decided_by_user_id"): UserColumn.NULL,
    ("care_relationship", "professional_user_id"): UserColumn.DELETE,
    ("care_relationship", "granted_by_user_id"): UserColumn.REASSIGN,
    ("caregiver_grant", "grantee_user_id"): UserColumn.DELETE,
    ("caregiver_grant", "granted_by_user_id"): UserColumn.REASSIGN,
    ("share_link", "created_by_user_id"): UserColumn.REASSIGN,
    ("emergency_card", "updated_by_user_id"): UserColumn.NULL,
    ("vaccination_history_answer", "answered_by_user_id"): UserColumn.NULL,
    ("document_grant", "grantee_user_id"): UserColumn.DELETE,
    ("document_grant", "set_by_user_id"): UserColumn.REASSIGN,
    ("message_thread", "started_by_user_id"): UserColumn.REASSIGN,
    ("message", "author_user_id"): UserColumn.NULL,
    ("message_read", "user_id"): UserColumn.DELETE,
    ("access_event", "actor_user_id"): UserColumn.NULL,
    ("security_event", "actor_user_id"): UserColumn.NULL,
    ("access_line", "actor_user_id"): UserColumn.NULL,
    ("notice_dismissal", "user_id"): UserColumn.DELETE,
    ("closure_notice", "user_id"): UserColumn.DELETE,
    ("takeout_job", "requested_by_user_id"): UserColumn.DELETE,  # its zip too: takeout.forget_jobs
    # a professional's connected software, with its tokens and the list of what it wrote
    ("connected_software", "owner_user_id"): UserColumn.DELETE,
    # --- two-factor sign-in (issue 15, item 3) ---
    ("recovery_code", "user_id"): UserColumn.DELETE,
    ("login_challenge", "user_id"): UserColumn.DELETE,
    # --- running the service (issue 15): the account's notification choices and mails to send go;
    # the operator log keeps that a decision was made, not on or by which account ---
    ("notification_preference", "user_id"): UserColumn.DELETE,
    ("notification_job", "user_id"): UserColumn.DELETE,
    ("operator_action", "operator_user_id"): UserColumn.NULL,
    ("operator_action", "target_user_id"): UserColumn.NULL,
    # every record entry (mes_app.db.models.Entry): its author
    **{(t, "author_user_id"): UserColumn.NULL for t in (
        "encounter", "condition", "treatment", "hospitalisation", "handicap", "allergy", "family_history",
        "habit", "vaccination", "measure", "document", "appointment", "lab_report")},
}

# Tables neither swept through a profile nor an account, and why (see the module docstring).
KEPT_TABLES: dict[str, str] = {
    "login_failure": "counters under SHA-256 keys of what was typed: nobody's data",
    "security_event": "the operator's log, codes and ids only; profile_id without foreign key",
    "fhir_access_token": "hashes only; its rows go with their connected software (a dependant of the account)",
    "fhir_used_jti": "a client id and an assertion id until they expire, against replays: nobody's data",
}
# The document store's own tables (MES_DOCUMENT_STORE=postgresql): no foreign key, the bytes of
# a swept document are erased through ``storage.delete(storage_key)`` after the commit.
STORE_TABLES: dict[str, str] = {
    "document_chunk": "a document's bytes, under its storage_key: erased by storage.delete",
}
# Columns that name a profile without a foreign key (so the sweep cannot follow them).
UNLINKED_PROFILE_COLUMNS: dict[tuple[str, str], str] = {
    ("security_event", "profile_id"): "kept: the profile aimed at by a refused attempt or erased",
    ("takeout_job", "profile_ids"): "swept: a job holding a closed profile goes with its zip (takeout.forget_jobs)",
}


# --------------------------------------------------------------------------- the take-out spot


def takeout_href(profile_id: int) -> str:
    """Where the confirmation page sends for "take out my data first".

    The take-out page (``services.takeout``): a zip with the whole record, its documents,
    calendar and a printable summary, of the profile shown or of every profile managed."""
    return "/takeout"


# --------------------------------------------------------------------------- previews


@dataclass(frozen=True)
class ClosingPreview:
    """What closing one profile takes away: counts per section and who loses access."""

    profile_id: int
    given_name: str
    name: str
    kind: str  # self | child | relative
    documents: int
    measures: int
    entries: int  # every other record entry (history, conditions, vaccinations, appointments…)
    threads: int
    messages: int
    share_links: int  # links not revoked nor expired
    emergency_card: bool
    other_guardians: tuple[str, ...]  # display names (they keep nothing of it, and are told)
    professionals: tuple[str, ...]  # care team members who lose access
    caregivers: tuple[str, ...]  # caregivers who lose access
    takeout_href: str


@dataclass(frozen=True)
class KeptChild:
    """A child who stays with another guardian when the account goes."""

    given_name: str
    guardians: tuple[str, ...]


@dataclass(frozen=True)
class AccountPreview:
    """What deleting the account takes away."""

    email: str
    may_delete: bool  # False for a professional's account
    own: ClosingPreview | None
    children_closed: tuple[ClosingPreview, ...]  # the account is their only guardian
    children_kept: tuple[KeptChild, ...]  # another guardian keeps them
    shared_with_me: int  # records others shared with this account (caregiver access), which ends


@dataclass(frozen=True)
class Closed:
    """What a closing did (typed, the state words it)."""

    profiles: int
    files: int
    guardians_told: int


def _check_closing(session: Session, actor: UserActor, profile_id: int, now: datetime) -> tuple[ProfileFacts, Decision]:
    """The policy on closing (domain.access.closing_decision); refusals are recorded."""
    facts = load_profile_facts(session, profile_id)
    decision = closing_decision(actor, facts, now) if facts is not None else None
    if decision is None or not decision.allowed:
        record_refusal(session, actor_user_id=actor.user_id, profile_id=profile_id,
                       target_kind=TargetKind.PROFILE_CLOSING.value, now=now, facts=facts)
        session.commit()
        if decision is None or not decision.visible:
            raise NotFound()
        raise Forbidden()
    assert facts is not None
    return facts, decision


def closing_preview(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> ClosingPreview:
    """What closing this child's profile takes away. Guardians only: the owner deletes their
    account instead (``own_record_is_account``); care team and caregivers are forbidden;
    strangers get not found."""
    pid = v.parse_id(profile_id)
    _facts, decision = _check_closing(session, actor, pid, now)
    if decision.via is Via.OWNER:
        raise ValidationError("closing.own_record_is_account")
    return _preview(session, actor, pid, now)


def _names(session: Session, user_ids: set[int]) -> tuple[str, ...]:
    if not user_ids:
        return ()
    rows = session.exec(select(User.display_name).where(col(User.id).in_(user_ids))).all()
    return tuple(sorted(rows))


def _count(session: Session, query: sa.Select) -> int:
    return int(session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one())


def _entry_models() -> list[type[SQLModel]]:
    found, todo = [], list(Entry.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if getattr(cls, "__table__", None) is not None:
            found.append(cls)
    return found


def _preview(session: Session, actor: UserActor, pid: int, now: datetime) -> ClosingPreview:
    profile = session.get(Profile, pid)
    facts = load_profile_facts(session, pid)
    if profile is None or facts is None:
        raise NotFound()
    entries = sum(
        _count(session, sa.select(table_of(model).c.id).where(table_of(model).c.profile_id == pid))
        for model in _entry_models() if model not in (Document, Measure)
    )
    threads = select(MessageThread.id).where(MessageThread.profile_id == pid)
    links = select(ShareLink.id).where(ShareLink.profile_id == pid, col(ShareLink.revoked_at).is_(None),
                                       ShareLink.expires_at > now)
    care = {c.professional_user_id for c in facts.care
            if c.status == "active" and (c.ends_at is None or c.ends_at > now)}
    grants = {g.grantee_user_id for g in facts.caregivers
              if g.revoked_at is None and (g.ends_at is None or g.ends_at > now)}
    return ClosingPreview(
        profile_id=pid,
        given_name=profile.given_name,
        name=f"{profile.given_name} {profile.family_name}",
        kind=profile.kind,
        documents=_count(session, select(Document.id).where(Document.profile_id == pid,
                                                            col(Document.deleted_at).is_(None))),
        measures=_count(session, select(Measure.id).where(Measure.profile_id == pid)),
        entries=entries,
        threads=_count(session, threads),
        messages=_count(session, select(Message.id).where(col(Message.thread_id).in_(threads))),
        share_links=_count(session, links),
        emergency_card=session.exec(select(EmergencyCard.id).where(EmergencyCard.profile_id == pid)).first()
        is not None,
        other_guardians=_names(session, set(facts.guardian_user_ids) - {actor.user_id}),
        professionals=_names(session, care),
        caregivers=_names(session, grants - {actor.user_id}),
        takeout_href=takeout_href(pid),
    )


def _plan(session: Session, actor: UserActor) -> tuple[list[int], list[int]]:
    """The profiles an account deletion closes (its own, and those nobody else would keep),
    and the ones it is a guardian of that stay with someone else."""
    uid = actor.user_id
    own = list(session.exec(select(Profile.id).where(Profile.owner_user_id == uid)).all())
    guarded = session.exec(select(Guardianship.profile_id).where(
        Guardianship.user_id == uid, col(Guardianship.ended_at).is_(None))).all()
    closed, kept = list(own), []
    for pid in sorted(set(guarded) - set(own)):
        facts = load_profile_facts(session, pid)
        if facts is None:
            continue
        others = set(facts.guardian_user_ids) - {uid}
        if facts.owner_user_id not in (None, uid):
            others.add(facts.owner_user_id)
        (kept if others else closed).append(pid)
    return closed, kept


def account_preview(session: Session, actor: UserActor, *, now: datetime) -> AccountPreview:
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    if not may_delete_account(actor):
        return AccountPreview(user.email, False, None, (), (), 0)
    closed, kept = _plan(session, actor)
    previews = [_preview(session, actor, pid, now) for pid in closed]
    own = next((p for p in previews if p.kind == "self"), None)
    kept_children = []
    for pid in kept:
        profile = session.get(Profile, pid)
        facts = load_profile_facts(session, pid)
        if profile is not None and facts is not None:
            kept_children.append(KeptChild(profile.given_name,
                                           _names(session, set(facts.guardian_user_ids) - {actor.user_id})))
    shared = session.exec(select(CaregiverGrant.profile_id).where(
        CaregiverGrant.grantee_user_id == actor.user_id, col(CaregiverGrant.revoked_at).is_(None))).all()
    return AccountPreview(
        email=user.email,
        may_delete=True,
        own=own,
        children_closed=tuple(p for p in previews if p is not own),
        children_kept=tuple(kept_children),
        shared_with_me=len(set(shared) - set(closed)),
    )


# --------------------------------------------------------------------------- confirming


CONFIRMATION_LIFETIME = timedelta(minutes=5)


@dataclass(frozen=True)
class Confirmation:
    """Proof that the account typed its password just now (made only by
    :func:`confirm_password`; the state keeps it server-side between the password and the
    dialog's "yes", so the password itself is kept nowhere)."""

    user_id: int
    at: datetime


def confirm_password(session: Session, actor: UserActor, password: object, *, now: datetime) -> Confirmation:
    """The account's password, typed again before an erasure; wrong: ``closing.wrong_password``."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    if not isinstance(password, str) or not password or len(password) > 128 \
            or not verify_password(password, user.password_hash):
        raise ValidationError("closing.wrong_password")
    return Confirmation(user.id, now)


def _check_confirmation(session: Session, actor: UserActor, confirmation: object, now: datetime) -> User:
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    if not isinstance(confirmation, Confirmation) or confirmation.user_id != user.id \
            or not (now - CONFIRMATION_LIFETIME <= confirmation.at <= now):
        raise ValidationError("closing.wrong_password")
    return user


Notify = Callable[[str, str], object]


def _mail_closure(to: str, lang: str) -> None:
    mail.queue(mail.send_closure_notice, to, lang, what="closure-notice")


def close_profile(
    session: Session,
    actor: UserActor,
    profile_id: object,
    *,
    confirmation: object,
    storage: DocumentStorage,
    now: datetime,
    notify: Notify = _mail_closure,
) -> Closed:
    """Close a child's profile: everything of it goes, and its other guardians are told."""
    pid = v.parse_id(profile_id)
    _facts, decision = _check_closing(session, actor, pid, now)
    if decision.via is Via.OWNER:
        raise ValidationError("closing.own_record_is_account")
    _check_confirmation(session, actor, confirmation, now)
    told = _tell_guardians(session, [pid], closer=actor.user_id, now=now)
    archives = takeout.forget_jobs(session, profile_ids=[pid])
    files = erase_profiles(session, [pid])
    _record_erasure(session, actor_user_id=actor.user_id, kind=TargetKind.PROFILE_CLOSING, target_id=pid, now=now)
    session.commit()
    _delete_files(storage, files)
    takeout.delete_archives(archives)
    for email, lang in told:
        notify(email, lang)
    return Closed(profiles=1, files=len(files), guardians_told=len(told))


def delete_account(
    session: Session,
    actor: UserActor,
    *,
    confirmation: object,
    storage: DocumentStorage,
    now: datetime,
    notify: Notify = _mail_closure,
) -> Closed:
    """Delete the account: its own record, the children only it keeps, its sessions, its
    access to others' records; rows that stay forget it (:data:`USER_COLUMNS`)."""
    if not may_delete_account(actor):
        raise Forbidden()
    user = _check_confirmation(session, actor, confirmation, now)
    uid = user.id
    closed, _kept = _plan(session, actor)
    told = _tell_guardians(session, closed, closer=uid, now=now)
    archives = takeout.forget_jobs(session, profile_ids=closed, user_id=uid)
    files = erase_profiles(session, closed)
    _forget_account(session, user)
    _record_erasure(session, actor_user_id=None, kind=TargetKind.ACCOUNT, target_id=uid, now=now)
    session.commit()
    _delete_files(storage, files)
    takeout.delete_archives(archives)
    for email, lang in told:
        notify(email, lang)
    return Closed(profiles=len(closed), files=len(files), guardians_told=len(told))


def _tell_guardians(session: Session, profile_ids: list[int], *, closer: int, now: datetime) -> list[tuple[str, str]]:
    """A notice in the app for every other active guardian (and owner) of these profiles;
    returns whom to e-mail. The notice holds no name nor id of what was closed."""
    wanted: set[int] = set()
    for pid in profile_ids:
        facts = load_profile_facts(session, pid)
        if facts is None:
            continue
        wanted |= set(facts.guardian_user_ids)
        if facts.owner_user_id is not None:
            wanted.add(facts.owner_user_id)
    wanted.discard(closer)
    users = session.exec(select(User).where(col(User.id).in_(wanted))).all() if wanted else []
    for user in users:
        session.add(ClosureNotice(user_id=user.id, closed_at=now))
    return [(u.email, u.locale) for u in users]


def _record_erasure(session: Session, *, actor_user_id: int | None, kind: TargetKind, target_id: int,
                    now: datetime) -> None:
    """The operator's proof that an erasure was asked and done (codes and ids only)."""
    check_codes(LoggedAction.ERASE, kind.value)
    session.add(SecurityEvent(occurred_at=now, actor_user_id=actor_user_id,
                              profile_id=target_id if kind is TargetKind.PROFILE_CLOSING else None,
                              action=LoggedAction.ERASE.value, target_kind=kind.value, target_id=target_id))


def _delete_files(storage: DocumentStorage, keys: list[str]) -> None:
    """After the commit: a file whose row is gone is never served again, even if removing it
    fails here (then it is logged by count only, for the operator to sweep)."""
    failed = 0
    for key in keys:
        try:
            storage.delete(key)
        except OSError:
            failed += 1
    if failed:
        log.warning("%d document file(s) of an erased profile could not be removed", failed)


# --------------------------------------------------------------------------- the generic sweep


def _tables() -> dict[str, sa.Table]:
    return dict(SQLModel.metadata.tables)


def profile_owned_tables() -> list[sa.Table]:
    """Tables whose rows belong to a profile: a foreign key to ``profile``, or to such a table
    (parents before children)."""
    owned: list[sa.Table] = []
    names: set[str] = set()
    for table in SQLModel.metadata.sorted_tables:
        if table.name == PROFILE_TABLE or any(
            fk.column.table.name in names | {PROFILE_TABLE} for fk in table.foreign_keys
            if fk.column.table is not table
        ):
            owned.append(table)
            names.add(table.name)
    return owned


def _owned_rows(profile_ids: list[int]) -> dict[str, sa.ColumnElement[bool]]:
    """For every profile-owned table, the condition that selects the rows of these profiles."""
    conditions: dict[str, sa.ColumnElement[bool]] = {}
    for table in profile_owned_tables():
        if table.name == PROFILE_TABLE:
            conditions[table.name] = table.c.id.in_(profile_ids)
            continue
        parts = []
        for fk in table.foreign_keys:
            parent = fk.column.table
            if parent is table or parent.name not in conditions:
                continue
            parts.append(fk.parent.in_(sa.select(fk.column).where(conditions[parent.name])))
        conditions[table.name] = sa.or_(*parts)
    return conditions


def erase_profiles(session: Session, profile_ids: list[int]) -> list[str]:
    """Delete every row of these profiles in every table, children first; returns the
    document-store keys their rows named (the caller removes the files after the commit)."""
    if not profile_ids:
        return []
    session.flush()
    conditions = _owned_rows(profile_ids)
    tables = _tables()
    keys: list[str] = []
    for name, condition in conditions.items():
        table = tables[name]
        if "storage_key" in table.c:
            keys.extend(session.execute(sa.select(table.c.storage_key).where(condition)).scalars())
    for table in reversed(profile_owned_tables()):
        session.execute(sa.delete(table).where(conditions[table.name]))
    session.expire_all()  # nothing stale of what was erased is read from the session
    return keys


def _profile_of(table: sa.Table) -> sa.ColumnElement | None:
    """An expression giving a row's profile id, following foreign keys (None: no profile).
    Several paths (a switch names a document or a link): the first that is set."""
    if table.name == PROFILE_TABLE:
        return table.c.id
    owned = {t.name for t in profile_owned_tables()}
    paths: list[sa.ColumnElement] = []
    for fk in table.foreign_keys:
        parent = fk.column.table
        if parent.name == PROFILE_TABLE:
            paths.append(fk.parent)
        elif parent is not table and parent.name in owned:
            inner = _profile_of(parent)
            if inner is not None:
                paths.append(sa.select(inner).where(fk.column == fk.parent).scalar_subquery())
    if not paths:
        return None
    return paths[0] if len(paths) == 1 else sa.func.coalesce(*paths)


def _successor(session: Session, profile_id: int, leaving: int) -> int:
    """Who keeps a profile when ``leaving`` goes: its owner, else its longest-standing guardian."""
    profile = session.get(Profile, profile_id)
    owner = profile.owner_user_id if profile is not None else None
    if owner is not None and owner != leaving:
        return owner
    row = session.exec(select(Guardianship.user_id).where(
        Guardianship.profile_id == profile_id, Guardianship.user_id != leaving, col(Guardianship.ended_at).is_(None),
    ).order_by(col(Guardianship.created_at), col(Guardianship.id))).first()
    if row is None:  # _plan closes every profile nobody else keeps: a bug if reached
        raise RuntimeError("a profile that stays has no one to keep it")
    return row


def user_columns() -> list[tuple[sa.Table, sa.Column]]:
    """Every column of every table that references ``user_account``."""
    return [(table, fk.parent) for table in SQLModel.metadata.sorted_tables for fk in table.foreign_keys
            if fk.column.table.name == USER_TABLE]


def _forget_account(session: Session, user: User) -> None:
    uid = user.id
    # invitations naming the account by its address, sent before it existed
    invitations = _tables()["guardian_invitation"]
    session.execute(sa.delete(invitations).where(sa.func.lower(invitations.c.invitee_email) == user.email.lower()))
    pending: list[tuple[sa.Table, sa.Column, UserColumn]] = [
        (table, column, USER_COLUMNS[(table.name, column.name)]) for table, column in user_columns()
    ]
    for table, column, rule in pending:  # what refers to rows deleted below goes first
        if rule is UserColumn.REASSIGN:
            where = _profile_of(table)
            if where is None:
                raise RuntimeError(f"{table.name}.{column.name}: nobody to reassign to")
            rows = session.execute(sa.select(table.c.id, where.label("pid")).where(column == uid)).all()
            for row in rows:
                session.execute(sa.update(table).where(table.c.id == row.id)
                                .values({column.name: _successor(session, row.pid, uid)}))
        elif rule is UserColumn.NULL:
            session.execute(sa.update(table).where(column == uid).values({column.name: None}))
    for table in reversed(SQLModel.metadata.sorted_tables):
        for column in [c for t, c in user_columns() if t is table]:
            if USER_COLUMNS[(table.name, column.name)] is UserColumn.DELETE:
                _delete_with_dependants(session, table, column == uid)
    remaining = session.execute(sa.select(sa.func.count()).where(_tables()[PROFILE_TABLE].c.owner_user_id == uid))
    if remaining.scalar_one():
        raise RuntimeError("the account's own profile was not closed first")
    session.execute(sa.delete(_tables()[USER_TABLE]).where(_tables()[USER_TABLE].c.id == uid))
    session.expire_all()


def _delete_with_dependants(session: Session, table: sa.Table, condition: sa.ColumnElement[bool]) -> None:
    """Delete rows and, first, the rows that reference them (e.g. a grant's document switches
    are columns of their own; a caregiver grant has none today)."""
    for child in SQLModel.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table and child is not table:
                _delete_with_dependants(session, child, fk.parent.in_(sa.select(fk.column).where(condition)))
    session.execute(sa.delete(table).where(condition))


# --------------------------------------------------------------------------- notices


@dataclass(frozen=True)
class ClosureNoticeView:
    key: str  # "closure-<id>"
    closed_at: str  # ISO timestamp (UTC)


def closure_notices(session: Session, actor: UserActor) -> list[ClosureNoticeView]:
    rows = session.exec(select(ClosureNotice).where(ClosureNotice.user_id == actor.user_id)
                        .order_by(col(ClosureNotice.closed_at).desc())).all()
    return [ClosureNoticeView(f"closure-{r.id}", r.closed_at.isoformat()) for r in rows]


def dismiss_closure_notice(session: Session, actor: UserActor, key: object) -> None:
    """The notice goes (it is the account's own). Someone else's key: not found."""
    text = key if isinstance(key, str) else ""
    if not text.startswith("closure-"):
        raise NotFound()
    nid = v.parse_id(text.removeprefix("closure-"))
    row = session.get(ClosureNotice, nid)
    if row is None or row.user_id != actor.user_id:
        raise NotFound()
    session.delete(row)
    session.commit()

