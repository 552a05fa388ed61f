"""Where a request comes from: the one same-origin check of the app.

Used by :func:`mes_app.web.routes.guard` for every state-changing HTTP request (POST, PUT,
PATCH, DELETE on any path: login, logout, uploads, imports, Reflex's own ``/_upload``...),
and by ``rxconfig.py`` for the websocket (Socket.IO compares the handshake's ``Origin`` with
:func:`allowed_origins`).

How a request proves it comes from one of our pages:

- ``Origin`` is one of :func:`allowed_origins` (the configured ``MES_APP_ORIGIN`` and its
  ``127.0.0.1`` twin; never the ``Host`` header, which a DNS-rebinding page controls);
- or, when ``Origin`` is missing or ``null``, ``Sec-Fetch-Site: same-origin``. Some browsers
  and privacy settings send ``Origin: null`` even on same-origin POSTs (our pages say
  ``Referrer-Policy: same-origin``, which keeps the real ``Origin`` and ``Referer`` for our own
  requests and hides the share-link secrets from other sites); ``Sec-Fetch-Site`` (set by
  the browser, no page can forge it) tells
  such a POST from one made by a sandboxed frame or a ``CSP: sandbox`` document (opaque
  origin: ``cross-site``);
- or, when neither header is there (older browsers), a ``Referer`` of an allowed origin.

Anything else is refused. The only exceptions are the FHIR API (``/fhir/r4/...``: care
software authorised by a bearer token, no cookie read) and the two SMART Health Links routes,
matched exactly by :func:`is_public_path`: the manifest (``POST /api/shl/<secret>``) and a
file's one-time location (``GET /api/shl-files/<token>``). SHL viewers on any origin call
them (the spec wants them public: ``Access-Control-Allow-Origin: *``, no credentials); they
never read a cookie and are authorised by the secret in their URL (a bearer key), rate
limited, and the manifest checks the link's passcode.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from mes_app.settings import settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Bearer routes: the secret in the path authorises; no cookie is ever read there. Exact
# shapes (one path segment of base64url), so no other route can slip under them.
SHL_MANIFEST_PREFIX = "/api/shl/"
SHL_FILE_PREFIX = "/api/shl-files/"
_PUBLIC_PATHS = (
    re.compile(r"/api/shl/[A-Za-z0-9_-]{1,256}"),
    re.compile(r"/api/shl-files/[A-Za-z0-9_-]{1,256}"),
    # --- FHIR API (issue 12 item 2): bearer tokens of connected software, never a cookie ---
    re.compile(r"/fhir/r4(?:/[A-Za-z0-9_.-]{1,64}){0,3}"),
)
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def normalise(url: object) -> str | None:
    """``scheme://host[:port]`` of a URL (lower case, default port dropped), or None."""
    if not isinstance(url, str) or not url or url == "null":
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def allowed_origins(app_origin: str | None = None) -> tuple[str, ...]:
    """The app's own origins: ``MES_APP_ORIGIN``, plus its ``127.0.0.1`` twin for localhost."""
    origin = normalise(app_origin or settings.app_origin)
    if origin is None:
        raise RuntimeError("MES_APP_ORIGIN must be an http(s) URL such as https://mes.example.org")
    twin = origin.replace("://localhost", "://127.0.0.1", 1)
    return (origin,) if twin == origin else (origin, twin)


def websocket_origins(app_origin: str | None = None) -> tuple[str, ...]:
    """``ws://`` / ``wss://`` forms of :func:`allowed_origins` (for ``connect-src``)."""
    return tuple(
        origin.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        for origin in allowed_origins(app_origin)
    )


def needs_check(method: str, path: str) -> bool:
    """Whether a request changes state and so must prove it comes from one of our pages."""
    if method.upper() in SAFE_METHODS:
        return False
    return not is_public_path(path)


def is_public_path(path: object) -> bool:
    """The SMART Health Links routes any origin may call (see the module docstring)."""
    return isinstance(path, str) and any(pattern.fullmatch(path) for pattern in _PUBLIC_PATHS)


def is_same_origin(headers: Mapping[str, str], allowed: tuple[str, ...] | None = None) -> bool:
    """Whether the request headers (lower-case names) prove one of our pages sent it."""
    allowed = allowed if allowed is not None else allowed_origins()
    origin = headers.get("origin")
    if origin is not None and origin.strip() != "null":
        return normalise(origin) in allowed
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site.strip().lower() == "same-origin"
    if origin is not None:
        return False  # "null" with nothing else to vouch for it
    return normalise(headers.get("referer")) in allowed


def scope_headers(scope: Mapping[str, Any]) -> dict[str, str]:
    """The headers of an ASGI scope, lower-case names (the first of duplicates wins)."""
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return headers
