"""The record: an index of sections, one page per group of entry kinds, the history timeline."""

from __future__ import annotations

import reflex as rx

from mes_app.components.cards import profile_card, timeline_row
from mes_app.components.controls import back_link, secret_badge, secret_checkbox, secret_switch, switch_hit
from mes_app.components.dialogs import confirm_dialog, form_dialog
from mes_app.components.file_link import file_link
from mes_app.components.forms import SELECT_STYLE, field
from mes_app.components.layout import T, app_page, empty_state, page_title, section_gate
from mes_app.domain.record_kinds import ENTRY_KINDS, RECORD_GROUPS, FieldSpec
from mes_app.services.timeline import FILTERS
from mes_app.state.base import AppState
from mes_app.state.history import HistoryState
from mes_app.state.record_entries import RecordEntriesState
from mes_app.state.records import RecordState

GROUP_ICONS = {
    "conditions": "stethoscope",
    "treatments": "pill",
    "hospitalisations": "hospital",
    "risk_factors": "triangle-alert",
    "vaccinations": "syringe",
}
# --------------------------------------------------------------------------- index

# Other pages of the record, shown on the index after the entry groups: (text key, route, icon).
RECORD_INDEX_EXTRA: list[tuple[str, str, str]] = [
    # --- measures (issue 3) ---
    ("section.measures", "/measures", "activity"),
    # --- documents (issue 4) ---
    ("section.documents", "/documents", "file-text"),
    # --- appointments, prevention, emergency card (issue 6) ---
    # --- care team, caregivers, summary (issue 5a) ---
    ("section.care_team", "/care-team", "stethoscope"),
    ("section.caregivers", "/caregivers", "heart-handshake"),
    ("section.who_can_see", "/who-can-see", "eye"),
    # --- share links, emergency card (issue 5b / 6) ---
    ("section.summary", "/summary", "clipboard-list"),
    ("section.share", "/share", "qr-code"),
    ("section.emergency_card", "/emergency-card", "siren"),
    # --- messages (issue 5c) ---
    ("section.messages", "/messages", "mail"),
    ("section.appointments", "/appointments", "calendar"),
    ("section.prevention", "/prevention", "shield-check"),
    # --- lab results (issue 12) ---
    ("section.lab_results", "/lab-results", "flask-conical"),
]


# What each page of the index needs, from the capability flags: a section shared with the
# viewer (else the card says "not shared"), or "manage" (the sharing pages: shown only to the
# patient and guardians). Pages not listed are shown to everyone who opens the profile.
INDEX_NEEDS: dict[str, str] = {
    **{f"/record/{g}": g for g in GROUP_ICONS},
    "/measures": "measures",
    "/documents": "documents",
    "/messages": "messages",
    "/appointments": "appointments",
    "/care-team": "manage",
    "/caregivers": "manage",
    "/who-can-see": "manage",
    "/share": "manage",
    "/emergency-card": "manage",
    "/lab-results": "lab_results",  # lab results (issue 12)
}


def _index_card(text_key: str, route: str, icon: str, element_id: str) -> rx.Component:
    needs = INDEX_NEEDS.get(route, "")
    card = rx.link(
        rx.card(
            rx.hstack(
                rx.icon(icon, size=22, color=rx.color("teal", 11), flex_shrink="0"),
                rx.text(T[text_key], weight="medium", min_width="0", style={"overflow_wrap": "anywhere"}),
                rx.spacer(),
                rx.cond(
                    AppState.shared_sections.contains(needs),
                    rx.fragment(),
                    rx.badge(
                        T["record.not_shared_badge"],
                        color_scheme="gray",
                        variant="soft",
                        flex_shrink="0",
                        class_name="not-shared-badge",
                    ),
                )
                if needs and needs != "manage"
                else rx.fragment(),
                rx.icon("chevron-right", size=18, flex_shrink="0"),
                align="center",
                width="100%",
            ),
            width="100%",
            min_height="44px",
        ),
        href=route,
        underline="none",
        color="inherit",
        width="100%",
        id=element_id,
    )
    return rx.cond(AppState.manages_active, card) if needs == "manage" else card


def record_index_page() -> rx.Component:
    return app_page(
        rx.heading(AppState.record_title, size="6", as_="h1", id="record-title"),
        profile_card(),
        rx.vstack(
            *[_index_card(f"section.{g}", f"/record/{g}", GROUP_ICONS[g], f"record-link-{g}") for g in RECORD_GROUPS],
            *[
                _index_card(key, route, icon, f"record-link-{route.strip('/')}")
                for key, route, icon in RECORD_INDEX_EXTRA
            ],
            width="100%",
            spacing="2",
        ),
        _export_button(),
        # --- FHIR file import by the patient or a guardian (issue 12 item 3) ---
        rx.cond(
            AppState.manages_active,
            rx.link(rx.icon("upload", size=18), T["fhir_import.open"], href="/record/import", id="record-import-fhir",
                    style={"display": "inline-flex", "align_items": "center", "gap": "0.35rem",
                           "min_height": "44px"}),
        ),
    )


def _export_button() -> rx.Component:
    """The whole record as a FHIR file, for whoever may take it out (a capability flag)."""
    return rx.cond(
        AppState.can_export,
        rx.vstack(
            file_link(
                rx.icon("download", size=18),
                T["record.export_fhir"],
                href=AppState.export_href,
                download=True,
                id="record-export-fhir",
            ),
            rx.cond(
                AppState.partial_share,
                rx.text(T["record.export_fhir_partial"], size="1", color_scheme="gray", id="record-export-partial"),
            ),
            # --- take-out archive (issue 13, item 2) ---
            rx.link(rx.icon("archive", size=18), T["takeout.open"], href="/takeout", id="record-takeout",
                    style={"display": "inline-flex", "align_items": "center", "gap": "0.35rem",
                           "min_height": "44px"}),
            spacing="1",
            width="100%",
        ),
    )


# --------------------------------------------------------------------------- entries


def _fact_line(fact) -> rx.Component:  # noqa: ANN001 - a Var of EntryFact
    """One field of an entry, labelled; a note keeps the patient's line breaks."""
    return rx.text(
        rx.el.span(fact.label, style={"font_weight": "500"}),
        " ",
        fact.text,
        size="2",
        style={"overflow_wrap": "anywhere", "white_space": "pre-wrap"},
        class_name="entry-fact-" + fact.name,
    )


def _entry_card(kind: str):  # noqa: ANN202
    def render(entry) -> rx.Component:  # noqa: ANN001
        return rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text(entry.title, weight="bold", style={"overflow_wrap": "anywhere"}, min_width="0"),
                    rx.spacer(),
                    rx.cond(
                        entry.date != "",
                        rx.text(
                            T["field." + entry.date_field],
                            " ",
                            entry.date,
                            size="1",
                            color_scheme="gray",
                            text_align="right",
                            max_width="45%",
                            class_name="entry-date",
                        ),
                    ),
                    width="100%",
                    align="start",
                ),
                rx.cond(
                    entry.facts.length() > 0,
                    rx.vstack(rx.foreach(entry.facts, _fact_line), spacing="1", width="100%", class_name="entry-facts"),
                ),
                rx.flex(
                    rx.cond(entry.tag != "", rx.badge(T["choice." + entry.tag], color_scheme="teal", variant="soft")),
                    rx.cond(
                        entry.coded,
                        rx.cond(
                            entry.code_label != "", rx.badge(entry.code_label, variant="outline", color_scheme="gray")
                        ),
                        rx.badge(T["record.uncoded"], color_scheme="amber"),
                    ),
                    rx.cond(
                        entry.by_professional,
                        rx.badge(T["record.by_professional"] + " " + entry.author_name, color_scheme="blue"),
                    ),
                    rx.cond(entry.via_software != "",  # FHIR API (issue 12 item 2)
                            rx.badge(T["record.via"] + " " + entry.via_software, color_scheme="blue",
                                     variant="soft", class_name="via-software")),
                    rx.cond(entry.imported_from != "",  # FHIR file import (issue 12 item 3)
                            rx.badge(T["fhir_import.imported_from"] + " " + entry.imported_from, color_scheme="gray",
                                     variant="soft", class_name="imported-from", white_space="normal")),
                    rx.cond(~entry.editable, rx.badge(T["record.read_only"], color_scheme="gray", variant="soft")),
                    rx.cond(entry.hidden_from_guardians, secret_badge()),
                    gap="2",
                    wrap="wrap",
                ),
                rx.cond(
                    entry.manageable,
                    rx.el.label(
                        switch_hit(
                            rx.switch(
                                checked=entry.hidden_from_professionals,
                                on_change=lambda value: RecordEntriesState.toggle_hidden(kind, entry.id, value),
                                color_scheme="orange",
                            )
                        ),
                        rx.text(T["record.hidden_from_professionals"], size="2"),
                        style={"display": "flex", "gap": "0.25rem", "align_items": "center", "min_height": "44px"},
                    ),
                ),
                rx.cond(
                    entry.can_mark_hidden_from_guardians,
                    secret_switch(entry.hidden_from_guardians,
                                  lambda value: RecordEntriesState.toggle_secret(kind, entry.id, value)),
                ),
                rx.cond(
                    entry.editable,
                    rx.hstack(
                        rx.button(
                            rx.icon("pencil", size=16),
                            T["record.edit"],
                            variant="soft",
                            size="2",
                            on_click=RecordState.open_edit(kind, entry.id),
                            min_height="44px",
                        ),
                        rx.button(
                            rx.icon("trash-2", size=16),
                            T["record.delete"],
                            variant="soft",
                            color_scheme="red",
                            size="2",
                            on_click=RecordEntriesState.ask_delete(kind, entry.id),
                            min_height="44px",
                        ),
                        spacing="2",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        )

    return render


def _kind_section(kind: str) -> rx.Component:
    section = ENTRY_KINDS[kind].section.value
    return rx.vstack(
        rx.hstack(
            rx.heading(T[f"kind.{kind}"], size="4", as_="h2"),
            rx.spacer(),
            rx.cond(
                AppState.addable_sections.contains(section),
                rx.button(
                    rx.icon("plus", size=16),
                    T["record.add"],
                    size="2",
                    on_click=RecordState.open_new(kind),
                    min_height="44px",
                    id=f"add-{kind}",
                ),
            ),
            width="100%",
            align="center",
        ),
        section_gate(
            section,
            rx.cond(
                RecordState.entries[kind].length() > 0,
                rx.vstack(
                    rx.foreach(RecordState.entries[kind], _entry_card(kind)),
                    spacing="2",
                    width="100%",
                    id=f"list-{kind}",
                ),
                empty_state("record.empty"),
            ),
        ),
        width="100%",
        spacing="2",
    )


# --------------------------------------------------------------------------- form


def _labelled(spec: FieldSpec, control: rx.Component) -> rx.Component:
    return field(T[spec.label_key] + (" *" if spec.required else ""), control)


def _coded_control(spec: FieldSpec) -> rx.Component:
    return rx.vstack(
        rx.input(
            value=RecordState.coded_text,
            on_change=RecordState.search_codes.debounce(250),
            placeholder=T["record.search_hint"],
            size="3",
            width="100%",
            auto_complete="off",
            custom_attrs={"data-testid": "coded-input"},
            name=spec.name,
            required=spec.required,
            max_length=spec.max_len,
        ),
        rx.cond(
            RecordState.suggestions.length() > 0,
            rx.vstack(
                rx.foreach(
                    RecordState.suggestions,
                    lambda s: rx.button(
                        rx.text(s.label, style={"overflow_wrap": "anywhere"}, align="left"),
                        rx.spacer(),
                        rx.text(s.code, size="1", color_scheme="gray"),
                        variant="soft",
                        color_scheme="gray",
                        width="100%",
                        type="button",
                        on_click=RecordState.pick_code(s.value),
                        style={"min_height": "44px", "height": "auto", "justify_content": "space-between"},
                    ),
                ),
                width="100%",
                spacing="1",
                id="code-suggestions",
            ),
        ),
        rx.cond(
            RecordState.picked_code != "",
            rx.badge(T["record.picked"] + " : " + RecordState.picked_label, color_scheme="teal", id="picked-code"),
            rx.cond(RecordState.coded_text != "", rx.badge(T["record.free_text"], color_scheme="amber")),
        ),
        width="100%",
        spacing="1",
    )


def _control(spec: FieldSpec, state: type[AppState] = RecordState) -> rx.Component:
    default = state.form_values[spec.name]
    common = {"name": spec.name, "required": spec.required, "width": "100%", "size": "3"}
    if spec.type == "coded":
        return _coded_control(spec)  # only RecordState searches codes
    if spec.type == "note":
        return rx.text_area(name=spec.name, default_value=default, max_length=spec.max_len, rows="3", width="100%")
    if spec.type == "date":
        return rx.input(type="date", default_value=default, **common)
    if spec.type == "int":
        return rx.input(
            type="number", input_mode="numeric", min=spec.min_value, max=spec.max_value, default_value=default, **common
        )
    if spec.type == "choice":
        return rx.el.select(
            *([] if spec.required else [rx.el.option("—", value="")]),
            *[rx.el.option(T[f"choice.{c}"], value=c) for c in spec.choices],
            name=spec.name,
            default_value=rx.cond(default, default, spec.choices[0] if spec.required else ""),
            style=SELECT_STYLE,
        )
    return rx.input(default_value=default, max_length=spec.max_len, **common)


def _entry_form(kind: str, state: type[AppState] = RecordState, on_submit=None) -> rx.Component:  # noqa: ANN001
    """The form of one entry kind, drawn from its fields; ``state`` holds the dialog's vars."""
    spec = ENTRY_KINDS[kind]
    return rx.form(
        rx.vstack(
            *[_labelled(f, _control(f, state)) for f in spec.fields],
            rx.cond(  # teen: a minor's care team only (capability flag); new entries only
                state.can_hide_from_guardians & ~state.form_editing if state is RecordState
                else state.can_hide_from_guardians,
                secret_checkbox(),
            ),
            rx.cond(
                state.form_error != "",
                rx.callout(
                    state.form_error,
                    color_scheme="red",
                    icon="triangle-alert",
                    role="alert",
                    id="form-error",
                    width="100%",
                ),
            ),
            rx.hstack(
                rx.dialog.close(
                    rx.button(T["record.cancel"], variant="soft", color_scheme="gray", type="button", size="3")
                ),
                rx.button(T["record.save"], type="submit", size="3", id="form-save"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit if on_submit is not None else RecordState.submit_form,
        reset_on_submit=False,
        key=state.form_key,
        width="100%",
    )


def _form_dialog(group: str) -> rx.Component:
    kinds = RECORD_GROUPS[group]
    return form_dialog(
        rx.fragment(
            rx.cond(RecordState.form_editing, T["record.edit_entry"], T["record.new_entry"]),
            " · ",
            T["kind." + RecordState.form_kind],
        ),
        rx.match(RecordState.form_kind, *[(k, _entry_form(k)) for k in kinds], rx.fragment()),
        open=RecordState.form_open,
        on_open_change=RecordState.set_form_open,
    )


def _confirm_dialog() -> rx.Component:
    return confirm_dialog(
        RecordEntriesState,
        title=T["record.confirm_delete_title"],
        text=T["record.confirm_delete_text"],
        confirm_label=T["record.delete"],
        on_confirm=RecordEntriesState.confirm_delete,
        confirm_id="confirm-delete",
    )


def record_group_page(group: str):  # noqa: ANN201
    def page() -> rx.Component:
        return app_page(
            rx.hstack(
                back_link("/record", "nav.record"),
                page_title(f"section.{group}"),
                align="center",
            ),
            rx.text(AppState.active_name, color_scheme="gray", size="2"),
            rx.cond(RecordState.error != "", rx.callout(RecordState.error, color_scheme="red", icon="triangle-alert")),
            *[_kind_section(k) for k in RECORD_GROUPS[group]],
            _form_dialog(group),
            _confirm_dialog(),
        )

    page.__name__ = f"record_{group}_page"
    return page


# --------------------------------------------------------------------------- history


def _event_dialog() -> rx.Component:
    """« Ajouter un événement »: the encounter form (date, type, title, professional, place, note)."""
    return form_dialog(
        T["history.new_event"],
        _entry_form("encounters", HistoryState, HistoryState.submit_event),
        open=HistoryState.form_open,
        on_open_change=HistoryState.set_form_open,
    )


def history_page() -> rx.Component:
    return app_page(
        rx.hstack(
            page_title("section.history"),
            rx.spacer(),
            rx.cond(
                AppState.addable_sections.contains("history"),
                rx.button(
                    rx.icon("plus", size=16),
                    T["history.add_event"],
                    size="2",
                    min_height="44px",
                    on_click=HistoryState.open_new_event,
                    id="add-event",
                ),
            ),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.text(AppState.active_name, color_scheme="gray", size="2"),
        _event_dialog(),
        section_gate(
            "history",
            rx.vstack(
                rx.el.label(
                    rx.text(T["history.filter"], size="2", weight="medium"),
                    rx.el.select(
                        *[rx.el.option(T[f"filter.{f}"], value=f) for f in FILTERS],
                        value=HistoryState.filter_kind,
                        on_change=HistoryState.set_filter,
                        style=SELECT_STYLE,
                        id="history-filter",
                    ),
                    style={"display": "flex", "flex_direction": "column", "gap": "0.25rem"},
                ),
                rx.cond(
                    HistoryState.error != "", rx.callout(HistoryState.error, color_scheme="red", icon="triangle-alert")
                ),
                rx.cond(
                    HistoryState.items.length() > 0,
                    rx.vstack(
                        rx.foreach(HistoryState.items, timeline_row), spacing="0", width="100%", id="history-list"
                    ),
                    empty_state("history.empty", "clock"),
                ),
                rx.cond(
                    HistoryState.has_more,
                    rx.button(
                        T["history.more"], on_click=HistoryState.load_more, variant="soft", size="3", width="100%"
                    ),
                ),
                spacing="4",
                width="100%",
                align="stretch",
            ),
        ),
    )
