"""One rule function per entity: each case a rule refuses is refused by the admin form (the
message next to the field, nothing saved) with the same words the rule function returns;
``flask check-data`` names stored records that break the rules with those words too."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from models import (
    Attendance,
    Enrollment,
    GuidanceSchedule,
    RecreationActivity,
    Room,
    TrainingClass,
    TrainingSession,
    db,
)
from services.dates import today as panti_today
from services.room_rules import room_problems
from services.rules import Problem
from services.schedule_rules import activity_problems, guidance_problems
from services.training_rules import attendance_problems, class_problems, enrollment_problems

from .conftest import field_errors, make_class, make_client, make_room, post_form


def _world() -> dict[str, int]:
    """A full group home (5 of 5), a class of two with both places taken, a client in the
    assessment stage, one in intervention and a held session of the class."""
    home = make_room("Rumah Kelompok Mawar", capacity=5, kind="group_home")
    for i in range(5):
        make_client(f"Penghuni {i}", room=home, stage="intervention")
    klass = make_class("Menjahit A", capacity=2)
    members = [make_client(f"Peserta {i}") for i in range(2)]
    for member in members:
        db.session.add(Enrollment(training_class=klass, client=member,
                                  enrolled_on=date(2026, 1, 5)))
    session = TrainingSession(training_class=klass, date=date(2026, 2, 2),
                              start_time=time(8), end_time=time(11))
    later = TrainingSession(training_class=klass, date=panti_today() + timedelta(days=7),
                            start_time=time(8), end_time=time(11))
    db.session.add_all([session, later])
    db.session.flush()
    db.session.add(Attendance(session_id=session.id, client_id=members[0].id, code="H"))
    newcomer = make_client("Cici Lestari", stage="assessment")
    outsider = make_client("Dedi Kurniawan", stage="intervention")
    db.session.commit()
    return {"home": home.id, "class": klass.id, "skill": klass.skill_type_id,
            "member": members[0].id, "newcomer": newcomer.id, "outsider": outsider.id,
            "session": session.id, "later": later.id}


def _class_form(ids, **changes) -> dict:
    return {"name": "Las Dasar", "skill_type": str(ids["skill"]), "location": "Bengkel",
            "start_date": "2026-03-02", "end_date": "2026-06-30", "weekdays": ["2", "4"],
            "start_time": "13:00", "end_time": "15:00", "capacity": "8", **changes}


# (entity, form url — "{...}" filled from the world, the form data, the field, the words,
#  the rule function, the current record's model and id key or None, the values it gets).
CASES = [
    ("room", "/admin/room/new/",
     lambda ids: {"name": "Rumah Kelompok Melati", "kind": "group_home", "sex": "P",
                  "capacity": "6", "active": "y"},
     "capacity", "Rumah kelompok berisi paling banyak 5 orang.",
     room_problems, None, lambda ids: {"kind": "group_home", "sex": "P", "capacity": 6}),
    ("room", "/admin/room/edit/?id={home}",
     lambda ids: {"name": "Rumah Kelompok Mawar", "kind": "group_home", "sex": "L",
                  "capacity": "4", "active": "y"},
     "capacity", "Kamar ini sedang ditempati 5 klien; kapasitas tidak boleh lebih kecil.",
     room_problems, (Room, "home"), lambda ids: {"kind": "group_home", "capacity": 4}),
    ("room", "/admin/room/new/",
     lambda ids: {"name": "Asrama Kenanga", "kind": "dormitory", "sex": "L",
                  "capacity": "0"},
     "capacity", "Kapasitas minimal 1.", room_problems, None, lambda ids: {"capacity": 0}),
    ("class", "/admin/training_class/new/",
     lambda ids: _class_form(ids, end_date="2026-02-27"),
     "end_date", "Tidak boleh sebelum tanggal mulai.", class_problems, None,
     lambda ids: {"start_date": date(2026, 3, 2), "end_date": date(2026, 2, 27)}),
    ("class", "/admin/training_class/new/",
     lambda ids: _class_form(ids, end_date="2029-01-01"),
     "end_date", "Kelas paling lama 2 tahun: tanggal selesai paling lambat 03/03/2028. Buat "
     "kelas baru untuk angkatan berikutnya.", class_problems, None,
     lambda ids: {"start_date": date(2026, 3, 2), "end_date": date(2029, 1, 1)}),
    ("class", "/admin/training_class/new/",
     lambda ids: _class_form(ids, end_time="13:00"),
     "end_time", "Harus sesudah jam mulai.", class_problems, None,
     lambda ids: {"start_time": time(13), "end_time": time(13)}),
    ("class", "/admin/training_class/edit/?id={class}",
     lambda ids: _class_form(ids, name="Menjahit A", capacity="1", start_date="2026-01-01",
                             end_date="2026-12-31", weekdays=["1", "3", "5"],
                             start_time="08:00", end_time="11:00"),
     "capacity", "Kelas ini sudah berisi 2 peserta; kapasitas tidak boleh lebih kecil.",
     class_problems, (TrainingClass, "class"), lambda ids: {"capacity": 1}),
    ("enrollment", "/admin/enrollment/new/",
     lambda ids: {"training_class": str(ids["class"]), "client": str(ids["outsider"]),
                  "enrolled_on": "2026-03-02"},
     "training_class", "Kelas Menjahit A sudah penuh (kapasitas 2 peserta).",
     enrollment_problems, None,
     lambda ids: {"training_class": ids["class"], "client": ids["outsider"]}),
    ("enrollment", "/admin/enrollment/new/",
     lambda ids: {"training_class": str(ids["class"]), "client": str(ids["newcomer"]),
                  "enrolled_on": "2026-03-02"},
     "client", "Cici Lestari berada pada tahap 3. Asesmen; hanya klien pada tahap intervensi "
     "atau konferensi kasus yang dapat mengikuti kelas.", enrollment_problems, None,
     lambda ids: {"client": ids["newcomer"]}),
    ("enrollment", "/admin/enrollment/new/",
     lambda ids: {"training_class": str(ids["class"]), "client": str(ids["outsider"]),
                  "enrolled_on": "2026-03-02", "left_on": "2026-03-01"},
     "left_on", "Tidak boleh sebelum tanggal daftar.", enrollment_problems, None,
     lambda ids: {"enrolled_on": date(2026, 3, 2), "left_on": date(2026, 3, 1)}),
    ("attendance", "/admin/attendance/new/",
     lambda ids: {"session": str(ids["session"]), "client": str(ids["outsider"]), "code": "H"},
     "client", "Dedi Kurniawan tidak terdaftar di kelas Menjahit A pada tanggal itu.",
     attendance_problems, None,
     lambda ids: {"session": ids["session"], "client": ids["outsider"], "code": "H"}),
    ("attendance", "/admin/attendance/new/",
     lambda ids: {"session": str(ids["session"]), "client": str(ids["member"]), "code": "I"},
     "client", "Kehadiran Peserta 0 pada pertemuan ini sudah dicatat.",
     attendance_problems, None,
     lambda ids: {"session": ids["session"], "client": ids["member"], "code": "I"}),
    ("recreation", "/admin/recreation/new/",
     lambda ids: {"kind": "outing", "title": "Wisata", "date": "2026-03-03",
                  "start_time": "07:00", "end_time": "15:00", "allow_overlap": "y"},
     "overlap_reason", "Tuliskan alasan kegiatan ini boleh bersamaan dengan jadwal lain "
     "(mis. wisata seluruh panti).", activity_problems, None,
     lambda ids: {"allow_overlap": True, "overlap_reason": " "}),
    ("recreation", "/admin/recreation/new/",
     lambda ids: {"kind": "chess", "title": "Catur", "date": "2026-03-03",
                  "start_time": "10:00", "end_time": "09:00"},
     "end_time", "Harus sesudah jam mulai.", activity_problems, None,
     lambda ids: {"start_time": time(10), "end_time": time(9)}),
    ("guidance", "/admin/guidance/new/",
     lambda ids: {"guidance_type": "mental_spiritual", "title": "Pengajian", "weekday": "5",
                  "date": "2026-03-06", "start_time": "08:00", "end_time": "09:00"},
     "weekday", "Isi salah satu: hari (untuk jadwal mingguan) atau tanggal (untuk sekali "
     "saja).", guidance_problems, None,
     lambda ids: {"weekday": 5, "date": date(2026, 3, 6)}),
    ("guidance", "/admin/guidance/new/",
     lambda ids: {"guidance_type": "mental_spiritual", "title": "Pengajian", "weekday": "5",
                  "start_time": "08:00", "end_time": "09:00", "valid_from": "2026-03-02",
                  "valid_until": "2026-02-02"},
     "valid_until", "Tidak boleh sebelum berlaku sejak.", guidance_problems, None,
     lambda ids: {"valid_from": date(2026, 3, 2), "valid_until": date(2026, 2, 2)}),
    ("guidance", "/admin/guidance/new/",
     lambda ids: {"guidance_type": "mental_spiritual", "title": "Pengajian",
                  "date": "2026-03-06", "start_time": "08:00", "end_time": "07:30"},
     "end_time", "Harus sesudah jam mulai.", guidance_problems, None,
     lambda ids: {"start_time": time(8), "end_time": time(7, 30)}),
]

COUNTED = {"room": Room, "class": TrainingClass, "enrollment": Enrollment,
           "attendance": Attendance, "recreation": RecreationActivity,
           "guidance": GuidanceSchedule}


@pytest.mark.parametrize("entity,url,form,field,words,rule,current,values", CASES,
                         ids=[f"{case[0]}-{case[3]}-{i}" for i, case in enumerate(CASES)])
def test_the_form_refuses_with_the_rule_functions_words(app, client, login_as, entity, url,
                                                        form, field, words, rule, current,
                                                        values):
    login_as("admin")
    with app.app_context():
        ids = _world()
        before = db.session.scalar(select(func.count()).select_from(COUNTED[entity]))
        record = db.session.get(current[0], ids[current[1]]) if current else None
        assert rule(values(ids), current=record) == [Problem(field, words)]
        snapshot = [tuple(row) for row in db.session.execute(
            select(COUNTED[entity].__table__)).all()]
    html = post_form(client, url.format(**ids), form(ids)).get_data(as_text=True)
    assert field_errors(html, field) == [words]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(COUNTED[entity])) == before
        assert [tuple(row) for row in db.session.execute(
            select(COUNTED[entity].__table__)).all()] == snapshot


def test_attendance_rule_refuses_a_session_not_yet_held_in_the_sheets_words(app):
    with app.app_context():
        ids = _world()
        later = db.session.get(TrainingSession, ids["later"])
        assert attendance_problems({"session": ids["later"], "client": ids["member"],
                                    "code": "H"}) == [Problem(
            "session", "Kehadiran tidak dapat dicatat untuk kegiatan yang belum berlangsung "
            f"({later.date:%d/%m/%Y}).")]


def test_check_data_names_stored_rooms_classes_and_attendance_that_break_the_rules(app):
    """Written around the console (an old version, another tool): a room holding more than
    it has beds, a class with more members than places, attendance of a client whose
    enrollment was moved past the session. Each is printed with the rule's words."""
    from cli import check_data

    runner = app.test_cli_runner()
    with app.app_context():
        ids = _world()
    clean = runner.invoke(check_data)
    assert clean.exit_code == 0, clean.output
    assert "Semua data memenuhi aturan." in clean.output
    with app.app_context():
        connection = db.session.connection()
        connection.exec_driver_sql(f"UPDATE room SET capacity = 3 WHERE id = {ids['home']}")
        connection.exec_driver_sql(
            f"UPDATE training_class SET capacity = 1 WHERE id = {ids['class']}")
        connection.exec_driver_sql(
            "UPDATE enrollment SET enrolled_on = '2026-03-01' "
            f"WHERE client_id = {ids['member']}")
        db.session.commit()
    found = runner.invoke(check_data)
    assert found.exit_code == 1
    lines = found.output.splitlines()
    assert ("Kamar: Rumah Kelompok Mawar — Kapasitas: Kamar ini sedang ditempati 5 klien; "
            "kapasitas tidak boleh lebih kecil.") in lines
    assert ("Kelas keterampilan: Menjahit A — Kapasitas: Kelas ini sudah berisi 2 peserta; "
            "kapasitas tidak boleh lebih kecil.") in lines
    assert ("Kehadiran pelatihan: Menjahit A 02/02/2026, Peserta 0 — Klien: Peserta 0 tidak "
            "terdaftar di kelas Menjahit A pada tanggal itu.") in lines
    # The room's clients beyond its three places, in register order, by the client rule.
    full = [line for line in lines if line.startswith("Klien: ")]
    assert [line.split(" — ")[1] for line in full] == [
        "Kamar: Rumah Kelompok Mawar sudah penuh (kapasitas 3 orang)."] * 2
    assert [line.split(" ")[2:4] for line in full] == [["Penghuni", "3"], ["Penghuni", "4"]]
    assert "Error: 5 data melanggar aturan." in found.output


def test_the_database_guard_speaks_in_the_rules_words(app):
    """Behind the rule functions the constraints refuse what slips past (another tool, a
    defect); the sentence a user then reads is the rule's own."""
    from sqlalchemy.exc import IntegrityError

    from services.integrity import explain

    with app.app_context():
        db.session.add(Room(name="Rumah Kelompok Besar", kind="group_home", sex="L",
                            capacity=6))
        with pytest.raises(IntegrityError) as caught:
            db.session.flush()
        db.session.rollback()
        assert explain(caught.value) == room_problems(
            {"kind": "group_home", "capacity": 6})[0].message
        with pytest.raises(IntegrityError) as caught:
            make_client("Joko", birth_date=date(1990, 1, 1), admission_date=date(1989, 1, 1))
        db.session.rollback()
        assert explain(caught.value) == "Tanggal masuk: Tidak boleh sebelum tanggal lahir."
