"""Writing an archive: snapshot, uploaded files and manifest; pruning older archives."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from models import db
from services.backup.engines import _snapshot_postgresql, _snapshot_sqlite
from services.backup.manifest import (
    ARCHIVE_NAME,
    DATABASE_MEMBERS,
    FORMAT,
    MANIFEST,
    UPLOADS,
    BackupError,
    BackupResult,
    _upload_root,
    upload_files,
)


def default_backup_dir() -> Path:
    """Where archives go unless told otherwise: instance/backups."""
    return Path(current_app.instance_path) / "backups"


class _HashingReader:
    """Reads a file for tarfile and hashes exactly the bytes that go into the archive."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.sha256.update(data)
        return data


def _member(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    return info


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any] | None:
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        # Removed since it was listed (a record changed after the snapshot): nothing to keep.
        return None
    with fh:
        stat = os.fstat(fh.fileno())
        reader = _HashingReader(fh)
        tar.addfile(_member(name, stat.st_size, stat.st_mtime), reader)
    return {"size": stat.st_size, "sha256": reader.sha256.hexdigest()}


def _publish(part: Path, folder: Path, stamp: str) -> Path:
    """Give the finished archive its name, never replacing another archive."""
    for n in range(1, 1000):
        suffix = "" if n == 1 else f"-{n}"
        final = folder / f"panti-backup-{stamp}{suffix}.tar.gz"
        try:
            os.link(part, final)
        except FileExistsError:
            continue
        except OSError:
            # No hard links on this file system (some network shares): a plain rename.
            if final.exists():
                continue
            os.replace(part, final)
        return final
    raise BackupError(_("Terlalu banyak cadangan dengan waktu %(s)s.", s=stamp))


def _local_now() -> datetime:
    return datetime.now(ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")))


def create_backup(output_dir: Path | str | None = None, keep: int | None = None) -> BackupResult:
    """Write ``panti-backup-YYYYMMDD-HHMMSS.tar.gz`` (database, uploads, manifest) to the folder.

    Safe while the console is in use. ``keep`` then removes all but the newest ``keep``
    archives of that folder.
    """
    engine = db.engine.dialect.name
    if engine not in DATABASE_MEMBERS:
        raise BackupError(_("Basis data %(e)s tidak didukung untuk cadangan.", e=engine))
    folder = Path(output_dir) if output_dir else default_backup_dir()
    if folder.resolve().is_relative_to(_upload_root().resolve()):
        # Each archive would then hold the ones before it.
        raise BackupError(_("Folder cadangan %(f)s ada di dalam folder unggahan; pilih folder "
                            "lain dengan --output.", f=folder))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the archives hold case records
    now = _local_now()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    # The snapshot sits next to the archive (same disk, private), not in a shared /tmp.
    with tempfile.TemporaryDirectory(prefix=".work-", dir=folder) as tmp:
        work = Path(tmp)
        snapshot = _snapshot_sqlite if engine == "sqlite" else _snapshot_postgresql
        dump, details = snapshot(work)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": now.astimezone(timezone.utc).isoformat(timespec="seconds"),
            "engine": engine,
            **details,
        }
        part = work / "archive.part"
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                entry = _add_file(tar, dump, DATABASE_MEMBERS[engine])
                manifest["database"] = {"member": DATABASE_MEMBERS[engine], **(entry or {})}
                # Files after the snapshot: every file a record of the snapshot names was
                # stored before that record was committed, so it is on disk now.
                files = {}
                for name, path in upload_files():
                    entry = _add_file(tar, path, UPLOADS + name)
                    if entry is not None:
                        files[name] = entry
                manifest["files"] = files
                data = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False)
                encoded = data.encode("utf-8")
                tar.addfile(_member(MANIFEST, len(encoded), now.timestamp()),
                            io.BytesIO(encoded))
            raw.flush()
            os.fsync(raw.fileno())
        final = _publish(part, folder, stamp)
    pruned = prune_backups(folder, keep) if keep else []
    return BackupResult(path=final, manifest=manifest, pruned=pruned)


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` archives in ``folder`` (by the time in their name)."""
    if keep < 1:
        raise BackupError(_("--keep minimal 1."))
    archives = []
    for path in Path(folder).iterdir():
        match = ARCHIVE_NAME.match(path.name)
        if match and path.is_file():
            archives.append(((match.group(1), int(match.group(2) or 1)), path))
    archives.sort(reverse=True)
    removed = [path for _key, path in archives[keep:]]
    for path in removed:
        path.unlink()
    return sorted(removed)
