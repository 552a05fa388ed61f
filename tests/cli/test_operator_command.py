"""``python -m mes_app operator add EMAIL``: the only way an operator account comes to exist."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from mes_app.cli import main
from mes_app.db.models import OperatorAction, User
from mes_app.domain.errors import ValidationError
from mes_app.services.accounts import LoginRefused, authenticate
from mes_app.services.operators import OPERATOR_ROLE, operator_account
from mes_app.services.password_reset import reset_password

NEW_PASSWORD = "Quatre chevaux bleus 2026"


@pytest.fixture()
def admin(monkeypatch, capsys):
    """``admin(data_dir, *args)``: ``main(argv)`` in this process with the settings of
    ``MES_DATA_DIR=data_dir``; returns (exit code, stdout, stderr)."""
    from mes_app import settings as settings_module

    umask = os.umask(0o077)
    os.umask(umask)

    def run(data_dir: Path, *args: object) -> tuple[int, str, str]:
        monkeypatch.setenv("MES_DATA_DIR", str(data_dir))
        monkeypatch.delenv("MES_DATABASE_URL", raising=False)
        monkeypatch.delenv("MES_DOCUMENTS_DIR", raising=False)
        monkeypatch.setattr(settings_module, "settings", settings_module.load_settings())
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    yield run
    os.umask(umask)


@pytest.fixture()
def live(admin, tmp_path):
    data = tmp_path / "live"
    assert admin(data, "migrate")[0] == 0
    return data


def _db(data: Path):
    return sa.create_engine(f"sqlite:///{data / 'mes.db'}")


def _accounts(data: Path) -> list[tuple[str, str]]:
    engine = _db(data)
    with Session(engine) as db:
        rows = [(u.email, u.role) for u in db.exec(select(User)).all()]
    engine.dispose()
    return rows


def test_help_exits_0_and_names_the_add_action(capsys):
    for args in (["operator", "--help"], ["operator", "add", "--help"]):
        with pytest.raises(SystemExit) as exited:
            main(args)
        assert exited.value.code == 0
        assert "python -m mes_app operator" in capsys.readouterr().out


def test_an_action_is_required(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["operator"])
    assert exited.value.code == 2 and "required: ACTION" in capsys.readouterr().err


def test_add_creates_an_operator_who_chooses_the_password_through_the_printed_link(admin, live):
    code, out, err = admin(live, "operator", "add", "  Olivia@Example.org ", "--name", "Olivia Martin")
    assert code == 0, err
    assert "operator olivia@example.org created" in err
    assert "two-step sign-in" in out.lower()
    link = next(line for line in out.splitlines() if line.startswith("http"))
    secret = parse_qs(urlparse(link).query)["t"][0]

    engine = _db(live)
    now = datetime.now(UTC)
    with Session(engine) as db:
        user = db.exec(select(User).where(User.email == "olivia@example.org")).one()
        assert user.role == OPERATOR_ROLE and user.display_name == "Olivia Martin"
        assert operator_account(db, user.id) is not None  # activated
        assert user.second_factor_on_at is None  # turned on at the first login
        logged = db.exec(select(OperatorAction)).all()
        assert [(a.action, a.operator_user_id, a.target_user_id) for a in logged] == [("operator_add", None, user.id)]
        with pytest.raises(LoginRefused):  # nobody knows the random password
            authenticate(db, email="olivia@example.org", password=NEW_PASSWORD, now=now)
        reset_password(db, secret, NEW_PASSWORD, confirm=NEW_PASSWORD, now=now)
        assert authenticate(db, email="olivia@example.org", password=NEW_PASSWORD, now=now).id == user.id
        with pytest.raises(ValidationError):  # the link served once
            reset_password(db, secret, NEW_PASSWORD, confirm=NEW_PASSWORD, now=now)
    engine.dispose()


def test_an_email_that_already_has_an_account_is_refused_and_nothing_changes(admin, live):
    assert admin(live, "operator", "add", "olivia@example.org")[0] == 0
    before = _accounts(live)
    code, out, err = admin(live, "operator", "add", "OLIVIA@example.org", "--name", "Someone else")
    assert code == 1 and out == ""
    assert err.startswith("error:") and "already uses this e-mail" in err
    assert _accounts(live) == before


@pytest.mark.parametrize("email", ["not-an-email", "olivia@", "@example.org", "a b@example.org"])
def test_an_invalid_email_is_refused_and_nothing_changes(admin, live, email):
    code, out, err = admin(live, "operator", "add", email)
    assert code == 1 and out == ""
    assert err.startswith("error:") and "Invalid e-mail address" in err
    assert _accounts(live) == []
