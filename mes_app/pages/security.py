"""The security page (/account/security, issue 15 item 3) and the log-in's code step
(/login/code). Layout only."""

from __future__ import annotations

import reflex as rx

from mes_app.components.dialogs import confirm_dialog
from mes_app.components.forms import field, text_input
from mes_app.components.layout import T, app_page, page_title, public_page
from mes_app.components.native_form import native_form
from mes_app.domain.session_view import SessionRow
from mes_app.pages.professionals import apply_link_card
from mes_app.state.security import LOGOUT_ALL_FORM_ID
from mes_app.state.security import SecurityState as S
from mes_app.state.security_login import LoginCodeState
from mes_app.web.routes import LOGIN_PATH, SECOND_FACTOR_API_PATH
from mes_app.web.security_routes import END_ALL_PATH, END_PATH, OFF_PATH

TAP = {"min_height": "44px"}
BUTTON = {"min_height": "44px", "width": "100%", "white_space": "normal"}


def _code_input(name: str, input_id: str, *, recovery: bool = False) -> rx.Component:
    return text_input(name, "text", id=input_id, required=True, auto_complete="one-time-code",
                      input_mode="text" if recovery else "numeric", max_length=40 if recovery else 6,
                      style=TAP)


def _enrol_card() -> rx.Component:
    return rx.vstack(
        rx.text(T["security.tf_scan"], size="2"),
        rx.center(rx.image(src=S.enrol_qr, alt=T["security.tf_qr_alt"], width="220px", height="220px",
                           id="tf-qr", style={"background": "white", "border_radius": "8px"}), width="100%"),
        rx.text(T["security.tf_key"], size="1", color_scheme="gray"),
        rx.code(S.enrol_secret, id="tf-secret", size="3", style={"overflow_wrap": "anywhere", "user_select": "all"}),
        rx.form(
            rx.vstack(
                field(T["security.tf_code"], _code_input("code", "tf-code")),
                rx.button(T["security.tf_confirm"], type="submit", size="3", style=BUTTON, id="tf-confirm"),
                rx.button(T["security.tf_cancel"], type="button", variant="soft", color_scheme="gray", size="3",
                          style=BUTTON, on_click=S.cancel_enrolment, id="tf-cancel"),
                spacing="3", width="100%",
            ),
            on_submit=S.confirm_enrolment, reset_on_submit=True, width="100%",
        ),
        spacing="3", width="100%",
    )


def _recovery_card() -> rx.Component:
    return rx.callout.root(
        rx.vstack(
            rx.heading(T["security.recovery_title"], size="3", as_="h3"),
            rx.text(T["security.recovery_text"], size="2"),
            rx.el.ul(rx.foreach(S.recovery_codes, lambda c: rx.el.li(rx.code(c, size="3"))),
                     id="recovery-codes", style={"columns": "2", "padding_left": "1.2rem", "width": "100%"}),
            rx.button(T["security.recovery_done"], on_click=S.recovery_codes_noted, size="3", style=BUTTON,
                      id="recovery-noted"),
            spacing="3", width="100%",
        ),
        color_scheme="amber", width="100%",
    )


def _disable_form() -> rx.Component:
    return rx.el.details(
        rx.el.summary(T["security.tf_disable_title"], style={"min_height": "44px", "display": "flex",
                                                             "align_items": "center", "cursor": "pointer"}),
        native_form(
            rx.vstack(
                rx.text(T["security.tf_disable_text"], size="2"),
                field(T["security.password"], text_input("password", "password", required=True,
                                                         auto_complete="current-password", id="tf-off-password",
                                                         style=TAP)),
                field(T["security.code_or_recovery"], _code_input("code", "tf-off-code", recovery=True)),
                rx.button(T["security.tf_disable"], type="submit", color_scheme="red", variant="soft", size="3",
                          style=BUTTON, id="tf-off"),
                spacing="3", width="100%",
            ),
            action=OFF_PATH, method="post", style={"width": "100%"},
        ),
    )


def _second_factor_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["security.tf_title"], size="4", as_="h2"),
            rx.text(T["security.tf_intro"], size="2"),
            rx.cond(S.must_enrol, rx.callout(T["security.tf_required"], icon="shield-alert", color_scheme="amber",
                                             id="tf-required", width="100%")),
            rx.cond(
                S.tf_on,
                rx.vstack(
                    rx.hstack(rx.icon("shield-check", size=20, color=rx.color("teal", 11)),
                              rx.text(T["security.tf_on"], weight="bold", id="tf-status-on")),
                    rx.text(S.recovery_left_label, size="2", color_scheme="gray", id="recovery-left"),
                    rx.cond(S.recovery_codes.length() > 0, _recovery_card()),
                    rx.cond(~S.tf_required, _disable_form()),
                    spacing="3", width="100%",
                ),
                rx.cond(
                    S.enrolling,
                    _enrol_card(),
                    rx.vstack(
                        rx.text(T["security.tf_off"], id="tf-status-off"),
                        rx.button(rx.icon("shield", size=18), T["security.tf_start"], on_click=S.start_enrolment,
                                  size="3", style=BUTTON, id="tf-start"),
                        spacing="3", width="100%",
                    ),
                ),
            ),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def _session_row(row: SessionRow) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(rx.text(row.device, weight="bold", size="2"),
                          rx.cond(row.current, rx.badge(T["security.session_current"], color_scheme="teal")),
                          wrap="wrap", align="center"),
                rx.text(row.created, size="1", color_scheme="gray"),
                rx.cond(row.seen != "", rx.text(row.seen, size="1", color_scheme="gray")),
                spacing="1", min_width="0", flex="1",
            ),
            native_form(
                rx.el.input(type="hidden", name="session", value=row.id.to_string()),
                rx.button(T["security.session_end"], type="submit", variant="soft", color_scheme="gray", size="2",
                          style=TAP, class_name="session-end"),
                action=END_PATH, method="post", style={"margin": "0"},
            ),
            gap="3", align="center", width="100%",
        ),
        width="100%", class_name="session-row",
    )


def _sessions_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["security.sessions_title"], size="4", as_="h2"),
            rx.vstack(rx.foreach(S.sessions, _session_row), spacing="2", width="100%", id="session-list"),
            native_form(action=END_ALL_PATH, method="post", id=LOGOUT_ALL_FORM_ID, style={"display": "none"}),
            rx.button(rx.icon("log-out", size=18), T["security.logout_all"], on_click=S.ask_logout_all,
                      color_scheme="red", variant="soft", size="3", style=BUTTON, id="logout-all"),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def security_page() -> rx.Component:
    return app_page(
        page_title("security.title"),
        rx.cond(S.info != "", rx.callout(S.info, icon="info", color_scheme="teal", id="security-info", width="100%")),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", role="alert",
                                          id="security-error", width="100%")),
        _second_factor_card(),
        _sessions_card(),
        rx.link(rx.hstack(rx.icon("mail", size=18), rx.text(T["notify.link"]), align="center", spacing="2"),
                href="/account/notifications", id="notifications-link", size="3",
                style={"min_height": "44px", "display": "inline-flex", "align_items": "center"}),
        apply_link_card(),
        confirm_dialog(S, title=T["security.logout_all_title"], text=T["security.logout_all_text"],
                       confirm_label=T["security.logout_all"], cancel_label=T["security.keep"],
                       on_confirm=S.logout_all, confirm_id="logout-all-confirm"),
    )


def login_code_page() -> rx.Component:
    return public_page(
        rx.heading(T["login.code_title"], size="7", as_="h1"),
        rx.text(T["login.code_text"], size="2"),
        rx.cond(LoginCodeState.error != "", rx.callout(LoginCodeState.error, icon="triangle-alert",
                                                       color_scheme="red", role="alert", id="code-error")),
        native_form(
            rx.vstack(
                field(T["login.code"], _code_input("code", "login-code", recovery=True)),
                rx.button(T["login.code_submit"], type="submit", size="3", width="100%", id="code-submit", style=TAP),
                spacing="4", width="100%",
            ),
            action=SECOND_FACTOR_API_PATH, method="post", style={"width": "100%"},
        ),
        rx.link(T["login.code_restart"], href=LOGIN_PATH, size="2", id="code-restart",
                style={"display": "inline-flex", "align_items": "center", "min_height": "44px"}),
    )
