"""The measures page's cards and entry dialog: latest values, add / edit / delete a measure;
its siblings are the chart (:mod:`.measure_chart`) and the import dialog (:mod:`.measure_import`).
The services validate the ids and kinds sent by the browser and ask the policy about the target."""

from __future__ import annotations

import reflex as rx

from mes_app import i18n
from mes_app.domain import measures as m
from mes_app.domain.calendar import datetime_local_input
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import measures
from mes_app.services.measures import KindSummary
from mes_app.state.base import AppState, Context, utcnow
from mes_app.state.measure_chart import MeasureChartState
from mes_app.state.mixins import ConfirmMixin, FormMixin


def measure_error_text(state: AppState, error: Exception) -> str:
    """Like ``_error_text``, with the limits of a measure written the reader's way."""
    if isinstance(error, ValidationError) and error.code == "error.measure_out_of_range":
        lang, params = state._lang(), error.params
        shown = {k: m.format_number(float(params.get(k, 0)), lang, 2) for k in ("min", "max")}
        shown["kind"] = i18n.t(f"measure.{params.get('kind', '')}", lang)
        return i18n.t(error.code, lang, **{**params, **shown})
    return state._error_text(error)


class MeasuresState(ConfirmMixin, FormMixin, AppState):
    cards: list[KindSummary] = []
    error: str = ""

    # the add / edit dialog
    form_kind: str = "weight"
    form_editing: bool = False  # an existing measure (its id stays on the server)
    _form_entry_id: int = 0
    form_values: dict[str, str] = {}
    form_error: str = ""
    form_key: int = 0

    # the delete confirmation
    _confirm_entry_id: int = 0

    def _reload_cards(self, ctx: Context) -> None:
        self._show_cards(ctx, self._active_profile(ctx))

    def _show_cards(self, ctx: Context, pid: int | None) -> None:
        self.cards = [] if pid is None else measures.overview(ctx.session, ctx.actor, pid, now=ctx.now,
                                                              lang=self._lang())

    @rx.event
    async def load_measures(self):
        """The page's one on_load: cards and chart in one use case (one identity, one set of facts)."""
        chart = await self._fill_other_state(MeasureChartState)
        return await self._off_loop(self._load_page, chart)

    def _load_page(self, chart: MeasureChartState) -> rx.event.EventSpec | None:
        self.error, self.form_open, self.confirm_open = "", False, False
        chart.error, chart.entries_limit = "", measures.ENTRIES_PAGE

        def load(ctx: Context) -> None:
            self.cards = chart._fill(ctx, self._active_profile(ctx), with_cards=True)

        done = self._run_as_user(load)
        if not done.ok and done.event is None:  # refused: no stale cards nor chart
            self.cards = []
            chart._clear()
        return done.event

    # ------------------------------------------------------------------ add / edit

    @rx.event
    def open_new(self):
        self._open_form("weight" if self.form_kind not in m.ENTRY_KINDS else self.form_kind, 0, {})

    @rx.event
    def set_form_kind(self, kind: str):
        if kind in m.ENTRY_KINDS and not self._form_entry_id:
            self._open_form(kind, 0, {})

    def _open_form(self, kind: str, entry_id: int, values: dict[str, str]) -> None:
        self.form_kind, self._form_entry_id, self.form_editing = kind, entry_id, entry_id > 0
        self.form_values = {"value": "", "value_secondary": "", "heart_rate": "", "unit": m.KINDS[kind].unit,
                            "measured_at": datetime_local_input(utcnow()), **values}
        self.form_error, self.form_open = "", True
        self.form_key += 1

    @rx.event
    def open_edit(self, entry_id: int):
        def edit(ctx) -> None:  # noqa: ANN001
            entry = measures.entry_for_edit(ctx.session, ctx.actor, entry_id, now=ctx.now, lang=self._lang())
            self._open_form(entry.kind, entry.id, {"value": entry.form_value, "value_secondary": entry.form_secondary,
                                                   "measured_at": entry.form_when})

        return self._run_as_user(edit).event

    @rx.event
    def submit_form(self, form_data: dict):
        if not isinstance(form_data, dict):
            self.form_error = self._text("error.invalid_form")
            return
        allowed = ("value", "value_secondary", "heart_rate", "unit", "measured_at")
        data = {key: form_data.get(key) for key in allowed if key in form_data}
        data["kind"] = self.form_kind

        def save(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            if self._form_entry_id:
                measures.update_measure(ctx.session, ctx.actor, self._form_entry_id, data, now=ctx.now)
            else:
                measures.add_measure(ctx.session, ctx.actor, pid, data, now=ctx.now)
            self._reload_cards(ctx)

        ran = self._run_as_user(save, error_attr="form_error", format_error=lambda e: measure_error_text(self, e))
        if not ran.ok:
            return ran.event
        self.form_open = False
        saved = rx.toast.success(self._text("measures.saved"), duration=2500)
        return [MeasureChartState.show_kind(self.form_kind), saved]

    # ------------------------------------------------------------------ delete

    @rx.event
    def ask_delete(self, entry_id: int):
        if not isinstance(entry_id, int) or isinstance(entry_id, bool):
            return
        self._confirm_entry_id, self.confirm_open = entry_id, True

    @rx.event
    def confirm_delete(self):
        self.confirm_open = False

        def delete(ctx) -> None:  # noqa: ANN001
            measures.delete_measure(ctx.session, ctx.actor, self._confirm_entry_id, now=ctx.now)
            self._reload_cards(ctx)

        done = self._run_as_user(delete)
        if not done.ok:
            return done.event
        return [MeasureChartState.refresh, rx.toast.success(self._text("measures.deleted"), duration=2500)]

    @rx.event
    def refresh_cards(self):
        """After an import elsewhere on the page: the cards again, nothing else reset."""
        return self._run_as_user(self._reload_cards).event
