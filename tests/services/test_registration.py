"""Registration with a confirmed address: pending accounts, the 24 h single-use activation link,
the same result for a new and a known address."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import Session

from mes_app.db.models import AccountActivation, Profile, User
from mes_app.services import accounts, password_reset, registration
from mes_app.services.accounts import LoginRefused
from tests.factories import committed_count, committed_rows, make_owner

FORM = {
    "email": "Nina.Roux@Example.org", "password": "Gateau-aux-Noix-2026", "given_name": "Nina",
    "family_name": "Roux", "birth_date": "1988-03-02", "sex": "female",
}
EMAIL = "nina.roux@example.org"


def _reg(now, **changes) -> accounts.Registration:
    return accounts.parse_registration({**FORM, **changes}, today=now.date())


def _login(session: Session, now, email=EMAIL, password=FORM["password"]) -> User:
    return accounts.authenticate(session, email=email, password=password, now=now)


def _refusal(session: Session, now, **kw) -> str:
    with pytest.raises(LoginRefused) as caught:
        _login(session, now, **kw)
    return caught.value.code


def test_a_new_address_makes_a_pending_account_and_an_activation_link(session, now):
    sent = registration.sign_up(session, _reg(now), now=now, lang="en")

    assert (sent.kind, sent.to, sent.lang) == (registration.ACTIVATE, EMAIL, "en")
    assert sent.expires_at == now + timedelta(hours=24)
    [user] = committed_rows(session, User)
    assert user.activated_at is None and user.locale == "en"
    assert committed_count(session, Profile) == 1


def test_only_the_hash_of_the_secret_is_stored(session, now):
    sent = registration.sign_up(session, _reg(now), now=now)
    [row] = committed_rows(session, AccountActivation)
    assert row.token_hash == hashlib.sha256(sent.secret.encode()).hexdigest()
    assert sent.secret not in row.token_hash


def test_a_pending_account_is_refused_like_a_wrong_password_until_activated(session, now):
    sent = registration.sign_up(session, _reg(now), now=now)
    pending = _refusal(session, now)
    wrong = _refusal(session, now, email="nobody@example.org")
    assert pending == wrong == "error.bad_credentials"

    user_id = registration.activate(session, sent.secret, now=now + timedelta(minutes=5))
    assert user_id is not None
    assert _login(session, now + timedelta(minutes=6)).id == user_id


def test_the_link_serves_once(session, now):
    sent = registration.sign_up(session, _reg(now), now=now)
    assert registration.activate(session, sent.secret, now=now) is not None
    assert registration.activate(session, sent.secret, now=now) is None
    [row] = committed_rows(session, AccountActivation)
    assert row.used_at is not None


def test_the_link_expires_after_24_hours(session, now):
    sent = registration.sign_up(session, _reg(now), now=now)
    assert registration.activate(session, sent.secret, now=now + timedelta(hours=24)) is None
    [user] = committed_rows(session, User)
    assert user.activated_at is None
    assert registration.activate(session, sent.secret, now=now + timedelta(hours=23, minutes=59)) is not None


@pytest.mark.parametrize("secret", [None, "", "x" * 500, "not-a-link", 42])
def test_unknown_links_activate_nothing(session, now, secret):
    registration.sign_up(session, _reg(now), now=now)
    assert registration.activate(session, secret, now=now) is None
    [user] = committed_rows(session, User)
    assert user.activated_at is None


def test_a_known_address_changes_nothing_and_gets_the_other_mail(session, now):
    owner = make_owner(session, "Léa Martin", email="lea@example.org")
    before = (owner.user.password_hash, owner.user.display_name, owner.user.activated_at)

    sent = registration.sign_up(session, _reg(now, email="LEA@example.org", given_name="Eve"), now=now, lang="fr")

    assert (sent.kind, sent.to, sent.secret) == (registration.ALREADY_REGISTERED, "lea@example.org", None)
    [user] = committed_rows(session, User)
    assert (user.password_hash, user.display_name, user.activated_at) == before
    assert committed_count(session, AccountActivation) == 0
    assert committed_count(session, Profile) == 1


def test_registering_a_pending_address_again_changes_nothing(session, now):
    first = registration.sign_up(session, _reg(now), now=now)
    again = registration.sign_up(session, _reg(now, password="Autre-Mot-de-Passe-99"), now=now)
    assert again.kind == registration.ALREADY_REGISTERED
    assert committed_count(session, User) == 1
    assert registration.activate(session, first.secret, now=now) is not None
    assert _login(session, now).email == EMAIL  # the first password, not the second


def test_a_password_reset_activates_a_pending_account(session, now):
    registration.sign_up(session, _reg(now), now=now)
    reset = password_reset.request_reset(session, EMAIL, now=now)
    password_reset.reset_password(session, reset.secret, "Nouveau-Mot-2027!", confirm="Nouveau-Mot-2027!", now=now)
    assert _login(session, now, password="Nouveau-Mot-2027!").email == EMAIL
