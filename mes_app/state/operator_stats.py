"""The operators' statistics page (/operator/stats, issue 15 item 1): aggregate, anonymous.

Only counts reach the view: small ones already read "< 10" (the service's rule), shares over
them too. Anyone but an operator gets the console's "this page does not exist" (``allowed`` stays
False, nothing loaded). The period argument is validated before use: "week" or "month", nothing else.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from mes_app import formatting
from mes_app.charts.statistics import build_figure
from mes_app.domain import statistics as st
from mes_app.services import statistics
from mes_app.state.base import Context
from mes_app.state.operator_console import OperatorPage

ROUTE = "/operator/stats"
CSV_PATH = "/api/operator/stats.csv"

CARD_KEYS: tuple[tuple[str, str], ...] = (
    ("accounts_created", "stats.accounts_created"), ("accounts_activated", "stats.accounts_activated"),
    ("accounts_engaged", "stats.accounts_engaged"), ("children", "stats.children"),
    ("professionals_verified", "stats.professionals_verified"), ("professionals_active", "stats.professionals_active"),
    ("documents_by_professionals", "stats.documents_by_professionals"),
    ("documents_by_patients", "stats.documents_by_patients"), ("share_links_in_use", "stats.share_links_in_use"),
    ("emergency_cards_in_use", "stats.emergency_cards_in_use"),
)
SERIES_KEYS: tuple[tuple[str, str], ...] = (
    ("accounts_created", "stats.accounts_created"), ("children", "stats.children"),
    ("documents_by_professionals", "stats.documents_by_professionals"),
    ("documents_by_patients", "stats.documents_by_patients"),
)


@dataclasses.dataclass(frozen=True)
class StatCard:
    id: str
    label: str
    value: str  # "65" or "< 10"


class OperatorStatsState(OperatorPage):
    period: str = "week"
    cards: list[StatCard] = []
    engaged_share: str = ""
    professionals_share: str = ""
    definition: str = ""
    figure: dict = {}

    def _close(self) -> None:
        self.cards, self.figure = [], {}
        self.engaged_share = self.professionals_share = self.definition = ""

    def _load(self, ctx: Context) -> None:
        lang = self._lang()
        snap = statistics.snapshot(ctx.session, ctx.identity.user_id, ctx.now)
        timeline = statistics.series(ctx.session, ctx.identity.user_id, self.period, now=ctx.now)
        self.cards = [StatCard(id=name, label=self._text(key), value=st.shown_text(getattr(snap, name)))
                      for name, key in CARD_KEYS]
        self.engaged_share = self._text("stats.engaged_share", value=self._share(snap.engaged_share, lang))
        self.professionals_share = self._text("stats.professionals_share",
                                              value=self._share(snap.professionals_active_share, lang))
        self.definition = self._text("stats.definition", days=snap.engaged_days, threshold=st.THRESHOLD)
        labels = [row.label for row in timeline.rows]
        self.figure = build_figure(labels, [(key, [getattr(row, name) for row in timeline.rows])
                                            for name, key in SERIES_KEYS], lang)

    def _share(self, value: float | None, lang: str) -> str:
        if value is None:
            return self._text("stats.share_hidden")
        return f"{formatting.number(value, lang, 1)} %"

    def _reload(self):  # noqa: ANN202
        self._close()
        return self._open(self._load).event

    @rx.var
    def csv_href(self) -> str:
        return f"{CSV_PATH}?period={self.period}"

    @rx.event
    def load_stats(self):
        self.period = "week"
        return self._reload()

    @rx.event
    def set_period(self, period: str):
        if not isinstance(period, str) or period not in st.PERIOD_KINDS:
            self.error = self._text("error.stats_period")
            return None
        self.error = ""
        self.period = period
        return self._reload()
