"""Per-engine work: SQLite's online backup API, pg_dump on an exported snapshot, psql."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from models import db
from services.backup.manifest import (
    DATABASE_MEMBERS,
    PG_ROW_SUM,
    PG_ROW_TEXT_SETTINGS,
    BackupError,
    _compare,
    _pg_digests,
    _quote,
    _schema_revision,
    _sqlite_connect,
    _sqlite_digests,
    _sqlite_path,
    _sqlite_problems,
)

# --- PostgreSQL client programs ---------------------------------------------------------------

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


# --- snapshots --------------------------------------------------------------------------------

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
        # The schema's tables, and the extension client search's indexes use (a restore
        # drops the schema, and the extension in it, before it recreates both).
        result = subprocess.run(
            [pg_dump, "--format=plain", "--no-owner", "--no-privileges",
             f"--schema={_quote(schema)}", "--extension=pg_trgm", f"--snapshot={snapshot}",
             "--lock-wait-timeout=60s",
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


# --- restoring the database -------------------------------------------------------------------

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
