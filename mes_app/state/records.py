"""The record pages: entries of the active profile, with add / edit / delete and code search.

Every handler re-reads the identity and the active profile server-side; the entry ids and
kinds the browser sends are validated by the service, which checks the policy on the
entry itself.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

import reflex as rx

from mes_app import i18n
from mes_app.components.controls import SECRET_FIELD
from mes_app.domain.errors import NotFound
from mes_app.domain.record_kinds import ENTRY_KINDS, RECORD_GROUPS, entry_kind
from mes_app.domain.terminology import load_default
from mes_app.services import records, timeline
from mes_app.services.records import EntryFact, EntryView
from mes_app.services.timeline import TimelineItem
from mes_app.state.base import AppState
from mes_app.state.mixins import ConfirmMixin, FormMixin

SEARCH_LIMIT = 8
MAX_QUERY = 100


@dataclasses.dataclass(frozen=True)
class ConceptOption:
    value: str  # "system|code"
    label: str
    code: str


def _fact_text(fact: EntryFact, lang: str) -> str:
    """A field's value as the viewer reads it: dates and choices in their language, units spelt."""
    if fact.type == "date":
        return i18n.format_date(fact.value, lang)
    if fact.type == "choice":
        return i18n.t(f"choice.{fact.value}", lang)
    if fact.type == "int" and fact.unit:
        return i18n.t(f"unit.{fact.unit}", lang, count=fact.value)
    return fact.value


View = TypeVar("View", EntryView, TimelineItem)


def _localise(view: View, lang: str) -> View:
    """The view in the viewer's language (dates via ``i18n.format_date``, every card field labelled)."""
    if isinstance(view, EntryView):
        facts = [
            dataclasses.replace(f, label=i18n.t("record.fact_label", lang, label=i18n.t(f"field.{f.name}", lang)),
                                text=_fact_text(f, lang))
            for f in view.facts
        ]
        return dataclasses.replace(view, date=i18n.format_date(view.date, lang), facts=facts)
    return dataclasses.replace(view, date=i18n.format_date(view.date, lang))


def _no_entries() -> dict[str, list[EntryView]]:
    """Every kind present (empty), so pages can always read ``entries[kind]``."""
    return {kind: [] for kind in ENTRY_KINDS}


class RecordState(ConfirmMixin, FormMixin, AppState):
    group: str = ""
    entries: dict[str, list[EntryView]] = _no_entries()
    error: str = ""

    # the add/edit dialog: what is edited stays on the server (``_form_*``)
    form_kind: str = ""  # which form the page shows
    form_editing: bool = False  # an existing entry (else a new one)
    _form_entry_kind: str = ""
    _form_entry_id: int = 0
    form_values: dict[str, str] = {}
    form_error: str = ""
    form_key: int = 0  # changes to remount the (uncontrolled) form with fresh defaults
    coded_text: str = ""
    picked_code: str = ""
    picked_label: str = ""
    suggestions: list[ConceptOption] = []

    # the delete confirmation (what is deleted stays on the server)
    _confirm_kind: str = ""
    _confirm_entry_id: int = 0

    def _reload(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        self.entries = _no_entries()
        if pid is None:
            return
        lang = self._lang()
        loaded = _no_entries()
        for kind in RECORD_GROUPS.get(self.group, ()):
            if ENTRY_KINDS[kind].section.value not in self.shared_sections:
                continue  # not shared with this viewer: the page says so (no refusal to show)
            views = records.list_entries(ctx.session, ctx.actor, pid, kind, now=ctx.now)
            loaded[kind] = [_localise(v, lang) for v in views]
        self.entries = loaded

    @rx.event
    def load_group(self):
        """on_load of /record/<group>: the group comes from the route, checked against the list."""
        group = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.group = group if group in RECORD_GROUPS else ""
        self.error, self.form_open, self.confirm_open = "", False, False
        done = self._run_as_user(self._reload)
        # "?add=1" (from the prevention page's "I'll add them now"): open the add form of a
        # one-kind group at once, if the viewer may add to this profile.
        kinds = RECORD_GROUPS.get(self.group, ())
        if done.ok and self.router.url.query_parameters.get("add") == "1" and len(kinds) == 1 \
                and ENTRY_KINDS[kinds[0]].section.value in self.addable_sections:
            self._open_form(kinds[0], 0, {})
        return done.event

    # ------------------------------------------------------------------ dialog

    @rx.event
    def open_new(self, kind: str):
        spec = entry_kind(kind)
        if spec is None or kind not in RECORD_GROUPS.get(self.group, ()):
            return
        self._open_form(kind, 0, {})

    @rx.event
    def open_edit(self, kind: str, entry_id: int):
        if entry_kind(kind) is None:
            return
        found = next(
            (e for e in self.entries.get(kind, []) if isinstance(entry_id, int) and e.id == entry_id and e.editable),
            None,
        )
        if found is None:
            return
        self._open_form(kind, found.id, dict(found.values))

    def _open_form(self, kind: str, entry_id: int, values: dict[str, str]) -> None:
        self.form_kind, self.form_values = kind, values
        self._form_entry_kind, self._form_entry_id, self.form_editing = kind, entry_id, entry_id > 0
        self.form_error = ""
        self.coded_text = values.get("code_text", "")
        self.picked_code = values.get("code", "")
        self.picked_label = self.coded_text if self.picked_code else ""
        self.suggestions = []
        self.form_key += 1
        self.form_open = True

    @rx.event
    def search_codes(self, text: str):
        """Typing in a coded field: keep the text, drop a code that no longer matches, suggest."""
        if not isinstance(text, str):
            return
        text = text[:255]
        self.coded_text = text
        if self.picked_code and text != self.picked_label:
            self.picked_code, self.picked_label = "", ""
        spec = entry_kind(self._form_entry_kind)
        coded = spec.coded_field if spec else None
        if coded is None or len(text.strip()) < 2:
            self.suggestions = []
            return
        lang = self._lang()
        self.suggestions = [
            ConceptOption(c.key, c.label(lang), c.code)
            for c in load_default().search(coded.coded_kind, text[:MAX_QUERY], limit=SEARCH_LIMIT)
        ]

    @rx.event
    def pick_code(self, value: str):
        chosen = next((s for s in self.suggestions if s.value == value), None)
        if chosen is None:
            return
        self.picked_code, self.picked_label, self.coded_text = chosen.value, chosen.label, chosen.label
        self.suggestions = []

    @rx.event
    def submit_form(self, form_data: dict):
        if not isinstance(form_data, dict):
            self.form_error = self._text("error.invalid_form")
            return
        # The typed text comes with the form (the debounced search may not have run yet);
        # a code picked earlier only counts while the text still is its label.
        typed = form_data.get("code_text", self.coded_text)
        code = self.picked_code if typed == self.picked_label else ""
        data = {**form_data, "code_text": typed, "code": code}
        secret = data.pop(SECRET_FIELD, False)  # teen: the service decides who may set it

        def save(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            if self._form_entry_id:
                records.update_entry(ctx.session, ctx.actor, self._form_entry_kind, self._form_entry_id, data,
                                     now=ctx.now)
            else:
                records.add_entry(ctx.session, ctx.actor, pid, self._form_entry_kind, data, now=ctx.now,
                                  hidden_from_guardians=secret)
            self._reload(ctx)

        done = self._run_as_user(save, error_attr="form_error")
        if not done.ok:
            return done.event
        self.form_open = False
        return rx.toast.success(self._text("record.saved"), duration=2500)

    @rx.event
    def toggle_hidden(self, kind: str, entry_id: int, hidden: bool):
        """The "hide from professionals" switch of one entry."""

        def change(ctx) -> None:  # noqa: ANN001
            records.set_hidden_from_professionals(ctx.session, ctx.actor, kind, entry_id, hidden, now=ctx.now)
            self._reload(ctx)

        return self._run_as_user(change).event

    @rx.event
    def toggle_secret(self, kind: str, entry_id: int, hidden: bool):
        """teen: the professional's switch "invisible to legal representatives" of one entry."""

        def change(ctx) -> None:  # noqa: ANN001
            records.set_hidden_from_guardians(ctx.session, ctx.actor, kind, entry_id, hidden, now=ctx.now)
            self._reload(ctx)

        return self._run_as_user(change).event

    # ------------------------------------------------------------------ delete

    @rx.event
    def ask_delete(self, kind: str, entry_id: int):
        if entry_kind(kind) is None or not isinstance(entry_id, int):
            return
        self._confirm_kind, self._confirm_entry_id, self.confirm_open = kind, entry_id, True

    @rx.event
    def confirm_delete(self):
        self.confirm_open = False

        def delete(ctx) -> None:  # noqa: ANN001
            records.delete_entry(ctx.session, ctx.actor, self._confirm_kind, self._confirm_entry_id, now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(delete)
        return rx.toast.success(self._text("record.deleted"), duration=2500) if done.ok else done.event


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
        fresh = [_localise(item, lang) for item in result.items]
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
