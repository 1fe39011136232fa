"""Configuration defaults and the command-line tasks."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select, text

from app import create_app
from models import User, db


def test_sqlite_connections_get_foreign_keys_wal_and_busy_timeout(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{tmp_path / 'p.db'}"})
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        db.engine.dispose()


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("UPLOAD_FOLDER", str(tmp_path / "up"))
    from flask import Flask

    from app import load_config

    first, second = Flask("a", instance_path=str(tmp_path)), Flask("b",
                                                                   instance_path=str(tmp_path))
    load_config(first)
    load_config(second)
    key_file = tmp_path / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) == 64


def test_database_url_switches_to_postgresql_with_psycopg(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://panti:rahasia@db.internal/panti")
    from flask import Flask

    from app import load_config

    app = Flask("c", instance_path=str(tmp_path))
    load_config(app, {"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://panti:rahasia@db.internal/panti")


def test_create_user_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--username", "Rina", "--role", "admin",
                                 "--password", "kopi-tubruk-pagi-2026"])
    assert result.exit_code == 0, result.output
    assert "Akun rina (Tata usaha (admin)) dibuat." in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "rina"))
        assert user.check_password("kopi-tubruk-pagi-2026")
    again = runner.invoke(args=["create-user", "--username", "rina", "--role", "admin",
                                "--password", "kata-sandi-lain-2026"])
    assert again.exit_code != 0 and "sudah dipakai" in again.output
    short = runner.invoke(args=["create-user", "--username", "budi", "--role", "staff",
                                "--password", "pendek"])
    assert short.exit_code != 0 and "minimal 10 karakter" in short.output



def test_every_command_of_the_readme_is_registered_by_create_app_and_no_other(app):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    table = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `flask ([a-z-]+)", table, re.M))
    assert documented >= {"create-user", "seed-demo", "backup", "restore"}  # the table is read
    assert set(app.cli.commands) == documented
