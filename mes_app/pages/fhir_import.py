"""The FHIR file import page (/record/import, issue 12 item 3): choose a .json file, see what
will be added to which section and what will be skipped and why, then import all of it."""

from __future__ import annotations

import reflex as rx

from mes_app.components.controls import back_link
from mes_app.components.layout import T, app_page, empty_state, page_title
from mes_app.state.base import AppState
from mes_app.state.fhir_import import FhirImportState as S

PATH = "/record/import"
BUTTON = {"min_height": "44px", "width": "100%", "white_space": "normal"}
WRAP = {"overflow_wrap": "anywhere"}


def _count(row) -> rx.Component:  # noqa: ANN001 - a Var of dict
    return rx.badge(row["section"] + " · " + row["count"], color_scheme="teal", variant="soft", size="2",
                    white_space="normal", class_name="fhir-import-count")


def _line(row) -> rx.Component:  # noqa: ANN001
    return rx.hstack(
        rx.text(row["summary"], size="2", weight="medium", style=WRAP, min_width="0"),
        rx.spacer(),
        rx.text(row["section"], rx.cond(row["day"] != "", " · " + row["day"], ""), size="1", color_scheme="gray",
                flex_shrink="0"),
        width="100%", class_name="fhir-import-line", align="center",
    )


def _skip(row) -> rx.Component:  # noqa: ANN001
    return rx.text(
        rx.cond(row["entry"] != "", row["entry"] + " · ", ""), rx.cond(row["type"] != "", row["type"] + " : ", ""),
        row["reason"],
        size="2", color_scheme="gray", style=WRAP, class_name="fhir-import-skipped",
    )


def _preview() -> rx.Component:
    return rx.cond(
        S.checked,
        rx.vstack(
            rx.text(T["fhir_import.source"] + " : " + S.source, size="2", weight="bold", style=WRAP,
                    id="fhir-import-source"),
            rx.heading(T["fhir_import.will_add"], size="4", as_="h2"),
            rx.cond(
                S.lines.length() > 0,
                rx.vstack(
                    rx.flex(rx.foreach(S.counts, _count), gap="2", wrap="wrap"),
                    rx.card(rx.vstack(rx.foreach(S.lines, _line), spacing="2", width="100%"), width="100%"),
                    width="100%", spacing="2",
                ),
                empty_state("fhir_import.nothing_to_add", "inbox"),
            ),
            rx.cond(
                S.skipped.length() > 0,
                rx.vstack(
                    rx.heading(T["fhir_import.will_skip"], size="4", as_="h2"),
                    rx.card(rx.vstack(rx.foreach(S.skipped, _skip), spacing="1", width="100%"), width="100%"),
                    width="100%", spacing="2",
                ),
            ),
            rx.cond(
                S.ready,
                rx.button(rx.icon("download", size=18),
                          rx.cond(S.busy, T["fhir_import.checking"], T["fhir_import.confirm"]),
                          on_click=S.run, disabled=S.busy, style=BUTTON, id="fhir-import-run"),
            ),
            width="100%", spacing="3", id="fhir-import-preview",
        ),
    )


def fhir_import_page() -> rx.Component:
    return app_page(
        back_link("/record", "nav.record"),
        page_title("fhir_import.title"),
        rx.cond(
            AppState.manages_active,
            rx.vstack(
                rx.text(T["fhir_import.intro"], size="2", style=WRAP),
                rx.el.label(T["fhir_import.choose"], html_for="fhir-import-file", style={"font_weight": "500"}),
                rx.el.input(type="file", accept=".json,application/json,application/fhir+json", id="fhir-import-file",
                            style={"min_height": "44px", "width": "100%"}),
                rx.button(rx.icon("file-search", size=18),
                          rx.cond(S.busy & ~S.checked, T["fhir_import.checking"], T["fhir_import.check"]),
                          on_click=S.check, disabled=S.busy, variant="soft", style=BUTTON, id="fhir-import-check"),
                rx.cond(
                    S.message != "",
                    rx.callout(S.message, icon=rx.cond(S.ok, "check", "triangle-alert"),
                               color_scheme=rx.cond(S.ok, "teal", "red"), role="status", width="100%",
                               id="fhir-import-message"),
                ),
                _preview(),
                width="100%", spacing="3",
            ),
            empty_state("fhir_import.not_allowed", "lock"),
        ),
    )
