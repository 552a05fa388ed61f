"""Professionals who join (issue 15 item 1): the application (/professional/apply) and the
operator console's page (/operator/professionals). Layout only."""

from __future__ import annotations

import reflex as rx

from mes_app.components.controls import back_link
from mes_app.components.dialogs import confirm_dialog
from mes_app.components.forms import SELECT_STYLE, field, text_input
from mes_app.components.layout import T, app_page, empty_state, page_title
from mes_app.domain.rpps import PROFESSIONS
from mes_app.pages.operator_console import messages, operator_page
from mes_app.state.operator_professionals import OperatorProfessionalsState as O
from mes_app.state.operator_professionals import ProfessionalRow
from mes_app.state.professionals import ProfessionalApplyState as A

APPLY_PATH = "/professional/apply"
CONSOLE_PATH = "/operator/professionals"
TAP = {"min_height": "44px"}
BUTTON = {"min_height": "44px", "white_space": "normal"}
WRAP = {"overflow_wrap": "anywhere"}
STATUS_COLORS = {"applied": "amber", "verified": "teal", "refused": "gray", "suspended": "red"}


# --------------------------------------------------------------------------- /professional/apply


def _status_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(T["pro.your_application"], size="4", as_="h2"),
                rx.match(A.status, *[(s, rx.badge(T[f"pro.status.{s}"], color_scheme=c, size="2"))
                                     for s, c in STATUS_COLORS.items()]),
                wrap="wrap", align="center", spacing="3",
            ),
            rx.text(A.status_text, size="2", id="pro-status-text"),
            rx.text(A.display_name, " · ", A.profession_label, size="2", weight="medium", style=WRAP),
            rx.text(T["pro.field.rpps"], " : ", A.rpps, size="2", color_scheme="gray"),
            rx.text(A.workplace, size="2", color_scheme="gray", style=WRAP),
            spacing="2", width="100%",
        ),
        width="100%", id="pro-status",
    )


def _apply_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.text(T["pro.apply_intro"], size="2"),
                field(T["pro.field.display_name"], text_input("display_name", required=True, max_length=120,
                                                              default_value=A.display_name, id="pro-name",
                                                              auto_complete="name", style=TAP)),
                field(T["pro.field.profession"], rx.el.select(
                    *[rx.el.option(T[f"pro.profession.{code}"], value=code) for code in PROFESSIONS],
                    name="profession", default_value=PROFESSIONS[0], style=SELECT_STYLE, id="pro-profession",
                )),
                field(T["pro.field.rpps"], text_input("rpps", required=True, max_length=20, input_mode="numeric",
                                                      auto_complete="off", id="pro-rpps", style=TAP)),
                field(T["pro.field.workplace"], text_input("workplace", required=True, max_length=200,
                                                           placeholder=T["pro.field.workplace_hint"],
                                                           id="pro-workplace", style=TAP)),
                rx.button(T["pro.submit"], type="submit", size="3", width="100%", style=BUTTON, id="pro-submit"),
                spacing="3", width="100%",
            ),
            on_submit=A.submit_application, width="100%",
        ),
        width="100%",
    )


def apply_page() -> rx.Component:
    return app_page(
        rx.hstack(back_link("/account/security", "pro.back_to_account"), page_title("title.professional_apply"),
                  align="center"),
        messages(A),
        rx.cond(A.status != "", _status_card()),
        rx.cond(A.may_apply, _apply_form(),
                rx.cond(A.status == "", rx.callout(T["pro.cannot_apply"], icon="info", color_scheme="gray",
                                                   width="100%", id="pro-cannot-apply"))),
    )


def apply_link_card() -> rx.Component:
    """The least intrusive way in: a card at the foot of the account's security page."""
    return rx.link(
        rx.card(
            rx.hstack(
                rx.icon("stethoscope", size=20),
                rx.vstack(rx.text(T["pro.apply_link"], weight="bold"),
                          rx.text(T["pro.apply_link_text"], size="1", color_scheme="gray"), spacing="1"),
                rx.spacer(), rx.icon("chevron-right", size=20), align="center", width="100%",
            ),
            width="100%",
        ),
        href=APPLY_PATH, underline="none", id="pro-apply-link", width="100%",
    )


# --------------------------------------------------------------------------- /operator/professionals


def _row(row: ProfessionalRow, actions: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.text(row.name, weight="bold", style=WRAP),
                      rx.badge(row.status_label, color_scheme=rx.cond(row.suspended, "red", "teal")),
                      wrap="wrap", align="center"),
            rx.text(row.email, size="2", style=WRAP),
            rx.text(row.profession, " · RPPS ", rx.code(row.rpps), size="2"),
            rx.text(row.workplace, size="2", color_scheme="gray", style=WRAP),
            rx.cond(row.decided != "", rx.text(row.decided, size="1", color_scheme="gray")),
            actions,
            spacing="2", width="100%",
        ),
        width="100%", class_name="pro-row",
    )


def _pending_row(row: ProfessionalRow) -> rx.Component:
    return _row(row, rx.hstack(
        rx.button(T["operator.refuse"], on_click=O.ask_decision("refuse", row.id), variant="soft", color_scheme="red",
                  size="3", style=BUTTON, class_name="pro-refuse"),
        rx.button(T["operator.verify"], on_click=O.ask_decision("verify", row.id), size="3", style=BUTTON,
                  class_name="pro-verify"),
        justify="end", spacing="3", width="100%", wrap="wrap",
    ))


def _member_row(row: ProfessionalRow) -> rx.Component:
    return _row(row, rx.hstack(
        rx.cond(
            row.suspended,
            rx.button(T["operator.reactivate"], on_click=O.ask_decision("reactivate", row.id), size="3", style=BUTTON,
                      class_name="pro-reactivate"),
            rx.button(T["operator.suspend"], on_click=O.ask_decision("suspend", row.id), variant="soft",
                      color_scheme="red", size="3", style=BUTTON, class_name="pro-suspend"),
        ),
        justify="end", width="100%",
    ))


def _console() -> rx.Component:
    return rx.vstack(
        rx.heading(T["operator.pending_title"], size="4", as_="h2"),
        rx.text(T["operator.rpps_hint"], size="2", color_scheme="gray"),
        rx.cond(O.pending.length() > 0,
                rx.vstack(rx.foreach(O.pending, _pending_row), spacing="2", width="100%", id="pro-pending"),
                empty_state("operator.pending_empty")),
        rx.heading(T["operator.members_title"], size="4", as_="h2", margin_top="1rem"),
        rx.cond(O.members.length() > 0,
                rx.vstack(rx.foreach(O.members, _member_row), spacing="2", width="100%", id="pro-members"),
                empty_state("operator.members_empty")),
        confirm_dialog(O, title=O.confirm_title, text=O.confirm_text, confirm_label=O.confirm_label,
                       cancel_label=T["operator.keep"], danger=O.confirm_danger, on_confirm=O.confirm_decision,
                       confirm_id="pro-decision-confirm"),
        spacing="3", width="100%",
    )


def console_page() -> rx.Component:
    return operator_page(O, "title.operator_professionals", _console())
