"""One record entry's actions on the record pages: its "hide from professionals" and teen
switches, and the delete confirmation. A substate of :class:`~mes_app.state.records.RecordState`
(it reloads the entries shown there after a change); the list's own events never load it.

What is deleted stays on the server (``_confirm_*``); the service checks the kind and the id
against the entry itself.
"""

from __future__ import annotations

import reflex as rx

from mes_app.domain.record_kinds import entry_kind
from mes_app.services import records
from mes_app.state.mixins import ConfirmMixin
from mes_app.state.records import RecordState


class RecordEntriesState(ConfirmMixin, RecordState):
    _confirm_kind: str = ""
    _confirm_entry_id: int = 0

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
