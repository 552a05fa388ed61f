"""Health measures: latest-value cards, the chart (Plotly basic bundle, this page only),
the entries of the charted kind, a form per kind, and the CSV import (a dialog opened by the
« Importer » button next to « Ajouter une mesure » at the top). Layout only."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from mes_app.charts.measures import CONFIG
from mes_app.components.controls import back_link
from mes_app.components.dialogs import confirm_dialog, form_dialog
from mes_app.components.forms import SELECT_STYLE, field
from mes_app.components.layout import T, app_page, empty_state, page_title, section_gate
from mes_app.domain import measures as m
from mes_app.services.measures import RANGES
from mes_app.state.apple_import import AppleImportState
from mes_app.state.base import AppState
from mes_app.state.measure_chart import MeasureChartState
from mes_app.state.measure_import import MeasureImportState
from mes_app.state.measures import MeasuresState

TOUCH = {"min_height": "44px"}


def _can_add() -> rx.Var:
    return AppState.addable_sections.contains("measures")


# --------------------------------------------------------------------------- cards


def _card(card) -> rx.Component:  # noqa: ANN001 - a Var of KindSummary
    return rx.card(
        rx.vstack(
            rx.text(T["measure." + card.kind], size="1", color_scheme="gray"),
            rx.text(card.value, " ", card.unit, weight="bold", size="4", style={"overflow_wrap": "anywhere"}),
            rx.cond(
                card.change != "",
                rx.text(card.change, " ", T["measures.since_previous"], size="1", color_scheme="gray"),
            ),
            rx.cond(card.status_key != "", rx.text(T[card.status_key], size="1", color_scheme="teal")),
            rx.cond(card.status_detail != "", rx.text(card.status_detail, size="1", color_scheme="gray")),
            rx.text(card.when, size="1", color_scheme="gray"),
            spacing="1",
            align="start",
            min_width="0",
        ),
        size="1",
        as_child=False,
        on_click=MeasureChartState.show_kind(card.kind),
        style={"cursor": "pointer", "min_height": "44px"},
        id="card-" + card.kind,
    )


# --------------------------------------------------------------------------- chart


def _range_buttons() -> rx.Component:
    return rx.flex(
        *[
            rx.button(
                T[f"measures.range.{key}"],
                on_click=MeasureChartState.set_range(key),
                variant=rx.cond(MeasureChartState.range_key == key, "solid", "soft"),
                size="2",
                style={**TOUCH, "flex": "1"},
                id=f"range-{key}",
            )
            for key in RANGES
        ],
        gap="2",
        width="100%",
        role="group",
        aria_label=T["measures.range"],
    )


def _chart_section() -> rx.Component:
    return rx.vstack(
        rx.el.label(
            rx.text(T["measures.chart_of"], size="2", weight="medium"),
            rx.el.select(
                rx.foreach(MeasureChartState.kinds, lambda k: rx.el.option(T["measure." + k], value=k)),
                value=MeasureChartState.kind,
                on_change=MeasureChartState.show_kind,
                style=SELECT_STYLE,
                id="chart-kind",
            ),
            style={"display": "flex", "flex_direction": "column", "gap": "0.25rem", "width": "100%"},
        ),
        _range_buttons(),
        rx.foreach(
            MeasureChartState.summary,
            lambda s: rx.card(
                rx.vstack(
                    rx.hstack(
                        rx.text(s.value, " ", s.unit, weight="bold", size="6", id="chart-latest"),
                        rx.cond(s.change != "", rx.text(s.change, size="2", color_scheme="gray")),
                        align="baseline",
                        spacing="2",
                        wrap="wrap",
                    ),
                    rx.cond(
                        s.status_key != "",
                        rx.text(T[s.status_key], size="2", weight="medium", color_scheme="teal", id="chart-status"),
                    ),
                    rx.cond(s.status_detail != "", rx.text(s.status_detail, size="2", color_scheme="gray")),
                    rx.text(s.when, size="1", color_scheme="gray"),
                    spacing="1",
                ),
                width="100%",
            ),
        ),
        rx.cond(
            MeasureChartState.has_points,
            rx.box(
                rx.plotly.basic(
                    data=MeasureChartState.figure.to(go.Figure),
                    config=CONFIG,
                    use_resize_handler=True,
                    style={"width": "100%", "height": "300px"},
                ),
                width="100%",
                min_width="0",
                overflow="hidden",
                id="measures-chart",
            ),
            empty_state("measures.no_data_range", "chart-line"),
        ),
        rx.cond(
            MeasureChartState.bands.length() > 0,
            rx.flex(
                rx.foreach(
                    MeasureChartState.bands,
                    lambda b: rx.badge(
                        T[b[0]],
                        variant="outline",
                        color_scheme="gray",
                        style={"background": b[1], "white_space": "normal", "text_align": "left"},
                    ),
                ),
                gap="1",
                wrap="wrap",
            ),
        ),
        rx.cond(
            MeasureChartState.note_key != "",
            rx.text(T[MeasureChartState.note_key], size="1", color_scheme="gray", id="chart-note"),
        ),
        rx.cond(
            MeasureChartState.points_text != "", rx.text(MeasureChartState.points_text, size="1", color_scheme="gray")
        ),
        width="100%",
        spacing="3",
    )


# --------------------------------------------------------------------------- entries


def _entry_row(entry) -> rx.Component:  # noqa: ANN001 - a Var of EntryView
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(entry.value, weight="bold"),
                rx.spacer(),
                rx.text(entry.when, size="1", color_scheme="gray", flex_shrink="0"),
                width="100%",
                align="center",
            ),
            rx.flex(
                rx.badge(
                    T["measures.source." + entry.source],
                    variant="soft",
                    color_scheme=rx.cond(entry.from_professional, "blue", "gray"),
                ),
                rx.cond(
                    entry.by_professional,
                    rx.badge(T["record.by_professional"] + " " + entry.author_name, color_scheme="blue"),
                ),
                rx.cond(entry.via_software != "",  # FHIR API (issue 12 item 2)
                        rx.badge(T["record.via"] + " " + entry.via_software, color_scheme="blue", variant="soft",
                                 class_name="via-software")),
                rx.cond(entry.imported_from != "",  # FHIR file import (issue 12 item 3)
                        rx.badge(T["fhir_import.imported_from"] + " " + entry.imported_from, color_scheme="gray",
                                 variant="soft", class_name="imported-from", white_space="normal")),
                rx.cond(~entry.editable, rx.badge(T["record.read_only"], color_scheme="gray", variant="soft")),
                gap="2",
                wrap="wrap",
            ),
            rx.cond(
                entry.editable,
                rx.hstack(
                    rx.button(
                        rx.icon("pencil", size=16),
                        T["record.edit"],
                        variant="soft",
                        size="2",
                        on_click=MeasuresState.open_edit(entry.id),
                        style=TOUCH,
                    ),
                    rx.button(
                        rx.icon("trash-2", size=16),
                        T["record.delete"],
                        variant="soft",
                        color_scheme="red",
                        size="2",
                        on_click=MeasuresState.ask_delete(entry.id),
                        style=TOUCH,
                    ),
                    spacing="2",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _entries_section() -> rx.Component:
    return rx.cond(
        MeasureChartState.entries.length() > 0,
        rx.vstack(
            rx.heading(T["measures.entries"], size="4", as_="h2"),
            rx.vstack(
                rx.foreach(MeasureChartState.entries, _entry_row), spacing="2", width="100%", id="measure-entries"
            ),
            rx.cond(
                MeasureChartState.entries_more,
                rx.button(
                    T["measures.more"], on_click=MeasureChartState.show_more, variant="soft", size="3", width="100%"
                ),
            ),
            width="100%",
            spacing="2",
        ),
    )


# --------------------------------------------------------------------------- form


def _number(name: str, default: rx.Var, integer: bool, required: bool = True) -> rx.Component:
    return rx.input(
        name=name,
        default_value=default,
        type="text",
        input_mode="numeric" if integer else "decimal",
        auto_complete="off",
        required=required,
        size="3",
        width="100%",
        max_length=12,
        id=f"measure-{name}",
    )


def _unit_control(spec: m.MeasureKind) -> rx.Component:
    if len(spec.units) == 1:
        return rx.el.input(type="hidden", name="unit", value=spec.unit)
    return field(
        T["measures.unit"],
        rx.el.select(
            *[rx.el.option(u.label, value=u.code) for u in spec.units],
            name="unit",
            default_value=spec.unit,
            style=SELECT_STYLE,
            id="measure-unit",
        ),
    )


def _kind_form(kind: str) -> rx.Component:
    spec = m.KINDS[kind]
    values = MeasuresState.form_values
    integer = spec.decimals == 0
    unit_hint = " (" + spec.unit_label + ")" if len(spec.units) == 1 else ""
    if spec.secondary:
        inputs = [
            field(T["measures.systolic"] + unit_hint + " *", _number("value", values["value"], integer)),
            field(
                T["measures.diastolic"] + unit_hint + " *",
                _number("value_secondary", values["value_secondary"], integer),
            ),
            rx.cond(
                ~MeasuresState.form_editing,
                field(
                    T["measures.heart_rate_optional"] + " (/min)",
                    _number("heart_rate", values["heart_rate"], True, required=False),
                ),
            ),
        ]
    else:
        inputs = [field(T["measures.value"] + unit_hint + " *", _number("value", values["value"], integer))]
    return rx.form(
        rx.vstack(
            *inputs,
            _unit_control(spec),
            field(
                T["measures.measured_at"] + " *",
                rx.input(
                    type="datetime-local",
                    name="measured_at",
                    default_value=values["measured_at"],
                    required=True,
                    size="3",
                    width="100%",
                    id="measure-measured_at",
                ),
            ),
            rx.cond(
                MeasuresState.form_error != "",
                rx.callout(
                    MeasuresState.form_error,
                    color_scheme="red",
                    icon="triangle-alert",
                    role="alert",
                    id="measure-form-error",
                    width="100%",
                ),
            ),
            rx.hstack(
                rx.dialog.close(
                    rx.button(T["record.cancel"], variant="soft", color_scheme="gray", type="button", size="3")
                ),
                rx.button(T["record.save"], type="submit", size="3", id="measure-save"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=MeasuresState.submit_form,
        reset_on_submit=False,
        key=MeasuresState.form_key,
        width="100%",
    )


def _form_dialog() -> rx.Component:
    return form_dialog(
        rx.cond(MeasuresState.form_editing, T["measures.edit_title"], T["measures.new"]),
        rx.vstack(
            rx.cond(
                ~MeasuresState.form_editing,
                field(
                    T["measures.kind"],
                    rx.el.select(
                        *[rx.el.option(T[f"measure.{k}"], value=k) for k in m.ENTRY_KINDS],
                        value=MeasuresState.form_kind,
                        on_change=MeasuresState.set_form_kind,
                        style=SELECT_STYLE,
                        id="measure-kind",
                    ),
                ),
                rx.text(T["measure." + MeasuresState.form_kind], weight="bold"),
            ),
            rx.match(MeasuresState.form_kind, *[(k, _kind_form(k)) for k in m.ENTRY_KINDS], rx.fragment()),
            rx.text(T["measures.bmi_derived"], size="1", color_scheme="gray"),
            spacing="3",
            width="100%",
        ),
        open=MeasuresState.form_open,
        on_open_change=MeasuresState.set_form_open,
    )


def _confirm_dialog() -> rx.Component:
    return confirm_dialog(
        MeasuresState,
        title=T["measures.confirm_delete_title"],
        text=T["measures.confirm_delete_text"],
        confirm_label=T["record.delete"],
        on_confirm=MeasuresState.confirm_delete,
        confirm_id="confirm-delete",
    )


# --------------------------------------------------------------------------- import


def _csv_panel() -> rx.Component:
    return rx.vstack(
        rx.text(T["measures.import_help"], size="2", style={"overflow_wrap": "anywhere"}),
        rx.el.pre(
            T["measures.import_example"],
            id="import-example",
            style={
                "font_family": "var(--code-font-family, monospace)",
                "font_size": "0.8rem",
                "white_space": "pre",
                "overflow_x": "auto",
                "max_width": "100%",
                "width": "100%",
                "margin": "0",
                "padding": "0.5rem",
                "background": "var(--gray-a3)",
                "border_radius": "var(--radius-2)",
            },
        ),
        rx.text(T["measures.import_help_details"], size="1", color_scheme="gray", style={"overflow_wrap": "anywhere"}),
        field(
            T["measures.import_file"],
            rx.el.input(
                type="file",
                accept=".csv,text/csv,text/plain",
                id="measures-import-file",
                style={"min_height": "44px", "width": "100%", "max_width": "100%"},
            ),
        ),
        rx.button(
            rx.cond(MeasureImportState.import_busy, T["measures.import_checking"], T["measures.import_check"]),
            on_click=MeasureImportState.import_check,
            variant="soft",
            size="3",
            width="100%",
            disabled=MeasureImportState.import_busy,
            id="import-check",
        ),
        rx.cond(
            MeasureImportState.import_message != "",
            rx.callout(
                MeasureImportState.import_message,
                color_scheme=rx.cond(MeasureImportState.import_ok, "teal", "red"),
                icon="info",
                width="100%",
                id="import-message",
            ),
        ),
        rx.cond(
            MeasureImportState.import_summary != "",
            rx.text(MeasureImportState.import_summary, weight="medium", id="import-summary"),
        ),
        rx.cond(
            MeasureImportState.import_rows.length() > 0,
            rx.vstack(
                rx.foreach(
                    MeasureImportState.import_rows,
                    lambda r: rx.text(
                        r["when"],
                        " · ",
                        r["kind"],
                        " · ",
                        r["value"],
                        " ",
                        r["unit"],
                        size="1",
                        style={"overflow_wrap": "anywhere"},
                    ),
                ),
                spacing="0",
                width="100%",
                id="import-rows",
            ),
        ),
        rx.cond(
            MeasureImportState.import_errors.length() > 0,
            rx.vstack(
                rx.text(T["measures.import_errors"], weight="bold", color_scheme="red"),
                rx.foreach(
                    MeasureImportState.import_errors,
                    lambda e: rx.text(
                        T["measures.import_line"],
                        " ",
                        e["line"],
                        " : ",
                        e["message"],
                        size="1",
                        color_scheme="red",
                        style={"overflow_wrap": "anywhere"},
                    ),
                ),
                spacing="1",
                width="100%",
                id="import-errors",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _import_panel() -> rx.Component:
    return rx.vstack(
        _format_choice(),
        rx.cond(AppleImportState.import_format == "apple", _apple_panel(), _csv_panel()),
        rx.hstack(
            rx.dialog.close(
                rx.button(
                    T["record.cancel"], variant="soft", color_scheme="gray", type="button", size="3", id="import-close"
                )
            ),
            rx.cond(
                MeasureImportState.import_ready,
                rx.button(
                    T["measures.import_confirm"], on_click=MeasureImportState.import_run, size="3", id="import-run"
                ),
            ),
            justify="end",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


# --- Apple Health export (issue 12, item 3) ---


def _format_choice() -> rx.Component:
    """CSV or the phone's health app export: two thumb-sized toggles."""

    def choice(value: str, label: rx.Var, element_id: str) -> rx.Component:
        return rx.button(
            label,
            on_click=AppleImportState.set_import_format(value),
            variant=rx.cond(AppleImportState.import_format == value, "solid", "soft"),
            aria_pressed=rx.cond(AppleImportState.import_format == value, "true", "false"),
            size="3",
            type="button",
            style={**TOUCH, "flex": "1 1 10rem", "white_space": "normal", "height": "auto"},
            id=element_id,
        )

    return rx.flex(
        choice("csv", T["measures.import_format_csv"], "import-format-csv"),
        choice("apple", T["measures.import_format_apple"], "import-format-apple"),
        gap="2",
        wrap="wrap",
        width="100%",
        role="group",
        aria_label=T["measures.import_format"],
    )


def _apple_panel() -> rx.Component:
    return rx.vstack(
        rx.text(T["measures.apple_help"], size="2", style={"overflow_wrap": "anywhere"}),
        field(
            T["measures.apple_file"],
            rx.el.input(
                type="file",
                accept=".zip,.xml,application/zip,application/xml,text/xml",
                id="measures-apple-file",
                style={"min_height": "44px", "width": "100%", "max_width": "100%"},
            ),
        ),
        rx.button(
            rx.cond(MeasureImportState.import_busy, T["measures.apple_sending"], T["measures.apple_start"]),
            on_click=AppleImportState.apple_start,
            size="3",
            width="100%",
            disabled=MeasureImportState.import_busy | AppleImportState.apple_running,
            id="apple-start",
        ),
        rx.cond(
            AppleImportState.apple_running,
            rx.vstack(
                rx.progress(value=AppleImportState.apple_percent, max=100, width="100%"),
                rx.text(AppleImportState.apple_progress_text, size="2", aria_live="polite"),
                width="100%",
                id="apple-progress",
            ),
        ),
        rx.cond(
            MeasureImportState.import_message != "",
            rx.callout(
                MeasureImportState.import_message,
                color_scheme=rx.cond(MeasureImportState.import_ok, "teal", "red"),
                icon="info",
                width="100%",
                id="apple-message",
            ),
        ),
        rx.cond(
            MeasureImportState.apple_lines.length() > 0,
            rx.vstack(
                rx.foreach(MeasureImportState.apple_lines, lambda line: rx.text(line, size="2")),
                spacing="1",
                width="100%",
                id="apple-summary",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _import_dialog() -> rx.Component:
    """The CSV import, opened by the « Importer » button at the top of the page."""
    return form_dialog(
        T["measures.import_title"],
        _import_panel(),
        open=MeasureImportState.import_open,
        on_open_change=MeasureImportState.set_import_open,
        element_id="import-dialog",
    )


def _actions() -> rx.Component:
    """Add one reading, or import a file: side by side at the top, thumb-sized."""
    return rx.flex(
        rx.button(
            rx.icon("plus", size=18),
            T["measures.add"],
            on_click=MeasuresState.open_new,
            size="3",
            style={**TOUCH, "flex": "1 1 auto"},
            id="add-measure",
        ),
        rx.button(
            rx.icon("upload", size=18),
            T["measures.import_open"],
            on_click=MeasureImportState.open_import,
            size="3",
            variant="soft",
            style={**TOUCH, "flex": "0 1 auto"},
            id="import-open",
            title=T["measures.import_title"],
        ),
        gap="2",
        wrap="wrap",
        width="100%",
    )


# --------------------------------------------------------------------------- page


def measures_page() -> rx.Component:
    return app_page(
        rx.hstack(
            back_link("/record", "nav.record"),
            page_title("section.measures"),
            align="center",
        ),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        section_gate(
            "measures",
            rx.vstack(
                rx.cond(
                    MeasuresState.error != "",
                    rx.callout(MeasuresState.error, color_scheme="red", icon="triangle-alert"),
                ),
                rx.cond(
                    MeasureChartState.error != "",
                    rx.callout(MeasureChartState.error, color_scheme="red", icon="triangle-alert"),
                ),
                rx.cond(_can_add(), _actions()),
                rx.cond(
                    MeasuresState.cards.length() > 0,
                    rx.vstack(
                        rx.heading(T["measures.latest"], size="4", as_="h2"),
                        rx.grid(
                            rx.foreach(MeasuresState.cards, _card),
                            columns=rx.breakpoints(initial="2", sm="3"),
                            spacing="2",
                            width="100%",
                            id="measure-cards",
                        ),
                        width="100%",
                        spacing="2",
                    ),
                    empty_state("measures.empty", "activity"),
                ),
                rx.cond(MeasureChartState.kinds.length() > 0, _chart_section()),
                _entries_section(),
                rx.cond(_can_add(), _import_dialog()),
                _form_dialog(),
                _confirm_dialog(),
                spacing="4",
                width="100%",
                align="stretch",
            ),
        ),
    )
