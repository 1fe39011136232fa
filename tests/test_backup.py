"""Backup and restore: a consistent archive while the console is in use, an equal copy after.

Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set (the restore then goes into a
second database, ``<test database>_restore``, which the fixture creates).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import shutil
import tarfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, insert, make_url, select
from werkzeug.security import generate_password_hash

import models.user
from app import create_app
from models import Client, Room, ServiceContract, db
from seed.demo import load_demo
from services.backup import (
    ARCHIVE_NAME,
    STAGING_PREFIX,
    BackupError,
    create_backup,
    database_digests,
    find_tool,
    integrity_problems,
    restore_backup,
    schema_advice,
    upload_files,
    version_problem,
)

from .conftest import post_form

DEMO_PASSWORD = "kopi-tubruk-pagi-2026"
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16
SCAN = b"%PDF-1.4\n" + hashlib.sha256(b"kontrak").digest() * 64 + b"\n%%EOF\n"


def _needs_pg_tools(app) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        missing = [tool for tool in ("pg_dump", "psql") if shutil.which(tool) is None]
        if missing:
            pytest.skip(f"{' and '.join(missing)} not on PATH: PostgreSQL backup tests skipped")


@dataclass
class DemoBackup:
    archive: Path
    manifest: dict
    digests: dict  # of the source database at backup time
    files: dict[str, bytes]  # the source's upload folder at backup time
    photo: str
    contract_id: int
    rooms_after: int  # rooms once the transaction held open during the backup committed


@pytest.fixture(scope="module")
def demo_backup(app, tmp_path_factory):
    """The demo data, a photo and a contract scan, backed up while another connection holds
    an uncommitted insert."""
    _needs_pg_tools(app)
    uploads = Path(app.config["UPLOAD_FOLDER"])
    written = [uploads / "photos" / "b4c3a2d1.png", uploads / "contracts" / "e5f6a7b8.pdf"]
    with app.app_context(), pytest.MonkeyPatch.context() as patch:
        # Cheap password hashes for the five demo accounts: hashing is not under test here.
        patch.setattr(models.user, "generate_password_hash",
                      functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))
        load_demo(DEMO_PASSWORD)
        client = db.session.scalars(select(Client).order_by(Client.id)).first()
        contract = db.session.scalars(select(ServiceContract).order_by(ServiceContract.id)).first()
        for path, content in zip(written, (PHOTO, SCAN), strict=True):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        client.photo, contract.scan = written[0].name, written[1].name
        db.session.commit()
        contract_id = contract.id
        digests = database_digests()
        files = {name: path.read_bytes() for name, path in upload_files()}
        with db.engine.connect() as writer:
            writer.execute(insert(Room).values(name="Ruang Belum Disimpan", capacity=4))
            result = create_backup(tmp_path_factory.mktemp("backups"))
            writer.commit()
        rooms_after = db.session.scalar(select(func.count(Room.id)))
        db.session.remove()
    yield DemoBackup(result.path, result.manifest, digests, files, written[0].name,
                     contract_id, rooms_after)
    for path in written:
        path.unlink(missing_ok=True)


def _restore_url(app) -> str:
    """A second database next to the PostgreSQL test database (created when missing)."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{url.database}_restore" + (f"_{worker}" if worker else "")
    server = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(False)


@pytest.fixture(scope="module")
def second_console(app, tmp_path_factory):
    """Another console with its own database and upload folder, to restore into."""
    _needs_pg_tools(app)
    base = tmp_path_factory.mktemp("restored")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        url = _restore_url(app)
    else:
        url = f"sqlite:///{base / 'restored.db'}"
    other = create_app({"TESTING": True, "SECRET_KEY": "test-only-secret",
                        "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(base / "up")})
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def target(second_console):
    """The second console reset: the schema in place (as after ``flask db upgrade``), no rows,
    an empty upload folder."""
    uploads = Path(second_console.config["UPLOAD_FOLDER"])
    shutil.rmtree(uploads, ignore_errors=True)
    uploads.mkdir()
    with second_console.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        else:
            db.engine.dispose()
            for path in Path(db.engine.url.database).parent.glob("restored.db*"):
                path.unlink()
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    return second_console


def _state(app) -> tuple[dict, dict[str, bytes], list[str]]:
    """Tables, files and leftover work folders of a console's database and upload folder."""
    with app.app_context():
        digests = database_digests()
        db.engine.dispose()
    root = Path(app.config["UPLOAD_FOLDER"])
    files = {name: path.read_bytes() for name, path in upload_files(root)}
    return digests, files, sorted(p.name for p in root.glob(STAGING_PREFIX + "*"))


def _restore(app, archive: Path, *extra: str):
    return app.test_cli_runner().invoke(args=["restore", str(archive), *extra])


def test_backup_during_an_open_write_transaction_holds_the_committed_state(demo_backup):
    archive, manifest = demo_backup.archive, demo_backup.manifest
    assert ARCHIVE_NAME.match(archive.name)
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    # Exactly what was committed: the insert still open during the backup is not in it.
    assert manifest["tables"] == demo_backup.digests
    assert manifest["tables"]["room"]["rows"] == demo_backup.rooms_after - 1
    assert manifest["tables"]["client"]["rows"] == 60
    assert manifest["files"] == {
        name: {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        for name, content in demo_backup.files.items()}
    assert {f"photos/{demo_backup.photo}", "contracts/e5f6a7b8.pdf"} <= set(manifest["files"])
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0] == manifest["database"]["member"] and names[-1] == "manifest.json"
    assert sorted(names[1:-1]) == sorted("uploads/" + name for name in manifest["files"])


def test_saves_during_the_backup_do_not_split_it(app, target, tmp_path):
    """Others keep committing while the backup runs: database and manifest show one moment."""
    with app.app_context():
        engine, saved, failures, stop = db.engine, [], [], threading.Event()

        def keep_saving():
            try:
                while not stop.is_set():
                    with engine.begin() as conn:
                        conn.execute(insert(Room).values(name=f"Ruang {len(saved)}", capacity=2))
                    saved.append(1)
            except Exception as exc:  # reported by the assertion below
                failures.append(exc)

        others = threading.Thread(target=keep_saving)
        others.start()
        try:
            while len(saved) < 3 and others.is_alive():
                time.sleep(0.005)
            before = len(saved)
            manifest = create_backup(tmp_path).manifest
            after = len(saved)
        finally:
            stop.set()
            others.join()
        db.engine.dispose()
    assert failures == []
    assert before < after  # saves were committed while the backup ran
    assert before <= manifest["tables"]["room"]["rows"] <= after
    archive = next(tmp_path.glob("panti-backup-*.tar.gz"))
    with target.app_context():
        restored = restore_backup(archive)  # checks the restored tables against the manifest
        db.engine.dispose()
    assert restored.tables == manifest["tables"]


def test_restore_into_an_empty_console_equals_the_source(demo_backup, target):
    result = _restore(target, demo_backup.archive)
    assert result.exit_code == 0, result.output
    assert "Pemulihan selesai" in result.output
    assert "Pemeriksaan integritas: baik" in result.output
    digests, files, leftovers = _state(target)
    assert digests == demo_backup.digests
    assert files == demo_backup.files
    assert leftovers == []
    with target.app_context():
        assert integrity_problems() == []
        db.engine.dispose()
    # The restored console serves the restored photo and scan to the head.
    browser = target.test_client()
    login = post_form(browser, "/login", {"username": "kepala", "password": DEMO_PASSWORD})
    assert login.status_code == 302
    with browser.get(f"/admin/client/photo/{demo_backup.photo}") as photo:
        assert photo.status_code == 200 and photo.data == PHOTO
    with browser.get(f"/admin/contract/scan/?id={demo_backup.contract_id}") as scan:
        assert scan.status_code == 200 and scan.data == SCAN


def test_restore_refuses_a_console_in_use_unless_replace(demo_backup, target):
    with target.app_context():
        restore_backup(demo_backup.archive)
        db.session.add(Room(name="Ruang Baru Setelah Pemulihan", capacity=2))
        db.session.delete(db.session.scalars(select(Client).order_by(Client.id)).first())
        db.session.commit()
        db.session.remove()
    stray = Path(target.config["UPLOAD_FOLDER"]) / "photos" / "baru.png"
    stray.write_bytes(b"foto baru")
    before = _state(target)

    refused = _restore(target, demo_backup.archive)
    assert refused.exit_code == 1
    assert "Pemulihan ditolak: basis data berisi data" in refused.output
    assert "Tidak ada yang diubah" in refused.output and "--replace" in refused.output
    assert _state(target) == before

    replaced = _restore(target, demo_backup.archive, "--replace")
    assert replaced.exit_code == 0, replaced.output
    digests, files, leftovers = _state(target)
    assert digests == demo_backup.digests
    assert files == demo_backup.files and not stray.exists()
    assert leftovers == []


def _repack(source: Path, destination: Path, change) -> Path:
    """A copy of the archive with ``change(name, bytes)`` applied to each member."""
    with tarfile.open(source) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(destination, "w:gz") as tar:
        for name, data in members:
            for new_name, new_data in change(name, data):
                info = tarfile.TarInfo(new_name)
                info.size = len(new_data)
                tar.addfile(info, io.BytesIO(new_data))
    return destination


def _photo_changed(name, data):
    yield name, (data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("uploads/photos/")
                 else data)


def _rows_changed(name, data):
    if name == "manifest.json":
        manifest = json.loads(data)
        manifest["tables"]["client"]["rows"] += 1
        data = json.dumps(manifest).encode()
    yield name, data


def _path_escapes(name, data):
    yield name, data
    if name == "manifest.json":
        yield "uploads/../../keluar.txt", b"di luar folder"


def _photo_missing(name, data):
    if not name.startswith("uploads/photos/"):
        yield name, data


@pytest.mark.parametrize(("damage", "message"), [
    (_photo_changed, "isi uploads/photos/"),
    (_photo_missing, "hilang"),
    (_rows_changed, "client"),
    (_path_escapes, "bukan bagian cadangan Panti: uploads/../../keluar.txt"),
    ("truncated", "rusak atau bukan arsip cadangan Panti"),
    ("not an archive", "rusak atau bukan arsip cadangan Panti"),
], ids=["berkas diubah", "berkas hilang", "manifes diubah", "jalur keluar", "terpotong",
        "bukan arsip"])
def test_a_damaged_or_altered_archive_is_refused(demo_backup, target, tmp_path, damage,
                                                 message):
    bad = tmp_path / "panti-backup-20260101-010101.tar.gz"
    if damage == "truncated":
        bad.write_bytes(demo_backup.archive.read_bytes()[:-4000])
    elif damage == "not an archive":
        bad.write_text("bukan arsip")
    else:
        _repack(demo_backup.archive, bad, damage)
    # A console in use, and --replace: even so a bad archive must change nothing.
    with target.app_context():
        db.session.add(Room(name="Ruang Tetap", capacity=3))
        db.session.commit()
        db.session.remove()
    uploads = Path(target.config["UPLOAD_FOLDER"])
    (uploads / "photos").mkdir(exist_ok=True)
    (uploads / "photos" / "tetap.png").write_bytes(b"foto yang tetap")
    before = _state(target)
    result = _restore(target, bad, "--replace")
    assert result.exit_code == 1
    assert message in result.output
    assert "tidak ada yang dipulihkan" in result.output.lower() \
        or "tidak berubah" in result.output
    assert _state(target) == before
    assert before[0]["room"]["rows"] == 1 and list(before[1]) == ["photos/tetap.png"]
    assert not (uploads / "keluar.txt").exists() and not (uploads.parent / "keluar.txt").exists()


def test_backup_command_keeps_the_newest_archives(app, tmp_path):
    _needs_pg_tools(app)
    old = ["panti-backup-20260101-020000.tar.gz", "panti-backup-20260102-020000.tar.gz",
           "panti-backup-20260102-020000-2.tar.gz"]
    for name in old:
        (tmp_path / name).write_bytes(b"arsip lama")
    (tmp_path / "catatan.txt").write_text("bukan arsip")
    result = app.test_cli_runner().invoke(
        args=["backup", "--output", str(tmp_path), "--keep", "2"])
    assert result.exit_code == 0, result.output
    assert "Cadangan ditulis:" in result.output
    assert "Cadangan lama dihapus: panti-backup-20260101-020000.tar.gz" in result.output
    assert "Cadangan lama dihapus: panti-backup-20260102-020000.tar.gz" in result.output
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert len(kept) == 3 and "catatan.txt" in kept
    assert "panti-backup-20260102-020000-2.tar.gz" in kept


def test_backup_folder_inside_the_upload_folder_is_refused(app):
    inside = Path(app.config["UPLOAD_FOLDER"]) / "cadangan"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(inside)])
    assert result.exit_code == 1 and "di dalam folder unggahan" in result.output
    assert not inside.exists()


def test_missing_or_older_pg_dump_gets_a_clear_message(app, ctx, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    missing = "Program pg_dump tidak ditemukan. Pasang klien PostgreSQL"
    with pytest.raises(BackupError, match=missing):
        find_tool("pg_dump")
    if db.engine.dialect.name == "postgresql":
        result = app.test_cli_runner().invoke(args=["backup", "--output", str(tmp_path)])
        assert result.exit_code == 1 and missing in result.output
        assert list(tmp_path.iterdir()) == []
    assert "pg_dump versi 14 lebih lama dari server PostgreSQL 15" in version_problem(
        "pg_dump", 14, 15)
    newer = version_problem("pg_dump", 17, 15)
    assert "lebih baru dari server PostgreSQL 15" in newer and "postgresql-client-15" in newer
    assert version_problem("pg_dump", 15, 15) is None


def test_restored_schema_revision_is_compared_with_the_code(app, ctx):
    head = ScriptDirectory(app.extensions["migrate"].directory).get_current_head()
    assert schema_advice(None) is None and schema_advice(head) is None
    older = schema_advice("0001_initial")
    assert older and "jalankan `flask db upgrade`" in older
    newer = schema_advice("9999_dari_masa_depan")
    assert newer and "versi konsol yang lebih baru" in newer
