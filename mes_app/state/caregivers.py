"""The caregivers page: invite by e-mail (the same answer for any address), cancel a pending
invitation, revoke an access. Thin: every handler re-reads identity and active profile; the
id being confirmed stays on the server and the service checks it against the active profile.
"""

from __future__ import annotations

import reflex as rx

from mes_app.domain.care_circle_view import GrantRow, PendingRow, grant_rows, pending_rows
from mes_app.domain.errors import NotFound
from mes_app.domain.validation import id_or_none
from mes_app.services import caregivers
from mes_app.services.caregivers import CAREGIVER_SECTIONS
from mes_app.state.base import AppState
from mes_app.state.mixins import ConfirmMixin

CAREGIVER_CONFIRM_KINDS = ("revoke", "cancel")


class CaregiversState(ConfirmMixin, AppState):
    """Caregivers of the active profile: invite by e-mail (the same answer for any address),
    cancel a pending invitation, revoke an access. The id being confirmed stays on the server."""

    grants: list[GrantRow] = []
    pending: list[PendingRow] = []
    error: str = ""
    form_error: str = ""
    invite_notice: str = ""
    form_key: int = 0
    confirm_kind: str = ""  # revoke | cancel
    confirm_text: str = ""  # for a cancel: "x@y.fr will no longer be able to accept it."
    _confirm_id: int | None = None

    def _reload(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        self.grants, self.pending = [], []
        if pid is None:
            raise NotFound()
        lang = self._lang()
        self.grants = grant_rows(caregivers.list_caregivers(ctx.session, ctx.actor, pid, now=ctx.now), lang)
        self.pending = pending_rows(caregivers.pending_caregivers(ctx.session, ctx.actor, pid, now=ctx.now), lang)

    def _confirm_closed(self) -> None:
        self._confirm_id = None

    def _close_confirm(self) -> None:
        self.confirm_open, self.confirm_kind, self.confirm_text, self._confirm_id = False, "", "", None

    @rx.event
    def load_caregivers(self):
        self.error, self.form_error, self.invite_notice = "", "", ""
        self._close_confirm()
        return self._run_as_user(self._reload).event

    @rx.event
    def invite(self, form_data: dict):
        """Invite whoever has the address: nothing is shared before they accept."""
        self.invite_notice = ""
        if not isinstance(form_data, dict):
            return
        sections = [s for s in CAREGIVER_SECTIONS if form_data.get(f"scope_{s}") not in (None, "", False)]

        def send(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            caregivers.invite_caregiver(ctx.session, ctx.actor, pid, form_data.get("email"), sections,
                                        form_data.get("ends_on") or None, now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(send, error_attr="form_error")
        if not done.ok:
            return done.event
        self.form_error = ""
        self.invite_notice = self._text("invite.sent")
        self.form_key += 1
        return None

    @rx.event
    def ask_revoke(self, grant_id: int):
        self._close_confirm()
        gid = id_or_none(grant_id)
        if gid is not None and any(g.id == gid for g in self.grants):
            self.confirm_kind, self._confirm_id, self.confirm_open = "revoke", gid, True

    @rx.event
    def ask_cancel(self, invitation_id: str):
        """Confirm withdrawing a pending invitation listed on this page (any other id: ignored)."""
        self._close_confirm()
        if not isinstance(invitation_id, str) or not invitation_id.isdigit() or len(invitation_id) > 18:
            return
        match = next((p for p in self.pending if p.id == invitation_id), None)
        if match is not None:
            self.confirm_kind, self._confirm_id = "cancel", int(invitation_id)
            self.confirm_text = self._text("invite.confirm_cancel_text", email=match.email)
            self.confirm_open = True

    @rx.event
    def confirm(self):
        """Revoke the access, or cancel the invitation, chosen in ``ask_revoke`` / ``ask_cancel``;
        the service re-checks it against the active profile."""
        kind, target = self.confirm_kind, self._confirm_id
        self._close_confirm()
        if target is None or kind not in CAREGIVER_CONFIRM_KINDS:
            return None

        def change(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            if kind == "revoke":
                caregivers.revoke_caregiver(ctx.session, ctx.actor, pid, target, now=ctx.now)
            else:
                caregivers.cancel_caregiver_invitation(ctx.session, ctx.actor, pid, target, now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(change)
        if not done.ok:
            return done.event
        self.invite_notice = ""
        key = "caregivers.revoked" if kind == "revoke" else "invite.cancelled"
        return rx.toast.success(self._text(key), duration=2500)
