"""What the messaging pages show and read: threads and messages with their times in the
reader's language, the attachment options, the fields a message form may carry. Pure.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from mes_app import formatting

FORM_FIELDS = ("profile", "subject", "body", "attachment")


@dataclasses.dataclass(frozen=True)
class AttachOption:
    id: str
    title: str


def when_label(iso: str, lang: str) -> str:
    """"2026-11-28T12:00:00+00:00" → "28/11/2026 13:00" (the service's time zone)."""
    return formatting.day_and_time(iso, lang)


def localise_thread(view: Any, lang: str) -> Any:
    return dataclasses.replace(view, last_message_at=when_label(view.last_message_at, lang))


def localise_message(view: Any, lang: str) -> Any:
    return dataclasses.replace(view, sent_at=when_label(view.sent_at, lang))


def message_form(form_data: object) -> dict | None:
    """The fields of a message form (at most ten sent), or None for anything else."""
    if not isinstance(form_data, dict) or len(form_data) > 10:
        return None
    return {k: form_data.get(k) for k in FORM_FIELDS}
