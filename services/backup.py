"""Backup and restore: the database and the uploaded files in one checked archive.

``create_backup`` takes a consistent snapshot while the console keeps running (SQLite's
online backup API; ``pg_dump`` on an exported snapshot for PostgreSQL), adds every file under
UPLOAD_FOLDER (client photos, contract scans) and a manifest: rows and a content checksum per
table, sha256 per file, the schema revision. ``restore_backup`` checks an archive against its
manifest, refuses a non-empty target unless told to replace it, restores the database in one
transaction and checks the result again (integrity, rows, checksums, files).

A table's checksum is the sum of a 64-bit hash per row, so it does not depend on row order
(collations may differ between servers). SQLite hashes the rows' Python values; PostgreSQL
hashes each row's text on the server under fixed output settings, which lets the restore
transaction check itself and roll back on a mismatch.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Connection

from models import db

FORMAT = "panti-backup/1"
MANIFEST = "manifest.json"
UPLOADS = "uploads/"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.sql"}
ARCHIVE_NAME = re.compile(r"^panti-backup-(\d{8}-\d{6})(?:-(\d+))?\.tar\.gz$")
# Work folders inside UPLOAD_FOLDER (same file system, so moving files in is a rename); a
# backup skips them and they do not make the folder count as in use.
STAGING_PREFIX = ".restore-"
# Holds only the schema revision: a freshly migrated, empty database still counts as empty.
BOOKKEEPING_TABLES = frozenset({"alembic_version"})
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MANIFEST_MAX_BYTES = 16 * 1024 * 1024
CHUNK = 1024 * 1024

# Row text on PostgreSQL must not depend on the session: the same settings at backup and in
# the restore transaction.
PG_ROW_TEXT_SETTINGS = (
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'postgres'",
    "SET LOCAL extra_float_digits = 3",
    "SET LOCAL bytea_output = 'hex'",
)
PG_ROW_SUM = ("coalesce(sum(('x' || left(encode(sha256(convert_to(ROW(t.*)::text, 'UTF8')),"
              " 'hex'), 16))::bit(64)::bigint), 0)::text")


class BackupError(RuntimeError):
    """A backup or restore cannot be done as asked; the message says why and what is unchanged."""


@dataclass
class BackupResult:
    """A written archive, its manifest and the older archives removed by ``keep``."""

    path: Path
    manifest: dict[str, Any]
    pruned: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    """What a restore put back, checked against the archive's manifest."""

    manifest: dict[str, Any]
    tables: dict[str, dict[str, Any]]
    files: int


# --- checksums and checks of the app's database ------------------------------------------------

def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big", signed=True)


def _sqlite_digests(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%'"
        " ESCAPE '\\'")]
    digests = {}
    for name in sorted(names):
        rows = total = 0
        for row in conn.execute(f"SELECT * FROM {_quote(name)}"):
            rows += 1
            total += _row_hash(repr(tuple(row)))
        digests[name] = {"rows": rows, "checksum": str(total)}
    return digests


def _pg_tables(conn: Connection, schema: str) -> list[str]:
    return sorted(conn.exec_driver_sql(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = %(s)s",
        {"s": schema}).scalars())


def _pg_digests(conn: Connection, schema: str) -> dict[str, dict[str, Any]]:
    for setting in PG_ROW_TEXT_SETTINGS:
        conn.exec_driver_sql(setting)
    digests = {}
    for name in _pg_tables(conn, schema):
        rows, checksum = conn.exec_driver_sql(
            f"SELECT count(*), {PG_ROW_SUM} FROM {_quote(schema)}.{_quote(name)} AS t").one()
        digests[name] = {"rows": rows, "checksum": checksum}
    return digests


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(_("Basis data SQLite di memori tidak dapat dicadangkan atau dipulihkan."))
    return Path(database)


def _sqlite_connect(path: Path, mode: str, timeout: float = 30) -> sqlite3.Connection:
    """A plain connection (none of the app's pragmas); ``mode`` ro/rw never creates a file.

    The live database is opened "rw" even to read: read-only opening of a WAL file fails
    when no other connection has created its shared-memory file.
    """
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode={mode}", uri=True, timeout=timeout)


def database_digests() -> dict[str, dict[str, Any]]:
    """Rows and content checksum of every table of the app's database."""
    if db.engine.dialect.name == "sqlite":
        path = _sqlite_path()
        if not path.exists():
            return {}
        with closing(_sqlite_connect(path, "rw")) as conn:
            return _sqlite_digests(conn)
    with db.engine.connect() as conn:
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
        digests = _pg_digests(conn, schema)
        conn.rollback()
        return digests


def _sqlite_problems(conn: sqlite3.Connection) -> list[str]:
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        problems.append(_("Baris %(r)s di tabel %(t)s merujuk %(p)s yang tidak ada.",
                          r=rowid, t=table, p=parent))
    return problems


def integrity_problems() -> list[str]:
    """SQLite's integrity and foreign-key checks of the app's database (empty when sound).

    PostgreSQL enforces its constraints while a dump is loaded; there the comparison of rows and
    checksums with the manifest is the check.
    """
    if db.engine.dialect.name != "sqlite":
        return []
    with closing(_sqlite_connect(_sqlite_path(), "rw")) as conn:
        return _sqlite_problems(conn)


def _compare(expected: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]) -> list[str]:
    """Differences between the manifest's tables and a database's, in the users' words."""
    problems = []
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            problems.append(_("Tabel %(t)s tidak ada.", t=name))
        elif name not in expected:
            problems.append(_("Tabel %(t)s tidak ada di manifes.", t=name))
        elif found[name]["rows"] != expected[name]["rows"]:
            problems.append(_("Tabel %(t)s: %(n)s baris, manifes %(m)s.", t=name,
                              n=found[name]["rows"], m=expected[name]["rows"]))
        elif found[name]["checksum"] != expected[name]["checksum"]:
            problems.append(_("Tabel %(t)s: isi berbeda dari manifes (checksum).", t=name))
    return problems


def _occupied_tables() -> dict[str, int]:
    """Tables of the app's database holding rows (bookkeeping aside), with their counts."""
    counts: dict[str, int] = {}
    if db.engine.dialect.name == "sqlite":
        path = _sqlite_path()
        if not path.exists():
            return counts
        with closing(_sqlite_connect(path, "rw")) as conn:
            names = [row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")]
            for name in names:
                counts[name] = conn.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]
    else:
        with db.engine.connect() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
            for name in _pg_tables(conn, schema):
                counts[name] = conn.exec_driver_sql(
                    f"SELECT count(*) FROM {_quote(schema)}.{_quote(name)}").scalar()
            conn.rollback()
    return {name: n for name, n in counts.items() if n and name not in BOOKKEEPING_TABLES}


def _schema_revision(rows: Iterable[Any]) -> str | None:
    versions = sorted(str(row[0]) for row in rows)
    return ",".join(versions) or None


def schema_advice(revision: str | None) -> str | None:
    """What to do when a restored schema revision is not this code's newest one (else None)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    migrate = current_app.extensions.get("migrate")
    if not revision or migrate is None:
        return None
    script = ScriptDirectory(migrate.directory)
    head = script.get_current_head()
    if revision == head:
        return None
    try:
        script.get_revision(revision)
    except CommandError:
        return _("Revisi skema arsip %(a)s tidak dikenal kode ini (terbaru %(b)s): arsip dari "
                 "versi konsol yang lebih baru. Perbarui kodenya sebelum memulai konsol.",
                 a=revision, b=head)
    return _("Revisi skema arsip %(a)s lebih lama dari kode (%(b)s): jalankan `flask db "
             "upgrade` sebelum memulai konsol.", a=revision, b=head)


# --- upload folder ------------------------------------------------------------------------------

def _upload_root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def upload_files(root: Path | None = None) -> Iterator[tuple[str, Path]]:
    """Every regular file under the upload folder as (relative posix name, path), sorted."""
    root = root or _upload_root()
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == root:
            dirnames[:] = [d for d in dirnames if not d.startswith(STAGING_PREFIX)]
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def sha256_of(path: Path) -> str:
    """The sha256 of a file's content, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- backup -------------------------------------------------------------------------------------

def default_backup_dir() -> Path:
    """Where archives go unless told otherwise: instance/backups."""
    return Path(current_app.instance_path) / "backups"


def find_tool(name: str) -> str:
    """The path of a PostgreSQL client program, or a message saying how to get it."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(_(
            "Program %(p)s tidak ditemukan. Pasang klien PostgreSQL (paket postgresql-client, "
            "versi yang sama dengan server) atau tambahkan foldernya ke PATH.", p=name))
    return path


def tool_major(path: str) -> int:
    """Major version of a PostgreSQL client program (``pg_dump --version``)."""
    output = subprocess.run([path, "--version"], capture_output=True, text=True,
                            check=False).stdout
    match = re.search(r"\)\s*(\d+)", output) or re.search(r"(\d+)", output)
    if not match:
        raise BackupError(_("Versi %(p)s tidak terbaca: %(o)s", p=path, o=output.strip()))
    return int(match.group(1))


def version_problem(tool: str, tool_version: int, server_version: int) -> str | None:
    """Why ``pg_dump`` of ``tool_version`` must not dump a server of ``server_version``.

    An older pg_dump cannot read a newer server, and a newer one writes dumps that an older
    server may not load (not even the one they came from): the major versions must match.
    """
    if tool_version == server_version:
        return None
    if tool_version < server_version:
        reason = _("%(p)s versi %(c)s lebih lama dari server PostgreSQL %(s)s.",
                   p=tool, c=tool_version, s=server_version)
    else:
        reason = _("%(p)s versi %(c)s lebih baru dari server PostgreSQL %(s)s; hasilnya belum "
                   "tentu dapat dipulihkan ke server %(s)s.", p=tool, c=tool_version,
                   s=server_version)
    return reason + " " + _("Pasang klien PostgreSQL %(s)s (postgresql-client-%(s)s) dan "
                            "letakkan foldernya di awal PATH.", s=server_version)


def _libpq_target() -> tuple[str, dict[str, str]]:
    """A libpq URI of the app's database and an environment carrying its password."""
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # kept off the command line (visible in ps)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool_error(result: subprocess.CompletedProcess) -> str:
    """The error lines of pg_dump/psql without their prefixes."""
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    marker = re.compile(r"\b(?:ERROR|FATAL|error):\s*")
    errors = [marker.split(line, maxsplit=1)[-1] for line in lines if marker.search(line)]
    return " ".join(errors or lines[-3:]) or f"exit {result.returncode}"


def _snapshot_sqlite(work: Path) -> tuple[Path, dict[str, Any]]:
    source_path = _sqlite_path()
    if not source_path.exists():
        raise BackupError(_("Basis data %(f)s tidak ada.", f=source_path))
    copy = work / DATABASE_MEMBERS["sqlite"]
    # One backup step copies every page under one read transaction: a snapshot of what was
    # committed, while writers (WAL) carry on; an open write transaction is not in it.
    with closing(_sqlite_connect(source_path, "rw")) as source, \
            closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    with closing(sqlite3.connect(copy)) as conn:
        # A plain rollback-journal file opens anywhere, read-only included.
        conn.execute("PRAGMA journal_mode=DELETE")
        tables = _sqlite_digests(conn)
        revision = None
        if "alembic_version" in tables:
            revision = _schema_revision(conn.execute("SELECT version_num FROM alembic_version"))
    return copy, {"tables": tables, "schema_revision": revision}


def _snapshot_postgresql(work: Path) -> tuple[Path, dict[str, Any]]:
    pg_dump = find_tool("pg_dump")
    dump = work / DATABASE_MEMBERS["postgresql"]
    uri, env = _libpq_target()
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ")
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        server = int(conn.exec_driver_sql("SHOW server_version_num").scalar()) // 10000
        dump_major = tool_major(pg_dump)
        problem = version_problem("pg_dump", dump_major, server)
        if problem:
            raise BackupError(problem)
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
        # pg_dump reads the snapshot this transaction holds, so the dump and the checksums
        # below describe the same moment.
        snapshot = conn.exec_driver_sql("SELECT pg_catalog.pg_export_snapshot()").scalar()
        result = subprocess.run(
            [pg_dump, "--format=plain", "--no-owner", "--no-privileges",
             f"--schema={_quote(schema)}", f"--snapshot={snapshot}", "--lock-wait-timeout=60s",
             "--file", str(dump), "--dbname", uri],
            capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0:
            raise BackupError(_("pg_dump gagal: %(e)s", e=_tool_error(result)))
        tables = _pg_digests(conn, schema)
        revision = None
        if "alembic_version" in tables:
            revision = _schema_revision(conn.exec_driver_sql(
                f"SELECT version_num FROM {_quote(schema)}.alembic_version"))
        server_version = conn.exec_driver_sql("SHOW server_version").scalar().split()[0]
        conn.rollback()
    return dump, {"tables": tables, "schema_revision": revision, "postgresql": {
        "server_major": server, "pg_dump_major": dump_major, "server_version": server_version,
        "schema": schema}}


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


# --- restore ------------------------------------------------------------------------------------

def _refuse_manifest(detail: str) -> BackupError:
    return BackupError(_("Manifes arsip tidak sah (%(d)s). Tidak ada yang dipulihkan.", d=detail))


def _read_manifest(data: bytes) -> dict[str, Any]:
    """The manifest, checked for the shape a restore relies on."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _refuse_manifest(str(exc)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse_manifest(_("format bukan %(f)s", f=FORMAT))
    engine = manifest.get("engine")
    database = manifest.get("database")
    if engine not in DATABASE_MEMBERS or not isinstance(database, dict) \
            or database.get("member") != DATABASE_MEMBERS[engine] \
            or not isinstance(database.get("sha256"), str):
        raise _refuse_manifest(_("bagian basis data"))
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not all(
            isinstance(name, str) and TABLE_NAME.match(name) and isinstance(entry, dict)
            and isinstance(entry.get("rows"), int) and entry["rows"] >= 0
            and isinstance(entry.get("checksum"), str)
            and re.fullmatch(r"-?\d+", entry["checksum"])
            for name, entry in tables.items()):
        raise _refuse_manifest(_("daftar tabel"))
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
            isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
            for entry in files.values()):
        raise _refuse_manifest(_("daftar berkas"))
    if engine == "postgresql":
        pg = manifest.get("postgresql")
        if not isinstance(pg, dict) or not all(
                isinstance(pg.get(key), int) for key in ("server_major", "pg_dump_major")) \
                or not isinstance(pg.get("schema"), str) or not TABLE_NAME.match(pg["schema"]):
            raise _refuse_manifest(_("bagian PostgreSQL"))
    return manifest


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


def _restore_sqlite(dump: Path, manifest: dict[str, Any]) -> None:
    with closing(_sqlite_connect(dump, "ro")) as conn:
        problems = _sqlite_problems(conn) + _compare(manifest["tables"], _sqlite_digests(conn))
    if problems:
        raise BackupError(_("Basis data di arsip tidak lolos pemeriksaan: %(p)s. Tidak ada yang "
                            "dipulihkan.", p="; ".join(problems)))
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    db.engine.dispose()
    try:
        # The backup API replaces every page of the target in one write transaction.
        with closing(_sqlite_connect(dump, "ro")) as source, \
                closing(_sqlite_connect(target, "rwc", timeout=5)) as destination:
            source.backup(destination)
    except sqlite3.OperationalError as exc:
        raise BackupError(_("Basis data tujuan sedang dipakai (%(e)s). Hentikan konsol lalu "
                            "ulangi; tidak ada yang diubah.", e=exc)) from exc


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _verify_sql(manifest: dict[str, Any], schema: str) -> str:
    """A check run inside the restore transaction: a mismatch raises and rolls it all back."""
    tables = manifest["tables"]
    lines = [f"{setting};" for setting in PG_ROW_TEXT_SETTINGS]
    lines += ["DO $verify$", "DECLARE n bigint; s text; names text;", "BEGIN",
              "SELECT string_agg(tablename::text, ',' ORDER BY tablename) INTO names"
              f" FROM pg_catalog.pg_tables WHERE schemaname = {_sql_literal(schema)};",
              f"IF names IS DISTINCT FROM {_sql_literal(','.join(sorted(tables)))} THEN",
              "RAISE EXCEPTION USING MESSAGE = "
              f"{_sql_literal(_('Daftar tabel tidak sama dengan manifes arsip.'))};",
              "END IF;"]
    for name, entry in sorted(tables.items()):
        message = _("Tabel %(t)s tidak sama dengan manifes arsip (baris atau checksum).", t=name)
        lines += [f"SELECT count(*), {PG_ROW_SUM} INTO n, s"
                  f" FROM {_quote(schema)}.{_quote(name)} AS t;",
                  f"IF n <> {int(entry['rows'])} OR s <> {_sql_literal(entry['checksum'])} THEN",
                  f"RAISE EXCEPTION USING MESSAGE = {_sql_literal(message)};",
                  "END IF;"]
    lines += ["END", "$verify$;"]
    return "\n".join(lines) + "\n"


def _restore_postgresql(dump: Path, manifest: dict[str, Any]) -> None:
    pg = manifest["postgresql"]
    psql = find_tool("psql")
    problems = []
    if tool_major(psql) < pg["pg_dump_major"]:
        problems.append(_("psql versi %(c)s lebih lama dari pg_dump %(d)s yang membuat arsip. "
                          "Pasang klien PostgreSQL %(d)s (postgresql-client-%(d)s).",
                          c=tool_major(psql), d=pg["pg_dump_major"]))
    with db.engine.connect() as conn:
        server = int(conn.exec_driver_sql("SHOW server_version_num").scalar()) // 10000
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
        conn.rollback()
    if server < pg["server_major"]:
        problems.append(_("Arsip dibuat dari PostgreSQL %(a)s; server tujuan %(b)s lebih lama. "
                    "Pulihkan ke server %(a)s atau lebih baru.", a=pg["server_major"], b=server))
    if schema != pg["schema"]:
        problems.append(_("Arsip berisi skema %(a)s, basis data tujuan memakai skema %(b)s.",
                          a=pg["schema"], b=schema))
    if problems:
        raise BackupError(" ".join([*problems, _("Tidak ada yang diubah.")]))
    uri, env = _libpq_target()
    work = dump.parent
    # The dump creates its schema: drop the target's first (inside the same transaction).
    (work / "before.sql").write_text("SET client_min_messages = warning;\n"
                                     f"DROP SCHEMA IF EXISTS {_quote(schema)} CASCADE;\n")
    (work / "verify.sql").write_text(_verify_sql(manifest, schema), encoding="utf-8")
    db.engine.dispose()
    result = subprocess.run(
        [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "--dbname", uri,
         "-f", str(work / "before.sql"), "-f", str(dump), "-f", str(work / "verify.sql")],
        capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise BackupError(_("Pemulihan PostgreSQL dibatalkan; basis data tujuan tidak berubah. "
                            "%(e)s", e=_tool_error(result)))


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
