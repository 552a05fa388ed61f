"""The notification preferences page (/account/notifications, issue 15 item 2): for each kind
of e-mail, on/off and at once/weekly, saved on every change with a toast.

The account is the session's (never an argument); the kind, the switch and the cadence are
validated by the service (``ValidationError``: nothing saved).
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from mes_app.services import notifications
from mes_app.state.base import AppState, Context

ROUTE = "/account/notifications"


@dataclasses.dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    hint: str
    enabled: bool
    weekly: bool


class NotificationsState(AppState):
    rows: list[PreferenceRow] = []
    error: str = ""

    def _reload(self, ctx: Context) -> None:
        self.rows = [
            PreferenceRow(p.kind.value, self._text(f"notify.kind_{p.kind.value}"),
                          self._text(f"notify.hint_{p.kind.value}"), p.enabled, p.cadence.value == "weekly")
            for p in notifications.preferences(ctx.session, ctx.identity.user_id)
        ]

    @rx.event
    def load_notifications(self):
        self.error = ""
        return self._run_as_user(self._reload).event

    def _current(self, kind: object) -> PreferenceRow | None:
        return next((r for r in self.rows if r.kind == kind), None)

    def _save(self, kind: object, enabled: object, cadence: object):  # noqa: ANN202 - an event spec
        self.error = ""

        def save(ctx: Context) -> None:
            notifications.set_preference(ctx.session, ctx.identity.user_id, kind, enabled, cadence)
            self._reload(ctx)

        done = self._run_as_user(save)
        if done.event is not None:
            return done.event
        if not done.ok:
            return rx.toast.error(self.error, duration=4000)
        return rx.toast.success(self._text("notify.saved"), duration=2500)

    @rx.event
    def set_enabled(self, kind: str, enabled: bool):
        row = self._current(kind)
        cadence = "weekly" if row is not None and row.weekly else "immediate"
        return self._save(kind, enabled, cadence)

    @rx.event
    def set_cadence(self, kind: str, cadence: str):
        row = self._current(kind)
        return self._save(kind, row.enabled if row is not None else True, cadence)
