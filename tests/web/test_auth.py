"""The auth module as a browser (or an attacker) meets it: cookies it cannot forge into
someone else's identity, sessions looked up in the database, the end of a session reaching
whoever registered for it."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta

import pytest

from mes_app.services import accounts
from mes_app.web import auth
from tests.factories import make_owner


@pytest.mark.parametrize("header", [None, "", "garbage;;;==", "mes_sessionX=abc", 42, ["mes_session=abc"]])
def test_no_session_secret_in_a_missing_or_malformed_header(header):
    assert auth.session_secret(header) is None


def test_the_session_secret_is_read_from_its_own_cookie_only():
    assert auth.session_secret("a=1; mes_session=abc; b=2") == "abc"
    assert auth.session_secret("not_mes_session=abc") is None


@pytest.mark.parametrize("header, lang", [("mes_lang=en", "en"), ('mes_lang="fr"', "fr"), ("mes_lang=de", "fr"),
                                          ("mes_lang=<script>", "fr"), (None, "fr"), ("garbage;;;==", "fr")])
def test_the_language_is_one_of_ours_whatever_the_cookie_says(header, lang):
    assert auth.lang_from_cookie_header(header) == lang


def test_the_login_email_cookie_gives_back_only_a_printable_address():
    encoded = base64.urlsafe_b64encode(b"alice@example.org").decode()
    assert auth.login_email_from_cookie_header(f"mes_login_email={encoded}") == "alice@example.org"
    forged = base64.urlsafe_b64encode(b"alice@example.org\n<b>").decode()
    assert auth.login_email_from_cookie_header(f"mes_login_email={forged}") == ""
    assert auth.login_email_from_cookie_header("mes_login_email=%%%") == ""
    assert auth.login_email_from_cookie_header("mes_login_email=" + "A" * 500) == ""


def test_resolve_gives_the_account_of_a_live_session_and_nothing_else(session, now):
    alice = make_owner(session)
    secret = accounts.open_session(session, alice.user, now=now, lifetime=timedelta(hours=1))
    identity = auth.resolve(session, f"mes_lang=fr; mes_session={secret}", now)
    assert identity is not None and identity.user_id == alice.user.id
    assert auth.actor_of(identity).user_id == alice.user.id
    assert auth.resolve(session, f"mes_session={secret}", now + timedelta(hours=2)) is None  # expired
    assert auth.resolve(session, "mes_session=" + secret[:-1], now) is None
    accounts.revoke_session(session, secret, now=now)
    assert auth.resolve(session, f"mes_session={secret}", now) is None


def test_the_end_of_a_session_reaches_every_registered_hook_once(monkeypatch):
    monkeypatch.setattr(auth, "_session_end_hooks", [])
    ended: list[int] = []

    async def hook(session_id: int) -> None:
        ended.append(session_id)

    auth.on_session_end(hook)
    auth.on_session_end(hook)  # registering twice (two app builds) does not wipe twice
    asyncio.run(auth.sessions_ended([7, 9]))
    assert ended == [7, 9]


def test_same_origin_is_the_rule_of_the_origin_module():
    assert auth.same_origin({"origin": "http://localhost:3000"})
    assert not auth.same_origin({"origin": "https://evil.example"})
    assert not auth.same_origin({"origin": "null"})
