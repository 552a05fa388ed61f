"""The agenda: upcoming appointments of every profile the user manages (and of the profile shown).

Every handler re-reads the identity; the ids the browser sends (appointment, profile) are
checked by the service against the access policy.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from mes_app import i18n
from mes_app.domain.access import Action, Section
from mes_app.services import appointments, capabilities
from mes_app.services.appointments import AppointmentView
from mes_app.services.profiles import ProfileView
from mes_app.state.base import AppState, Context
from mes_app.state.mixins import ConfirmMixin, FormMixin

EMPTY_FORM = {"title": "", "starts_at": "", "ends_at": "", "location": "", "practitioner": "", "reason": "", "note": ""}
FORM_FIELDS = tuple(EMPTY_FORM)


def _localise(view: AppointmentView, lang: str) -> AppointmentView:
    return dataclasses.replace(view, date=i18n.format_date(view.date, lang))


class AppointmentsState(ConfirmMixin, FormMixin, AppState):
    items: list[AppointmentView] = []
    targets: list[ProfileView] = []  # profiles the user may add an appointment for
    error: str = ""

    form_editing: bool = False  # an existing appointment (its id stays on the server)
    _form_id: int = 0
    form_values: dict[str, str] = EMPTY_FORM
    form_profile: str = ""
    form_error: str = ""
    form_key: int = 0

    _confirm_id: int = 0

    def _reload(self, ctx: Context) -> None:
        self._active_profile(ctx)
        allowed = capabilities.profiles_allowing(ctx.session, ctx.actor, [p.id for p in self.profiles],
                                                 Action.CREATE, Section.APPOINTMENTS, now=ctx.now)
        self.targets = [p for p in self.profiles if p.id in allowed]
        lang = self._lang()
        views = appointments.upcoming_for(ctx.session, ctx.actor, self.profiles, self._active_profile_id, now=ctx.now)
        self.items = [_localise(a, lang) for a in views]

    def _find(self, appointment_id: object) -> AppointmentView | None:
        if not isinstance(appointment_id, int) or isinstance(appointment_id, bool):
            return None
        return next((a for a in self.items if a.id == appointment_id), None)

    @rx.event
    def load_appointments(self):
        self.error, self.form_open, self.confirm_open = "", False, False
        done = self._run_as_user(self._reload)
        if not done.ok and done.event is None:  # refused: no stale list
            self.items = []
        return done.event

    # ------------------------------------------------------------------ add / edit

    @rx.event
    def open_new(self):
        if not self.targets:
            return
        ids = [str(p.id) for p in self.targets]
        self.form_profile = self.active_value if self.active_value in ids else ids[0]
        self._open(0, dict(EMPTY_FORM))

    @rx.event
    def open_edit(self, appointment_id: int):
        found = self._find(appointment_id)
        if found is None or not found.editable:
            return
        self.form_profile = str(found.profile_id)
        self._open(found.id, {k: found.values.get(k, "") for k in FORM_FIELDS})

    def _open(self, appointment_id: int, values: dict[str, str]) -> None:
        self._form_id, self.form_values, self.form_error = appointment_id, values, ""
        self.form_editing = appointment_id > 0
        self.form_key += 1
        self.form_open = True

    @rx.event
    def submit_form(self, form_data: dict):
        if not isinstance(form_data, dict):
            self.form_error = self._text("error.invalid_form")
            return
        data = {k: form_data.get(k) for k in FORM_FIELDS}
        proposed = False

        def save(ctx) -> None:  # noqa: ANN001
            nonlocal proposed
            if self._form_id:
                appointments.update_appointment(ctx.session, ctx.actor, self._form_id, data, now=ctx.now)
            else:
                profile = form_data.get("profile", self.form_profile)
                view = appointments.add_appointment(ctx.session, ctx.actor, profile, data, now=ctx.now)
                proposed = view.status == "proposed"
            self._reload(ctx)

        done = self._run_as_user(save, error_attr="form_error")
        if not done.ok:
            return done.event
        self.form_open = False
        key = "appointments.proposed_toast" if proposed else "appointments.saved"
        return rx.toast.success(self._text(key), duration=2500)

    # ------------------------------------------------------------------ cancel, answer

    @rx.event
    def ask_cancel(self, appointment_id: int):
        found = self._find(appointment_id)
        if found is None or not found.cancellable:
            return
        self._confirm_id, self.confirm_open = found.id, True

    @rx.event
    def confirm_cancel(self):
        self.confirm_open = False

        def cancel(ctx) -> None:  # noqa: ANN001
            appointments.cancel_appointment(ctx.session, ctx.actor, self._confirm_id, now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(cancel)
        return rx.toast.success(self._text("appointments.cancelled_toast"), duration=2500) if done.ok else done.event

    @rx.event
    def answer(self, appointment_id: int, accept: bool):

        def reply(ctx) -> None:  # noqa: ANN001
            appointments.answer_proposal(ctx.session, ctx.actor, appointment_id, accept, now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(reply)
        if not done.ok:
            return done.event
        key = "appointments.accepted_toast" if accept is True else "appointments.declined_toast"
        return rx.toast.success(self._text(key), duration=2500)
