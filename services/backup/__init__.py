"""Backup and restore: the database and the uploaded files in one checked archive.

``create_backup`` takes a consistent snapshot while the console keeps running (SQLite's
online backup API; ``pg_dump`` on an exported snapshot for PostgreSQL), adds every file under
UPLOAD_FOLDER (client photos, contract scans) and a manifest: rows and a content checksum per
table, sha256 per file, the schema revision. ``restore_backup`` checks an archive against its
manifest, refuses a non-empty target unless told to replace it, restores the database in one
transaction and checks the result again (integrity, rows, checksums, files).

The parts: ``manifest`` (format, checksums, checks, upload folder), ``engines`` (SQLite and
PostgreSQL specifics), ``archive`` (writing), ``restore``. Re-exported here: what cli.py and
the tests use.
"""

from services.backup.archive import create_backup
from services.backup.engines import find_tool, version_problem
from services.backup.manifest import (
    ARCHIVE_NAME,
    STAGING_PREFIX,
    BackupError,
    database_digests,
    integrity_problems,
    schema_advice,
    upload_files,
)
from services.backup.restore import restore_backup

__all__ = [
    "ARCHIVE_NAME",
    "STAGING_PREFIX",
    "BackupError",
    "create_backup",
    "database_digests",
    "find_tool",
    "integrity_problems",
    "restore_backup",
    "schema_advice",
    "upload_files",
    "version_problem",
]
