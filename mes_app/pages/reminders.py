"""The reminders block of the home page (issue 6): a heading with a count badge, one line each."""

from __future__ import annotations

import reflex as rx

from mes_app.components.layout import T

ICONS = {
    "emergency_opened": "siren",
    "appointment_proposed": "calendar-clock",
    "appointment_soon": "calendar",
    "vaccine_overdue": "syringe",
    "new_documents": "file-text",
    "unread_messages": "mail",
    "software_entries": "plug",  # FHIR API (issue 12 item 2)
}


def _line(line, on_dismiss=None) -> rx.Component:  # noqa: ANN001 - a Var of ReminderLine
    """One reminder: a link to its page; a dismissable notice gets a 44 px "dismiss" button."""
    link = _link(line)
    if on_dismiss is None:
        return link
    return rx.hstack(
        rx.box(link, flex="1", min_width="0"),
        rx.cond(
            line.dismissable,
            rx.icon_button(rx.icon("x", size=18), variant="ghost", color_scheme="gray", size="3",
                           on_click=on_dismiss(line.key), aria_label=T["reminders.dismiss"],
                           title=T["reminders.dismiss"], class_name="reminder-dismiss",
                           style={"min_width": "44px", "min_height": "44px", "flex_shrink": "0"}),
        ),
        align="center",
        spacing="1",
        width="100%",
        class_name="reminder-line",
    )


def _link(line) -> rx.Component:  # noqa: ANN001 - a Var of ReminderLine
    return rx.link(
        rx.hstack(
            rx.match(line.kind, *[(k, rx.icon(i, size=20, color=rx.color("teal", 11))) for k, i in ICONS.items()],
                     rx.icon("bell", size=20)),
            rx.vstack(
                rx.text(line.text, size="2", weight="medium", style={"overflow_wrap": "anywhere"}),
                rx.cond(line.sub != "", rx.text(line.sub, size="1", color_scheme="gray")),
                spacing="0",
                align="start",
                min_width="0",
            ),
            rx.spacer(),
            rx.icon("chevron-right", size=18, flex_shrink="0"),
            align="center",
            spacing="3",
            width="100%",
            min_height="44px",
            padding_y="0.4rem",
            border_bottom="1px solid var(--gray-a4)",
        ),
        href=line.link,
        underline="none",
        color="inherit",
        width="100%",
    )


def reminders_section(lines, on_dismiss=None) -> rx.Component:  # noqa: ANN001 - a Var of list[ReminderLine]
    return rx.cond(
        lines.length() > 0,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("bell", size=20),
                    rx.heading(T["reminders.title"], size="4", as_="h2"),
                    rx.badge(lines.length().to_string(), color_scheme="red", variant="solid", radius="full",
                             id="reminders-badge", aria_label=T["reminders.count_label"]),
                    align="center",
                    spacing="2",
                ),
                rx.vstack(rx.foreach(lines, lambda line: _line(line, on_dismiss)), spacing="0", width="100%"),
                spacing="2",
                width="100%",
            ),
            width="100%",
            id="home-reminders",
        ),
    )
