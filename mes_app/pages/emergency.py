"""The emergency card: ``/emergency-card`` (choose, turn on/off, print the wallet card) and
``/urgence`` (the opener's page, without an account). Layout only."""

from __future__ import annotations

import reflex as rx

from mes_app.components.dialogs import confirm_dialog
from mes_app.components.forms import field, text_input, url_field
from mes_app.components.layout import T, app_page, page_title, public_page
from mes_app.services.emergency_card import OPENER_MAX, TEXT_FIELDS, TEXT_MAX
from mes_app.state.base import AppState
from mes_app.state.emergency import CHOICES, EmergencyState
from mes_app.state.emergency_visit import EmergencyVisitState

# Printing: only the wallet card, credit-card size (85.6 x 54 mm), black on white, no navigation.
PRINT_CSS = """
#emergency-wallet { width: 85.6mm; height: 54mm; box-sizing: border-box; border: 1px solid #000;
  background: #fff; color: #000; padding: 2.5mm; display: flex; gap: 2.5mm; align-items: center;
  font-family: sans-serif; overflow: hidden; max-width: 100%; margin: 0 auto; }
#emergency-wallet .wallet-qr { width: 40mm; height: 40mm; flex-shrink: 0; }
#emergency-wallet .wallet-qr svg { width: 100%; height: 100%; }
#emergency-wallet .wallet-text { font-size: 9pt; line-height: 1.25; min-width: 0; overflow-wrap: anywhere; }
#emergency-wallet .wallet-title { font-weight: bold; font-size: 11pt; text-transform: uppercase; }
@media print {
  @page { margin: 10mm; }
  body * { visibility: hidden !important; }
  #emergency-wallet, #emergency-wallet * { visibility: visible !important; color: #000 !important;
    background: #fff !important; box-shadow: none !important; }
  /* Radix cards use `contain: paint` + overflow hidden: they would clip a fixed child. */
  .rt-BaseCard, .rt-Box { contain: none !important; overflow: visible !important; }
  #emergency-wallet { position: fixed; left: 0; top: 0; margin: 0; }
}
"""

CHOICE_LABELS = {
    "risk_factors": "summary.allergies",
    "treatments": "summary.treatments",
    "conditions": "summary.problems",
}
TEXT_ROWS = {"blood_group": 1, "advance_directives": 3, "organ_donation": 2, "emergency_contacts": 3}


def _checkbox(name: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=f"card_{name}",
            default_checked=EmergencyState.chosen.contains(name),
            id=f"card-{name}",
            style={"width": "22px", "height": "22px", "flex_shrink": "0"},
        ),
        rx.text(T[CHOICE_LABELS[name]]),
        style={"display": "flex", "align_items": "center", "gap": "0.6rem", "min_height": "44px"},
    )


def _text_field(name: str) -> rx.Component:
    if TEXT_ROWS[name] == 1:
        control = text_input(name, id=f"card-{name}", max_length=TEXT_MAX, default_value=EmergencyState.card[name])
    else:
        control = rx.text_area(
            name=name,
            id=f"card-{name}",
            max_length=TEXT_MAX,
            rows=str(TEXT_ROWS[name]),
            default_value=EmergencyState.card[name],
            size="3",
            width="100%",
        )
    return field(T[f"emergency.field.{name}"], control)


def _form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(T["emergency.what"], size="4", as_="h2"),
                rx.text(T["emergency.identity_always"], size="1", color_scheme="gray"),
                rx.text(T["emergency.from_record"], size="2", weight="medium"),
                *[_checkbox(name) for name in CHOICES],
                rx.text(T["emergency.free_text"], size="2", weight="medium"),
                *[_text_field(name) for name in TEXT_FIELDS],
                rx.cond(
                    EmergencyState.form_error != "",
                    rx.callout(EmergencyState.form_error, color_scheme="red", icon="triangle-alert", id="card-error"),
                ),
                rx.button(
                    rx.icon("siren", size=18),
                    rx.cond(EmergencyState.active, T["emergency.save"], T["emergency.save_and_turn_on"]),
                    type="submit",
                    size="3",
                    width="100%",
                    id="card-save",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=EmergencyState.save_card,
            key=EmergencyState.form_key,
            width="100%",
        ),
        width="100%",
    )


def _status() -> rx.Component:
    return rx.cond(
        EmergencyState.active,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text(T["emergency.status"], weight="medium"),
                    rx.spacer(),
                    rx.badge(T["emergency.badge_on"], color_scheme="green", id="card-badge"),
                    width="100%",
                    align="center",
                ),
                rx.text(T["emergency.since"], " ", EmergencyState.active_since, size="2", color_scheme="gray"),
                rx.text(
                    T["share.last_opened"],
                    " ",
                    rx.cond(EmergencyState.last_opened != "", EmergencyState.last_opened, T["care.never"]),
                    size="2",
                    color_scheme="gray",
                ),
                rx.text(T["emergency.qr_once"], size="1", color_scheme="gray"),
                rx.button(
                    rx.icon("refresh-cw", size=16),
                    T["emergency.renew"],
                    variant="soft",
                    size="3",
                    width="100%",
                    on_click=EmergencyState.ask_confirm("renew"),
                    id="card-renew",
                ),
                rx.button(
                    rx.icon("ban", size=16),
                    T["emergency.turn_off"],
                    color_scheme="red",
                    variant="soft",
                    size="3",
                    width="100%",
                    on_click=EmergencyState.ask_confirm("off"),
                    id="card-off",
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        rx.callout(T["emergency.is_off"], icon="info", color_scheme="gray", id="card-is-off"),
    )


def _wallet() -> rx.Component:
    return rx.cond(
        EmergencyState.card_url != "",
        rx.card(
            rx.vstack(
                rx.heading(T["emergency.ready"], size="4", as_="h2"),
                rx.text(T["emergency.ready_hint"], size="2"),
                rx.el.div(
                    rx.el.div(rx.html(EmergencyState.card_qr), class_name="wallet-qr"),
                    rx.el.div(
                        rx.el.div(T["emergency.wallet_title"], class_name="wallet-title"),
                        rx.el.div(AppState.active_name),
                        rx.el.div(T["emergency.wallet_scan"]),
                        class_name="wallet-text",
                    ),
                    id="emergency-wallet",
                ),
                url_field(T["emergency.url_label"], EmergencyState.card_url, "card-url"),
                rx.button(
                    rx.icon("printer", size=18),
                    T["emergency.print"],
                    size="3",
                    width="100%",
                    on_click=rx.call_script("window.print()"),
                    id="card-print",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="card-created",
        ),
    )


def _confirm() -> rx.Component:
    S = EmergencyState
    is_off = S.confirm_action == "off"
    return confirm_dialog(
        S,
        title=rx.cond(is_off, T["emergency.confirm_off_title"], T["emergency.confirm_renew_title"]),
        text=rx.cond(is_off, T["emergency.confirm_off_text"], T["emergency.confirm_renew_text"]),
        confirm_label=rx.cond(is_off, T["emergency.turn_off"], T["emergency.renew"]),
        on_confirm=S.confirm,
        confirm_id="confirm-card",
    )


def emergency_page() -> rx.Component:
    return app_page(
        rx.el.style(PRINT_CSS),
        page_title("section.emergency_card"),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        rx.cond(
            AppState.can_manage_active & (EmergencyState.error != ""),
            rx.callout(EmergencyState.error, color_scheme="red", icon="triangle-alert"),
        ),
        rx.cond(
            AppState.can_manage_active,
            rx.vstack(
                rx.text(T["emergency.intro"], size="2"),
                _wallet(),
                _status(),
                _form(),
                spacing="4",
                width="100%",
                align="stretch",
            ),
            rx.callout(T["share.only_managers"], icon="info"),
        ),
        _confirm(),
    )


# --------------------------------------------------------------------------- the opener's page


def _items(key: str, items) -> rx.Component:  # noqa: ANN001 - a Var of list[dict]
    return rx.card(
        rx.vstack(
            rx.heading(T[key], size="3", as_="h2"),
            rx.cond(
                items.length() > 0,
                rx.vstack(
                    rx.foreach(
                        items,
                        lambda item: rx.box(
                            rx.text(item["title"], weight="medium"),
                            rx.cond(item["detail"] != "", rx.text(item["detail"], size="2", color_scheme="gray")),
                        ),
                    ),
                    spacing="2",
                    width="100%",
                ),
                rx.text(T["summary.none"], size="2", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _refusal(key: str, icon: str) -> rx.Component:
    return rx.callout(T[key], icon=icon, color_scheme="gray", id="card-refusal", size="2")


def urgence_page() -> rx.Component:
    S = EmergencyVisitState
    return public_page(
        rx.heading(T["emergency.visitor_title"], size="5", as_="h1"),
        rx.match(
            S.card_status,
            ("not_found", _refusal("emergency.not_found", "search-x")),
            ("off", _refusal("emergency.turned_off", "ban")),
            (
                "rate_limited",
                rx.callout(S.rate_limit_message, icon="timer", color_scheme="orange", id="card-refusal", size="2"),
            ),
            (
                "ask",
                rx.form(
                    rx.vstack(
                        rx.text(T["emergency.who_are_you"]),
                        field(
                            T["emergency.opener_name"],
                            text_input(
                                "opener_name",
                                id="opener-name",
                                required=True,
                                max_length=OPENER_MAX,
                                auto_complete="name",
                            ),
                        ),
                        field(
                            T["emergency.opener_role"],
                            text_input(
                                "opener_role",
                                id="opener-role",
                                required=True,
                                max_length=OPENER_MAX,
                                placeholder=T["emergency.role_hint"],
                            ),
                        ),
                        rx.text(T["emergency.logged"], size="1", color_scheme="gray"),
                        rx.cond(
                            S.ask_error != "",
                            rx.callout(S.ask_error, color_scheme="red", icon="triangle-alert", id="opener-error"),
                        ),
                        rx.button(T["emergency.show"], type="submit", size="3", width="100%", id="opener-submit"),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=S.submit_opener,
                    width="100%",
                ),
            ),
            (
                "open",
                rx.vstack(
                    rx.card(
                        rx.vstack(
                            rx.heading(S.person["name"], size="4", as_="h2", id="card-person"),
                            rx.text(T["summary.born"], " ", S.person["birth_date"], size="2"),
                            spacing="1",
                        ),
                        width="100%",
                    ),
                    rx.cond(S.present.contains("allergies"), _items("summary.allergies", S.allergies)),
                    rx.cond(S.present.contains("treatments"), _items("summary.treatments", S.treatments)),
                    rx.cond(S.present.contains("conditions"), _items("summary.problems", S.conditions)),
                    rx.foreach(
                        S.texts,
                        lambda item: rx.card(
                            rx.vstack(
                                rx.heading(item["label"], size="3", as_="h2"),
                                rx.text(item["text"], style={"white_space": "pre-wrap", "overflow_wrap": "anywhere"}),
                                spacing="1",
                            ),
                            width="100%",
                        ),
                    ),
                    spacing="3",
                    width="100%",
                    align="stretch",
                    id="card-open",
                ),
            ),
            rx.spinner(),
        ),
    )
