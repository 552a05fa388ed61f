"""Every link to a server file is a plain ``<a>``: the client router never sees ``/api/`` URLs.

``rx.link`` and ``rx.el.a`` render react-router's ``<Link>`` in Reflex 0.10; a click on one
pointing at ``/api/documents/1?download=1`` showed the app's "404: Page not found"."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from mes_app.components.file_link import file_link


def _walk(component):  # noqa: ANN001, ANN202
    yield component
    for child in getattr(component, "children", []):
        yield from _walk(child)


def _router_links_to_api(component) -> list[str]:  # noqa: ANN001
    found = []
    for node in _walk(component):
        if isinstance(node, ReactRouterLink):
            to = str(node.to) if getattr(node, "to", None) is not None else ""
            if "/api/" in to:
                found.append(to)
    return found


def test_file_link_is_a_plain_anchor_with_download_or_new_tab() -> None:
    link = file_link("x", href="/api/documents/1?download=1", download=True)
    assert not isinstance(link, ReactRouterLink)
    js = str(link)
    assert js.startswith('jsx("a",') and 'download:""' in js and "ReactRouterLink" not in js
    tab = str(file_link("y", href="/api/documents/1", new_tab=True))
    assert 'target:"_blank"' in tab and 'rel:"noopener"' in tab


def test_rx_link_would_be_routed_by_the_client() -> None:
    # the reason for file_link: both Reflex links are react-router Links
    assert isinstance(rx.el.a("x", href="/api/x"), ReactRouterLink)
    assert _router_links_to_api(rx.link("x", href="/api/x"))


def test_no_page_links_a_server_file_through_the_client_router() -> None:
    from mes_app.mes_app import app

    offenders = {}
    for route, page in app._unevaluated_pages.items():
        found = _router_links_to_api(page.component())
        if found:
            offenders[route] = found
    assert offenders == {}
