"""teen (issue 13, item 4): the /majority page, the hand-over of a profile at 18. A guardian
(``can_hand_over``) sends the invitation to the young adult's address (the same answer for any
address; the link goes by e-mail only) and may cancel it; the young adult opens the e-mailed link
(``/majority?t=…``) logged in with that address, ticks what each former guardian keeps seeing
(nothing by default) and accepts.

The link's secret stays in a backend var; the former guardians' ids are checked again by the
service, which decides everything.
"""

from __future__ import annotations

import reflex as rx

from mes_app import i18n, mail
from mes_app.domain.errors import NotFound
from mes_app.domain.invitation_view import HandOverRow, KeepRow, handover_rows
from mes_app.services import invitations, majority
from mes_app.state.base import AppState
from mes_app.state.mixins import ConfirmMixin


class MajorityState(ConfirmMixin, AppState):
    # the young adult's side
    has_link: bool = False
    needs_login: bool = False
    offer_ok: bool = False
    offer_text: str = ""
    offer_until: str = ""
    keep_rows: list[KeepRow] = []
    keep_sections: list[str] = []
    done: bool = False
    _secret: str = ""
    # the guardian's side
    pending: list[HandOverRow] = []
    notice: str = ""
    error: str = ""
    form_key: int = 0
    _cancel_id: int | None = None

    def _refresh_guardian(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        self.pending = []
        if pid is None or not self.can_hand_over:
            return
        lang = self._lang()
        self.pending = handover_rows(majority.pending(ctx.session, ctx.actor, pid, now=ctx.now), lang)

    def _refresh_offer(self, ctx) -> None:  # noqa: ANN001
        self._active_profile(ctx)
        view = majority.offer(ctx.session, ctx.actor, self._secret, now=ctx.now)
        self.offer_ok = view is not None
        if view is None:
            self.keep_rows, self.keep_sections = [], []
            return
        lang = self._lang()
        self.offer_text = i18n.t("majority.offer", lang, who=view.inviter_name, name=view.given_name)
        self.offer_until = i18n.t("invite.until", lang, until=i18n.format_date(view.expires_at[:10], lang))
        self.keep_rows = [KeepRow(str(g.user_id), g.name) for g in view.guardians]
        self.keep_sections = list(view.sections)

    @rx.event
    def load_majority(self):
        secret = self.router.url.query_parameters.get("t", "")
        self._secret = secret if isinstance(secret, str) else ""
        self.has_link, self.needs_login, self.done = bool(self._secret), False, False
        self.notice = self.error = ""
        self.confirm_open = False
        if self.has_link:
            ran = self._run_as_user(self._refresh_offer)
            if ran.gone:  # not logged in: say how to come back, keep the visitor on the page
                self.needs_login = True
                return None
            return ran.event
        return self._run_as_user(self._refresh_guardian).event

    # ------------------------------------------------------------------ the guardian

    @rx.event
    def send_invitation(self, form_data: dict):
        self.notice = ""
        if not isinstance(form_data, dict):
            return None

        def send(ctx) -> majority.InviteSent:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            sent = majority.invite(ctx.session, ctx.actor, pid, form_data.get("email"), now=ctx.now)
            self._refresh_guardian(ctx)
            return sent

        ran = self._run_as_user(send)
        if not ran.ok or ran.value is None:
            return ran.event
        sent = ran.value
        mail.queue(mail.send_majority_invitation, sent.to, sent.secret, self._lang(), self.user_name,
                   what="majority-invitation")
        self.error = ""
        self.notice = self._text("majority.sent")
        self.form_key += 1
        return None

    @rx.event
    def ask_cancel(self, invitation_id: str):
        match = next((p for p in self.pending if p.id == invitation_id), None)
        if match is None:
            return
        self._cancel_id = int(match.id)
        self._ask_confirmation()

    def _confirm_closed(self) -> None:
        self._cancel_id = None

    @rx.event
    def confirm_cancel(self):
        self.confirm_open = False
        wanted = self._cancel_id
        if wanted is None:
            return None

        def cancel(ctx) -> None:  # noqa: ANN001
            invitations.cancel_invitation(ctx.session, ctx.actor, wanted, now=ctx.now)
            self._refresh_guardian(ctx)

        return self._run_as_user(cancel).event

    # ------------------------------------------------------------------ the young adult

    @rx.event
    def accept(self, form_data: dict):
        if not isinstance(form_data, dict) or not self._secret:
            return None
        keep: dict[str, list[str]] = {}
        for row in self.keep_rows:
            chosen = [s for s in self.keep_sections if form_data.get(f"keep-{row.key}-{s}") in ("on", True)]
            if chosen:
                keep[row.key] = chosen

        def take(ctx) -> None:  # noqa: ANN001
            pid = majority.accept(ctx.session, ctx.actor, self._secret, keep, now=ctx.now)
            self._active_profile_id = pid
            self._active_profile(ctx)

        ran = self._run_as_user(take)
        if not ran.ok:
            return ran.event
        self._secret, self.done, self.offer_ok = "", True, False
        return rx.toast.success(self._text("majority.accepted"), duration=3000)
