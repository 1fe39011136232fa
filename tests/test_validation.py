"""Bad input gets a clear message next to the field, and nothing is saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import (
    Attendance,
    Client,
    Enrollment,
    RegisterNumber,
    ServiceContract,
    TrainingClass,
    TrainingSession,
    db,
)
from services import lifecycle
from services.dates import today as panti_today

from .conftest import (
    csrf_token,
    field_errors,
    flashed_errors,
    make_class,
    make_client,
    make_room,
    make_staff,
    post_form,
)
from .test_lifecycle import admissible

CLIENT_OK = {
    "full_name": "Slamet Riyadi",
    "sex": "L",
    "admission_date": "2026-03-02",
    "birth_date": "1980-07-14",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"nik": "320101140780001"}, "nik", "NIK harus tepat 16 angka (terisi 15 karakter)."),
        ({"nik": "32010114078000AB"}, "nik", "NIK harus tepat 16 angka"),
        # Born 14-07-1980, a man: a NIK with day 54 (a woman's) is refused.
        ({"nik": "3201015407800001"}, "nik", "NIK menunjukkan jenis kelamin perempuan"),
        ({"nik": "3201011507800001"}, "nik", "Tanggal lahir di NIK (15-07-80)"),
        ({"full_name": ""}, "full_name", "Kolom ini wajib diisi."),
        ({"sex": "X"}, "sex", "Pilihan tidak valid"),
        ({"guardian_phone": "12345"}, "guardian_phone", "Nomor telepon tidak valid"),
        ({"birth_date": (panti_today() + timedelta(days=3)).isoformat()}, "birth_date",
         "Tanggal tidak boleh di masa depan."),
    ],
)
def test_client_form_refuses_bad_input(app, client, login_as, changes, field, message):
    login_as("admin")
    response = post_form(client, "/admin/client/new/", {**CLIENT_OK, **changes})
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # the form again, not a redirect
    assert any(message in error for error in field_errors(html, field)), field_errors(html, field)
    with app.app_context():
        assert count(Client) == 0


def test_valid_nik_matching_birth_date_and_sex_is_accepted(app, client, login_as):
    login_as("admin")
    data = {**CLIENT_OK, "sex": "P", "nik": "3201015407800001"}
    response = post_form(client, "/admin/client/new/", data)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Client.nik)) == "3201015407800001"


def test_a_posted_register_number_is_not_taken(app, client, login_as):
    """The number is issued at admission, never typed: one posted anyway (an old form, a
    script) is ignored and the new candidate has none."""
    login_as("admin")
    response = post_form(client, "/admin/client/new/",
                         {**CLIENT_OK, "register_number": "2026-0042"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Client.register_number)).all() == [None]
        assert count(RegisterNumber) == 0


def test_automatic_register_numbers_never_reuse_a_deleted_one(app, client, login_as):
    login_as("admin")
    for name in ("Asep", "Ujang", "Dadang"):
        assert post_form(client, "/admin/client/new/",
                         {**CLIENT_OK, "full_name": name}).status_code == 302

    def admit(name: str) -> str:
        person = db.session.scalar(select(Client).where(Client.full_name == name))
        admissible(person.id)
        lifecycle.move(person, "admission", None)
        db.session.commit()
        return person.register_number

    with app.app_context():
        assert [admit("Asep"), admit("Ujang")] == ["2026-0001", "2026-0002"]
        ujang = db.session.scalar(select(Client).where(Client.full_name == "Ujang"))
        for contract in db.session.scalars(select(ServiceContract).where(
                ServiceContract.client_id == ujang.id)):
            db.session.delete(contract)
        db.session.flush()
        db.session.delete(ujang)  # a registration made in error, its contract withdrawn
        db.session.commit()
        assert admit("Dadang") == "2026-0003"


def test_full_room_refuses_another_client(app, client, login_as):
    """A client living in the panti cannot be moved into a full room (a new registration
    meets the room's capacity when admitted: tests/test_lifecycle.py)."""
    login_as("admin")
    with app.app_context():
        room = make_room("Rumah Kelompok Mawar", capacity=1, kind="group_home")
        make_client(room=room)
        other = make_client("Slamet Riyadi", stage="intervention",
                            admission_date=date(2026, 3, 2), birth_date=date(1980, 7, 14))
        db.session.commit()
        room_id, other_id = room.id, other.id
    response = post_form(client, f"/admin/client/edit/?id={other_id}",
                         {**CLIENT_OK, "room": room_id})
    assert field_errors(response.get_data(as_text=True), "room") == [
        "Rumah Kelompok Mawar sudah penuh (kapasitas 1 orang)."
    ]
    with app.app_context():
        assert db.session.get(Client, other_id).room_id is None


def test_training_class_end_before_start_is_refused(app, client, login_as):
    login_as("admin")
    with app.app_context():
        from models import SkillType

        skill = SkillType(name="Las")
        db.session.add(skill)
        db.session.commit()
        skill_id = skill.id
    data = {"name": "Las Dasar", "skill_type": skill_id, "start_date": "2026-05-01",
            "end_date": "2026-04-01", "weekdays": ["1", "3"], "start_time": "08:00",
            "end_time": "07:00", "capacity": "12"}
    html = post_form(client, "/admin/training_class/new/", data).get_data(as_text=True)
    assert field_errors(html, "end_date") == ["Tidak boleh sebelum tanggal mulai."]
    assert field_errors(html, "end_time") == ["Harus sesudah jam mulai."]
    with app.app_context():
        assert count(TrainingClass) == 0


def test_training_class_without_weekdays_is_refused(app, client, login_as):
    login_as("admin")
    with app.app_context():
        from models import SkillType

        skill = SkillType(name="Sablon")
        db.session.add(skill)
        db.session.commit()
        skill_id = skill.id
    data = {"name": "Sablon", "skill_type": skill_id, "start_date": "2026-05-01",
            "end_date": "2026-06-01", "start_time": "08:00", "end_time": "10:00",
            "capacity": "12"}
    html = post_form(client, "/admin/training_class/new/", data).get_data(as_text=True)
    assert field_errors(html, "weekdays") == ["Pilih minimal satu hari."]


def test_enrollment_over_capacity_is_refused(app, client, login_as):
    login_as("admin")
    with app.app_context():
        klass = make_class("Menjahit A", capacity=1)
        first, second = make_client("Asep"), make_client("Ujang")
        db.session.add(Enrollment(training_class=klass, client=first,
                                  enrolled_on=date(2026, 2, 1)))
        db.session.commit()
        class_id, second_id = klass.id, second.id
    response = post_form(client, "/admin/enrollment/new/",
                         {"training_class": class_id, "client": second_id,
                          "enrolled_on": "2026-02-02"})
    assert field_errors(response.get_data(as_text=True), "training_class") == [
        "Kelas Menjahit A sudah penuh (kapasitas 1 peserta)."
    ]
    with app.app_context():
        assert count(Enrollment) == 1


def _session_with_enrolled_client(session_date: date):
    klass = make_class("Bengkel Motor")
    person = make_client("Joko")
    db.session.add(Enrollment(training_class=klass, client=person,
                              enrolled_on=date(2026, 1, 2)))
    session = TrainingSession(training_class=klass, date=session_date,
                              start_time=klass.start_time, end_time=klass.end_time)
    db.session.add(session)
    db.session.commit()
    return session.id, person.id


def test_unknown_attendance_code_is_refused(app, client, login_as):
    login_as("admin")
    with app.app_context():
        session_id, person_id = _session_with_enrolled_client(date(2026, 2, 2))
    response = post_form(client, "/admin/attendance/new/",
                         {"session": session_id, "client": person_id, "code": "X"})
    assert field_errors(response.get_data(as_text=True), "code") == ["Pilihan tidak valid."]
    with app.app_context():
        assert count(Attendance) == 0


def test_attendance_for_unenrolled_client_and_twice_is_refused(app, client, login_as):
    login_as("admin")
    with app.app_context():
        session_id, person_id = _session_with_enrolled_client(date(2026, 2, 2))
        stranger = make_client("Bukan Peserta")
        db.session.commit()
        stranger_id = stranger.id
    html = post_form(client, "/admin/attendance/new/",
                     {"session": session_id, "client": stranger_id, "code": "H"}
                     ).get_data(as_text=True)
    assert field_errors(html, "client") == [
        "Bukan Peserta tidak terdaftar di kelas Bengkel Motor pada tanggal itu."
    ]
    ok = post_form(client, "/admin/attendance/new/",
                   {"session": session_id, "client": person_id, "code": "H"})
    assert ok.status_code == 302
    html = post_form(client, "/admin/attendance/new/",
                     {"session": session_id, "client": person_id, "code": "S"}
                     ).get_data(as_text=True)
    assert field_errors(html, "client") == ["Kehadiran Joko pada pertemuan ini sudah dicatat."]
    with app.app_context():
        assert db.session.scalars(select(Attendance.code)).all() == ["H"]


def test_attendance_for_future_session_is_refused(app, client, login_as):
    login_as("admin")
    with app.app_context():
        day = panti_today() + timedelta(days=2)
        session_id, person_id = _session_with_enrolled_client(day)
    html = post_form(client, "/admin/attendance/new/",
                     {"session": session_id, "client": person_id, "code": "H"}
                     ).get_data(as_text=True)
    # The attendance sheet's own words (services.attendance.not_yet_held).
    assert field_errors(html, "session") == [
        "Kehadiran tidak dapat dicatat untuk kegiatan yang belum berlangsung "
        f"({day:%d/%m/%Y})."
    ]


def test_contract_period_must_be_in_order(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        person = make_client("Wawan", social_worker_id=me["staff_id"])
        db.session.commit()
        person_id = person.id
    data = {"client": person_id, "kind": "primary", "problem": "Mengemis",
            "goals": "Bekerja", "start_date": "2026-03-01", "end_date": "2026-02-01"}
    html = post_form(client, "/admin/contract/new/", data).get_data(as_text=True)
    assert field_errors(html, "end_date") == ["Tidak boleh sebelum tanggal mulai."]


def test_guidance_needs_weekday_or_date_not_both(app, client, login_as):
    login_as("admin")
    base = {"guidance_type": "mental_spiritual", "title": "Pengajian", "start_time": "08:00",
            "end_time": "09:00"}
    for extra in ({}, {"weekday": "5", "date": "2026-03-06"}):
        html = post_form(client, "/admin/guidance/new/", {**base, **extra}).get_data(
            as_text=True)
        assert field_errors(html, "weekday") == [
            "Isi salah satu: hari (untuk jadwal mingguan) atau tanggal (untuk sekali saja)."
        ]


def test_partner_mou_end_before_start_and_bad_email(app, client, login_as):
    login_as("admin")
    data = {"name": "Puskesmas Cibeunying", "kind": "health", "email": "bukan-email",
            "mou_start": "2026-01-01", "mou_end": "2025-01-01"}
    html = post_form(client, "/admin/partner/new/", data).get_data(as_text=True)
    assert field_errors(html, "mou_end") == ["Tidak boleh sebelum tanggal mulai MoU."]
    assert field_errors(html, "email") == ["Alamat email tidak valid."]


def test_short_password_and_bad_username_are_refused(app, client, login_as):
    login_as("admin")
    html = post_form(client, "/admin/user/new/",
                     {"username": "Bad Name!", "role": "staff", "is_active_account": "y",
                      "new_password": "pendek"}).get_data(as_text=True)
    assert field_errors(html, "new_password") == ["Kata sandi minimal 10 karakter."]
    assert "Nama pengguna 3–50 karakter" in field_errors(html, "username")[0]


def test_staff_phone_is_checked(app, client, login_as):
    login_as("admin")
    html = post_form(client, "/admin/staff/new/",
                     {"name": "Dewi", "position": "nurse", "phone": "abc"}).get_data(
        as_text=True)
    assert field_errors(html, "phone") == ["Nomor telepon tidak valid (contoh: 0812 3456 7890)."]


def test_database_refuses_what_forms_would_catch(app):
    """Constraints live in the database too: a bypassed form still cannot store bad rows."""
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        staff = make_staff()
        db.session.commit()
        bad_rows = [
            lambda: make_client(nik="123"),
            lambda: make_client(sex="X"),
            lambda: make_client(stage="termination"),
            lambda: make_class(capacity=0),
            lambda: make_room(kind="group_home", capacity=9),
        ]
        for build in bad_rows:
            with pytest.raises(IntegrityError):
                build()
                db.session.flush()
            db.session.rollback()
        assert staff.id is not None


def test_social_worker_cannot_write_a_contract_for_another_workers_client(app, client, login_as):
    login_as("social_worker")
    with app.app_context():
        other = make_client("Klien Orang Lain", social_worker=make_staff("Peksos Lain"))
        db.session.commit()
        other_id = other.id
    data = {"client": other_id, "kind": "primary", "problem": "Mengemis",
            "goals": "Bekerja", "start_date": "2026-03-01", "end_date": "2026-06-01"}
    response = post_form(client, "/admin/contract/new/", data)
    assert field_errors(response.get_data(as_text=True), "client")  # not a valid choice
    lookup = client.get("/admin/contract/ajax/lookup/?name=client&query=Klien")
    assert "Klien Orang Lain" not in lookup.get_data(as_text=True)
    with app.app_context():
        from models import ServiceContract

        assert count(ServiceContract) == 0


def test_deleting_a_client_with_attendance_is_refused_with_a_message(app, client, login_as):
    login_as("admin")
    with app.app_context():
        session_id, person_id = _session_with_enrolled_client(date(2026, 2, 2))
        db.session.add(Attendance(session_id=session_id, client_id=person_id, code="H"))
        db.session.commit()
    for endpoint, record_id in (("client", person_id), ("training_session", session_id)):
        token = csrf_token(client, f"/admin/{endpoint}/")
        response = client.post(f"/admin/{endpoint}/delete/", data={
            "id": record_id, "csrf_token": token, "url": f"/admin/{endpoint}/"},
            follow_redirects=True)
        assert response.status_code == 200
        assert ("Data ini masih dipakai oleh data lain" in
                " ".join(flashed_errors(response.get_data(as_text=True))))
    with app.app_context():
        assert count(Client) == 1 and count(TrainingSession) == 1 and count(Attendance) == 1
