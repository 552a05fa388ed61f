"""Registration and the activation link, with a real SMTP server (aiosmtpd) receiving the mails.

The registration form is a Reflex event handler: it is called here with a stand-in state (its
client address and language are all it reads), its answer compared byte for byte."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from reflex.utils.format import format_event
from sqlmodel import Session, select
from starlette.testclient import TestClient

from mes_app import i18n, mail
from mes_app.db.models import AccountActivation, User
from mes_app.services import accounts
from mes_app.state import auth as auth_state
from mes_app.web import account_routes, rate_limit, routes
from tests.factories import committed_rows, make_owner
from tests.smtp import activation_link_in, smtp_server
from tests.web import use_engine

FORM = {
    "email": "nina.roux@example.org", "password": "Gateau-aux-Noix-2026", "given_name": "Nina",
    "family_name": "Roux", "birth_date": "1988-03-02", "sex": "female",
}
KNOWN = "lea@example.org"


@pytest.fixture()
def mailbox():
    with smtp_server() as box:
        yield box


@pytest.fixture()
def app(engine, monkeypatch, mailbox):
    use_engine(monkeypatch, engine)
    monkeypatch.setattr(auth_state, "new_session", lambda: Session(engine))
    monkeypatch.setattr(mail, "settings", dataclasses.replace(
        mail.settings, smtp_host="127.0.0.1", smtp_port=mailbox.port, smtp_starttls=False,
        mail_from="MES <no-reply@mes.test>", app_origin="http://localhost:3000",
    ))
    with TestClient(routes.guard(routes.build_api()), base_url="http://localhost:3000",
                    follow_redirects=False, headers={"Origin": "http://localhost:3000"}) as client:
        yield client


def _state(lang: str = "fr", ip: str = "10.1.1.1") -> SimpleNamespace:
    fake = SimpleNamespace(error="", lang=lang, router=SimpleNamespace(session=SimpleNamespace(client_ip=ip)))
    fake._lang = lambda: lang
    fake._text = lambda key, **kw: i18n.t(key, lang, **kw)
    return fake


def _register(form=None, lang="fr", ip="10.1.1.1"):
    """The handler's answer as the browser receives it, and the state it leaves."""
    state = _state(lang, ip)
    answer = auth_state.RegisterState.submit.fn(state, {**FORM, **(form or {})})
    mail.wait_for_queued()
    return format_event(answer) if answer is not None else None, state.error


def _open(client, link):
    """Open the mailed link as a mail client does, then press the page's button (same origin)."""
    parts = urlsplit(link)
    opened = client.get(f"{parts.path}?{parts.query}")
    if opened.headers["location"] != account_routes.CONFIRM_PAGE_PATH:
        return opened
    return client.post(account_routes.ACTIVATE_PATH, headers={"Origin": "http://localhost:3000"})


def test_a_new_address_gets_an_activation_link_that_activates_once(app, mailbox, session):
    answer, error = _register()
    assert error == "" and "/login?registered=1" in answer

    message = mailbox.wait_for(FORM["email"])
    assert message["Subject"] == i18n.t("activation.mail_subject", "fr")
    link = activation_link_in(message)
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate(session, email=FORM["email"], password=FORM["password"], now=routes.utcnow())

    opened = _open(app, link)
    assert opened.status_code == 303 and opened.headers["location"] == "/login?activated=1"
    assert opened.headers["cache-control"] == "no-store"
    assert accounts.authenticate(session, email=FORM["email"], password=FORM["password"], now=routes.utcnow())

    again = _open(app, link)
    assert again.headers["location"] == "/login?activation=invalid"
    # The link is not in the database: only its hash.
    secret = urlsplit(link).query.split("=", 1)[1]
    assert all(secret not in row.token_hash for row in committed_rows(session, AccountActivation))


def test_opening_the_link_activates_nothing_until_the_button_is_pressed(app, mailbox, session):
    """A mail scanner or a link preview GETs every link: that must not activate an account for an
    address whose owner never clicked (someone registering with another person's address)."""
    _register()
    parts = urlsplit(activation_link_in(mailbox.wait_for(FORM["email"])))
    for _ in range(2):  # the scanner, then the link preview
        opened = app.get(f"{parts.path}?{parts.query}")
        assert opened.status_code == 303 and opened.headers["location"] == "/activate"
        cookie = opened.headers["set-cookie"]
        assert "HttpOnly" in cookie and "Path=/api/activate" in cookie and "SameSite=strict" in cookie
    session.expire_all()
    assert session.exec(select(User).where(User.email == FORM["email"])).one().activated_at is None

    from_elsewhere = app.post(account_routes.ACTIVATE_PATH, headers={"Origin": "https://evil.example"})
    assert from_elsewhere.status_code == 403
    session.expire_all()
    assert session.exec(select(User).where(User.email == FORM["email"])).one().activated_at is None

    pressed = app.post(account_routes.ACTIVATE_PATH, headers={"Origin": "http://localhost:3000"})
    assert pressed.status_code == 303 and pressed.headers["location"] == "/login?activated=1"
    assert 'mes_activation=""' in pressed.headers["set-cookie"]  # the secret is forgotten
    session.expire_all()
    assert session.exec(select(User).where(User.email == FORM["email"])).one().activated_at is not None


def test_pressing_the_button_without_a_link_activates_nothing(app):
    answer = app.post(account_routes.ACTIVATE_PATH, headers={"Origin": "http://localhost:3000"})
    assert answer.status_code == 303 and answer.headers["location"] == "/login?activation=invalid"


def test_unknown_links_get_the_same_neutral_answer(app):
    for query in ("?t=nope", "?t=", "", "?t=" + "a" * 300):
        answer = app.get(account_routes.ACTIVATE_PATH + query)
        assert answer.status_code == 303 and answer.headers["location"] == "/login?activation=invalid"


def test_new_and_known_addresses_get_byte_identical_answers(app, mailbox, session):
    make_owner(session, "Léa Martin", email=KNOWN)
    [known_before] = session.exec(select(User).where(User.email == KNOWN)).all()
    hash_before = known_before.password_hash

    new_answer = _register()
    known_answer = _register({"email": KNOWN})
    assert new_answer == known_answer
    assert new_answer[0] is not None

    taken = mailbox.wait_for(KNOWN)
    body = taken.get_body(("plain",)).get_content()
    assert taken["Subject"] == i18n.t("activation.taken_mail_subject", "fr")
    assert "http://localhost:3000/login" in body and "http://localhost:3000/forgot-password" in body
    assert "/api/activate" not in body and "/api/password-reset" not in body
    assert "Nina" not in body and "1988" not in body  # nothing of what was typed
    session.expire_all()
    known = session.exec(select(User).where(User.email == KNOWN)).one()
    assert known.password_hash == hash_before and known.activated_at is not None


def test_the_mail_follows_the_page_s_language(app, mailbox):
    _register(lang="en")
    message = mailbox.wait_for(FORM["email"])
    assert message["Subject"] == i18n.t("activation.mail_subject", "en")


def test_at_most_three_registration_mails_an_hour_per_address_and_the_same_answer(app, mailbox, session):
    make_owner(session, "Léa Martin", email=KNOWN)
    answers = {_register({"email": KNOWN}, ip=f"10.2.0.{n}") for n in range(5)}
    assert len(answers) == 1 and next(iter(answers))[1] == ""
    mailbox.wait_for(KNOWN, count=3)
    mail.wait_for_queued()
    assert len(mailbox.to(KNOWN)) == 3


def test_a_weak_password_is_refused_before_anything_is_sent(app, mailbox, session):
    answer, error = _register({"password": "court"})
    assert answer is None and error
    mail.wait_for_queued()
    assert mailbox.to(FORM["email"]) == []
    assert committed_rows(session, User) == []


def test_the_register_limit_per_client_still_applies(app, mailbox):
    names = (*rate_limit.NAMES, "registration_mail", "password_reset_mail")
    rate_limit.set_limiter(rate_limit.RateLimiter({name: "1/hour" for name in names}))
    _register({"email": "a@example.org"})
    answer, error = _register({"email": "b@example.org"})
    assert answer is None and error.startswith("Trop de demandes")
