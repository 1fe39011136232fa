"""The archive format, checksums and checks of the app's database, the upload folder.

A table's checksum is the sum of a 64-bit hash per row, so it does not depend on row order
(collations may differ between servers). SQLite hashes the rows' Python values; PostgreSQL
hashes each row's text on the server under fixed output settings, which lets the restore
transaction check itself and roll back on a mismatch.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Connection

from models import db
from models.client_search import is_search_object

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


# --- checksums and checks of the app's database -----------------------------------------------

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
    # Client search's index is derived from the clients (an empty one holds its own setup).
    return {name: n for name, n in counts.items()
            if n and name not in BOOKKEEPING_TABLES and not is_search_object(name)}


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


# --- upload folder ----------------------------------------------------------------------------

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


# --- the manifest of an archive ---------------------------------------------------------------

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
