"""Hostile or broken workbooks uploaded to the roster import are refused with a message, in
bounded time and before any of them reaches an XML parser in full; guarded text survives an
export and an import unchanged."""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import date, datetime
from html import unescape

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from models import Client, db
from services.clients import issue_register_number
from services.roster_import import MAX_ROWS, MAX_TOTAL_BYTES

from .conftest import csrf_token, make_client
from .test_list_queries import counting_queries

SHEET = "xl/worksheets/sheet1.xml"
HEADER = ("Nomor induk", "Nama lengkap", "L/P")


def _base() -> bytes:
    """A small valid roster: the header on row 7 and one client."""
    book = Workbook()
    ws = book.active
    for col, header in enumerate(HEADER, start=1):
        ws.cell(7, col, header)
    for col, value in enumerate(("", "Asep Saepudin", "L"), start=1):
        ws.cell(8, col, value or None)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _replace(parts: dict[str, bytes], base: bytes | None = None) -> bytes:
    """``base`` (a valid roster) with ``parts`` replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(base or _base()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name in source.namelist():
            if name not in parts:
                package.writestr(name, source.read(name))
        for name, content in parts.items():
            package.writestr(name, content)
    return out.getvalue()


def _sheet(rows: str, dimension: str = "A1:C8", prolog: str = "") -> bytes:
    """A worksheet with inline-string cells (no shared strings needed)."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns='
            f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension '
            f'ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>').encode()


def _row(number: int, *values: str) -> str:
    cells = "".join(f'<c r="{"ABC"[i]}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values) if v)
    return f'<row r="{number}">{cells}</row>'


HEADER_ROW = _row(7, *HEADER)


def _upload(client, content: bytes) -> tuple[str, float]:
    token = csrf_token(client, "/admin/client_import/")
    # CPU seconds of this process (the app runs in it): other work on the machine does not
    # count, the parsing we bound does.
    started = time.process_time()
    response = client.post("/admin/client_import/", data={
        "csrf_token": token, "file": (io.BytesIO(content), "buku-induk.xlsx")},
        content_type="multipart/form-data")
    elapsed = time.process_time() - started
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True)), elapsed


def _error(html: str) -> str:
    found = re.search(r'data-testid="import-error">(.*?)</div>', html, re.S)
    return found.group(1).strip() if found else ""


DTD = "deklarasi XML yang tidak diizinkan (DTD/entitas)"
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'
                    for i in range(1, 10)) + "]>")


def _bomb() -> bytes:
    """A sheet part that unpacks to more than the limit (a few hundred KB packed)."""
    filler = b" " * (MAX_TOTAL_BYTES + 1)
    return _replace({SHEET: _sheet(HEADER_ROW + _row(8, "", "Asep", "L")) + filler})


HOSTILE = {
    "external entity": (lambda: _replace({SHEET: _sheet(
        HEADER_ROW + _row(8, "", "&xxe;", "L"),
        prolog='<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')}), DTD),
    "entity expansion": (lambda: _replace({SHEET: _sheet(
        HEADER_ROW + _row(8, "", "&lol9;", "L"), prolog=LAUGHS)}), DTD),
    "entity in shared strings": (lambda: _replace({"xl/sharedStrings.xml": (
        '<?xml version="1.0"?>' + LAUGHS + '<sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>').encode()}), DTD),
    "DTD after a comment": (lambda: _replace({SHEET: _sheet(
        HEADER_ROW, prolog="<!-- x --><!DOCTYPE worksheet>")}), DTD),
    "UTF-16 part": (lambda: _replace({SHEET: '<?xml version="1.0" encoding="UTF-16"?>'
                                      '<!DOCTYPE x><worksheet/>'.encode("utf-16")}), DTD),
    "zip bomb": (_bomb, "Berkas terlalu besar untuk buku induk"),
    "huge shared strings table": (lambda: _replace({"xl/sharedStrings.xml": (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main">' + b"<si><t>x</t></si>" * (MAX_TOTAL_BYTES // 16 + 1) + b"</sst>")}),
        "Berkas terlalu besar untuk buku induk"),
    "too many rows": (lambda: _replace({SHEET: _sheet(HEADER_ROW + "".join(
        _row(n, "", f"Klien {n}", "L") for n in range(8, 8 + MAX_ROWS + 1)))}),
        f"Paling banyak {MAX_ROWS} baris per impor"),
    "a row of a million cells": (lambda: _replace({SHEET: _sheet(
        HEADER_ROW + '<row r="8">' + "<c/>" * 1_000_000 + "</row>")}),
        "Berkas terlalu besar untuk buku induk"),
    "a million row elements": (lambda: _replace({SHEET: _sheet(
        HEADER_ROW + "<row/>" * 1_000_000)}), f"Paling banyak {MAX_ROWS} baris per impor"),
    "not a zip": (lambda: b"PK\x03\x04 bukan zip", "Berkas bukan buku kerja Excel (.xlsx)."),
    "a zip without a workbook": (lambda: _zip_of({"catatan.txt": b"halo"}),
                                 "Berkas Excel tidak dapat dibaca."),
    "a damaged sheet": (lambda: _replace({SHEET: b"<worksheet><sheetData><row>"}),
                        "Berkas Excel tidak dapat dibaca."),
}


def _zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_workbooks_are_refused_quickly(app, client, login_as, kind):
    login_as("admin")
    build, message = HOSTILE[kind]
    html, elapsed = _upload(client, build())
    assert message in _error(html), _error(html) or html[-1500:]
    assert "Konfirmasi impor" not in html
    assert elapsed < 5, f"{kind}: {elapsed:.1f} CPU s"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 0


def test_a_million_declared_rows_are_not_walked(app, client, login_as):
    """The declared size (``dimension``) and the gap up to row 1,048,576 are not read as
    rows: only the rows the sheet holds are, quickly."""
    login_as("admin")
    content = _replace({SHEET: _sheet(
        HEADER_ROW + _row(8, "", "Asep", "L") + _row(1048576, "", "Terakhir", "L"),
        dimension="A1:XFD1048576")})
    html, elapsed = _upload(client, content)
    assert "2 baru, 0 diubah, 0 tidak berubah, 0 ditolak." in html, _error(html)
    assert re.search(r'data-row="1048576">', html)
    assert elapsed < 5


def test_text_starting_with_an_apostrophe_survives_export_and_import(app, client, login_as):
    login_as("admin")
    texts = {"full_name": "'=SUM(A1)", "address": "'Kampung Rawa", "guardian_name": "=Ujang",
             "birth_place": "'+62 Garut"}
    with app.app_context():
        make_client(number="2026-0001", admission_date=date(2026, 1, 20),
                    district_of_origin="Kota Bandung", **texts)
        db.session.commit()
    exported = client.get("/admin/export/download/roster/?month=2026-02").data
    html, _elapsed = _upload(client, exported)
    assert "0 baru, 0 diubah, 1 tidak berubah, 0 ditolak." in html, _error(html)


def test_an_older_export_with_the_apostrophe_in_the_text_still_imports(app, client, login_as):
    """Exports before the quote prefix wrote the guard into the text: it is taken off."""
    login_as("admin")
    with app.app_context():
        make_client("=HYPERLINK(\"http://x\")", number="2026-0001")
        db.session.commit()
    content = _replace({SHEET: _sheet(HEADER_ROW + _row(
        8, "2026-0001", "'=HYPERLINK(&quot;http://x&quot;)", "L"))})
    html, _elapsed = _upload(client, content)
    assert "0 baru, 0 diubah, 1 tidak berubah, 0 ditolak." in html, _error(html)


def _roster(rows: int) -> bytes:
    return _replace({SHEET: _sheet(HEADER_ROW + "".join(
        _row(n, "", f"Klien Nomor {n}", "LP"[n % 2]) for n in range(8, 8 + rows)))})


def _confirm(client, content: bytes) -> list[str]:
    html, _elapsed = _upload(client, content)
    token = re.search(r'name="token" value="(\w+)"', html).group(1)
    data = {"csrf_token": csrf_token(client, "/admin/client_import/"), "token": token}
    with counting_queries(client.application) as statements:
        response = client.post("/admin/client_import/confirm/", data=data)
    assert response.status_code == 302
    return statements


def test_confirming_an_import_runs_the_same_statements_for_50_or_300_rows(app, client,
                                                                          login_as):
    login_as("admin")
    _confirm(client, _roster(1))
    small = _confirm(client, _roster(50))
    large = _confirm(client, _roster(300))
    assert len(large) == len(small) <= 30, large
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 351
        # Candidates: their register numbers come with admission.
        assert set(db.session.scalars(select(Client.register_number))) == {None}
        from models import AuditEntry
        entries = db.session.execute(select(AuditEntry.record_id, AuditEntry.record_label)
                                     .where(AuditEntry.table_name == "client",
                                            AuditEntry.action == "create")).all()
        assert len(entries) == 351 and all(record_id for record_id, _label in entries)
        assert "Klien Nomor 8" in {label for _id, label in entries}


def _changed(numbers: list[str]) -> bytes:
    return _replace({SHEET: _sheet(HEADER_ROW + "".join(
        _row(n, number, f"Klien Diubah {n}", "LP"[n % 2])
        for n, number in enumerate(numbers, start=8)))})


def test_confirming_changes_runs_the_same_statements_for_50_or_300_rows(app, client,
                                                                         login_as):
    """Changed clients go in as one checked UPDATE for all of them and one audit INSERT."""
    login_as("admin")
    _confirm(client, _roster(350))
    with app.app_context():  # admitted since: each has its register number
        for person in db.session.scalars(select(Client).order_by(Client.id)):
            issue_register_number(person)
        db.session.commit()
        numbers = sorted(db.session.scalars(select(Client.register_number)))
    small = _confirm(client, _changed(numbers[:50]))
    large = _confirm(client, _changed(numbers[50:]))
    assert len(large) == len(small) <= 20, large
    assert sum(statement.lstrip().upper().startswith("UPDATE CLIENT")
               for statement in large) == 1, large
    with app.app_context():
        from models import AuditEntry
        names = dict(db.session.execute(select(Client.register_number,
                                               Client.full_name)).all())
        assert names[numbers[0]] == "Klien Diubah 8"
        assert names[numbers[-1]] == "Klien Diubah 307"
        assert set(db.session.scalars(select(Client.row_version))) == {3}
        changes = [change for change in db.session.scalars(select(AuditEntry.changes).where(
            AuditEntry.table_name == "client", AuditEntry.action == "update")
            .order_by(AuditEntry.id)) if "register_number" not in change]
        assert len(changes) == 350
        assert changes[-1] == {"full_name": ["Klien Nomor 357", "Klien Diubah 307"]}


@pytest.mark.parametrize("date_1904", [False, True])
def test_the_reader_gives_what_excel_shows(tmp_path, date_1904):
    """Shared and inline strings, numbers, booleans, a formula's last result, dates in a
    built-in or a custom format (1900 and 1904 date systems), the quote prefix."""
    import xlsxwriter

    from services.workbook_reader import first_sheet_rows

    path = str(tmp_path / "book.xlsx")
    book = xlsxwriter.Workbook(path, {"date_1904": date_1904, "strings_to_formulas": False})
    ws = book.add_worksheet()
    builtin, custom = book.add_format({"num_format": 14}), book.add_format(
        {"num_format": "dd/mm/yyyy"})
    ws.write_string(0, 0, "teks")
    ws.write_number(0, 1, 3204011705900001)
    ws.write_number(0, 2, 2.5)
    ws.write_boolean(0, 3, True)
    ws.write_formula(0, 4, "=1+1", None, 2)
    ws.write_datetime(1, 0, datetime(2026, 3, 2), builtin)
    ws.write_datetime(1, 1, datetime(1980, 7, 14), custom)
    ws.write_string(1, 2, "=SUM(A1)", book.add_format({"quote_prefix": True}))
    ws.write_string(3, 27, "AB4")
    book.close()
    rows = {number: {col: (cell.value, cell.quoted) for col, cell in cells.items()}
            for number, cells in first_sheet_rows(path)}
    assert rows == {
        1: {0: ("teks", False), 1: (3204011705900001, False), 2: (2.5, False),
            3: (True, False), 4: (2, False)},
        2: {0: (datetime(2026, 3, 2), False), 1: (datetime(1980, 7, 14), False),
            2: ("=SUM(A1)", True)},
        4: {27: ("AB4", False)},
    }
