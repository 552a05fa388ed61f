"""Small stateless pieces shared by pages."""

from __future__ import annotations

import reflex as rx

from mes_app.components.layout import T
from mes_app.state.base import AppState


def profile_card() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.avatar(fallback=AppState.active_name[:1], size="4", radius="full", color_scheme="teal"),
            rx.vstack(
                rx.heading(AppState.active_name, size="5", as_="h2", id="active-profile-name"),
                rx.text(AppState.active_age, " · ", T["home.born_on"], " ", AppState.active_birth_date,
                        size="2", color_scheme="gray"),
                rx.badge(T["relationship." + AppState.active_relationship], color_scheme="teal"),
                spacing="1",
                align="start",
                min_width="0",
            ),
            spacing="3",
            align="center",
        ),
        width="100%",
    )


def timeline_row(item) -> rx.Component:  # noqa: ANN001 - a Var of TimelineItem
    return rx.hstack(
        rx.badge(T["filter." + item.kind], variant="soft", color_scheme="gray", flex_shrink="0"),
        rx.vstack(
            rx.text(item.title, weight="medium", size="2", style={"overflow_wrap": "anywhere"}),
            rx.text(
                item.date,
                rx.cond(item.details != "", " · " + item.details, ""),
                rx.cond(
                    item.by_professional & ~item.details.contains(item.author_name),
                    " · " + item.author_name,
                    "",
                ),
                size="1",
                color_scheme="gray",
                style={"overflow_wrap": "anywhere"},
            ),
            rx.cond(
                item.note != "",
                rx.text(item.note, size="1", class_name="timeline-note",
                        style={"overflow_wrap": "anywhere", "white_space": "pre-wrap", "display": "-webkit-box",
                               "-webkit-line-clamp": "3", "-webkit-box-orient": "vertical", "overflow": "hidden"}),
            ),
            spacing="0",
            align="start",
            min_width="0",
        ),
        spacing="3",
        align="start",
        width="100%",
        padding_y="0.5rem",
        border_bottom="1px solid var(--gray-a4)",
    )


def nav_card(label_key: str, icon: str, href: str, element_id: str) -> rx.Component:
    """A full-width card that leads to another page (the home page's ways to a professional's
    patients and connected software)."""
    return rx.link(
        rx.card(rx.hstack(rx.icon(icon, size=20), rx.text(T[label_key], weight="bold"),
                          rx.spacer(), rx.icon("chevron-right", size=20), align="center", width="100%"),
                width="100%"),
        href=href,
        underline="none",
        id=element_id,
        width="100%",
    )
