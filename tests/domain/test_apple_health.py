"""The Apple Health export.xml reader: DTD accepted, entities refused, units converted,
blood-pressure correlations paired, the rest counted; memory stays flat on a big file."""

from __future__ import annotations

import io
import tracemalloc
from datetime import UTC, date, datetime

import pytest

from mes_app.domain import apple_health as ah
from tests.apple_export import MALICIOUS, export_xml, pressure, record, write_large_export

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
BORN = date(2018, 5, 1)


def read(data: bytes, birth_date: date = BORN) -> tuple[list, ah.Scan]:
    scan = ah.Scan()
    return list(ah.iter_readings(io.BytesIO(data), scan, now=NOW, birth_date=birth_date)), scan


def test_the_sample_export_with_apple_dtd_gives_measures_in_canonical_units():
    readings, scan = read(export_xml())
    got = [(r.kind, r.value, r.value_secondary, r.unit, r.measured_at.isoformat()) for r in readings]
    assert got == [
        ("weight", 32.5, None, "kg", "2026-11-01T07:00:00+00:00"),
        ("weight", 32.6587, None, "kg", "2026-11-02T07:00:00+00:00"),  # 72 lb
        ("height", 137.16, None, "cm", "2026-11-01T07:00:00+00:00"),  # 4.5 ft
        ("height", 137.16, None, "cm", "2026-11-02T07:00:00+00:00"),  # 54 in
        ("heart_rate", 88.0, None, "/min", "2026-11-03T07:15:00+00:00"),
        ("temperature", 38.0, None, "Cel", "2026-11-03T07:16:00+00:00"),  # 100.4 °F
        ("spo2", 97.0, None, "%", "2026-11-03T07:17:00+00:00"),  # 0.97
        ("glucose", 99.0857, None, "mg/dL", "2026-11-03T07:18:00+00:00"),  # 5.5 mmol<180.15…>/L
        ("glucose", 95.0, None, "mg/dL", "2026-11-04T07:18:00+00:00"),
        ("blood_pressure", 118.0, 76.0, "mm[Hg]", "2026-11-03T07:20:00+00:00"),
    ]
    # steps, the two top-level halves of the pressure, the workout; the BMI; the lab record
    assert (scan.other_types, scan.bmi_derived, scan.clinical_records) == (4, 1, 1)
    assert scan.errors == {"error.measure_out_of_range": 1}  # a heart rate of 900


@pytest.mark.parametrize(("kind", "value", "unit", "expected"), [
    ("BodyMass", "154.3", "lb", 69.9887),
    ("BodyMass", "11", "st", 69.8532),
    ("Height", "1.72", "m", 172.0),
    ("BodyTemperature", "37.2", "degC", 37.2),
    ("BodyTemperature", "98.6", "degF", 37.0),
    ("OxygenSaturation", "0.955", "%", 95.5),
    ("BloodGlucose", "6", "mmol/L", 108.0936),
    ("HeartRate", "1.2", "count/s", 72.0),
])
def test_unit_conversions(kind, value, unit, expected):
    [reading], _scan = read(export_xml(record(kind, value, unit)))
    assert reading.value == pytest.approx(expected, abs=1e-3)


def test_bad_records_are_counted_not_fatal():
    body = (record("BodyMass", "70", "furlong") + record("BodyMass", "abc", "kg")
            + record("HeartRate", "70", "count/min", "yesterday")
            + record("HeartRate", "70", "count/min", "2027-06-01 08:00:00 +0100")  # the future
            + record("HeartRate", "70", "count/min", "2010-06-01 08:00:00 +0100")  # before birth
            + pressure("70", "90")  # diastolic above systolic
            + record("HeartRate", "70", "count/min"))
    readings, scan = read(export_xml(body))
    assert len(readings) == 1
    assert scan.errors == {"error.invalid_unit": 1, "error.invalid_number": 1, "error.import_date": 1,
                           "error.date_in_future": 1, "error.before_birth": 1,
                           "error.diastolic_above_systolic": 1}


def test_a_young_childs_height_is_a_recumbent_length():
    [reading], _ = read(export_xml(record("Height", "80", "cm", "2026-11-01 08:00:00 +0100")),
                        birth_date=date(2025, 6, 1))
    assert reading.loinc_code == "8306-3"


def test_entity_expansion_is_refused_before_any_record():
    with pytest.raises(ah.ExportRefused) as refused:
        read(MALICIOUS)
    assert refused.value.code == "error.apple_entities"


def test_an_external_entity_is_refused():
    data = (b'<?xml version="1.0"?><!DOCTYPE HealthData [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<HealthData locale="fr">&x;</HealthData>')
    with pytest.raises(ah.ExportRefused):
        read(data)


@pytest.mark.parametrize("data", [b"", b"not xml at all", b"<?xml version='1.0'?><html><body/></html>",
                                  b"<HealthData><Record"])
def test_what_is_not_an_export_is_refused(data):
    with pytest.raises(ah.ExportRefused) as refused:
        read(data)
    assert refused.value.code == "error.apple_not_export"


def test_stray_control_characters_of_old_exports_are_dropped():
    data = export_xml(record("HeartRate", "70", "count/min", source="Watch\x0b"))
    readings, _ = read(data)
    assert len(readings) == 1


def test_the_progress_counts_bytes_read():
    seen: list[int] = []
    data = export_xml()
    reader = ah.CountingReader(io.BytesIO(data), seen.append)
    list(ah.iter_readings(reader, ah.Scan(), now=NOW, birth_date=BORN))
    assert seen[-1] == len(data) and seen == sorted(seen)


def test_memory_stays_flat_on_a_20_mb_export(tmp_path):
    path = tmp_path / "export.xml"
    write_large_export(path, 20 * 1024 * 1024)
    tracemalloc.start()
    try:
        count = 0
        with open(path, "rb") as raw:
            for _reading in ah.iter_readings(ah.CountingReader(raw), ah.Scan(), now=NOW, birth_date=date(1980, 1, 1)):
                count += 1
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count > 30_000
    assert peak < 8 * 1024 * 1024  # a whole parse tree would be many times the file
