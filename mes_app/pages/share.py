"""``/share``: pick a scope, an expiry and an optional passcode; get a link and a QR code;
list the links and revoke them. Layout only."""

from __future__ import annotations

import reflex as rx

from mes_app.components.forms import SELECT_STYLE, field, text_input, url_field
from mes_app.components.layout import T, app_page, empty_state, page_title
from mes_app.services.share_links import DEFAULT_EXPIRY_HOURS, EXPIRY_CHOICES, SHAREABLE_SECTIONS
from mes_app.state.base import AppState
from mes_app.state.share import ShareState

SECTION_LABELS = {
    "risk_factors": "summary.allergies",
    "conditions": "summary.problems",
    "treatments": "summary.treatments",
    "vaccinations": "summary.vaccinations",
    "measures": "summary.measures",
    "documents": "summary.documents",
}
DEFAULT_ON = ("risk_factors", "conditions", "treatments", "vaccinations")


def _checkbox(section: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=f"sec_{section}",
            default_checked=section in DEFAULT_ON,
            id=f"share-sec-{section}",
            style={"width": "22px", "height": "22px", "flex_shrink": "0"},
        ),
        rx.text(T[SECTION_LABELS[section]]),
        style={"display": "flex", "align_items": "center", "gap": "0.6rem", "min_height": "44px"},
    )


def _form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(T["share.new"], size="4", as_="h2"),
                rx.text(T["share.scope"], size="2", weight="medium"),
                rx.text(T["share.scope_identity"], size="1", color_scheme="gray"),
                *[_checkbox(s.value) for s in SHAREABLE_SECTIONS],
                rx.text(T["share.documents_hint"], size="1", color_scheme="gray"),
                field(
                    T["share.expires"],
                    rx.el.select(
                        *[rx.el.option(T[f"share.expiry_{h}"], value=str(h)) for h in EXPIRY_CHOICES],
                        name="expires",
                        default_value=str(DEFAULT_EXPIRY_HOURS),
                        style=SELECT_STYLE,
                        id="share-expires",
                    ),
                ),
                field(
                    T["share.passcode_optional"],
                    text_input("passcode", id="share-passcode", auto_complete="off", max_length=64),
                ),
                field(T["share.label"], text_input("label", id="share-label", max_length=80)),
                rx.cond(
                    ShareState.form_error != "",
                    rx.callout(ShareState.form_error, color_scheme="red", icon="triangle-alert", id="share-error"),
                ),
                rx.button(
                    rx.icon("link", size=18),
                    T["share.create"],
                    type="submit",
                    size="3",
                    width="100%",
                    id="share-create",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=ShareState.create_link,
            key=ShareState.form_key,
            width="100%",
        ),
        width="100%",
    )


def _created() -> rx.Component:
    return rx.cond(
        ShareState.created_url != "",
        rx.card(
            rx.vstack(
                rx.heading(T["share.ready"], size="4", as_="h2"),
                rx.text(T["share.ready_hint"], size="2"),
                rx.box(
                    rx.html(ShareState.created_qr),
                    width="100%",
                    max_width="300px",
                    margin="0 auto",
                    background="white",
                    id="share-qr",
                ),
                url_field(T["share.url_label"], ShareState.created_url, "share-url"),
                rx.button(
                    rx.icon("copy", size=18),
                    T["share.copy"],
                    size="3",
                    width="100%",
                    variant="soft",
                    on_click=[rx.set_clipboard(ShareState.created_url), rx.toast.success(T["share.copied"])],
                ),
                rx.cond(
                    ShareState.created_has_passcode, rx.text(T["share.tell_passcode"], size="2", color_scheme="amber")
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="share-created",
        ),
    )


def _link_card(link) -> rx.Component:  # noqa: ANN001 - a Var of LinkView
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(rx.cond(link.label != "", link.label, T["who.link_default"]), weight="medium"),
                rx.spacer(),
                rx.badge(
                    rx.match(
                        link.status,
                        ("active", T["share.status_active"]),
                        ("expired", T["share.badge_expired"]),
                        ("revoked", T["share.badge_revoked"]),
                        T["share.badge_locked"],
                    ),
                    color_scheme=rx.cond(link.status == "active", "green", "gray"),
                ),
                width="100%",
                align="center",
            ),
            rx.text(
                T["who.created"],
                " ",
                link.created,
                " · ",
                T["who.expires"],
                " ",
                link.expires,
                size="2",
                color_scheme="gray",
            ),
            rx.cond(link.has_passcode, rx.text(T["who.passcode"], size="2", color_scheme="gray")),
            rx.text(
                T["share.last_opened"],
                " ",
                rx.cond(link.last_opened != "", link.last_opened, T["care.never"]),
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                link.status == "active",
                rx.button(
                    rx.icon("ban", size=16),
                    T["share.revoke"],
                    color_scheme="red",
                    variant="soft",
                    size="3",
                    on_click=ShareState.ask_revoke(link.id),
                    class_name="share-revoke",
                ),
            ),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def _past_links() -> rx.Component:
    """Revoked and expired links fold away (closed by default): the list of links in force
    does not grow with every link ever made."""
    return rx.el.details(
        rx.el.summary(
            rx.icon("chevron-right", size=18, class_name="past-chevron"),
            T["share.past_links"],
            " (",
            ShareState.past_links.length().to_string(),
            ")",
            style={
                "min_height": "44px",
                "display": "flex",
                "align_items": "center",
                "gap": "0.25rem",
                "cursor": "pointer",
                "font_weight": "500",
                "list_style": "none",
            },
            id="share-past-summary",
        ),
        rx.vstack(rx.foreach(ShareState.past_links, _link_card), spacing="2", width="100%", padding_top="0.5rem"),
        id="share-past-links",
        style={"width": "100%", "&[open] .past-chevron": {"transform": "rotate(90deg)"}},
    )


def _confirm() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(T["share.confirm_title"]),
            rx.alert_dialog.description(T["share.confirm_text"]),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(T["record.cancel"], variant="soft", color_scheme="gray", size="3")),
                rx.alert_dialog.action(
                    rx.button(
                        T["share.revoke"],
                        color_scheme="red",
                        size="3",
                        on_click=ShareState.confirm_revoke,
                        id="confirm-revoke",
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
            width="calc(100vw - 1rem)",
            max_width="28rem",
        ),
        open=ShareState.confirm_open,
        on_open_change=ShareState.set_confirm_open,
    )


def share_page() -> rx.Component:
    return app_page(
        page_title("section.share"),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        rx.cond(
            AppState.can_manage_active & (ShareState.error != ""),
            rx.callout(ShareState.error, color_scheme="red", icon="triangle-alert"),
        ),
        rx.cond(
            AppState.can_manage_active,
            rx.vstack(
                rx.text(T["share.intro"], size="2"),
                _created(),
                _form(),
                rx.heading(T["share.my_links"], size="4", as_="h2"),
                rx.cond(
                    ShareState.current_links.length() > 0,
                    rx.vstack(
                        rx.foreach(ShareState.current_links, _link_card),
                        spacing="2",
                        width="100%",
                        id="share-current-links",
                    ),
                    empty_state("share.no_links", "link"),
                ),
                rx.cond(ShareState.past_links.length() > 0, _past_links()),
                spacing="4",
                width="100%",
                align="stretch",
            ),
            rx.callout(T["share.only_managers"], icon="info"),
        ),
        _confirm(),
    )
