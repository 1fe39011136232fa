"""Exports leave nothing on disk, and no user text reaches a spreadsheet as a formula."""

from __future__ import annotations

import io
import os
import tempfile
import time
from datetime import date
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from models import db
from services import workbook
from services.workbook import neutralise, restore
from tests.conftest import make_client


@pytest.fixture
def export_folder(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path / "exports"


def test_a_workbook_being_sent_is_already_gone_from_disk(app, client, login_as,
                                                       export_folder, monkeypatch):
    with app.app_context():
        make_client("Budi Santoso", admission_date=date(2026, 1, 5))
        db.session.commit()
    login_as("admin")
    made_in = []
    real_mkstemp = tempfile.mkstemp

    def recording_mkstemp(*args, **kwargs):
        made_in.append(os.path.abspath(kwargs.get("dir") or tempfile.gettempdir()))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", recording_mkstemp)
    response = client.get("/admin/export/download/roster/?month=2026-02")
    # Not sent yet: a worker killed now would leave no named file anywhere.
    assert response.status_code == 200 and os.listdir(export_folder) == []
    # The workbook and XlsxWriter's own row/part files were all made in the export folder.
    assert made_in and set(made_in) == {str(export_folder)}
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert any("Budi Santoso" in str(c.value) for row in workbook.active.iter_rows()
               for c in row)
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    response.close()
    assert os.listdir(export_folder) == []


def test_leftovers_of_a_killed_worker_are_swept_at_the_next_export(app, client, login_as,
                                                                 export_folder, monkeypatch):
    export_folder.mkdir(parents=True)
    (export_folder / "panti-export-dead.xlsx").write_bytes(b"PK half a workbook")
    # Two hours on: a file's change time cannot be set back, so the clock moves instead.
    later = time.time() + 2 * 3600
    monkeypatch.setattr(workbook, "time", SimpleNamespace(time=lambda: later))
    login_as("admin")
    client.get("/admin/export/download/roster/?month=2026-02").close()
    assert os.listdir(export_folder) == []


def test_a_part_file_another_worker_is_zipping_is_not_swept(tmp_path):
    """XlsxWriter stamps each part file with 31/01/1980 just before zipping it; a sweep by
    another worker at that instant must leave it (it once failed an export mid-write)."""
    part = tmp_path / "tmpes8ridnb"
    part.write_bytes(b"<worksheet/>")
    stamp = time.mktime((1980, 1, 31, 0, 0, 0, 0, 0, -1))
    os.utime(part, (stamp, stamp))
    assert workbook.sweep(tmp_path) == 0
    assert part.exists()
    assert workbook.sweep(tmp_path, now=time.time() + 2 * 3600) == 1
    assert not part.exists()


@pytest.mark.parametrize("text", [
    "=1+1", " =1+1", "\u00a0=HYPERLINK(\"http://x\")", "\u3000@SUM(A1)", "\u200b-2+3",
    "\uff1d1+1", "\uff0bA1", "\uff0d1", "\uff20SUM(A1)", "  \uff1dA1", "\t=1", "\n=1",
])
def test_formula_starts_are_neutralised_and_restored(text):
    written = neutralise(text)
    assert written == "'" + text
    assert restore(written) == text


@pytest.mark.parametrize("text", ["+6281234567890", "-5", " +62 812 3456", "Budi = Budi",
                                  "A+", "\uff21\uff22"])
def test_plain_text_and_signed_numbers_are_written_as_they_are(text):
    assert neutralise(text) == text


def test_a_hostile_name_reaches_the_workbook_as_text(app, client, login_as, export_folder):

    with app.app_context():
        make_client("\u00a0\uff1dHYPERLINK(\"http://x\",\"klik\")", admission_date=date(2026, 1, 5))
        db.session.commit()
    login_as("admin")
    response = client.get("/admin/export/download/roster/?month=2026-02")
    cells = [c for row in load_workbook(io.BytesIO(response.get_data())).active.iter_rows()
             for c in row if "HYPERLINK" in str(c.value)]
    # The text as it is, kept text by Excel's quote prefix.
    assert [(c.value, c.quotePrefix) for c in cells] == [
        ("\u00a0\uff1dHYPERLINK(\"http://x\",\"klik\")", True)]
    assert all(c.data_type != "f" for c in cells)
