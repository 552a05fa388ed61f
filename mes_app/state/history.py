"""The history page (/history): the active profile's timeline, filtered and paged in SQL by the
service, and the « Ajouter un événement » dialog (an encounter, the only kind it adds).

Every handler re-reads the identity and the active profile; the service checks the policy.
"""

from __future__ import annotations

import reflex as rx

from mes_app.components.controls import SECRET_FIELD
from mes_app.domain.errors import NotFound
from mes_app.domain.record_view import localise
from mes_app.services import records, timeline
from mes_app.services.timeline import TimelineItem
from mes_app.state.base import AppState
from mes_app.state.mixins import FormMixin


class HistoryState(FormMixin, AppState):
    items: list[TimelineItem] = []
    filter_kind: str = "all"
    page: int = 0
    has_more: bool = False
    error: str = ""

    # the « Ajouter un événement » dialog (an encounter: the only kind the history adds)
    form_values: dict[str, str] = {}
    form_error: str = ""
    form_key: int = 0

    def _load_items(self, ctx, reset: bool) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        if pid is None or "history" not in self.shared_sections:  # not shared: the page says so
            self.items, self.has_more = [], False
            return
        result = timeline.history_page(ctx.session, ctx.actor, pid, kind=self.filter_kind, page=self.page,
                                       now=ctx.now)
        lang = self._lang()
        fresh = [localise(item, lang) for item in result.items]
        self.items = fresh if reset else self.items + fresh
        self.has_more = result.has_more

    def _fetch(self, reset: bool) -> rx.event.EventSpec | None:
        done = self._run_as_user(lambda ctx: self._load_items(ctx, reset))
        if not done.ok:
            self.items, self.has_more = [], False
        return done.event

    @rx.event
    def load_history(self):
        self.filter_kind, self.page, self.error = "all", 0, ""
        self.form_open = False
        return self._fetch(reset=True)

    @rx.event
    def set_filter(self, kind: str):
        if kind not in timeline.FILTERS:
            return
        self.filter_kind, self.page = kind, 0
        return self._fetch(reset=True)

    @rx.event
    def load_more(self):
        self.page += 1
        return self._fetch(reset=False)

    # ------------------------------------------------------------------ add an event

    @rx.event
    def open_new_event(self):
        """Only a hint for the page: the service decides, on submit, whether the viewer may add."""
        if "history" not in self.addable_sections:
            return
        self.form_values, self.form_error = {}, ""
        self.form_key += 1
        self.form_open = True

    @rx.event
    def submit_event(self, form_data: dict):
        if not isinstance(form_data, dict):
            self.form_error = self._text("error.invalid_form")
            return

        def save(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            # The kind is fixed here; the service validates every field and checks the policy.
            data = dict(form_data)
            secret = data.pop(SECRET_FIELD, False)
            records.add_entry(ctx.session, ctx.actor, pid, "encounters", data, now=ctx.now,
                              hidden_from_guardians=secret)
            self.filter_kind, self.page = "all", 0
            self._load_items(ctx, reset=True)

        done = self._run_as_user(save, error_attr="form_error")
        if not done.ok:
            return done.event
        self.form_open = False
        return rx.toast.success(self._text("history.event_added"), duration=2500)
