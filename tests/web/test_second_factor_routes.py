"""The log-in in two steps and the security page's routes (issue 15, item 3)."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from starlette.testclient import TestClient

from mes_app.services import accounts, second_factor
from mes_app.web import routes
from mes_app.web.log_redaction import COOKIE_NAME
from tests.factories import PASSWORD, PROFESSIONAL_TOTP_SECRET, make_owner, make_professional
from tests.web import use_engine

ORIGIN = "http://localhost:3000"


@pytest.fixture()
def app(engine, monkeypatch):  # noqa: ANN201
    use_engine(monkeypatch, engine)
    return routes.guard(routes.build_api())


def client_of(app) -> TestClient:  # noqa: ANN001
    return TestClient(app, base_url=ORIGIN, follow_redirects=False, headers={"Origin": ORIGIN})


def test_the_password_alone_gives_no_session_when_two_step_is_on(app, session):
    dr = make_professional(session)
    client = client_of(app)
    response = client.post("/api/login", data={"email": dr.email, "password": PASSWORD})
    assert response.status_code == 303 and response.headers["location"] == routes.SECOND_FACTOR_PAGE_PATH
    assert COOKIE_NAME not in response.cookies
    pending = response.headers["set-cookie"]
    assert "mes_2fa=" in pending and "HttpOnly" in pending and "Path=/api/login/code" in pending
    assert client.get("/api/appointments.ics").status_code == 401  # nobody is logged in yet

    wrong = client.post("/api/login/code", data={"code": "000000"})
    assert wrong.headers["location"] == "/login/code?error=error.second_factor_wrong"
    assert COOKIE_NAME not in wrong.cookies

    code = pyotp.TOTP(PROFESSIONAL_TOTP_SECRET).now()
    done = client.post("/api/login/code", data={"code": code})
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert done.cookies.get(COOKIE_NAME)

    # the same code again, on a new log-in, is refused (replay within its window)
    other = client_of(app)
    other.post("/api/login", data={"email": dr.email, "password": PASSWORD})
    replay = other.post("/api/login/code", data={"code": code})
    assert COOKIE_NAME not in replay.cookies


def test_the_code_step_needs_its_cookie_and_our_origin(app, session):
    make_professional(session)
    client = client_of(app)
    response = client.post("/api/login/code", data={"code": pyotp.TOTP(PROFESSIONAL_TOTP_SECRET).now()})
    assert response.headers["location"].startswith("/login?error=error.second_factor_expired")
    foreign = TestClient(app, base_url=ORIGIN, follow_redirects=False, headers={"Origin": "https://evil.example"})
    assert foreign.post("/api/login/code", data={"code": "123456"}).status_code == 403


def test_a_professional_without_it_is_sent_to_enrol_and_refused_elsewhere(app, session):
    dr = make_professional(session, second_factor=False)
    client = client_of(app)
    response = client.post("/api/login", data={"email": dr.email, "password": PASSWORD})
    assert response.headers["location"] == routes.SECURITY_PAGE_PATH
    assert response.cookies.get(COOKIE_NAME)
    assert client.get("/api/appointments.ics").status_code == 401  # every route refuses until enrolled


def test_a_patient_without_it_logs_in_with_the_password(app, session):
    alice = make_owner(session)
    response = client_of(app).post("/api/login", data={"email": alice.email, "password": PASSWORD})
    assert response.headers["location"] == "/" and response.cookies.get(COOKIE_NAME)


def logged_in(app, session, who) -> TestClient:  # noqa: ANN001
    client = client_of(app)
    client.post("/api/login", data={"email": who.email, "password": PASSWORD})
    return client


def test_ending_one_of_ones_sessions_and_not_someone_elses(app, session):
    alice, bob = make_owner(session), make_owner(session, "Bob Martin")
    phone, laptop = logged_in(app, session, alice), logged_in(app, session, alice)
    bobs = logged_in(app, session, bob)
    now = routes.utcnow()
    laptop_id = accounts.resolve_session(session, laptop.cookies.get(COOKIE_NAME), now=now).session_id
    bob_id = accounts.resolve_session(session, bobs.cookies.get(COOKIE_NAME), now=now).session_id
    assert phone.post("/api/account/sessions/end", data={"session": str(bob_id)}).status_code == 404
    assert accounts.resolve_session(session, bobs.cookies.get(COOKIE_NAME), now=now) is not None
    ended = phone.post("/api/account/sessions/end", data={"session": str(laptop_id)})
    assert ended.headers["location"] == "/account/security?ended=1"
    assert accounts.resolve_session(session, laptop.cookies.get(COOKIE_NAME), now=now) is None
    assert accounts.resolve_session(session, phone.cookies.get(COOKIE_NAME), now=now) is not None


def test_log_out_everywhere(app, session):
    alice = make_owner(session)
    phone, laptop = logged_in(app, session, alice), logged_in(app, session, alice)
    response = phone.post("/api/account/sessions/end-all")
    assert response.headers["location"] == "/login?bye=1"
    now = routes.utcnow()
    for client in (phone, laptop):
        assert accounts.resolve_session(session, client.cookies.get(COOKIE_NAME), now=now) is None
    assert client_of(app).post("/api/account/sessions/end-all").status_code == 401


def test_turning_off_through_the_route(app, session):
    alice = make_owner(session)
    now = routes.utcnow() - timedelta(seconds=30)
    enrolment = second_factor.start_enrolment(session, alice.id, now=now)
    recovery = second_factor.confirm_enrolment(session, alice.id, pyotp.TOTP(enrolment.secret).at(now), now=now)
    client = client_of(app)
    client.post("/api/login", data={"email": alice.email, "password": PASSWORD})
    client.post("/api/login/code", data={"code": pyotp.TOTP(enrolment.secret).now()})
    assert client.cookies.get(COOKIE_NAME)
    refused = client.post("/api/account/second-factor/off", data={"password": "nope", "code": "000000"})
    assert refused.headers["location"] == "/account/security?error=error.bad_credentials"
    assert second_factor.status(session, alice.id).on
    # the code just used to log in cannot be used again; a recovery code can
    replayed = client.post("/api/account/second-factor/off",
                           data={"password": PASSWORD, "code": pyotp.TOTP(enrolment.secret).now()})
    assert replayed.headers["location"] == "/account/security?error=error.second_factor_wrong"
    off = client.post("/api/account/second-factor/off", data={"password": PASSWORD, "code": recovery[0]})
    assert off.headers["location"] == "/account/security?off=1"
    session.expire_all()
    assert not second_factor.status(session, alice.id).on
