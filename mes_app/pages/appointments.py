"""The agenda page (/appointments): upcoming appointments, add / edit / cancel, answer proposals,
export to the phone's calendar (.ics)."""

from __future__ import annotations

import reflex as rx

from mes_app.components.dialogs import confirm_dialog, form_dialog
from mes_app.components.file_link import file_link
from mes_app.components.forms import SELECT_STYLE, field
from mes_app.components.layout import T, app_page, empty_state, page_title
from mes_app.state.appointments import AppointmentsState as S

STATUS_COLORS = {"planned": "teal", "proposed": "amber", "cancelled": "gray", "declined": "gray"}


def _status_badge(item) -> rx.Component:  # noqa: ANN001
    return rx.match(
        item.status,
        *[(status, rx.badge(T[f"appointments.status.{status}"], color_scheme=color, variant="soft"))
          for status, color in STATUS_COLORS.items()],
        rx.fragment(),
    )


def appointment_card(item) -> rx.Component:  # noqa: ANN001
    closed = (item.status == "cancelled") | (item.status == "declined")
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(item.date, weight="bold", size="2"),
                    rx.text(item.time, rx.cond(item.end_time != "", "–" + item.end_time, ""), size="2",
                            color_scheme="gray"),
                    spacing="0",
                    align="start",
                    flex_shrink="0",
                    min_width="5.5rem",
                ),
                rx.vstack(
                    rx.text(item.title, weight="bold", style={"overflow_wrap": "anywhere"},
                            text_decoration=rx.cond(closed, "line-through", "none")),
                    rx.flex(
                        rx.badge(item.profile_name, color_scheme="blue", variant="surface"),
                        _status_badge(item),
                        gap="2",
                        wrap="wrap",
                    ),
                    spacing="1",
                    align="start",
                    min_width="0",
                ),
                spacing="3",
                align="start",
                width="100%",
            ),
            rx.cond(
                (item.location != "") | (item.practitioner != ""),
                rx.text(
                    item.practitioner,
                    rx.cond((item.location != "") & (item.practitioner != ""), " · ", ""),
                    item.location,
                    size="2",
                    style={"overflow_wrap": "anywhere"},
                ),
            ),
            rx.cond(item.reason != "", rx.text(item.reason, size="2", color_scheme="gray",
                                               style={"overflow_wrap": "anywhere"})),
            rx.cond(item.note != "", rx.text(T["field.note"], " : ", item.note, size="2", color_scheme="gray",
                                             style={"overflow_wrap": "anywhere", "white_space": "pre-wrap"})),
            rx.cond(
                item.by_professional,
                rx.text(T["appointments.proposed_by"], " ", item.author_name, size="1", color_scheme="gray"),
            ),
            rx.cond(
                item.answerable,
                rx.hstack(
                    rx.button(rx.icon("check", size=16), T["appointments.accept"], size="2", color_scheme="teal",
                              on_click=S.answer(item.id, True), min_height="44px", class_name="appointment-accept"),
                    rx.button(rx.icon("x", size=16), T["appointments.decline"], size="2", variant="soft",
                              color_scheme="red", on_click=S.answer(item.id, False), min_height="44px"),
                    spacing="2",
                    wrap="wrap",
                ),
            ),
            rx.flex(
                rx.cond(
                    item.editable,
                    rx.button(rx.icon("pencil", size=16), T["record.edit"], variant="soft", size="2",
                              on_click=S.open_edit(item.id), min_height="44px"),
                ),
                rx.cond(
                    item.cancellable & ~item.answerable,
                    rx.button(rx.icon("calendar-x", size=16), T["appointments.cancel"], variant="soft",
                              color_scheme="red", size="2", on_click=S.ask_cancel(item.id), min_height="44px"),
                ),
                rx.cond(
                    ~closed,
                    file_link(
                        rx.icon("calendar-plus", size=16), T["appointments.add_to_calendar"],
                        href="/api/appointments/" + item.id.to_string() + ".ics",
                        download=True,
                        class_name="appointment-ics",
                    ),
                ),
                gap="2",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        opacity=rx.cond(closed, "0.7", "1"),
    )


def _text_field(name: str, label_key: str, max_len: int, required: bool = False) -> rx.Component:
    return field(
        T[label_key] + (" *" if required else ""),
        rx.input(name=name, default_value=S.form_values[name], max_length=max_len, required=required,
                 size="3", width="100%"),
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.cond(
                ~S.form_editing,
                field(
                    T["appointments.for_whom"],
                    rx.el.select(
                        rx.foreach(S.targets, lambda p: rx.el.option(p.name, value=p.id.to_string())),
                        name="profile",
                        default_value=S.form_profile,
                        style=SELECT_STYLE,
                        id="appointment-profile",
                    ),
                ),
            ),
            _text_field("title", "appointments.field.title", 200, required=True),
            field(
                T["appointments.field.starts_at"] + " *",
                rx.input(type="datetime-local", name="starts_at", default_value=S.form_values["starts_at"],
                         required=True, size="3", width="100%"),
            ),
            field(
                T["appointments.field.ends_at"],
                rx.input(type="datetime-local", name="ends_at", default_value=S.form_values["ends_at"],
                         size="3", width="100%"),
            ),
            _text_field("practitioner", "appointments.field.practitioner", 200),
            _text_field("location", "appointments.field.location", 200),
            _text_field("reason", "appointments.field.reason", 255),
            field(T["field.note"], rx.text_area(name="note", default_value=S.form_values["note"], max_length=2000,
                                               rows="3", width="100%")),
            rx.cond(S.form_error != "",
                    rx.callout(S.form_error, color_scheme="red", icon="triangle-alert", role="alert",
                               id="appointment-form-error", width="100%")),
            rx.hstack(
                rx.dialog.close(rx.button(T["record.cancel"], variant="soft", color_scheme="gray", type="button",
                                          size="3")),
                rx.button(T["record.save"], type="submit", size="3", id="appointment-save"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.submit_form,
        reset_on_submit=False,
        key=S.form_key,
        width="100%",
    )


def _form_dialog() -> rx.Component:
    return form_dialog(rx.cond(S.form_editing, T["appointments.edit_title"], T["appointments.new_title"]), _form(),
                       open=S.form_open, on_open_change=S.set_form_open)


def _confirm_dialog() -> rx.Component:
    return confirm_dialog(S, title=T["appointments.confirm_cancel_title"], text=T["appointments.confirm_cancel_text"],
                          cancel_label=T["appointments.keep"], confirm_label=T["appointments.cancel"],
                          on_confirm=S.confirm_cancel, confirm_id="confirm-cancel-appointment")


def appointments_page() -> rx.Component:
    return app_page(
        page_title("section.appointments"),
        rx.text(T["appointments.intro"], color_scheme="gray", size="2"),
        rx.flex(
            rx.cond(
                S.targets.length() > 0,
                rx.button(rx.icon("plus", size=16), T["appointments.add"], size="3", on_click=S.open_new,
                          id="add-appointment"),
            ),
            rx.cond(
                S.items.length() > 0,
                file_link(
                    rx.icon("download", size=16), T["appointments.export_all"],
                    href=rx.cond(S.follows_patients, "/api/appointments.ics?profile=" + S.active_value,
                                 "/api/appointments.ics"),
                    download=True,
                    id="appointments-export",
                ),
            ),
            gap="2",
            wrap="wrap",
        ),
        rx.cond(S.error != "", rx.callout(S.error, color_scheme="red", icon="triangle-alert", role="alert")),
        rx.cond(
            S.items.length() > 0,
            rx.vstack(rx.foreach(S.items, appointment_card), spacing="2", width="100%", id="appointment-list"),
            empty_state("appointments.empty", "calendar"),
        ),
        _form_dialog(),
        _confirm_dialog(),
    )


def appointment_row(item) -> rx.Component:  # noqa: ANN001 - a compact line for the home page
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.text(item.date, weight="bold", size="2"),
                rx.text(item.time, size="1", color_scheme="gray"),
                spacing="0",
                align="start",
                flex_shrink="0",
                min_width="5.5rem",
            ),
            rx.vstack(
                rx.text(item.title, weight="medium", size="2", style={"overflow_wrap": "anywhere"}),
                rx.text(item.profile_name, rx.cond(item.practitioner != "", " · " + item.practitioner, ""),
                        size="1", color_scheme="gray", style={"overflow_wrap": "anywhere"}),
                spacing="0",
                align="start",
                min_width="0",
            ),
            rx.spacer(),
            rx.cond(item.status == "proposed", _status_badge(item)),
            spacing="3",
            align="start",
            width="100%",
            padding_y="0.5rem",
            border_bottom="1px solid var(--gray-a4)",
        ),
        href="/appointments",
        underline="none",
        color="inherit",
        width="100%",
    )
