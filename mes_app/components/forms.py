"""Form pieces shared by every page: a labelled field, a thumb-sized native select."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.forms import HTMLInputTypeAttribute

from mes_app.components.layout import T

SELECT_STYLE = {
    "min_height": "44px", "width": "100%", "font_size": "1rem", "padding": "0 0.5rem",
    "border_radius": "8px", "border": "1px solid var(--gray-a7)",
    "background": "var(--color-panel-solid)", "color": "var(--gray-12)",
}
SEXES = ("female", "male", "other", "unknown")


def field(label: rx.Var | str, control: rx.Component) -> rx.Component:
    """A label above its control; tapping the label focuses the control."""
    return rx.el.label(
        rx.text(label, size="2", weight="medium"),
        control,
        style={"display": "flex", "flex_direction": "column", "gap": "0.25rem", "width": "100%"},
    )


def text_input(name: str, type_: HTMLInputTypeAttribute = "text", **props) -> rx.Component:  # noqa: ANN003
    return rx.input(name=name, type=type_, size="3", width="100%", **props)


def url_field(label: rx.Var | str, value: rx.Var, element_id: str) -> rx.Component:
    """A link the user copies or shows (a share link, an emergency card): labelled, read-only,
    small enough to fit a phone, tall enough to tap."""
    return field(
        label,
        rx.el.input(
            value=value,
            read_only=True,
            id=element_id,
            style={"width": "100%", "min_height": "44px", "font_size": "0.85rem", "padding": "0 0.5rem",
                   "border": "1px solid var(--gray-a7)", "border_radius": "8px"},
        ),
    )


def sex_select() -> rx.Component:
    return rx.el.select(
        *[rx.el.option(T[f"sex.{s}"], value=s) for s in SEXES],
        name="sex",
        default_value="unknown",
        style=SELECT_STYLE,
    )
