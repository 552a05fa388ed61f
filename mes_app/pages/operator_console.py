"""The operator console (issue 15 item 1): the frame every console page shares, its home
(/operator) and the accounts page (/operator/accounts). Layout only."""

from __future__ import annotations

import reflex as rx

from mes_app.components.controls import back_link
from mes_app.components.dialogs import confirm_dialog
from mes_app.components.file_link import file_link
from mes_app.components.forms import field, text_input
from mes_app.components.layout import T, app_page, empty_state, page_title
from mes_app.domain.account_view import AccountCard
from mes_app.state.operator_accounts import ROUTE as ACCOUNTS_PATH
from mes_app.state.operator_accounts import OperatorAccountsState as A
from mes_app.state.operator_console import HOME_ROUTE as HOME_PATH
from mes_app.state.operator_console import LogLine
from mes_app.state.operator_console import OperatorHomeState as H
from mes_app.web.operator_routes import AUDIT_PATH

PROFESSIONALS_PATH = "/operator/professionals"
STATS_PATH = "/operator/stats"
TAP = {"min_height": "44px"}
BUTTON = {"min_height": "44px", "white_space": "normal"}
WRAP = {"overflow_wrap": "anywhere"}


def messages(state) -> rx.Component:  # noqa: ANN001 - a state with ``info`` and ``error``
    """The page's confirmation and its refusal, as callouts (ids ``page-info`` / ``page-error``)."""
    return rx.fragment(
        rx.cond(state.info != "", rx.callout(state.info, icon="info", color_scheme="teal", width="100%",
                                             id="page-info")),
        rx.cond(state.error != "", rx.callout(state.error, icon="triangle-alert", color_scheme="red", role="alert",
                                              width="100%", id="page-error")),
    )


def not_found() -> rx.Component:
    """What anyone but an operator sees of a console page: that it does not exist."""
    return rx.vstack(rx.heading(T["operator.not_found"], size="6", as_="h1"),
                     rx.link(T["nav.home"], href="/", style=TAP), spacing="3", id="operator-not-found")


def operator_page(state, title_key: str, *children: rx.Component, back: bool = True) -> rx.Component:  # noqa: ANN001
    """A console page: its title (with the way back to the console's home) and ``children`` for
    an operator; "this page does not exist" for anyone else, once the page has loaded."""
    title = rx.hstack(back_link(HOME_PATH, "operator.back"), page_title(title_key), align="center") if back \
        else page_title(title_key)
    return app_page(
        rx.cond(
            state.allowed,
            rx.vstack(title, messages(state), *children, spacing="4", width="100%"),
            rx.cond(state.loaded, not_found()),
        ),
    )


# --------------------------------------------------------------------------- /operator


def _link_card(href: str, icon: str, title_key: str, *lines: rx.Component, card_id: str) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.icon(icon, size=22),
                rx.vstack(rx.text(T[title_key], weight="bold"), *lines, spacing="1", min_width="0"),
                rx.spacer(), rx.icon("chevron-right", size=20), align="center", width="100%",
            ),
            width="100%",
        ),
        href=href, underline="none", id=card_id, width="100%", style={"min_height": "44px"},
    )


def _log_line(line: LogLine) -> rx.Component:
    return rx.box(
        rx.text(line.action, weight="medium", size="2"),
        rx.text(line.when, " · ", line.operator, rx.cond(line.target != "", rx.fragment(" → ", line.target)),
                size="1", color_scheme="gray", style=WRAP),
        padding_y="0.5rem", border_bottom="1px solid var(--gray-a4)", width="100%", class_name="operator-log-line",
    )


def _home() -> list[rx.Component]:
    gray = {"size": "1", "color_scheme": "gray"}
    return [
        rx.text(T["operator.home_intro"], size="2", id="operator-intro"),
        _link_card(PROFESSIONALS_PATH, "stethoscope", "operator.card.professionals",
                   rx.text(H.waiting_text, size="1", color_scheme=rx.cond(H.applications_waiting > 0, "amber", "gray"),
                           weight=rx.cond(H.applications_waiting > 0, "bold", "regular"), id="operator-waiting"),
                   card_id="operator-professionals-link"),
        _link_card(ACCOUNTS_PATH, "user-cog", "operator.card.accounts",
                   rx.text(T["operator.card.accounts_text"], **gray),
                   rx.text(H.locked_text, **gray, id="operator-locked"), card_id="operator-accounts-link"),
        _link_card(STATS_PATH, "chart-column", "operator.card.stats", rx.text(T["operator.card.stats_text"], **gray),
                   card_id="operator-stats-link"),
        file_link(
            rx.card(rx.hstack(rx.icon("download", size=22),
                              rx.vstack(rx.text(T["operator.card.audit"], weight="bold"),
                                        rx.text(T["operator.card.audit_text"], **gray), spacing="1", min_width="0"),
                              align="center", width="100%"), width="100%"),
            href=AUDIT_PATH, download=True, id="operator-audit-link",
            style={"display": "block", "width": "100%", "min_height": "44px", "color": "inherit",
                   "text_decoration": "none"},
        ),
        rx.heading(T["operator.recent_title"], size="4", as_="h2", margin_top="0.5rem"),
        rx.cond(H.recent.length() > 0,
                rx.vstack(rx.foreach(H.recent, _log_line), spacing="0", width="100%", id="operator-recent"),
                empty_state("operator.recent_empty", "list")),
    ]


def console_home_page() -> rx.Component:
    return operator_page(H, "title.operator", *_home(), back=False)


# --------------------------------------------------------------------------- /operator/accounts


def _search_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            field(T["operator.accounts.email"], text_input("email", "email", required=True, max_length=254,
                                                           auto_complete="off", id="account-email", style=TAP)),
            rx.button(rx.icon("search", size=18), T["operator.accounts.search"], type="submit", size="3",
                      width="100%", style=BUTTON, id="account-search"),
            spacing="3", width="100%",
        ),
        on_submit=A.search, reset_on_submit=False, width="100%",
    )


def _fact(label_key: str, value: rx.Var) -> rx.Component:
    return rx.text(rx.text.span(T[label_key], " : ", color_scheme="gray"), value, size="2", style=WRAP)


def _account_card(card: AccountCard) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.text(card.name, weight="bold", style=WRAP),
                      rx.badge(card.status, color_scheme=rx.cond(card.locked, "red", "teal"), id="account-status"),
                      wrap="wrap", align="center"),
            rx.text(card.email, size="2", style=WRAP, id="account-found-email"),
            rx.text(card.role, size="2"),
            _fact("operator.account.created", card.created),
            rx.text(card.second_factor, size="2"),
            rx.text(card.sessions, size="2", id="account-sessions"),
            rx.cond(card.last_activity != "", _fact("operator.account.last_activity", card.last_activity)),
            rx.flex(
                rx.button(T["operator.accounts.end_sessions"], on_click=A.ask("end_sessions"), variant="soft",
                          size="3", style=BUTTON, id="account-end-sessions"),
                rx.cond(card.locked,
                        rx.button(T["operator.accounts.unlock"], on_click=A.ask("unlock"), size="3", style=BUTTON,
                                  id="account-unlock"),
                        rx.button(T["operator.accounts.lock"], on_click=A.ask("lock"), color_scheme="red",
                                  size="3", style=BUTTON, id="account-lock")),
                gap="3", wrap="wrap", justify="end", width="100%",
            ),
            spacing="2", width="100%",
        ),
        width="100%", id="account-card",
    )


def accounts_page() -> rx.Component:
    return operator_page(
        A, "title.operator_accounts",
        rx.text(T["operator.accounts_intro"], size="2"),
        _search_form(),
        rx.foreach(A.found, _account_card),
        confirm_dialog(A, title=A.confirm_title, text=A.confirm_text, confirm_label=A.confirm_label,
                       cancel_label=T["operator.keep"], danger=A.confirm_danger, on_confirm=A.confirm_action,
                       confirm_id="account-action-confirm"),
    )
