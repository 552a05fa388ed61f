"""The benchmark's pieces that need no server: the floor app it generates, how it reads CPU
time and how it tells that an event is over."""

from __future__ import annotations

import ast
import os

from benchmarks import floor_app
from benchmarks.load import group_cpu_seconds, hydrated, redirected, state_delta


def test_the_floor_app_has_one_page_per_route_each_counting_its_loads(tmp_path) -> None:
    floor_app.write_floor_app(tmp_path, pages=5)

    module = (tmp_path / "floor" / "floor.py").read_text()
    config = (tmp_path / "rxconfig.py").read_text()
    ast.parse(module)
    ast.parse(config)
    assert 'app_name="floor"' in config
    assert 'state_manager_mode="memory"' in config  # the same state manager as MES
    assert "range(5)" in module and "on_load=FloorState.count_load" in module
    assert floor_app.page_paths(5) == ["/p0", "/p1", "/p2", "/p3", "/p4"]


def test_a_page_load_ends_with_the_hydrated_update_not_before() -> None:
    root = "reflex___state____state"
    assert not hydrated({"delta": {root: {"rx_router_route_id_rx_state_": "/history"}}})
    assert hydrated({"delta": {root: {"is_hydrated_rx_state_": True}}})
    assert redirected({"events": [{"name": "_redirect", "payload": {"path": "/measures"}}]})
    assert not redirected({"delta": {root: {}}})
    assert state_delta("measure_chart_state")({"delta": {f"{root}.x.measure_chart_state": {}}})


def test_cpu_time_of_a_process_group_is_read_from_proc() -> None:
    before = group_cpu_seconds(os.getpgrp())
    sum(i * i for i in range(300_000))
    assert group_cpu_seconds(os.getpgrp()) > before > 0
