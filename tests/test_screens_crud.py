"""Every screen through its real forms: create, see it listed, edit, delete.

Each screen posts what a browser posts (related rows by id, AJAX many-to-many pickers as
comma-separated ids, dates YYYY-MM-DD, times HH:MM, checked boxes "y", select codes, "__None"
for an empty select) and the tests read the list and details pages as a user reads them:
cell by cell of the row that was just saved, never the whole page (the filter widgets of a
list page carry every label of every vocabulary).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from models import (
    Attendance,
    CaseConference,
    CaseNote,
    Client,
    Enrollment,
    GuidanceSchedule,
    NetworkPartner,
    RecreationActivity,
    Room,
    ServiceContract,
    SkillType,
    Staff,
    TrainingClass,
    TrainingSession,
    User,
    db,
)
from tests.conftest import csrf_token, make_class, make_client, make_room, make_staff, post_form

NEW_PASSWORD = "sandi-baru-rina-2026"

# --- reading pages as a user does -----------------------------------------------------------


def _text(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


class _ListTable(HTMLParser):
    """The list table as {row id: {column: text}}; cells carry the class "col-<column>"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: dict[int, dict[str, str]] = {}
        self._row: dict[str, str] | None = None
        self._row_id: int | None = None
        self._cell: str | None = None
        self._parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self._row, self._row_id = {}, None
        elif tag == "input" and attrs.get("name") in ("rowid", "id") and self._row is not None:
            self._row_id = int(attrs["value"])
        elif tag == "td" and self._row is not None:
            columns = [c[4:] for c in (attrs.get("class") or "").split() if c.startswith("col-")]
            if columns:
                self._cell, self._parts = columns[0], []

    def handle_data(self, data):
        if self._cell is not None:
            self._parts.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row[self._cell] = _text(self._parts)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row_id is not None:
                self.rows[self._row_id] = self._row
            self._row = None


class _DetailsTable(HTMLParser):
    """The details table as {label: text} (each row: a bold label cell and a value cell)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._cells: list[str] | None = None
        self._parts: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._cells = []
        elif tag == "td" and self._cells is not None:
            self._parts = []

    def handle_data(self, data):
        if self._parts is not None:
            self._parts.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._parts is not None:
            self._cells.append(_text(self._parts))
            self._parts = None
        elif tag == "tr" and self._cells is not None:
            if len(self._cells) == 2:
                self.fields[self._cells[0]] = self._cells[1]
            self._cells = None


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    return response.get_data(as_text=True)


def list_rows(client, url: str, flashed: str | None = None) -> dict[int, dict[str, str]]:
    """The rows of a list page; ``flashed``: the message the page must show on top."""
    html = page(client, url)
    if flashed is not None:
        assert flashed in alerts(html), f"{url} shows {alerts(html)}, not {flashed!r}"
    parser = _ListTable()
    parser.feed(html)
    return parser.rows


def details(client, url: str) -> dict[str, str]:
    parser = _DetailsTable()
    parser.feed(page(client, url))
    return parser.fields


def alerts(html: str) -> list[str]:
    """The flashed messages shown at the top of a page."""
    return [" ".join(re.sub(r"<[^>]+>|&times;", " ", m).split())
            for m in re.findall(r'<div class="alert[^"]*">(.*?)</div>', html, re.S)]


def form_problems(html: str) -> list[str]:
    """Flashed alerts and field errors of a re-rendered form, for a failure message."""
    problems = alerts(html)
    for name, errors in re.findall(
        r'name="(\w+)"[^>]*>\s*<div class="invalid-feedback">(.*?)</div>', html, re.S
    ):
        problems.append(f"{name}: " + "; ".join(re.findall(r"<li>(.*?)</li>", errors)))
    return problems


def assert_redirected(response, url: str) -> None:
    """The form was accepted: Flask-Admin answers a saved form with a redirect."""
    assert response.status_code == 302, (
        f"not saved (status {response.status_code}): "
        f"{form_problems(response.get_data(as_text=True))}"
    )
    assert response.headers["Location"].endswith(url), response.headers["Location"]


def assert_shows(shown: dict[str, str], expected: dict[str, str | set[str]], where: str):
    """Each expected cell reads exactly so; a set lists parts a list-valued cell contains."""
    for key, want in expected.items():
        assert key in shown, f"{where}: no {key!r} in {shown}"
        if isinstance(want, set):
            for part in want:
                assert part in shown[key], f"{where}: {key!r} = {shown[key]!r} lacks {part!r}"
        else:
            assert shown[key] == want, f"{where}: {key!r} = {shown[key]!r}, expected {want!r}"


def assert_stored(record, expected: dict) -> None:
    """Each attribute holds the expected value; a set is the ids of a collection."""
    for attr, want in expected.items():
        value = getattr(record, attr)
        if isinstance(want, set):
            value = {item.id for item in value}
        assert value == want, f"{type(record).__name__}.{attr} = {value!r}, expected {want!r}"


# --- the screens: related rows, the posted forms and what the user should then see ----------


@dataclass
class Case:
    model: type
    create: dict  # the new form as a browser posts it
    stored: dict  # attribute -> value in the database after the create
    listed: dict  # list column -> text of the new row
    shown: dict  # details label -> text
    edit: dict  # the whole edit form, as posted
    edited: dict  # attribute -> value after the edit
    edited_listed: dict  # list column -> text after the edit


SCREENS: dict[str, tuple[str, Callable[[dict], Case]]] = {}


def screen(endpoint: str, role: str = "admin"):
    def register(build):
        SCREENS[endpoint] = (role, build)
        return build

    return register


@screen("client")
def client_case(_who) -> Case:
    worker = make_staff("Siti Rahayu", "social_worker")
    room = make_room("Asrama Anggrek", capacity=10, sex="L")
    create = {
        "register_number": "",
        "cohort": "12",
        "full_name": "Budi Santoso",
        "sex": "L",
        "birth_place": "Bandung",
        "birth_date": "1990-03-14",
        "religion": "islam",
        "nik": "3273011403900001",  # DDMMYY 140390 matches birth date, sex L
        "family_card_number": "3273010101200001",
        "address": "Jl. Merdeka No. 5, Bandung",
        "district_of_origin": "Kota Bandung",
        "guardian_name": "Sri Wahyuni",
        "guardian_relation": "Ibu",
        "guardian_phone": "081234567890",
        "referral_source": "dinsos",
        "arrival_condition": "Sehat, tanpa kartu identitas",
        "belongings": "Tas ransel, pakaian",
        "admission_date": "2026-01-05",
        "stage": "admission",
        "social_worker": str(worker.id),
        "room": str(room.id),
        "termination_date": "",
        "termination_reason": "__None",
    }
    stored = {
        "register_number": "2026-0001",
        "cohort": 12,
        "full_name": "Budi Santoso",
        "sex": "L",
        "birth_place": "Bandung",
        "birth_date": date(1990, 3, 14),
        "religion": "islam",
        "nik": "3273011403900001",
        "family_card_number": "3273010101200001",
        "address": "Jl. Merdeka No. 5, Bandung",
        "district_of_origin": "Kota Bandung",
        "guardian_name": "Sri Wahyuni",
        "guardian_relation": "Ibu",
        "guardian_phone": "081234567890",
        "referral_source": "dinsos",
        "arrival_condition": "Sehat, tanpa kartu identitas",
        "belongings": "Tas ransel, pakaian",
        "admission_date": date(2026, 1, 5),
        "stage": "admission",
        "social_worker_id": worker.id,
        "room_id": room.id,
        "termination_date": None,
        "termination_reason": None,
        "photo": None,
    }
    # The edit form has no register number: it is given once and never changes.
    edit = {key: value for key, value in create.items() if key != "register_number"}
    edit.update(stage="intervention", district_of_origin="Kabupaten Garut")
    return Case(
        model=Client,
        create=create,
        stored=stored,
        listed={
            "register_number": "2026-0001",
            "full_name": "Budi Santoso",
            "sex": "Laki-laki",
            "cohort": "12",
            "stage": "2. Penerimaan & registrasi",
            "district_of_origin": "Kota Bandung",
            "social_worker.name": "Siti Rahayu",
            "room.name": "Asrama Anggrek",
            "admission_date": "05/01/2026",
        },
        shown={
            "Nomor induk": "2026-0001",
            "Nama lengkap": "Budi Santoso",
            "Jenis kelamin": "Laki-laki",
            "Tanggal lahir": "14/03/1990",
            "Agama": "Islam",
            "NIK": "3273011403900001",
            "Diserahkan oleh": "Dinas Sosial",
            "Tanggal masuk": "05/01/2026",
            "Tahap pelayanan": "2. Penerimaan & registrasi",
            "Kamar/asrama": "Asrama Anggrek",
        },
        edit=edit,
        edited={**stored, "stage": "intervention", "district_of_origin": "Kabupaten Garut"},
        edited_listed={
            "register_number": "2026-0001",
            "stage": "6. Intervensi / bimbingan",
            "district_of_origin": "Kabupaten Garut",
        },
    )


@screen("contract", role="social_worker")
def contract_case(who) -> Case:
    # The social worker's screen shows contracts of the clients assigned to them. The form
    # writes drafts; signing and the later states have their own steps (test_contracts.py).
    client = make_client("Budi Santoso", social_worker_id=who["staff_id"])
    create = {
        "client": str(client.id),
        "social_worker": str(who["staff_id"]),
        "kind": "primary",
        "problem": "Belum memiliki keterampilan kerja",
        "goals": "Mampu menjahit pakaian sederhana",
        "client_responsibilities": "Mengikuti kelas menjahit",
        "worker_responsibilities": "Memantau kemajuan tiap bulan",
        "techniques": "Bimbingan keterampilan, konseling",
        "place": "Ruang pekerja sosial",
        "start_date": "2026-02-01",
        "end_date": "2026-07-31",
    }
    stored = {
        "client_id": client.id,
        "social_worker_id": who["staff_id"],
        "kind": "primary",
        "status": "draft",
        "problem": "Belum memiliki keterampilan kerja",
        "goals": "Mampu menjahit pakaian sederhana",
        "client_responsibilities": "Mengikuti kelas menjahit",
        "worker_responsibilities": "Memantau kemajuan tiap bulan",
        "techniques": "Bimbingan keterampilan, konseling",
        "place": "Ruang pekerja sosial",
        "start_date": date(2026, 2, 1),
        "end_date": date(2026, 7, 31),
        "signed_date": None,
        "version": 1,
    }
    return Case(
        model=ServiceContract,
        create=create,
        stored=stored,
        listed={
            "client.register_number": "2026-0001",
            "client.full_name": "Budi Santoso",
            "kind": "Kontrak utama",
            "status": "Draf",
            "social_worker.name": "Pegawai Socialworker",
            "start_date": "01/02/2026",
            "end_date": "31/07/2026",
        },
        shown={
            "Klien": "2026-0001 — Budi Santoso",
            "Jenis kontrak": "Kontrak utama",
            "Status": "Draf",
            "Masalah": "Belum memiliki keterampilan kerja",
            "Berakhir": "31/07/2026",
        },
        edit={**create, "end_date": "2026-08-31"},
        edited={**stored, "end_date": date(2026, 8, 31)},
        edited_listed={"status": "Draf", "end_date": "31/08/2026"},
    )


@screen("case_note", role="social_worker")
def case_note_case(who) -> Case:
    # A social worker writes the case record of a client assigned to them.
    client = make_client("Budi Santoso", social_worker_id=who["staff_id"])
    create = {
        "client": str(client.id),
        "date": "2026-02-03",
        "kind": "assessment",
        "aspect": "psychological",
        "problem": "Sulit tidur, cemas tentang keluarga",
        "content": "Wawancara mendalam dan tes sederhana",
        "result": "Mau bercerita; cemas berkurang",
        "next_step": "Konseling individu tiap minggu",
    }
    stored = {
        "client_id": client.id,
        "author_id": who["staff_id"],
        "date": date(2026, 2, 3),
        "kind": "assessment",
        "aspect": "psychological",
        "problem": "Sulit tidur, cemas tentang keluarga",
        "content": "Wawancara mendalam dan tes sederhana",
        "result": "Mau bercerita; cemas berkurang",
        "next_step": "Konseling individu tiap minggu",
    }
    return Case(
        model=CaseNote,
        create=create,
        stored=stored,
        listed={
            "date": "03/02/2026",
            "client.register_number": "2026-0001",
            "client.full_name": "Budi Santoso",
            "kind": "Asesmen",
            "aspect": "Psikologis",
            "author.name": "Pegawai Socialworker",
        },
        shown={
            "Klien": "2026-0001 — Budi Santoso",
            "Jenis catatan": "Asesmen",
            "Aspek asesmen": "Psikologis",
            "Uraian / tindakan": "Wawancara mendalam dan tes sederhana",
            "Rencana tindak lanjut": "Konseling individu tiap minggu",
        },
        edit={**create, "kind": "progress", "aspect": "", "result": "Tidur lebih teratur"},
        edited={**stored, "kind": "progress", "aspect": None, "result": "Tidur lebih teratur"},
        edited_listed={"kind": "Catatan perkembangan", "aspect": ""},
    )


# The head: who chairs and attends a KK is the head's to set (docs/permissions.md).
@screen("conference", role="head")
def conference_case(_who) -> Case:
    chair = make_staff("Hadi Prasetyo", "head")
    peksos = make_staff("Siti Rahayu", "social_worker")
    budi = make_client("Budi Santoso")
    ani = make_client("Ani Lestari", sex="P")
    create = {
        "date": "2026-03-10",
        "start_time": "09:00",
        "end_time": "11:00",
        "kind": "periodic_review",
        "location": "Aula",
        "chair": str(chair.id),
        "attendees": f"{chair.id},{peksos.id}",
        "clients": f"{budi.id},{ani.id}",
        "summary": "Kemajuan tiga bulan pertama dibahas",
        "decisions": "Lanjut ke kelas menjahit",
    }
    stored = {
        "date": date(2026, 3, 10),
        "start_time": time(9, 0),
        "end_time": time(11, 0),
        "kind": "periodic_review",
        "location": "Aula",
        "chair_id": chair.id,
        "attendees": {chair.id, peksos.id},
        "clients": {budi.id, ani.id},
        "summary": "Kemajuan tiga bulan pertama dibahas",
        "decisions": "Lanjut ke kelas menjahit",
    }
    return Case(
        model=CaseConference,
        create=create,
        stored=stored,
        listed={
            "date": "10/03/2026",
            "start_time": "09:00",
            "kind": "Peninjauan berkala (3 bulanan)",
            "chair.name": "Hadi Prasetyo",
            "clients": {"2026-0001 — Budi Santoso", "2026-0002 — Ani Lestari"},
            "attendees": {"Hadi Prasetyo", "Siti Rahayu"},
        },
        shown={
            "Tanggal": "10/03/2026",
            "Selesai": "11:00",
            "Jenis KK": "Peninjauan berkala (3 bulanan)",
            "Keputusan": "Lanjut ke kelas menjahit",
        },
        edit={**create, "kind": "emergency", "clients": str(budi.id)},
        edited={**stored, "kind": "emergency", "clients": {budi.id}},
        edited_listed={"kind": "Darurat", "clients": "2026-0001 — Budi Santoso"},
    )


@screen("training_class")
def training_class_case(_who) -> Case:
    skill = SkillType(name="Menjahit")
    db.session.add(skill)
    db.session.flush()
    instructor = make_staff("Rina Marlina", "instructor")
    create = {
        "name": "Menjahit Dasar A",
        "skill_type": str(skill.id),
        "instructor": str(instructor.id),
        "location": "Ruang Jahit",
        "start_date": "2026-01-12",
        "end_date": "2026-06-30",
        "weekdays": ["1", "3"],
        "start_time": "08:00",
        "end_time": "11:00",
        "capacity": "12",
    }
    stored = {
        "name": "Menjahit Dasar A",
        "skill_type_id": skill.id,
        "instructor_id": instructor.id,
        "location": "Ruang Jahit",
        "start_date": date(2026, 1, 12),
        "end_date": date(2026, 6, 30),
        "weekdays": "13",
        "start_time": time(8, 0),
        "end_time": time(11, 0),
        "capacity": 12,
    }
    return Case(
        model=TrainingClass,
        create=create,
        stored=stored,
        listed={
            "name": "Menjahit Dasar A",
            "skill_type.name": "Menjahit",
            "instructor.name": "Rina Marlina",
            "weekdays": "Senin, Rabu",
            "start_time": "08:00",
            "start_date": "12/01/2026",
            "end_date": "30/06/2026",
            "enrolled_count": "0",
            "capacity": "12",
        },
        shown={"Keterampilan": "Menjahit", "Hari": "Senin, Rabu", "Jam selesai": "11:00"},
        edit={**create, "weekdays": ["2", "4", "5"], "capacity": "15"},
        edited={**stored, "weekdays": "245", "capacity": 15},
        edited_listed={"weekdays": "Selasa, Kamis, Jumat", "capacity": "15"},
    )


@screen("enrollment")
def enrollment_case(_who) -> Case:
    klass = make_class("Menjahit A")
    client = make_client("Budi Santoso")
    create = {
        "training_class": str(klass.id),
        "client": str(client.id),
        "enrolled_on": "2026-01-12",
        "left_on": "",
    }
    stored = {
        "class_id": klass.id,
        "client_id": client.id,
        "enrolled_on": date(2026, 1, 12),
        "left_on": None,
    }
    return Case(
        model=Enrollment,
        create=create,
        stored=stored,
        listed={
            "training_class.name": "Menjahit A",
            "client.register_number": "2026-0001",
            "client.full_name": "Budi Santoso",
            "enrolled_on": "12/01/2026",
            "left_on": "",
        },
        shown={"Kelas": "Menjahit A", "Klien": "2026-0001 — Budi Santoso",
               "Tanggal daftar": "12/01/2026"},
        edit={**create, "left_on": "2026-03-31"},
        edited={**stored, "left_on": date(2026, 3, 31)},
        edited_listed={"left_on": "31/03/2026"},
    )


@screen("training_session")
def training_session_case(_who) -> Case:
    klass = make_class("Menjahit A")
    create = {
        "training_class": str(klass.id),
        "date": "2026-01-14",
        "start_time": "08:00",
        "end_time": "11:00",
        "topic": "Mengenal mesin jahit",
    }
    stored = {
        "class_id": klass.id,
        "date": date(2026, 1, 14),
        "start_time": time(8, 0),
        "end_time": time(11, 0),
        "topic": "Mengenal mesin jahit",
    }
    return Case(
        model=TrainingSession,
        create=create,
        stored=stored,
        listed={
            "training_class.name": "Menjahit A",
            "date": "14/01/2026",
            "start_time": "08:00",
            "end_time": "11:00",
            "topic": "Mengenal mesin jahit",
        },
        shown={"Kelas": "Menjahit A", "Tanggal": "14/01/2026", "Materi": "Mengenal mesin jahit"},
        edit={**create, "end_time": "10:30", "topic": "Pola dasar kemeja"},
        edited={**stored, "end_time": time(10, 30), "topic": "Pola dasar kemeja"},
        edited_listed={"end_time": "10:30", "topic": "Pola dasar kemeja"},
    )


@screen("attendance")
def attendance_case(_who) -> Case:
    klass = make_class("Menjahit A")
    client = make_client("Budi Santoso")
    db.session.add(Enrollment(training_class=klass, client=client, enrolled_on=date(2026, 1, 5)))
    session = TrainingSession(training_class=klass, date=date(2026, 1, 14),
                              start_time=time(8, 0), end_time=time(11, 0), topic="Pola")
    db.session.add(session)
    db.session.flush()
    create = {
        "session": str(session.id),
        "client": str(client.id),
        "code": "H",
        "note": "Tepat waktu",
    }
    stored = {"session_id": session.id, "client_id": client.id, "code": "H",
              "note": "Tepat waktu"}
    return Case(
        model=Attendance,
        create=create,
        stored=stored,
        listed={
            "session.date": "14/01/2026",
            "session.training_class": "Menjahit A",
            "client.register_number": "2026-0001",
            "client.full_name": "Budi Santoso",
            "code": "H — hadir",
            "note": "Tepat waktu",
        },
        shown={"Pertemuan": "Menjahit A — 14/01/2026", "Klien": "2026-0001 — Budi Santoso",
               "Kehadiran": "H — hadir"},
        edit={**create, "code": "S", "note": "Demam"},
        edited={**stored, "code": "S", "note": "Demam"},
        edited_listed={"code": "S — sakit", "note": "Demam"},
    )


@screen("guidance")
def guidance_case(_who) -> Case:
    teacher = make_staff("Ustadz Ahmad", "religious_teacher")
    budi = make_client("Budi Santoso")
    ani = make_client("Ani Lestari", sex="P")
    create = {
        "guidance_type": "mental_spiritual",
        "title": "Pengajian mingguan",
        "weekday": "5",
        "date": "",
        "start_time": "13:00",
        "end_time": "14:30",
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "staff": str(teacher.id),
        "location": "Musala",
        "group_name": "Kelompok A",
        "clients": f"{budi.id},{ani.id}",
    }
    stored = {
        "guidance_type": "mental_spiritual",
        "title": "Pengajian mingguan",
        "weekday": 5,
        "date": None,
        "start_time": time(13, 0),
        "end_time": time(14, 30),
        "valid_from": date(2026, 1, 1),
        "valid_until": date(2026, 12, 31),
        "staff_id": teacher.id,
        "location": "Musala",
        "group_name": "Kelompok A",
        "clients": {budi.id, ani.id},
    }
    # From a weekly slot to a one-off meeting on a date.
    return Case(
        model=GuidanceSchedule,
        create=create,
        stored=stored,
        listed={
            "guidance_type": "Bimbingan mental spiritual",
            "title": "Pengajian mingguan",
            "weekday": "Jumat",
            "start_time": "13:00",
            "end_time": "14:30",
            "staff.name": "Ustadz Ahmad",
            "location": "Musala",
            "group_name": "Kelompok A",
        },
        shown={"Jenis bimbingan": "Bimbingan mental spiritual", "Hari/tanggal": "Jumat",
               "Berlaku sampai": "31/12/2026",
               "Klien": {"2026-0001 — Budi Santoso", "2026-0002 — Ani Lestari"}},
        edit={**create, "weekday": "", "date": "2026-02-20"},
        edited={**stored, "weekday": None, "date": date(2026, 2, 20)},
        edited_listed={"weekday": "20/02/2026"},
    )


@screen("recreation")
def recreation_case(_who) -> Case:
    leader = make_staff("Dewi Kusuma", "caregiver")
    budi = make_client("Budi Santoso")
    ani = make_client("Ani Lestari", sex="P")
    create = {
        "kind": "angklung",
        "title": "Latihan angklung",
        "date": "2026-02-07",
        "start_time": "15:00",
        "end_time": "16:30",
        "place": "Aula",
        "leader": str(leader.id),
        "participants": f"{budi.id},{ani.id}",
        "note": "Membawa angklung sendiri",
    }
    stored = {
        "kind": "angklung",
        "title": "Latihan angklung",
        "date": date(2026, 2, 7),
        "start_time": time(15, 0),
        "end_time": time(16, 30),
        "place": "Aula",
        "leader_id": leader.id,
        "participants": {budi.id, ani.id},
        "note": "Membawa angklung sendiri",
    }
    return Case(
        model=RecreationActivity,
        create=create,
        stored=stored,
        listed={
            "date": "07/02/2026",
            "start_time": "15:00",
            "end_time": "16:30",
            "kind": "Angklung",
            "title": "Latihan angklung",
            "place": "Aula",
            "leader.name": "Dewi Kusuma",
            "participants": {"Budi Santoso", "Ani Lestari"},
        },
        shown={"Jenis": "Angklung", "Pemimpin": "Dewi Kusuma (Pengasuh)",
               "Catatan": "Membawa angklung sendiri"},
        edit={**create, "kind": "outing", "title": "Wisata ke Kebun Raya",
              "participants": str(ani.id)},
        edited={**stored, "kind": "outing", "title": "Wisata ke Kebun Raya",
                "participants": {ani.id}},
        edited_listed={"kind": "Wisata", "title": "Wisata ke Kebun Raya",
                       "participants": "2026-0002 — Ani Lestari"},
    )


@screen("partner")
def partner_case(_who) -> Case:
    create = {
        "name": "Puskesmas Sukajadi",
        "kind": "health",
        "contact_person": "dr. Lina",
        "phone": "0227654321",
        "email": "pkm.sukajadi@example.go.id",
        "address": "Jl. Sukajadi No. 10, Bandung",
        "mou_number": "MoU/12/2026",
        "mou_start": "2026-01-01",
        "mou_end": "2027-12-31",
        "services": "Pemeriksaan kesehatan berkala",
        "active": "y",
    }
    stored = {
        "name": "Puskesmas Sukajadi",
        "kind": "health",
        "contact_person": "dr. Lina",
        "phone": "0227654321",
        "email": "pkm.sukajadi@example.go.id",
        "address": "Jl. Sukajadi No. 10, Bandung",
        "mou_number": "MoU/12/2026",
        "mou_start": date(2026, 1, 1),
        "mou_end": date(2027, 12, 31),
        "services": "Pemeriksaan kesehatan berkala",
        "active": True,
    }
    # An unchecked box is simply not posted.
    edit = {key: value for key, value in create.items() if key != "active"}
    edit["contact_person"] = "dr. Budi"
    return Case(
        model=NetworkPartner,
        create=create,
        stored=stored,
        listed={
            "name": "Puskesmas Sukajadi",
            "kind": "Layanan kesehatan (Puskesmas, rumah sakit)",
            "contact_person": "dr. Lina",
            "phone": "0227654321",
            "mou_number": "MoU/12/2026",
            "mou_end": "31/12/2027",
            "active": "Ya",
        },
        shown={"Jenis": "Layanan kesehatan (Puskesmas, rumah sakit)",
               "Email": "pkm.sukajadi@example.go.id", "MoU mulai": "01/01/2026"},
        edit=edit,
        edited={**stored, "contact_person": "dr. Budi", "active": False},
        edited_listed={"contact_person": "dr. Budi", "active": "Tidak"},
    )


@screen("staff")
def staff_case(_who) -> Case:
    create = {
        "employee_number": "198501012010011001",
        "name": "Rina Marlina",
        "position": "instructor",
        "phone": "081298765432",
        "is_core_member": "y",
        "active": "y",
    }
    stored = {
        "employee_number": "198501012010011001",
        "name": "Rina Marlina",
        "position": "instructor",
        "phone": "081298765432",
        "is_core_member": True,
        "active": True,
    }
    edit = {key: value for key, value in create.items() if key != "is_core_member"}
    edit["position"] = "social_worker"
    return Case(
        model=Staff,
        create=create,
        stored=stored,
        listed={
            "employee_number": "198501012010011001",
            "name": "Rina Marlina",
            "position": "Instruktur",
            "phone": "081298765432",
            "is_core_member": "Ya",
            "active": "Ya",
        },
        shown={"NIP / nomor pegawai": "198501012010011001", "Jabatan": "Instruktur",
               "Anggota inti KK": "Ya"},
        edit=edit,
        edited={**stored, "position": "social_worker", "is_core_member": False},
        edited_listed={"position": "Pekerja sosial", "is_core_member": "Tidak"},
    )


@screen("room")
def room_case(_who) -> Case:
    create = {
        "name": "Rumah Kelompok Melati",
        "kind": "group_home",
        "sex": "P",
        "capacity": "5",
        "active": "y",
        "note": "Dekat dapur",
    }
    stored = {
        "name": "Rumah Kelompok Melati",
        "kind": "group_home",
        "sex": "P",
        "capacity": 5,
        "active": True,
        "note": "Dekat dapur",
    }
    return Case(
        model=Room,
        create=create,
        stored=stored,
        listed={
            "name": "Rumah Kelompok Melati",
            "kind": "Rumah kelompok (maks. 5 orang)",
            "sex": "Perempuan",
            "capacity": "5",
            "occupancy": "0",
            "active": "Ya",
        },
        shown={"Jenis": "Rumah kelompok (maks. 5 orang)", "Untuk": "Perempuan",
               "Catatan": "Dekat dapur"},
        edit={**create, "sex": "C", "capacity": "4"},
        edited={**stored, "sex": "C", "capacity": 4},
        edited_listed={"sex": "Campuran", "capacity": "4"},
    )


@screen("skill_type")
def skill_type_case(_who) -> Case:
    create = {"name": "Sablon", "description": "Sablon kaus dan tas", "active": "y"}
    stored = {"name": "Sablon", "description": "Sablon kaus dan tas", "active": True}
    return Case(
        model=SkillType,
        create=create,
        stored=stored,
        listed={"name": "Sablon", "description": "Sablon kaus dan tas", "active": "Ya"},
        shown={"Keterampilan": "Sablon", "Keterangan": "Sablon kaus dan tas", "Aktif": "Ya"},
        edit={"name": "Sablon", "description": "Sablon kaus, tas dan spanduk"},
        edited={"name": "Sablon", "description": "Sablon kaus, tas dan spanduk",
                "active": False},
        edited_listed={"description": "Sablon kaus, tas dan spanduk", "active": "Tidak"},
    )


@screen("user")
def user_case(_who) -> Case:
    rina = make_staff("Rina Marlina", "instructor")
    create = {
        "username": "rina.m",
        "role": "instructor",
        "staff": str(rina.id),
        "is_active_account": "y",
        "must_change_password": "y",
        "new_password": NEW_PASSWORD,
    }
    stored = {
        "username": "rina.m",
        "role": "instructor",
        "staff_id": rina.id,
        "is_active_account": True,
        "must_change_password": True,
        "last_login_at": None,
    }
    # Leaving the password empty on edit keeps it.
    # The admin gives only roles without case content (test_nested_scope has the others).
    edit = {"username": "rina.m", "role": "staff", "staff": str(rina.id),
            "is_active_account": "y", "new_password": ""}
    return Case(
        model=User,
        create=create,
        stored=stored,
        listed={
            "username": "rina.m",
            "role": "Instruktur",
            "staff": "Rina Marlina (Instruktur)",
            "is_active_account": "Ya",
            "must_change_password": "Ya",
            "last_login_at": "",
        },
        shown={"Nama pengguna": "rina.m", "Peran": "Instruktur",
               "Wajib ganti kata sandi": "Ya"},
        edit=edit,
        edited={**stored, "role": "staff", "must_change_password": False},
        edited_listed={"role": "Staf", "must_change_password": "Tidak"},
    )


# --- the flow every screen goes through --------------------------------------------------------


def _ids(model) -> set[int]:
    return set(db.session.scalars(select(model.id)))


@pytest.mark.parametrize("endpoint", list(SCREENS))
def test_create_list_edit_delete_through_the_forms(app, client, login_as, endpoint):
    role, build = SCREENS[endpoint]
    who = login_as(role)
    with app.app_context():
        case = build(who)
        db.session.commit()
        before = _ids(case.model)
    base = f"/admin/{endpoint}/"

    # Create through the new form.
    assert_redirected(post_form(client, f"{base}new/", case.create), base)
    with app.app_context():
        new = _ids(case.model) - before
        assert len(new) == 1, f"expected one new {case.model.__name__}, got {new}"
        (row_id,) = new
        assert_stored(db.session.get(case.model, row_id), case.stored)

    rows = list_rows(client, base, flashed="Data berhasil dibuat.")
    assert row_id in rows, f"the new row is not listed: {rows}"
    assert_shows(rows[row_id], case.listed, f"{base} after create")
    assert_shows(details(client, f"{base}details/?id={row_id}"), case.shown,
                 f"{base}details/?id={row_id}")

    # Edit through the edit form (every field re-posted, as the browser does).
    assert_redirected(post_form(client, f"{base}edit/?id={row_id}", case.edit), base)
    with app.app_context():
        assert_stored(db.session.get(case.model, row_id), case.edited)
    rows = list_rows(client, base, flashed="Data berhasil disimpan.")
    assert row_id in rows, f"the edited row is not listed: {rows}"
    assert_shows(rows[row_id], case.edited_listed, f"{base} after edit")

    # Delete with the list page's delete form.
    response = client.post(f"{base}delete/", data={
        "id": row_id, "csrf_token": csrf_token(client, base), "url": base,
    })
    assert_redirected(response, base)
    assert row_id not in list_rows(client, base, flashed="1 data berhasil dihapus.")
    with app.app_context():
        assert db.session.get(case.model, row_id) is None
        assert _ids(case.model) == before


# --- the client's details and register number ----------------------------------------------


def test_client_details_show_indonesian_labels(app, client, login_as):
    login_as("admin")
    with app.app_context():
        worker_id = make_staff("Siti Rahayu", "social_worker").id
        db.session.commit()
    response = post_form(client, "/admin/client/new/", {
        "register_number": "",
        "full_name": "Ani Lestari",
        "sex": "P",
        "birth_place": "Garut",
        "birth_date": "1998-07-21",
        "religion": "kristen",
        "referral_source": "satpol_pp",
        "admission_date": "2026-01-05",
        "stage": "termination",
        "social_worker": str(worker_id),
        "room": "__None",
        "termination_date": "2026-06-30",
        "termination_reason": "goals_achieved",
    })
    assert_redirected(response, "/admin/client/")
    with app.app_context():
        ani = db.session.scalars(select(Client)).one()
        ani_id = ani.id
        assert ani.register_number == "2026-0001"
        assert ani.room_id is None
    shown = details(client, f"/admin/client/details/?id={ani_id}")
    assert_shows(shown, {
        "Nomor induk": "2026-0001",
        "Nama lengkap": "Ani Lestari",
        "Jenis kelamin": "Perempuan",
        "Tempat lahir": "Garut",
        "Tanggal lahir": "21/07/1998",
        "Agama": "Kristen",
        "Diserahkan oleh": "Satpol PP (razia)",
        "Tanggal masuk": "05/01/2026",
        "Tahap pelayanan": "9. Terminasi",
        "Pekerja sosial": "Siti Rahayu (Pekerja sosial)",
        "Kamar/asrama": "",
        "Tanggal terminasi": "30/06/2026",
        "Alasan terminasi": "Tujuan pelayanan tercapai",
    }, "client details")


def test_client_register_numbers_count_up_within_the_admission_year(app, client, login_as):
    login_as("admin")
    for name, admitted in (("Budi Santoso", "2026-01-05"), ("Ani Lestari", "2026-02-10"),
                           ("Joko Widodo", "2025-12-30")):
        response = post_form(client, "/admin/client/new/", {
            "register_number": "", "full_name": name, "sex": "L", "stage": "approach",
            "admission_date": admitted, "religion": "__None", "referral_source": "__None",
            "room": "__None", "termination_reason": "__None",
        })
        assert_redirected(response, "/admin/client/")
    numbers = {row["full_name"]: row["register_number"]
               for row in list_rows(client, "/admin/client/").values()}
    assert numbers == {"Budi Santoso": "2026-0001", "Ani Lestari": "2026-0002",
                       "Joko Widodo": "2025-0001"}


def test_client_form_lets_the_register_number_be_left_blank(client, login_as):
    """The field says "Kosongkan agar diisi otomatis": a browser must let it be empty."""
    login_as("admin")
    html = page(client, "/admin/client/new/")
    field = re.search(r'<input[^>]*\bname="register_number"[^>]*>', html)
    assert field, "no register number field"
    assert not re.search(r"\brequired\b", field.group(0)), (
        f"the browser refuses an empty register number: {field.group(0)}"
    )


# --- user accounts: the password is set, never shown ---------------------------------------


def _create_rina(app, client) -> tuple[int, str]:
    with app.app_context():
        rina_id = make_staff("Rina Marlina", "instructor").id
        db.session.commit()
    response = post_form(client, "/admin/user/new/", {
        "username": "rina.m", "role": "instructor", "staff": str(rina_id),
        "is_active_account": "y", "new_password": NEW_PASSWORD,
    })
    assert_redirected(response, "/admin/user/")
    with app.app_context():
        user = db.session.scalars(select(User).filter_by(username="rina.m")).one()
        return user.id, user.password_hash


def test_user_created_through_the_form_can_log_in(app, client, login_as):
    login_as("admin")
    user_id, password_hash = _create_rina(app, client)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.check_password(NEW_PASSWORD)
        assert not user.check_password("kata-sandi-lain-123")
        assert password_hash != NEW_PASSWORD
    browser = app.test_client()
    response = post_form(browser, "/login", {"username": "rina.m", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert "rina.m" in page(browser, "/admin/")


def test_user_password_hash_is_never_shown(app, client, login_as):
    admin = login_as("admin")
    user_id, password_hash = _create_rina(app, client)
    for url in ("/admin/user/", f"/admin/user/details/?id={user_id}",
                f"/admin/user/edit/?id={user_id}", f"/admin/user/details/?id={admin['user_id']}",
                f"/admin/user/edit/?id={admin['user_id']}", "/admin/user/new/"):
        html = page(client, url)
        assert "scrypt:" not in html, url
        assert password_hash not in html, url
        assert "password_hash" not in html, url
    edit_form = page(client, f"/admin/user/edit/?id={user_id}")
    password_input = re.search(r'<input[^>]*\bname="new_password"[^>]*>', edit_form).group(0)
    assert 'value=""' in password_input or "value=" not in password_input


def test_user_list_shows_the_time_of_the_last_login(client, login_as):
    """A last login is a moment: the list shows its date and time (dd/mm/yyyy HH:MM)."""
    admin = login_as("admin")
    listed = list_rows(client, "/admin/user/")[admin["user_id"]]["last_login_at"]
    shown = details(client, f"/admin/user/details/?id={admin['user_id']}")["Terakhir masuk"]
    for where, text in (("list", listed), ("details", shown)):
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", text), (
            f"last login shown on the {where} page as {text!r}"
        )


def test_user_edit_with_empty_password_keeps_it_and_a_new_one_replaces_it(app, client,
                                                                           login_as):
    login_as("admin")
    user_id, old_hash = _create_rina(app, client)
    with app.app_context():
        staff_id = db.session.get(User, user_id).staff_id
    form = {"username": "rina.m", "role": "instructor", "staff": str(staff_id),
            "is_active_account": "y"}
    url = f"/admin/user/edit/?id={user_id}"
    assert_redirected(post_form(client, url, {**form, "new_password": ""}), "/admin/user/")
    with app.app_context():
        assert db.session.get(User, user_id).password_hash == old_hash
    replaced = "sandi-pengganti-2026"
    assert_redirected(post_form(client, url, {**form, "new_password": replaced}),
                      "/admin/user/")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.check_password(replaced)
        assert not user.check_password(NEW_PASSWORD)
