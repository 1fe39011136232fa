"""Restoring an archive: unpack and check it, put the database and the files back."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from flask_babel import gettext as _

from models import db
from services.backup.engines import _restore_postgresql, _restore_sqlite
from services.backup.manifest import (
    CHUNK,
    DATABASE_MEMBERS,
    MANIFEST,
    MANIFEST_MAX_BYTES,
    STAGING_PREFIX,
    UPLOADS,
    BackupError,
    RestoreResult,
    _compare,
    _occupied_tables,
    _read_manifest,
    _upload_root,
    database_digests,
    integrity_problems,
    sha256_of,
    upload_files,
)


def _staging_target(staging: Path, name: str) -> Path | None:
    """Where an archive member goes in the staging folder; None for a name not ours."""
    if name in DATABASE_MEMBERS.values():
        return staging / "database" / name
    if not name.startswith(UPLOADS) or "\\" in name:
        return None
    relative = name[len(UPLOADS):]
    parts = PurePosixPath(relative).parts
    if not parts or "/".join(parts) != relative or any(p in ("", ".", "..") for p in parts) \
            or parts[0].startswith(STAGING_PREFIX):
        return None
    return staging / "uploads" / relative


def _unpack(archive: Path, staging: Path) -> tuple[dict[str, Any], Path]:
    """Extract the archive into ``staging`` and check every member against the manifest."""
    found: dict[str, dict[str, Any]] = {}
    manifest_data = None
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST and member.isfile() \
                        and member.size <= MANIFEST_MAX_BYTES and manifest_data is None:
                    with tar.extractfile(member) as src:
                        manifest_data = src.read()
                    continue
                target = _staging_target(staging, member.name)
                if target is None or not member.isfile() or member.name in found:
                    raise BackupError(_(
                        "Arsip berisi entri yang bukan bagian cadangan Panti: %(n)s. "
                        "Tidak ada yang dipulihkan.", n=member.name))
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(member) as src, open(target, "xb") as out:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                found[member.name] = {"size": member.size, "sha256": digest.hexdigest()}
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BackupError(_("Arsip %(f)s rusak atau bukan arsip cadangan Panti (%(e)s). "
                            "Tidak ada yang dipulihkan.", f=archive.name, e=exc)) from exc
    except OSError as exc:  # e.g. a file and a folder of the same name, or a full disk
        raise BackupError(_("Arsip %(f)s tidak dapat dibongkar (%(e)s). Tidak ada yang "
                            "dipulihkan.", f=archive.name, e=exc)) from exc
    if manifest_data is None:
        raise BackupError(_("Arsip %(f)s tidak memuat manifest.json. Tidak ada yang dipulihkan.",
                            f=archive.name))
    manifest = _read_manifest(manifest_data)
    expected = {manifest["database"]["member"]: manifest["database"]}
    expected.update({UPLOADS + name: entry for name, entry in manifest["files"].items()})
    problems = []
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            problems.append(_("%(n)s hilang", n=name))
        elif name not in expected:
            problems.append(_("%(n)s tidak ada di manifes", n=name))
        elif found[name]["sha256"] != expected[name]["sha256"]:
            problems.append(_("isi %(n)s berubah (sha256)", n=name))
    if problems:
        raise BackupError(_("Arsip tidak cocok dengan manifesnya: %(p)s. Arsip rusak atau "
                            "diubah; tidak ada yang dipulihkan.", p="; ".join(problems)))
    return manifest, staging / "database" / manifest["database"]["member"]


def _check_compatible(manifest: dict[str, Any], engine: str) -> None:
    if manifest["engine"] != engine:
        raise BackupError(_("Arsip ini berisi basis data %(a)s, basis data tujuan %(b)s. "
                            "Pulihkan ke jenis basis data yang sama; tidak ada yang diubah.",
                            a=manifest["engine"], b=engine))


def _swap_uploads(root: Path, staged: Path) -> None:
    """Put the restored files in place of the folder's content (renames on one file system)."""
    old = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + "old-", dir=root))
    for entry in sorted(root.iterdir()):
        if not entry.name.startswith(STAGING_PREFIX):
            entry.rename(old / entry.name)
    if staged.exists():
        for entry in sorted(staged.iterdir()):
            entry.rename(root / entry.name)
    shutil.rmtree(old)


def _refuse_non_empty() -> None:
    occupied = _occupied_tables()
    files = sum(1 for _item in upload_files())
    reasons = []
    if occupied:
        biggest = sorted(occupied.items(), key=lambda item: (-item[1], item[0]))[:3]
        reasons.append(_("basis data berisi data (%(t)s)", t=", ".join(
            _("%(t)s: %(n)s baris", t=name, n=n) for name, n in biggest)))
    if files:
        reasons.append(_("folder unggahan berisi %(n)s berkas", n=files))
    if reasons:
        raise BackupError(_(
            "Pemulihan ditolak: %(r)s. Tidak ada yang diubah. Untuk menimpa semuanya dengan isi "
            "arsip, ulangi dengan --replace.", r="; ".join(reasons)))


def restore_backup(archive: Path | str, replace: bool = False) -> RestoreResult:
    """Restore an archive into the app's database and upload folder, then check the result.

    Refuses (changing nothing) a damaged or altered archive, one of another database engine,
    and a target holding data unless ``replace`` is given.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("Berkas arsip %(f)s tidak ada.", f=archive))
    engine = db.engine.dialect.name
    if not replace:
        _refuse_non_empty()
    root = _upload_root()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        manifest, dump = _unpack(archive, staging)
        _check_compatible(manifest, engine)
        restore: Callable[[Path, dict[str, Any]], None] = (
            _restore_sqlite if engine == "sqlite" else _restore_postgresql)
        restore(dump, manifest)
        _swap_uploads(root, staging / "uploads")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    db.engine.dispose()  # pooled connections may hold plans of the replaced tables
    tables = database_digests()
    problems = integrity_problems() + _compare(manifest["tables"], tables)
    present = dict(upload_files())
    for name, entry in sorted(manifest["files"].items()):
        if name not in present or sha256_of(present[name]) != entry["sha256"]:
            problems.append(_("Berkas %(n)s tidak sama dengan arsip.", n=name))
    if problems:
        raise BackupError(_("Pemulihan selesai tetapi pemeriksaan gagal: %(p)s",
                            p="; ".join(problems)))
    return RestoreResult(manifest=manifest, tables=tables, files=len(manifest["files"]))
