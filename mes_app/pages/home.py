"""Home page."""

from __future__ import annotations

import reflex as rx

from mes_app.components.cards import profile_card, timeline_row
from mes_app.components.layout import T, app_page, empty_state, section_gate
from mes_app.pages.appointments import appointment_row
from mes_app.pages.care_circle import patients_card
from mes_app.pages.connected_software import software_card
from mes_app.pages.reminders import reminders_section
from mes_app.state.base import AppState
from mes_app.state.home import HomeState


def _see_all(href: str) -> rx.Component:
    """"See all": a text link with a 44 px tall tap area."""
    return rx.link(T["home.see_all"], href=href, size="2",
                   style={"min_height": "44px", "display": "inline-flex", "align_items": "center"})

def _measure_tile(m) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.text(T["measure." + m.kind], size="1", color_scheme="gray"),
        rx.text(m.value, " ", m.unit, weight="bold", size="4"),
        rx.text(m.date, size="1", color_scheme="gray"),
        size="1",
    )


def _invitations_notice() -> rx.Component:
    """Invitations to manage a profile wait for me: a pointer to the profiles page, no names."""
    return rx.cond(
        HomeState.invitations_waiting > 0,
        rx.callout(
            rx.vstack(
                rx.text(T["invite.home_notice"]),
                rx.link(T["invite.home_see"], href="/profiles", weight="bold", id="home-invitations-link",
                        style={"min_height": "44px", "display": "inline-flex", "align_items": "center"}),
                spacing="1",
            ),
            icon="mail-plus",
            color_scheme="teal",
            width="100%",
            id="home-invitations",
        ),
    )


def _closure_notices() -> rx.Component:
    """Another guardian closed a profile this account managed (issue 13, item 3)."""
    return rx.foreach(HomeState.closure_notices, lambda n: rx.callout(
        rx.vstack(
            rx.text(n.text),
            rx.button(T["closing.notice_dismiss"], size="2", variant="soft", color_scheme="gray",
                      style={"min_height": "44px"}, on_click=HomeState.dismiss_closure(n.key),
                      class_name="closure-dismiss"),
            spacing="2",
        ),
        icon="info",
        color_scheme="orange",
        width="100%",
        class_name="closure-notice",
    ))


def home_page() -> rx.Component:
    return app_page(
        rx.el.h1(T["nav.home"], class_name="sr-only"),  # the page's title, for screen readers
        patients_card(),  # issue 5a: a professional's way to their patients
        software_card(),  # issue 12 item 2: their connected care software (FHIR API)
        _invitations_notice(),  # security issue 9
        _closure_notices(),  # issue 13, item 3
        rx.cond(AppState.active_name != "", profile_card(), empty_state("home.no_profile", "user-round")),
        rx.cond(HomeState.error != "", rx.callout(HomeState.error, color_scheme="red", icon="triangle-alert")),
        reminders_section(HomeState.reminders, HomeState.dismiss_notice),
        rx.cond(
            HomeState.upcoming.length() > 0,
            rx.vstack(
                rx.hstack(
                    rx.heading(T["home.upcoming_appointments"], size="4", as_="h2"),
                    rx.spacer(),
                    _see_all("/appointments"),
                    align="center",
                    width="100%",
                ),
                rx.vstack(rx.foreach(HomeState.upcoming, appointment_row), spacing="0", width="100%"),
                spacing="2",
                width="100%",
                id="home-appointments",
            ),
        ),
        rx.cond(AppState.partial_share, _shared_with_you()),
        rx.heading(T["home.latest_measures"], size="4", as_="h2"),
        section_gate(
            "measures",
            rx.cond(
                HomeState.latest.length() > 0,
                rx.grid(rx.foreach(HomeState.latest, _measure_tile), columns=rx.breakpoints(initial="2", sm="3"),
                        spacing="2", width="100%"),
                empty_state("home.no_measures", "activity"),
            ),
            key="home.measures_not_shared",
        ),
        rx.hstack(
            rx.heading(T["home.recent_history"], size="4", as_="h2"),
            rx.spacer(),
            rx.cond(AppState.shared_sections.contains("history"),
                    _see_all("/history")),
            align="center",
            width="100%",
        ),
        section_gate(
            "history",
            rx.cond(
                HomeState.recent.length() > 0,
                rx.vstack(rx.foreach(HomeState.recent, timeline_row), spacing="0", width="100%"),
                empty_state("home.no_history", "clock"),
            ),
            key="home.history_not_shared",
        ),
    )


def _shared_with_you() -> rx.Component:
    """A caregiver's home: what was shared with them, each a link to its page."""
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon("heart-handshake", size=20, color=rx.color("teal", 11)),
                      rx.heading(T["record.shared_with_you"], size="4", as_="h2"), align="center"),
            rx.flex(
                rx.foreach(
                    AppState.shared_sections,
                    lambda s: rx.link(
                        T["section." + s],
                        href=rx.match(s, ("measures", "/measures"), ("documents", "/documents"),
                                      ("history", "/history"), ("messages", "/messages"),
                                      ("appointments", "/appointments"),
                                      ("lab_results", "/lab-results"),  # lab results (issue 12)
                                      "/record/" + s),
                        class_name="shared-section",
                        style={"min_height": "44px", "display": "inline-flex", "align_items": "center",
                               "padding": "0 0.75rem", "border_radius": "8px", "background": "var(--accent-a3)",
                               "text_decoration": "none"},
                    ),
                ),
                gap="2",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="home-shared",
    )
