"""Care circle pages: care team, caregivers, "who can see my record", my patients. Layout only."""

from __future__ import annotations

import reflex as rx

from mes_app.components.cards import nav_card
from mes_app.components.controls import back_link
from mes_app.components.dialogs import confirm_dialog
from mes_app.components.forms import field
from mes_app.components.layout import T, app_page, empty_state, manage_gate, page_title
from mes_app.services.caregivers import CAREGIVER_SECTIONS
from mes_app.state.base import AppState
from mes_app.state.care_team import CareTeamState, PatientsState
from mes_app.state.caregivers import CaregiversState
from mes_app.state.who_can_see import WhoCanSeeState

WRAP = {"overflow_wrap": "anywhere"}


def _back_title(key: str) -> rx.Component:
    return rx.hstack(
        back_link("/record", "nav.record"),
        page_title(key),
        align="center",
    )


def _error(text) -> rx.Component:  # noqa: ANN001
    return rx.cond(text != "", rx.callout(text, color_scheme="red", icon="triangle-alert", role="alert", width="100%"))


def _confirm(title: str, text: str, action: str, state, on_confirm, button_id: str) -> rx.Component:  # noqa: ANN001
    return confirm_dialog(state, title=T[title], text=T[text], confirm_label=T[action], on_confirm=on_confirm,
                          confirm_id=button_id)


def _last_used(value) -> rx.Component:  # noqa: ANN001
    return rx.text(T["care.last_used"], " : ", rx.cond(value != "", value, T["care.never"]), size="1",
                   color_scheme="gray")


# --------------------------------------------------------------------------- care team


def _member_card(m) -> rx.Component:  # noqa: ANN001
    blocked = m.status == "blocked"
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("stethoscope", size=20),
                rx.text(m.name, weight="bold", style=WRAP),
                rx.cond(blocked, rx.badge(T["care.blocked"], color_scheme="orange")),
                align="center",
                wrap="wrap",
            ),
            rx.cond(m.detail != "", rx.text(m.detail, size="2", color_scheme="gray", style=WRAP)),
            rx.text(T["care.since"], " ", m.since, size="1", color_scheme="gray"),
            _last_used(m.last_used),
            rx.hstack(
                rx.cond(
                    blocked,
                    rx.button(T["care.unblock"], variant="soft", size="3", on_click=CareTeamState.unblock(m.id)),
                    rx.button(T["care.block"], variant="soft", color_scheme="orange", size="3",
                              on_click=CareTeamState.block(m.id)),
                ),
                rx.button(T["care.remove"], variant="soft", color_scheme="red", size="3",
                          on_click=CareTeamState.ask_remove(m.id), class_name="care-remove"),
                spacing="2",
                wrap="wrap",
            ),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def care_team_page() -> rx.Component:
    return app_page(
        _back_title("section.care_team"),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        manage_gate(_error(CareTeamState.error)),  # others are told the page is the patient's, not "forbidden"
        rx.cond(
            AppState.can_manage_active,
            rx.vstack(
                rx.text(T["care.intro"], size="2"),
                rx.card(
                    rx.form(
                        rx.vstack(
                            field(T["care.identifier"], rx.input(name="identifier", required=True, size="3",
                                                                 width="100%", max_length=254, id="care-identifier",
                                                                 auto_complete="off")),
                            _error(CareTeamState.form_error),
                            rx.button(T["care.add"], type="submit", size="3", width="100%", id="care-add"),
                            spacing="3",
                            width="100%",
                        ),
                        on_submit=CareTeamState.add_professional,
                        reset_on_submit=False,
                        key=CareTeamState.form_key,
                    ),
                    width="100%",
                ),
                rx.cond(
                    CareTeamState.members.length() > 0,
                    rx.vstack(rx.foreach(CareTeamState.members, _member_card), spacing="2", width="100%",
                              id="care-team-list"),
                    empty_state("care.empty", "stethoscope"),
                ),
                spacing="3",
                width="100%",
            ),
        ),
        _confirm("care.confirm_remove_title", "care.confirm_remove_text", "care.remove", CareTeamState,
                 CareTeamState.confirm_remove, "confirm-remove"),
    )


# --------------------------------------------------------------------------- caregivers


def _scope_checkbox(section: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=f"scope_{section}", id=f"scope-{section}",
                    style={"width": "22px", "height": "22px", "flex_shrink": "0"}),
        rx.text(T[f"section.{section}"], size="2"),
        style={"display": "flex", "align_items": "center", "gap": "0.6rem", "min_height": "44px"},
    )


def _grant_card(g, on_revoke) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon("heart-handshake", size=20), rx.text(g.name, weight="bold", style=WRAP), align="center"),
            rx.text(g.email, size="1", color_scheme="gray", style=WRAP),
            rx.text(g.scope, size="2", style=WRAP),
            rx.text(T["care.since"], " ", g.since, " · ",
                    rx.cond(g.until != "", T["caregivers.until"] + " " + g.until, T["caregivers.no_end"]),
                    size="1", color_scheme="gray"),
            _last_used(g.last_used),
            rx.button(T["caregivers.revoke"], variant="soft", color_scheme="red", size="3", on_click=on_revoke,
                      class_name="caregiver-revoke"),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


TAP = {"min_height": "44px"}


def _pending_card(row) -> rx.Component:  # noqa: ANN001 - a Var of PendingRow
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon("mail", size=20, flex_shrink="0"), rx.text(row.email, weight="bold", style=WRAP),
                      rx.badge(T["caregivers.pending_badge"], color_scheme="orange"), align="center", wrap="wrap"),
            rx.text(row.scope, size="2", style=WRAP),
            rx.text(row.line, size="1", color_scheme="gray", style=WRAP),
            rx.button(rx.icon("x", size=16), T["invite.cancel"], variant="soft", color_scheme="gray", size="3",
                      style=TAP, class_name="caregiver-cancel", on_click=CaregiversState.ask_cancel(row.id)),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def _caregivers_confirm() -> rx.Component:
    """Revoke an access or cancel an invitation."""
    is_revoke = CaregiversState.confirm_kind == "revoke"
    return confirm_dialog(
        CaregiversState,
        title=rx.cond(is_revoke, T["caregivers.confirm_title"], T["invite.confirm_cancel_title"]),
        text=rx.cond(is_revoke, T["caregivers.confirm_text"], CaregiversState.confirm_text),
        text_id="caregiver-confirm-text",
        cancel_label=T["invite.keep"],
        confirm_label=rx.cond(is_revoke, T["caregivers.revoke"], T["invite.cancel"]),
        on_confirm=CaregiversState.confirm,
        confirm_id="confirm-revoke",
    )


def caregivers_page() -> rx.Component:
    return app_page(
        _back_title("section.caregivers"),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        manage_gate(_error(CaregiversState.error)),  # others are told the page is the patient's, not "forbidden"
        rx.cond(
            AppState.can_manage_active,
            rx.vstack(
                rx.text(T["caregivers.intro"], size="2"),
                rx.card(
                    rx.form(
                        rx.vstack(
                            field(T["caregivers.email"], rx.input(name="email", type="email", required=True, size="3",
                                                                  width="100%", max_length=254,
                                                                  id="caregiver-email")),
                            rx.el.fieldset(
                                rx.el.legend(rx.text(T["caregivers.scope"], size="2", weight="medium")),
                                *[_scope_checkbox(s) for s in CAREGIVER_SECTIONS],
                                rx.text(T["caregivers.documents_hint"], size="1", color_scheme="gray"),
                                style={"border": "none", "padding": "0", "margin": "0"},
                            ),
                            field(T["caregivers.ends_on"], rx.input(name="ends_on", type="date", size="3",
                                                                    width="100%", id="caregiver-ends-on")),
                            _error(CaregiversState.form_error),
                            rx.cond(CaregiversState.invite_notice != "",
                                    rx.callout(CaregiversState.invite_notice, color_scheme="teal", icon="mail-check",
                                               role="status", width="100%", id="caregiver-notice")),
                            rx.button(T["caregivers.invite"], type="submit", size="3", width="100%",
                                      id="caregiver-invite"),
                            spacing="3",
                            width="100%",
                        ),
                        on_submit=CaregiversState.invite,
                        reset_on_submit=False,
                        key=CaregiversState.form_key,
                    ),
                    width="100%",
                ),
                rx.cond(
                    CaregiversState.pending.length() > 0,
                    rx.vstack(
                        rx.heading(T["invite.pending_title"], size="3", as_="h2"),
                        rx.foreach(CaregiversState.pending, _pending_card),
                        spacing="2", width="100%", id="caregiver-pending",
                    ),
                ),
                rx.cond(
                    CaregiversState.grants.length() > 0,
                    rx.vstack(rx.foreach(CaregiversState.grants,
                                         lambda g: _grant_card(g, CaregiversState.ask_revoke(g.id))),
                              spacing="2", width="100%", id="caregiver-list"),
                    rx.cond(CaregiversState.pending.length() == 0, empty_state("caregivers.empty", "heart-handshake")),
                ),
                spacing="3",
                width="100%",
            ),
        ),
        _caregivers_confirm(),
    )


# --------------------------------------------------------------------------- who can see my record


def _who_member(m) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon("stethoscope", size=20), rx.text(m.name, weight="bold", style=WRAP), align="center"),
            rx.cond(m.detail != "", rx.text(m.detail, size="2", color_scheme="gray", style=WRAP)),
            rx.text(T["care.since"], " ", m.since, size="1", color_scheme="gray"),
            _last_used(m.last_used),
            rx.button(T["who.revoke"], variant="soft", color_scheme="red", size="3",
                      on_click=WhoCanSeeState.ask_revoke("care_team", m.id)),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def _who_link(x) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon("link", size=20), rx.text(x.label, weight="bold", style=WRAP),
                      rx.cond(x.has_passcode, rx.badge(T["who.passcode"], color_scheme="gray")),
                      align="center", wrap="wrap"),
            rx.text(x.scope, size="2", style=WRAP),
            rx.text(T["who.created"], " ", x.created, " · ", T["who.expires"], " ", x.expires, size="1",
                    color_scheme="gray"),
            _last_used(x.last_used),
            rx.button(T["who.revoke"], variant="soft", color_scheme="red", size="3",
                      on_click=WhoCanSeeState.ask_revoke("link", x.id)),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def _who_section(key: str, rows, render, href: str = "", link_key: str = "") -> rx.Component:  # noqa: ANN001
    return rx.cond(
        rows.length() > 0,
        rx.vstack(
            rx.heading(T[key], size="4", as_="h2"),
            rx.vstack(rx.foreach(rows, render), spacing="2", width="100%"),
            rx.link(T[link_key], href=href, size="2") if href else rx.fragment(),
            spacing="2",
            width="100%",
        ),
    )


def who_can_see_page() -> rx.Component:
    return app_page(
        _back_title("section.who_can_see"),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        manage_gate(_error(WhoCanSeeState.error)),  # others are told the page is the patient's, not "forbidden"
        rx.cond(
            AppState.can_manage_active,
            rx.vstack(
                rx.text(T["who.intro"], size="2"),
                rx.cond(WhoCanSeeState.nobody, empty_state("who.no_one", "lock")),
                _who_section("who.care_team", WhoCanSeeState.members, _who_member, "/care-team",
                             "who.manage_care_team"),
                _who_section("who.caregivers", WhoCanSeeState.grants,
                             lambda g: _grant_card(g, WhoCanSeeState.ask_revoke("caregiver", g.id)), "/caregivers",
                             "who.manage_caregivers"),
                _who_section("who.links", WhoCanSeeState.links, _who_link),
                rx.link(rx.hstack(rx.icon("history", size=18), rx.text(T["documents.access_history"]),
                                  align="center"),
                        href="/access-history", style={"min_height": "44px", "display": "flex",
                                                       "align_items": "center"}),
                spacing="4",
                width="100%",
                id="who-can-see",
            ),
        ),
        _confirm("who.confirm_title", "who.confirm_text", "who.revoke", WhoCanSeeState,
                 WhoCanSeeState.confirm_revoke, "confirm-revoke"),
    )


def who_can_see_link() -> rx.Component:
    """A link for the profiles page."""
    return rx.link(
        rx.hstack(rx.icon("eye", size=18), rx.text(T["section.who_can_see"]), align="center"),
        href="/who-can-see",
        id="who-can-see-link",
        style={"min_height": "44px", "display": "flex", "align_items": "center"},
    )


# --------------------------------------------------------------------------- professional: my patients


def _patient_row(p) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.hstack(
            rx.avatar(fallback=p.given_name[:1], radius="full", color_scheme="teal", size="3"),
            rx.vstack(
                rx.text(p.name, weight="bold", style=WRAP),
                rx.text(p.age_label, size="1", color_scheme="gray"),
                _last_used(p.last_access),
                spacing="0",
                min_width="0",
            ),
            rx.spacer(),
            rx.button(T["patients.open"], size="3", variant="soft", on_click=PatientsState.open_patient(p.id)),
            align="center",
            width="100%",
        ),
        width="100%",
    )


def patients_page() -> rx.Component:
    return app_page(
        page_title("section.patients"),
        rx.text(T["patients.intro"], size="2"),
        _error(PatientsState.error),
        rx.cond(
            PatientsState.patients.length() > 0,
            rx.vstack(rx.foreach(PatientsState.patients, _patient_row), spacing="2", width="100%", id="patient-list"),
            empty_state("patients.empty", "users"),
        ),
    )


def patients_card() -> rx.Component:
    """For the home page of a professional: a way to the list of patients."""
    return rx.cond(AppState.follows_patients, nav_card("section.patients", "users", "/patients", "patients-link"))
