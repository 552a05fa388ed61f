"""The record pages (/record/<group>): the active profile's entries of one group, the add / edit
dialog with its code search. Each entry's switches and its delete confirmation are the substate
:class:`~mes_app.state.record_entries.RecordEntriesState`.

Every handler re-reads the identity and the active profile; the service validates the kinds and
ids from the browser and checks the policy on the entry itself."""

from __future__ import annotations

import reflex as rx

from mes_app.components.controls import SECRET_FIELD
from mes_app.domain.errors import NotFound
from mes_app.domain.record_kinds import ENTRY_KINDS, RECORD_GROUPS, entry_kind
from mes_app.domain.record_view import ConceptOption, localise, no_entries
from mes_app.domain.terminology import load_default
from mes_app.domain.validation import id_or_none
from mes_app.services import records
from mes_app.services.records import EntryView
from mes_app.state.base import AppState
from mes_app.state.mixins import FormMixin

SEARCH_LIMIT = 8
MAX_QUERY = 100


class RecordState(FormMixin, AppState):
    group: str = ""
    entries: dict[str, list[EntryView]] = no_entries()
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

    def _reload(self, ctx) -> None:  # noqa: ANN001
        self.entries = no_entries()  # a refusal leaves nothing stale
        pid, lang, loaded = self._active_profile(ctx), self._lang(), no_entries()
        # a kind not shared with this viewer stays empty: the page says so (no refusal to show)
        for kind in RECORD_GROUPS.get(self.group, ()) if pid is not None else ():
            if ENTRY_KINDS[kind].section.value in self.shared_sections:
                loaded[kind] = [localise(v, lang) for v in records.list_entries(ctx.session, ctx.actor, pid, kind,
                                                                                 now=ctx.now)]
        self.entries = loaded

    @rx.event
    async def load_group(self):
        """on_load of /record/<group>: the group comes from the route, checked against the list."""
        from mes_app.state.record_entries import RecordEntriesState  # its parent is this state

        (await self._fill_other_state(RecordEntriesState)).confirm_open = False
        group = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.group = group if group in RECORD_GROUPS else ""
        self.error, self.form_open = "", False
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
        found = next((e for e in self.entries.get(kind, []) if e.id == id_or_none(entry_id) and e.editable), None)
        if found is None:
            return
        self._open_form(kind, found.id, dict(found.values))

    def _open_form(self, kind: str, entry_id: int, values: dict[str, str]) -> None:
        self.form_kind, self.form_values, self.form_error, self.suggestions, self.form_open = kind, values, "", [], True
        self._form_entry_kind, self._form_entry_id, self.form_editing = kind, entry_id, entry_id > 0
        self.coded_text, self.picked_code = values.get("code_text", ""), values.get("code", "")
        self.picked_label = self.coded_text if self.picked_code else ""
        self.form_key += 1

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
        found = load_default().search(coded.coded_kind, text[:MAX_QUERY], limit=SEARCH_LIMIT)
        self.suggestions = [ConceptOption(c.key, c.label(self._lang()), c.code) for c in found]

    @rx.event
    def pick_code(self, value: str):
        chosen = next((s for s in self.suggestions if s.value == value), None)
        if chosen is not None:
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
