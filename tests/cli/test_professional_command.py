"""``python -m mes_app professional``: the administrator lists the applications and verifies one
from the command line; refusals are clear and exit with 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, create_engine, select

from mes_app.db.models import User
from mes_app.services import operator_log
from tests.cli.test_cli import admin, run_main  # noqa: F401 - the fixture
from tests.factories import make_owner, make_professional


@pytest.fixture()
def live(admin, tmp_path):  # noqa: F811
    """A migrated database in a data directory, and a session on it."""
    from mes_app import settings as settings_module

    data = tmp_path / "data"
    assert admin(data, "migrate")[0] == 0
    engine = create_engine(settings_module.settings.database_url)
    with Session(engine, expire_on_commit=False) as db:
        yield data, db
    engine.dispose()


def status_of(db: Session, email: str) -> tuple[str, str]:
    db.expire_all()
    user = db.exec(select(User).where(User.email == email)).one()
    return user.professional_status, user.role


def test_help_lists_the_actions(capsys):
    code, out, _ = run_main(capsys, "professional", "--help")
    assert code == 0 and "python -m mes_app professional" in out
    for action in ("list", "verify", "refuse", "suspend", "reactivate"):
        assert f"professional {action}" in out
    code, out, _ = run_main(capsys, "professional", "verify", "--help")
    assert code == 0 and "EMAIL" in out


def test_list_shows_the_applications_without_health_data(live, capsys):
    from mes_app.cli import main

    _, db = live  # the settings point at it
    claire = make_professional(db, "Dr Claire", status="applied", second_factor=False)
    make_professional(db, "Dr Already", second_factor=False)  # verified: not in the list
    capsys.readouterr()
    assert main(["professional", "list"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{claire.email}\t{claire.user.professional_id}\tmedecin"]
    assert "1 account(s) applied" in err
    assert main(["professional", "list", "--status", "verified"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_verify_makes_the_applicant_a_professional_and_records_it(admin, live):  # noqa: F811
    data, db = live
    claire = make_professional(db, "Dr Claire", status="applied", second_factor=False)
    claire.user.role = "patient"  # as an applicant is until verified
    db.add(claire.user)
    db.commit()

    code, err = admin(data, "professional", "verify", claire.email)

    assert code == 0 and "applied -> verified" in err
    assert status_of(db, claire.email) == ("verified", "professional")
    [entry] = operator_log.entries(db)
    assert (entry.operator_email, entry.action, entry.target_email) == ("", "professional_verify", claire.email)


def test_verifying_twice_is_refused_clearly(admin, live):  # noqa: F811
    data, db = live
    claire = make_professional(db, "Dr Claire", status="applied", second_factor=False)
    assert admin(data, "professional", "verify", claire.email)[0] == 0
    code, err = admin(data, "professional", "verify", claire.email)
    assert code == 1 and err.startswith("error:") and "already verified" in err
    assert len(operator_log.entries(db)) == 1


@pytest.mark.parametrize(("action", "status", "says"), [
    ("suspend", "applied", "only a verified account"),
    ("reactivate", "verified", "only a suspended account"),
    ("refuse", "suspended", "only an application under review"),
])
def test_a_decision_the_status_does_not_allow_is_refused(admin, live, action, status, says):  # noqa: F811
    data, db = live
    dr = make_professional(db, status=status, second_factor=False)
    code, err = admin(data, "professional", action, dr.email)
    assert code == 1 and says in err
    assert status_of(db, dr.email)[0] == status


def test_unknown_e_mail_and_an_account_that_never_applied_exit_with_1(admin, live):  # noqa: F811
    data, db = live
    alice = make_owner(db)
    code, err = admin(data, "professional", "verify", "nobody@example.org")
    assert code == 1 and "no account with the e-mail 'nobody@example.org'" in err
    code, err = admin(data, "professional", "verify", "not an e-mail")
    assert code == 1 and "no account" in err
    code, err = admin(data, "professional", "verify", alice.email)
    assert code == 1 and "has not applied" in err
    assert status_of(db, alice.email) == ("", "patient")


def test_suspend_and_reactivate_from_the_command_line(admin, live):  # noqa: F811
    data, db = live
    dr = make_professional(db, second_factor=False)
    assert admin(data, "professional", "suspend", dr.email)[0] == 0
    assert status_of(db, dr.email)[0] == "suspended"
    assert admin(data, "professional", "reactivate", dr.email)[0] == 0
    assert status_of(db, dr.email) == ("verified", "professional")


def test_an_unmigrated_database_is_refused_with_what_to_do(admin, tmp_path: Path):  # noqa: F811
    code, err = admin(tmp_path / "empty", "professional", "list")
    assert code == 1 and "migrate" in err
