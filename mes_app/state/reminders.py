"""Reminder lines for the home page (issue 6): the service's reminders put into words."""

from __future__ import annotations

import dataclasses

from mes_app import i18n
from mes_app.services.reminders import DISMISSABLE


@dataclasses.dataclass(frozen=True)
class ReminderLine:
    """One reminder, as shown (issue 6)."""

    key: str
    kind: str
    text: str
    sub: str
    link: str
    dismissable: bool = False  # an emergency-opening notice: the account may dismiss it


def reminder_lines(items, lang: str) -> list[ReminderLine]:  # noqa: ANN001 - ReminderView list
    lines = []
    for r in items:
        date = i18n.format_date(r.date, lang)
        params = {"name": r.profile_name, "title": r.title, "count": r.count, "date": date, "time": r.time}
        sub_key = {"appointment_proposed": "reminders.sub.when", "appointment_soon": "reminders.sub.when",
                   "vaccine_overdue": "reminders.sub.overdue",
                   "emergency_opened": "reminders.sub.when"}.get(r.kind)
        lines.append(ReminderLine(r.key, r.kind, i18n.t(f"reminders.{r.kind}", lang, **params),
                                  i18n.t(sub_key, lang, **params) if sub_key else "", r.link,
                                  r.kind in DISMISSABLE))
    return lines
