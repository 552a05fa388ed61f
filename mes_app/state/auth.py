"""Log-in and registration pages. The log-in form posts natively to ``/api/login`` (the
password never enters Reflex state); registration validates in a handler whose arguments
are dropped after use."""

from __future__ import annotations

import json

import reflex as rx

from mes_app import i18n, mail
from mes_app.db.engine import new_session
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import ValidationError
from mes_app.services import accounts
from mes_app.services import registration as sign_up_service
from mes_app.services.passwords import hash_password
from mes_app.state.base import AppState, utcnow
from mes_app.state.off_loop import cpu_bound
from mes_app.state.rate_limit import over_limit
from mes_app.web import rate_limit
from mes_app.web.auth import landing_path, login_email_from_cookie_header

# Only these keys may be shown from the URL: a link cannot make the page say anything else.
LOGIN_MESSAGES = ("error.bad_credentials", "error.too_many_attempts", "error.account_locked", "error.session_expired")
RESET_MESSAGES = ("error.weak_password", "error.passwords_differ")


def _typed_email(cookie_header: object) -> str:
    """The address of the last failed login (from its short-lived HttpOnly cookie), or ""."""
    return login_email_from_cookie_header(cookie_header if isinstance(cookie_header, str) else None)


def _fill_email(input_id: str, email: str):  # noqa: ANN202 - a Reflex event spec
    """Put the address back in an empty field, in the browser only (never in a state var),
    and never over what the person has already typed."""
    if not email:
        return None
    return rx.call_script(
        f"(() => {{ const el = document.getElementById({json.dumps(input_id)});"
        f" if (el && !el.value) el.value = {json.dumps(email)}; }})()"
    )


class LoginState(AppState):
    error: str = ""
    info: str = ""

    @rx.event
    def load_login(self):
        """Show the message the login route sent back; a logged-in user goes home."""
        now = utcnow()
        with new_session() as session:
            identity = self._event_identity(session, now)
            if identity is not None:
                return rx.redirect(landing_path(identity.role, must_enrol=identity.must_enrol))
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
        elif params.get("activated") == "1":
            self.info = self._text("login.activated")
        elif params.get("activation") == "invalid":
            self.info = self._text("login.activation_invalid")
        elif params.get("bye") == "1":
            self.info = self._text("login.bye")
        elif params.get("reset") == "1":
            self.info = self._text("login.reset_done")
        if code in LOGIN_MESSAGES:  # after a failed login, the address typed is there again
            return _fill_email("email", _typed_email(self.router.headers.cookie))
        return None


class ForgotPasswordState(AppState):
    """The « mot de passe oublié » page. The request itself goes natively to
    ``POST /api/password-reset/request``, which answers the same for every address."""

    sent: bool = False

    @rx.event
    def load_forgot(self):
        self.sent = self.router.url.query_parameters.get("sent") == "1"
        if not self.sent:
            return _fill_email("forgot-email", _typed_email(self.router.headers.cookie))
        return None


class ResetPasswordState(AppState):
    """The new-password page. The link's secret never reaches this state: it travels in an
    HttpOnly cookie that only ``/api/password-reset`` receives; the form posts natively there."""

    invalid: bool = False
    error: str = ""

    @rx.event
    def load_reset(self):
        params = self.router.url.query_parameters
        self.invalid = params.get("status") == "invalid"
        code = params.get("error", "")
        self.error = self._text(code) if code in RESET_MESSAGES else ""


class RegisterState(AppState):
    error: str = ""

    @rx.event
    def load_register(self):
        self.error = ""

    @rx.event
    @cpu_bound  # argon2: never on the event loop
    def submit(self, form_data: dict):
        """Register; the same answer for a new address and one that has an account ("check your
        mailbox"), after the same work. The mail goes through the mail queue, at most
        ``registration_mail`` per address (silently). The password is only a local here."""
        if not isinstance(form_data, dict):
            self.error = self._text("error.invalid_form")
            return
        if (refused := over_limit(self, "register")) is not None:
            self.error = refused
            return
        now = utcnow()
        try:
            registration = accounts.parse_registration(form_data, today=local_date(now))
        except ValidationError as error:
            self.error = i18n.t(error.code, self._lang(), **error.params)
            return
        self.error = ""
        if rate_limit.limiter().hit("registration_mail", "address:" + registration.email) is None:
            with new_session() as session:
                to_send = sign_up_service.sign_up(session, registration, now=now, lang=self._lang())
            mail.queue(_send_sign_up_mail, to_send, what="registration")
        else:
            hash_password(registration.password)  # over the limit: no change, no mail, the same work
        return rx.redirect("/login?registered=1")


def _send_sign_up_mail(to_send: sign_up_service.SignUpMail) -> None:
    if to_send.kind == sign_up_service.ACTIVATE and to_send.secret is not None:
        mail.send_activation(to_send.to, to_send.secret, to_send.lang)
    else:
        mail.send_already_registered(to_send.to, to_send.lang)
