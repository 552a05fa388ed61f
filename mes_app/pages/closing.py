"""Closing a child's profile and deleting one's account: what goes, the take-out first, the
password, then the confirm dialog (issue 13, item 3). One layout for both pages."""

from __future__ import annotations

import reflex as rx

from mes_app.components.dialogs import confirm_dialog
from mes_app.components.file_link import file_link
from mes_app.components.forms import field, text_input
from mes_app.components.layout import T, app_page, public_page
from mes_app.state.closing import ClosingState as S

TAP = {"min_height": "44px"}
TAP_LINK = {"display": "inline-flex", "align_items": "center", "min_height": "44px"}


def _bullets(items, item_class: str) -> rx.Component:  # noqa: ANN001 - a list Var of text
    return rx.el.ul(
        rx.foreach(items, lambda line: rx.el.li(rx.text(line, size="2"), class_name=item_class)),
        style={"margin": "0", "padding_left": "1.25rem", "display": "flex", "flex_direction": "column",
               "gap": "0.25rem"},
    )


def _block(block) -> rx.Component:  # noqa: ANN001 - a Var of ClosingBlock
    return rx.card(
        rx.vstack(
            rx.heading(block.title, size="3", as_="h3", style={"overflow_wrap": "anywhere"}),
            rx.text(T["closing.what_goes"], size="2", weight="medium"),
            _bullets(block.goes, "closing-goes"),
            rx.text(T["closing.who_loses"], size="2", weight="medium"),
            _bullets(block.loses, "closing-loses"),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="closing-block",
    )


def _takeout() -> rx.Component:
    """TAKE-OUT SPOT: one link per record; ``services.closing.takeout_href`` says where to."""
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon("download", size=18), rx.heading(T["closing.takeout"], size="3", as_="h2"),
                      align="center"),
            rx.foreach(S.takeouts, lambda t: rx.vstack(
                rx.text(t.label, size="2", style={"overflow_wrap": "anywhere"}),
                file_link(rx.icon("download", size=16), T["closing.takeout_link"], href=t.href, download=True,
                          class_name="closing-takeout"),
                spacing="1",
                width="100%",
            )),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="closing-takeout",
    )


def _account_extra() -> rx.Component:
    return rx.cond(
        S.mode == "account",
        rx.vstack(
            _bullets(S.account_lines, "closing-account-line"),
            rx.cond(S.closes_children, rx.callout(
                rx.vstack(rx.text(T["closing.children_closed"], weight="medium"),
                          rx.text(T["closing.children_closed_hint"], size="1")),
                icon="triangle-alert", color_scheme="orange", width="100%", id="closing-children-closed")),
            rx.cond(S.kept_children.length() > 0, rx.vstack(
                rx.text(T["closing.children_kept"], size="2", weight="medium"),
                _bullets(S.kept_children, "closing-kept-child"),
                spacing="1",
                width="100%",
                id="closing-children-kept",
            )),
            spacing="3",
            width="100%",
        ),
    )


def _password_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            field(T["closing.password"], text_input("password", "password", auto_complete="current-password",
                                                    required=True, max_length=128, id="closing-password",
                                                    style=TAP)),
            rx.text(T["closing.password_why"], size="1", color_scheme="gray"),
            rx.cond(S.error != "", rx.callout(S.error, color_scheme="red", icon="triangle-alert", role="alert",
                                              width="100%", id="closing-error")),
            rx.button(rx.icon("trash-2", size=16),
                      rx.cond(S.mode == "account", T["closing.account_button"], T["closing.close_button"]),
                      type="submit", color_scheme="red", size="3", width="100%", style=TAP, id="closing-submit"),
            rx.link(T["closing.back"], href=rx.cond(S.mode == "account", "/", "/profiles"), size="2",
                    style=TAP_LINK, id="closing-back"),
            spacing="3",
            width="100%",
        ),
        on_submit=S.ask,
        reset_on_submit=True,
        key=S.form_key,
        width="100%",
    )


def _ready() -> rx.Component:
    return rx.vstack(
        rx.text(rx.cond(S.mode == "account", T["closing.account_intro"], T["closing.intro"]), size="2"),
        _takeout(),
        rx.foreach(S.blocks, _block),
        _account_extra(),
        _password_form(),
        spacing="4",
        width="100%",
        id="closing-ready",
    )


def _closed() -> rx.Component:
    return rx.vstack(
        rx.callout(T["closing.closed"], icon="check", color_scheme="teal", role="status", width="100%",
                   id="closing-done"),
        rx.link(T["nav.profiles"], href="/profiles", size="3", style=TAP_LINK, id="closing-to-profiles"),
        width="100%",
    )


def _refused() -> rx.Component:
    return rx.vstack(
        rx.callout(S.refusal, icon="info", color_scheme="gray", width="100%", id="closing-refusal"),
        rx.link(T["closing.back"], href="/profiles", size="2", style=TAP_LINK),
        width="100%",
    )


def closing_page() -> rx.Component:
    """/profiles/close and /account/delete (``ClosingState.mode`` says which)."""
    return app_page(
        rx.heading(S.title, size="6", as_="h1", style={"overflow_wrap": "anywhere"}),
        rx.cond(S.refusal != "", _refused()),
        rx.cond(S.done, _closed()),
        rx.cond(S.ready, _ready()),
        confirm_dialog(
            S,
            title=T["closing.confirm_title"],
            text=T["closing.confirm_text"],
            cancel_label=T["closing.keep"],
            confirm_label=T["closing.confirm_yes"],
            on_confirm=S.confirm,
            confirm_id="closing-confirm",
        ),
    )


def account_deleted_page() -> rx.Component:
    """Where an account deletion lands: no session any more, a public page that says so."""
    return public_page(
        rx.heading(T["closing.deleted_title"], size="7", as_="h1"),
        rx.text(T["closing.deleted_text"], id="account-deleted"),
        rx.link(T["login.title"], href="/login", size="3", style=TAP_LINK),
    )
