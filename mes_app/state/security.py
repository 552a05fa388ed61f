"""The security page (/account/security, issue 15 item 3): two-step sign-in (turn on with a
first code, recovery codes shown once) and one's own open sessions.

The only page an account that must turn the second factor on may use (``_serves_enrolment``).
Turning it off, ending sessions: native form POSTs (:mod:`mes_app.web.security_routes`), so the
password never travels through Reflex state; "log out everywhere" asks first (ConfirmMixin),
then submits its form. The TOTP secret shown while enrolling is the user's own, cleared once on.
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from mes_app import i18n
from mes_app.domain.session_view import SessionRow, session_rows
from mes_app.services import second_factor
from mes_app.state.base import AppState, Context
from mes_app.state.mixins import ConfirmMixin

ROUTE = "/account/security"
LOGOUT_ALL_FORM_ID = "logout-all-form"
# Only these keys may be shown from the URL (the routes send them back).
PAGE_MESSAGES = ("error.bad_credentials", "error.too_many_attempts", second_factor.WRONG_CODE,
                 second_factor.NOT_STARTED, second_factor.REQUIRED)


class SecurityState(ConfirmMixin, AppState):
    _serves_enrolment: ClassVar[bool] = True

    tf_on: bool = False
    tf_required: bool = False
    must_enrol: bool = False
    recovery_left: int = 0
    enrolling: bool = False
    enrol_secret: str = ""  # the user's own new key, shown to type into the app
    enrol_qr: str = ""  # data: URI of the QR code's SVG
    recovery_codes: list[str] = []  # shown once, right after turning on
    sessions: list[SessionRow] = []
    error: str = ""
    info: str = ""

    def _reload(self, ctx: Context) -> None:
        self._show_identity(ctx)
        lang = self._lang()
        status = second_factor.status(ctx.session, ctx.identity.user_id)
        self.tf_on, self.tf_required, self.recovery_left = status.on, status.required, status.recovery_codes_left
        self.must_enrol = ctx.identity.must_enrol and not status.on
        self.sessions = session_rows(second_factor.list_sessions(ctx.session, ctx.identity.user_id,
                                                                 ctx.identity.session_id, now=ctx.now), lang)

    @rx.var
    def recovery_left_label(self) -> str:
        return i18n.t("security.recovery_left", self._lang(), count=self.recovery_left)

    @rx.event
    def load_security(self):
        params = self.router.url.query_parameters
        self.error = self.info = ""
        self.enrolling = False
        self.enrol_secret = self.enrol_qr = ""
        self.recovery_codes = []
        code = params.get("error", "")
        if code in PAGE_MESSAGES:
            self.error = self._text(code)
        elif params.get("off") == "1":
            self.info = self._text("security.tf_disabled")
        elif params.get("ended") == "1":
            self.info = self._text("security.session_ended")
        return self._run_as_user(self._reload).event

    @rx.event
    def start_enrolment(self):
        self.error = ""

        def start(ctx: Context) -> second_factor.Enrolment:
            return second_factor.start_enrolment(ctx.session, ctx.identity.user_id, now=ctx.now)

        done = self._run_as_user(start)
        if done.event is not None:
            return done.event
        if done.ok and done.value is not None:
            self.enrolling = True
            self.enrol_secret, self.enrol_qr = done.value.secret, done.value.qr_svg_data_uri
        return None

    @rx.event
    def cancel_enrolment(self):
        self.enrolling = False
        self.enrol_secret = self.enrol_qr = ""

    @rx.event
    def confirm_enrolment(self, form_data: dict):
        self.error = ""
        code = form_data.get("code") if isinstance(form_data, dict) else None

        def confirm(ctx: Context) -> list[str]:
            codes = second_factor.confirm_enrolment(ctx.session, ctx.identity.user_id, code, now=ctx.now)
            self._reload(ctx)
            return codes

        done = self._run_as_user(confirm)
        if done.event is not None:
            return done.event
        if done.ok and done.value is not None:
            self.enrolling = False
            self.enrol_secret = self.enrol_qr = ""
            self.recovery_codes = done.value
            self.must_enrol = False
            self.info = self._text("security.tf_enabled")
        return None

    @rx.event
    def recovery_codes_noted(self):
        self.recovery_codes = []

    @rx.event
    def ask_logout_all(self):
        ran = self._run_as_user(lambda ctx: None)
        if ran.event is not None:
            return ran.event
        self._ask_confirmation()
        return None

    @rx.event
    def logout_all(self):
        """Confirmed: the browser submits the (field-less) native form of the route."""
        if not self.confirm_open:
            return None
        self.confirm_open = False
        return rx.call_script(f"document.getElementById('{LOGOUT_ALL_FORM_ID}').requestSubmit()")

