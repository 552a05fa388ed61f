"""The profiles page: every profile the user may open, add a child, co-guardians."""

from __future__ import annotations

import reflex as rx

from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound
from mes_app.services import profiles
from mes_app.services.profiles import GuardianView
from mes_app.state.base import AppState


class ProfilesState(AppState):
    guardians: list[GuardianView] = []
    child_error: str = ""
    guardian_error: str = ""
    child_form_key: int = 0
    guardian_form_key: int = 0

    def _refresh(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        self.guardians = []
        if pid is not None and self.active_relationship in ("owner", "guardian") and self.active_kind != "self":
            self.guardians = profiles.list_guardians(ctx.session, ctx.actor, pid, now=ctx.now)

    @rx.event
    def load_profiles(self):
        self.child_error = self.guardian_error = ""
        return self._attempt(self._refresh, error_attr="guardian_error").event

    @rx.event
    def show_profile(self, profile_id: str):
        """Make another profile the active one, then go home to see it."""
        return self._switch_to(profile_id, "/")

    @rx.event
    def add_child(self, form_data: dict):
        if not isinstance(form_data, dict):
            return None

        def create(ctx) -> None:  # noqa: ANN001
            child = profiles.parse_child(form_data, today=local_date(ctx.now))
            view = profiles.add_child(ctx.session, ctx.actor, child, now=ctx.now)
            self._active_profile_id = view.id
            self._refresh(ctx)

        done = self._attempt(create, error_attr="child_error")
        if not done.ok:
            return done.event
        self.child_error = ""
        self.child_form_key += 1
        return rx.toast.success(self._text("profiles.child_added"), duration=2500)

    @rx.event
    def add_guardian(self, form_data: dict):
        if not isinstance(form_data, dict):
            return None

        def add(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            profiles.add_guardian(ctx.session, ctx.actor, pid, form_data.get("email"), now=ctx.now)
            self._refresh(ctx)

        done = self._attempt(add, error_attr="guardian_error")
        if not done.ok:
            return done.event
        self.guardian_error = ""
        self.guardian_form_key += 1
        return rx.toast.success(self._text("profiles.guardian_added"), duration=2500)
