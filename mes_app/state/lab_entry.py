"""Lab results (issue 12): the hand-entry dialog of the reports page, a sibling of the list
(:class:`~mes_app.state.lab_results.LabResultsState`), so the list's events never load it.

The test picked is a catalogue key (it decides nothing); the values typed are kept on the
server (``_draft``), checked when added and again when the report is saved.
"""

from __future__ import annotations

import reflex as rx

from mes_app.domain import lab_results as lab
from mes_app.domain.calendar import datetime_local_input
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import lab_results as labs
from mes_app.state.base import AppState, Context, utcnow
from mes_app.state.mixins import FormMixin

SEARCH_LIMIT = 8


class LabEntryState(FormMixin, AppState):
    """The hand-entry dialog: a sibling of the list (the list's events never load it); a saved
    report opens its own page."""

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


    @rx.event
    def open_new(self):
        self.form_error, self.value_error, self.default_collected = "", "", datetime_local_input(utcnow())
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
        self._draft = [*self._draft, {k: (val or "") for k, val in raw.items()}]
        self.draft = [*self.draft, lab.draft_row(checked, self.test_label, self._lang())]
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
            report = lab.report_from_form(form_data, drafts, now=ctx.now)
            return labs.add_report(ctx.session, ctx.actor, pid, report, now=ctx.now)  # then its page

        done = self._run_as_user(save, error_attr="form_error")
        if not done.ok:
            return done.event
        self.form_open = False
        self.draft, self._draft = [], []
        return [rx.toast.success(self._text("lab.saved"), duration=2500),
                rx.redirect(f"/lab-results/report?id={done.value}")]
