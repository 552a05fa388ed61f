"""The prevention calendar page of the profile shown."""

from __future__ import annotations

import dataclasses

import reflex as rx

from mes_app import i18n
from mes_app.services import prevention
from mes_app.services.prevention import PreventionItemView
from mes_app.state.base import AppState

UPCOMING_SHOWN = 8


def _localise(item: PreventionItemView, lang: str) -> PreventionItemView:
    return dataclasses.replace(
        item,
        due_date=i18n.format_date(item.due_date, lang),
        start_date=i18n.format_date(item.start_date, lang),
        late_date=i18n.format_date(item.late_date, lang),
        done_date=i18n.format_date(item.done_date, lang),
    )


class PreventionState(AppState):
    next_vaccines: list[PreventionItemView] = []
    next_exams: list[PreventionItemView] = []
    todo: list[PreventionItemView] = []
    upcoming: list[PreventionItemView] = []
    done: list[PreventionItemView] = []
    missed: list[PreventionItemView] = []
    has_exams: bool = False
    uncoded: int = 0
    version: str = ""
    sources: list[str] = []
    error: str = ""

    @rx.event
    def load_prevention(self):
        self.next_vaccines, self.next_exams, self.todo, self.upcoming, self.done, self.missed = [], [], [], [], [], []
        self.error, self.has_exams, self.uncoded = "", False, 0

        def load(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                return
            lang = self._lang()
            view = prevention.profile_calendar(ctx.session, ctx.actor, pid, now=ctx.now, lang=lang)
            items = [_localise(i, lang) for i in view.items]
            self.next_vaccines = [_localise(i, lang) for i in view.next_vaccines]
            self.next_exams = [_localise(i, lang) for i in view.next_exams]
            self.todo = [i for i in items if i.status == "overdue"] + [i for i in items if i.status == "due"]
            self.upcoming = [i for i in items if i.status == "upcoming"][:UPCOMING_SHOWN]
            self.done = list(reversed([i for i in items if i.status == "done"]))
            self.missed = [i for i in items if i.status == "missed"]
            self.has_exams, self.uncoded = view.has_exams, view.uncoded_vaccinations
            self.version, self.sources = view.version, view.sources

        return self._attempt(load).event
