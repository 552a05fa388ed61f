"""Rate limits as a client (or a script) sees them: 429, Retry-After, a French/English message;
counts shared across workers through Redis; the client address not taken from a forged header."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time

import pytest
import redis
from starlette.testclient import TestClient

from mes_app.web import measure_import as measure_route
from mes_app.web import rate_limit, routes, share_routes
from mes_app.web.rate_limit import RateLimiter
from tests.factories import PASSWORD, make_owner
from tests.web import use_engine

ORIGIN = "http://localhost:3000"
REDIS_URL = "redis://127.0.0.1:6379/0"
LOW = {name: "1000/minute" for name in rate_limit.NAMES}


def _low(**limits: str) -> RateLimiter:
    limiter = RateLimiter({**LOW, **limits})
    rate_limit.set_limiter(limiter)
    return limiter


@pytest.fixture()
def client(engine, session, monkeypatch):
    use_engine(monkeypatch, engine)
    return TestClient(
        routes.guard(routes.build_api()), base_url=ORIGIN, follow_redirects=False, headers={"Origin": ORIGIN}
    )


# --------------------------------------------------------------------------- the limiter itself


def test_the_limiter_refuses_past_the_limit_and_says_when_to_come_back():
    limiter = RateLimiter({**LOW, "login": "3/minute"})
    assert [limiter.hit("login", "10.0.0.1") for _ in range(3)] == [None, None, None]
    refusal = limiter.hit("login", "10.0.0.1")
    assert refusal is not None and 55 <= refusal.retry_after_seconds <= 60
    assert limiter.hit("login", "10.0.0.2") is None  # another client has its own budget
    assert limiter.hit("upload", "10.0.0.1") is None  # and so has another limiter


def test_every_window_of_a_limit_counts_and_a_refused_request_uses_up_nothing():
    limiter = RateLimiter({**LOW, "login": "2/second;3/hour"})
    assert limiter.hit("login", "c") is None and limiter.hit("login", "c") is None
    assert limiter.hit("login", "c").retry_after_seconds == 1
    time.sleep(1.05)
    assert limiter.hit("login", "c") is None
    refusal = limiter.hit("login", "c")
    assert refusal.retry_after_seconds > 3000  # the hour window now


def test_the_redis_backend_is_shared_by_two_workers():
    prefix = "mes-test-" + secrets.token_hex(6)
    worker_a = RateLimiter({**LOW, "passcode": "3/minute"}, REDIS_URL, key_prefix=prefix)
    worker_b = RateLimiter({**LOW, "passcode": "3/minute"}, REDIS_URL, key_prefix=prefix)
    try:
        assert worker_a.hit("passcode", "10.1.1.1") is None
        assert worker_b.hit("passcode", "10.1.1.1") is None
        assert worker_a.hit("passcode", "10.1.1.1") is None
        refused = worker_b.hit("passcode", "10.1.1.1")
        assert refused is not None and refused.retry_after_seconds > 0
        keys = redis.Redis.from_url(REDIS_URL).keys(prefix + "*")
        assert keys and all(b"10.1.1.1" not in k for k in keys)  # addresses are stored hashed
    finally:
        worker_a.reset()
    assert not redis.Redis.from_url(REDIS_URL).keys(prefix + "*")


def test_redis_down_lets_requests_through_rather_than_locking_everyone_out():
    limiter = RateLimiter({**LOW, "login": "1/minute"}, "redis://127.0.0.1:1/0")
    assert limiter.hit("login", "c") is None and limiter.hit("login", "c") is None


async def test_a_redis_hit_waits_off_the_loop_and_refuses_as_before():
    """Before: the routes called the Redis-backed hit on the event loop, so while its round
    trips waited no other client of the worker was served. Here the store blocks until another
    coroutine of the same loop releases it: that coroutine must get to run during the hit."""
    prefix = "mes-test-" + secrets.token_hex(6)
    limiter = RateLimiter({**LOW, "login": "2/minute"}, REDIS_URL, key_prefix=prefix)
    rate_limit.set_limiter(limiter)
    entered, released = threading.Event(), threading.Event()
    seen: list[str] = []
    strategy = limiter._strategy  # noqa: SLF001 - the store's round trips, made slow
    original_test = strategy.test

    def blocking_test(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if not entered.is_set():
            entered.set()
            # the fail-safe timeout only ends the test when the loop is blocked
            seen.append("released during the hit" if released.wait(10) else "loop blocked")
        return original_test(*args, **kwargs)

    strategy.test = blocking_test  # type: ignore[method-assign]

    async def other_client() -> None:
        while not entered.is_set():
            await asyncio.sleep(0)
        seen.append("other client served")
        released.set()

    try:
        first, _ = await asyncio.gather(rate_limit.check("login", "10.2.2.2"), other_client())
        assert first is None
        assert seen == ["other client served", "released during the hit"]
        assert await rate_limit.check("login", "10.2.2.2") is None
        refused = await rate_limit.check("login", "10.2.2.2")
        assert refused is not None and refused.retry_after_seconds > 0
        assert await rate_limit.check("login", "10.2.2.3") is None  # another client, its own budget
    finally:
        strategy.test = original_test  # type: ignore[method-assign]
        limiter.reset()


@pytest.mark.parametrize(
    "peer, forwarded, hops, expected",
    [
        ("10.0.0.9", None, 0, "10.0.0.9"),
        ("10.0.0.9", "203.0.113.5", 0, "10.0.0.9"),  # no proxy configured: the header is ignored
        ("10.0.0.9", "1.2.3.4, 203.0.113.5", 1, "203.0.113.5"),  # the client wrote 1.2.3.4 itself
        ("10.0.0.9", "1.2.3.4, 203.0.113.5, 10.0.0.2", 2, "203.0.113.5"),
        ("10.0.0.9", "203.0.113.5", 2, "10.0.0.9"),  # fewer entries than proxies: not trusted
        (None, None, 0, "unknown"),
    ],
)
def test_the_client_address_trusts_x_forwarded_for_only_behind_configured_proxies(peer, forwarded, hops, expected):
    assert rate_limit.client_address(peer, forwarded, hops) == expected


# --------------------------------------------------------------------------- routes


def test_login_answers_429_with_retry_after_and_a_bilingual_message(client, session):
    """Before: no limit on the log-in route."""
    alice = make_owner(session)
    _low(login="3/minute")
    for _ in range(3):
        assert client.post("/api/login", data={"email": alice.email, "password": "Wrong-pass-000"}).status_code == 303
    response = client.post("/api/login", data={"email": alice.email, "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert "Trop de demandes" in response.text and "Too many requests" in response.text
    assert "set-cookie" not in response.headers


def test_a_forged_x_forwarded_for_does_not_reset_the_login_limit(client, session):
    _low(login="2/minute")
    for n in range(2):
        client.post(
            "/api/login", data={"email": "x@example.org", "password": "p"}, headers={"x-forwarded-for": f"9.9.9.{n}"}
        )
    refused = client.post(
        "/api/login", data={"email": "x@example.org", "password": "p"}, headers={"x-forwarded-for": "8.8.8.8"}
    )
    assert refused.status_code == 429


def test_the_login_throttle_counts_per_client_behind_a_trusted_proxy(client, session, monkeypatch):
    """Behind one proxy, two people on two addresses are two clients for the throttle: the
    attacker's ten failures lock the attacker, not the owner."""
    from dataclasses import replace
    from datetime import timedelta

    alice = make_owner(session)
    monkeypatch.setattr(rate_limit, "settings", replace(rate_limit.settings, trusted_proxy_hops=1))
    clock = [routes.utcnow()]
    monkeypatch.setattr(routes, "utcnow", lambda: clock[0])
    attacker = {"x-forwarded-for": "203.0.113.66"}
    for _ in range(10):
        clock[0] += timedelta(minutes=2)  # patient enough for every wait
        client.post("/api/login", data={"email": alice.email, "password": "Wrong-pass-000"}, headers=attacker)
    locked = client.post("/api/login", data={"email": alice.email, "password": PASSWORD}, headers=attacker)
    assert "error=error.account_locked" in locked.headers["location"]
    owner = client.post(
        "/api/login", data={"email": alice.email, "password": PASSWORD}, headers={"x-forwarded-for": "198.51.100.7"}
    )
    assert owner.status_code == 303 and owner.headers["location"] == "/"


def test_uploads_answer_429_with_a_message_the_page_shows(client, session):
    alice = make_owner(session)
    client.post("/api/login", data={"email": alice.email, "password": PASSWORD})
    _low(upload="2/minute")
    for _ in range(2):
        assert client.post("/api/documents", files={"file": ("a.pdf", b"%PDF", "application/pdf")}).status_code != 429
    refused = client.post("/api/documents", files={"file": ("a.pdf", b"%PDF", "application/pdf")})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert refused.json()["code"] == "error.rate_limited_later"
    # the measure import shares the upload budget
    imported = client.post(
        measure_route.PATH,
        data={"profile": str(alice.profile.id), "mode": "preview"},
        files={"file": ("m.csv", b"date,weight\n", "text/csv")},
    )
    assert imported.status_code == 429 and "Trop de demandes" in imported.json()["message"]


def test_the_health_links_manifest_answers_429_to_a_passcode_guesser(client, session):
    _low(passcode="3/minute")
    path = share_routes.MANIFEST_PATH.replace("{secret}", "x" * 43)
    for _ in range(3):
        assert client.post(path, json={"recipient": "r", "passcode": "0000"}).status_code == 404
    refused = client.post(path, json={"recipient": "r", "passcode": "0000"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert refused.headers["access-control-allow-origin"] == "*"  # a viewer on another site can read why
    assert "Too many requests" in refused.text


def test_the_default_limits_let_a_family_log_in_and_out_many_times(client, session):
    alice = make_owner(session)
    for _ in range(15):
        response = client.post("/api/login", data={"email": alice.email, "password": PASSWORD})
        assert response.status_code == 303 and response.headers["location"] == "/"
