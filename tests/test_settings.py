"""The settings read from the environment (mes_app/settings.py)."""

from __future__ import annotations

import dataclasses

import pytest

from mes_app import settings as settings_module
from mes_app.settings import load_settings, reflex_state_lease_env


def _settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> settings_module.Settings:
    for name in ("MES_REDIS_URL", "MES_STATE_MANAGER", "MES_REDIS_STATE_LEASE_SECONDS", "MES_EVENTS_IN_FLIGHT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def test_under_redis_a_worker_leases_a_client_state_for_five_seconds_by_default(monkeypatch) -> None:
    chosen = _settings(monkeypatch, MES_REDIS_URL="redis://127.0.0.1:6379/0")
    assert chosen.state_manager == "redis"
    assert reflex_state_lease_env(chosen) == {"REFLEX_OPLOCK_ENABLED": "true", "REFLEX_OPLOCK_HOLD_TIME": "5000ms"}


def test_the_lease_can_be_shortened_or_turned_off(monkeypatch) -> None:
    short = _settings(monkeypatch, MES_REDIS_URL="redis://x:6379/0", MES_REDIS_STATE_LEASE_SECONDS="0.25")
    assert reflex_state_lease_env(short)["REFLEX_OPLOCK_HOLD_TIME"] == "250ms"
    off = _settings(monkeypatch, MES_REDIS_URL="redis://x:6379/0", MES_REDIS_STATE_LEASE_SECONDS="0")
    assert reflex_state_lease_env(off) == {"REFLEX_OPLOCK_ENABLED": "false"}


def test_one_process_never_leases(monkeypatch) -> None:
    memory = _settings(monkeypatch)
    assert memory.state_manager == "memory"
    assert reflex_state_lease_env(memory) == {"REFLEX_OPLOCK_ENABLED": "false"}
    disk = dataclasses.replace(memory, state_manager="disk")
    assert reflex_state_lease_env(disk) == {"REFLEX_OPLOCK_ENABLED": "false"}


@pytest.mark.parametrize("raw", ["soon", "-1", "9", "10"])
def test_a_lease_reflex_would_outlive_its_lock_with_is_refused_at_start(monkeypatch, raw: str) -> None:
    with pytest.raises(RuntimeError, match="MES_REDIS_STATE_LEASE_SECONDS"):
        _settings(monkeypatch, MES_REDIS_URL="redis://x:6379/0", MES_REDIS_STATE_LEASE_SECONDS=raw)


def test_a_worker_runs_eight_events_at_once_unless_told_otherwise(monkeypatch) -> None:
    assert _settings(monkeypatch).events_in_flight == 8
    assert _settings(monkeypatch, MES_EVENTS_IN_FLIGHT="3").events_in_flight == 3
    assert _settings(monkeypatch, MES_EVENTS_IN_FLIGHT="0").events_in_flight == 0  # no gate
    assert _settings(monkeypatch, MES_EVENTS_IN_FLIGHT="-2").events_in_flight == 0
