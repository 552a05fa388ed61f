"""Log in, create an account, forgotten password."""

from __future__ import annotations

import reflex as rx

from mes_app.components.forms import field, sex_select, text_input
from mes_app.components.layout import T, public_page
from mes_app.components.native_form import native_form
from mes_app.state.auth import ForgotPasswordState, LoginState, RegisterState, ResetPasswordState

FIELD_STYLE = {"width": "100%"}
# A link as easy to tap as a button (44 px high).
TAP_LINK_STYLE = {"display": "inline-flex", "align_items": "center", "min_height": "44px"}
TAP = {"min_height": "44px"}  # buttons and fields: radix size 3 is 40 px


def _email_input(input_id: str, auto_complete: str) -> rx.Component:
    """An uncontrolled e-mail field; after a failed login the page's load event puts the
    address back in it (see ``mes_app/state/auth.py``)."""
    return text_input("email", "email", auto_complete=auto_complete, required=True, id=input_id, style=TAP)


def login_page() -> rx.Component:
    return public_page(
        rx.heading(T["login.title"], size="7", as_="h1"),
        rx.text(T["app.tagline"], color_scheme="gray"),
        rx.cond(LoginState.info != "", rx.callout(LoginState.info, icon="info", color_scheme="teal")),
        rx.cond(
            LoginState.error != "",
            rx.callout(LoginState.error, icon="triangle-alert", color_scheme="red", role="alert", id="login-error"),
        ),
        # A native form: the password goes straight to the server's login route.
        native_form(
            rx.vstack(
                field(T["login.email"], _email_input("email", "username")),
                field(
                    T["login.password"],
                    text_input(
                        "password",
                        "password",
                        auto_complete="current-password",
                        required=True,
                        id="password",
                        style=TAP,
                    ),
                ),
                rx.button(T["login.submit"], type="submit", size="3", width="100%", id="login-submit", style=TAP),
                spacing="4",
                width="100%",
            ),
            action="/api/login",
            method="post",
            style=FIELD_STYLE,
        ),
        rx.link(T["login.forgot"], href="/forgot-password", size="2", id="forgot-link", style=TAP_LINK_STYLE),
        rx.hstack(
            rx.text(T["login.no_account"], size="2"),
            rx.link(T["login.create"], href="/register", size="2"),
            wrap="wrap",
        ),
    )


def register_page() -> rx.Component:
    return public_page(
        rx.heading(T["register.title"], size="7", as_="h1"),
        rx.cond(
            RegisterState.error != "",
            rx.callout(
                RegisterState.error, icon="triangle-alert", color_scheme="red", role="alert", id="register-error"
            ),
        ),
        rx.form(
            rx.vstack(
                field(T["register.given_name"], text_input("given_name", auto_complete="given-name", required=True)),
                field(T["register.family_name"], text_input("family_name", auto_complete="family-name", required=True)),
                field(T["register.birth_date"], text_input("birth_date", "date", required=True)),
                field(
                    T["register.sex"],
                    sex_select(),
                ),
                field(T["login.email"], text_input("email", "email", auto_complete="email", required=True)),
                field(
                    T["login.password"], text_input("password", "password", auto_complete="new-password", required=True)
                ),
                rx.text(T["register.password_hint"], size="1", color_scheme="gray"),
                rx.button(T["register.submit"], type="submit", size="3", width="100%"),
                spacing="4",
                width="100%",
            ),
            on_submit=RegisterState.submit,
            reset_on_submit=False,
            width="100%",
        ),
        rx.hstack(
            rx.text(T["register.have_account"], size="2"),
            rx.link(T["login.submit"], href="/login", size="2"),
            wrap="wrap",
        ),
    )


def activate_page() -> rx.Component:
    """Where the activation mail's link lands (its secret in an HttpOnly cookie only
    ``/api/activate`` receives): one button, so that a mail scanner opening the link activates
    nothing."""
    return public_page(
        rx.heading(T["activate.title"], size="7", as_="h1"),
        rx.text(T["activate.lead"]),
        native_form(
            rx.button(T["activate.submit"], type="submit", size="3", width="100%", id="activate-submit", style=TAP),
            action="/api/activate",
            method="post",
            style=FIELD_STYLE,
        ),
        rx.text(T["activate.not_me"], size="2", color_scheme="gray"),
    )


def forgot_password_page() -> rx.Component:
    return public_page(
        rx.heading(T["forgot.title"], size="7", as_="h1"),
        rx.cond(
            ForgotPasswordState.sent,
            rx.callout(T["forgot.sent"], icon="mail", color_scheme="teal", role="status", id="forgot-sent"),
            rx.vstack(
                rx.text(T["forgot.intro"]),
                # Native: the address goes straight to the server, which answers the same for any address.
                native_form(
                    rx.vstack(
                        field(T["login.email"], _email_input("forgot-email", "email")),
                        rx.button(
                            T["forgot.submit"], type="submit", size="3", width="100%", id="forgot-submit", style=TAP
                        ),
                        spacing="4",
                        width="100%",
                    ),
                    action="/api/password-reset/request",
                    method="post",
                    style=FIELD_STYLE,
                ),
                spacing="4",
                width="100%",
            ),
        ),
        rx.link(T["forgot.back"], href="/login", size="2", id="forgot-back", style=TAP_LINK_STYLE),
    )


def reset_password_page() -> rx.Component:
    return public_page(
        rx.heading(T["reset.title"], size="7", as_="h1"),
        rx.cond(
            ResetPasswordState.invalid,
            rx.vstack(
                rx.callout(
                    T["reset.invalid"], icon="triangle-alert", color_scheme="red", role="alert", id="reset-invalid"
                ),
                rx.link(
                    T["reset.ask_again"], href="/forgot-password", size="2", id="reset-ask-again", style=TAP_LINK_STYLE
                ),
                spacing="4",
                width="100%",
            ),
            rx.vstack(
                rx.cond(
                    ResetPasswordState.error != "",
                    rx.callout(
                        ResetPasswordState.error,
                        icon="triangle-alert",
                        color_scheme="red",
                        role="alert",
                        id="reset-error",
                    ),
                ),
                # Native: the new password goes straight to the server, with the link's secret
                # in an HttpOnly cookie that only that route receives.
                native_form(
                    rx.vstack(
                        field(
                            T["reset.password"],
                            text_input(
                                "password",
                                "password",
                                auto_complete="new-password",
                                required=True,
                                id="new-password",
                                style=TAP,
                            ),
                        ),
                        field(
                            T["reset.confirm"],
                            text_input(
                                "password_confirm",
                                "password",
                                auto_complete="new-password",
                                required=True,
                                id="new-password-confirm",
                                style=TAP,
                            ),
                        ),
                        rx.text(T["register.password_hint"], size="1", color_scheme="gray"),
                        rx.text(T["reset.sessions_note"], size="1", color_scheme="gray"),
                        rx.button(
                            T["reset.submit"], type="submit", size="3", width="100%", id="reset-submit", style=TAP
                        ),
                        spacing="4",
                        width="100%",
                    ),
                    action="/api/password-reset",
                    method="post",
                    style=FIELD_STYLE,
                ),
                spacing="4",
                width="100%",
            ),
        ),
        rx.link(T["forgot.back"], href="/login", size="2", style=TAP_LINK_STYLE),
    )
