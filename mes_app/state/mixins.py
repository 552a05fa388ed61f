"""Pieces several page states share, written once.

Each is a Reflex mixin (``mixin=True``): its vars and handlers are copied into every state that
lists it, ahead of its parent (``class AppointmentsState(ConfirmMixin, AppState)``).
"""

from __future__ import annotations

import reflex as rx


class ConfirmMixin(rx.State, mixin=True):
    """The confirmation dialog's open flag (:func:`mes_app.components.dialogs.confirm_dialog`).

    Only the state opens the dialog (after checking what it asks about, keeping that target in
    a backend var); the browser may only close it: ``set_confirm_open`` is callable by anyone
    with any argument, and nothing but ``False`` comes through.
    """

    confirm_open: bool = False

    @rx.event
    def set_confirm_open(self, value: bool):
        if value is not True:
            self.confirm_open = False
            self._confirm_closed()

    def _ask_confirmation(self) -> None:
        self.confirm_open = True

    def _confirm_closed(self) -> None:
        """Hook: forget what was asked about (states override it when they keep a target)."""


class FormMixin(rx.State, mixin=True):
    """The form dialog's open flag (:func:`mes_app.components.dialogs.form_dialog`).

    The state opens the form (``open_new`` / ``open_edit`` fill it first); the browser may only
    close it (Escape, a tap outside, "Cancel").
    """

    form_open: bool = False

    @rx.event
    def set_form_open(self, value: bool):
        if value is not True:
            self.form_open = False
            self._form_closed()

    def _form_closed(self) -> None:
        """Hook: forget what the form was editing (states override it when they keep a target)."""
