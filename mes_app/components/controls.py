"""Thumb-sized controls shared by every page (WCAG 2.2: 44×44 px tap targets, names that
match what is shown)."""

from __future__ import annotations

import reflex as rx

from mes_app.components.texts import T

TAP = "44px"


def back_link(href: str, label_key: str) -> rx.Component:
    """The chevron back to ``href``: a 44×44 px target named by ``T[label_key]`` (icon only, so
    its accessible name is that label)."""
    return rx.link(
        rx.icon("chevron-left", size=24),
        href=href,
        aria_label=T[label_key],
        title=T[label_key],
        class_name="back-link",
        color=rx.color("gray", 12),
        style={"min_width": TAP, "min_height": TAP, "display": "inline-flex", "align_items": "center",
               "justify_content": "center", "flex_shrink": "0", "margin_left": "-10px"},
    )


def switch_hit(switch: rx.Component) -> rx.Component:
    """A Radix switch (35×20 px) inside a 44×44 px hit area (``assets/a11y.css``: the switch's own
    hit area is stretched over the wrapper, so a tap anywhere in it toggles the switch)."""
    return rx.el.span(switch, class_name="switch-hit")
