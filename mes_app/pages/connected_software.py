"""The connected software page of a professional (issue 12 item 2): connect a care software
by pasting its public key set, read its client_id and the API's addresses, revoke it."""

from __future__ import annotations

import reflex as rx

from mes_app.components.cards import nav_card
from mes_app.components.dialogs import confirm_dialog
from mes_app.components.forms import field, url_field
from mes_app.components.layout import T, app_page, empty_state, page_title
from mes_app.state.base import AppState
from mes_app.state.connected_software import ConnectedSoftwareState as S

WRAP = {"overflow_wrap": "anywhere"}
PATH = "/connected-software"


def _error(text) -> rx.Component:  # noqa: ANN001
    return rx.cond(text != "", rx.callout(text, color_scheme="red", icon="triangle-alert", role="alert", width="100%"))


def _software_card(s) -> rx.Component:  # noqa: ANN001 - a Var of SoftwareRow
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon("plug", size=20), rx.text(s.name, weight="bold", style=WRAP), align="center"),
            rx.text(T["software.client_id"], " : ", rx.code(s.client_id), size="2", style=WRAP),
            rx.text(s.key_count, " ", T["software.keys"], " · ", s.since, size="1", color_scheme="gray"),
            rx.text(T["software.last_used"], " : ", rx.cond(s.last_used != "", s.last_used, T["software.never_used"]),
                    size="1", color_scheme="gray"),
            rx.button(T["software.revoke"], variant="soft", color_scheme="red", size="3",
                      on_click=S.ask_revoke(s.id), class_name="software-revoke"),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def connected_software_page() -> rx.Component:
    return app_page(
        page_title("software.title"),
        rx.cond(
            AppState.follows_patients,
            rx.vstack(
                rx.text(T["software.intro"], size="2"),
                _error(S.error),
                url_field(T["software.fhir_url"], S.fhir_url, "software-fhir-url"),
                url_field(T["software.token_url"], S.token_url, "software-token-url"),
                rx.card(
                    rx.form(
                        rx.vstack(
                            field(T["software.name"], rx.input(name="name", required=True, size="3", width="100%",
                                                               max_length=80, id="software-name",
                                                               auto_complete="off")),
                            field(T["software.jwks"], rx.text_area(name="jwks", required=True, size="3",
                                                                   width="100%", rows="6", id="software-jwks",
                                                                   spell_check=False)),
                            rx.text(T["software.jwks_hint"], size="1", color_scheme="gray"),
                            _error(S.form_error),
                            rx.button(T["software.add"], type="submit", size="3", width="100%", id="software-add"),
                            spacing="3",
                            width="100%",
                        ),
                        on_submit=S.connect,
                        reset_on_submit=False,
                        key=S.form_key,
                    ),
                    width="100%",
                ),
                rx.cond(S.new_client_id != "",
                        url_field(T["software.client_id"], S.new_client_id, "software-new-client-id")),
                rx.cond(
                    S.software.length() > 0,
                    rx.vstack(rx.foreach(S.software, _software_card), spacing="2", width="100%",
                              id="software-list"),
                    empty_state("software.empty", "plug"),
                ),
                spacing="3",
                width="100%",
            ),
        ),
        confirm_dialog(S, title=T["software.revoke_title"], text=T["software.revoke_body"],
                       confirm_label=T["software.revoke"], on_confirm=S.confirm_revoke,
                       confirm_id="software-revoke-confirm"),
    )


def software_card() -> rx.Component:
    """For the home page of a professional (capability ``follows_patients``): the way here."""
    return rx.cond(AppState.follows_patients, nav_card("software.home_link", "plug", PATH, "software-link"))
