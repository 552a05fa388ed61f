"""The security page's list of one's own open sessions, in the reader's language. Pure."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from mes_app import formatting, i18n


@dataclasses.dataclass(frozen=True)
class SessionRow:
    id: int
    device: str  # "Firefox · Android"
    created: str
    seen: str
    current: bool


def session_rows(sessions: Iterable[Any], lang: str) -> list[SessionRow]:
    unknown = i18n.t("security.session_unknown_device", lang)
    return [
        SessionRow(
            id=s.id,
            device=" · ".join(part for part in (s.browser, s.system) if part) or unknown,
            created=i18n.t("security.session_created", lang, when=formatting.day_and_time(s.created_at, lang)),
            seen=i18n.t("security.session_seen", lang, when=formatting.day_and_time(s.last_seen_at, lang))
            if s.last_seen_at else "",
            current=s.current,
        )
        for s in sessions
    ]
