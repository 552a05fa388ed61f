"""Home: the active profile's card, its latest measures and recent history."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import reflex as rx

from mes_app import formatting, i18n
from mes_app.domain.errors import NotFound
from mes_app.services import invitations, measures, timeline
from mes_app.services.appointments import AppointmentView
from mes_app.services.measures import MeasureView
from mes_app.services.timeline import TimelineItem
from mes_app.state.base import AppState
from mes_app.state.reminders import ReminderLine, reminder_lines

OPERATOR_HOME = "/operator"
RECENT_ITEMS = 5
UPCOMING_ITEMS = 3


@dataclass(frozen=True)
class ClosureLine:
    """ "Another guardian closed a profile you managed, on 2 Dec 2026" (issue 13, item 3)."""

    key: str
    text: str


class HomeState(AppState):
    latest: list[MeasureView] = []
    recent: list[TimelineItem] = []
    upcoming: list[AppointmentView] = []  # issue 6: the family's next appointments
    reminders: list[ReminderLine] = []  # issue 6: what needs attention across the family
    error: str = ""
    invitations_waiting: int = 0  # security issue 9: invitations to manage a profile, for me
    closure_notices: list[ClosureLine] = []  # issue 13 item 3: another guardian closed a profile

    @rx.event
    def load_home(self):
        self.latest, self.recent, self.error = [], [], ""
        ran = self._run_as_user(self._load)
        if ran.ok and self.runs_the_service:  # an operator has no record: the console is their home
            return rx.redirect(OPERATOR_HOME)
        return ran.event

    def _load(self, ctx) -> None:  # noqa: ANN001
        if self.runs_the_service:
            return
        pid = self._active_profile(ctx)
        self.invitations_waiting = len(invitations.invitations_for_me(ctx.session, ctx.actor, now=ctx.now))
        self._load_closure_notices(ctx)
        if pid is None:
            return
        lang = self._lang()
        # A caregiver may see some sections and not others: read only what is shared (the
        # page says "not shared" for the others, from the same flags).
        self.latest, self.recent = [], []
        if "measures" in self.shared_sections:
            latest = measures.latest_measures(ctx.session, ctx.actor, pid, now=ctx.now, lang=lang)
            self.latest = [dataclasses.replace(m, date=i18n.format_date(m.date, lang)) for m in latest]
        if "history" in self.shared_sections:
            page = timeline.history_page(ctx.session, ctx.actor, pid, now=ctx.now, page_size=RECENT_ITEMS,
                                         with_total=False)
            self.recent = [
                dataclasses.replace(i, date=i18n.format_date(i.date, lang)) for i in page.items[:RECENT_ITEMS]
            ]
        self._load_upcoming(ctx, lang)

    @rx.event
    def dismiss_notice(self, key: str):
        """Hide one emergency-opening notice for this account (the service checks the key)."""

        def dismiss(ctx) -> None:  # noqa: ANN001
            from mes_app.services.reminders import dismiss_notice, reminders

            dismiss_notice(ctx.session, ctx.actor, key, now=ctx.now)
            self.reminders = reminder_lines(
                reminders(ctx.session, ctx.actor, now=ctx.now, lang=self._lang()), self._lang()
            )

        return self._run_as_user(dismiss).event

    def _load_upcoming(self, ctx, lang: str) -> None:  # noqa: ANN001 - issue 6
        from mes_app.services.appointments import household_upcoming, upcoming_for
        from mes_app.services.reminders import reminders

        # The household's appointments are read once, for the list and for the reminders.
        try:
            mine = household_upcoming(ctx.session, ctx.actor, self.profiles, now=ctx.now, include_closed=False)
            items = upcoming_for(ctx.session, ctx.actor, self.profiles, self._active_profile_id, now=ctx.now,
                                 include_closed=False, household_views=mine)[:UPCOMING_ITEMS]
        except NotFound:
            mine, items = None, []
        self.upcoming = [dataclasses.replace(a, date=i18n.format_date(a.date, lang)) for a in items]
        self.reminders = reminder_lines(
            reminders(ctx.session, ctx.actor, now=ctx.now, lang=lang, upcoming=mine, profiles=self.profiles), lang)

    # ------------------------------------------------------------------ closing and deleting (issue 13, item 3)

    def _load_closure_notices(self, ctx) -> None:  # noqa: ANN001
        from mes_app.services.closing import closure_notices

        lang = self._lang()
        self.closure_notices = [
            ClosureLine(n.key, i18n.t("closing.notice", lang, date=formatting.day(n.closed_at, lang)))
            for n in closure_notices(ctx.session, ctx.actor)
        ]

    @rx.event
    def dismiss_closure(self, key: str):
        """The account's own notice goes (the service checks whose it is)."""

        def dismiss(ctx) -> None:  # noqa: ANN001
            from mes_app.services.closing import dismiss_closure_notice

            dismiss_closure_notice(ctx.session, ctx.actor, key)
            self._load_closure_notices(ctx)

        return self._run_as_user(dismiss).event
