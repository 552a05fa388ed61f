"""Rate limits in websocket event handlers: the same limiters as the routes
(:mod:`mes_app.web.rate_limit`), keyed by the connection's client address (Reflex reads it from
the socket, or from X-Forwarded-For behind ``MES_TRUSTED_PROXY_HOPS`` proxies — never from the
event's payload)."""

from __future__ import annotations

import reflex as rx

from mes_app import i18n
from mes_app.web import rate_limit


def over_limit(state: rx.State, name: str) -> str | None:
    """The refusal to show when this connection's client is over limiter ``name``, else None."""
    refusal = rate_limit.limiter().hit(name, state.router.session.client_ip)
    if refusal is None:
        return None
    lang = getattr(state, "lang", i18n.DEFAULT_LANG)
    return rate_limit.refusal_text(lang if lang in i18n.LANGS else i18n.DEFAULT_LANG, refusal.retry_after_seconds)
