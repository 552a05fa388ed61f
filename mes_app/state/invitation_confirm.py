"""The profiles page's invitation confirmation: accept, decline (invitations for me) or cancel
(one the active profile's managers sent). A substate of
:class:`~mes_app.state.profiles.ProfilesState` (it reloads the lists shown there).

The invitation id stays on the server (``_confirm_invitation_id``), taken only from the lists
the service gives this user now; the service checks it again when it decides.
"""

from __future__ import annotations

import reflex as rx

from mes_app import i18n
from mes_app.domain import validation as v
from mes_app.domain.errors import NotFound
from mes_app.services import invitations
from mes_app.state.mixins import ConfirmMixin
from mes_app.state.profiles import ProfilesState

CONFIRM_KINDS = ("accept", "decline", "cancel")


class InvitationConfirmState(ConfirmMixin, ProfilesState):
    confirm_kind: str = ""
    confirm_title: str = ""
    confirm_text: str = ""
    _confirm_invitation_id: int | None = None

    def _confirm_closed(self) -> None:
        self._confirm_invitation_id = None

    @rx.event
    def ask_confirm(self, kind: str, invitation_id: str):
        """Open the confirmation for an invitation shown on this page (any other id: not found)."""
        self.confirm_open, self._confirm_invitation_id = False, None
        self.received_error = self.guardian_error = self.invite_notice = ""
        if not isinstance(kind, str) or kind not in CONFIRM_KINDS:
            return None

        def ask(ctx) -> None:  # noqa: ANN001
            iid = v.parse_id(invitation_id)
            lang = self._lang()
            if kind == "cancel":
                pid = self._active_profile(ctx)
                if pid is None:
                    raise NotFound()
                mine = invitations.sent_invitations(ctx.session, ctx.actor, pid, now=ctx.now)
                match = next((s for s in mine if s.id == iid), None)
                if match is None:
                    raise NotFound()
                self.confirm_title = i18n.t("invite.confirm_cancel_title", lang)
                self.confirm_text = i18n.t("invite.confirm_cancel_text", lang, email=match.invitee_email)
            else:
                mine = invitations.invitations_for_me(ctx.session, ctx.actor, now=ctx.now)
                match = next((r for r in mine if r.id == iid), None)
                if match is None:
                    raise NotFound()
                text_key = f"invite.confirm_{kind}_text"
                if kind == "accept" and match.role in ("handover", "caregiver"):
                    text_key = f"invite.confirm_accept_{match.role}_text"
                self.confirm_title = i18n.t(f"invite.confirm_{kind}_title", lang)
                self.confirm_text = i18n.t(text_key, lang, who=match.inviter_name, child=match.child_given_name)
            self.confirm_kind = kind
            self._confirm_invitation_id = iid
            self.confirm_open = True

        error_attr = "guardian_error" if kind == "cancel" else "received_error"
        done = self._run_as_user(ask, error_attr=error_attr)
        if not done.ok:
            self._refresh_quietly()
        return done.event

    def _refresh_quietly(self) -> None:
        """After a refusal the lists may be stale (decided elsewhere): reload them."""
        ran = self._run_as_user(self._refresh, error_attr=None)
        if ran.gone:  # handled by the next event; keep what the user sees meanwhile
            return

    @rx.event
    def confirm(self):
        """Accept, decline or cancel the invitation chosen in ``ask_confirm``."""
        kind, iid = self.confirm_kind, self._confirm_invitation_id
        self.confirm_open, self._confirm_invitation_id = False, None
        if iid is None or kind not in CONFIRM_KINDS:
            return None

        def decide(ctx) -> None:  # noqa: ANN001
            if kind == "accept":
                self._active_profile_id = invitations.accept_invitation(ctx.session, ctx.actor, iid, now=ctx.now)
            elif kind == "decline":
                invitations.decline_invitation(ctx.session, ctx.actor, iid, now=ctx.now)
            else:
                invitations.cancel_invitation(ctx.session, ctx.actor, iid, now=ctx.now)
            self._refresh(ctx)

        error_attr = "guardian_error" if kind == "cancel" else "received_error"
        done = self._run_as_user(decide, error_attr=error_attr)
        if not done.ok:
            self._refresh_quietly()
            return done.event
        self.received_error = ""
        done_key = {"accept": "invite.accepted", "decline": "invite.declined", "cancel": "invite.cancelled"}[kind]
        return rx.toast.success(self._text(done_key), duration=3000)
