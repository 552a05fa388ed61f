"""The mobile shell: header with the profile switcher, bottom navigation on phones, sidebar
on wide screens. Layout only."""

from __future__ import annotations

from typing import cast

import reflex as rx
from reflex.vars import ArrayVar, StringVar

from mes_app.components.native_form import native_form
from mes_app.components.texts import T
from mes_app.state.base import AppState
from mes_app.state.messages import UnreadState

NAV_ITEMS = (
    ("nav.home", "/", "house"),
    ("nav.history", "/history", "clock"),
    ("nav.record", "/record", "folder-heart"),
    ("nav.profiles", "/profiles", "users"),
)
# Someone who runs the service has no record: the console's pages instead (AppState.runs_the_service).
OPERATOR_NAV_ITEMS = (
    ("nav.console", "/operator", "layout-dashboard"),
    ("nav.professionals", "/operator/professionals", "stethoscope"),
    ("nav.accounts", "/operator/accounts", "user-cog"),
    ("nav.stats", "/operator/stats", "chart-column"),
)

MAIN_MAX_WIDTH = "44rem"


def _text(value: object) -> StringVar:
    """A text state attribute (or text) as the Var it is at class level: pyright sees the
    declared Python type, not the Var Reflex puts there."""
    return cast(StringVar, value)


def _list(value: object) -> ArrayVar:
    """A list state attribute as the Var it is at class level (see :func:`_text`)."""
    return cast(ArrayVar, value)


def profile_switcher() -> rx.Component:
    """A native select: the phone's own picker, big enough for a thumb."""
    return rx.el.select(
        rx.foreach(
            AppState.profiles,
            lambda p: rx.el.option(p.name + " · " + p.age_label, value=p.id.to_string()),
        ),
        value=AppState.active_value,
        on_change=AppState.switch_profile,
        aria_label=T["nav.switch_profile"],
        id="profile-switcher",
        style={
            "min_height": "44px",
            "width": "100%",
            "min_width": "0",
            "padding": "0 0.5rem",
            "border_radius": "10px",
            "border": "1px solid var(--gray-a7)",
            "background": "var(--color-panel-solid)",
            "font_size": "1rem",
            "color": "var(--gray-12)",
        },
    )


def logout_button() -> rx.Component:
    return native_form(
        rx.el.button(
            rx.icon("log-out", size=20),
            type="submit",
            aria_label=T["nav.logout"],
            title=T["nav.logout"],
            style={"min_width": "44px", "min_height": "44px", "display": "flex",
                   "align_items": "center", "justify_content": "center", "cursor": "pointer"},
        ),
        action="/api/logout",
        method="post",
        style={"margin": "0"},
    )


def lang_button() -> rx.Component:
    return rx.button(
        T["nav.language"],
        on_click=AppState.toggle_lang,
        variant="ghost",
        size="2",
        style={"min_height": "44px"},
        id="lang-toggle",
    )


def messages_bell() -> rx.Component:
    """Unread messages: a mail icon with a count, refreshed once when the page is shown."""
    return rx.link(
        rx.icon("mail", size=22),
        rx.cond(
            UnreadState.unread > 0,
            rx.badge(UnreadState.unread_label, color_scheme="red", variant="solid", radius="full", size="1",
                     id="unread-badge", style={"position": "absolute", "top": "2px", "right": "0"}),
        ),
        href="/messages",
        # with a count shown, the count is in the name too (label in name)
        aria_label=rx.cond(UnreadState.unread > 0,
                           _text(T["section.messages"]) + " (" + _text(UnreadState.unread_label) + ")",
                           T["section.messages"]),
        title=T["section.messages"],
        color=rx.color("gray", 11),
        id="messages-bell",
        on_mount=UnreadState.refresh_unread,
        style={"position": "relative", "min_width": "44px", "min_height": "44px", "display": "flex",
               "align_items": "center", "justify_content": "center", "flex_shrink": "0"},
    )


def security_link() -> rx.Component:
    """The account's security page (two-step sign-in, open sessions; issue 15 item 3)."""
    return rx.link(
        rx.icon("shield", size=22),
        href="/account/security",
        aria_label=T["nav.security"],
        title=T["nav.security"],
        color=rx.color("gray", 11),
        id="security-link",
        style={"min_width": "44px", "min_height": "44px", "display": "flex", "align_items": "center",
               "justify_content": "center", "flex_shrink": "0"},
    )


def header() -> rx.Component:
    """The banner. On a phone the profile switcher has a row of its own (``assets/a11y.css``,
    ``.header-switcher``), so whole names and ages show; from 48em it sits in the one row."""
    return rx.el.header(
        rx.el.div(
            rx.link(
                # The visible name "MES" is in the accessible name (WCAG 2.5.3, label in name).
                rx.text("MES", weight="bold", size="5", color=rx.color("teal", 11)),
                rx.el.span(" · ", T["nav.home"], class_name="sr-only"),
                href="/",
                underline="none",
                style={"min_height": "44px", "display": "inline-flex", "align_items": "center"},
            ),
            rx.cond(AppState.runs_the_service, rx.fragment(),
                    rx.el.div(profile_switcher(), class_name="header-switcher")),
            rx.spacer(),
            lang_button(),
            rx.cond(AppState.runs_the_service, rx.fragment(), messages_bell()),
            security_link(),
            logout_button(),
            class_name="header-row",
            style={"width": "100%", "max_width": "72rem", "margin": "0 auto"},
        ),
        style={"position": "sticky", "top": "0", "z_index": "10", "padding": "0.25rem 0.75rem",
               "background": "var(--color-background)", "border_bottom": "1px solid var(--gray-a5)",
               "width": "100%", "display": "block"},
    )


def _nav_link(key: str, href: str, icon: str, vertical: bool) -> rx.Component:
    active = AppState.router.url.path == href
    return rx.link(
        rx.flex(
            rx.icon(icon, size=22),
            rx.text(T[key], size="1" if vertical else "3"),
            direction="column" if vertical else "row",
            align="center",
            gap="1" if vertical else "3",
        ),
        href=href,
        underline="none",
        color=rx.cond(active, rx.color("teal", 11), rx.color("gray", 11)),
        weight=rx.cond(active, "bold", "regular"),
        style={"min_height": "48px", "display": "flex", "align_items": "center",
               "justify_content": "center" if vertical else "flex-start", "flex": "1" if vertical else "none",
               "padding": "0.25rem" if vertical else "0.5rem 0.75rem"},
        aria_current=rx.cond(active, "page", "false"),
    )


def _nav_links(vertical: bool) -> rx.Component:
    """The patient's sections, or the console's pages for an operator."""
    def links(items: tuple[tuple[str, str, str], ...]) -> list[rx.Component]:
        return [_nav_link(k, h, i, vertical) for k, h, i in items]

    if vertical:
        return rx.cond(AppState.runs_the_service, rx.flex(*links(OPERATOR_NAV_ITEMS), width="100%"),
                       rx.flex(*links(NAV_ITEMS), width="100%"))
    return rx.cond(AppState.runs_the_service, rx.vstack(*links(OPERATOR_NAV_ITEMS), spacing="1", align="stretch"),
                   rx.vstack(*links(NAV_ITEMS), spacing="1", align="stretch"))


def bottom_nav() -> rx.Component:
    return rx.el.nav(
        _nav_links(True),
        aria_label=T["nav.main"],
        style={
            "position": "fixed", "bottom": "0", "left": "0", "right": "0", "z_index": "10",
            "background": "var(--color-background)", "border_top": "1px solid var(--gray-a5)",
            "padding_bottom": "env(safe-area-inset-bottom)",
        },
        display=rx.breakpoints(initial="block", md="none"),
    )


def sidebar() -> rx.Component:
    return rx.el.nav(
        _nav_links(False),
        aria_label=T["nav.main"],
        style={"width": "14rem", "flex_shrink": "0", "padding": "1rem 0.5rem",
               "border_right": "1px solid var(--gray-a5)", "min_height": "calc(100vh - 61px)"},
        display=rx.breakpoints(initial="none", md="block"),
    )


def notice_banner() -> rx.Component:
    return rx.cond(
        AppState.notice != "",
        rx.callout(AppState.notice, icon="info", color_scheme="teal", size="1", width="100%"),
    )


def app_page(*children: rx.Component) -> rx.Component:
    """A signed-in page: header, navigation and the page's content in one readable column."""
    return rx.box(
        header(),
        rx.flex(
            sidebar(),
            rx.el.main(
                rx.vstack(*children, spacing="4", width="100%", align="stretch"),
                style={"width": "100%", "max_width": MAIN_MAX_WIDTH, "margin": "0 auto",
                       "padding": "1rem 0.75rem 6rem", "min_width": "0", "display": "block"},
            ),
            width="100%",
            max_width="72rem",
            margin="0 auto",
        ),
        bottom_nav(),
        width="100%",
        overflow_x="hidden",
    )


def public_page(*children: rx.Component) -> rx.Component:
    """A page without an account (log in, register): centred card, language switch."""
    return rx.box(
        rx.el.header(
            rx.hstack(
                rx.text("MES", weight="bold", size="6", color=rx.color("teal", 11)),
                rx.spacer(),
                lang_button(),
                width="100%",
                align="center",
            ),
            style={"display": "block", "width": "100%"},
        ),
        rx.el.main(
            rx.vstack(*children, spacing="4", width="100%", align="stretch"),
            style={"display": "block", "width": "100%"},
        ),
        width="100%",
        max_width="28rem",
        margin="0 auto",
        padding="1rem",
    )


def page_title(key: str) -> rx.Component:
    return rx.heading(T[key], size="6", as_="h1")


def empty_state(key: str, icon: str = "inbox") -> rx.Component:
    return rx.card(
        rx.hstack(rx.icon(icon, size=20, color=rx.color("gray", 10)), rx.text(T[key], color_scheme="gray")),
        variant="surface",
        width="100%",
    )


def not_shared_state(key: str = "record.not_shared") -> rx.Component:
    """A section the viewer may not read: say it is not shared, not "not found"/"nothing"."""
    return rx.card(
        rx.hstack(rx.icon("lock", size=20, color=rx.color("gray", 10), flex_shrink="0"),
                  rx.text(T[key], color_scheme="gray")),
        variant="surface",
        width="100%",
        class_name="not-shared",
    )


def section_gate(section: str, *children: rx.Component, key: str = "record.not_shared") -> rx.Component:
    """``children`` when the active profile's ``section`` is shared with the viewer, else a
    "not shared with you" card. Driven by the capability flags (services.capabilities)."""
    return rx.cond(
        _list(AppState.shared_sections).contains(section),
        rx.fragment(*children),
        # before the profile is loaded, say nothing rather than "not shared"
        rx.cond(AppState.active_value != "", not_shared_state(key)),
    )


def manage_gate(*children: rx.Component) -> rx.Component:
    """``children`` for the patient or a guardian (sharing pages), else a short explanation."""
    return rx.cond(AppState.manages_active, rx.fragment(*children),
                   rx.cond(AppState.active_value != "", not_shared_state("record.manage_only")))
