"""The measures page: latest-value cards, entry/edit/delete, CSV import (MeasuresState), and
the chart with its entries list (MeasureChartState).

The Plotly figure (a plain dict) lives in MeasureChartState, a *sibling* of MeasuresState:
opening a dialog, saving or deleting never loads (nor unpickles) the figure (reflex-internals
§6.3). Every handler re-reads the identity from the session cookie and the active profile
server-side; ids and kinds sent by the browser are validated by the services, which ask the
access policy about the target itself.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

import reflex as rx

from mes_app import i18n
from mes_app.domain import measures as m
from mes_app.domain.calendar import DEFAULT_TIMEZONE
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import apple_import, measures
from mes_app.services.measure_import import MAX_IMPORT_BYTES
from mes_app.services.measures import EntryView, KindSummary
from mes_app.state.base import AppState, Context
from mes_app.state.mixins import ConfirmMixin, FormMixin
from mes_app.web.measure_import import APPLE_PATH as APPLE_IMPORT_PATH
from mes_app.web.measure_import import PATH as IMPORT_PATH

MAX_IMPORT_ROWS_SHOWN = 10
MAX_IMPORT_ERRORS_SHOWN = 50
_TEXT_MAX = 300
APPLE_POLL_SECONDS = 0.5
APPLE_MAX_POLLS = 7200  # an hour: then the dialog stops following (the job goes on)


def measure_error_text(state: AppState, error: Exception) -> str:
    """Like ``_error_text``, with the limits of a measure written the reader's way."""
    if isinstance(error, ValidationError) and error.code == "error.measure_out_of_range":
        lang = state._lang()
        params = dict(error.params)
        params["min"] = m.format_number(float(params.get("min", 0)), lang, 2)
        params["max"] = m.format_number(float(params.get("max", 0)), lang, 2)
        params["kind"] = i18n.t(f"measure.{params.get('kind', '')}", lang)
        return i18n.t(error.code, lang, **params)
    return state._error_text(error)


def _now_local_input() -> str:
    return f"{datetime.now(ZoneInfo(DEFAULT_TIMEZONE)):%Y-%m-%dT%H:%M}"


def _clip(value: object) -> str:
    return value[:_TEXT_MAX] if isinstance(value, str) else ""


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
        self.cards = []
        if pid is None:
            return
        self.cards = measures.overview(ctx.session, ctx.actor, pid, now=ctx.now, lang=self._lang())

    @rx.event
    async def load_measures(self):
        """The page's one on_load: cards and chart in one use case (one identity, one set of
        profile facts), instead of two events that each work them out."""
        chart = await self._fill_other_state(MeasureChartState)
        return await self._off_loop(self._load_page, chart)

    def _load_page(self, chart: MeasureChartState) -> rx.event.EventSpec | None:
        self.error, self.form_open, self.confirm_open = "", False, False
        chart.error, chart.entries_limit = "", measures.ENTRIES_PAGE

        def load(ctx: Context) -> None:
            pid = self._active_profile(ctx)
            self._show_cards(ctx, pid)
            chart._fill(ctx, pid)

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
        self.form_values = {
            "value": "",
            "value_secondary": "",
            "heart_rate": "",
            "unit": m.KINDS[kind].unit,
            "measured_at": _now_local_input(),
            **values,
        }
        self.form_error = ""
        self.form_key += 1
        self.form_open = True

    @rx.event
    def open_edit(self, entry_id: int):
        def edit(ctx) -> None:  # noqa: ANN001
            entry = measures.entry_for_edit(ctx.session, ctx.actor, entry_id, now=ctx.now, lang=self._lang())
            self._open_form(
                entry.kind,
                entry.id,
                {"value": entry.form_value, "value_secondary": entry.form_secondary, "measured_at": entry.form_when},
            )

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

        ran = self._run_as_user(
            save, error_attr="form_error", format_error=lambda error: measure_error_text(self, error)
        )
        if not ran.ok:
            return ran.event
        self.form_open = False
        return [
            MeasureChartState.show_kind(self.form_kind),
            rx.toast.success(self._text("measures.saved"), duration=2500),
        ]

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


class MeasureImportState(AppState):
    """The CSV import dialog: the file goes to a checked route (``IMPORT_PATH``), not through
    the websocket; this state only shows the route's answer and asks for the second step."""

    import_open: bool = False
    import_busy: bool = False
    import_message: str = ""
    import_ok: bool = False
    import_ready: bool = False  # checked, no error: the import button shows
    import_summary: str = ""
    import_rows: list[dict[str, str]] = []
    import_errors: list[dict[str, str]] = []

    @rx.event
    def open_import(self):
        self._reset_import()
        self.import_open = True

    @rx.event
    def set_import_open(self, value: bool):
        self.import_open = value if isinstance(value, bool) else False
        if not self.import_open:
            self._reset_import()

    def _reset_import(self) -> None:
        self.import_busy, self.import_message, self.import_ok, self.import_ready = False, "", False, False
        self.import_summary, self.import_rows, self.import_errors = "", [], []
        self.apple_lines = []

    def _import_script(self, profile_id: int, mode: str) -> str:
        texts = {
            "no_file": self._text("measures.import_no_file"),
            "too_large": self._text("error.import_too_large", max_mb=MAX_IMPORT_BYTES // (1024 * 1024)),
            "generic": self._text("error.generic"),
        }
        return (
            "(async () => {"
            f"const t = {json.dumps(texts)};"
            "const input = document.getElementById('measures-import-file');"
            "if (!input || !input.files || !input.files[0]) return {ok: false, message: t.no_file};"
            f"if (input.files[0].size > {MAX_IMPORT_BYTES}) return {{ok: false, message: t.too_large}};"
            "const body = new FormData();"
            f"body.append('profile', {json.dumps(str(profile_id))}); body.append('mode', {json.dumps(mode)});"
            "body.append('file', input.files[0]);"
            "try {"
            f"const r = await fetch({json.dumps(IMPORT_PATH)}, {{method: 'POST', body, credentials: 'same-origin'}});"
            "if ((r.headers.get('content-type') || '').includes('json')) return await r.json();"
            "return {ok: false, message: r.status === 413 ? t.too_large : t.generic};"
            "} catch (e) { return {ok: false, message: t.generic}; }"
            "})()"
        )

    def _start_import(self, mode: str, callback):  # noqa: ANN001, ANN202
        ran = self._run_as_user(self._active_profile)
        if ran.gone:
            return ran.event
        pid = ran.value
        if pid is None:
            return None
        self.import_busy = True
        self.import_message = ""
        return rx.call_script(self._import_script(pid, mode), callback=callback)

    @rx.event
    def import_check(self):
        self._reset_import()
        return self._start_import("preview", MeasureImportState.import_checked)

    @rx.event
    def import_checked(self, result: dict):
        """The route's answer, relayed by the browser: display only (the route re-checks all)."""
        self.import_busy = False
        if not isinstance(result, dict):
            self.import_message = self._text("error.generic")
            return
        self.import_ok = result.get("ok") is True
        self.import_message = _clip(result.get("message"))
        if not self.import_ok:
            return
        numbers = [result.get(k) for k in ("total", "valid", "error_count")]
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
            self.import_ok = False
            return
        total, valid, errors = cast("list[int]", numbers)  # ints, checked just above
        self.import_summary = self._text("measures.import_summary", count=valid, total=total)
        rows = result.get("rows")
        rows = rows if isinstance(rows, list) else []
        self.import_rows = [
            {key: _clip(str(row.get(key, ""))) for key in ("line", "when", "kind", "value", "unit")}
            for row in rows[:MAX_IMPORT_ROWS_SHOWN]
            if isinstance(row, dict)
        ]
        errs = result.get("errors")
        errs = errs if isinstance(errs, list) else []
        self.import_errors = [
            {key: _clip(str(err.get(key, ""))) for key in ("line", "message")}
            for err in errs[:MAX_IMPORT_ERRORS_SHOWN]
            if isinstance(err, dict)
        ]
        self.import_ready = errors == 0 and valid > 0

    @rx.event
    def import_run(self):
        if not self.import_ready:
            return None
        return self._start_import("import", MeasureImportState.import_finished)

    @rx.event
    def import_finished(self, result: dict):
        ok = isinstance(result, dict) and result.get("ok") is True
        message = _clip(result.get("message")) if isinstance(result, dict) else self._text("error.generic")
        self._reset_import()
        self.import_ok, self.import_message = ok, message
        if not ok:
            return None
        self.import_open = False  # done: the toast says how many
        return [MeasuresState.refresh_cards, MeasureChartState.refresh, rx.toast.success(message, duration=3000)]


    # ------------------------------------------------------------------ Apple Health export (issue 12, item 3)
    # The file goes to APPLE_IMPORT_PATH as the request body (streamed to disk by the route,
    # which checks the access and starts a background job); this state follows the job by its
    # key, kept on the server (``_apple_job``), re-checked against the session at each poll.

    import_format: str = "csv"  # csv | apple
    apple_running: bool = False
    apple_percent: int = 0
    apple_lines: list[str] = []  # the summary at the end
    apple_progress_text: str = ""
    _apple_job: str = ""

    @rx.event
    def set_import_format(self, value: str):
        if value in ("csv", "apple") and not self.apple_running:
            self._reset_import()
            self.import_format = value

    def _apple_script(self, profile_id: int) -> str:
        texts = {
            "no_file": self._text("measures.import_no_file"),
            "too_large": self._text("error.apple_too_large"),
            "generic": self._text("error.generic"),
        }
        url = f"{APPLE_IMPORT_PATH}?profile={profile_id}"
        return (
            "(async () => {"
            f"const t = {json.dumps(texts)};"
            "const input = document.getElementById('measures-apple-file');"
            "if (!input || !input.files || !input.files[0]) return {ok: false, message: t.no_file};"
            f"if (input.files[0].size > {apple_import.MAX_UPLOAD_BYTES}) return {{ok: false, message: t.too_large}};"
            "try {"
            f"const r = await fetch({json.dumps(url)}, {{method: 'POST', body: input.files[0],"
            " headers: {'Content-Type': 'application/octet-stream'}, credentials: 'same-origin'});"
            "if ((r.headers.get('content-type') || '').includes('json')) return await r.json();"
            "return {ok: false, message: r.status === 413 ? t.too_large : t.generic};"
            "} catch (e) { return {ok: false, message: t.generic}; }"
            "})()"
        )

    @rx.event
    def apple_start(self):
        if self.apple_running:
            return None
        ran = self._run_as_user(self._active_profile)
        if ran.gone:
            return ran.event
        if ran.value is None:
            return None
        self._reset_import()
        self.import_busy = True
        return rx.call_script(self._apple_script(ran.value), callback=MeasureImportState.apple_started)

    @rx.event
    def apple_started(self, result: dict):
        """The route's answer, relayed by the browser: the job's key is checked against the
        session's user before it is followed."""
        self.import_busy = False
        if not isinstance(result, dict) or result.get("ok") is not True:
            self.import_ok = False
            self.import_message = _clip(result.get("message")) if isinstance(result, dict) else self._text(
                "error.generic")
            return None
        key = result.get("job")
        ran = self._run_as_user(lambda ctx: apple_import.job_view(ctx.actor, key), error_attr="import_message")
        if not ran.ok:
            return ran.event
        self._apple_job, self.apple_running, self.apple_percent = cast("str", key), True, 0
        self.apple_progress_text = self._text("measures.apple_progress", percent=0)
        self.import_message = ""
        return MeasureImportState.apple_watch

    @rx.event(background=True)
    async def apple_watch(self):
        """While the job runs (and the dialog is open), its progress; at the end, its summary."""
        for _ in range(APPLE_MAX_POLLS):
            await asyncio.sleep(APPLE_POLL_SECONDS)
            async with self:
                if not self.apple_running:
                    return
                ran = self._run_as_user(lambda ctx: apple_import.job_view(ctx.actor, self._apple_job),
                                        error_attr=None)
                gone = ran.event
                if gone is not None:
                    self.apple_running = False
                finished = gone is None and self._apple_progress(ran.value)
            if gone is not None:
                yield gone
                return
            if finished:
                yield [MeasuresState.refresh_cards, MeasureChartState.refresh]
                return

    def _apple_progress(self, view: apple_import.JobView | None) -> bool:
        """Show the job's state; True when it has ended."""
        if view is None:  # forgotten: the server restarted while it ran
            self.apple_running, self.import_ok = False, False
            self.import_message = self._text("measures.apple_interrupted")
            return True
        self.apple_percent = view.percent
        self.apple_progress_text = self._text("measures.apple_progress", percent=view.percent)
        if view.status in apple_import.ACTIVE:
            return False
        self.apple_running, self._apple_job = False, ""
        self.apple_lines = self._apple_summary(view.summary)
        self.import_ok = view.status == apple_import.DONE
        if self.import_ok:
            self.import_message = self._text("measures.apple_done")
        else:
            self.import_message = self._text("measures.apple_failed", reason=self._text(view.error_code))
        return True

    def _apple_summary(self, summary: apple_import.ImportSummary) -> list[str]:
        lines = [
            self._text("measures.apple_added", kind=self._text(f"measure.{kind}"), count=summary.added[kind])
            for kind in m.KINDS if summary.added.get(kind)
        ] or [self._text("measures.apple_added_none")]
        extra = (("measures.apple_duplicates", summary.duplicates), ("measures.apple_bmi", summary.bmi_derived),
                 ("measures.apple_other", summary.other_types),
                 ("measures.apple_clinical_done", summary.clinical_imported),
                 ("measures.apple_clinical", summary.clinical_records),
                 ("measures.apple_errors", sum(summary.errors.values())))
        return lines + [self._text(key, count=count) for key, count in extra if count]


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

    def _fill(self, ctx: Context, pid: int | None) -> None:
        """The chart, summary and entries of the shown kind, within a use case already running."""
        if pid is None:
            self._clear()
            return
        lang = self._lang()
        self.kinds = measures.available_kinds(ctx.session, ctx.actor, pid, now=ctx.now)
        if self.kind not in self.kinds:
            self.kind = "weight" if "weight" in self.kinds else (self.kinds[0] if self.kinds else "")
        if not self.kind:
            self._clear(keep_kinds=True)
            return
        result = measures.chart(ctx.session, ctx.actor, pid, self.kind, self.range_key, now=ctx.now, lang=lang)
        entry_kind = self.kind if self.kind != "bmi" else "weight"
        self.entries, self.entries_more = measures.list_entries(
            ctx.session, ctx.actor, pid, entry_kind, now=ctx.now, lang=lang, limit=self.entries_limit
        )
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
