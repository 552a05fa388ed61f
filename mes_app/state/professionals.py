"""Professionals who join (issue 15 item 1): the account's own application
(/professional/apply) and the operator console's page (/operator/professionals).

Every handler is a route any browser may call with anything: the identity comes from the
server-side session (:meth:`AppState._run_as_user`), the services validate every field and
gate every decision on :func:`mes_app.services.operators.operator_account` (anyone else: not
found). The account a decision is about is kept in a backend var between "ask" and "confirm";
the view holds small rows of account fields, never a profile or a record.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from mes_app import i18n
from mes_app.domain import validation as v
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.rpps import PROFESSIONS
from mes_app.services import professionals
from mes_app.state.base import AppState, Context
from mes_app.state.mixins import ConfirmMixin
from mes_app.state.operator_console import OperatorPage

APPLY_ROUTE = "/professional/apply"
CONSOLE_ROUTE = "/operator/professionals"
FORM_FIELDS = ("display_name", "profession", "rpps", "workplace")
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


def _profession_label(code: str, lang: str) -> str:
    return i18n.t(f"pro.profession.{code}", lang) if code in PROFESSIONS else code


class ProfessionalApplyState(AppState):
    """/professional/apply: fill the application, then see where it stands."""

    status: str = ""  # "" | applied | verified | refused | suspended
    status_text: str = ""
    may_apply: bool = False
    display_name: str = ""
    profession_label: str = ""
    rpps: str = ""
    workplace: str = ""
    error: str = ""
    info: str = ""

    def _show(self, application: professionals.Application) -> None:
        lang = self._lang()
        self.status, self.may_apply = application.status, application.may_apply
        self.status_text = i18n.t(f"pro.status_text.{application.status}", lang) if application.status else ""
        self.display_name, self.rpps, self.workplace = application.display_name, application.rpps, application.workplace
        self.profession_label = _profession_label(application.profession, lang) if application.profession else ""

    @rx.event
    def load_apply(self):
        self.error = self.info = ""
        ran = self._run_as_user(lambda ctx: professionals.application_of(ctx.session, ctx.identity.user_id))
        if ran.ok and ran.value is not None:
            self._show(ran.value)
        return ran.event

    @rx.event
    def submit_application(self, form_data: dict):
        self.error = self.info = ""
        form = {key: form_data.get(key) for key in FORM_FIELDS} if isinstance(form_data, dict) else {}

        def submit(ctx: Context) -> professionals.Application:
            return professionals.apply(ctx.session, ctx.identity.user_id, form, ctx.now)

        ran = self._run_as_user(submit)
        if ran.ok and ran.value is not None:
            self._show(ran.value)
            self.info = self._text("pro.applied_info")
        return ran.event


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
                               profession=_profession_label(view.profession, lang), rpps=view.rpps,
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
