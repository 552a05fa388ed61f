"""The one-page summary for the logged-in reader (``/summary``), and the view vars it shares
with a share link's visitor (:class:`SummaryMixin`, used by :mod:`.link_visit`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx

from mes_app import i18n
from mes_app.domain.summary_view import PARTS, summary_rows
from mes_app.services import summary as summaries
from mes_app.state.base import AppState, utcnow


class SummaryMixin(rx.State, mixin=True):
    identity: dict[str, str] = {}
    present: list[str] = []
    allergies: list[dict[str, str]] = []
    problems: list[dict[str, str]] = []
    treatments: list[dict[str, str]] = []
    vaccinations: list[dict[str, str]] = []
    measures: list[dict[str, str]] = []
    documents: list[dict[str, str]] = []
    generated_on: str = ""

    if TYPE_CHECKING:  # given by AppState, which every user of the mixin also inherits

        def _lang(self) -> str: ...

    def _show(self, view: dict) -> None:
        self.identity, self.present = view["identity"], view["present"]
        for part in PARTS:
            setattr(self, part, view["rows"][part])
        self.generated_on = i18n.format_date(utcnow().date().isoformat(), self._lang())

    def _clear_summary(self) -> None:
        self._show({"identity": {}, "present": [], "rows": {p: [] for p in PARTS}})


class SummaryState(SummaryMixin, AppState):
    error: str = ""

    @rx.event
    def load_summary(self):
        self.error = ""
        self._clear_summary()

        def load(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                return
            result = summaries.build_summary(ctx.session, ctx.actor, pid, now=ctx.now)
            self._show(summary_rows(result, self._lang(), lambda doc: f"/api/documents/{doc.id}"))

        return self._run_as_user(load).event
