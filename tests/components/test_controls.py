"""The shared thumb-sized controls, and that every page uses them instead of copies: each back
chevron is a :func:`back_link`, each switch sits in a :func:`switch_hit`, and every page has one
``<main>`` landmark (WCAG 2.2: 44 px targets, landmarks). What they look like in a browser
(44×44 px, a tap in the corner toggles) is checked by ``tests/e2e/test_accessibility.py``."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.sectioning import Main
from reflex_components_lucide.icon import Icon
from reflex_components_radix.themes.components.switch import Switch

from mes_app.components.controls import back_link, switch_hit


def _walk(component, ancestors=()):  # noqa: ANN001, ANN202
    yield component, ancestors
    for child in getattr(component, "children", []):
        yield from _walk(child, (*ancestors, component))


def _classes(component) -> str:  # noqa: ANN001
    return str(getattr(component, "class_name", "") or "")


def _pages() -> dict:
    from mes_app.mes_app import app

    return {route: page.component() for route, page in app._unevaluated_pages.items()}


def test_back_link_is_a_named_44_px_link() -> None:
    js = str(back_link("/record", "nav.record"))
    assert 'className:"back-link"' in js
    assert '["minWidth"] : "44px"' in js and '["minHeight"] : "44px"' in js
    assert '"aria-label":' in js and '?.["nav.record"]' in js and 'to:"/record"' in js


def test_switch_hit_wraps_the_switch() -> None:
    wrapped = switch_hit(rx.switch(id="s"))
    assert _classes(wrapped) == "switch-hit"
    assert isinstance(wrapped.children[0], Switch)


def test_every_back_chevron_is_a_back_link_and_every_switch_has_a_hit_area() -> None:
    copies, bare_switches = [], []
    for route, tree in _pages().items():
        for node, ancestors in _walk(tree):
            if (isinstance(node, Icon) and node.tag == "ChevronLeft"
                    and not any("back-link" in _classes(a) for a in ancestors)):
                copies.append(route)
            if isinstance(node, Switch) and not (ancestors and "switch-hit" in _classes(ancestors[-1])):
                bare_switches.append(route)
    assert copies == [] and bare_switches == []


def test_every_page_has_one_main_landmark() -> None:
    counts = {route: sum(isinstance(n, Main) for n, _ in _walk(tree)) for route, tree in _pages().items()}
    assert counts and all(count == 1 for count in counts.values()), counts
