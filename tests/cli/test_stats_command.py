"""``python -m mes_app stats``: the anonymous statistics for the administrator (issue 15 item 1)."""

from __future__ import annotations

import csv
import io

import pytest

from mes_app.cli import main
from tests.cli.test_cli import run_main
from tests.factories import make_child, make_owner


@pytest.fixture()
def stats(monkeypatch, capsys, database_url):
    """``stats(*args)``: the command on the test database; returns (exit code, stdout, stderr)."""
    from mes_app import settings as settings_module

    monkeypatch.setenv("MES_DATABASE_URL", database_url)
    monkeypatch.setattr(settings_module, "settings", settings_module.load_settings())

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["stats", *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_help_says_small_counts_are_hidden(capsys):
    code, out, _ = run_main(capsys, "stats", "--help")
    text = " ".join(out.split())
    assert code == 0 and "python -m mes_app stats" in text and '"< 10"' in text and "30 days" in text


@pytest.mark.parametrize("args", [("--period", "day"), ("--period",), ("--frobnicate",)])
def test_bad_arguments_exit_with_2(capsys, args):
    code, _, err = run_main(capsys, "stats", *args)
    assert code == 2 and "usage: python -m mes_app" in err


def test_the_csv_shows_counts_of_ten_and_hides_smaller_ones(session, stats):
    owners = [make_owner(session, f"Owner{i}") for i in range(11)]
    make_child(session, owners[0], "Kid")
    code, out, _ = stats("--csv", "--period", "month")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    values = {(metric, period): value for metric, period, value in rows[1:]}
    assert rows[0] == ["metric", "period", "value"]
    assert values["accounts_created", "now"] == "11" and values["profiles", "now"] == "12"
    assert values["children", "now"] == "< 10"
    assert values["engaged_share_percent", "now"] == "< 10"  # nobody engaged: 0 is a small count
    assert sum(1 for metric, period in values if metric == "accounts_created" and period != "now") == 12
    assert all("-W" not in period for _, period in values)  # months, not weeks
    assert "Owner" not in out


def test_the_table_reads_with_the_definition(session, stats):
    make_owner(session, "Alone")
    code, out, _ = stats()
    assert code == 0 and "last 30 days" in out
    assert "accounts_created" in out and "< 10" in out and "-W" in out
