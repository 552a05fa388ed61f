"""The visitor cookie: what binds an account-less visitor's state to their own browser.

A share-link or emergency-card visitor has no session cookie, and Reflex's client token is a
bearer key the browser chooses. So every page load without a visitor cookie gets one: a
random 256-bit secret, HttpOnly (scripts cannot read it), SameSite=Strict, lasting as long
as the browser session. :mod:`mes_app.state.binding` binds the visitor's state to it; a
replayed client token arriving without that very cookie starts from nothing.
"""

from __future__ import annotations

import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mes_app.settings import settings
from mes_app.web.auth import cookie_value

VISITOR_COOKIE = "mes_visitor"


def _request_cookie_header(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            return value.decode("latin-1")
    return None


def _set_cookie_header(secret: str) -> bytes:
    parts = [f"{VISITOR_COOKIE}={secret}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if settings.cookie_secure:
        parts.append("Secure")
    return "; ".join(parts).encode()


def _is_html(headers: list) -> bool:
    return any(name.lower() == b"content-type" and value.startswith(b"text/html") for name, value in headers)


def visitor_cookie(app: ASGIApp) -> ASGIApp:
    """ASGI wrapper: an HTML page answered to a browser without a visitor cookie sets one."""

    async def with_visitor_cookie(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("path", "").startswith("/api/"):
            await app(scope, receive, send)
            return
        if cookie_value(_request_cookie_header(scope), VISITOR_COOKIE):
            await app(scope, receive, send)
            return
        secret = secrets.token_urlsafe(32)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and _is_html(message.get("headers", [])):
                cookie = (b"set-cookie", _set_cookie_header(secret))
                message = {**message, "headers": [*message.get("headers", []), cookie]}
            await send(message)

        await app(scope, receive, send_with_cookie)

    return with_visitor_cookie
