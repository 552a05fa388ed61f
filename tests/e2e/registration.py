"""Registering a new account as a person does: the form, the « check your mailbox » answer,
the activation mail read from the test SMTP server (the ``mailbox`` fixture), the link opened.

    register_and_activate(page, live_server, mailbox, email=..., password=..., given_name=..., ...)
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.e2e import server as mes_server
from tests.factories import PROFESSIONAL_TOTP_SECRET
from tests.smtp import Mailbox, activation_link_in

CHECK_MAILBOX = "Consultez votre boîte mail : un message vous y attend pour continuer."
ACTIVATED = "Compte activé. Connectez-vous."


def fill_registration(page: Page, base: str, *, email: str, password: str, given_name: str, family_name: str,
                      birth_date: str) -> None:
    page.goto(base + "/register")
    page.locator("input[name=given_name]").fill(given_name)
    page.locator("input[name=family_name]").fill(family_name)
    page.locator("input[name=birth_date]").fill(birth_date)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text(CHECK_MAILBOX)).to_be_visible()


def activate_from_mail(page: Page, mailbox: Mailbox, email: str) -> None:
    """Open the link of the activation mail in ``page`` and press « Activer mon compte » (opening
    the link alone activates nothing): the log-in page says it is done."""
    link = activation_link_in(mailbox.wait_for(email))
    page.goto(link)
    page.locator("#activate-submit").click()
    expect(page.get_by_text(ACTIVATED)).to_be_visible()


def register_and_activate(page: Page, base: str, mailbox: Mailbox, *, email: str, password: str, given_name: str,
                          family_name: str, birth_date: str) -> None:
    fill_registration(page, base, email=email, password=password, given_name=given_name,
                      family_name=family_name, birth_date=birth_date)
    activate_from_mail(page, mailbox, email)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def activate_by_http(mailbox: Mailbox, email: str) -> None:
    """For accounts registered over the websocket: open the mailed link without a browser, then
    post what the page's button posts, with the cookie the link set."""
    link = activation_link_in(mailbox.wait_for(email))
    parts = urlsplit(link)
    assert parts.hostname in ("localhost", "127.0.0.1")
    opened = _without_redirect(urllib.request.Request(link))
    assert opened.headers["location"] == "/activate", opened.headers
    cookie = opened.headers["set-cookie"].split(";", 1)[0]
    pressed = _without_redirect(urllib.request.Request(
        f"{parts.scheme}://{parts.netloc}{parts.path}", data=b"", method="POST",
        headers={"Cookie": cookie, "Origin": f"{parts.scheme}://{parts.netloc}"},
    ))
    assert pressed.headers["location"] == "/login?activated=1", pressed.headers


def _without_redirect(request: urllib.request.Request) -> urllib.error.HTTPError:
    try:
        urllib.request.build_opener(_NoRedirect).open(request, timeout=15)
    except urllib.error.HTTPError as answer:
        assert answer.code == 303, answer.code
        return answer
    raise AssertionError("the activation link did not redirect")


_MAKE_OPERATOR = """
import sys
from datetime import UTC, datetime
from sqlmodel import Session
from mes_app.db.engine import get_engine
from mes_app.db.models import User
from mes_app.services import secret_box
from mes_app.services.passwords import hash_password

email, password, secret = sys.argv[1:]
now = datetime.now(UTC)
with Session(get_engine()) as db:
    db.add(User(email=email, password_hash=hash_password(password), display_name="Olivia Opératrice",
                role="operator", activated_at=now, second_factor_secret=secret_box.encrypt(secret),
                second_factor_on_at=now))
    db.commit()
"""


def add_operator(email: str, password: str) -> None:
    """An operator account (two-step sign-in on, secret ``PROFESSIONAL_TOTP_SECRET``) written into
    the session's live server database by a process with the server's settings, as the
    command line would: works on SQLite and on PostgreSQL (``MES_E2E_SCALE=redis``)."""
    server = mes_server._current  # noqa: SLF001 - the session's live server, started by the fixture
    assert server is not None
    subprocess.run([sys.executable, "-c", _MAKE_OPERATOR, email, password, PROFESSIONAL_TOTP_SECRET],
                   cwd=mes_server.ROOT, env=server.env, check=True, timeout=120)


def health_strings() -> list[str]:
    """What the live server's record holds that only its patients and their carers may read: the
    children's names and the texts of every record entry (titles, coded texts, notes, lab test
    names, messages). Read by a process with the server's settings (SQLite or PostgreSQL)."""
    server = mes_server._current  # noqa: SLF001 - the session's live server, started by the fixture
    assert server is not None
    done = subprocess.run([sys.executable, "-c", _HEALTH_STRINGS], cwd=mes_server.ROOT, env=server.env,
                          check=True, timeout=120, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


_HEALTH_STRINGS = """
import json
from sqlmodel import Session, select
from mes_app.db import models as m
from mes_app.db.engine import get_engine

COLUMNS = ("title", "code_text", "code_display", "name", "note", "body", "dosage", "subject")
TABLES = (m.Encounter, m.Condition, m.Treatment, m.Hospitalisation, m.Handicap, m.Allergy, m.FamilyHistory,
          m.Habit, m.Vaccination, m.Document, m.Appointment, m.LabReport, m.LabResult, m.Message,
          m.MessageThread)
found = set()
with Session(get_engine()) as db:
    found.update(p.given_name for p in db.exec(select(m.Profile).where(m.Profile.kind == "child")))
    for table in TABLES:
        names = [c for c in COLUMNS if c in table.model_fields]
        for row in db.exec(select(table)):
            found.update(v for v in (getattr(row, c) for c in names) if isinstance(v, str) and len(v) >= 4)
print(json.dumps(sorted(found)))
"""
