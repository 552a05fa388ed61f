"""What the record pages show: entries and timeline items in the viewer's language, and the
code search's options. Pure: no Reflex, no database.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from mes_app import i18n
from mes_app.domain.record_kinds import ENTRY_KINDS


@dataclasses.dataclass(frozen=True)
class ConceptOption:
    value: str  # "system|code"
    label: str
    code: str


def fact_text(fact: Any, lang: str) -> str:
    """A field's value as the viewer reads it: dates and choices in their language, units spelt."""
    if fact.type == "date":
        return i18n.format_date(fact.value, lang)
    if fact.type == "choice":
        return i18n.t(f"choice.{fact.value}", lang)
    if fact.type == "int" and fact.unit:
        return i18n.t(f"unit.{fact.unit}", lang, count=fact.value)
    return fact.value


View = TypeVar("View")


def localise(view: View, lang: str) -> View:
    """A record entry or timeline item (frozen dataclasses with ``date``; an entry also has
    ``facts``) in the viewer's language: dates via ``i18n.format_date``, every card field labelled."""
    facts = getattr(view, "facts", None)
    if facts is not None:
        facts = [
            dataclasses.replace(f, label=i18n.t("record.fact_label", lang, label=i18n.t(f"field.{f.name}", lang)),
                                text=fact_text(f, lang))
            for f in facts
        ]
        return dataclasses.replace(view, date=i18n.format_date(view.date, lang), facts=facts)  # type: ignore[type-var]
    return dataclasses.replace(view, date=i18n.format_date(view.date, lang))  # type: ignore[type-var]


def no_entries() -> dict[str, list[Any]]:
    """Every kind present (empty), so pages can always read ``entries[kind]``."""
    return {kind: [] for kind in ENTRY_KINDS}
