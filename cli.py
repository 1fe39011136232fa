"""The ``flask`` commands of the console (``flask --help`` lists them), attached by
``init_app`` from ``create_app``. Each one reads its arguments, calls a service (or the demo
data builder) and prints the outcome; the work itself is done there."""

from __future__ import annotations

import functools
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_migrate import upgrade
from sqlalchemy import select

from models import Client, Staff, TrainingClass, db
from models.choices import ROLES, STAGES, TERMINATION_REASONS
from seed.demo import load_demo
from services import (
    aftercare,
    client_rules,
    evaluation_rules,
    lifecycle,
    placements,
    referral_rules,
    room_rules,
    staff_reports,
    stays,
    terminations,
    training_rules,
)
from services.accounts import AccountError, create_account, grantable_roles
from services.audit import acting_as
from services.backup import BackupError, create_backup, restore_backup, schema_advice
from services.dates import parse_date
from services.dates import today as panti_today
from services.digest import DigestError, send_digests
from services.training import generate_sessions

# What ``flask check-data`` asks of the stored records: each entity's one rule function.
STORED_CHECKS = (client_rules.CHECK, room_rules.CHECK, training_rules.CLASS_CHECK,
                 training_rules.ATTENDANCE_CHECK, evaluation_rules.CHECK, referral_rules.CHECK,
                 aftercare.CHECK, placements.CHECK, terminations.CHECK,
                 staff_reports.CHECK)


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


# --- backup and restore (the work is in services/backup/) -----------------------------
def _rows(tables: dict) -> int:
    return sum(entry["rows"] for entry in tables.values())


@click.command("backup")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder arsip (default: instance/backups).")
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="Simpan hanya N arsip terbaru di folder itu; yang lebih lama dihapus.")
@with_appcontext
def backup_command(output: Path | None, keep: int | None) -> None:
    """Write one archive: database snapshot, uploaded files and a manifest (safe while in use)."""
    try:
        result = create_backup(output, keep)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    manifest = result.manifest
    size = result.path.stat().st_size / (1024 * 1024)
    click.echo(_("Cadangan ditulis: %(p)s (%(s)s MB; %(t)s tabel, %(r)s baris, %(f)s berkas "
                 "unggahan).", p=result.path, s=f"{size:.1f}", t=len(manifest["tables"]),
                 r=_rows(manifest["tables"]), f=len(manifest["files"])))
    for path in result.pruned:
        click.echo(_("Cadangan lama dihapus: %(n)s", n=path.name))


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Timpa basis data dan folder unggahan yang sudah berisi data.")
@with_appcontext
def restore_command(archive: Path, replace: bool) -> None:
    """Restore an archive of ``flask backup`` into an empty database and upload folder."""
    try:
        result = restore_backup(archive, replace=replace)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(_("Pemulihan selesai dari %(a)s (dibuat %(c)s): %(t)s tabel, %(r)s baris, "
                 "%(f)s berkas unggahan.", a=archive.name, c=result.manifest["created_at"],
                 t=len(result.tables), r=_rows(result.tables), f=result.files))
    click.echo(_("Pemeriksaan integritas: baik; baris, checksum dan berkas sama dengan manifes."))
    advice = schema_advice(result.manifest.get("schema_revision"))
    if advice:
        click.echo(advice)


@click.command("move-client")
@click.argument("client_ref", metavar="CLIENT")
@click.argument("stage", type=click.Choice(STAGES.codes))
@click.option("--reason", type=click.Choice(TERMINATION_REASONS.codes),
              help="The termination reason of an exit.")
@click.option("--day", help="The day of the move (dd/mm/yyyy; default today).")
@click.option("--note", help="What happened.")
@with_appcontext
@on_record
def move_client(client_ref: str, stage: str, reason: str | None, day: str | None,
                note: str | None) -> None:
    """Move a client to another service stage by the stage machine's rules (the moves and
    evidence of the "Pindah tahap" page; a command acts for the panti, as the head would).

    CLIENT is the register number, or #ID for a candidate, who has none before admission
    (the id in the address of the client's page)."""
    client = _client(client_ref)
    try:
        lifecycle.move(client, stage, None, reason=reason, note=note,
                       day=parse_date(day) if day else None, actor="flask move-client")
    except (lifecycle.MoveRefused, ValueError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(lifecycle.moved_text(client))


@click.command("readmit-client")
@click.argument("client_ref", metavar="CLIENT")
@click.option("--day", help="The day they came again (dd/mm/yyyy; default today).")
@click.option("--note", help="Who brought them, from where.")
@with_appcontext
@on_record
def readmit_client(client_ref: str, day: str | None, note: str | None) -> None:
    """Admit again a client whose stay ended: a new stay at stage 1 with the same register
    number, the ended one kept (services/stays.py, the client page's "Terima kembali").

    CLIENT is the register number, or #ID (the id in the address of the client's page)."""
    client = _client(client_ref)
    try:
        stays.readmit(client, None, note=note, day=parse_date(day) if day else None,
                      actor="flask readmit-client")
    except (stays.ReadmitRefused, ValueError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(_("%(client)s diterima kembali: masa tinggal ke-%(n)s dimulai pada tahap 1.",
                 client=client.full_name, n=client.stay))


def _client(client_ref: str) -> Client:
    """The client a command names: by register number, or ``#ID``."""
    by_id = client_ref.startswith("#") and client_ref[1:].isdigit()
    client = db.session.scalar(select(Client).where(
        Client.id == int(client_ref[1:]) if by_id else Client.register_number == client_ref))
    if client is None:
        raise click.ClickException(_("Klien %(n)s tidak ditemukan.", n=client_ref))
    return client


@click.command("check-data")
@with_appcontext
def check_data() -> None:
    """Check the stored records against the rules of the forms and the import."""
    found = 0
    for check in STORED_CHECKS:
        labels = check.labels()
        for name, problems in check.records():
            found += 1
            for problem in problems:
                click.echo(f"{check.title()}: {name} — "
                           f"{labels.get(problem.field, problem.field)}: {problem.message}")
    if found:
        raise click.ClickException(_("%(n)s data melanggar aturan.", n=found))
    click.echo(_("Semua data memenuhi aturan."))


@click.command("send-digest")
@click.option("--date", "day", help="Tanggal ringkasan (dd/mm/yyyy; default hari ini).")
@click.option("--user", "username", help="Kirim hanya kepada pengguna ini.")
@with_appcontext
def send_digest(day: str | None, username: str | None) -> None:
    """E-mail each user a digest of their due items, counts and links only (for cron)."""
    try:
        when = parse_date(day) if day else panti_today()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        outcome = send_digests(when, username)
    except DigestError as exc:
        raise click.ClickException(str(exc)) from None
    if not outcome.configured:
        click.echo(_("E-mail belum dikonfigurasi (MAIL_SERVER kosong): tidak ada yang "
                     "dikirim."))
        return
    for name, reason in outcome.failed:
        click.echo(_("Gagal mengirim ke %(user)s: %(reason)s", user=name, reason=reason),
                   err=True)
    click.echo(_("%(sent)s e-mail terkirim; %(none)s pengguna tanpa pekerjaan yang jatuh "
                 "tempo.", sent=len(outcome.sent), none=len(outcome.nothing_due)))
    if outcome.skipped:
        click.echo(_("%(n)s akun dilewati (tidak aktif atau tanpa alamat e-mail).",
                     n=len(outcome.skipped)))
    if outcome.failed:
        raise click.ClickException(_("%(n)s e-mail gagal dikirim.", n=len(outcome.failed)))


COMMANDS = (init_db, seed_demo, generate_sessions_command, create_user, backup_command,
            restore_command, check_data, move_client, readmit_client, send_digest)


def init_app(app: Flask) -> None:
    """Attach the console's commands to ``app``."""
    for command in COMMANDS:
        app.cli.add_command(command)
