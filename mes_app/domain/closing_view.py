"""The closing and account-deletion page's blocks: what goes with each profile and who loses
access, in the reader's language. Pure: the service's typed preview in, display rows out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mes_app import i18n


@dataclass(frozen=True)
class TakeOut:
    label: str  # "My record (Alice Durand)" / "Léa Durand"
    href: str


@dataclass(frozen=True)
class ClosingBlock:
    """One profile that goes: its name, what it holds, who loses access."""

    title: str
    goes: list[str]
    loses: list[str]


def what_goes(preview: Any, lang: str) -> list[str]:
    lines = []
    for key, count in (("documents", preview.documents), ("measures", preview.measures),
                       ("entries", preview.entries)):
        if count:
            lines.append(i18n.t(f"closing.count.{key}", lang, count=count))
    if preview.messages:
        lines.append(i18n.t("closing.count.messages", lang, count=preview.messages, threads=preview.threads))
    if preview.share_links:
        lines.append(i18n.t("closing.count.share_links", lang, count=preview.share_links))
    if preview.emergency_card:
        lines.append(i18n.t("closing.count.emergency_card", lang))
    if not lines:
        lines.append(i18n.t("closing.count.nothing", lang))
    lines.append(i18n.t("closing.count.history", lang))
    return lines


def who_loses(preview: Any, lang: str) -> list[str]:
    lines = [i18n.t("closing.loses.guardian", lang, name=n) for n in preview.other_guardians]
    lines += [i18n.t("closing.loses.professional", lang, name=n) for n in preview.professionals]
    lines += [i18n.t("closing.loses.caregiver", lang, name=n) for n in preview.caregivers]
    if preview.share_links or preview.emergency_card:
        lines.append(i18n.t("closing.loses.links", lang))
    return lines or [i18n.t("closing.loses.nobody", lang)]


def block_of(preview: Any, title: str, lang: str) -> ClosingBlock:
    return ClosingBlock(title, what_goes(preview, lang), who_loses(preview, lang))
