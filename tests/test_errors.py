"""The console's own refusal and error pages, as create_app registers them (errors.py)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import abort
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app import create_app
from models import Room, db


@pytest.fixture(scope="module")
def failing_console(app):
    """A console on the test database with routes that fail the ways a request can fail
    (routes cannot be added to the shared app once it has served a request)."""
    other = create_app({key: app.config[key] for key in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "UPLOAD_FOLDER")}
        | {"PROPAGATE_EXCEPTIONS": False})  # answer a defect as production does

    @other.get("/_abort/<int:code>")
    def aborted(code: int):
        abort(code)

    def half_saved_then(error: Exception):
        db.session.add(Room(name="Melati", capacity=4))
        db.session.flush()  # written, not committed: the error page must roll it back
        raise error

    @other.get("/_defect")
    def defect():
        half_saved_then(RuntimeError("a programming error"))

    @other.get("/_stale")
    def stale():
        half_saved_then(StaleDataError("changed meanwhile"))

    @other.get("/_too_long")
    def too_long():
        half_saved_then(OperationalError("SELECT …", {}, DriverError("57014")))

    @other.get("/_database_failed")
    def database_failed():
        half_saved_then(OperationalError("SELECT …", {}, DriverError("08006")))

    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


class DriverError(Exception):
    """What psycopg raises, reduced to the SQLSTATE the error page reads (57014: the
    statement was cancelled at statement_timeout; 08006: the connection failed)."""

    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def refusal(html: str) -> str:
    match = re.search(r'data-testid="refusal">(.*?)</div>', html, re.S)
    assert match, html[:500]
    return " ".join(unescape(match.group(1)).split())


@pytest.mark.parametrize(("path", "status", "message"), [
    ("/_abort/400", 400, "Permintaan tidak valid."),
    ("/_abort/403", 403, "Anda tidak berhak membuka halaman atau data ini."),
    ("/tidak-ada", 404, "Halaman atau data tidak ditemukan."),
    ("/_abort/413", 413, "Berkas terlalu besar; paling besar 8 MB per unggahan. Perkecil "
                         "berkasnya lalu coba lagi."),
    ("/_defect", 500, "Terjadi kesalahan pada aplikasi; tidak ada data yang disimpan. Coba "
                      "lagi; bila terulang, hubungi petugas tata usaha."),
    ("/_stale", 409, "Data ini baru saja diubah orang lain, jadi perubahan Anda tidak "
                     "disimpan. Muat ulang halaman, periksa datanya, lalu coba lagi."),
    ("/_too_long", 503, "Permintaan ini terlalu lama diproses, jadi dihentikan; tidak ada "
                        "data yang disimpan. Persempit daftar dengan filter atau pencarian, "
                        "lalu coba lagi; bila terulang, hubungi petugas tata usaha."),
    ("/_database_failed", 500, "Terjadi kesalahan pada aplikasi; tidak ada data yang "
                               "disimpan. Coba lagi; bila terulang, hubungi petugas tata "
                               "usaha."),
])
def test_each_failure_is_answered_with_the_console_page_and_nothing_half_saved(
        failing_console, path, status, message):
    response = failing_console.test_client().get(path)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert refusal(html) == message
    assert "Traceback" not in html and "Kembali ke beranda" in html
    with failing_console.app_context():
        assert db.session.scalars(select(Room.name)).all() == []
