"""Log-in and registration pages. The log-in form posts natively to ``/api/login`` (the
password never enters Reflex state); registration validates in a handler whose arguments
are dropped after use."""

from __future__ import annotations

import reflex as rx

from mes_app import i18n
from mes_app.db.engine import new_session
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import ValidationError
from mes_app.services import accounts
from mes_app.state.base import AppState, identity_from_cookie_header, utcnow
from mes_app.state.rate_limit import over_limit

# Only these keys may be shown from the URL: a link cannot make the page say anything else.
LOGIN_MESSAGES = ("error.bad_credentials", "error.too_many_attempts", "error.account_locked", "error.session_expired")


class LoginState(AppState):
    error: str = ""
    info: str = ""

    @rx.event
    def load_login(self):
        """Show the message the login route sent back; a logged-in user goes home."""
        now = utcnow()
        with new_session() as session:
            if identity_from_cookie_header(session, self.router.headers.cookie, now) is not None:
                return rx.redirect("/")
        params = self.router.url.query_parameters
        code = params.get("error", "")
        self.error = ""
        self.info = ""
        if code in LOGIN_MESSAGES:
            retry = params.get("retry", "")
            self.error = self._text(code)
            if retry.isdigit() and int(retry) < 100_000:
                self.error += " " + self._text("login.retry_in", n=int(retry))
        elif params.get("registered") == "1":
            self.info = self._text("login.registered")
        elif params.get("bye") == "1":
            self.info = self._text("login.bye")


class RegisterState(AppState):
    error: str = ""

    @rx.event
    def load_register(self):
        self.error = ""

    @rx.event
    def submit(self, form_data: dict):
        """Create the account. The password is only a local here: never stored in state."""
        if not isinstance(form_data, dict):
            self.error = self._text("error.invalid_form")
            return
        if (refused := over_limit(self, "register")) is not None:
            self.error = refused
            return
        now = utcnow()
        try:
            registration = accounts.parse_registration(form_data, today=local_date(now))
            with new_session() as session:
                accounts.register(session, registration, now=now)
        except ValidationError as error:
            self.error = i18n.t(error.code, self._lang(), **error.params)
            return
        self.error = ""
        return rx.redirect("/login?registered=1")
