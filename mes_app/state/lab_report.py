"""Lab results (issue 12): one report (LabReportState) and one test's trend (LabTrendState, the
Plotly dict in its own state). The report id and the test key come from the URL and are
checked by the services against the target itself; both stay in backend vars.
"""

from __future__ import annotations

import reflex as rx

from mes_app.domain import lab_results as lab
from mes_app.domain.errors import NotFound
from mes_app.domain.validation import id_or_none
from mes_app.services import lab_results as labs
from mes_app.services.lab_results import TrendPoint, ValueView
from mes_app.state.base import AppState, Context
from mes_app.state.mixins import ConfirmMixin


class LabReportState(ConfirmMixin, AppState):
    """One report: its values in words, its PDF, the hide switch, delete."""

    found: bool = False
    title: str = ""
    lab_name: str = ""
    collected: str = ""
    issued: str = ""
    note: str = ""
    values: list[ValueView] = []
    hidden: bool = False
    can_delete: bool = False
    can_hide: bool = False
    by_professional: bool = False
    author_name: str = ""
    via_software: str = ""
    imported_from: str = ""
    document_id: int = 0
    document_title: str = ""
    error: str = ""
    _report_id: int | None = None

    def _clear(self) -> None:
        self.found, self.title, self.lab_name, self.collected, self.issued, self.note = False, "", "", "", "", ""
        self.values, self.hidden, self.can_delete, self.can_hide = [], False, False, False
        self.by_professional, self.author_name, self.document_id, self.document_title = False, "", 0, ""
        self.via_software = ""
        self.imported_from = ""

    def _fill(self, ctx: Context) -> None:
        self._active_profile(ctx)
        if self._report_id is None:
            raise NotFound()
        view = labs.report_detail(ctx.session, ctx.actor, self._report_id, now=ctx.now, lang=self._lang())
        self.found, self.title, self.lab_name = True, view.title, view.lab_name
        self.collected, self.issued, self.note, self.values = view.collected, view.issued, view.note, view.values
        self.hidden, self.can_delete, self.can_hide = view.hidden, view.can_delete, view.can_hide
        self.by_professional, self.author_name = view.by_professional, view.author_name
        self.via_software = view.via_software
        self.imported_from = view.imported_from
        self.document_id, self.document_title = view.document_id, view.document_title

    @rx.event
    def load_report(self):
        self.error, self.confirm_open = "", False
        self._clear()
        self._report_id = id_or_none(self.router.url.query_parameters.get("id", ""))
        return self._run_as_user(self._fill).event

    @rx.event
    def toggle_hidden(self, hidden: bool):
        def change(ctx: Context) -> None:
            if self._report_id is None:
                raise NotFound()
            labs.set_hidden(ctx.session, ctx.actor, self._report_id, hidden, now=ctx.now)
            self._fill(ctx)

        return self._run_as_user(change).event

    @rx.event
    def ask_delete(self):
        if self.can_delete:
            self._ask_confirmation()

    @rx.event
    def confirm_delete(self):
        self.confirm_open = False

        def delete(ctx: Context) -> None:
            if self._report_id is None:
                raise NotFound()
            labs.delete_report(ctx.session, ctx.actor, self._report_id, now=ctx.now)

        done = self._run_as_user(delete)
        if not done.ok:
            return done.event
        self._clear()
        return [rx.toast.success(self._text("lab.deleted"), duration=2500), rx.redirect("/lab-results")]


class LabTrendState(AppState):
    """One test over time (the figure: a plain dict, in this state only)."""

    found: bool = False
    name: str = ""
    loinc: str = ""
    unit: str = ""
    unit_label: str = ""
    units: list[dict[str, str]] = []  # the mass/molar toggle ({"code", "label"}), empty: no toggle
    figure: dict = {}
    has_points: bool = False
    band: str = ""
    points: list[TrendPoint] = []
    total: int = 0
    left_out: int = 0
    error: str = ""
    _test_key: str = ""

    def _fill(self, ctx: Context) -> None:
        pid = self._active_profile(ctx)
        if pid is None:
            raise NotFound()
        view = labs.trend(ctx.session, ctx.actor, pid, self._test_key, now=ctx.now, lang=self._lang(),
                          unit=self.unit or None)
        self.found, self.name, self.loinc, self.unit, self.unit_label = True, view.name, view.loinc, view.unit, \
            view.unit_label
        self.units = [{"code": c, "label": label} for c, label in view.units]
        self.figure, self.has_points, self.band = view.figure, view.plotted > 0, view.band
        self.points, self.total, self.left_out = view.points, view.total, view.left_out

    def _clear(self) -> None:
        self.found, self.name, self.loinc, self.unit_label, self.units = False, "", "", "", []
        self.figure, self.has_points, self.band, self.points, self.total, self.left_out = {}, False, "", [], 0, 0

    @rx.event
    def load_trend(self):
        self.error, self.unit = "", ""
        self._clear()
        key = self.router.url.query_parameters.get("key", "")
        self._test_key = key if isinstance(key, str) and lab.catalogue().get(key) is not None else ""
        done = self._run_as_user(self._fill)
        if not done.ok and done.event is None:
            self._clear()
        return done.event

    @rx.event
    def set_unit(self, code: str):
        test = lab.catalogue().get(self._test_key)
        if test is None or not isinstance(code, str) or test.find_unit(code) is None:
            return None
        self.unit = code
        return self._run_as_user(self._fill).event
