"""The fault tests' pause points do nothing unless the server's environment asks for one."""

from __future__ import annotations

import time

from mes_app import fault_points


def test_a_pause_point_is_inert_without_the_variable(monkeypatch, tmp_path):
    monkeypatch.delenv(fault_points.VARIABLE, raising=False)
    start = time.monotonic()
    for point in fault_points.POINTS:
        fault_points.pause(point)
    assert time.monotonic() - start < 0.1
    assert list(tmp_path.iterdir()) == []


def test_only_the_named_known_point_pauses(monkeypatch, tmp_path):
    marker = tmp_path / "marker"
    monkeypatch.setattr(fault_points, "PAUSE_SECONDS", 0)
    monkeypatch.setenv(fault_points.VARIABLE, f"measures.import:{marker}")
    fault_points.pause("document.stored")
    assert not marker.exists()
    fault_points.pause("measures.import")
    assert marker.read_text() == "measures.import"
    monkeypatch.setenv(fault_points.VARIABLE, f"unknown.point:{marker}")
    marker.unlink()
    fault_points.pause("unknown.point")
    assert not marker.exists()


def test_a_pause_can_be_short(monkeypatch, tmp_path):
    marker = tmp_path / "marker"
    monkeypatch.setenv(fault_points.VARIABLE, f"fhir.transaction:{marker}:0.2")
    start = time.monotonic()
    fault_points.pause("fhir.transaction")
    assert marker.exists() and 0.2 <= time.monotonic() - start < 5
