"""The measures page's chart (issue 10): the Plotly figure of one kind (a plain dict), its
summary and its entries list.

A *sibling* of MeasuresState (the cards and the entry dialog) and of the import dialog's state:
opening a dialog, saving or deleting never loads (nor unpickles) the figure. Every handler
re-reads the identity and the active profile server-side; the kind and range the browser sends
are checked against the known ones.
"""

from __future__ import annotations

import reflex as rx

from mes_app.domain import measures as m
from mes_app.services import measures
from mes_app.services.measures import EntryView, KindSummary
from mes_app.state.base import AppState, Context


class MeasureChartState(AppState):
    """The chart of one kind (a plain Plotly dict), its summary and its entries."""

    kinds: list[str] = []
    kind: str = ""
    range_key: str = "1y"
    figure: dict = {}
    has_points: bool = False
    summary: list[KindSummary] = []  # zero or one
    note_key: str = ""
    bands: list[tuple[str, str]] = []
    points_text: str = ""
    entries: list[EntryView] = []
    entries_more: bool = False
    entries_limit: int = measures.ENTRIES_PAGE
    error: str = ""

    def _load(self) -> rx.event.EventSpec | None:
        self.error = ""
        done = self._run_as_user(lambda ctx: self._fill(ctx, self._active_profile(ctx)))
        if not done.ok and done.event is None:  # refused: show nothing of the chart
            self._clear()
        return done.event

    def _fill(self, ctx: Context, pid: int | None, *, with_cards: bool = False) -> list[KindSummary]:
        """The chart, summary and entries of the shown kind, within a use case already running;
        with ``with_cards``, the page's cards too (returned), from the same authorisation and
        the same count of the kinds."""
        if pid is None:
            self._clear()
            return []
        lang = self._lang()
        panel = measures.chart_panel(ctx.session, ctx.actor, pid, self.kind, self.range_key, now=ctx.now, lang=lang,
                                     entries_limit=self.entries_limit, with_cards=with_cards)
        self.kinds = panel.kinds
        if self.kind != panel.kind:  # an assignment is sent, even of the same value
            self.kind = panel.kind
        result = panel.chart
        if result is None:
            self._clear(keep_kinds=True)
            return panel.cards
        self.entries, self.entries_more = panel.entries, panel.entries_more
        self.figure = result.figure
        self.has_points = result.sent_points > 0
        self.summary = [result.summary] if result.summary is not None else []
        self.note_key = result.note_key
        self.bands = list(result.bands)
        self.points_text = (
            f"{result.sent_points} {self._text('measures.points_shown')} {result.total_points}"
            if result.sent_points < result.total_points
            else ""
        )
        return panel.cards

    def _clear(self, keep_kinds: bool = False) -> None:
        if not keep_kinds:
            self.kinds = []
        self.kind, self.figure, self.has_points, self.summary = "", {}, False, []
        self.note_key, self.bands, self.points_text, self.entries, self.entries_more = "", [], "", [], False

    @rx.event
    def refresh(self):
        return self._load()

    @rx.event
    def show_kind(self, kind: str):
        if isinstance(kind, str) and kind in m.KINDS:
            self.kind = kind
            self.entries_limit = measures.ENTRIES_PAGE
        return self._load()

    @rx.event
    def set_range(self, key: str):
        if key in measures.RANGES:
            self.range_key = key
            return self._load()
        return None

    @rx.event
    def show_more(self):
        self.entries_limit = min(self.entries_limit + measures.ENTRIES_PAGE, measures.MAX_ENTRIES)
        return self._load()
