"""Notifications by e-mail (issue 15 item 2): the outbox and its sender.

**Queueing.** :func:`notify` is called by a use case *inside its own transaction*, before its
commit: it adds one :class:`~mes_app.db.models.NotificationJob` per recipient (the account
holder and every current guardian of the profile; caregivers and professionals are not
recipients), minus the author of the event and the accounts that turned the kind off. The
event and its jobs are committed together or not at all (the outbox pattern): no mail about
something that was rolled back, no event without its mail. The insert ignores a conflict on the
unique ``dedupe_key`` (``INSERT ... ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL), so the
same event queued twice, even by two concurrent requests, yields one job per recipient. A
weekly cadence sets ``due_at`` to the next digest time and a ``digest_key`` shared by that
account's jobs of that week.

**Sending, and why every recipient gets exactly one mail.** :func:`send_due` works one *group*
at a time (one immediate job, or all the jobs of one ``digest_key``):

1. *claim*: ``UPDATE ... SET claimed_until = lease WHERE <group> AND sent_at IS NULL AND
   (claimed_until IS NULL OR claimed_until < now)``, then **commit**. The UPDATE is a
   compare-and-set: of two workers, one changes the rows, the other sees 0 rows and skips;
   nobody reads-then-writes.
2. *send* the one mail through SMTP (:func:`mes_app.mail.deliver`);
3. right after the server accepted it: ``SET sent_at`` and **commit** (nothing in between).
   On failure: ``attempts + 1``, ``due_at`` pushed back (:func:`~mes_app.domain.notifications.backoff`),
   lease released; after ``MAX_ATTEMPTS`` the row stays, unsent, and is no longer tried.

A worker killed at any point leaves either an unclaimed job, a claimed job whose lease expires
(another pass sends it: the server had not accepted it), or a sent job (never sent again). The
only window for a duplicate is between the server's "250 accepted" and the commit of
``sent_at``: a local commit, milliseconds, and inherent to SMTP (which has no idempotent
delivery). We choose at-least-once with that window as small as it can be over at-most-once
(marking first, then sending, would lose mails on a crash). The ``Message-ID`` is derived from
the job, so a mail client can still collapse a duplicate. The lease must outlast one SMTP
transaction (the client's timeout is 15 s; the default lease is 2 minutes); each group is
claimed just before it is sent, so a long batch never outlives its leases.

The crash test (``tests/cli/test_notifications_command.py``) runs the command as a
real process against a slow SMTP server, kills it with SIGKILL mid-batch, restarts it, and
counts the messages per job.

The mails carry no health data: only "something new in MES" and a link, in the recipient's
language (:func:`mes_app.mail.notification_message`).
"""

from __future__ import annotations

import logging
import threading
import time as clock
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from mes_app import mail
from mes_app.db import models, table_of
from mes_app.domain import notifications as rules
from mes_app.domain import prevention
from mes_app.domain.calendar import local_date
from mes_app.domain.notifications import Cadence, Kind, Preference, event_key
from mes_app.domain.terminology import ATC

log = logging.getLogger(__name__)

__all__ = ["Kind", "event_key", "notify", "preferences", "queue_due_reminders", "send_due", "set_preference"]

DEFAULT_LEASE = timedelta(minutes=2)
COMING_DUE_DAYS = 7  # a vaccine dose is "coming due" this many days before its recommended day


# --------------------------------------------------------------------------- preferences


def preferences(session: Session, user_id: int) -> list[Preference]:
    """The account's choice for every kind, in :data:`~mes_app.domain.notifications.KINDS` order."""
    rows = {r.kind: r for r in session.exec(
        select(models.NotificationPreference).where(models.NotificationPreference.user_id == user_id))}
    out = []
    for kind in rules.KINDS:
        row = rows.get(kind.value)
        if row is None or row.cadence not in rules.CADENCES:
            out.append(rules.default_preference(kind))
        else:
            out.append(Preference(kind, bool(row.enabled), Cadence(row.cadence)))
    return out


def set_preference(session: Session, user_id: int, kind: object, enabled: object, cadence: object) -> Preference:
    """Validate and save one choice (commits). Raises ``ValidationError`` for a bad kind or cadence.
    Turning a kind off also drops that kind's mails still waiting for this account."""
    clean_kind = rules.parse_kind(kind)
    clean_enabled = rules.parse_enabled(enabled)
    clean_cadence = rules.parse_cadence(cadence)
    row = session.exec(select(models.NotificationPreference).where(
        models.NotificationPreference.user_id == user_id,
        models.NotificationPreference.kind == clean_kind.value)).first()
    if row is None:
        row = models.NotificationPreference(user_id=user_id, kind=clean_kind.value)
    row.enabled = clean_enabled
    row.cadence = clean_cadence.value
    session.add(row)
    if not clean_enabled:  # what was waiting (a weekly digest) is not sent either; a mail being sent is
        table = table_of(models.NotificationJob)
        session.execute(sa.delete(table).where(
            table.c.user_id == user_id, table.c.kind == clean_kind.value, table.c.sent_at.is_(None),
            table.c.claimed_until.is_(None)))
    session.commit()
    return Preference(clean_kind, clean_enabled, clean_cadence)


# --------------------------------------------------------------------------- queueing


def recipients(session: Session, profile_id: int, *, guardians: bool = True) -> list[int]:
    """The account holder and the current guardians of a profile (active accounts only).
    ``guardians`` False: the holder only (an event kept from the legal representatives)."""
    profile = session.get(models.Profile, profile_id)
    if profile is None:
        return []
    ids: set[int] = set()
    if guardians:
        ids.update(session.exec(select(models.Guardianship.user_id).where(
            models.Guardianship.profile_id == profile_id, col(models.Guardianship.ended_at).is_(None))).all())
    if profile.owner_user_id is not None:
        ids.add(profile.owner_user_id)
    if not ids:
        return []
    active = session.exec(select(models.User.id).where(
        col(models.User.id).in_(ids), col(models.User.activated_at).is_not(None),
        col(models.User.locked_by_operator_at).is_(None))).all()
    return sorted(active)


def _choices(session: Session, user_ids: Iterable[int], kind: Kind) -> dict[int, Preference]:
    rows = session.exec(select(models.NotificationPreference).where(
        col(models.NotificationPreference.user_id).in_(list(user_ids)),
        models.NotificationPreference.kind == kind.value)).all()
    return {r.user_id: Preference(kind, bool(r.enabled), Cadence(r.cadence)) for r in rows
            if r.cadence in rules.CADENCES}


def _insert_ignoring_duplicates(session: Session, rows: list[dict]) -> None:
    table = table_of(models.NotificationJob)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(table).values(rows).on_conflict_do_nothing(index_elements=["dedupe_key"])
    elif dialect == "sqlite":
        statement = sqlite.insert(table).values(rows).on_conflict_do_nothing(index_elements=["dedupe_key"])
    else:  # pragma: no cover - the app runs on SQLite or PostgreSQL
        raise RuntimeError(f"unsupported database {dialect}")
    session.execute(statement)


def notify(session: Session, profile_id: int, kind: Kind | str, event_key: str, now: datetime, *,
           exclude_user_id: int | None = None, guardians: bool = True) -> int:
    """Queue the e-mails telling about one event, in the caller's transaction (no commit).

    ``exclude_user_id``: the author of the event (nobody is told about what they did).
    ``guardians`` False for an event hidden from the legal representatives (a minor's secret):
    they are not even told that something happened. Returns how many recipients the event
    concerns after preferences (jobs already queued for the same event are not added again)."""
    kind = Kind(kind)
    users = [u for u in recipients(session, profile_id, guardians=guardians) if u != exclude_user_id]
    if not users:
        return 0
    choices = _choices(session, users, kind)
    rows = []
    for user_id in users:
        choice = choices.get(user_id, rules.default_preference(kind))
        if not choice.enabled:
            continue
        due, digest = now, None
        if choice.cadence is Cadence.WEEKLY:
            due = rules.next_digest(now)
            digest = rules.digest_key(user_id, due)
        rows.append({"user_id": user_id, "profile_id": profile_id, "kind": kind.value,
                     "dedupe_key": rules.dedupe_key(kind, event_key, user_id), "created_at": now,
                     "due_at": due, "attempts": 0, "digest_key": digest})
    if rows:
        _insert_ignoring_duplicates(session, rows)
    return len(rows)


# --------------------------------------------------------------------------- reminders (a sweep)


def _tomorrow_bounds(now: datetime) -> tuple[date, datetime, datetime]:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(rules.DIGEST_TIMEZONE)
    tomorrow = local_date(now) + timedelta(days=1)
    start = datetime.combine(tomorrow, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(tomorrow + timedelta(days=1), datetime.min.time(), tzinfo=zone).astimezone(UTC)
    return tomorrow, start, end


def _appointments_tomorrow(session: Session, now: datetime) -> int:
    day, start, end = _tomorrow_bounds(now)
    rows = session.exec(select(models.Appointment.id, models.Appointment.profile_id).where(
        models.Appointment.status == "planned", col(models.Appointment.starts_at) >= start,
        col(models.Appointment.starts_at) < end)).all()
    return sum(notify(session, pid, Kind.APPOINTMENT, rules.event_key(aid, day.isoformat()), now) for aid, pid in rows)


def _vaccines_coming_due(session: Session, now: datetime) -> int:
    """Doses whose recommended day comes within :data:`COMING_DUE_DAYS` days, once per dose."""
    schedule = prevention.load_schedule()
    today = local_date(now)
    horizon = today + timedelta(days=COMING_DUE_DAYS)
    given: dict[int, list[prevention.RecordedVaccination]] = {}
    vaccinations = sa.select(col(models.Vaccination.profile_id), col(models.Vaccination.given_on),
                             col(models.Vaccination.code), col(models.Vaccination.code_system))
    for pid, on, code, system in session.execute(vaccinations):
        given.setdefault(pid, []).append(prevention.RecordedVaccination(on, code if system == ATC else None))
    queued = 0
    for pid, birth in session.execute(sa.select(col(models.Profile.id), col(models.Profile.birth_date))):
        items = prevention.compute(schedule, birth, today, given.get(pid, []), None)
        for item in items:
            if item.kind == "vaccine" and item.status == prevention.UPCOMING and today < item.due_on <= horizon:
                queued += notify(session, pid, Kind.VACCINATION, rules.event_key(pid, item.key), now)
    return queued


def queue_due_reminders(session: Session, now: datetime) -> int:
    """Queue the reminders of the day (appointments tomorrow, vaccine doses coming due) and
    commit. Safe to run as often as wanted: the dedupe keys (per appointment and day, per
    dose) queue each reminder once."""
    queued = _appointments_tomorrow(session, now) + _vaccines_coming_due(session, now)
    session.commit()
    return queued


# --------------------------------------------------------------------------- sending


@dataclass(frozen=True)
class SendReport:
    mails_sent: int = 0
    jobs_sent: int = 0
    failures: int = 0


def _pending(session: Session, now: datetime, limit: int) -> list[tuple[int, str | None]]:
    job = models.NotificationJob
    return list(session.exec(select(job.id, job.digest_key).where(
        col(job.sent_at).is_(None), job.attempts < rules.MAX_ATTEMPTS, job.due_at <= now,
        sa.or_(col(job.claimed_until).is_(None), col(job.claimed_until) < now),
    ).order_by(col(job.due_at), col(job.id)).limit(limit)).all())


def _claim(session: Session, group: tuple[int, str | None], at: datetime, lease: datetime) -> list[int]:
    """Compare-and-set the lease of one group, commit, and return the ids this worker now holds."""
    table = table_of(models.NotificationJob)
    c = table.c
    free = sa.and_(c.sent_at.is_(None), c.attempts < rules.MAX_ATTEMPTS, c.due_at <= at,
                   sa.or_(c.claimed_until.is_(None), c.claimed_until < at))
    job_id, digest = group
    which = c.id == job_id if digest is None else c.digest_key == digest
    session.execute(sa.update(table).where(which, free).values(claimed_until=lease))
    session.commit()
    held = select(c.id).where(which, c.sent_at.is_(None), c.claimed_until == lease).order_by(c.id)
    return list(session.execute(held).scalars())


def _mail_for(session: Session, ids: list[int]) -> tuple[str, str, int] | None:
    first = session.get(models.NotificationJob, ids[0])
    user = session.get(models.User, first.user_id) if first else None
    if user is None or not user.email:
        return None
    return user.email, user.locale, len(ids)


def _settle(session: Session, ids: list[int], *, sent: bool, at: datetime) -> None:
    table = table_of(models.NotificationJob)
    c = table.c
    if sent:
        session.execute(sa.update(table).where(c.id.in_(ids)).values(sent_at=at))
    else:
        for job in session.exec(select(models.NotificationJob).where(col(models.NotificationJob.id).in_(ids))):
            job.attempts += 1
            job.due_at = at + rules.backoff(job.attempts)
            job.claimed_until = None
            session.add(job)
    session.commit()


def send_due(engine: sa.Engine, now: datetime, *, batch: int = 20, lease: timedelta = DEFAULT_LEASE) -> SendReport:
    """Send up to ``batch`` due mails (an immediate job, or one weekly digest, each), one at a
    time: claim (commit), send, mark sent (commit). See the module docstring."""
    started = clock.monotonic()
    mails = jobs = failures = 0
    with Session(engine, expire_on_commit=False) as session:
        groups: list[tuple[int, str | None]] = []
        seen: set[str] = set()
        for job_id, digest in _pending(session, now, batch * 10):
            if digest is not None and digest in seen:
                continue
            if digest is not None:
                seen.add(digest)
            groups.append((job_id, digest))
        for group in groups[:batch]:
            at = now + timedelta(seconds=clock.monotonic() - started)
            ids = _claim(session, group, at, at + lease)
            if not ids:
                continue  # another worker holds it
            target = _mail_for(session, ids)
            ok = target is not None and mail.deliver(
                mail.notification_message(target[0], target[1], count=target[2], job_id=ids[0]), what="notification")
            done_at = now + timedelta(seconds=clock.monotonic() - started)
            _settle(session, ids, sent=ok, at=done_at)
            if ok:
                mails, jobs = mails + 1, jobs + len(ids)
            else:
                failures += 1
    return SendReport(mails, jobs, failures)


def sweep(engine: sa.Engine, now: datetime) -> int:
    """:func:`queue_due_reminders` in a session of its own (the worker's hourly pass)."""
    with Session(engine, expire_on_commit=False) as session:
        return queue_due_reminders(session, now)


# --------------------------------------------------------------------------- the app's worker thread


@dataclass
class Worker:
    """The sending thread of this process; :meth:`stop` ends it after its current pass."""

    thread: threading.Thread
    stopping: threading.Event

    def stop(self, timeout: float = 30) -> None:
        self.stopping.set()
        self.thread.join(timeout)


_worker: Worker | None = None
_worker_lock = threading.Lock()


def _work(engine: sa.Engine, interval: float, stopping: threading.Event) -> None:
    last_sweep: datetime | None = None
    while not stopping.is_set():
        try:
            now = datetime.now(UTC)
            if last_sweep is None or now - last_sweep >= timedelta(hours=1):
                sweep(engine, now)
                last_sweep = now
            send_due(engine, now)
        except Exception as error:  # noqa: BLE001 - keep the thread alive; never log content
            log.error("the notification worker failed a pass (%s)", type(error).__name__)
        stopping.wait(interval)


def start_worker(engine: sa.Engine | None = None, *, interval: float = 30.0) -> Worker:
    """Start (once per process) a daemon thread that sends the due mails every ``interval``
    seconds and sweeps the reminders hourly. Safe next to other processes doing the same (each
    app worker process, the command line): jobs are claimed with leases. Errors are logged by
    class only."""
    global _worker
    with _worker_lock:
        if _worker is not None and _worker.thread.is_alive() and not _worker.stopping.is_set():
            return _worker
        from mes_app.db.engine import get_engine

        stopping = threading.Event()
        thread = threading.Thread(target=_work, args=(engine or get_engine(), interval, stopping),
                                  name="mes-notifications", daemon=True)
        _worker = Worker(thread, stopping)
        thread.start()
        return _worker
