"""Training through its real forms: classes, enrollments, sessions and attendance."""

from __future__ import annotations

from datetime import date, time

import pytest

from models import Attendance, Enrollment, SkillType, TrainingClass, TrainingSession, db
from tests.case_data import Case, create_list_edit_delete, screen, screens
from tests.conftest import make_class, make_client, make_staff


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


@pytest.mark.parametrize("build", screens(training_class_case, enrollment_case,
                                          training_session_case, attendance_case))
def test_create_list_edit_delete_through_the_forms(app, client, login_as, build):
    create_list_edit_delete(app, client, login_as, build)
