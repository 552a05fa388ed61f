"""The profiles page: every profile the user may open, add a child, co-guardians."""

from __future__ import annotations

import reflex as rx

from mes_app.domain.calendar import local_date
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import profiles
from mes_app.services.profiles import GuardianView
from mes_app.state.base import AppState, SessionGone


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
        try:
            with self._context() as ctx:
                self.user_name, self.user_role = ctx.identity.display_name, ctx.identity.role
                self._refresh(ctx)
        except SessionGone:
            return self._to_login()
        except (NotFound, Forbidden, ValidationError) as error:
            self.guardian_error = self._error_text(error)

    @rx.event
    def show_profile(self, profile_id: str):
        """Make another profile the active one, then go home to see it."""
        return self._switch_to(profile_id, "/")

    @rx.event
    def add_child(self, form_data: dict):
        if not isinstance(form_data, dict):
            return
        try:
            with self._context() as ctx:
                child = profiles.parse_child(form_data, today=local_date(ctx.now))
                view = profiles.add_child(ctx.session, ctx.actor, child, now=ctx.now)
                self._active_profile_id = view.id
                self._refresh(ctx)
        except SessionGone:
            return self._to_login()
        except (NotFound, Forbidden, ValidationError) as error:
            self.child_error = self._error_text(error)
            return
        self.child_error = ""
        self.child_form_key += 1
        return rx.toast.success(self._text("profiles.child_added"), duration=2500)

    @rx.event
    def add_guardian(self, form_data: dict):
        if not isinstance(form_data, dict):
            return
        try:
            with self._context() as ctx:
                pid = self._active_profile(ctx)
                if pid is None:
                    raise NotFound()
                profiles.add_guardian(ctx.session, ctx.actor, pid, form_data.get("email"), now=ctx.now)
                self._refresh(ctx)
        except SessionGone:
            return self._to_login()
        except (NotFound, Forbidden, ValidationError) as error:
            self.guardian_error = self._error_text(error)
            return
        self.guardian_error = ""
        self.guardian_form_key += 1
        return rx.toast.success(self._text("profiles.guardian_added"), duration=2500)
