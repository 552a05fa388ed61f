"""The prevention calendar page of the profile shown."""

from __future__ import annotations

import dataclasses

import reflex as rx

from mes_app import i18n
from mes_app.domain.errors import NotFound
from mes_app.services import prevention
from mes_app.services.prevention import PreventionItemView
from mes_app.state.base import AppState

UPCOMING_SHOWN = 8
ADD_VACCINATIONS = "/record/vaccinations?add=1"


@dataclasses.dataclass(frozen=True)
class PreventionRow:
    """One line of the calendar as the page shows it: the one date its status needs, localised."""

    label: str
    dose_label: str
    status: str
    when: str
    date: str
    reason: str


_SHOWN_DATE = {"done": "done_date", "overdue": "late_date", "due": "late_date", "upcoming": "start_date"}


def _row(item: PreventionItemView, lang: str) -> PreventionRow:
    shown = _SHOWN_DATE.get(item.status)
    return PreventionRow(item.label, item.dose_label, item.status, item.when,
                         i18n.format_date(getattr(item, shown), lang) if shown else "", item.reason)


class PreventionState(AppState):
    next_vaccines: list[PreventionRow] = []
    next_exams: list[PreventionRow] = []
    todo: list[PreventionRow] = []
    to_check: list[PreventionRow] = []  # a newcomer's late items: to check with a doctor
    upcoming: list[PreventionRow] = []
    done: list[PreventionRow] = []
    # What the recommended windows left behind (for an adult, dozens of childhood items): only
    # the count until the fold is opened, so the page's state stays small.
    missed_count: int = 0
    missed_open: bool = False
    missed: list[PreventionRow] = []
    has_exams: bool = False
    uncoded: int = 0
    version: str = ""
    error: str = ""
    # "Do you know your vaccination history?" (an adult with nothing recorded)
    history_question: bool = False
    history_answer: str = ""  # "", "now", "later", "unknown"
    can_answer: bool = False
    asking_again: bool = False  # the answer is being changed

    def _clear(self) -> None:
        self.next_vaccines, self.next_exams, self.todo, self.upcoming, self.done, self.missed = [], [], [], [], [], []
        self.to_check, self.missed_count = [], 0
        self.error, self.has_exams, self.uncoded = "", False, 0
        self.history_question, self.history_answer, self.can_answer = False, "", False

    @rx.event
    def load_prevention(self):
        self._clear()
        self.asking_again = self.missed_open = False
        return self._run_as_user(self._load).event

    @rx.event
    def answer_history(self, answer: str):
        """The newcomer's answer; "now" goes on to the form that adds a vaccination."""

        def save(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            prevention.set_history_answer(ctx.session, ctx.actor, pid, answer, now=ctx.now)
            self._clear()
            self.asking_again = False
            self._load(ctx)

        done = self._run_as_user(save)
        if not done.ok:
            return done.event
        return rx.redirect(ADD_VACCINATIONS) if answer == "now" else None

    @rx.event
    def toggle_missed(self):
        """Open the fold of missed items (read again, with the access check), or close it."""
        self.missed_open = not self.missed_open
        if not self.missed_open:
            self.missed = []
            return None
        return self._run_as_user(self._load).event

    @rx.event
    def change_history_answer(self):
        if self.can_answer:
            self.asking_again = True

    @rx.event
    def keep_history_answer(self):
        self.asking_again = False

    def _load(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        if pid is None:
            return
        lang = self._lang()
        view = prevention.profile_calendar(ctx.session, ctx.actor, pid, now=ctx.now, lang=lang)
        items = [_row(i, lang) for i in view.items]
        self.next_vaccines = [_row(i, lang) for i in view.next_vaccines]
        self.next_exams = [_row(i, lang) for i in view.next_exams]
        self.todo = [i for i in items if i.status == "overdue"] + [i for i in items if i.status == "due"]
        self.to_check = [i for i in items if i.status == "to_check"]
        self.upcoming = [i for i in items if i.status == "upcoming"][:UPCOMING_SHOWN]
        self.done = list(reversed([i for i in items if i.status == "done"]))
        missed = [i for i in items if i.status == "missed"]
        self.missed_count = len(missed)
        self.missed = missed if self.missed_open else []
        self.has_exams, self.uncoded = view.has_exams, view.uncoded_vaccinations
        self.version = view.version  # the sources are static: the page renders them
        self.history_question, self.history_answer = view.history_question, view.history_answer
        self.can_answer = view.can_answer
