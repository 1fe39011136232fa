"""Click commands ``flask backup`` and ``flask restore`` (the work is in services/backup.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from services.backup import BackupError, create_backup, restore_backup, schema_advice


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
