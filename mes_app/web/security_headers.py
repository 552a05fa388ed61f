"""The security headers of every answer (added by :func:`mes_app.web.routes.guard`).

Every answer: ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` (share
link and emergency card secrets are in URLs: never sent to another site; our own POSTs keep
their ``Origin``), ``X-Frame-Options: DENY``, a minimal
``Permissions-Policy``, and HSTS when ``MES_COOKIE_SECURE`` is set (the app is behind HTTPS).

HTML pages get :func:`page_csp`. Reflex 0.10's production frontend needs, measured on the
built ``.web/build/client`` pages:

- inline ``<script>`` blocks in every prerendered page (theme, scroll restoration, the
  React Router context and route-module imports, React's streaming helpers). They differ from
  page to page and from build to build, so their SHA-256 hashes are computed from the page
  actually served (static build files: no user data is ever rendered into them) and listed
  in ``script-src``. No ``'unsafe-inline'`` for scripts: an injected ``<script>`` or
  ``on...=`` attribute does not run.
- ``'unsafe-eval'``: Reflex runs ``rx.call_script`` / ``rx.call_function`` (uploads, imports,
  clipboard...) with ``eval`` in its event loop (``_call_script`` in ``state.js``).
- ``style-src 'unsafe-inline'``: Emotion (Reflex's CSS-in-JS) and Plotly insert ``<style>``
  elements at run time without a nonce, and the QR codes are inline SVG.
- ``connect-src``: the page's own origin and the ``ws://`` / ``wss://`` form of it (the
  event websocket).
- ``worker-src`` / ``manifest-src 'self'``: the service worker and the web app manifest
  (:mod:`mes_app.web.pwa`).

Every other answer (documents, share-link documents, ``.ics`` files, JSON...) gets
``Content-Security-Policy: sandbox``: even a file that is also HTML (a polyglot PDF or JPEG)
runs no script, and has an opaque origin, so it can neither read nor post as the app.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import re
from collections import OrderedDict

from mes_app.settings import settings
from mes_app.web import origin as origins

log = logging.getLogger(__name__)

FILE_CSP = "sandbox"
# For file routes that build their own headers (documents, share-link documents, .ics).
FILE_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": FILE_CSP}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"

BASE_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", PERMISSIONS_POLICY.encode()),
)

_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)


def inline_script_hashes(html: bytes) -> list[str]:
    """CSP source expressions (``'sha256-...'``) of the inline scripts of a page, in order."""
    seen: dict[str, None] = {}
    for match in _INLINE_SCRIPT.finditer(html):
        digest = base64.b64encode(hashlib.sha256(match.group(1)).digest()).decode()
        seen.setdefault(f"'sha256-{digest}'", None)
    return list(seen)


def page_csp(script_hashes: list[str] | tuple[str, ...] = (), app_origin: str | None = None) -> str:
    """The Content-Security-Policy of an HTML page whose inline scripts hash to ``script_hashes``."""
    connect = " ".join(("'self'", *origins.allowed_origins(app_origin), *origins.websocket_origins(app_origin)))
    script = " ".join(("'self'", "'unsafe-eval'", *script_hashes))
    return "; ".join((
        "default-src 'self'",
        f"script-src {script}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        f"connect-src {connect}",
        "worker-src 'self'",  # the service worker, /sw.js (mes_app.web.pwa)
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


_CACHE_SIZE = 256
_cache: OrderedDict[bytes, str] = OrderedDict()


def csp_for_html(body: bytes, content_encoding: bytes | None = None) -> str:
    """:func:`page_csp` for the HTML ``body`` as sent (possibly gzip-encoded); memoised."""
    key = hashlib.sha256(body).digest()
    cached = _cache.get(key)
    if cached is not None:
        _cache.move_to_end(key)
        return cached
    encoding = (content_encoding or b"identity").strip().lower()
    if encoding == b"gzip":
        try:
            html = gzip.decompress(body)
        except (OSError, EOFError):
            html = b""
    elif encoding == b"identity":
        html = body
    else:  # rxconfig pins gzip; anything else cannot be hashed here, so its inline scripts stay blocked
        log.warning("HTML answer encoded as %r: inline scripts cannot be hashed", encoding)
        html = b""
    policy = page_csp(inline_script_hashes(html))
    _cache[key] = policy
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return policy


def csp_for_file(path: str, content_encoding: bytes | None = None) -> str:
    """:func:`csp_for_html` of an HTML file the server sends straight from disk."""
    try:
        with open(path, "rb") as handle:
            body = handle.read()
    except OSError:
        body = b""
    return csp_for_html(body, content_encoding)


def extra_headers(*, html: bool, present: set[bytes], csp: bool = True) -> list[tuple[bytes, bytes]]:
    """The headers to add to an answer that already has the (lower-case) names ``present``.
    The page CSP of HTML answers is added by the caller (it depends on the body); ``csp=False``
    (a 304 or a HEAD) adds none."""
    headers = [(name, value) for name, value in BASE_HEADERS if name not in present]
    if csp and not html and b"content-security-policy" not in present:
        headers.append((b"content-security-policy", FILE_CSP.encode()))
    if settings.cookie_secure and b"strict-transport-security" not in present:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers
