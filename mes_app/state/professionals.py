"""A professional joins (issue 15 item 1): the account's own application (/professional/apply),
then where it stands. The operator's side is :mod:`mes_app.state.operator_professionals`.

Every handler is a route any browser may call with anything: the identity comes from the
server-side session (:meth:`AppState._run_as_user`) and the service validates every field
(the RPPS number by its format and key).
"""

from __future__ import annotations

import reflex as rx

from mes_app import i18n
from mes_app.domain.rpps import PROFESSIONS
from mes_app.services import professionals
from mes_app.state.base import AppState, Context

APPLY_ROUTE = "/professional/apply"
FORM_FIELDS = ("display_name", "profession", "rpps", "workplace")


def profession_label(code: str, lang: str) -> str:
    """A profession's name in the user's language (an unknown code as it is)."""
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
        self.profession_label = profession_label(application.profession, lang) if application.profession else ""

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
