"""Importing the roster workbook: dry run writes nothing, bad rows come with reasons,
confirming is all-or-nothing, and an export imports back unchanged."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from html import unescape

from openpyxl import Workbook
from sqlalchemy import func, select

from models import AuditEntry, Client, db

from .conftest import csrf_token, make_client, make_room, make_staff

HEADERS = ["No", "Nomor induk", "Angkatan", "Nama lengkap", "L/P", "Tanggal lahir", "NIK",
           "Daerah asal", "Tanggal masuk", "Tahap pelayanan", "Kamar"]


def _workbook(rows: list[list]) -> bytes:
    """A roster in the export's layout: title block, headers on row 7, data from row 8."""
    book = Workbook()
    ws = book.active
    ws["A1"], ws["A3"] = "Panti Sosial Bina Karya", "Buku Induk Klien"
    for col, header in enumerate(HEADERS, start=1):
        ws.cell(7, col, header)
    for r, row in enumerate(rows, start=8):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _upload(client, content: bytes, name="buku-induk.xlsx"):
    return client.post("/admin/client_import/", data={
        "csrf_token": csrf_token(client, "/admin/client_import/"),
        "file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def _rows(html: str) -> dict[int, tuple[str, str]]:
    """Spreadsheet row → (action, explanation text)."""
    found = {}
    for number, action, rest in re.findall(
            r'data-row="(\d+)">.*?data-action="(\w+)">.*?</td>\s*<td>(.*?)</td>', html, re.S):
        found[int(number)] = (action, " ".join(unescape(re.sub(r"<[^>]+>", " ", rest)).split()))
    return found


def _world():
    worker = make_staff("Siti Rahayu", "social_worker")
    make_room("Asrama Anggrek", capacity=10)
    budi = make_client("Budi Santoso", number="2026-0001", social_worker=worker,
                       district_of_origin="Kabupaten Bandung", admission_date=date(2026, 1, 5))
    db.session.commit()
    return budi.id


GOOD = [
    [1, "2026-0001", 2, "Budi Santoso", "L", None, None, "Kabupaten Bandung",
     datetime(2026, 1, 5), "6. Intervensi / bimbingan", "Asrama Anggrek"],
    [2, None, 2, "Asep Saepudin", "L", datetime(1990, 5, 17), "3204011705900001",
     "Kota Bandung", "02/02/2026", "1. Pendekatan awal", None],
]


def test_dry_run_shows_what_would_happen_and_writes_nothing(app, client, login_as):
    login_as("admin")
    with app.app_context():
        _world()
    html = _upload(client, _workbook(GOOD)).get_data(as_text=True)
    rows = _rows(html)
    assert rows[8][0] == "update" and "Angkatan" in rows[8][1] and "Kamar" in rows[8][1]
    assert rows[9] == ("create", "Daerah asal baru: Kota Bandung.")
    assert "1 baru, 1 diubah, 0 tidak berubah, 0 ditolak." in unescape(html)
    assert "Konfirmasi impor" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 1
        assert db.session.scalar(select(Client.cohort)) is None


def test_bad_rows_are_listed_with_their_reasons_and_cannot_be_confirmed(app, client, login_as):
    login_as("admin")
    with app.app_context():
        _world()
    bad = [
        [1, None, None, "Cucu Sumiati", "P", datetime(1985, 3, 2), "3204010203850002",
         "Kabupaten Bandung", datetime(2026, 2, 1), None, None],  # NIK says a man born 2/3
        [2, None, None, "Dede Rohman", "L", None, "12345", "Kab Bandng",
         datetime(2026, 2, 1), None, None],
        [3, None, None, "Entis Sutisna", "L", "31/02/1980", None, "Bdg",
         datetime(2026, 2, 1), None, None],
        [4, "2026-0001", None, "Budi Santoso", "L", None, None, "Kabupaten Bandung",
         datetime(2026, 1, 5), "6. Intervensi / bimbingan", "Asrama Melati"],
        [5, "2026-0001", None, "Budi Santoso", "L", None, None, "Kabupaten Bandung",
         datetime(2026, 1, 5), "6. Intervensi / bimbingan", None],
        [6, "2026-0009", None, "Karsim", "L", None, None, "Kabupaten Bandung",
         datetime(2026, 2, 1), None, None],  # a new client: numbered at admission
    ]
    html = _upload(client, _workbook(bad)).get_data(as_text=True)
    rows = _rows(html)
    assert rows[8] == ("reject", "NIK menunjukkan jenis kelamin laki-laki, tidak sesuai isian "
                                 "jenis kelamin.")
    assert rows[9] == ("reject", "Daerah asal tidak dikenal: Kabupaten Bandng; maksudnya "
                                 "Kabupaten Bandung? NIK harus tepat 16 angka (terisi 5 "
                                 "karakter).")
    assert rows[10] == ("reject", "Tanggal lahir tidak valid: 31/02/1980 (tulis dd/mm/yyyy). "
                                  "Daerah asal tidak dikenal: Bdg (tulis \"Kabupaten …\" atau "
                                  "\"Kota …\").")
    assert rows[11] == ("reject", "Kamar tidak dikenal: Asrama Melati.")
    assert rows[12] == ("reject", "Nomor induk 2026-0001 dobel (juga di baris 11).")
    assert rows[13] == ("reject", "Nomor induk 2026-0009 tidak ada di buku induk. Klien baru "
                                  "mendapat nomor induk saat penerimaan: kosongkan kolom ini.")
    assert "Konfirmasi impor" not in html and "Ada baris yang ditolak" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 1


def test_confirm_writes_every_row_in_one_go(app, client, login_as):
    login_as("admin")
    with app.app_context():
        budi_id = _world()
    html = _upload(client, _workbook(GOOD)).get_data(as_text=True)
    token = re.search(r'name="token" value="(\w+)"', html).group(1)
    response = client.post("/admin/client_import/confirm/", data={
        "csrf_token": csrf_token(client, "/admin/client_import/"), "token": token})
    assert response.status_code == 302
    shown = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Impor selesai: 1 klien baru, 1 klien diubah, 0 tidak berubah." in shown
    assert "Asep Saepudin" in shown
    with app.app_context():
        budi = db.session.get(Client, budi_id)
        assert (budi.cohort, budi.stage, budi.room.name) == (2, "intervention", "Asrama Anggrek")
        asep = db.session.scalar(select(Client).where(Client.full_name == "Asep Saepudin"))
        assert asep.register_number is None  # a candidate: numbered at admission
        assert (asep.admission_date, asep.stage) == (date(2026, 2, 2), "approach")
        actions = set(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.table_name == "client", AuditEntry.username == "admin")))
        assert actions == {"create", "update"}
    # The preview cannot be confirmed twice.
    again = client.post("/admin/client_import/confirm/", data={
        "csrf_token": csrf_token(client, "/admin/client_import/"), "token": token})
    assert "kedaluwarsa" in unescape(client.get(again.headers["Location"]).get_data(
        as_text=True))


def test_confirm_is_all_or_nothing_when_data_changed_since_the_preview(app, client, login_as):
    login_as("admin")
    with app.app_context():
        _world()
    html = _upload(client, _workbook(GOOD)).get_data(as_text=True)
    token = re.search(r'name="token" value="(\w+)"', html).group(1)
    with app.app_context():  # meanwhile someone registers a client with Asep's NIK
        make_client("Orang Lain", nik="3204011705900001", birth_date=date(1990, 5, 17))
        db.session.commit()
    response = client.post("/admin/client_import/confirm/", data={
        "csrf_token": csrf_token(client, "/admin/client_import/"), "token": token})
    html = unescape(response.get_data(as_text=True))
    assert "Data berubah sejak pratinjau: 1 baris kini ditolak. Tidak ada yang disimpan" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 2
        assert db.session.scalar(select(Client.cohort).where(
            Client.full_name == "Budi Santoso")) is None  # the valid update was not kept


def test_not_a_workbook_or_wrong_columns_get_a_message(app, client, login_as):
    login_as("admin")
    html = unescape(_upload(client, b"bukan excel", "data.xlsx").get_data(as_text=True))
    assert "Berkas bukan buku kerja Excel (.xlsx)." in html
    html = unescape(_upload(client, b"a,b", "data.csv").get_data(as_text=True))
    assert "Hanya berkas Excel .xlsx yang dapat diimpor." in html
    book = Workbook()
    book.active["A7"] = "Nama"
    data = io.BytesIO()
    book.save(data)
    html = unescape(_upload(client, data.getvalue()).get_data(as_text=True))
    assert "Kolom wajib tidak ada di baris 7: Nomor induk, Nama lengkap, L/P." in html


def test_an_exported_roster_imports_back_unchanged(app, client, login_as):
    login_as("admin")
    with app.app_context():
        _world()
        make_client("=HYPERLINK(\"http://x\",\"klik\")", number="2026-0003",
                    district_of_origin="Kota Bandung", admission_date=date(2026, 1, 20),
                    sex="P")
        db.session.commit()
    exported = client.get("/admin/export/download/roster/?month=2026-02").data
    html = unescape(_upload(client, exported).get_data(as_text=True))
    assert "0 baru, 0 diubah, 2 tidak berubah, 0 ditolak." in html
    assert "Tidak ada perubahan untuk disimpan." in html


def test_only_the_admin_imports(app, client, login_as):
    login_as("head")
    assert client.get("/admin/client_import/").status_code == 403
    token = csrf_token(client, "/password")
    assert client.post("/admin/client_import/confirm/", data={"csrf_token": token,
                                                              "token": "x"}).status_code == 403


CHANGED_BUDI = [1, "2026-0001", 2, "Budi Santosa", "L", datetime(1980, 7, 14), None,
                "Kabupaten Bandung", datetime(2026, 1, 5), "6. Intervensi / bimbingan",
                "Asrama Anggrek"]
ENTRY_FIELDS = ("action", "table_name", "record_id", "record_label", "changes", "detail",
                "parent_table", "parent_id")


def _as_the_session_writes_it(app, tmp_path, budi_id: int) -> dict:
    """The audit entry of Budi's change made through the session (its audit hook), the way
    a form save — and the import before its bulk UPDATE — writes it; rolled back after."""
    from services import roster_import

    path = tmp_path / "budi.xlsx"
    path.write_bytes(_workbook([CHANGED_BUDI]))
    with app.app_context():
        (row,) = roster_import.plan(str(path)).rows
        budi = db.session.get(Client, budi_id)
        budi.full_name = row.full_name
        for attr, value in row.values.items():
            setattr(budi, {"room": "room_id", "social_worker": "social_worker_id"}.get(
                attr, attr), value)
        db.session.flush()
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == "client", AuditEntry.action == "update")).one()
        written = {name: getattr(entry, name) for name in ENTRY_FIELDS}
        db.session.rollback()
    return written


def test_an_imported_change_has_the_history_a_form_save_gives(app, client, login_as, tmp_path):
    login_as("admin")
    with app.app_context():
        budi_id = _world()
        version = db.session.get(Client, budi_id).row_version
    expected = _as_the_session_writes_it(app, tmp_path, budi_id)
    assert set(expected["changes"]) == {"full_name", "cohort", "birth_date", "room_id"}
    html = _upload(client, _workbook([CHANGED_BUDI])).get_data(as_text=True)
    token = re.search(r'name="token" value="(\w+)"', html).group(1)
    client.post("/admin/client_import/confirm/", data={
        "csrf_token": csrf_token(client, "/admin/client_import/"), "token": token})
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == "client", AuditEntry.action == "update")).one()
        assert {name: getattr(entry, name) for name in ENTRY_FIELDS} == expected
        assert entry.username == "admin"
        budi = db.session.get(Client, budi_id)
        assert (budi.full_name, budi.cohort, budi.row_version) == ("Budi Santosa", 2,
                                                                   version + 1)
    page = unescape(client.get(f"/admin/client/history/?id={budi_id}").get_data(as_text=True))
    shown = [" ".join(unescape(re.sub(r"<[^>]+>", " ", cells)).split()) for cells in
             re.findall(r"<tr><th class=\"w-25\">(.*?)</tr>", page, re.S)]
    assert {"Nama lengkap Budi Santoso → Budi Santosa", "Angkatan — → 2",
            "Tanggal lahir — → 14/07/1980", "Kamar/asrama — → Asrama Anggrek"} <= set(shown), shown


def test_a_client_changed_after_the_import_read_it_refuses_the_whole_import(
        app, client, login_as, monkeypatch):
    """Between the import's reading and its UPDATE another user saves Budi: the checked
    UPDATE misses him, his row is refused with who and what, and nothing is kept."""
    from sqlalchemy import insert, update

    from models.base import utcnow
    from services import roster_import

    login_as("admin")
    with app.app_context():
        budi_id = _world()
        entries_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    html = _upload(client, _workbook(GOOD)).get_data(as_text=True)
    token = re.search(r'name="token" value="(\w+)"', html).group(1)
    planned = roster_import._plan

    def someone_saves_budi_meanwhile(path):
        found = planned(path)
        table = Client.__table__
        db.session.execute(update(table).where(table.c.id == budi_id).values(
            cohort=7, row_version=table.c.row_version + 1))
        db.session.execute(insert(AuditEntry.__table__), [{
            "at": utcnow(), "action": "update", "table_name": "client", "record_id": budi_id,
            "username": "peksos", "changes": {"cohort": [None, 7]}}])
        return found

    monkeypatch.setattr(roster_import, "_plan", someone_saves_budi_meanwhile)
    response = client.post("/admin/client_import/confirm/", data={
        "csrf_token": csrf_token(client, "/admin/client_import/"), "token": token})
    html = unescape(response.get_data(as_text=True))
    assert "Data berubah sejak pratinjau: 1 baris kini ditolak. Tidak ada yang disimpan" in html
    reason = _rows(html)[8]
    assert reason[0] == "reject", reason
    assert reason[1].startswith("Data klien ini sudah diubah oleh peksos pada "), reason
    assert "(Angkatan) sejak dibaca untuk impor ini." in reason[1], reason
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 1
        budi = db.session.get(Client, budi_id)
        assert (budi.cohort, budi.room_id, budi.row_version) == (None, None, 1)
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == \
            entries_before


def test_an_upload_another_worker_removes_meanwhile_breaks_no_upload(
        app, client, login_as, tmp_path, monkeypatch):
    """Two people importing at once: the sweep before one upload must not trip over the
    other's file, confirmed and removed between listing the folder and reading its age (it
    answered 500)."""
    import os

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    others = tmp_path / "imports" / "7-theirs.xlsx"
    others.parent.mkdir()
    others.write_bytes(b"PK")
    listing = os.scandir

    def listed_then_removed(folder):
        entries = list(listing(folder))
        if others.exists():
            others.unlink()  # the other worker confirms its import now
        return iter(entries)

    monkeypatch.setattr("services.workbook.os.scandir", listed_then_removed)
    login_as("admin")
    with app.app_context():
        _world()
    response = _upload(client, _workbook(GOOD))
    assert response.status_code == 200
    assert "1 baru, 1 diubah, 0 tidak berubah, 0 ditolak." in unescape(
        response.get_data(as_text=True))
