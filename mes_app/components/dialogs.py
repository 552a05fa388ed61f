"""The one confirmation dialog: asked before anything is deleted, cancelled or turned off.

The state side is :class:`mes_app.state.mixins.ConfirmMixin` (``confirm_open`` and the
browser-callable ``set_confirm_open``); each page says what is asked and what runs on "yes".
"""

from __future__ import annotations

import reflex as rx

from mes_app.components.texts import T

TAP = {"min_height": "44px"}


def confirm_dialog(
    state,  # noqa: ANN001 - a state class using ConfirmMixin
    *,
    title: rx.Var | str,
    text: rx.Var | str,
    confirm_label: rx.Var | str,
    on_confirm: rx.EventHandler,
    confirm_id: str,
    cancel_label: rx.Var | str | None = None,
    danger: rx.Var | bool = True,
    text_id: str | None = None,
) -> rx.Component:
    """A modal that names what will happen, with "keep" on the left and the action on the right.

    ``title``, ``text`` and labels are text Vars (``T["key"]`` or a state's var); ``danger``
    paints the action red (a Var for dialogs whose action changes, e.g. accept or decline).
    """
    color = rx.cond(danger, "red", "teal") if isinstance(danger, rx.Var) else ("red" if danger else "teal")
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(text, id=text_id) if text_id else rx.alert_dialog.description(text),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(cancel_label if cancel_label is not None else T["record.cancel"],
                                                 variant="soft", color_scheme="gray", size="3", style=TAP)),
                rx.alert_dialog.action(rx.button(confirm_label, color_scheme=color, size="3", style=TAP,
                                                 on_click=on_confirm, id=confirm_id)),
                justify="end",
                spacing="3",
                margin_top="1rem",
                wrap="wrap",
            ),
            width="calc(100vw - 1rem)",
            max_width="28rem",
        ),
        open=state.confirm_open,
        on_open_change=state.set_confirm_open,
    )


def form_dialog(
    title: rx.Var | str,
    *body: rx.Component,
    open: rx.Var,  # noqa: A002 - Radix's name
    on_open_change: rx.EventHandler,
    element_id: str | None = None,
) -> rx.Component:
    """The one dialog that holds a form: as wide as the phone (up to 32rem), scrolls inside
    itself when the form is longer than the screen."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            *body,
            max_width="32rem",
            width="calc(100vw - 1rem)",
            max_height="90vh",
            overflow_y="auto",
            padding="1rem",
            id=element_id,
        ),
        open=open,
        on_open_change=on_open_change,
    )
