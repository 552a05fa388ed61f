"""Profiles: switch, add a child, invite a co-guardian, answer the invitations I received."""

from __future__ import annotations

import reflex as rx

from mes_app.components.dialogs import confirm_dialog
from mes_app.components.forms import field, sex_select
from mes_app.components.layout import T, app_page, page_title
from mes_app.pages.care_circle import who_can_see_link
from mes_app.pages.documents import access_history_link
from mes_app.pages.majority import majority_link
from mes_app.state.base import AppState
from mes_app.state.invitation_confirm import InvitationConfirmState
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
                rx.button(T["profiles.open"], size="2", variant="soft", min_height="44px",
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


TAP = {"min_height": "44px"}


def _sent_row(row) -> rx.Component:  # noqa: ANN001 - a Var of SentRow
    return rx.vstack(
        rx.text(row.email, size="2", weight="medium", style={"overflow_wrap": "anywhere"}),
        rx.text(row.line, size="1", color_scheme="gray", style={"overflow_wrap": "anywhere"}),
        rx.button(rx.icon("x", size=16), T["invite.cancel"], size="2", variant="soft", color_scheme="gray",
                  style=TAP, class_name="invitation-cancel",
                  on_click=InvitationConfirmState.ask_confirm("cancel", row.id)),
        spacing="1",
        align="start",
        width="100%",
        padding_y="0.5rem",
        border_bottom="1px solid var(--gray-a4)",
    )


def _invite_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading(T["invite.title"], size="3", as_="h3"),
            rx.text(T["invite.intro"], size="2", color_scheme="gray"),
            field(T["invite.email"], rx.input(name="email", type="email", required=True, size="3", width="100%",
                                              max_length=254, id="guardian-email")),
            rx.el.fieldset(
                rx.el.legend(T["invite.role"], style={"font_size": "0.875rem", "font_weight": "500",
                                                      "margin_bottom": "0.25rem"}),
                rx.vstack(
                    *[
                        rx.el.label(
                            rx.el.input(type="radio", name="role", value=role, default_checked=role == "co_guardian",
                                        id=f"invite-role-{role}",
                                        style={"width": "1.25rem", "height": "1.25rem", "flex_shrink": "0",
                                               "accent_color": "var(--teal-9)"}),
                            rx.text(T[f"invite.role.{role}"], size="2"),
                            style={"display": "flex", "align_items": "center", "gap": "0.5rem",
                                   "min_height": "44px", "cursor": "pointer"},
                        )
                        for role in ("co_guardian", "handover")
                    ],
                    spacing="0",
                ),
                style={"border": "none", "padding": "0", "margin": "0", "min_width": "0"},
            ),
            rx.cond(ProfilesState.guardian_error != "",
                    rx.callout(ProfilesState.guardian_error, color_scheme="red", icon="triangle-alert",
                               role="alert", width="100%", id="guardian-error")),
            rx.cond(ProfilesState.invite_notice != "",
                    rx.callout(ProfilesState.invite_notice, color_scheme="teal", icon="mail-check",
                               role="status", width="100%", id="invite-notice")),
            rx.button(rx.icon("send", size=16), T["invite.submit"], type="submit", size="3", width="100%",
                      variant="soft", id="invite-submit"),
            spacing="2",
            width="100%",
        ),
        on_submit=ProfilesState.invite_guardian,
        reset_on_submit=False,
        key=ProfilesState.guardian_form_key,
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
            rx.cond(
                ProfilesState.sent.length() > 0,
                rx.vstack(
                    rx.heading(T["invite.pending_title"], size="3", as_="h3"),
                    rx.foreach(ProfilesState.sent, _sent_row),
                    spacing="1",
                    width="100%",
                    id="sent-invitations",
                ),
            ),
            _invite_form(),
            # closing and deleting (issue 13, item 3): any guardian may close the child's profile
            rx.link(rx.icon("trash-2", size=16), T["closing.close_link"], href="/profiles/close", size="2",
                    color_scheme="red", id="close-profile-link",
                    style={"display": "inline-flex", "align_items": "center", "gap": "0.35rem",
                           "min_height": "44px"}),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _received_row(row) -> rx.Component:  # noqa: ANN001 - a Var of ReceivedRow
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("mail-plus", size=20, color=rx.color("teal", 11), flex_shrink="0"),
                rx.text(row.text, size="2", weight="medium", style={"overflow_wrap": "anywhere"}),
                spacing="2",
                align="start",
            ),
            rx.text(row.until, size="1", color_scheme="gray"),
            rx.flex(
                rx.button(rx.icon("check", size=16), T["invite.accept"], size="3", style=TAP, flex="1",
                          class_name="invitation-accept",
                          on_click=InvitationConfirmState.ask_confirm("accept", row.id)),
                rx.button(rx.icon("x", size=16), T["invite.decline"], size="3", variant="soft", color_scheme="gray",
                          style=TAP, flex="1", class_name="invitation-decline",
                          on_click=InvitationConfirmState.ask_confirm("decline", row.id)),
                gap="2",
                wrap="wrap",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _received_card() -> rx.Component:
    return rx.vstack(
        rx.heading(T["invite.received_title"], size="4", as_="h2"),
        rx.cond(ProfilesState.received_error != "",
                rx.callout(ProfilesState.received_error, color_scheme="red", icon="triangle-alert", role="alert",
                           width="100%")),
        rx.foreach(ProfilesState.received, _received_row),
        spacing="2",
        width="100%",
        id="received-invitations",
    )


def _confirm_dialog() -> rx.Component:
    """Accept, decline or cancel an invitation."""
    return confirm_dialog(
        InvitationConfirmState,
        title=InvitationConfirmState.confirm_title,
        text=InvitationConfirmState.confirm_text,
        text_id="invite-confirm-text",
        cancel_label=T["invite.keep"],
        confirm_label=rx.match(InvitationConfirmState.confirm_kind, ("accept", T["invite.accept"]),
                               ("decline", T["invite.decline"]), T["invite.cancel"]),
        danger=InvitationConfirmState.confirm_kind != "accept",
        on_confirm=InvitationConfirmState.confirm,
        confirm_id="invite-confirm",
    )


def profiles_page() -> rx.Component:
    return app_page(
        page_title("profiles.title"),
        rx.cond((ProfilesState.received.length() > 0) | (ProfilesState.received_error != ""), _received_card()),
        rx.vstack(rx.foreach(AppState.profiles, _profile_row), spacing="2", width="100%", id="profile-list"),
        rx.cond(ProfilesState.guardians.length() > 0, _guardians_card()),
        majority_link(),  # teen: from the 18th birthday, for a guardian
        rx.cond(AppState.can_manage_active, access_history_link()),
        rx.cond(AppState.can_manage_active, who_can_see_link()),  # issue 5a
        rx.cond(AppState.may_add_child, _add_child_form()),
        rx.cond(AppState.may_add_child, rx.link(  # closing and deleting (issue 13, item 3)
            rx.icon("user-x", size=16), T["closing.account_link"], href="/account/delete", size="2",
            color_scheme="red", id="delete-account-link",
            style={"display": "inline-flex", "align_items": "center", "gap": "0.35rem", "min_height": "44px"})),
        _confirm_dialog(),
    )
