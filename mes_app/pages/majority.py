"""teen (issue 13, item 4): /majority — hand a profile over to its holder at 18, or take it.

Mobile first: one column, 44 px targets; what each former guardian keeps is a list of
checkboxes per person, all off by default.
"""

from __future__ import annotations

import reflex as rx

from mes_app.components.dialogs import confirm_dialog
from mes_app.components.forms import field
from mes_app.components.layout import T, app_page, page_title
from mes_app.state.base import AppState
from mes_app.state.majority import MajorityState

ROW = {"display": "flex", "align_items": "center", "gap": "0.5rem", "min_height": "44px", "cursor": "pointer"}
BOX = {"width": "1.25rem", "height": "1.25rem", "flex_shrink": "0", "accent_color": "var(--teal-9)"}


def _keep_person(row) -> rx.Component:  # noqa: ANN001 - a Var of KeepRow
    return rx.el.fieldset(
        rx.el.legend(T["majority.keep_for"], " ", row.name,
                     style={"font_weight": "600", "margin_bottom": "0.25rem"}),
        rx.foreach(
            MajorityState.keep_sections,
            lambda section: rx.el.label(
                rx.el.input(type="checkbox", name="keep-" + row.key + "-" + section, style=BOX,
                            class_name="keep-" + section),
                rx.text(T["access.target." + section], size="2"),
                style=ROW,
            ),
        ),
        style={"border": "1px solid var(--gray-a5)", "border_radius": "8px", "padding": "0.5rem 0.75rem",
               "margin": "0", "min_width": "0", "width": "100%"},
        class_name="keep-person",
    )


def _offer() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(T["majority.take_title"], size="4", as_="h2"),
                rx.text(MajorityState.offer_text, size="3", id="majority-offer"),
                rx.text(MajorityState.offer_until, size="1", color_scheme="gray"),
                rx.callout(T["majority.keep_intro"], icon="shield-check", color_scheme="teal", size="1"),
                rx.foreach(MajorityState.keep_rows, _keep_person),
                rx.text(T["majority.documents_later"], size="1", color_scheme="gray"),
                rx.cond(MajorityState.error != "",
                        rx.callout(MajorityState.error, color_scheme="red", icon="triangle-alert", role="alert",
                                   width="100%")),
                rx.button(rx.icon("check", size=18), T["majority.accept"], type="submit", size="3", width="100%",
                          id="majority-accept"),
                spacing="3",
                width="100%",
            ),
            on_submit=MajorityState.accept,
            reset_on_submit=False,
        ),
        width="100%",
    )


def _young_adult() -> rx.Component:
    return rx.cond(
        MajorityState.done,
        rx.callout(T["majority.done"], icon="party-popper", color_scheme="teal", id="majority-done"),
        rx.cond(
            MajorityState.needs_login,
            rx.card(rx.vstack(
                rx.text(T["majority.login_first"], size="3"),
                rx.hstack(rx.link(rx.button(T["title.login"], size="3"), href="/login"),
                          rx.link(rx.button(T["majority.register"], size="3", variant="soft"), href="/register"),
                          spacing="2", wrap="wrap"),
                spacing="3"), width="100%"),
            rx.cond(MajorityState.offer_ok, _offer(),
                    rx.callout(T["majority.link_invalid"], icon="circle-alert", color_scheme="gray",
                               id="majority-invalid")),
        ),
    )


def _pending_row(row) -> rx.Component:  # noqa: ANN001 - a Var of HandOverRow
    return rx.hstack(
        rx.text(row.line, size="2", flex="1", min_width="0", style={"overflow_wrap": "anywhere"}),
        rx.button(rx.icon("x", size=16), T["invite.cancel"], size="2", variant="soft", color_scheme="gray",
                  min_height="44px", on_click=MajorityState.ask_cancel(row.id)),
        align="center",
        width="100%",
    )


def _guardian() -> rx.Component:
    return rx.cond(
        AppState.can_hand_over,
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading(T["majority.give_title"], " · ", AppState.active_name, size="4", as_="h2"),
                    rx.text(T["majority.give_intro"], size="2", color_scheme="gray"),
                    field(T["invite.email"], rx.input(name="email", type="email", required=True, size="3",
                                                      width="100%", max_length=254, id="majority-email")),
                    rx.cond(MajorityState.error != "",
                            rx.callout(MajorityState.error, color_scheme="red", icon="triangle-alert", role="alert",
                                       width="100%", id="majority-error")),
                    rx.cond(MajorityState.notice != "",
                            rx.callout(MajorityState.notice, color_scheme="teal", icon="mail-check", role="status",
                                       width="100%", id="majority-notice")),
                    rx.button(rx.icon("send", size=16), T["invite.submit"], type="submit", size="3", width="100%",
                              id="majority-send"),
                    rx.vstack(rx.foreach(MajorityState.pending, _pending_row), spacing="1", width="100%"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=MajorityState.send_invitation,
                reset_on_submit=False,
                key=MajorityState.form_key,
            ),
            width="100%",
        ),
        rx.callout(T["majority.not_yet"], icon="info", color_scheme="gray"),
    )


def majority_page() -> rx.Component:
    return app_page(
        page_title("majority.title"),
        rx.cond(MajorityState.has_link, _young_adult(), _guardian()),
        confirm_dialog(MajorityState, title=T["invite.confirm_cancel_title"], text=T["majority.confirm_cancel"],
                       confirm_label=T["invite.cancel"], on_confirm=MajorityState.confirm_cancel,
                       confirm_id="majority-cancel-confirm", cancel_label=T["invite.keep"]),
    )


def majority_link() -> rx.Component:
    """On the profiles page, for a guardian of an 18-year-old (capability flag)."""
    return rx.cond(
        AppState.can_hand_over,
        rx.link(rx.button(rx.icon("key-round", size=16), T["majority.give_title"], size="3", variant="soft",
                          width="100%", min_height="44px"), href="/majority", width="100%", id="majority-link"),
    )
