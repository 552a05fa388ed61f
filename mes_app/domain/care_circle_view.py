"""What the care circle pages show (care team, caregivers, "who can see my record", the
professional's patients): small display rows built from the services' typed views, in the
reader's language. Pure: no Reflex, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mes_app import formatting, i18n


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    detail: str  # specialty · RPPS
    status: str  # active | blocked
    since: str
    last_used: str  # "" when never


@dataclass(frozen=True)
class GrantRow:
    id: int
    name: str
    email: str
    scope: str
    since: str
    until: str  # "" without an end
    last_used: str


@dataclass(frozen=True)
class PendingRow:
    """A caregiver invitation waiting for an answer: the address as typed and the scope."""

    id: str
    email: str
    scope: str
    line: str  # "Sans date de fin · envoyée par Alice · en attente jusqu'au 16 déc. 2026"


@dataclass(frozen=True)
class LinkRow:
    id: int
    label: str
    scope: str
    created: str
    expires: str
    last_used: str
    has_passcode: bool


@dataclass(frozen=True)
class PatientRow:
    id: str
    name: str
    given_name: str
    age_label: str
    last_access: str


def _day(value: str, lang: str) -> str:
    """An ISO date or timestamp, shown as a calendar day of the service's time zone."""
    return formatting.day(value, lang)


def _scope(sections: list[str], lang: str) -> str:
    return ", ".join(i18n.t(f"section.{s}", lang) for s in sections)


def member_rows(members: Iterable[Any], lang: str) -> list[MemberRow]:
    return [
        MemberRow(
            id=m.id, name=m.name,
            detail=" · ".join(x for x in (m.specialty, f"RPPS {m.professional_id}" if m.professional_id else "") if x),
            status=m.status, since=_day(m.since, lang), last_used=_day(m.last_used, lang),
        )
        for m in members
    ]


def grant_rows(grants: Iterable[Any], lang: str) -> list[GrantRow]:
    return [
        GrantRow(id=g.id, name=g.name, email=g.email, scope=_scope(g.sections, lang), since=_day(g.starts_at, lang),
                 until=_day(g.ends_on, lang), last_used=_day(g.last_used, lang))
        for g in grants
    ]


def pending_rows(items: Iterable[Any], lang: str) -> list[PendingRow]:
    rows = []
    for p in items:
        access = (i18n.t("caregivers.until", lang) + " " + _day(p.ends_on, lang)) if p.ends_on else \
            i18n.t("caregivers.no_end", lang)
        rows.append(PendingRow(
            id=str(p.id), email=p.email, scope=_scope(p.sections, lang),
            line=i18n.t("caregivers.pending_line", lang, access=access, who=p.invited_by,
                        until=_day(p.expires_at, lang)),
        ))
    return rows


def link_rows(links: Iterable[Any], lang: str) -> list[LinkRow]:
    return [
        LinkRow(id=x.id, label=x.label or i18n.t("who.link_default", lang), scope=_scope(x.sections, lang),
                created=_day(x.created_at, lang), expires=_day(x.expires_at, lang),
                last_used=_day(x.last_used, lang), has_passcode=x.has_passcode)
        for x in links
    ]


def patient_rows(patients: Iterable[Any], lang: str) -> list[PatientRow]:
    return [
        PatientRow(id=str(p.id), name=p.name, given_name=p.given_name, age_label=p.age_label,
                   last_access=_day(p.last_access, lang))
        for p in patients
    ]
