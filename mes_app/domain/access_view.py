"""The access history page's lines (who did what, when, through which access) in the reader's
language, from the service's typed views. Pure: no Reflex, no database.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from mes_app import formatting, i18n
from mes_app.domain.access_log import STRANGERS


@dataclasses.dataclass(frozen=True)
class AccessRow:
    key: str
    when: str
    who: str
    what: str
    via: str
    refused: bool


def _span(item: Any, lang: str) -> str:
    """When: one moment, or "12 tentatives refusées entre le … et le …" for a grouped line."""
    if item.count <= 1 or not item.first_at:
        return formatting.day_and_time(item.occurred_at, lang)
    first, last = item.first_at, item.occurred_at
    kind = "refused" if item.refused else "times"
    last_day = formatting.day(last, lang)
    if formatting.local_minute(first) == formatting.local_minute(last):
        return i18n.t(f"access.{kind}_same_minute", lang, count=item.count, date=last_day,
                      time=formatting.time(last, lang))
    if formatting.day(first, lang) == last_day:
        return i18n.t(f"access.{kind}_same_day", lang, count=item.count, date=last_day,
                      start=formatting.time(first, lang), end=formatting.time(last, lang))
    return i18n.t(f"access.{kind}_days", lang, count=item.count, start=formatting.day(first, lang), end=last_day)


def _target_text(item: Any, lang: str) -> str:
    if item.target_kind == "document" and item.target_label:
        return i18n.t("access.the_document_titled", lang, title=item.target_label)
    if item.target_kind == "document" and item.count > 1 and not item.refused:
        return i18n.t("access.target.documents_several", lang)
    return _label(f"access.target.{item.target_kind}", lang, "access.target.unknown")


def _label(key: str, lang: str, fallback: str) -> str:
    """Never a raw code: an unknown one (only from a newer version's rows) reads as the fallback."""
    return i18n.t(key if key in i18n.TEXTS else fallback, lang)


def access_row(item: Any, lang: str) -> AccessRow:
    if item.source == STRANGERS:  # never who: only that someone tried, and was refused
        return AccessRow(item.key, _span(item, lang), i18n.t("access.stranger", lang),
                         i18n.t("access.stranger_tried", lang), i18n.t("access.stranger_note", lang), True)
    who = item.who or i18n.t("access.a_link" if item.who_role == "link" else "access.someone", lang)
    whole = f"access.did.{item.action}.{item.target_kind}"
    if whole in i18n.TEXTS:
        what = i18n.t(whole, lang)
    else:
        verb = f"access.verb.{item.action}.{item.target_kind}"
        if verb not in i18n.TEXTS:
            verb = f"access.action.{item.action}"
        what = f"{_label(verb, lang, 'access.action.unknown')} {_target_text(item, lang)}"
    via = _label(f"access.via.{item.via}", lang, "access.via.none")
    if item.grant_label:
        via += f" « {item.grant_label} »"
    return AccessRow(item.key, _span(item, lang), who, what, via, item.refused)
