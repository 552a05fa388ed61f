"""The one-page summary (``/summary``) and the share link's public page (``/s``). Layout only."""

from __future__ import annotations

import reflex as rx

from mes_app.components.file_link import FILE_TEXT_LINK_STYLE, file_link
from mes_app.components.forms import field, text_input
from mes_app.components.layout import T, app_page, page_title, public_page
from mes_app.state.base import AppState
from mes_app.state.link_visit import LinkVisitState
from mes_app.state.summary import SummaryState

# Printing: only the summary, one column, black on white, no navigation.
PRINT_CSS = """
@media print {
  body * { visibility: hidden !important; }
  #summary-print, #summary-print * { visibility: visible !important; color: #000 !important;
    background: #fff !important; box-shadow: none !important; }
  #summary-print { position: absolute; left: 0; top: 0; width: 100% !important; max-width: none !important; }
  #summary-print .no-print { display: none !important; }
  #summary-print a { text-decoration: none; }
  .summary-part { break-inside: avoid; border: 1px solid #999 !important; }
}
"""

PARTS = (
    ("allergies", "summary.allergies", "triangle-alert"),
    ("problems", "summary.problems", "stethoscope"),
    ("treatments", "summary.treatments", "pill"),
    ("vaccinations", "summary.vaccinations", "syringe"),
    ("measures", "summary.measures", "activity"),
    ("documents", "summary.documents", "file-text"),
)


def _row(item) -> rx.Component:  # noqa: ANN001 - a Var of dict[str, str]
    title = rx.cond(
        item["url"] != "",
        file_link(item["title"], href=item["url"], new_tab=True, style=FILE_TEXT_LINK_STYLE),
        rx.text(item["title"], weight="medium"),
    )
    return rx.box(
        rx.hstack(title, rx.spacer(), rx.text(item["date"], size="2", color_scheme="gray"), width="100%", wrap="wrap"),
        rx.cond(item["detail"] != "", rx.text(item["detail"], size="2", color_scheme="gray")),
        padding_y="0.4rem",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
    )


def _part(state, key: str, title_key: str, icon: str) -> rx.Component:  # noqa: ANN001
    items = getattr(state, key)
    return rx.cond(
        state.present.contains(key),
        rx.card(
            rx.hstack(rx.icon(icon, size=18), rx.heading(T[title_key], size="4", as_="h2"), align="center"),
            rx.cond(
                items.length() > 0,
                rx.vstack(rx.foreach(items, _row), spacing="0", width="100%"),
                rx.text(T["summary.none"], color_scheme="gray", size="2"),
            ),
            class_name="summary-part",
            id=f"summary-{key}",
            width="100%",
        ),
    )


def summary_body(state) -> rx.Component:  # noqa: ANN001
    """The summary itself, shared by the logged-in page and the link's page."""
    return rx.vstack(
        rx.el.style(PRINT_CSS),
        rx.cond(
            state.identity.contains("name"),
            rx.card(
                rx.heading(state.identity["name"], size="5", as_="h2"),
                rx.text(T["summary.born"], " ", state.identity["birth_date"], " · ", state.identity["sex"], size="2"),
                class_name="summary-part",
                id="summary-identity",
                width="100%",
            ),
        ),
        *[_part(state, key, title, icon) for key, title, icon in PARTS],
        rx.text(T["summary.generated"], " ", state.generated_on, size="1", color_scheme="gray"),
        id="summary-print",
        spacing="3",
        width="100%",
        align="stretch",
    )


def summary_page() -> rx.Component:
    return app_page(
        rx.hstack(
            page_title("section.summary"),
            rx.spacer(),
            rx.hstack(
                rx.cond(
                    AppState.active_value != "",
                    file_link(
                        rx.icon("download", size=16),
                        T["summary.download_fhir"],
                        href="/api/summary/ips.json?profile=" + AppState.active_value,
                        download=True,
                        id="summary-download",
                        class_name="no-print",
                    ),
                ),
                rx.button(
                    rx.icon("printer", size=18),
                    T["summary.print"],
                    on_click=rx.call_script("window.print()"),
                    variant="soft",
                    size="3",
                    class_name="no-print",
                    id="summary-print-button",
                ),
                gap="2",
                wrap="wrap",
                align="center",
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        rx.text(T["summary.intro"], size="2"),
        rx.cond(SummaryState.error != "", rx.callout(SummaryState.error, color_scheme="red", icon="triangle-alert")),
        summary_body(SummaryState),
        rx.cond(
            AppState.can_manage_active,
            rx.link(
                rx.button(rx.icon("share-2", size=18), T["share.cta"], size="3", width="100%"),
                href="/share",
                class_name="no-print",
                width="100%",
            ),
        ),
    )


# --------------------------------------------------------------------------- the link's public page


def _refusal(key: str, icon: str) -> rx.Component:
    return rx.callout(T[key], icon=icon, color_scheme="gray", id="link-refusal", size="2")


def link_page() -> rx.Component:
    S = LinkVisitState
    return public_page(
        rx.heading(T["share.visitor_title"], size="5", as_="h1"),
        rx.match(
            S.link_status,
            ("not_found", _refusal("share.status_not_found", "search-x")),
            ("expired", _refusal("share.status_expired", "clock")),
            ("revoked", _refusal("share.status_revoked", "ban")),
            ("locked", _refusal("share.status_locked", "lock")),
            (
                "rate_limited",
                rx.callout(S.rate_limit_message, icon="timer", color_scheme="orange", id="link-refusal", size="2"),
            ),
            (
                "passcode",
                rx.form(
                    rx.vstack(
                        rx.text(T["share.passcode_needed"]),
                        field(
                            T["share.passcode"],
                            text_input(
                                "passcode", type_="password", id="link-passcode", auto_complete="off", required=True
                            ),
                        ),
                        rx.cond(
                            S.passcode_error != "",
                            rx.callout(
                                S.passcode_error, color_scheme="red", icon="triangle-alert", id="passcode-error"
                            ),
                        ),
                        rx.button(T["share.open"], type="submit", size="3", width="100%", id="link-open"),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=S.submit_passcode,
                    reset_on_submit=True,
                    width="100%",
                ),
            ),
            (
                "open",
                rx.vstack(
                    rx.text(T["share.visitor_intro"], size="2", color_scheme="gray"),
                    summary_body(S),
                    rx.button(
                        rx.icon("printer", size=18),
                        T["summary.print"],
                        on_click=rx.call_script("window.print()"),
                        variant="soft",
                        size="3",
                        class_name="no-print",
                    ),
                    spacing="3",
                    width="100%",
                    align="stretch",
                ),
            ),
            rx.spinner(),
        ),
    )
