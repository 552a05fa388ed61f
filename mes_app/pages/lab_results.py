"""Lab results (issue 12): /lab-results (the reports, the hand-entry dialog),
/lab-results/report?id=… (one report's values, out-of-range ones said in words) and
/lab-results/test?key=… (one test's trend with its reference band, Plotly basic bundle).
Layout only."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from mes_app.charts.measures import CONFIG
from mes_app.components.controls import back_link, switch_hit
from mes_app.components.dialogs import confirm_dialog, form_dialog
from mes_app.components.file_link import file_link
from mes_app.components.forms import SELECT_STYLE, field
from mes_app.components.layout import T, app_page, empty_state, page_title, section_gate
from mes_app.state.base import AppState
from mes_app.state.lab_entry import LabEntryState
from mes_app.state.lab_report import LabReportState, LabTrendState
from mes_app.state.lab_results import LabResultsState

TOUCH = {"min_height": "44px"}
SECTION = "lab_results"


def _can_add() -> rx.Var:
    return AppState.addable_sections.contains(SECTION)


def _flag(code: rx.Var, out: rx.Var, element_class: str = "lab-flag") -> rx.Component:
    """The interpretation in words ("Élevé", "High"), with an arrow: never colour alone."""
    return rx.cond(
        code != "",
        rx.badge(
            rx.cond(code.contains("H"), rx.icon("arrow-up", size=14),
                    rx.cond(code.contains("L"), rx.icon("arrow-down", size=14), rx.fragment())),
            T["lab.interp." + code],
            color_scheme=rx.cond(out, "red", "green"),
            variant=rx.cond(out, "solid", "soft"),
            size="2",
            class_name=element_class,
        ),
    )


# --------------------------------------------------------------------------- the list


def _report_card(r) -> rx.Component:  # noqa: ANN001 - a Var of ReportSummary
    return rx.link(
        rx.card(
            rx.hstack(
                rx.icon("flask-conical", size=22, color=rx.color("teal", 11), flex_shrink="0"),
                rx.vstack(
                    rx.text(rx.cond(r.title != "", r.title, rx.cond(r.lab_name != "", r.lab_name, T["lab.untitled"])),
                            weight="bold", style={"overflow_wrap": "anywhere"}),
                    rx.text(r.collected, size="2", color_scheme="gray"),
                    rx.flex(
                        rx.badge(r.value_count.to_string() + " " + T["lab.values_word"], variant="soft",
                                 color_scheme="gray"),
                        rx.cond(r.out_of_range > 0,
                                rx.badge(rx.icon("triangle-alert", size=14),
                                         r.out_of_range.to_string() + " " + T["lab.out_of_range_word"],
                                         color_scheme="red", class_name="lab-out-count")),
                        rx.cond(r.by_professional, rx.badge(T["record.by_professional"], color_scheme="blue")),
                        rx.cond(r.hidden, rx.badge(T["lab.hide_from_pros"], color_scheme="orange", variant="soft")),
                        gap="1",
                        wrap="wrap",
                    ),
                    spacing="1",
                    align="start",
                    min_width="0",
                ),
                rx.spacer(),
                rx.icon("chevron-right", size=18, flex_shrink="0"),
                align="center",
                width="100%",
            ),
            width="100%",
            style=TOUCH,
        ),
        href="/lab-results/report?id=" + r.id.to_string(),
        underline="none",
        color="inherit",
        width="100%",
        class_name="lab-report-link",
    )


def _suggestions() -> rx.Component:
    return rx.cond(
        LabEntryState.suggestions.length() > 0,
        rx.vstack(
            rx.foreach(
                LabEntryState.suggestions,
                lambda s: rx.button(
                    rx.text(s["label"], style={"overflow_wrap": "anywhere"}, align="left"),
                    variant="soft",
                    color_scheme="gray",
                    width="100%",
                    type="button",
                    on_click=LabEntryState.pick_test(s["key"]),
                    style={"min_height": "44px", "height": "auto", "justify_content": "flex-start"},
                    class_name="lab-suggestion",
                ),
            ),
            width="100%",
            spacing="1",
            id="lab-suggestions",
        ),
    )


def _number(name: str, required: bool = False, input_mode: str = "decimal") -> rx.Component:
    return rx.input(name=name, type="text", input_mode=input_mode, auto_complete="off", required=required, size="3",
                    width="100%", max_length=20, id=f"lab-{name}")


def _value_form() -> rx.Component:
    """Pick a test, type its value: added to the list below (a form of its own, not nested)."""
    return rx.form(
        rx.vstack(
            field(T["lab.test"] + " *", rx.input(
                value=LabEntryState.search_text,
                on_change=LabEntryState.search_tests.debounce(250),
                placeholder=T["lab.search_test"],
                size="3",
                width="100%",
                auto_complete="off",
                name="test_search",
                id="lab-test-search",
            )),
            _suggestions(),
            rx.cond(
                LabEntryState.test_key != "",
                rx.vstack(
                    rx.badge(T["record.picked"] + " : " + LabEntryState.test_label, color_scheme="teal",
                             id="lab-picked"),
                    rx.grid(
                        field(T["lab.value"] + " *", _number("value", required=True)),
                        field(T["lab.unit"], rx.el.select(
                            rx.foreach(LabEntryState.unit_options,
                                       lambda u: rx.el.option(rx.cond(u["label"] != "", u["label"], u["code"]),
                                                              value=u["code"])),
                            name="unit",
                            style=SELECT_STYLE,
                            id="lab-unit",
                        )),
                        field(T["lab.low"], _number("low")),
                        field(T["lab.high"], _number("high")),
                        columns="2",
                        spacing="2",
                        width="100%",
                    ),
                    rx.button(rx.icon("plus", size=16), T["lab.add_value"], type="submit", variant="soft", size="3",
                              width="100%", id="lab-add-value"),
                    spacing="2",
                    width="100%",
                ),
            ),
            rx.cond(LabEntryState.value_error != "",
                    rx.callout(LabEntryState.value_error, color_scheme="red", icon="triangle-alert", role="alert",
                               width="100%", id="lab-value-error")),
            spacing="2",
            width="100%",
        ),
        on_submit=LabEntryState.add_value,
        reset_on_submit=True,
        key=LabEntryState.value_key,
        width="100%",
    )


def _draft_list() -> rx.Component:
    return rx.vstack(
        rx.heading(T["lab.values_to_save"], size="3", as_="h3"),
        rx.cond(
            LabEntryState.draft.length() > 0,
            rx.vstack(
                rx.foreach(
                    LabEntryState.draft,
                    lambda d, i: rx.card(
                        rx.hstack(
                            rx.vstack(
                                rx.text(d["name"], weight="medium", style={"overflow_wrap": "anywhere"}),
                                rx.hstack(rx.text(d["value"], " ", d["unit"], weight="bold"),
                                          _flag(d["flag"], d["out"] != ""), spacing="2", wrap="wrap",
                                          align="center"),
                                rx.cond(d["range"] != "", rx.text(T["lab.range"], " : ", d["range"], size="1",
                                                                  color_scheme="gray")),
                                spacing="1",
                                min_width="0",
                            ),
                            rx.spacer(),
                            rx.button(rx.icon("x", size=16), T["lab.remove_value"], variant="soft",
                                      color_scheme="gray", type="button", size="2", style=TOUCH,
                                      on_click=LabEntryState.remove_value(i)),
                            align="center",
                            width="100%",
                        ),
                        width="100%",
                    ),
                ),
                spacing="2",
                width="100%",
                id="lab-draft",
            ),
            rx.text(T["lab.no_values_yet"], size="2", color_scheme="gray"),
        ),
        spacing="2",
        width="100%",
    )


def _report_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            field(T["lab.collected_at"] + " *", rx.input(type="datetime-local", name="collected_at",
                                                          default_value=LabEntryState.default_collected,
                                                          required=True, size="3", width="100%",
                                                          id="lab-collected_at")),
            field(T["lab.issued_at"], rx.input(type="date", name="issued_on", size="3", width="100%",
                                               id="lab-issued_on")),
            field(T["lab.lab_name"], rx.input(name="lab_name", max_length=200, size="3", width="100%",
                                              id="lab-lab_name")),
            field(T["lab.title_field"], rx.input(name="title", max_length=200, size="3", width="100%",
                                                 id="lab-title")),
            rx.cond(LabEntryState.form_error != "",
                    rx.callout(LabEntryState.form_error, color_scheme="red", icon="triangle-alert", role="alert",
                               width="100%", id="lab-form-error")),
            rx.hstack(
                rx.dialog.close(rx.button(T["record.cancel"], variant="soft", color_scheme="gray", type="button",
                                          size="3")),
                rx.button(T["record.save"], type="submit", size="3", id="lab-save",
                          disabled=LabEntryState.draft.length() == 0),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=LabEntryState.submit_report,
        reset_on_submit=False,
        key=LabEntryState.form_key,
        width="100%",
    )


def _entry_dialog() -> rx.Component:
    return form_dialog(
        T["lab.new"],
        rx.vstack(_value_form(), _draft_list(), rx.separator(), _report_form(), spacing="3", width="100%"),
        open=LabEntryState.form_open,
        on_open_change=LabEntryState.set_form_open,
        element_id="lab-dialog",
    )


def lab_results_page() -> rx.Component:
    return app_page(
        rx.hstack(back_link("/record", "nav.record"), page_title("section.lab_results"), align="center"),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        section_gate(
            SECTION,
            rx.vstack(
                rx.cond(LabResultsState.error != "",
                        rx.callout(LabResultsState.error, color_scheme="red", icon="triangle-alert")),
                rx.cond(_can_add(), rx.button(rx.icon("plus", size=18), T["lab.add"], on_click=LabEntryState.open_new,
                                              size="3", style=TOUCH, width="100%", id="add-lab-report")),
                rx.cond(
                    LabResultsState.reports.length() > 0,
                    rx.vstack(rx.foreach(LabResultsState.reports, _report_card), spacing="2", width="100%",
                              id="lab-reports"),
                    empty_state("lab.empty", "flask-conical"),
                ),
                rx.cond(LabResultsState.reports_more,
                        rx.button(T["lab.more"], on_click=LabResultsState.show_more, variant="soft", size="3",
                                  width="100%")),
                rx.cond(_can_add(), _entry_dialog()),
                spacing="4",
                width="100%",
                align="stretch",
            ),
        ),
    )


# --------------------------------------------------------------------------- one report


def _value_row(value) -> rx.Component:  # noqa: ANN001 - a Var of ValueView
    body = rx.vstack(
        rx.hstack(
            rx.text(value.name, weight="medium", style={"overflow_wrap": "anywhere"}),
            rx.spacer(),
            rx.cond(value.test_key != "", rx.icon("chart-line", size=18, flex_shrink="0")),
            width="100%",
            align="center",
        ),
        rx.hstack(
            rx.text(value.value, " ", value.unit, weight="bold", size="4", class_name="lab-value"),
            _flag(value.interpretation, value.out_of_range),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(value.ref_range != "", rx.text(T["lab.range"], " : ", value.ref_range, " ", value.unit, size="1",
                                           color_scheme="gray")),
        rx.cond(value.computed, rx.text(T["lab.computed"], size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
    )
    card = rx.card(body, width="100%", class_name="lab-value-card")
    return rx.cond(
        value.test_key != "",
        rx.link(card, href="/lab-results/test?key=" + value.test_key, underline="none", color="inherit",
                width="100%", aria_label=T["lab.see_trend"] + " : " + value.name),
        card,
    )


def lab_report_page() -> rx.Component:
    s = LabReportState
    return app_page(
        rx.hstack(back_link("/lab-results", "lab.back"), page_title("lab.report"), align="center"),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        rx.cond(s.error != "", rx.callout(s.error, color_scheme="red", icon="triangle-alert")),
        rx.cond(
            s.found,
            rx.vstack(
                rx.card(
                    rx.vstack(
                        rx.cond(s.title != "", rx.heading(s.title, size="4", as_="h2")),
                        rx.cond(s.lab_name != "", rx.text(T["lab.lab_name"], " : ", s.lab_name, size="2")),
                        rx.text(T["lab.collected_at"], " : ", s.collected, size="2", id="lab-collected"),
                        rx.cond(s.issued != "", rx.text(T["lab.issued_at"], " : ", s.issued, size="2")),
                        rx.cond(s.by_professional,
                                rx.badge(T["record.by_professional"] + " " + s.author_name, color_scheme="blue")),
                        rx.cond(s.via_software != "",  # FHIR API (issue 12 item 2)
                                rx.badge(T["record.via"] + " " + s.via_software, color_scheme="blue", variant="soft")),
                        rx.cond(s.imported_from != "",  # FHIR file import (issue 12 item 3)
                                rx.badge(T["fhir_import.imported_from"] + " " + s.imported_from, color_scheme="gray",
                                         variant="soft", class_name="imported-from", white_space="normal")),
                        rx.cond(s.note != "", rx.text(s.note, size="2", style={"white_space": "pre-wrap"})),
                        rx.cond(s.document_id > 0, file_link(
                            rx.icon("file-text", size=16), T["lab.pdf"], " — ", s.document_title,
                            href="/api/documents/" + s.document_id.to_string(), new_tab=True, id="lab-pdf")),
                        spacing="2",
                        width="100%",
                    ),
                    width="100%",
                ),
                rx.heading(T["lab.values"], size="4", as_="h2"),
                rx.vstack(rx.foreach(s.values, _value_row), spacing="2", width="100%", id="lab-values"),
                rx.cond(s.can_hide, rx.el.label(
                    switch_hit(rx.switch(checked=s.hidden, on_change=LabReportState.toggle_hidden,
                                         color_scheme="orange", id="lab-hide")),
                    rx.text(T["lab.hide_from_pros"], size="2"),
                    style={"display": "flex", "align_items": "center", "gap": "0.5rem", "min_height": "44px"},
                )),
                rx.cond(s.can_delete, rx.button(rx.icon("trash-2", size=16), T["lab.delete"],
                                                on_click=LabReportState.ask_delete, color_scheme="red",
                                                variant="soft", size="3", style=TOUCH, id="lab-delete")),
                confirm_dialog(LabReportState, title=T["lab.confirm_delete_title"],
                               text=T["lab.confirm_delete_text"], confirm_label=T["record.delete"],
                               on_confirm=LabReportState.confirm_delete, confirm_id="confirm-delete"),
                spacing="3",
                width="100%",
            ),
        ),
    )


# --------------------------------------------------------------------------- one test


def lab_trend_page() -> rx.Component:
    s = LabTrendState
    return app_page(
        rx.hstack(back_link("/lab-results", "lab.back"), rx.heading(
            rx.cond(s.name != "", s.name, T["lab.trend"]), size="6", as_="h1", id="lab-trend-title"),
            align="center"),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        rx.cond(s.error != "", rx.callout(s.error, color_scheme="red", icon="triangle-alert")),
        rx.cond(
            s.found,
            rx.vstack(
                rx.cond(s.units.length() > 1, rx.flex(
                    rx.text(T["lab.show_in"], size="2", weight="medium"),
                    rx.foreach(s.units, lambda u: rx.button(
                        u["label"], on_click=LabTrendState.set_unit(u["code"]),
                        variant=rx.cond(s.unit == u["code"], "solid", "soft"), size="2",
                        style={**TOUCH, "flex": "1"}, class_name="lab-unit-toggle",
                        aria_pressed=rx.cond(s.unit == u["code"], "true", "false"))),
                    gap="2", align="center", width="100%", role="group", aria_label=T["lab.show_in"],
                )),
                rx.cond(
                    s.has_points,
                    rx.box(
                        rx.plotly.basic(data=s.figure.to(go.Figure), config=CONFIG, use_resize_handler=True,
                                        style={"width": "100%", "height": "300px"}),
                        width="100%", min_width="0", overflow="hidden", id="lab-chart",
                    ),
                    empty_state("lab.no_trend", "chart-line"),
                ),
                rx.cond(s.band != "", rx.badge(T["lab.band"], " : ", s.band, variant="outline", color_scheme="gray",
                                               style={"background": "rgba(13,148,136,0.12)", "white_space": "normal"},
                                               id="lab-band")),
                rx.cond(s.left_out > 0, rx.text(T["lab.left_out_note"], size="1", color_scheme="gray")),
                rx.heading(T["lab.values"], size="4", as_="h2"),
                rx.vstack(
                    rx.foreach(s.points, lambda p: rx.link(rx.card(rx.hstack(
                        rx.text(p.when, size="2", color_scheme="gray", flex_shrink="0"),
                        rx.spacer(),
                        rx.text(p.value, " ", p.unit, weight="bold"),
                        _flag(p.interpretation, p.out_of_range),
                        align="center", spacing="2", width="100%", wrap="wrap",
                    ), width="100%", style=TOUCH), href="/lab-results/report?id=" + p.report_id.to_string(),
                        underline="none", color="inherit", width="100%")),
                    spacing="2", width="100%", id="lab-trend-values",
                ),
                spacing="3",
                width="100%",
            ),
        ),
    )
