"""The operator console (issue 15 item 1): what its pages share, and its home (/operator).

Every handler is a route any browser may call with anything. The identity comes from the
server-side session (:meth:`AppState._run_as_user`); the services gate every call on
:func:`mes_app.services.operators.operator_account` (anyone else: not found, and the page says
"this page does not exist"). The view holds counts and account e-mails, never health data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar

import reflex as rx

from mes_app import formatting
from mes_app.domain.errors import NotFound
from mes_app.services import operator_console
from mes_app.state.base import AppState, Context, Ran

HOME_ROUTE = "/operator"
T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class LogLine:
    when: str
    operator: str  # the operator's e-mail, or "command line"
    action: str  # its label in the user's language
    target: str


class OperatorPage(AppState):
    """What every console page shares: whether the caller may see it at all."""

    allowed: bool = False  # the caller is an operator; else the page says it does not exist
    loaded: bool = False
    error: str = ""
    info: str = ""

    def _open(self, work: Callable[[Context], T]) -> Ran[T]:
        """Run ``work`` as the event's user. A caller who is not an operator (the services say
        *not found*) or whose session is gone gets the page's "does not exist", with nothing of
        the console left in the view; any other refusal is shown in ``error``."""
        ran = self._run_as_user(work)
        if ran.ok:
            self.allowed = True
        elif ran.event is not None or isinstance(ran.error, NotFound):
            self.allowed = False
            self.error = ""
            self._close()
        self.loaded = True
        return ran

    def _close(self) -> None:
        """Hook: empty what the page shows (pages override it)."""


class OperatorHomeState(OperatorPage):
    """/operator: what needs attention, links to the console's pages, the latest decisions."""

    applications_waiting: int = 0
    waiting_text: str = ""  # "3 applications to review"
    locked_text: str = ""  # "1 account locked"
    recent: list[LogLine] = []

    def _close(self) -> None:
        self.applications_waiting = 0
        self.waiting_text = self.locked_text = ""
        self.recent = []

    def _load(self, ctx: Context) -> None:
        lang = self._lang()
        seen = operator_console.overview(ctx.session, ctx.identity.user_id)
        self.applications_waiting = seen.applications_waiting
        self.waiting_text = self._text("operator.card.professionals_text", count=seen.applications_waiting)
        self.locked_text = self._text("operator.card.locked", count=seen.accounts_locked)
        self.recent = [
            LogLine(when=formatting.day_and_time(line.occurred_at, lang),
                    operator=line.operator_email or self._text("operator.log.command_line"),
                    action=self._text(f"operator.log.{line.action}"), target=line.target_email)
            for line in seen.recent
        ]

    @rx.event
    def load_home(self):
        self.error = self.info = ""
        return self._open(self._load).event
