"""Profiles: switch, add a child, add a co-guardian."""

from __future__ import annotations

import reflex as rx

from mes_app.components.layout import T, app_page, page_title
from mes_app.components.forms import field, sex_select
from mes_app.pages.documents import access_history_link
from mes_app.pages.care_circle import who_can_see_link
from mes_app.state.base import AppState
from mes_app.state.profiles import ProfilesState


def _profile_row(p) -> rx.Component:  # noqa: ANN001
    is_active = AppState.active_value == p.id.to_string()
    return rx.card(
        rx.hstack(
            rx.avatar(fallback=p.given_name[:1], radius="full", color_scheme="teal", size="3"),
            rx.vstack(
                rx.text(p.name, weight="bold", style={"overflow_wrap": "anywhere"}),
                rx.text(p.age_label, " · ", T["relationship." + p.relationship], size="1", color_scheme="gray"),
                spacing="0",
                min_width="0",
            ),
            rx.spacer(),
            rx.cond(
                is_active,
                rx.badge(T["profiles.active"], color_scheme="teal"),
                rx.button(T["profiles.open"], size="2", variant="soft", min_height="40px",
                          on_click=ProfilesState.show_profile(p.id.to_string())),
            ),
            align="center",
            width="100%",
        ),
        width="100%",
    )


def _add_child_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(T["profiles.add_child"], size="4", as_="h2"),
                field(T["register.given_name"], rx.input(name="given_name", required=True, size="3", width="100%",
                                                       max_length=100, id="child-given-name")),
                field(T["register.family_name"], rx.input(name="family_name", required=True, size="3", width="100%",
                                                        max_length=100, id="child-family-name")),
                field(T["register.birth_date"], rx.input(name="birth_date", type="date", required=True, size="3",
                                                       width="100%", id="child-birth-date")),
                field(T["register.sex"], sex_select()),
                rx.cond(ProfilesState.child_error != "",
                        rx.callout(ProfilesState.child_error, color_scheme="red", icon="triangle-alert", role="alert",
                                   id="child-error", width="100%")),
                rx.button(T["profiles.add_child_submit"], type="submit", size="3", width="100%", id="child-submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=ProfilesState.add_child,
            reset_on_submit=False,
            key=ProfilesState.child_form_key,
        ),
        width="100%",
    )


def _guardians_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["profiles.guardians"], " · ", AppState.active_name, size="4", as_="h2"),
            rx.foreach(
                ProfilesState.guardians,
                lambda g: rx.hstack(
                    rx.icon("user-round", size=18),
                    rx.text(g.name, rx.cond(g.is_me, " (" + T["profiles.you"] + ")", ""), size="2"),
                    rx.text(g.email, size="1", color_scheme="gray", style={"overflow_wrap": "anywhere"}),
                    align="center",
                    wrap="wrap",
                ),
            ),
            rx.form(
                rx.vstack(
                    field(T["profiles.guardian_email"], rx.input(name="email", type="email", required=True, size="3",
                                                               width="100%", id="guardian-email")),
                    rx.cond(ProfilesState.guardian_error != "",
                            rx.callout(ProfilesState.guardian_error, color_scheme="red", icon="triangle-alert",
                                       role="alert", width="100%")),
                    rx.button(T["profiles.add_guardian"], type="submit", size="3", width="100%", variant="soft"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=ProfilesState.add_guardian,
                reset_on_submit=False,
                key=ProfilesState.guardian_form_key,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def profiles_page() -> rx.Component:
    return app_page(
        page_title("profiles.title"),
        rx.vstack(rx.foreach(AppState.profiles, _profile_row), spacing="2", width="100%", id="profile-list"),
        rx.cond(ProfilesState.guardians.length() > 0, _guardians_card()),
        rx.cond(AppState.can_manage_active, access_history_link()),
        rx.cond(AppState.can_manage_active, who_can_see_link()),  # issue 5a
        rx.cond(AppState.user_role == "patient", _add_child_form()),
    )
