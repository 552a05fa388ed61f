"""``python -m mes_app notifications run`` as an administrator runs it, killed with SIGKILL in
the middle of a batch (while talking to a slow SMTP server) and restarted: every recipient gets
every mail, and exactly once (issue 15 item 2)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from sqlmodel import Session, col, select

from mes_app.db.models import NotificationJob
from mes_app.domain.notifications import Kind
from mes_app.services import notifications
from tests.factories import make_owner
from tests.smtp import Mailbox, smtp_server

ROOT = Path(__file__).resolve().parents[2]
OWNERS = 10
EVENTS_EACH = 3
LEASE_SECONDS = 2
RCPT_DELAY = 0.15  # seconds: the server is slow to accept each recipient


class SlowMailbox(Mailbox):
    """A real SMTP server that takes its time before accepting a recipient, and tells the test
    when the ``kill_at``-th recipient is being considered (the worker is then mid-transaction)."""

    def __init__(self) -> None:
        super().__init__()
        self.rcpts = 0
        self.kill_at = 0
        self.mid_send = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        self.rcpts += 1
        if self.rcpts == self.kill_at:
            self.mid_send.set()
        await asyncio.sleep(RCPT_DELAY)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def arm(self, at: int) -> None:
        self.kill_at = at
        self.mid_send.clear()


def environment(database_url: str, data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MES_")}
    env.update(MES_DATABASE_URL=database_url, MES_DATA_DIR=str(data_dir), MES_SMTP_HOST="127.0.0.1",
               MES_SMTP_PORT=str(port), MES_SMTP_STARTTLS="false", MES_APP_ORIGIN="https://mes.example.org",
               MES_SECOND_FACTOR_KEY=os.environ["MES_SECOND_FACTOR_KEY"], REFLEX_TELEMETRY_ENABLED="false")
    return env


def command() -> list[str]:
    return [sys.executable, "-m", "mes_app", "notifications", "run", "--once", "--batch", "4",
            "--lease", str(LEASE_SECONDS)]


def held_unsent(engine) -> int:  # noqa: ANN001
    with Session(engine) as db:
        return len(db.exec(select(NotificationJob.id).where(
            col(NotificationJob.sent_at).is_(None), col(NotificationJob.claimed_until).is_not(None))).all())


def kill_mid_send(box: SlowMailbox, env: dict[str, str], at: int) -> None:
    box.arm(at)
    worker = subprocess.Popen(command(), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert box.mid_send.wait(timeout=120), "the worker never reached that mail"
    time.sleep(RCPT_DELAY / 3)  # well inside the server's delay: the mail is claimed, not accepted
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL


def test_killed_mid_batch_and_restarted_every_recipient_gets_each_mail_exactly_once(session, database_url,
                                                                                    tmp_path, now):
    owners = [make_owner(session, f"Patient {n}") for n in range(OWNERS)]
    for owner in owners:
        for event in range(EVENTS_EACH):
            notifications.notify(session, owner.profile.id, Kind.DOCUMENT, f"doc{event}", now)
    digest_owner = make_owner(session, "Weekly Reader")
    for event in range(4):  # a weekly digest that is due: four jobs, one mail
        notifications.notify(session, digest_owner.profile.id, Kind.MESSAGE, f"msg{event}", now)
    session.commit()
    for job in session.exec(select(NotificationJob).where(NotificationJob.user_id == digest_owner.id)):
        job.digest_key = f"weekly:{digest_owner.id}:test"
        session.add(job)
    session.commit()
    expected_mails = OWNERS * EVENTS_EACH + 1
    engine = session.get_bind()

    box = SlowMailbox()
    with smtp_server(box):
        env = environment(database_url, tmp_path, box.port)
        kill_mid_send(box, env, at=6)  # first worker: killed in the middle of its second batch
        assert 4 <= len(box.messages) < 6
        assert held_unsent(engine) == 1  # the mail it was sending: claimed, never accepted
        time.sleep(LEASE_SECONDS + 0.5)  # that lease runs out
        kill_mid_send(box, env, at=18)  # a second worker picks it up, and is killed too
        assert len(box.messages) < 18 and held_unsent(engine) == 1
        time.sleep(LEASE_SECONDS + 0.5)
        last = subprocess.run(command(), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert last.returncode == 0, last.stderr

        jobs = list(session.exec(select(NotificationJob).execution_options(populate_existing=True)))
        assert all(job.sent_at is not None for job in jobs)
        groups: dict[str, list[NotificationJob]] = {}
        for job in jobs:
            groups.setdefault(job.digest_key or f"job{job.id}", []).append(job)
        expected_ids = sorted(f"<notification-{min(j.id for j in group)}@localhost>" for group in groups.values())
        received = Counter(str(m["Message-ID"]) for m in box.messages)
        assert len(box.messages) >= expected_mails
        assert sorted(received) == expected_ids  # every job's mail arrived...
        assert set(received.values()) == {1}  # ... once
        for owner in owners:
            assert len(box.to(owner.email)) >= EVENTS_EACH
        assert len(box.to(digest_owner.email)) == 1
