"""The take-out archive's PDF summary (issue 13, item 2): printable, in the reader's language,
with accents, and still made when the Unicode font is missing."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from types import SimpleNamespace

from pypdf import PdfReader

from mes_app.domain.access import Section
from mes_app.domain.fhir_export import RecordData
from mes_app.services.takeout_files import FONT_REGULAR, summary_pdf

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def _record(**rows) -> RecordData:  # noqa: ANN003
    profile = SimpleNamespace(id=1, given_name="Chloé", family_name="Lefèvre", birth_date=date(2019, 5, 4),
                              sex="female")
    return RecordData(profile=profile, sections=frozenset(Section), complete=True, **rows)


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_summary_has_the_identity_and_the_entries_with_accents():
    allergy = SimpleNamespace(code_text="Œufs", reaction="urticaire", severity="moderate")
    measure = SimpleNamespace(kind="weight", value=18.4, value_secondary=None, unit="kg",
                              measured_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    text = _text(summary_pdf(_record(allergies=(allergy,), measures=(measure,)), lang="fr", now=NOW))
    assert "Synthèse du dossier de Chloé Lefèvre" in text
    assert "04/05/2019" in text and "Œufs" in text and "modérée" in text and "18,4 kg" in text
    assert "Rien d'enregistré." in text  # no treatment: said, not left blank
    english = _text(summary_pdf(_record(), lang="en", now=NOW))
    assert "Record summary of Chloé Lefèvre" in english and "Nothing recorded." in english


def test_without_the_unicode_font_the_summary_is_still_made(tmp_path):
    assert FONT_REGULAR.is_file()  # make install / make browsers put it there (fonts-dejavu-core)
    text = _text(summary_pdf(_record(), lang="fr", now=NOW, font_dir=tmp_path))
    assert "Chloé Lefèvre" in text
