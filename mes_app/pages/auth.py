"""Log in and create an account."""

from __future__ import annotations

import reflex as rx

from mes_app.components.forms import field, sex_select, text_input
from mes_app.components.layout import T, public_page
from mes_app.components.native_form import native_form
from mes_app.state.auth import LoginState, RegisterState

FIELD_STYLE = {"width": "100%"}


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
                field(T["login.email"], text_input("email", "email", auto_complete="username", required=True, id="email")),
                field(
                    T["login.password"],
                    text_input("password", "password", auto_complete="current-password", required=True, id="password"),
                ),
                rx.button(T["login.submit"], type="submit", size="3", width="100%", id="login-submit"),
                spacing="4",
                width="100%",
            ),
            action="/api/login",
            method="post",
            style=FIELD_STYLE,
        ),
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
            rx.callout(RegisterState.error, icon="triangle-alert", color_scheme="red", role="alert", id="register-error"),
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
                field(T["login.password"], text_input("password", "password", auto_complete="new-password", required=True)),
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
