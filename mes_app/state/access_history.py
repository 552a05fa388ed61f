"""The access history page (/access-history): who opened or changed what in the active profile,
newest first, one page at a time. Thin: the service checks the access and pages in SQL; the
lines are worded by :func:`mes_app.domain.access_view.access_row`.
"""

from __future__ import annotations

import reflex as rx

from mes_app.domain.access_view import AccessRow, access_row
from mes_app.services import access_history
from mes_app.state.base import AppState


class AccessHistoryState(AppState):
    rows: list[AccessRow] = []
    page: int = 0
    has_more: bool = False
    error: str = ""

    def _fetch(self, reset: bool) -> rx.event.EventSpec | None:

        def fetch(ctx):  # noqa: ANN001, ANN202
            pid = self._active_profile(ctx)
            return None if pid is None else access_history.access_history(
                ctx.session, ctx.actor, pid, page=self.page, now=ctx.now)

        ran = self._run_as_user(fetch)
        if ran.gone:
            return ran.event
        result = ran.value
        if result is None:  # refused (the error says why), or no profile to show
            self.rows, self.has_more = [], False
            return None
        lang = self._lang()
        fresh = [access_row(item, lang) for item in result.items]
        if reset:
            self.rows = fresh
        else:  # a line that moved down since the last page (new events) is not shown twice
            shown = {row.key for row in self.rows}
            self.rows = self.rows + [row for row in fresh if row.key not in shown]
        self.has_more = result.has_more
        return None

    @rx.event
    def load_access_history(self):
        self.page, self.error = 0, ""
        return self._fetch(reset=True)

    @rx.event
    def load_more(self):
        if self.page >= 10_000:
            return None
        self.page += 1
        return self._fetch(reset=False)
