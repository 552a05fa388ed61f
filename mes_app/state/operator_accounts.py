"""The operator console's accounts page (/operator/accounts, issue 15 item 1): find an account
by its e-mail, lock or unlock it, end its sessions, without seeing its record.

The account the operator acts on is the one the last search found, kept in a backend var: the
browser only says which action, never on whom. The view holds account fields only (e-mail,
name, dates, counts), never a profile or a record.
"""

from __future__ import annotations

import reflex as rx

from mes_app.domain.account_view import AccountCard, account_card
from mes_app.domain.errors import NotFound
from mes_app.services import operator_accounts, operator_console
from mes_app.services.operator_accounts import AccountView
from mes_app.state.base import Context
from mes_app.state.mixins import ConfirmMixin
from mes_app.state.operator_console import OperatorPage

ROUTE = "/operator/accounts"
ACTIONS = ("lock", "unlock", "end_sessions")
EMAIL_MAX_LEN = 254


class OperatorAccountsState(ConfirmMixin, OperatorPage):
    """/operator/accounts: one account at a time, found by its exact e-mail."""

    searched: str = ""  # the address last looked for ("" before any search)
    found: list[AccountCard] = []  # zero or one
    confirm_title: str = ""
    confirm_text: str = ""
    confirm_label: str = ""
    confirm_danger: bool = True
    _shown_id: int | None = None  # the account the page shows: the only one actions apply to
    _action: str = ""

    def _close(self) -> None:
        self.searched, self.found, self._shown_id = "", [], None
        self._forget()

    def _forget(self) -> None:
        self._action = ""
        self.confirm_title = self.confirm_text = self.confirm_label = ""

    def _confirm_closed(self) -> None:
        self._forget()

    def _show(self, view: AccountView | None) -> None:
        self._shown_id = view.user_id if view is not None else None
        self.found = [account_card(view, self._lang())] if view is not None else []

    @staticmethod
    def _gate(ctx: Context) -> None:
        operator_console.overview(ctx.session, ctx.identity.user_id)  # NotFound for anyone else

    @rx.event
    def load_accounts(self):
        self.error = self.info = ""
        self.confirm_open = False
        self._close()
        return self._open(self._gate).event

    @rx.event
    def search(self, form_data: dict):
        """Look an account up by its e-mail (exact, case-insensitive). Not finding one is said as
        such: an operator may know which addresses have an account."""
        self.error = self.info = ""
        self.confirm_open = False
        self._forget()
        self._show(None)
        raw = form_data.get("email") if isinstance(form_data, dict) else None
        email = raw.strip()[:EMAIL_MAX_LEN] if isinstance(raw, str) else ""
        if not email:
            self.error = self._text("operator.accounts.email_needed")
            return None

        def find(ctx: Context) -> AccountView | None:
            self._gate(ctx)  # not an operator: NotFound before any look-up
            try:
                return operator_accounts.find_account(ctx.session, ctx.identity.user_id, email, now=ctx.now)
            except NotFound:
                return None

        ran = self._open(find)
        if ran.ok:
            self.searched = email
            self._show(ran.value)
            if ran.value is None:
                self.error = self._text("operator.accounts.none", email=email)
        return ran.event

    @rx.event
    def ask(self, action: str):
        """Open the confirmation for one action on the account shown (checked again on "yes")."""
        self.error = self.info = ""
        self._forget()
        if not isinstance(action, str) or action not in ACTIONS or self._shown_id is None or not self.found:
            return None
        card = self.found[0]
        if (action == "lock" and card.locked) or (action == "unlock" and not card.locked):
            return None  # already so: nothing to ask
        self._action = action
        self.confirm_title = self._text(f"operator.accounts.{action}_title", email=card.email)
        self.confirm_text = self._text(f"operator.accounts.{action}_text")
        self.confirm_label = self._text(f"operator.accounts.{action}")
        self.confirm_danger = action != "unlock"
        self._ask_confirmation()
        return None

    @rx.event
    def confirm_action(self):
        if not self.confirm_open or self._shown_id is None or self._action not in ACTIONS:
            return None
        self.confirm_open = False
        target, action = self._shown_id, self._action
        self._forget()

        def act(ctx: Context) -> AccountView | None:
            self._gate(ctx)
            try:
                getattr(operator_accounts, action)(ctx.session, ctx.identity.user_id, target, ctx.now)
                return operator_accounts.account(ctx.session, ctx.identity.user_id, target, ctx.now)
            except NotFound:  # the account was deleted meanwhile
                return None

        ran = self._open(act)
        if ran.ok:
            self._show(ran.value)
            if ran.value is None:
                self.error = self._text("operator.accounts.gone")
            else:
                self.info = self._text(f"operator.accounts.{action}_done", email=ran.value.email)
        return ran.event
