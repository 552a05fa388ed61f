"""The take-out page (/takeout, issue 13 item 2): ask for a zip of the profile shown or of every
profile the account may export, watch it being built, download it.

The profile id that decides access is the backend ``_active_profile_id`` (re-checked against
what the actor may open now); the browser only says "this profile" or "all". The build runs
in a worker thread (services.takeout.start_build); :meth:`TakeoutState.watch` is a background
event that re-reads the jobs every second while one is being built, as long as the page is open.
"""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from mes_app import formatting, i18n
from mes_app.domain import takeout as tk
from mes_app.domain.documents import size_label
from mes_app.services import takeout
from mes_app.state.base import AppState, Context

ROUTE = "/takeout"
POLL_SECONDS = 1.0
MAX_POLLS = 900  # 15 minutes: the page then stops watching (a reload watches again)


@dataclasses.dataclass(frozen=True)
class TakeoutRow:
    id: int
    status: str
    percent: int
    profiles: str
    asked: str  # "Demandée le 3 déc. 2026"
    expires: str  # "" unless ready
    size: str
    href: str


class TakeoutState(AppState):
    jobs: list[TakeoutRow] = []
    all_count: int = 0  # profiles the account may export
    profile_label: str = ""  # "The profile shown: Hugo Martin", "" when it may not be exported
    partial_in_all: bool = False  # "everything" holds a profile shared with the actor (their scope only)
    busy: bool = False  # an archive is being built
    error: str = ""

    def _reload(self, ctx: Context) -> None:
        active = self._active_profile(ctx)
        lang = self._lang()
        choices = takeout.exportable_profiles(ctx.session, ctx.actor, now=ctx.now)
        self.all_count = len(choices)
        self.partial_in_all = any(not c.complete for c in choices)
        shown = next((c for c in choices if c.id == active), None)
        self.profile_label = i18n.t("takeout.scope.profile", lang, name=shown.name) if shown else ""
        views = takeout.list_jobs(ctx.session, ctx.actor, now=ctx.now)
        self.jobs = [
            TakeoutRow(
                id=j.id, status=j.status, percent=j.percent, profiles=j.profile_names,
                asked=i18n.t("takeout.asked_on", lang, date=formatting.day_and_time(j.created_at, lang)),
                expires=i18n.t("takeout.expires", lang, date=formatting.day_and_time(j.expires_at, lang))
                if j.expires_at else "",
                size=size_label(j.size_bytes, lang) if j.size_bytes else "",
                href=j.download_href,
            )
            for j in views
        ]
        self.busy = any(j.status in tk.ACTIVE for j in views)

    @rx.var
    def all_label(self) -> str:
        return i18n.t("takeout.scope.all", self._lang(), count=self.all_count)

    @rx.event
    def load_takeout(self):
        self.error = ""
        done = self._run_as_user(self._reload)
        if done.event is not None:
            return done.event
        if not done.ok:
            self.jobs = []
        return TakeoutState.watch if self.busy else None

    @rx.event
    def start(self, scope: str):
        """Ask for an archive: ``"profile"`` (the one shown) or ``"all"``."""
        if scope not in ("profile", "all"):
            self.error = self._text("error.generic")
            return None
        self.error = ""

        def ask(ctx: Context) -> int:
            target: object = "all" if scope == "all" else self._active_profile(ctx)
            job_id = takeout.request_takeout(ctx.session, ctx.actor, target, now=ctx.now, lang=self._lang())
            return job_id

        done = self._run_as_user(ask)
        if done.event is not None:
            return done.event
        if done.ok and done.value is not None:
            takeout.start_build(done.value)
        self._run_as_user(self._reload)
        return TakeoutState.watch if self.busy else None

    @rx.event(background=True)
    async def watch(self):
        """While an archive is being built and the page is open, show its progress."""
        for _ in range(MAX_POLLS):
            await asyncio.sleep(POLL_SECONDS)
            async with self:
                if self._page_path.rstrip("/") != ROUTE or not self.busy:
                    return
                # Its database work in the db threads (the state stays locked meanwhile).
                done = await self._off_loop(self._run_as_user, self._reload)
                if done.event is not None or not done.ok:
                    return
                if not self.busy:
                    return
