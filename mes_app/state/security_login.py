"""The log-in's code step (/login/code, issue 15 item 3): only shows the message the route
sent back. The pending step's secret is in an HttpOnly cookie Reflex never sees."""

from __future__ import annotations

import reflex as rx

from mes_app.state.base import AppState

CODE_MESSAGES = ("error.second_factor_wrong",)


class LoginCodeState(AppState):
    error: str = ""

    @rx.event
    def load_code(self):
        code = self.router.url.query_parameters.get("error", "")
        self.error = self._text(code) if code in CODE_MESSAGES else ""
