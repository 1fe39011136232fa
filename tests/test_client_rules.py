"""One rule function for a client's registration: every case it refuses is refused by the
client form (the message next to the field) and by the roster import's dry run (the row
rejected with the same words), and nothing is saved by either."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from html import unescape

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from models import Client, db
from services.client_rules import TEXT_LIMITS, Facts, client_problems
from services.dates import today as panti_today
from services.exports import ROSTER_COLUMNS

from .conftest import csrf_token, field_errors, make_client, make_room, post_form

BASE = {"full_name": "Slamet Riyadi", "sex": "L", "stage": "approach",
        "admission_date": date(2026, 3, 2), "birth_date": date(1980, 7, 14)}
LABELS = {attr: str(label) for label, attr in ROSTER_COLUMNS}
FUTURE = panti_today() + timedelta(days=3)

# (field, changes to BASE, the rule's message). A room is given by name.
CASES = [
    ("full_name", {"full_name": None}, "Kolom ini wajib diisi."),
    ("full_name", {"full_name": "Slamet " * 715 + "Riyadi"},  # 5,011 characters
     "Isian tidak boleh lebih dari 120 karakter (terisi 5011)."),
    ("sex", {"sex": None}, "Kolom ini wajib diisi."),
    ("cohort", {"cohort": -2}, "Harus bilangan bulat positif."),
    ("birth_place", {"birth_place": "B" * 81},
     "Isian tidak boleh lebih dari 80 karakter (terisi 81)."),
    ("address", {"address": ("Jl. Melati " * 30).strip()},
     "Isian tidak boleh lebih dari 255 karakter (terisi 329)."),
    ("district_of_origin", {"district_of_origin": "Kabupaten " + "A" * 75},
     "Isian tidak boleh lebih dari 80 karakter (terisi 85)."),
    ("guardian_name", {"guardian_name": "W" * 121},
     "Isian tidak boleh lebih dari 120 karakter (terisi 121)."),
    ("guardian_relation", {"guardian_relation": "R" * 41},
     "Isian tidak boleh lebih dari 40 karakter (terisi 41)."),
    ("birth_date", {"birth_date": FUTURE, "admission_date": None},
     "Tanggal tidak boleh di masa depan."),
    ("nik", {"nik": "320101140780001"}, "NIK harus tepat 16 angka (terisi 15 karakter)."),
    ("nik", {"nik": "3201015407800001"},  # day 54: a woman's NIK for a man
     "NIK menunjukkan jenis kelamin perempuan, tidak sesuai isian jenis kelamin."),
    ("nik", {"nik": "3201011507800001"},
     "Tanggal lahir di NIK (15-07-80) tidak sesuai tanggal lahir yang diisi."),
    ("nik", {"nik": "3201011407800009"}, "NIK sudah dipakai klien 2026-0001."),
    ("family_card_number", {"family_card_number": "320101"},
     "Nomor KK harus tepat 16 angka (terisi 6 karakter)."),
    ("guardian_phone", {"guardian_phone": "12345"},
     "Nomor telepon tidak valid (contoh: 0812 3456 7890)."),
    ("admission_date", {"admission_date": date(1979, 1, 2)},
     "Tidak boleh sebelum tanggal lahir."),
    ("room", {"room": "Asrama Melati"}, "Asrama Melati khusus perempuan."),
]
# Fields the form does not have (the stage and the termination are moves): the import's rows
# meet the same rule function. A full room is met when the client comes to live there (at
# admission, tests/test_lifecycle.py; an edit of an admitted client, tests/test_validation.py).
IMPORT_CASES = [
    ("termination_date", {"stage": "termination", "termination_date": date(2026, 3, 1),
                          "termination_reason": "own_will"},
     "Tidak boleh sebelum tanggal masuk."),
    ("termination_reason", {"termination_date": date(2026, 3, 20)},
     "Isi tanggal dan alasan terminasi bersama-sama."),
    ("termination_reason", {"stage": "aftercare"},
     "Klien pada tahap terminasi atau bimbingan lanjut harus punya alasan terminasi."),
]


def _world() -> dict[str, int]:
    """A women's dormitory, a full men's group home (5 of 5) and a client whose NIK is
    taken; returns the room ids by name."""
    melati = make_room("Asrama Melati", capacity=10, sex="P")
    mawar = make_room("Rumah Kelompok Mawar", capacity=5, sex="L", kind="group_home")
    make_client("Pemilik NIK", number="2026-0001", nik="3201011407800009",
                birth_date=date(1980, 7, 14))
    for i in range(5):
        make_client(f"Penghuni {i}", room=mawar, stage="intervention")
    db.session.commit()
    return {melati.name: melati.id, mawar.name: mawar.id}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Client))


def _form_data(values: dict, rooms: dict[str, int]) -> dict[str, str]:
    data = {}
    for name, value in values.items():
        if value is None:
            data[name] = ""
        elif name == "room":
            data[name] = str(rooms[value])
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def roster(rows: list[dict]) -> bytes:
    """A workbook in the export's layout (every roster column) holding ``rows``."""
    book = Workbook()
    ws = book.active
    ws["A3"] = "Buku Induk Klien"
    headers = ["No", *LABELS.values()]
    for col, header in enumerate(headers, start=1):
        ws.cell(7, col, header)
    for r, values in enumerate(rows, start=8):
        ws.cell(r, 1, r - 7)
        for c, attr in enumerate(LABELS, start=2):
            value = values.get(attr)
            ws.cell(r, c, datetime(value.year, value.month, value.day)
                    if isinstance(value, date) else value)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def dry_run(client, content: bytes) -> dict[int, tuple[str, list[str]]]:
    """Upload ``content``; spreadsheet row → (action, the reasons listed for it)."""
    html = client.post("/admin/client_import/", data={
        "csrf_token": csrf_token(client, "/admin/client_import/"),
        "file": (io.BytesIO(content), "buku-induk.xlsx")},
        content_type="multipart/form-data").get_data(as_text=True)
    found = {}
    for number, body in re.findall(r'data-row="(\d+)">(.*?)</tr>', html, re.S):
        action = re.search(r'data-action="(\w+)"', body).group(1)
        reasons = [unescape(" ".join(re.sub(r"<[^>]+>", " ", li).split()))
                   for li in re.findall(r"<li>(.*?)</li>", body, re.S)]
        found[int(number)] = (action, reasons)
    assert found, unescape(html)[-2000:]
    return found


@pytest.mark.parametrize("field, changes, message", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_form_and_import_refuse_alike(app, client, login_as, field, changes, message):
    login_as("admin")
    with app.app_context():
        rooms = _world()
        before = _count()
    values = {**BASE, **changes}

    response = post_form(client, "/admin/client/new/", _form_data(values, rooms))
    assert response.status_code == 200
    assert message in field_errors(response.get_data(as_text=True), field)

    action, reasons = dry_run(client, roster([values]))[8]
    label = LABELS[field]
    assert action == "reject"
    assert message in reasons or f"{label}: {message}" in reasons, reasons
    with app.app_context():
        assert _count() == before


@pytest.mark.parametrize("field, changes, message", IMPORT_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(IMPORT_CASES)])
def test_the_import_refuses_what_the_rules_refuse(app, client, login_as, field, changes,
                                                  message):
    login_as("admin")
    with app.app_context():
        _world()
        before = _count()
    values = {**BASE, **changes}
    row = {"termination_date": None, "termination_reason": None, **values}  # every column
    assert message in [p.message for p in client_problems(row)]
    action, reasons = dry_run(client, roster([values]))[8]
    assert action == "reject"
    assert message in reasons or f"{LABELS[field]}: {message}" in reasons, reasons
    with app.app_context():
        assert _count() == before


def test_every_text_limit_is_the_column_length(app):
    """The limits come from the model: a longer column in a migration moves the rule."""
    assert TEXT_LIMITS == {name: Client.__table__.c[name].type.length for name in TEXT_LIMITS}
    assert {"full_name", "address", "guardian_phone"} <= set(TEXT_LIMITS)
    assert set(TEXT_LIMITS) <= {attr for attr in LABELS}  # every limit has a roster column
    assert {case[0] for case in CASES} >= set(TEXT_LIMITS) - {"guardian_phone"}


def test_a_valid_client_passes_form_and_import(app, client, login_as):
    login_as("admin")
    with app.app_context():
        rooms = _world()
    values = {**BASE, "nik": "3201011407800001", "room": None}
    assert dry_run(client, roster([values]))[8] == ("create", [])
    response = post_form(client, "/admin/client/new/", _form_data(values, rooms))
    assert response.status_code == 302


def test_rows_of_one_import_count_against_each_other(app, client, login_as):
    """Two places left in a group home: the third client the file moves there is refused,
    and a resident the same file moves out frees a place for a row below it."""
    login_as("admin")
    with app.app_context():
        home = make_room("Rumah Kelompok Kenanga", capacity=5, sex="L", kind="group_home")
        dorm = make_room("Asrama Anggrek", capacity=20, sex="L")
        for i in range(3):
            make_client(f"Penghuni {i}", number=f"2026-000{i + 1}", room=home)
        for i in range(4, 8):
            make_client(f"Pindahan {i}", number=f"2026-000{i}", room=dorm)
        db.session.commit()

    def row(number: str, name: str, room: str) -> dict:
        return {"register_number": number, "full_name": name, "sex": "L",
                "stage": "intervention", "admission_date": date(2026, 1, 5), "room": room}

    kenanga, anggrek = "Rumah Kelompok Kenanga", "Asrama Anggrek"
    women = {**BASE, "full_name": "Siti", "sex": "P", "room": kenanga}
    rows = dry_run(client, roster([
        row("2026-0004", "Pindahan 4", kenanga), row("2026-0005", "Pindahan 5", kenanga),
        row("2026-0006", "Pindahan 6", kenanga), row("2026-0001", "Penghuni 0", anggrek),
        row("2026-0007", "Pindahan 7", kenanga), women]))
    full = "Kamar: Rumah Kelompok Kenanga sudah penuh (kapasitas 5 orang)."
    assert [rows[n][0] for n in range(8, 14)] == [
        "update", "update", "reject", "update", "update", "reject"]
    assert rows[10][1] == [full]
    assert rows[13][1] == ["Kamar: Rumah Kelompok Kenanga khusus laki-laki."]


def test_a_changed_row_is_judged_as_the_whole_client(app, client, login_as):
    """An update that only changes the sex still meets the room's rule (the room is stored,
    not in the row), as the edit form would."""
    login_as("admin")
    with app.app_context():
        room = make_room("Asrama Anggrek", capacity=10, sex="L")
        make_client("Budi Santoso", number="2026-0001", room=room)
        db.session.commit()
    book = Workbook()
    ws = book.active
    for col, header in enumerate(("Nomor induk", "Nama lengkap", "L/P"), start=1):
        ws.cell(7, col, header)
    for col, value in enumerate(("2026-0001", "Budi Santoso", "P"), start=1):
        ws.cell(8, col, value)
    data = io.BytesIO()
    book.save(data)
    assert dry_run(client, data.getvalue())[8] == (
        "reject", ["Kamar: Asrama Anggrek khusus laki-laki."])


def test_rule_function_reads_one_query_per_question_or_everything_once(app):
    """The form asks the database as it goes; the import reads everything first."""
    with app.app_context():
        room = make_room("Asrama Anggrek", capacity=1, sex="L")
        make_client("Budi Santoso", number="2026-0001", room=room, stage="intervention")
        db.session.commit()
        values = {**BASE, "stage": "intervention", "room": room.id}
        expected = ["Asrama Anggrek sudah penuh (kapasitas 1 orang)."]
        assert [p.message for p in client_problems(values)] == expected
        facts = Facts.preloaded()
        assert [p.message for p in client_problems(values, facts=facts)] == expected
        budi = db.session.scalar(select(Client))
        assert client_problems({**values, "stage": "intervention"}, current=budi,
                               facts=facts) == []  # not counted against itself


def test_check_data_prints_what_breaks_the_rules_in_the_stored_roster(app):
    """The rules of the form and the import, asked of the stored roster by the CLI: a man
    written into a women's room around the console is named, with the column's words."""
    from cli import check_data

    runner = app.test_cli_runner()
    with app.app_context():
        room_id = make_room("Asrama Melati", capacity=4, sex="P").id
        make_client("Sri Wahyuni", sex="P", room_id=room_id)
        db.session.commit()
    clean = runner.invoke(check_data)
    assert clean.exit_code == 0 and "Semua data memenuhi aturan." in clean.output
    with app.app_context():
        man = make_client("Budi Santoso", sex="L")
        db.session.flush()
        # Around the console (another tool, an old version): no audit, no rules.
        db.session.connection().exec_driver_sql(
            f"UPDATE client SET room_id = {int(room_id)} WHERE id = {int(man.id)}")
        db.session.commit()
        number = man.register_number
    found = runner.invoke(check_data)
    assert found.exit_code == 1
    assert (f"Klien: {number} Budi Santoso — Kamar: Asrama Melati khusus perempuan."
            in found.output)
    assert "1 data melanggar aturan." in found.output
