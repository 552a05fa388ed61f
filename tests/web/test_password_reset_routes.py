"""Forgotten-password routes, with a real SMTP server (aiosmtpd) receiving the mail."""

from __future__ import annotations

import dataclasses
import logging
from datetime import date
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from mes_app import mail
from mes_app.db.models import AuthSession, PasswordReset
from mes_app.services import accounts
from mes_app.web import routes
from tests.factories import committed_rows, register_and_activate
from tests.smtp import reset_link_in, smtp_server
from tests.web import use_engine

EMAIL, PASSWORD = "ana@example.org", "Correct-horse-42"
NEW_PASSWORD = "Brioche-au-Miel-2027"


@pytest.fixture()
def mailbox():
    with smtp_server() as box:
        yield box


@pytest.fixture()
def client(engine, session, monkeypatch, mailbox):
    use_engine(monkeypatch, engine)
    monkeypatch.setattr(
        mail,
        "settings",
        dataclasses.replace(
            mail.settings,
            smtp_host="127.0.0.1",
            smtp_port=mailbox.port,
            smtp_starttls=False,
            mail_from="MES <no-reply@mes.test>",
            app_origin="http://localhost:3000",
        ),
    )
    reg = accounts.parse_registration(
        {
            "email": EMAIL,
            "password": PASSWORD,
            "given_name": "Ana",
            "family_name": "Lopez",
            "birth_date": "1991-04-05",
            "sex": "female",
        },
        today=date(2026, 11, 28),
    )
    register_and_activate(session, reg, now=routes.utcnow())
    with TestClient(
        routes.guard(routes.build_api()),
        base_url="http://localhost:3000",
        follow_redirects=False,
        headers={"Origin": "http://localhost:3000"},
    ) as test_client:
        yield test_client


# The test's own HTTP client and SMTP server log requests and envelopes: only the app's lines count.
TEST_SIDE_LOGGERS = ("httpx", "httpcore", "mail.log", "asyncio")


def app_log(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(TEST_SIDE_LOGGERS))


def _ask(client, email=EMAIL, **kw):
    answer = client.post("/api/password-reset/request", data={"email": email}, **kw)
    mail.wait_for_queued()
    return answer


def _open(client, link):
    parts = urlsplit(link)
    return client.get(f"{parts.path}?{parts.query}")


def _set(client, password=NEW_PASSWORD, confirm=None, **kw):
    return client.post(
        "/api/password-reset", data={"password": password, "password_confirm": confirm or password}, **kw
    )


def test_the_whole_reset_through_a_real_smtp_server(client, mailbox, session, caplog):
    caplog.set_level(logging.DEBUG)
    other_device = TestClient(
        client.app,
        base_url="http://localhost:3000",
        follow_redirects=False,
        headers={"Origin": "http://localhost:3000"},
    )
    assert other_device.post("/api/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 303
    other_secret = other_device.cookies["mes_session"]

    answer = _ask(client)
    assert answer.status_code == 303 and answer.headers["location"] == "/forgot-password?sent=1"

    message = mailbox.wait_for(EMAIL)
    assert message["From"] == "MES <no-reply@mes.test>"
    assert message["Subject"] == "MES : choisir un nouveau mot de passe"
    link = reset_link_in(message)
    assert link.startswith("http://localhost:3000/api/password-reset?t=")
    secret = link.split("t=", 1)[1]
    assert [row.token_hash for row in committed_rows(session, PasswordReset)] != [secret]

    opened = _open(client, link)
    assert opened.status_code == 303 and opened.headers["location"] == "/reset-password"  # no secret in it
    cookie = opened.headers["set-cookie"]
    assert "mes_reset=" in cookie and "HttpOnly" in cookie and "Path=/api/password-reset" in cookie
    assert "SameSite=strict" in cookie

    done = _set(client)
    assert done.status_code == 303 and done.headers["location"] == "/login?reset=1"

    # The other device's session is over; the old password no longer works, the new one does.
    assert accounts.resolve_session(session, other_secret, now=routes.utcnow()) is None
    assert all(row.revoked_at is not None for row in committed_rows(session, AuthSession))
    assert (
        client.post("/api/login", data={"email": EMAIL, "password": PASSWORD})
        .headers["location"]
        .startswith("/login?error=")
    )
    assert client.post("/api/login", data={"email": EMAIL, "password": NEW_PASSWORD}).headers["location"] == "/"
    # The same link once more: refused.
    _open(client, link)
    again = _set(client, "Encore-Un-Autre-2028")
    assert again.headers["location"] == "/reset-password?status=invalid"
    assert _open(client, link).headers["location"] == "/reset-password?status=invalid"

    logged = app_log(caplog)
    assert "a password-reset e-mail was sent" in logged
    assert secret not in logged and EMAIL not in logged and NEW_PASSWORD not in logged


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, mailbox):
    known = _ask(client)
    unknown = _ask(client, "nobody@example.org")
    malformed = _ask(client, "not an address")
    mailbox.wait_for(EMAIL)
    for answer in (unknown, malformed):
        assert answer.status_code == known.status_code
        assert answer.headers["location"] == known.headers["location"]
        assert answer.content == known.content
        assert sorted(answer.headers.keys()) == sorted(known.headers.keys())
    assert mailbox.to("nobody@example.org") == [] and len(mailbox.messages) == 1


def test_an_address_gets_at_most_three_mails_an_hour_and_the_same_answer(client, mailbox):
    """Nobody can flood someone's mailbox; the fourth ask looks exactly like the others."""
    answers = [_ask(client) for _ in range(4)]
    mailbox.wait_for(EMAIL, count=3)
    assert {a.status_code for a in answers} == {303}
    assert {a.headers["location"] for a in answers} == {answers[0].headers["location"]}
    assert len(mailbox.to(EMAIL)) == 3


def test_the_mail_follows_the_asker_s_language(client, mailbox):
    _ask(client, cookies={"mes_lang": "en"})
    message = mailbox.wait_for(EMAIL)
    assert message["Subject"] == "MES: choose a new password"
    assert "within 30 minutes" in message.get_body(("plain",)).get_content()


def test_a_newer_link_ends_the_older_one(client, mailbox):
    _ask(client)
    _ask(client)
    first, second = reset_link_in(mailbox.wait_for(EMAIL)), reset_link_in(mailbox.wait_for(EMAIL, count=2))
    assert _open(client, first).headers["location"] == "/reset-password?status=invalid"
    assert _open(client, second).headers["location"] == "/reset-password"


def test_a_weak_password_sends_back_to_the_form_with_the_link_still_usable(client, mailbox):
    _ask(client)
    _open(client, reset_link_in(mailbox.wait_for(EMAIL)))
    assert _set(client, "court").headers["location"] == "/reset-password?error=error.weak_password"
    assert _set(client, NEW_PASSWORD, NEW_PASSWORD + "!").headers["location"] == (
        "/reset-password?error=error.passwords_differ"
    )
    assert _set(client).headers["location"] == "/login?reset=1"


def test_the_answer_does_not_wait_for_the_mail(client, mailbox, monkeypatch):
    import threading

    release = threading.Event()
    real = routes._send_reset_mail
    monkeypatch.setattr(routes, "_send_reset_mail", lambda *a: (release.wait(10), real(*a)))
    answer = client.post("/api/password-reset/request", data={"email": EMAIL})
    assert answer.headers["location"] == "/forgot-password?sent=1"
    assert mailbox.messages == []  # answered while the look-up and the mail still wait
    release.set()
    mailbox.wait_for(EMAIL)


def test_posting_without_the_link_or_from_another_site_is_refused(client, mailbox):
    assert _set(client).headers["location"] == "/reset-password?status=invalid"
    _ask(client)
    _open(client, reset_link_in(mailbox.wait_for(EMAIL)))
    assert _set(client, headers={"Origin": "https://evil.example"}).status_code == 403
    assert _ask(client, headers={"Origin": "https://evil.example"}).status_code == 403
    assert len(mailbox.messages) == 1
    assert client.post("/api/login", data={"email": EMAIL, "password": PASSWORD}).headers["location"] == "/"


def test_without_smtp_host_the_catch_all_logs_only_that_a_mail_was_sent(client, mailbox, monkeypatch, caplog):
    monkeypatch.setattr(mail, "settings", dataclasses.replace(mail.settings, smtp_host=""))
    caplog.set_level(logging.DEBUG)
    _ask(client)
    logged = app_log(caplog)
    assert "a password-reset e-mail was sent" in logged
    assert EMAIL not in logged and "t=" not in logged and "password-reset?" not in logged
    assert mailbox.messages == []


def test_an_unreachable_smtp_server_is_logged_without_the_address(client, mailbox, monkeypatch, caplog):
    monkeypatch.setattr(mail, "settings", dataclasses.replace(mail.settings, smtp_port=1))
    caplog.set_level(logging.DEBUG)
    assert _ask(client).headers["location"] == "/forgot-password?sent=1"
    logged = app_log(caplog)
    assert "could not be sent (ConnectionRefusedError)" in logged
    assert EMAIL not in logged


def test_a_failed_login_keeps_the_address_in_a_short_lived_httponly_cookie_not_the_url(client):
    refused = client.post("/api/login", data={"email": EMAIL, "password": "Wrong-pass-000"})
    assert EMAIL not in refused.headers["location"]
    cookie = refused.headers["set-cookie"]
    assert "mes_login_email=" in cookie and "HttpOnly" in cookie and "Max-Age=300" in cookie
    header = f"mes_login_email={refused.cookies['mes_login_email']}"
    assert routes.login_email_from_cookie_header(header) == EMAIL
    ok = client.post("/api/login", data={"email": EMAIL, "password": PASSWORD})
    assert 'mes_login_email=""' in ok.headers.get("set-cookie", "") or "Max-Age=0" in ok.headers.get("set-cookie", "")


def test_login_email_cookie_parsing_is_defensive():
    for header in (
        None,
        "",
        "garbage;;;==",
        "mes_login_email=%%%",
        "mes_login_email=" + "A" * 500,
        "mes_login_email=AAEC",
    ):
        assert routes.login_email_from_cookie_header(header) == ""
