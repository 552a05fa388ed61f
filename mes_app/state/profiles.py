"""The profiles page: every profile the user may open, add a child, co-guardians, and the
invitations to manage a profile (sent, and received: accept or decline, security issue 9)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from mes_app import formatting, i18n
from mes_app.domain import validation as v
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound
from mes_app.services import invitations, profiles
from mes_app.services.profiles import GuardianView
from mes_app.state.base import AppState
from mes_app.state.mixins import ConfirmMixin

CONFIRM_KINDS = ("accept", "decline", "cancel")


@dataclass(frozen=True)
class SentRow:
    """A pending invitation of the active profile, as its managers see it."""

    id: str
    email: str
    line: str  # "Second responsable · envoyée par Alice · jusqu'au 12 déc. 2026"


@dataclass(frozen=True)
class ReceivedRow:
    """An invitation waiting for me: the inviter's name and the child's first name only."""

    id: str
    text: str
    until: str


def _day(iso: str, lang: str) -> str:
    return formatting.day(iso, lang)


def received_rows(items: list[invitations.ReceivedInvitationView], lang: str) -> list[ReceivedRow]:
    return [
        ReceivedRow(
            str(item.id),
            i18n.t(f"invite.received.{item.role}", lang, who=item.inviter_name, child=item.child_given_name),
            i18n.t("invite.until", lang, until=_day(item.expires_at, lang)),
        )
        for item in items
    ]


class ProfilesState(ConfirmMixin, AppState):
    guardians: list[GuardianView] = []
    sent: list[SentRow] = []
    received: list[ReceivedRow] = []
    child_error: str = ""
    guardian_error: str = ""
    invite_notice: str = ""
    received_error: str = ""
    child_form_key: int = 0
    guardian_form_key: int = 0
    # the accept / decline / cancel confirmation; the invitation id stays on the server
    confirm_kind: str = ""
    confirm_title: str = ""
    confirm_text: str = ""
    _confirm_invitation_id: int | None = None

    def _refresh(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        lang = self._lang()
        self.guardians, self.sent = [], []
        if pid is not None and self.active_relationship in ("owner", "guardian") and self.active_kind != "self":
            self.guardians = profiles.list_guardians(ctx.session, ctx.actor, pid, now=ctx.now)
            self.sent = [
                SentRow(str(s.id), s.invitee_email, i18n.t(
                    "invite.pending_line", lang, role=i18n.t(f"invite.short.{s.role}", lang), who=s.invited_by,
                    until=_day(s.expires_at, lang)))
                for s in invitations.sent_invitations(ctx.session, ctx.actor, pid, now=ctx.now)
            ]
        self.received = received_rows(invitations.invitations_for_me(ctx.session, ctx.actor, now=ctx.now), lang)

    @rx.event
    def load_profiles(self):
        self.child_error = self.guardian_error = self.invite_notice = self.received_error = ""
        self.confirm_open, self._confirm_invitation_id = False, None
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

    # ------------------------------------------------------------------ the confirmation

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

