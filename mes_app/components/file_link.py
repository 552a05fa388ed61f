"""One link to a file the server sends (a document, a calendar export, a share-link document).

In Reflex 0.10 both ``rx.link`` and ``rx.el.a`` render react-router's ``<Link>``: a click is
routed inside the single-page app, which has no page at ``/api/...`` and shows
"404: Page not found" (the same URL loaded for real works). A file link must reach the
server, so this renders the plain HTML ``<a>`` element (``reflex_components_core``'s ``A``,
the class ``ReactRouterLink`` extends): the browser handles the click itself — a download
with ``download``, a new tab with ``new_tab``.

Use :func:`file_link` for every link whose target is served by a route under ``/api/``.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_components_core.el.elements.inline import A

# A tap target of at least 44 px, styled like a soft button; callers may override.
FILE_LINK_STYLE = {
    "display": "inline-flex", "align_items": "center", "gap": "0.35rem", "min_height": "44px",
    "padding": "0 0.75rem", "border_radius": "8px", "background": "var(--accent-a3)",
    "color": "var(--accent-11)", "text_decoration": "none", "font_size": "0.875rem", "font_weight": "500",
    "max_width": "100%", "overflow_wrap": "anywhere",
}
# A link inside a text row (e.g. a document title): 44 px high, no button look.
FILE_TEXT_LINK_STYLE = {
    "display": "inline-flex", "align_items": "center", "min_height": "44px", "color": "var(--accent-11)",
    "font_weight": "500", "text_decoration": "underline", "overflow_wrap": "anywhere", "max_width": "100%",
}


def file_link(
    *children: rx.Component | str | rx.Var,
    href: str | rx.Var,
    download: bool = False,
    new_tab: bool = False,
    style: dict | None = None,
    **props: Any,
) -> rx.Component:
    """A plain ``<a href>`` the client router does not intercept.

    ``download``: save the file (the server's Content-Disposition names it);
    ``new_tab``: open it in a new tab (``rel="noopener"``).
    """
    if download:
        props["download"] = ""
    if new_tab:
        props["target"] = "_blank"
        props["rel"] = "noopener"
    return A.create(*children, href=href, style=FILE_LINK_STYLE if style is None else style, **props)
