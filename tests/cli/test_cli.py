"""``python -m mes_app``, run as an administrator runs it: a separate process, settings from the
environment, messages on stderr, and the exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlmodel import Session

from mes_app import seed
from mes_app.cli import COMMANDS, main
from mes_app.services.accounts import authenticate

ROOT = Path(__file__).resolve().parents[2]


def mes(*args: object, data_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MES_DATABASE_URL", "MES_DOCUMENTS_DIR")}
    if data_dir is not None:
        env["MES_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "mes_app", *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    """``main(argv)`` in this process, for what never reaches the settings (help, bad arguments)."""
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out = capsys.readouterr()
    return exited.value.code, out.out, out.err


def test_every_command_has_a_help_and_backups_say_they_hold_health_data(capsys):
    assert mes("--help").returncode == 0  # the real entry point, once
    for name in COMMANDS:
        code, out, _ = run_main(capsys, name, "--help")
        assert code == 0 and f"python -m mes_app {name}" in out
    for name in ("backup", "restore"):
        text = " ".join(run_main(capsys, name, "--help")[1].split())
        assert "health data" in text and "0600" in text and "0700" in text


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "required: COMMAND"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
        (("backup",), "required: DEST"),
        (("restore",), "required: SRC"),
        (("restore", "a", "b"), "unrecognized arguments: b"),
        (("migrate", "--force"), "unrecognized arguments: --force"),
    ],
)
def test_bad_arguments_are_refused_with_the_usage_and_exit_code_2(capsys, args, says):
    code, _, err = run_main(capsys, *args)
    assert code == 2
    assert "usage: python -m mes_app" in err and says in err


@pytest.fixture()
def admin(monkeypatch, capsys):
    """``admin(data_dir, *args)``: ``main(argv)`` in this process with the settings of
    ``MES_DATA_DIR=data_dir``; returns (exit code, stderr). The umask is put back afterwards."""
    from mes_app import settings as settings_module

    umask = os.umask(0o077)
    os.umask(umask)

    def run(data_dir: Path, *args: object) -> tuple[int, str]:
        monkeypatch.setenv("MES_DATA_DIR", str(data_dir))
        monkeypatch.delenv("MES_DATABASE_URL", raising=False)
        monkeypatch.delenv("MES_DOCUMENTS_DIR", raising=False)
        fresh = settings_module.load_settings()
        monkeypatch.setattr(settings_module, "settings", fresh)
        monkeypatch.setattr(seed, "settings", fresh)
        code = main([str(a) for a in args])
        return code, capsys.readouterr().err

    yield run
    os.umask(umask)


def test_seed_before_migrate_is_refused_with_what_to_do(admin, tmp_path):
    code, err = admin(tmp_path / "data", "seed")
    assert code == 1
    assert err.startswith("error:") and "migrate" in err


def test_refusals_say_why_and_exit_with_1(admin, tmp_path):
    live, restored, backup = tmp_path / "live", tmp_path / "restored", tmp_path / "backup"
    assert admin(live, "migrate")[0] == 0
    assert admin(live, "seed")[0] == 0
    assert admin(live, "backup", backup, "--quiet")[0] == 0
    code, err = admin(live, "backup", backup)
    assert code == 1 and err.startswith("error:") and "already exists" in err
    assert admin(restored, "restore", backup, "--quiet")[0] == 0
    code, err = admin(restored, "restore", backup)
    assert code == 1 and "not empty" in err
    code, err = admin(tmp_path / "other", "restore", tmp_path)
    assert code == 1 and "not an MES backup" in err
    code, err = admin(tmp_path / "other", "restore", tmp_path / "nowhere")
    assert code == 1 and "is not a folder" in err
    code, err = admin(live, "seed")
    assert code == 0


def test_backup_and_restore_through_the_real_entry_point_bring_back_the_demo_login(admin, tmp_path):
    live, restored, backup = tmp_path / "live", tmp_path / "restored", tmp_path / "backup"
    assert admin(live, "migrate")[0] == admin(live, "seed")[0] == 0
    made = mes("backup", backup, data_dir=live)
    assert made.returncode == 0, made.stderr
    assert made.stderr.splitlines()[-1].startswith(f"backup written to {backup}: sqlite at revision ")
    done = mes("restore", backup, data_dir=restored)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1].startswith("restored ")

    engine = sa.create_engine(f"sqlite:///{restored / 'mes.db'}")
    with Session(engine) as db:
        user = authenticate(db, email=seed.PARENT_EMAIL, password=seed.PARENT_PASSWORD, now=datetime.now(UTC))
        assert user.email == seed.PARENT_EMAIL
    engine.dispose()


def test_a_backup_with_documents_missing_from_the_store_exits_with_3_and_names_them(admin, tmp_path):
    from datetime import date

    from sqlmodel import select

    from mes_app.db.models import Document, Profile

    live = tmp_path / "live"
    assert admin(live, "migrate")[0] == admin(live, "seed")[0] == 0
    engine = sa.create_engine(f"sqlite:///{live / 'mes.db'}")
    with Session(engine) as db:
        profile = db.exec(select(Profile)).first()
        assert profile is not None
        lost = Document(profile_id=profile.id, title="Radio", document_date=date(2026, 1, 5), storage_key="ab" * 16,
                        sha256="0" * 64, size_bytes=10, mime_type="application/pdf")
        db.add(lost)
        db.commit()
        lost_id = lost.id
    engine.dispose()
    code, err = admin(live, "backup", tmp_path / "backup", "--quiet")
    assert code == 3
    assert f"warning: document {lost_id}: missing in the store" in err
    assert "Radio" not in err


def test_the_second_factor_key_stays_out_of_backups_and_a_restore_without_it_says_so(admin, tmp_path, monkeypatch):
    from sqlmodel import select

    from mes_app import settings as settings_module
    from mes_app.db.models import User
    from mes_app.services import secret_box

    live, backup = tmp_path / "live", tmp_path / "backup"
    assert admin(live, "migrate")[0] == admin(live, "seed")[0] == 0
    engine = sa.create_engine(f"sqlite:///{live / 'mes.db'}")
    with Session(engine) as db:
        doctor = db.exec(select(User).where(User.role == "professional")).first()
        doctor.second_factor_secret = secret_box.encrypt("JBSWY3DPEHPK3PXP")
        db.add(doctor)
        db.commit()
    engine.dispose()

    code, err = admin(live, "backup", backup, "--quiet")
    assert code == 0 and "1 accounts use two-step sign-in" in err
    assert not any(path.name == secret_box.KEY_FILE for path in backup.rglob("*"))
    key_text = secret_box.key().decode()
    assert not any(key_text in path.read_text(errors="ignore") for path in backup.rglob("*") if path.is_file())

    code, err = admin(tmp_path / "same-key", "restore", backup, "--quiet")
    assert code == 0 and "warning" not in err

    other_key = settings_module.load_settings()
    object.__setattr__(other_key, "second_factor_key", Fernet.generate_key().decode())
    monkeypatch.setattr(secret_box, "settings", other_key)
    code, err = admin(tmp_path / "new-machine", "restore", backup, "--quiet")
    assert code == 3
    assert "does not open the two-step sign-in secrets of 1 of 1 accounts" in err
