"""The notification preferences page (/account/notifications, issue 15 item 2). Layout only:
one card per kind, an on/off switch and "at once / Monday digest", each a 44 px target."""

from __future__ import annotations

import reflex as rx

from mes_app.components.controls import switch_hit
from mes_app.components.layout import T, app_page, page_title
from mes_app.state.notifications import NotificationsState as S
from mes_app.state.notifications import PreferenceRow

TAP = {"min_height": "44px"}


def _row(row: PreferenceRow) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.el.label(
                rx.vstack(
                    rx.text(row.label, size="3", weight="medium"),
                    rx.text(row.hint, size="1", color_scheme="gray"),
                    spacing="0", flex="1",
                ),
                switch_hit(rx.switch(checked=row.enabled, on_change=lambda on: S.set_enabled(row.kind, on),
                                     id="notify-on-" + row.kind, aria_label=row.label)),
                style={"display": "flex", "gap": "0.5rem", "align_items": "center", "width": "100%", **TAP},
            ),
            rx.cond(
                row.enabled,
                rx.segmented_control.root(
                    rx.segmented_control.item(T["notify.immediate"], value="immediate",
                                              id="notify-immediate-" + row.kind, style=TAP),
                    rx.segmented_control.item(T["notify.weekly"], value="weekly", id="notify-weekly-" + row.kind,
                                              style=TAP),
                    value=rx.cond(row.weekly, "weekly", "immediate"),
                    on_change=lambda value: S.set_cadence(row.kind, value),
                    size="3", width="100%", id="notify-cadence-" + row.kind,
                ),
            ),
            spacing="2", width="100%",
        ),
        width="100%", id="notify-row-" + row.kind,
    )


def notifications_page() -> rx.Component:
    return app_page(
        page_title("title.notifications"),
        rx.text(T["notify.intro"], size="2", color_scheme="gray"),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", role="alert",
                                          id="notify-error", width="100%")),
        rx.foreach(S.rows, _row),
    )
