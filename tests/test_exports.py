"""The export centre's workbooks, read back with openpyxl: headings, hand-computed cells, the
census identity, frozen panes, real dates, no formulas from user text, access and audit."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import (
    Attendance,
    AuditEntry,
    CaseConference,
    Client,
    Enrollment,
    TrainingSession,
    db,
)

from .conftest import csrf_token, make_class, make_client, make_staff, make_user

HOSTILE_NAME = '=HYPERLINK("http://x","klik")'


def _people():
    """February 2026, by hand: at the start A, B, G (L 1, P 2); admitted C, D (L 2); exited
    B (P, tujuan tercapai) and D (L, kemauan sendiri); at the end A, C, G (L 2, P 1).
    E comes in March and F left in January: neither is in February's files."""
    worker = make_staff("Siti Rahayu", "social_worker")
    spec = [
        ("A", "Asep Saepudin", "L", date(2026, 1, 10), None, None, "Kota Bandung"),
        ("B", "Bunga Lestari", "P", date(2026, 1, 15), date(2026, 2, 10), "goals_achieved",
         "Kabupaten Garut"),
        ("C", "Cecep Hidayat", "L", date(2026, 2, 5), None, None, "Kota Bandung"),
        ("D", "Dadang Sunarya", "L", date(2026, 2, 3), date(2026, 2, 20), "own_will", None),
        ("E", "Euis Komariah", "P", date(2026, 3, 1), None, None, "Kota Bandung"),
        ("F", "Fajar Nugraha", "L", date(2025, 12, 1), date(2026, 1, 31), "period_ended",
         "Kota Bandung"),
        ("G", HOSTILE_NAME, "P", date(2026, 1, 20), None, None, "+1-1"),
    ]
    ids = {}
    for key, name, sex, admitted, ended, reason, district in spec:
        person = make_client(name, sex=sex, admission_date=admitted, social_worker=worker,
                             district_of_origin=district, termination_date=ended,
                             termination_reason=reason,
                             stage="termination" if ended else "intervention")
        ids[key] = person.id
    g = db.session.get(Client, ids["G"])
    g.address, g.guardian_phone, g.birth_date = "@SUM(A1)", "+6281234567890", date(1990, 5, 17)
    db.session.commit()
    return ids


def _download(client, report: str, month="2026-02", **params):
    query = "&".join(f"{k}={v}" for k, v in {"month": month, **params}.items())
    return client.get(f"/admin/export/download/{report}/?{query}")


def _book(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def _table(ws) -> list[list]:
    """The data rows under the header (row 7), up to the first empty row."""
    rows = []
    for row in ws.iter_rows(min_row=8, values_only=True):
        if all(v in (None, "") for v in row):
            break
        rows.append(list(row))
    return rows


def test_roster_lists_the_months_clients_with_the_house_layout(app, client, login_as,
                                                               monkeypatch):
    monkeypatch.setitem(app.config, "INSTITUTION_ADDRESS", "Jl. Raya Bogor Km 20, Jakarta Timur")
    with app.app_context():
        _people()
    login_as("admin")
    response = _download(client, "roster")
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=buku-induk-2026-02.xlsx"
    ws = _book(response).active
    assert ws.title == "Buku induk"
    assert [ws.cell(r, 1).value for r in range(1, 5)] == [
        "Panti Sosial Bina Karya", "Jl. Raya Bogor Km 20, Jakarta Timur", "Buku Induk Klien",
        "Periode: Februari 2026"]
    assert ws["A5"].value.startswith("Dicetak oleh Pegawai Admin (admin) pada ")
    headers = [c.value for c in ws[7]]
    assert headers[:5] == ["No", "Nomor induk", "Angkatan", "Nama lengkap", "L/P"]
    assert "Tanggal masuk" in headers and "Alasan terminasi" in headers
    assert ws.freeze_panes == "E8"
    assert ws.auto_filter.ref == f"A7:{ws.cell(7, len(headers)).column_letter}12"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    # Fit to one page wide (1 is Excel's default width, so it may be left out), any height.
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert "&P" in ws.oddFooter.right.text
    rows = _table(ws)
    names = [row[3] for row in rows]
    assert len(rows) == 5 and "Euis Komariah" not in names and "Fajar Nugraha" not in names
    bunga = rows[names.index("Bunga Lestari")]
    admitted = bunga[headers.index("Tanggal masuk")]
    assert admitted == datetime(2026, 1, 15)
    cell = ws.cell(8 + names.index("Bunga Lestari"), headers.index("Tanggal masuk") + 1)
    assert cell.is_date and cell.number_format == "dd/mm/yyyy"
    assert bunga[headers.index("Alasan terminasi")] == "Tujuan pelayanan tercapai"
    assert bunga[headers.index("Tahap pelayanan")] == "9. Terminasi"


def test_user_text_never_becomes_a_formula(app, client, login_as):
    with app.app_context():
        _people()
    login_as("admin")
    response = _download(client, "roster")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(archive.read(n).decode() for n in sheets)
    assert "<f>" not in xml and "<f " not in xml
    ws = load_workbook(io.BytesIO(response.data)).active
    headers = [c.value for c in ws[7]]
    number = next(i for i, r in enumerate(_table(ws)) if "HYPERLINK" in str(r[3]))
    cells = {headers[c.column - 1]: c for c in ws[8 + number]}
    # The text is kept as it is, with Excel's quote prefix: editing the cell keeps it text.
    guarded = {"Nama lengkap": HOSTILE_NAME, "Daerah asal": "+1-1",
               "Alamat (sesuai KTP)": "@SUM(A1)"}
    assert {h: (cells[h].value, cells[h].quotePrefix) for h in guarded} == {
        h: (text, True) for h, text in guarded.items()}
    phone = cells["Telepon wali"]  # a number, not a formula
    assert (phone.value, phone.quotePrefix) == ("+6281234567890", False)
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_monthly_report_census_adds_up(app, client, login_as):
    with app.app_context():
        _people()
        make_staff("Drs. Bambang Sutrisno, M.Si.", "head", employee_number="196805121990031004")
        db.session.commit()
    login_as("staff")
    book = _book(_download(client, "monthly"))
    assert book.sheetnames == ["Sensus", "Kegiatan", "ATENSI", "Konferensi & kontrak"]
    ws = book["Sensus"]
    assert ws.freeze_panes == "B8"
    rows = {row[0]: tuple(row[1:]) for row in _table(ws)}
    #                               start L P, in L P, out L P, end L P, total, check
    assert rows["Kota Bandung"] == (1, 0, 1, 0, 0, 0, 2, 0, 2, 0)
    assert rows["Kabupaten Garut"] == (0, 1, 0, 0, 0, 1, 0, 0, 0, 0)
    assert rows["(tidak diisi)"] == (0, 0, 1, 0, 1, 0, 0, 0, 0, 0)
    # A district guarded by the quote prefix keeps its text unchanged.
    assert rows["+1-1"] == (0, 1, 0, 0, 0, 0, 0, 1, 1, 0)
    assert rows["Jumlah"] == (1, 2, 2, 0, 1, 1, 2, 1, 3, 0)
    texts = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert "Cek sensus: awal bulan 3 + masuk 2 − keluar 2 = 3; akhir bulan 3 → SESUAI" in texts
    reasons = {t: ws.cell(i + 1, 4).value for i, t in enumerate(c.value for c in ws["A"])}
    assert reasons["Tujuan pelayanan tercapai"] == 1
    assert reasons["Mengundurkan diri atas kemauan sendiri"] == 1
    assert reasons["Jumlah keluar"] == 2
    assert "Drs. Bambang Sutrisno, M.Si." in texts and "NIP. 196805121990031004" in texts


def test_monthly_report_adds_conference_decisions_for_their_readers_only(
        app, client, login_as):
    with app.app_context():
        person = make_client("Asep Saepudin")
        db.session.add(CaseConference(date=date(2026, 2, 10), kind="placement",
                                      clients=[person], decisions="Magang di bengkel"))
        db.session.commit()
        number = person.register_number
    login_as("head")
    book = _book(_download(client, "monthly"))
    assert book.sheetnames[-1] == "Keputusan KK"
    assert _table(book["Keputusan KK"]) == [[datetime(2026, 2, 10), "Penyaluran",
                                            f"{number} Asep Saepudin",
                                            "Magang di bengkel"]]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    login_as("admin")  # the admin does not read case conferences
    assert "Keputusan KK" not in _book(_download(client, "monthly")).sheetnames


def _class_world():
    """Menjahit A (instructor "instructor"), 2 and 4 Feb: Ani H, S; Budi H, A.
    Las Dasar (another instructor), 3 Feb: Citra I."""
    teacher, other = make_user("instructor"), make_user("instructor", "instruktur2")
    sewing = make_class("Menjahit A", instructor=teacher.staff)
    welding = make_class("Las Dasar", instructor=other.staff)
    ani, budi, citra = (make_client(n) for n in ("Ani Lestari", "Budi Santoso", "Citra Dewi"))
    for klass, person in ((sewing, ani), (sewing, budi), (welding, citra)):
        db.session.add(Enrollment(training_class=klass, client=person,
                                  enrolled_on=date(2026, 1, 5)))
    for klass, day, marks in ((sewing, 2, {ani: "H", budi: "H"}),
                              (sewing, 4, {ani: "S", budi: "A"}),
                              (welding, 3, {citra: "I"})):
        session = TrainingSession(training_class=klass, date=date(2026, 2, day),
                                  start_time=time(8), end_time=time(11))
        db.session.add(session)
        db.session.flush()
        for person, code in marks.items():
            db.session.add(Attendance(session_id=session.id, client_id=person.id, code=code))
    db.session.commit()
    return welding.id


def test_attendance_sheet_has_codes_by_day_and_totals(app, client, login_as):
    with app.app_context():
        _class_world()
    login_as("head")
    book = _book(_download(client, "attendance"))
    assert book.sheetnames == ["Las Dasar", "Menjahit A"]
    ws = book["Menjahit A"]
    headers = [c.value for c in ws[7]]
    assert headers[:5] == ["No", "Nomor induk", "Nama klien", "1", "2"]
    assert headers[-5:] == ["H", "I", "S", "A", "% hadir"] and len(headers) == 3 + 28 + 5
    assert ws.freeze_panes == "D8"
    rows = _table(ws)
    ani, budi = rows[0], rows[1]
    assert (ani[2], ani[3 + 1], ani[3 + 3]) == ("Ani Lestari", "H", "S")  # 2 and 4 Feb
    assert ani[-5:] == [1, 0, 1, 0, 0.5] and budi[-5:] == [1, 0, 0, 1, 0.5]
    assert ws.cell(8, len(headers)).number_format == "0.0%"
    per_day = rows[3]
    assert per_day[2] == "Kehadiran per hari" and per_day[3 + 1] == 1 and per_day[3 + 3] == 0
    assert rows[2][2] == "Hadir (H) per hari" and rows[2][3 + 1] == 2
    assert ws["A6"].value == "Kelas: Menjahit A · Instruktur: Pegawai Instructor"


def test_instructor_exports_only_their_own_classes(app, client, login_as):
    with app.app_context():
        welding_id = _class_world()
    login_as("instructor")
    assert _book(_download(client, "attendance")).sheetnames == ["Menjahit A"]
    assert _download(client, "attendance", class_id=welding_id).status_code == 404
    assert _download(client, "roster").status_code == 403
    assert _download(client, "monthly").status_code == 403
    assert _download(client, "nothing").status_code == 404
    page = client.get("/admin/export/").get_data(as_text=True)
    assert 'data-report="attendance"' in page and 'data-report="roster"' not in page
    assert "Las Dasar" not in page


def test_empty_month_gives_a_valid_workbook_saying_so(app, client, login_as):
    with app.app_context():
        _people()
    login_as("head")
    for report in ("roster", "attendance", "conferences"):
        ws = _book(_download(client, report, month="2025-06")).active
        assert [c.value for c in ws[7]][:2] == ["No", "Nomor induk" if report != "conferences"
                                                else "Tanggal"]
        assert ws["A8"].value == "Tidak ada data untuk periode ini.", report
    census = _book(_download(client, "monthly", month="2025-06"))["Sensus"]
    texts = [c.value for c in census["A"] if isinstance(c.value, str)]
    assert "Cek sensus: awal bulan 0 + masuk 0 − keluar 0 = 0; akhir bulan 0 → SESUAI" in texts


def test_conference_log_and_its_scope(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        mine = make_client("Asep Saepudin", social_worker_id=me["staff_id"])
        other = make_client("Bunga Lestari")
        chair = make_staff("Drs. Bambang Sutrisno, M.Si.", "head", is_core_member=True)
        db.session.add_all([
            CaseConference(date=date(2026, 2, 10), start_time=time(9), end_time=time(11),
                           kind="periodic_review", location="Ruang Rapat", chair=chair,
                           attendees=[chair], clients=[mine],
                           decisions="Lanjut pelatihan las tiga bulan"),
            CaseConference(date=date(2026, 2, 12), kind="emergency", clients=[other],
                           decisions="Rahasia"),
        ])
        db.session.commit()
    ws = _book(_download(client, "conferences")).active
    rows = _table(ws)
    assert len(rows) == 1
    no, day, hours, kind, place, chaired, people, clients, _summary, decisions = rows[0]
    assert (no, day, hours, kind) == (1, datetime(2026, 2, 10), "09:00–11:00",
                                      "Peninjauan berkala (3 bulanan)")
    assert people == "Drs. Bambang Sutrisno, M.Si. (inti)" and "Asep Saepudin" in clients
    # Their client was discussed, but they did not attend: the minutes' texts stay hidden.
    assert decisions == "— (hanya untuk pimpinan rapat dan peserta KK)"
    assert "Rahasia" not in str(list(ws.values))
    assert "Lanjut pelatihan" not in str(list(ws.values))


@pytest.mark.parametrize("report", ["roster", "attendance", "monthly", "conferences"])
def test_every_export_is_audited(app, client, login_as, report):
    login_as("head")
    _download(client, report, month="2026-02")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
        assert entry.username == "head"
        assert re.search(r" 2026-02 \(.+\)$", entry.detail)
