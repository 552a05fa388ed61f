"""The profiles page: every profile the user may open, add a child, co-guardians, and the
invitations to manage a profile (sent, and received). Accepting, declining or cancelling an
invitation asks first: the substate :class:`~mes_app.state.invitation_confirm.InvitationConfirmState`
(security issue 9).
"""

from __future__ import annotations

import reflex as rx

from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound
from mes_app.domain.invitation_view import ReceivedRow, SentRow, received_rows, sent_rows
from mes_app.services import invitations, profiles
from mes_app.services.profiles import GuardianView
from mes_app.state.base import AppState


class ProfilesState(AppState):
    guardians: list[GuardianView] = []
    sent: list[SentRow] = []
    received: list[ReceivedRow] = []
    child_error: str = ""
    guardian_error: str = ""
    invite_notice: str = ""
    received_error: str = ""
    child_form_key: int = 0
    guardian_form_key: int = 0

    def _refresh(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        lang = self._lang()
        self.guardians, self.sent = [], []
        if pid is not None and self.manages_active and self.active_kind != "self":
            self.guardians = profiles.list_guardians(ctx.session, ctx.actor, pid, now=ctx.now)
            self.sent = sent_rows(invitations.sent_invitations(ctx.session, ctx.actor, pid, now=ctx.now), lang)
        self.received = received_rows(invitations.invitations_for_me(ctx.session, ctx.actor, now=ctx.now), lang)

    @rx.event
    async def load_profiles(self):
        from mes_app.state.invitation_confirm import InvitationConfirmState  # its parent is this state

        confirm = await self._fill_other_state(InvitationConfirmState)
        confirm.confirm_open, confirm._confirm_invitation_id = False, None
        self.child_error = self.guardian_error = self.invite_notice = self.received_error = ""
        return self._run_as_user(self._refresh, error_attr="guardian_error").event

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

        done = self._run_as_user(create, error_attr="child_error")
        if not done.ok:
            return done.event
        self.child_error = ""
        self.child_form_key += 1
        return rx.toast.success(self._text("profiles.child_added"), duration=2500)

    # ------------------------------------------------------------------ invitations sent

    @rx.event
    def invite_guardian(self, form_data: dict):
        """Invite someone to manage the active profile: the same answer for any address."""
        self.invite_notice = ""
        if not isinstance(form_data, dict):
            return None

        def invite(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            invitations.invite_guardian(ctx.session, ctx.actor, pid, form_data.get("email"),
                                        form_data.get("role") or "co_guardian", now=ctx.now)
            self._refresh(ctx)

        done = self._run_as_user(invite, error_attr="guardian_error")
        if not done.ok:
            return done.event
        self.guardian_error = ""
        self.invite_notice = self._text("invite.sent")
        self.guardian_form_key += 1
        return None
