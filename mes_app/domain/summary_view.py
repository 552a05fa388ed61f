"""The one-page summary's rows (for the reader and for a share link's visitor): every value as
plain text in the reader's language. Pure: the service's typed summary in, strings out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mes_app import formatting, i18n
from mes_app.domain.measures import UNIT_LABELS

PARTS = ("allergies", "problems", "treatments", "vaccinations", "measures", "documents")


def _number(x: float, lang: str) -> str:
    return formatting.number(x, lang, 2)


def summary_rows(result: Any, lang: str, document_url: Callable[[Any], str]) -> dict:
    """Plain strings for the page: every value is shown as text (never as markup)."""
    d = lambda iso: i18n.format_date(iso, lang)  # noqa: E731
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    rows: dict[str, list[dict[str, str]]] = {p: [] for p in PARTS}
    for a in result.allergies or ():
        sev = t(f"choice.{a.severity}") if a.severity != "unknown" else ""
        rows["allergies"].append(
            {
                "title": a.substance.text,
                "detail": " · ".join(x for x in (a.reaction, sev) if x),
                "date": d(a.onset),
                "url": "",
            }
        )
    for p in result.problems or ():
        rows["problems"].append({"title": p.condition.text, "detail": "", "date": d(p.onset), "url": ""})
    for m in result.treatments or ():
        rows["treatments"].append({"title": m.medication.text, "detail": m.dosage, "date": d(m.start), "url": ""})
    for v in result.vaccinations or ():
        dose = i18n.t("summary.dose", lang, n=v.dose_number) if v.dose_number else ""
        rows["vaccinations"].append(
            {
                "title": v.vaccine.text,
                "detail": " · ".join(x for x in (dose, v.lot_number) if x),
                "date": d(v.given_on),
                "url": "",
            }
        )
    for m in result.measures or ():
        value = _number(m.value, lang) + (
            f"/{_number(m.value_secondary, lang)}" if m.value_secondary is not None else ""
        )
        rows["measures"].append(
            {
                "title": t(f"measure.{m.kind}"),
                "detail": f"{value} {UNIT_LABELS.get(m.unit, m.unit)}",
                "date": d(m.date),
                "url": "",
            }
        )
    for doc in result.documents or ():
        rows["documents"].append(
            {"title": doc.title, "detail": doc.category_display, "date": d(doc.date), "url": document_url(doc)}
        )
    identity = {}
    if result.identity is not None:
        i = result.identity
        identity = {"name": f"{i.given_name} {i.family_name}", "birth_date": d(i.birth_date), "sex": t(f"sex.{i.sex}")}
    present = [p for p in PARTS if getattr(result, p) is not None]  # each part is the Summary field of its name
    return {"rows": rows, "identity": identity, "present": present}
