"""The invitation lines of the profiles and majority pages (sent by the active profile's managers,
received by me, the hand-over at 18), in the reader's language. Pure: the services' typed views
in, display rows out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mes_app import formatting, i18n


@dataclass(frozen=True)
class SentRow:
    """A pending invitation of the active profile, as its managers see it."""

    id: str
    email: str
    line: str  # "Second responsable · envoyée par Alice · jusqu'au 12 déc. 2026"


@dataclass(frozen=True)
class ReceivedRow:
    """An invitation waiting for me: the inviter's name and the child's first name only."""

    id: str
    text: str
    until: str


def _day(iso: str, lang: str) -> str:
    return formatting.day(iso, lang)


def sent_rows(items: Iterable[Any], lang: str) -> list[SentRow]:
    return [
        SentRow(str(s.id), s.invitee_email, i18n.t(
            "invite.pending_line", lang, role=i18n.t(f"invite.short.{s.role}", lang), who=s.invited_by,
            until=_day(s.expires_at, lang)))
        for s in items
    ]


def received_rows(items: Iterable[Any], lang: str) -> list[ReceivedRow]:
    return [
        ReceivedRow(
            str(item.id),
            i18n.t(f"invite.received.{item.role}", lang, who=item.inviter_name, child=item.child_given_name),
            i18n.t("invite.until", lang, until=_day(item.expires_at, lang)),
        )
        for item in items
    ]


@dataclass(frozen=True)
class KeepRow:
    """One former guardian on the hand-over's acceptance form (teen, issue 13 item 4)."""

    key: str  # the user id as text (the service checks it is one of the profile's guardians)
    name: str


@dataclass(frozen=True)
class HandOverRow:
    """A pending hand-over invitation, as the guardian who sent it sees it."""

    id: str
    email: str
    line: str


def handover_rows(items: Iterable[Any], lang: str) -> list[HandOverRow]:
    return [
        HandOverRow(str(p.id), p.invitee_email, i18n.t("majority.pending_line", lang, email=p.invitee_email,
                                                       until=i18n.format_date(p.expires_at[:10], lang)))
        for p in items
    ]
