"""Lab results (issue 12): the reports list. The hand-entry dialog is its sibling
(:mod:`.lab_entry`), one report and one test's trend are in :mod:`.lab_report`.

Every handler re-reads the identity from the session cookie and the active profile on the server.
"""

from __future__ import annotations

import reflex as rx

from mes_app.services import lab_results as labs
from mes_app.services.lab_results import ReportSummary
from mes_app.state.base import AppState, Context
from mes_app.state.lab_entry import LabEntryState


class LabResultsState(AppState):
    """The list of reports and the hand-entry dialog."""

    reports: list[ReportSummary] = []
    reports_more: bool = False
    reports_limit: int = labs.REPORTS_PAGE
    error: str = ""

    def _reload(self, ctx: Context) -> None:
        pid = self._active_profile(ctx)
        self.reports, self.reports_more = [], False
        if pid is None or "lab_results" not in self.shared_sections:
            return
        self.reports, self.reports_more = labs.list_reports(ctx.session, ctx.actor, pid, now=ctx.now,
                                                            lang=self._lang(), limit=self.reports_limit)

    @rx.event
    async def load_lab_results(self):
        (await self._fill_other_state(LabEntryState)).form_open = False
        self.error, self.reports_limit = "", labs.REPORTS_PAGE
        done = self._run_as_user(self._reload)
        if not done.ok and done.event is None:
            self.reports, self.reports_more = [], False
        return done.event

    @rx.event
    def show_more(self):
        self.reports_limit = min(self.reports_limit + labs.REPORTS_PAGE, labs.MAX_REPORTS)
        return self._run_as_user(self._reload).event

