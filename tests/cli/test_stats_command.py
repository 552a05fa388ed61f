"""``python -m mes_app stats``: help, a refused period, and "< 10" for a small population."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from mes_app import seed
from mes_app.cli import main
from tests.cli.test_cli import run_main


@pytest.fixture()
def admin(monkeypatch, capsys):  # noqa: ANN001, ANN201
    """``admin(data_dir, *args)``: ``main(argv)`` with ``MES_DATA_DIR=data_dir``; (code, stdout, stderr)."""
    from mes_app import settings as settings_module

    umask = os.umask(0o077)
    os.umask(umask)

    def run(data_dir: Path, *args: object) -> tuple[int, str, str]:
        monkeypatch.setenv("MES_DATA_DIR", str(data_dir))
        monkeypatch.delenv("MES_DATABASE_URL", raising=False)
        monkeypatch.delenv("MES_DOCUMENTS_DIR", raising=False)
        fresh = settings_module.load_settings()
        monkeypatch.setattr(settings_module, "settings", fresh)
        monkeypatch.setattr(seed, "settings", fresh)
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    yield run
    os.umask(umask)


def test_help_and_a_refused_period(capsys) -> None:  # noqa: ANN001
    code, out, _ = run_main(capsys, "stats", "--help")
    assert code == 0 and "python -m mes_app stats" in out and "< 10" in out
    code, _, err = run_main(capsys, "stats", "--period", "year")
    assert code == 2 and "invalid choice: 'year'" in err


def test_the_demo_family_is_too_small_to_show(admin, tmp_path) -> None:  # noqa: ANN001
    live = tmp_path / "live"
    assert admin(live, "migrate")[0] == 0 and admin(live, "seed")[0] == 0
    code, out, _ = admin(live, "stats", "--period", "week")
    assert code == 0
    lines = dict(line.split(None, 1) for line in out.splitlines() if line.startswith("accounts_"))
    assert lines["accounts_created"].strip() == "< 10" and lines["accounts_activated"].strip() == "< 10"
    assert "Alice" not in out and "@" not in out
    assert out.count("< 10") >= 11 + 12 * 2  # every figure and every week
    code, out, _ = admin(live, "stats", "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["figure", "value"] and ["children", "< 10"] in rows
    assert sum(1 for row in rows if row[0] == "month") == 12


def test_before_migrate_it_says_what_to_do(admin, tmp_path) -> None:  # noqa: ANN001
    code, out, err = admin(tmp_path / "empty", "stats")
    assert code == 1 and out == "" and "migrate" in err
