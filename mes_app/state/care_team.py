"""The care team page (the professionals who follow the active profile: add by RPPS or e-mail,
block, unblock, remove) and the professional's own list of patients.

Thin: every handler re-reads identity and active profile; the relationship id being confirmed
stays on the server, and the service checks every id against the active profile.
"""

from __future__ import annotations

import reflex as rx

from mes_app.domain.care_circle_view import MemberRow, PatientRow, member_rows, patient_rows
from mes_app.domain.errors import NotFound
from mes_app.domain.validation import id_or_none
from mes_app.services import care_team
from mes_app.state.base import AppState
from mes_app.state.mixins import ConfirmMixin


class CareTeamState(ConfirmMixin, AppState):
    members: list[MemberRow] = []
    error: str = ""
    form_error: str = ""
    form_key: int = 0
    _confirm_id: int = 0

    def _reload(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        self.members = []
        if pid is None:
            raise NotFound()
        self.members = member_rows(care_team.list_care_team(ctx.session, ctx.actor, pid, now=ctx.now), self._lang())

    @rx.event
    def load_care_team(self):
        self.error, self.form_error, self.confirm_open = "", "", False
        return self._run_as_user(self._reload).event

    @rx.event
    def add_professional(self, form_data: dict):
        if not isinstance(form_data, dict):
            return

        def add(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            care_team.add_professional(ctx.session, ctx.actor, pid, form_data.get("identifier"), now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(add, error_attr="form_error")
        if not done.ok:
            return done.event
        self.form_error = ""
        self.form_key += 1
        return rx.toast.success(self._text("care.added"), duration=2500)

    def _set(self, relationship_id: object, status: str, done_key: str):  # noqa: ANN202
        rid = id_or_none(relationship_id)
        if rid is None:
            return

        def change(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            care_team.set_status(ctx.session, ctx.actor, pid, rid, status, now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(change)
        if not done.ok:
            return done.event
        self.error = ""
        return rx.toast.success(self._text(done_key), duration=2500)

    @rx.event
    def block(self, relationship_id: int):
        return self._set(relationship_id, "blocked", "care.blocked_done")

    @rx.event
    def unblock(self, relationship_id: int):
        return self._set(relationship_id, "active", "care.unblocked_done")

    @rx.event
    def ask_remove(self, relationship_id: int):
        rid = id_or_none(relationship_id)
        if rid is not None and any(m.id == rid for m in self.members):
            self._confirm_id, self.confirm_open = rid, True

    @rx.event
    def confirm_remove(self):
        self.confirm_open = False
        return self._set(self._confirm_id, "removed", "care.removed_done")


class PatientsState(AppState):
    patients: list[PatientRow] = []
    error: str = ""

    @rx.event
    def load_patients(self):
        self.error = ""

        def load(ctx) -> None:  # noqa: ANN001
            self._active_profile(ctx)
            lang = self._lang()
            self.patients = patient_rows(care_team.my_patients(ctx.session, ctx.actor, now=ctx.now, lang=lang), lang)

        return self._run_as_user(load).event

    @rx.event
    def open_patient(self, profile_id: str):
        """Open a patient's record: the id is re-checked against the care relationships now."""
        return self._switch_to(profile_id, "/record")
