"""Rate limits per client: one module for the HTTP routes and the websocket event handlers.

Limiters by name (limits from ``settings.rate_limits``, env ``MES_RATE_LIMIT_<NAME>``, in the
``limits`` notation, e.g. ``"20/minute;200/hour"``):

========================  ===============================================================
``login``                 ``POST /api/login``
``register``              the registration form (``RegisterState.submit``)
``password_reset``        asking for a password-reset mail (``request_password_reset``)
``link_open``             opening a share link (page ``/s``, SMART Health Links manifest)
``passcode``              passcode attempts on a share link (page and manifest)
``emergency_open``        opening an emergency card (page ``/urgence``)
``upload``                document uploads and measure imports
``password_reset_mail``   per address typed: reset mails (silent: same answer, no mail)
``registration_mail``     per address registered: activation / "already registered" mails (silent)
``fhir``                  the FHIR API and its token endpoint (``/fhir/r4``, issue 12 item 2)
========================  ===============================================================

Counting uses the ``limits`` library (moving window): in memory for one process, in Redis
(shared by every worker) as soon as ``MES_REDIS_URL`` is set. Keys are the SHA-256 of the
client address. When the store fails (Redis down), requests are let through and a warning is
logged: rate limits are a brake, the log-in throttle (in the database) stays in force.

Routes answer **429** with a ``Retry-After`` header and a French/English message; event
handlers show :func:`refusal_text` in the page.

Async callers (every HTTP route) count through :func:`check` / :func:`limited_response`: with
Redis, one hit is several round trips, so it runs in a worker thread and the event loop serves
the worker's other clients meanwhile (issue 14 item 1); the in-memory store is microseconds of
CPU and stays inline. The event handlers of :mod:`mes_app.state.rate_limit` are synchronous and
already run off the loop (the db threads), so they call :meth:`RateLimiter.hit` directly.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from limits import RateLimitItem, parse_many, storage, strategies
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from mes_app import i18n
from mes_app.settings import settings
from mes_app.web import db_work

log = logging.getLogger(__name__)

NAMES = ("login", "register", "password_reset", "link_open", "passcode", "emergency_open", "upload",
         "fhir")  # fhir: the FHIR API and its token endpoint (issue 12 item 2)


@dataclass(frozen=True)
class Refusal:
    retry_after_seconds: int


class RateLimiter:
    """Named limits over one store. ``storage_uri``: ``memory://`` or a ``redis://`` URL."""

    def __init__(self, limits: Mapping[str, str], storage_uri: str = "memory://", key_prefix: str = "mes-rl") -> None:
        self._limits: dict[str, list[RateLimitItem]] = {name: parse_many(spec) for name, spec in limits.items()}
        options = {"key_prefix": key_prefix} if storage_uri.startswith(("redis://", "rediss://", "unix://")) else {}
        self._storage = storage.storage_from_string(storage_uri, **options)
        # A network store (Redis) waits on round trips: async callers must not hit it on the loop.
        self.blocking = not storage_uri.startswith("memory://")
        self._strategy = strategies.MovingWindowRateLimiter(self._storage)

    def hit(self, name: str, client: str, *, now: float | None = None) -> Refusal | None:
        """Count one request of ``client`` against limiter ``name``; a Refusal when over the limit."""
        items = self._limits[name]  # KeyError: a limiter that does not exist is a bug
        key = hashlib.sha256((client or "unknown").encode("utf-8")).hexdigest()
        try:
            # Check every window first, so a refused request uses up no window's budget.
            blocked = [item for item in items if not self._strategy.test(item, name, key)]
            if not blocked:
                if all(self._strategy.hit(item, name, key) for item in items):
                    return None
                blocked = [item for item in items if not self._strategy.test(item, name, key)]
            current = time.time() if now is None else now
            reset = max(self._strategy.get_window_stats(item, name, key).reset_time for item in blocked or items)
            return Refusal(max(1, math.ceil(reset - current)))
        except Exception:  # noqa: BLE001 - the store is down: let the request through
            log.warning("rate limit store unavailable; request let through", exc_info=False)
            return None

    def reset(self) -> None:
        """Forget every count (tests)."""
        self._storage.reset()


_limiter: RateLimiter | None = None


def limiter() -> RateLimiter:
    """The app's limiter, built on first use from the settings."""
    global _limiter
    if _limiter is None:
        _limiter = RateLimiter(settings.rate_limits, settings.redis_url or "memory://")
    return _limiter


def set_limiter(value: RateLimiter | None) -> None:
    """Swap the app's limiter (tests); None rebuilds it from the settings on next use."""
    global _limiter
    _limiter = value


# --------------------------------------------------------------------------- the client


def client_address(peer: str | None, forwarded_for: str | None, hops: int | None = None) -> str:
    """Who is asking: the socket's peer, or — only behind ``hops`` trusted proxies — the address
    the outermost trusted proxy saw (the ``hops``-th entry from the right of X-Forwarded-For;
    entries further left are written by the client and mean nothing). Same rule as Reflex's
    ``trusted_proxy_hops`` for the websocket."""
    hops = settings.trusted_proxy_hops if hops is None else hops
    if hops > 0 and forwarded_for:
        entries = [e.strip() for e in forwarded_for.split(",") if e.strip()]
        if len(entries) >= hops:
            return entries[-hops]
    return peer or "unknown"


def request_client(request: Request) -> str:
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.get("x-forwarded-for"))


# --------------------------------------------------------------------------- answers


def refusal_text(lang: str, retry_after_seconds: int) -> str:
    return i18n.t("error.rate_limited", lang, n=retry_after_seconds)


def too_many_requests(refusal: Refusal, headers: Mapping[str, str] | None = None) -> Response:
    """429, in French and English (a route cannot know the page's language), with Retry-After."""
    n = refusal.retry_after_seconds
    body = f"{refusal_text('fr', n)}\n{refusal_text('en', n)}\n"
    return PlainTextResponse(
        body,
        status_code=429,
        headers={**(headers or {}), "Retry-After": str(n), "Cache-Control": "no-store"},
    )


def json_too_many(refusal: Refusal, lang: str, headers: Mapping[str, str] | None = None) -> Response:
    """429 for the routes our own scripts call: ``{"ok": false, "code", "message"}`` in the page's language."""
    n = refusal.retry_after_seconds
    return JSONResponse(
        {"ok": False, "code": "error.rate_limited_later", "message": refusal_text(lang, n)},
        status_code=429,
        headers={**(headers or {}), "Retry-After": str(n), "Cache-Control": "no-store"},
    )


async def check(name: str, client: str) -> Refusal | None:
    """:meth:`RateLimiter.hit` on the app's limiter for an async caller: a network store's round
    trips in a worker thread (the loop serves other clients while they wait), the in-memory
    store inline (a thread hop would cost more than the count). Same answers, and the same "store
    down: let through" rule, as ``hit``."""
    current = limiter()
    if not current.blocking:
        return current.hit(name, client)
    return await db_work.slow(current.hit, name, client)


async def limited_response(request: Request, name: str, headers: Mapping[str, str] | None = None) -> Response | None:
    """The 429 to send when ``request``'s client is over limiter ``name``, else None (go on)."""
    refusal = await check(name, request_client(request))
    return too_many_requests(refusal, headers) if refusal is not None else None
