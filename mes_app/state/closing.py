"""Closing the active child's profile (/profiles/close) and deleting one's account
(/account/delete): the confirmation page lists what goes, offers the take-out, asks the
password, then the confirm dialog (issue 13, item 3).

Thin: the services decide (who may close what, what goes). The browser never names what is
closed: the target is the active profile, re-checked by the service, kept in a backend var;
the password is checked when typed and only the service's proof (:class:`Confirmation`) is
kept, server-side, until the dialog's "yes" — never the password itself.
"""

from __future__ import annotations

import reflex as rx

from mes_app import i18n
from mes_app.domain.closing_view import ClosingBlock, TakeOut, block_of
from mes_app.domain.errors import NotFound
from mes_app.services import closing
from mes_app.services.closing import Confirmation
from mes_app.state.base import AppState
from mes_app.state.mixins import ConfirmMixin
from mes_app.state.off_loop import cpu_bound
from mes_app.state.rate_limit import over_limit
from mes_app.storage import default_storage

DELETED_ROUTE = "/account/deleted"


class ClosingState(ConfirmMixin, AppState):
    mode: str = ""  # "profile" | "account": set by the page's load event, never by the browser
    title: str = ""
    ready: bool = False  # the preview is shown and may be confirmed
    done: bool = False  # the profile was closed (this page then says so)
    refusal: str = ""  # why this cannot be done here (a caregiver, a professional's account…)
    error: str = ""
    blocks: list[ClosingBlock] = []
    kept_children: list[str] = []
    account_lines: list[str] = []  # what an account deletion ends besides the records
    takeouts: list[TakeOut] = []
    form_key: int = 0
    _target_profile_id: int | None = None
    _confirmation: Confirmation | None = None

    def _reset(self, mode: str) -> None:
        self.mode, self.title, self.ready, self.done, self.refusal, self.error = mode, "", False, False, "", ""
        self.blocks, self.kept_children, self.account_lines, self.takeouts = [], [], [], []
        self.confirm_open, self._target_profile_id, self._confirmation = False, None, None

    # ------------------------------------------------------------------ loading the previews

    @rx.event
    def load_close_profile(self):
        self._reset("profile")
        return self._run_as_user(self._load_profile, error_attr="refusal").event

    def _load_profile(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        if pid is None:
            raise NotFound()
        preview = closing.closing_preview(ctx.session, ctx.actor, pid, now=ctx.now)
        lang = self._lang()
        self._target_profile_id = pid
        self.title = i18n.t("closing.close_title", lang, name=preview.given_name)
        self.blocks = [block_of(preview, preview.name, lang)]
        self.takeouts = [TakeOut(preview.name, preview.takeout_href)]
        self.ready = True

    @rx.event
    def load_delete_account(self):
        self._reset("account")
        return self._run_as_user(self._load_account, error_attr="refusal").event

    def _load_account(self, ctx) -> None:  # noqa: ANN001
        lang = self._lang()
        self.title = i18n.t("closing.account_title", lang)
        preview = closing.account_preview(ctx.session, ctx.actor, now=ctx.now)
        if not preview.may_delete:
            self.refusal = i18n.t("closing.professional_account", lang)
            return
        closed = [preview.own] if preview.own is not None else []
        closed += list(preview.children_closed)
        titles = {p.profile_id: (i18n.t("closing.my_record", lang, name=p.name) if p.kind == "self" else p.name)
                  for p in closed}
        self.blocks = [block_of(p, titles[p.profile_id], lang) for p in closed]
        self.takeouts = [TakeOut(titles[p.profile_id], p.takeout_href) for p in closed]
        self.kept_children = [
            i18n.t("closing.kept_child", lang, name=k.given_name, guardians=", ".join(k.guardians))
            for k in preview.children_kept
        ]
        self.account_lines = [i18n.t("closing.account_sessions", lang)]
        if preview.shared_with_me:
            self.account_lines.append(i18n.t("closing.shared_with_me", lang, count=preview.shared_with_me))
        self.ready = True

    @rx.var
    def closes_children(self) -> bool:
        return self.mode == "account" and len(self.blocks) > 1

    # ------------------------------------------------------------------ confirming

    @rx.event
    @cpu_bound  # argon2: never on the event loop
    def ask(self, form_data: dict):
        """The password typed: checked now (rate-limited like a log-in), then the dialog."""
        self.error = ""
        if not self.ready or not isinstance(form_data, dict):
            return None
        if (refused := over_limit(self, "login")) is not None:
            self.error = refused
            return None

        ran = self._run_as_user(lambda ctx: closing.confirm_password(ctx.session, ctx.actor, form_data.get("password"),
                                                                     now=ctx.now))
        self.form_key += 1  # the password field is emptied whatever happened
        if not ran.ok:
            return ran.event
        self._confirmation = ran.value
        self._ask_confirmation()
        return None

    def _confirm_closed(self) -> None:
        self._confirmation = None

    @rx.event
    def confirm(self):
        self.confirm_open = False
        proof, self._confirmation = self._confirmation, None
        if not self.ready or proof is None:
            return None
        storage = default_storage()
        if self.mode == "account":
            ran = self._run_as_user(lambda ctx: closing.delete_account(
                ctx.session, ctx.actor, confirmation=proof, storage=storage, now=ctx.now))
            if not ran.ok:
                return ran.event
            self._clear_user()
            self.ready = False
            return rx.redirect(DELETED_ROUTE)
        target = self._target_profile_id

        def close(ctx) -> None:  # noqa: ANN001
            closing.close_profile(ctx.session, ctx.actor, target, confirmation=proof, storage=storage, now=ctx.now)
            self._target_profile_id = None
            self._active_profile(ctx)  # the switcher no longer offers it

        ran = self._run_as_user(close)
        if not ran.ok:
            return ran.event
        self.ready, self.done, self.blocks, self.takeouts = False, True, [], []
        return None
