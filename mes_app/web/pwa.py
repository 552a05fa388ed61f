"""Installable on a phone: the web app manifest, the service worker and its offline page.

The files are static, in ``assets/`` (served at the site root by the production frontend):

- ``manifest.webmanifest``: name, icons (192/512, and maskable ones), colours,
  ``display: standalone``, start URL and scope ``/``, ``lang: fr``;
- ``sw.js``: the service worker. It stores *only* the offline page and the icons (at install),
  never a response at run time: no health data ever reaches Cache Storage. GET page navigations
  go to the network and fall back to the offline page only when the network fails; every other
  request is left to the browser, untouched;
- ``sw-register.js``: registers it from every page (a static script: the page CSP allows
  ``'self'`` scripts, no inline hash needed);
- ``offline.html``: "no connection", in French and English, self-contained.

:func:`headers_for` gives :func:`mes_app.web.routes.guard` the headers these paths need:
``Cache-Control: no-cache`` (a new worker or manifest is picked up at once) and, for the
worker, its own CSP (a worker with ``CSP: sandbox`` would get an opaque origin).
"""

from __future__ import annotations

import json
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[2] / "assets"

MANIFEST_PATH = "/manifest.webmanifest"
WORKER_PATH = "/sw.js"
REGISTER_PATH = "/sw-register.js"
OFFLINE_PATH = "/offline.html"
THEME_COLOR = "#0b7a6d"

# The worker's own policy: it may fetch its origin (page navigations, the precache) and nothing else.
WORKER_CSP = "default-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'"
NO_CACHE = b"no-cache"
_REVALIDATED = frozenset({MANIFEST_PATH, WORKER_PATH, REGISTER_PATH, OFFLINE_PATH})


def headers_for(path: str) -> dict[bytes, bytes]:
    """Headers (lower-case names) that replace the answer's own for one of the PWA files; ``{}``
    for any other path."""
    if path not in _REVALIDATED:
        return {}
    headers = {b"cache-control": NO_CACHE}
    if path == WORKER_PATH:
        headers[b"content-security-policy"] = WORKER_CSP.encode()
    return headers


def manifest() -> dict:
    """The manifest as served (tests, checks)."""
    return json.loads((ASSETS / MANIFEST_PATH.lstrip("/")).read_text(encoding="utf-8"))
