"""Click commands: ``flask init-db``, ``flask seed-demo``, ``flask create-user``."""

from __future__ import annotations

import functools

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from models import Staff, TrainingClass, db
from models.choices import ROLES
from services.accounts import AccountError, create_account, grantable_roles
from services.audit import acting_as
from services.training import generate_sessions

from .demo import load_demo


def on_record(command):
    """Run a command so that the audit log names it as the one who made its changes."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        with acting_as(f"flask {click.get_current_context().info_name}"):
            return command(*args, **kwargs)

    return run


@click.command("init-db")
@with_appcontext
@on_record
def init_db() -> None:
    """Create or upgrade the schema to the newest migration."""
    upgrade()
    click.echo("Skema basis data mutakhir.")


@click.command("seed-demo")
@with_appcontext
@on_record
def seed_demo() -> None:
    """Load the demo data and the demo accounts (safe to run again)."""
    summary = load_demo(current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    click.echo("Data demo siap: " + ", ".join(f"{k} {v}" for k, v in summary.items()))


@click.command("generate-sessions")
@click.option("--class-id", type=int, default=None, help="Hanya kelas ini (default: semua).")
@with_appcontext
@on_record
def generate_sessions_command(class_id: int | None) -> None:
    """Create the sessions of each class from its weekly pattern, skipping holidays."""
    query = select(TrainingClass).order_by(TrainingClass.name)
    if class_id is not None:
        query = query.where(TrainingClass.id == class_id)
    classes = db.session.scalars(query).all()
    if class_id is not None and not classes:
        raise click.ClickException(f"Kelas dengan id {class_id} tidak ditemukan.")
    for klass in classes:
        result = generate_sessions(klass)
        click.echo(f"{klass.name}: {len(result.created)} pertemuan baru")
        for message in result.messages():
            click.echo(f"  {message}")
    db.session.commit()


@click.command("create-user")
@click.option("--username", prompt="Nama pengguna")
# Run on the server, this command may grant every role, the head's included (the console's
# account form grants only what its user may: services.accounts.grantable_roles).
@click.option("--role", prompt="Peran",
              type=click.Choice([r for r in ROLES.codes if r in grantable_roles(None)]))
@click.option("--staff-number", default="", help="NIP/nomor pegawai untuk menautkan pegawai.")
@click.password_option("--password", prompt="Kata sandi")
@with_appcontext
@on_record
def create_user(username: str, role: str, staff_number: str, password: str) -> None:
    """Create a login account interactively."""
    staff = None
    if staff_number:
        staff = db.session.scalar(select(Staff).where(Staff.employee_number == staff_number))
        if staff is None:
            raise click.ClickException(f"Pegawai dengan nomor {staff_number} tidak ditemukan.")
    try:
        user = create_account(username, role, password, staff=staff)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Akun {user.username} ({user.role_label}) dibuat.")

