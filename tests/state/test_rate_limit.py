"""Event handlers' rate limits: keyed by the connection's address (from the socket, not the
event), refused with a message in the page's language."""

from __future__ import annotations

from types import SimpleNamespace

from mes_app.state.rate_limit import over_limit
from mes_app.web import rate_limit
from mes_app.web.rate_limit import RateLimiter


def _state(ip: str, lang: str = "fr") -> SimpleNamespace:
    return SimpleNamespace(lang=lang, router=SimpleNamespace(session=SimpleNamespace(client_ip=ip)))


def test_registration_past_the_limit_is_refused_with_a_clear_message():
    rate_limit.set_limiter(RateLimiter({name: "2/hour" for name in rate_limit.NAMES}))
    assert over_limit(_state("10.0.0.1"), "register") is None
    assert over_limit(_state("10.0.0.1"), "register") is None
    refused = over_limit(_state("10.0.0.1"), "register")
    assert refused is not None and refused.startswith("Trop de demandes depuis cette connexion. Réessayez dans")
    assert over_limit(_state("10.0.0.1", "en"), "register").startswith("Too many requests from this connection")
    assert over_limit(_state("10.0.0.2"), "register") is None  # another address
    assert over_limit(_state("10.0.0.1"), "emergency_open") is None  # another limiter
