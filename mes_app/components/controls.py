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


# --------------------------------------------------------------------------- teen (issue 13 item 4)

SECRET_FIELD = "hidden_from_guardians"


def secret_checkbox() -> rx.Component:
    """On a new entry or document of a minor's profile (shown to the care team only, by its
    capability flag): "invisible to legal representatives", off by default; submitted with
    the form as ``hidden_from_guardians=on``."""
    return rx.el.label(
        rx.el.input(type="checkbox", name=SECRET_FIELD, id="secret-from-guardians",
                    style={"width": "22px", "height": "22px", "flex_shrink": "0"}),
        rx.vstack(
            rx.text(T["teen.secret_label"], size="2", weight="medium"),
            rx.text(T["teen.secret_hint"], size="1", color_scheme="gray"),
            spacing="0",
        ),
        style={"display": "flex", "gap": "0.5rem", "align_items": "center", "min_height": TAP, "width": "100%"},
    )


def secret_switch(checked: rx.Var, on_change) -> rx.Component:  # noqa: ANN001 - an event handler
    """The same mark afterwards, on an entry or document the viewer may switch."""
    return rx.el.label(
        switch_hit(rx.switch(checked=checked, on_change=on_change, color_scheme="plum")),
        rx.text(T["teen.secret_label"], size="2"),
        style={"display": "flex", "gap": "0.25rem", "align_items": "center", "min_height": TAP},
    )


def secret_badge() -> rx.Component:
    return rx.badge(rx.icon("lock", size=12), T["teen.secret_label"], color_scheme="plum")
