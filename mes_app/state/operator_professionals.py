"""The operator console's professionals page (/operator/professionals, issue 15 item 1): the
applications to review, and the verified and suspended professionals, each decision confirmed.

Every handler is a route any browser may call with anything: the identity comes from the
server-side session, and the services gate every decision on
:func:`mes_app.services.operators.operator_account` (anyone else: not found). The account a
decision is about is kept in a backend var between "ask" and "confirm"; the view holds small
rows of account fields, never a profile or a record.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from mes_app import i18n
from mes_app.domain import validation as v
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import professionals
from mes_app.state.base import Context
from mes_app.state.mixins import ConfirmMixin
from mes_app.state.operator_console import OperatorPage
from mes_app.state.professionals import profession_label

CONSOLE_ROUTE = "/operator/professionals"
DECISIONS = ("verify", "refuse", "suspend", "reactivate")


@dataclasses.dataclass(frozen=True)
class ProfessionalRow:
    id: int
    name: str
    email: str
    profession: str  # its label in the user's language
    rpps: str
    workplace: str
    status: str
    status_label: str
    decided: str  # "Décidé le 03/12/2026", "" while pending
    suspended: bool


class OperatorProfessionalsState(ConfirmMixin, OperatorPage):
    """/operator/professionals: applications to review; verified and suspended professionals."""

    pending: list[ProfessionalRow] = []
    members: list[ProfessionalRow] = []  # verified and suspended
    confirm_title: str = ""
    confirm_text: str = ""
    confirm_label: str = ""
    confirm_danger: bool = True
    _target_id: int | None = None
    _decision: str = ""

    def _row(self, view: professionals.ProfessionalView) -> ProfessionalRow:
        lang = self._lang()
        decided = i18n.t("operator.decided_on", lang, date=i18n.format_date(view.decided_on, lang)) \
            if view.decided_on else ""
        return ProfessionalRow(id=view.id, name=view.name, email=view.email,
                               profession=profession_label(view.profession, lang), rpps=view.rpps,
                               workplace=view.workplace, status=view.status,
                               status_label=i18n.t(f"pro.status.{view.status}", lang), decided=decided,
                               suspended=view.status == "suspended")

    def _reload(self, ctx: Context) -> None:
        operator_id = ctx.identity.user_id
        self.pending = [self._row(p) for p in professionals.pending(ctx.session, operator_id)]
        members = professionals.listing(ctx.session, operator_id, "verified") + professionals.listing(
            ctx.session, operator_id, "suspended")
        self.members = [self._row(p) for p in sorted(members, key=lambda p: (p.name.casefold(), p.id))]

    def _close(self) -> None:
        """Not an operator: the page does not exist for them, and shows nothing."""
        self.pending, self.members = [], []
        self._forget()

    def _forget(self) -> None:
        self._target_id, self._decision = None, ""
        self.confirm_title = self.confirm_text = self.confirm_label = ""

    def _confirm_closed(self) -> None:
        self._forget()

    @rx.event
    def load_console(self):
        self.error = self.info = ""
        self.confirm_open = False
        self._forget()
        return self._open(self._reload).event

    @rx.event
    def ask_decision(self, decision: str, user_id: int):
        """Open the confirmation for one decision on one listed account (checked again on "yes")."""
        self.error = self.info = ""
        self._forget()
        if not isinstance(decision, str) or decision not in DECISIONS:
            return None
        try:
            target = v.parse_id(user_id)
        except ValidationError:
            return None
        ran = self._open(self._reload)
        if not ran.ok:
            return ran.event
        row = next((r for r in [*self.pending, *self.members] if r.id == target), None)
        if row is None:
            self.error = self._text("error.not_found")
            return None
        self._target_id, self._decision = target, decision
        self.confirm_title = self._text(f"operator.{decision}_title", name=row.name)
        self.confirm_text = self._text(f"operator.{decision}_text", name=row.name, rpps=row.rpps)
        self.confirm_label = self._text(f"operator.{decision}")
        self.confirm_danger = decision in ("refuse", "suspend")
        self._ask_confirmation()
        return None

    @rx.event
    def confirm_decision(self):
        if not self.confirm_open or self._target_id is None or self._decision not in DECISIONS:
            return None
        self.confirm_open = False
        target, decision = self._target_id, self._decision
        self._forget()

        def decide(ctx: Context) -> professionals.ProfessionalView | None:
            self._reload(ctx)  # not an operator (any more): not found, the page closes
            try:
                done = getattr(professionals, decision)(ctx.session, ctx.identity.user_id, target, ctx.now)
            except NotFound:  # the account is gone meanwhile
                done = None
            self._reload(ctx)
            return done

        ran = self._open(decide)
        if ran.ok and ran.value is not None:
            self.info = self._text(f"operator.{decision}_done", name=ran.value.name)
        elif ran.ok:
            self.error = self._text("error.not_found")
        elif self.allowed and ran.error is not None:  # decided meanwhile: show what is true now
            self._open(self._reload)
        return ran.event
