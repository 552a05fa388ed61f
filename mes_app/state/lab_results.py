"""Lab results (issue 12): the reports list with the hand-entry dialog (LabResultsState), one
report (LabReportState) and one test's trend (LabTrendState, the Plotly dict in its own state).

Every handler re-reads the identity from the session cookie and the active profile on the
server; the report id and the test key come from the URL and are checked by the services
against the target itself. The values typed in the dialog are kept on the server
(``_draft``) and checked again when the report is saved.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx

from mes_app.domain import lab_results as lab
from mes_app.domain import validation as v
from mes_app.domain.calendar import DEFAULT_TIMEZONE
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import lab_results as labs
from mes_app.services.lab_results import LabReportInput, ReportSummary, TrendPoint, ValueView
from mes_app.state.base import AppState, Context
from mes_app.state.mixins import ConfirmMixin, FormMixin

SEARCH_LIMIT = 8
_ID = 18  # digits at most in an id from the URL


def _now_local_input() -> str:
    return f"{datetime.now(ZoneInfo(DEFAULT_TIMEZONE)):%Y-%m-%dT%H:%M}"


def _url_id(raw: object) -> int | None:
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) <= _ID else None


class LabResultsState(FormMixin, AppState):
    """The list of reports and the hand-entry dialog."""

    reports: list[ReportSummary] = []
    reports_more: bool = False
    reports_limit: int = labs.REPORTS_PAGE
    error: str = ""

    # the dialog
    form_error: str = ""
    value_error: str = ""
    form_key: int = 0
    value_key: int = 0
    default_collected: str = ""
    search_text: str = ""
    suggestions: list[dict[str, str]] = []  # {"key", "label"}
    test_key: str = ""  # the picked test (a catalogue key: decides nothing)
    test_label: str = ""
    unit_options: list[dict[str, str]] = []  # {"code", "label"}
    draft: list[dict[str, str]] = []  # what the dialog lists: name, value, unit, range, flag
    _draft: list[dict[str, str]] = []  # the typed values, checked again on save

    def _reload(self, ctx: Context) -> None:
        pid = self._active_profile(ctx)
        self.reports, self.reports_more = [], False
        if pid is None or "lab_results" not in self.shared_sections:
            return
        self.reports, self.reports_more = labs.list_reports(ctx.session, ctx.actor, pid, now=ctx.now,
                                                            lang=self._lang(), limit=self.reports_limit)

    @rx.event
    def load_lab_results(self):
        self.error, self.form_open, self.reports_limit = "", False, labs.REPORTS_PAGE
        done = self._run_as_user(self._reload)
        if not done.ok and done.event is None:
            self.reports, self.reports_more = [], False
        return done.event

    @rx.event
    def show_more(self):
        self.reports_limit = min(self.reports_limit + labs.REPORTS_PAGE, labs.MAX_REPORTS)
        return self._run_as_user(self._reload).event

    # ------------------------------------------------------------------ dialog

    @rx.event
    def open_new(self):
        self.form_error, self.value_error, self.default_collected = "", "", _now_local_input()
        self.draft, self._draft = [], []
        self._clear_test()
        self.form_key += 1
        self.form_open = True

    def _form_closed(self) -> None:
        self.draft, self._draft = [], []
        self._clear_test()

    def _clear_test(self) -> None:
        self.search_text, self.suggestions, self.test_key, self.test_label, self.unit_options = "", [], "", "", []
        self.value_key += 1

    @rx.event
    def search_tests(self, text: str):
        if not isinstance(text, str):
            return
        self.search_text = text[:100]
        if self.test_key and self.search_text != self.test_label:
            self.test_key, self.test_label, self.unit_options = "", "", []
        self.suggestions = [{"key": key, "label": label}
                            for key, label in labs.search_tests(self.search_text, lang=self._lang(),
                                                                limit=SEARCH_LIMIT)]

    @rx.event
    def pick_test(self, key: str):
        test = lab.catalogue().get(key) if isinstance(key, str) else None  # the browser sends it
        if test is None:
            return
        lang = self._lang()
        self.test_key, self.test_label, self.search_text = test.key, test.name(lang), test.name(lang)
        self.unit_options = [{"code": u.code, "label": u.label or u.code} for u in test.units]
        self.suggestions, self.value_error = [], ""

    @rx.event
    def add_value(self, form_data: dict):
        """One value into the report being typed (checked now, and again on save)."""
        if not isinstance(form_data, dict):
            self.value_error = self._text("error.invalid_form")
            return
        if not self.test_key:
            self.value_error = self._text("lab.pick_test_first")
            return
        if len(self._draft) >= lab.MAX_VALUES:
            self.value_error = self._text("error.lab_too_many", max=lab.MAX_VALUES)
            return
        raw = {key: form_data.get(key) for key in ("unit", "value", "low", "high")}
        raw = {key: value if isinstance(value, str) else None for key, value in raw.items()}
        raw["test"] = self.test_key
        try:
            checked = lab.check_value(lab.value_from_form(raw))
        except ValidationError as error:
            self.value_error = self._error_text(error)
            return
        lang = self._lang()
        self._draft = [*self._draft, {k: (val or "") for k, val in raw.items()}]
        value = lab.format_number(checked.value, lang, 3) if checked.value is not None else (checked.value_text or "")
        self.draft = [*self.draft, {
            "name": self.test_label, "value": value, "unit": lab.unit_label(checked.test, checked.unit),
            "range": lab.range_text(checked.low, checked.high, lang),
            "flag": checked.interpretation or "", "out": "1" if lab.is_out_of_range(checked.interpretation) else "",
        }]
        self.value_error = ""
        self._clear_test()

    @rx.event
    def remove_value(self, index: int):
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(self._draft):
            self._draft = self._draft[:index] + self._draft[index + 1:]
            self.draft = self.draft[:index] + self.draft[index + 1:]

    @rx.event
    def submit_report(self, form_data: dict):
        if not isinstance(form_data, dict):
            self.form_error = self._text("error.invalid_form")
            return None
        drafts = list(self._draft)

        def save(ctx: Context) -> int:
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            collected = v.parse_datetime_local(form_data.get("collected_at"), field="collected_at")
            issued_raw = form_data.get("issued_on")
            issued = None
            if isinstance(issued_raw, str) and issued_raw.strip():
                day = v.parse_date(issued_raw, field="issued_on", required=True)
                issued = max(collected, v.parse_datetime_local(f"{day.isoformat()}T12:00", field="issued_on"))
                issued = min(issued, ctx.now)
            report = LabReportInput(
                collected_at=collected, issued_at=issued,
                lab_name=form_data.get("lab_name") if isinstance(form_data.get("lab_name"), str) else None,
                title=form_data.get("title") if isinstance(form_data.get("title"), str) else None,
                values=tuple(lab.value_from_form(d) for d in drafts),
            )
            rid = labs.add_report(ctx.session, ctx.actor, pid, report, now=ctx.now)
            self._reload(ctx)
            return rid

        done = self._run_as_user(save, error_attr="form_error")
        if not done.ok:
            return done.event
        self.form_open = False
        self.draft, self._draft = [], []
        return [rx.toast.success(self._text("lab.saved"), duration=2500),
                rx.redirect(f"/lab-results/report?id={done.value}")]


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
        self._report_id = _url_id(self.router.url.query_parameters.get("id", ""))
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
