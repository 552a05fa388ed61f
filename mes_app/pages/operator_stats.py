"""The operators' statistics page (/operator/stats, issue 15 item 1). Layout only: aggregate
counts as cards, the engaged definition, bars over time, week/month switch, CSV download."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from mes_app.charts.measures import CONFIG
from mes_app.components.file_link import file_link
from mes_app.components.layout import T
from mes_app.pages.operator_console import operator_page
from mes_app.state.operator_stats import OperatorStatsState as S
from mes_app.state.operator_stats import StatCard

TAP = {"min_height": "44px"}


def _card(card: StatCard) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(card.label, size="2", color_scheme="gray"),
            rx.text(card.value, size="6", weight="bold", class_name="stat-value"),
            spacing="1",
        ),
        id="stat-" + card.id,
        width="100%",
    )


def _period_button(period: str, key: str) -> rx.Component:
    return rx.button(
        T[key],
        variant=rx.cond(S.period == period, "solid", "soft"),
        size="3",
        style=TAP,
        on_click=S.set_period(period),
        id=f"stats-period-{period}",
        aria_pressed=rx.cond(S.period == period, "true", "false"),
    )


def _figures() -> rx.Component:
    return rx.vstack(
        rx.text(T["stats.intro"], size="2"),
        rx.callout(S.definition, icon="info", color_scheme="teal", size="1", width="100%", id="stats-definition"),
        rx.grid(rx.foreach(S.cards, _card), columns=rx.breakpoints(initial="2", md="3"), spacing="3", width="100%"),
        rx.text(S.engaged_share, size="2", id="stats-engaged-share"),
        rx.text(S.professionals_share, size="2", id="stats-professionals-share"),
        rx.heading(T["stats.over_time"], size="4", as_="h2"),
        rx.hstack(_period_button("week", "stats.weeks"), _period_button("month", "stats.months"), gap="2"),
        rx.box(
            rx.plotly.basic(data=S.figure.to(go.Figure), config=CONFIG, use_resize_handler=True,
                            style={"width": "100%", "height": "300px"}),
            width="100%", min_width="0", overflow="hidden", id="stats-chart",
        ),
        file_link(rx.icon("download", size=16), T["stats.download_csv"], href=S.csv_href, download=True,
                  id="stats-csv"),
        spacing="3",
        width="100%",
        align="stretch",
    )


def operator_stats_page() -> rx.Component:
    return operator_page(S, "title.operator_stats", _figures())
