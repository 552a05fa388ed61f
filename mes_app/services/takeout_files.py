"""The human-readable files of the take-out archive (issue 13, item 2): the PDF summary a
person can print, and the README.txt that explains the zip. In the requester's language.

The PDF is drawn with fpdf2 in DejaVu Sans (Debian's ``fonts-dejavu-core``, installed by
``make browsers``), which has every accent, ``œ`` and ``€``. Without it, fpdf2's built-in
Helvetica is used and the few characters outside Latin-1 become ``?``: the summary is still
made, never refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from mes_app import formatting, i18n
from mes_app.domain.access import Section
from mes_app.domain.fhir_export import RecordData

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


def _fpdf(font_dir: Path | None):  # noqa: ANN202
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    regular = (font_dir / FONT_REGULAR.name) if font_dir else FONT_REGULAR
    bold = (font_dir / FONT_BOLD.name) if font_dir else FONT_BOLD
    if regular.is_file() and bold.is_file():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return pdf, "DejaVu", True
    return pdf, "helvetica", False


def summary_pdf(data: RecordData, *, lang: str, now: datetime, font_dir: Path | None = None) -> bytes:
    """The summary of one record as a PDF: identity, conditions, allergies, treatments,
    vaccinations, the latest measures. A section the reader may not see says so."""
    pdf, family, unicode_font = _fpdf(font_dir)

    def tr(key: str, **params: object) -> str:
        return i18n.t(key, lang, **params)

    def safe(text: str) -> str:
        return text if unicode_font else text.encode("latin-1", "replace").decode("latin-1")

    profile = data.profile
    name = f"{profile.given_name} {profile.family_name}".strip()
    pdf.set_title(safe(tr("takeout.pdf.title", name=name)))
    pdf.set_creator("MES")
    pdf.set_lang(lang)
    pdf.add_page()

    def heading(text: str, size: int = 13) -> None:
        pdf.ln(3)
        pdf.set_font(family, "B", size)
        pdf.multi_cell(0, 8, safe(text), new_x="LMARGIN", new_y="NEXT")

    def line(text: str) -> None:
        pdf.set_font(family, "", 10)
        pdf.multi_cell(0, 5.5, safe(text), new_x="LMARGIN", new_y="NEXT")

    def section(title_key: str, shown: Section, lines: Sequence[str]) -> None:
        heading(tr(title_key))
        if shown not in data.sections:
            line(tr("takeout.pdf.not_shared"))
        elif not lines:
            line(tr("takeout.pdf.none"))
        for text in lines:
            line(f"• {text}")

    def day(value: object) -> str:
        return formatting.day(value, lang) if value else ""

    def joined(*parts: object) -> str:
        return " · ".join(str(p) for p in parts if p not in (None, ""))

    heading(tr("takeout.pdf.title", name=name), 16)
    line(tr("takeout.pdf.made_on", date=formatting.day(now, lang)))
    if not data.complete:
        line(tr("takeout.pdf.partial"))

    heading(tr("takeout.pdf.identity"))
    line(joined(tr("takeout.pdf.name"), name))
    line(joined(tr("takeout.pdf.birth_date"), day(profile.birth_date)))
    if profile.sex in ("female", "male", "other"):
        line(joined(tr("takeout.pdf.sex"), tr(f"takeout.pdf.sex.{profile.sex}")))

    section("section.conditions", Section.CONDITIONS, [
        joined(c.code_text, tr(f"takeout.pdf.status.{c.status}") if c.status in ("active", "resolved", "inactive")
               else "", day(c.onset_date))
        for c in data.conditions
    ])
    section("takeout.pdf.allergies", Section.RISK_FACTORS, [
        joined(a.code_text, a.reaction, tr(f"takeout.pdf.severity.{a.severity}")
               if a.severity in ("mild", "moderate", "severe") else "")
        for a in data.allergies
    ])
    section("section.treatments", Section.TREATMENTS, [
        joined(t.code_text, t.dosage, tr("takeout.pdf.since", date=day(t.start_date)) if t.start_date else "",
               tr("takeout.pdf.until", date=day(t.end_date)) if t.end_date else "")
        for t in data.treatments
    ])
    section("section.vaccinations", Section.VACCINATIONS, [
        joined(day(v.given_on), v.code_text, tr("takeout.pdf.dose", n=v.dose_number) if v.dose_number else "")
        for v in sorted(data.vaccinations, key=lambda v: v.given_on, reverse=True)
    ])
    latest: dict[str, Any] = {}
    for m in data.measures:  # ordered by time: the last one of each kind wins
        latest[m.kind] = m
    section("takeout.pdf.latest_measures", Section.MEASURES, [
        joined(i18n.t(f"measure.{m.kind}", lang), _measure_value(m, lang), formatting.day(m.measured_at, lang))
        for m in latest.values()
    ])
    pdf.ln(4)
    pdf.set_font(family, "", 8)
    pdf.multi_cell(0, 4.5, safe(tr("takeout.pdf.footer")), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _measure_value(m, lang: str) -> str:  # noqa: ANN001 - a Measure row
    decimals = 0 if m.kind in ("blood_pressure", "heart_rate", "spo2") else 1
    value = formatting.number(m.value, lang, decimals)
    if m.value_secondary is not None:
        value = f"{value}/{formatting.number(m.value_secondary, lang, decimals)}"
    return f"{value} {m.unit}".strip()


def readme(*, lang: str, now: datetime, folders: Sequence[tuple[str, bool]], names: dict[str, str]) -> str:
    """README.txt: what each file is, for each profile folder (``(folder, complete)``)."""
    tr = lambda key, **p: i18n.t(key, lang, **p)  # noqa: E731
    lines = [tr("takeout.readme.title"), "", tr("takeout.readme.made_on", date=formatting.day_and_time(now, lang)), ""]
    lines += [tr("takeout.readme.intro"), ""]
    for folder, complete in folders:
        lines.append(f"{folder}/")
        lines.append(f"  {names['bundle']}  {tr('takeout.readme.bundle')}")
        lines.append(f"  {names['summary']}  {tr('takeout.readme.summary')}")
        lines.append(f"  {names['calendar']}  {tr('takeout.readme.calendar')}")
        lines.append(f"  {names['documents']}/  {tr('takeout.readme.documents')}")
        if not complete:
            lines.append(f"  {tr('takeout.readme.partial')}")
        lines.append("")
    lines += [tr("takeout.readme.care"), ""]
    return "\r\n".join(lines)  # CRLF: readable in Windows' Notepad too
