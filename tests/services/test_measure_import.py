"""CSV import of measures: preview, per-row errors, all or nothing, 5 MB cap, access."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mes_app.db.models import Measure
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import measure_import
from tests.factories import committed_count, committed_rows, make_caregiver, make_child, make_owner, make_stranger

GOOD = (
    "date,kind,value,unit,value2\n"
    "2026-11-01 08:30,weight,72.5,kg,\n"
    "2026-11-02,weight,160,lb,\n"
    "2026-11-03T07:45,blood_pressure,128,mmHg,82\n"
    "04/11/2026 21:00,temperature,100.4,°F,\n"
    "2026-11-05,glucose,5.5,mmol/L,\n"
).encode()

FRENCH = (
    "\ufeffDate;Mesure;Valeur;Unité;Valeur2\r\n"
    "01/11/2026 08:30;poids;72,5;kg;\r\n"
    "02/11/2026;tension;128;mmHg;82\r\n"
    "03/11/2026;pouls;64;bpm;\r\n"
).encode()


@pytest.fixture()
def alice(session):
    return make_owner(session, "Alice Durand")


def test_preview_checks_every_row_and_stores_nothing(session, now, alice):
    preview = measure_import.preview_import(session, alice.actor, alice.profile.id, GOOD, now=now)
    assert (preview.total, preview.valid, preview.error_count) == (5, 5, 0)
    first = preview.rows[0]
    assert (first.line, first.when, first.kind, first.value, first.unit) == (
        2,
        "2026-11-01 08:30",
        "weight",
        72.5,
        "kg",
    )
    assert preview.rows[1].value == pytest.approx(72.575, abs=1e-3)
    assert (preview.rows[2].value, preview.rows[2].value_secondary) == (128, 82)
    assert preview.rows[3].value == pytest.approx(38.0)
    assert preview.rows[4].value == pytest.approx(99.088)
    assert committed_count(session, Measure) == 0


def test_import_stores_every_row_in_canonical_units_marked_as_imported(session, now, alice):
    assert measure_import.run_import(session, alice.actor, alice.profile.id, GOOD, now=now) == 5
    rows = committed_rows(session, Measure)
    assert [(r.kind, r.unit, r.source, r.author_role) for r in rows][:3] == [
        ("weight", "kg", "import", "patient"),
        ("weight", "kg", "import", "patient"),
        ("blood_pressure", "mm[Hg]", "import", "patient"),
    ]
    assert rows[0].measured_at == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
    assert rows[1].measured_at == datetime(2026, 11, 2, 11, 0, tzinfo=UTC)  # a day alone: noon in Paris
    assert {r.loinc_code for r in rows} == {"29463-7", "85354-9", "8310-5", "2339-0"}


def test_a_french_spreadsheet_export_is_understood(session, now, alice):
    preview = measure_import.preview_import(session, alice.actor, alice.profile.id, FRENCH, now=now)
    assert (preview.valid, preview.error_count) == (3, 0)
    assert [r.kind for r in preview.rows] == ["weight", "blood_pressure", "heart_rate"]


def test_row_errors_are_reported_with_their_line_and_nothing_is_imported(session, now, alice):
    data = (
        b"date,kind,value,unit,value2\n"
        b"2026-11-01,weight,72.5,kg,\n"
        b"2026-11-02,weight,900,kg,\n"
        b"2026-11-03,blood_pressure,80,mmHg,120\n"
        b"2099-01-01,weight,70,kg,\n"
        b"yesterday,weight,70,kg,\n"
        b"2026-11-04,shoe_size,42,,\n"
        b"2026-11-05,spo2,130,%,\n"
        b"2026-11-06,bmi,22,kg/m2,\n"
    )
    preview = measure_import.preview_import(session, alice.actor, alice.profile.id, data, now=now)
    assert (preview.total, preview.valid, preview.error_count) == (8, 1, 7)
    assert [(e.line, e.code) for e in preview.errors] == [
        (3, "error.measure_out_of_range"),
        (4, "error.diastolic_above_systolic"),
        (5, "error.date_in_future"),
        (6, "error.import_date"),
        (7, "error.import_unknown_kind"),
        (8, "error.measure_out_of_range"),
        (9, "error.import_unknown_kind"),
    ]
    assert preview.errors[0].params == {"kind": "weight", "min": 0.2, "max": 500.0, "unit": "kg", "field": "value"}
    assert not any("900" in repr(e.params) for e in preview.errors)
    with pytest.raises(ValidationError) as caught:
        measure_import.run_import(session, alice.actor, alice.profile.id, data, now=now)
    assert (caught.value.code, caught.value.params) == ("error.import_has_errors", {"count": 7})
    assert committed_count(session, Measure) == 0


def test_a_date_before_birth_is_a_row_error(session, now, alice):
    lea = make_child(session, alice, birth_date=date(2026, 3, 1))
    data = b"date,kind,value,unit\n2026-02-01,weight,3.2,kg\n2026-03-02,weight,3.3,kg\n"
    preview = measure_import.preview_import(session, alice.actor, lea.profile.id, data, now=now)
    assert [(e.line, e.code) for e in preview.errors] == [(2, "error.before_birth")]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "error.import_empty"),
        (b"date,kind,value,unit\n", "error.import_empty"),
        (b"when,what,how much\n2026-11-01,weight,70\n", "error.import_columns"),
        (b"%PDF-1.7\x00\x01binary", "error.import_not_csv"),
        ("date,kind,value,unit\n2026-11-01,poids,70,kg\n".encode("utf-16"), "error.import_not_csv"),
        (b'date,kind,value,unit\n"2026-11-01,weight,70,kg\n', "error.import_not_csv"),
        ("not bytes", "error.import_not_csv"),
    ],
)
def test_a_file_that_is_not_a_csv_of_measures_is_refused_whole(session, now, alice, data, code):
    for call in (measure_import.preview_import, measure_import.run_import):
        with pytest.raises(ValidationError) as caught:
            call(session, alice.actor, alice.profile.id, data, now=now)
        assert caught.value.code == code
    assert committed_count(session, Measure) == 0


def test_a_file_over_5_mb_is_refused_before_reading_it(session, now, alice):
    line = b"2026-11-01 08:30,weight,72.5,kg,\n"
    data = b"date,kind,value,unit,value2\n" + line * (measure_import.MAX_IMPORT_BYTES // len(line) + 1)
    assert len(data) > 5 * 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        measure_import.run_import(session, alice.actor, alice.profile.id, data, now=now)
    assert (caught.value.code, caught.value.params) == ("error.import_too_large", {"max_mb": 5})
    assert committed_count(session, Measure) == 0


def test_too_many_rows_are_refused(session, now, alice, monkeypatch):
    monkeypatch.setattr(measure_import, "MAX_ROWS", 3)
    data = b"date,kind,value,unit\n" + b"2026-11-01,weight,70,kg\n" * 4
    with pytest.raises(ValidationError) as caught:
        measure_import.preview_import(session, alice.actor, alice.profile.id, data, now=now)
    assert caught.value.code == "error.import_too_many_rows"


def test_a_large_import_is_stored_in_one_go(session, now, alice):
    lines = [
        f"2026-{1 + i // 28 % 10:02d}-{1 + i % 28:02d} {i % 24:02d}:{i // 280 % 60:02d},heart_rate,{60 + i % 30},/min"
        for i in range(6000)
    ]
    data = ("date,kind,value,unit\n" + "\n".join(lines)).encode()
    assert measure_import.run_import(session, alice.actor, alice.profile.id, data, now=now) == 6000
    assert committed_count(session, Measure) == 6000
    # the same file again adds nothing: every row is already stored
    assert measure_import.run_import(session, alice.actor, alice.profile.id, data, now=now) == 0
    assert committed_count(session, Measure) == 6000


def test_only_those_who_may_add_can_import(session, now, alice):
    nurse = make_caregiver(session, alice, ("measures",), now=now)
    with pytest.raises(Forbidden):
        measure_import.run_import(session, nurse.actor, alice.profile.id, GOOD, now=now)
    mallory = make_stranger(session)
    with pytest.raises(NotFound):
        measure_import.preview_import(session, mallory.actor, alice.profile.id, GOOD, now=now)
    with pytest.raises(ValidationError):
        measure_import.run_import(session, alice.actor, "1; DROP TABLE measure", GOOD, now=now)
    assert committed_count(session, Measure) == 0


# --------------------------------------------------------------------------- the layout the help shows


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_example_of_the_help_imports_as_shown(session, now, alice, lang):
    from mes_app import i18n

    example = i18n.t("measures.import_example", lang)
    for column in ("date", "type", "unit" if lang == "en" else "unité", "value2" if lang == "en" else "valeur2"):
        assert column in example.splitlines()[0]
    preview = measure_import.preview_import(session, alice.actor, alice.profile.id, example.encode(), now=now)
    assert (preview.total, preview.valid, preview.error_count) == (2, 2, 0)
    weight, bp = preview.rows
    assert (weight.when, weight.kind, weight.value, weight.unit) == ("2026-11-28 08:30", "weight", 72.5, "kg")
    assert (bp.kind, bp.value, bp.value_secondary) == ("blood_pressure", 128, 82)
    assert measure_import.run_import(session, alice.actor, alice.profile.id, example.encode(), now=now) == 2


def test_the_help_example_saved_by_french_excel_imports_too(session, now, alice):
    from mes_app import i18n

    example = i18n.t("measures.import_example", "fr").replace("\n", "\r\n").encode("cp1252")
    assert "unité".encode("cp1252") in example  # not UTF-8
    preview = measure_import.preview_import(session, alice.actor, alice.profile.id, example, now=now)
    assert (preview.valid, preview.error_count) == (2, 0)


def test_a_file_without_header_line_is_read_in_the_help_order(session, now, alice):
    data = b"28/11/2026 08:30;poids;72,5;kg\n28/11/2026 08:35;tension;128;mmHg;82\n"
    preview = measure_import.preview_import(session, alice.actor, alice.profile.id, data, now=now)
    assert (preview.total, preview.valid, preview.error_count) == (2, 2, 0)
    assert [(r.line, r.kind, r.value) for r in preview.rows] == [(1, "weight", 72.5), (2, "blood_pressure", 128)]


def test_tab_separated_french_headers_and_decimal_commas(session, now, alice):
    data = "Date\tType\tValeur\tUnité\n27/11/2026\tTempérature\t37,8\t°C\n27/11/2026\tPérimètre crânien\t41,5\tcm\n"
    preview = measure_import.preview_import(session, alice.actor, alice.profile.id, data.encode(), now=now)
    assert (preview.valid, preview.error_count) == (2, 0)
    assert [(r.kind, r.value) for r in preview.rows] == [("temperature", 37.8), ("head_circumference", 41.5)]


def test_missing_columns_are_named_in_the_readers_language():
    from mes_app import i18n

    with pytest.raises(ValidationError) as caught:
        measure_import.parse_csv(b"when,what,how much\nyesterday,weight,70\n", birth_date=None, now=None)
    assert caught.value.code == "error.import_columns"
    assert i18n.t(caught.value.code, "fr", **caught.value.params).startswith(
        "Colonnes attendues : date, type, valeur, unité"
    )
    assert i18n.t(caught.value.code, "en", **caught.value.params).startswith(
        "Expected columns: date, type, value, unit"
    )
