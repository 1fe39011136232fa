"""A save that would duplicate what must be unique is refused in the form's words: every
unique constraint of the models has its sentence, and none shows a column's name."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from html import unescape

import pytest
from sqlalchemy import UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError

from models import (
    Attendance,
    CaseConference,
    Client,
    ClientStay,
    ConferenceDecision,
    DocumentType,
    Enrollment,
    GuidanceSchedule,
    Holiday,
    Intake,
    LetterWaiver,
    NetworkPartner,
    RecreationActivity,
    RegisterCounter,
    Room,
    Selection,
    ServicePlan,
    Setting,
    SkillType,
    Staff,
    Termination,
    TrainingSession,
    User,
    db,
)
from models.choices import GUIDANCE_TYPES, RECREATION_KINDS
from services.clients import issue_register_number
from services.integrity import UNIQUE_MESSAGES, explain
from tests.conftest import make_class, make_client, make_room, make_staff, post_form


def _unique_constraints() -> dict[str, list[str]]:
    return {constraint.name: [column.name for column in constraint.columns]
            for table in db.metadata.sorted_tables for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint)}


def _table_of(constraint: str):
    return next(table for table in db.metadata.sorted_tables
                if any(c.name == constraint for c in table.constraints))


def test_every_unique_constraint_has_its_sentence(app):
    assert set(_unique_constraints()) == set(UNIQUE_MESSAGES)


def _shown_messages(html: str) -> list[str]:
    """What the page says above the form (flashed) and under its fields."""
    flashed = re.findall(r'<div class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', html, re.S)
    under = re.findall(r'<div class="invalid-feedback">(.*?)</div>', html, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>|&times;", " ", m)).split())
            for m in flashed + under if m.strip()]


# constraint → (screen, role, builds what exists and returns the duplicating form, the
# message the user reads: the constraint's sentence, or the form's own earlier check)
FORMS: dict[str, tuple[str, str, Callable[[dict], dict], str | None]] = {}


def form(constraint: str, endpoint: str, role: str = "admin", message: str | None = None):
    def register(build):
        FORMS[constraint] = (endpoint, role, build, message)
        return build
    return register


@form("uq_service_plan_client_id_stay", "service_plan", "social_worker",
      message="Budi Santoso sudah punya rencana pelayanan; ubah rencana yang ada.")  # its rule
def _plan(who):
    person = make_client("Budi Santoso", social_worker_id=who["staff_id"])
    db.session.add(ServicePlan(client_id=person.id, social_worker_id=who["staff_id"],
                               problems="Menggelandang"))
    return {"client": str(person.id), "social_worker": str(who["staff_id"]),
            "problems": "Rencana kedua", "goals-0-position": "1",
            "goals-0-goal": "Tujuan"}


@form("uq_client_nik", "client",
      message="NIK sudah dipakai klien 2026-0001.")  # the client rules check it first
def _nik(_who):
    make_client("Budi Santoso", nik="3273011403900001", birth_date=date(1990, 3, 14))
    return {"register_number": "", "full_name": "Budi Santosa", "sex": "L",
            "birth_date": "14/03/1990", "nik": "3273011403900001", "religion": "__None",
            "referral_source": "__None", "admission_date": "05/01/2026",
            "district_of_origin": "Kota Bandung", "stage": "admission",
            "termination_date": "", "termination_reason": "__None"}


@form("uq_staff_employee_number", "staff")
def _employee_number(_who):
    make_staff("Rina Marlina", "instructor", employee_number="198501012010011001")
    return {"employee_number": "198501012010011001", "name": "Rina Lain",
            "position": "instructor", "active": "y"}


@form("uq_skill_type_name", "skill_type")
def _skill(_who):
    db.session.add(SkillType(name="Sablon"))
    return {"name": "Sablon", "active": "y"}


@form("uq_document_type_name", "document_type")
def _document_type(_who):
    db.session.add(DocumentType(name="Surat keterangan domisili"))
    return {"name": "Surat keterangan domisili", "position": "10", "active": "y"}


@form("uq_network_partner_name", "partner")
def _partner(_who):
    db.session.add(NetworkPartner(name="Puskesmas Sukajadi", kind="health"))
    return {"name": "Puskesmas Sukajadi", "kind": "health", "active": "y"}


@form("uq_room_name", "room")
def _room(_who):
    make_room("Asrama Anggrek")
    return {"name": "Asrama Anggrek", "kind": "dormitory", "sex": "L", "capacity": "10",
            "active": "y"}


@form("uq_holiday_date", "holiday")
def _holiday(_who):
    db.session.add(Holiday(date=date(2026, 8, 17), name="Hari Kemerdekaan"))
    return {"date": "17/08/2026", "name": "Libur lagi"}


@form("uq_intake_number", "intake")
def _intake(_who):
    db.session.add(Intake(number=5, starts_on=date(2026, 1, 5)))
    return {"number": "5", "starts_on": "02/02/2026"}


@form("uq_termination_client_id_stay", "termination", "social_worker")
def _termination(who):
    person = make_client("Budi Santoso", stage="termination", social_worker_id=who["staff_id"],
                         admission_date=date(2025, 6, 1), termination_date=date(2026, 1, 5),
                         termination_reason="own_will")
    db.session.add(Termination(client_id=person.id))
    return {"client": str(person.id), "statement": "Catatan kedua"}


@form("uq_user_account_username", "user", "head")
def _username(_who):
    staff = make_staff("Rina Marlina", "instructor")
    user = User(username="rina.m", role="instructor", staff=staff)
    user.set_password("sandi-lama-rina-2026")
    db.session.add(user)
    other = make_staff("Rina Lain", "instructor")
    return {"username": "rina.m", "role": "instructor", "staff": str(other.id),
            "is_active_account": "y", "new_password": "sandi-baru-rina-2026"}


@form("uq_user_account_staff_id", "user", "head")
def _staff_account(_who):
    staff = make_staff("Rina Marlina", "instructor")
    user = User(username="rina.m", role="instructor", staff=staff)
    user.set_password("sandi-lama-rina-2026")
    db.session.add(user)
    return {"username": "rina.lain", "role": "instructor", "staff": str(staff.id),
            "is_active_account": "y", "new_password": "sandi-baru-rina-2026"}


@form("uq_enrollment_class_id_client_id", "enrollment",
      message="Budi Santoso sudah terdaftar di kelas ini.")  # the enrollment rules
def _enrollment(_who):
    klass, person = make_class("Menjahit A"), make_client("Budi Santoso")
    db.session.add(Enrollment(training_class=klass, client=person,
                              enrolled_on=date(2026, 1, 5)))
    return {"training_class": str(klass.id), "client": str(person.id),
            "enrolled_on": "12/01/2026", "left_on": ""}


@form("uq_training_session_class_id_date_start_time", "training_session",
      message="Bentrok dengan Pelatihan «Menjahit A» 14/01/2026 08:00–11:00: tempat yang sama "
      "(Ruang Keterampilan).")  # the double-booking check comes first
def _session(_who):
    klass = make_class("Menjahit A")
    db.session.add(TrainingSession(training_class=klass, date=date(2026, 1, 14),
                                   start_time=time(8), end_time=time(11)))
    return {"training_class": str(klass.id), "date": "14/01/2026", "start_time": "08:00",
            "end_time": "11:00", "topic": "Lagi"}


@form("uq_attendance_session_id_client_id", "attendance",
      message="Kehadiran Budi Santoso pada pertemuan ini sudah dicatat.")
def _attendance(_who):
    klass, person = make_class("Menjahit A"), make_client("Budi Santoso")
    db.session.add(Enrollment(training_class=klass, client=person,
                              enrolled_on=date(2026, 1, 5)))
    session = TrainingSession(training_class=klass, date=date(2026, 1, 14),
                              start_time=time(8), end_time=time(11))
    db.session.add(Attendance(session=session, client=person, code="H"))
    db.session.flush()
    return {"session": str(session.id), "client": str(person.id), "code": "S", "note": ""}


@pytest.mark.parametrize("constraint", sorted(FORMS))
def test_a_duplicate_through_its_form_is_refused_in_words(app, client, login_as, constraint):
    endpoint, role, build, message = FORMS[constraint]
    who = login_as(role)
    with app.app_context():
        data = build(who)
        db.session.commit()
        table = _table_of(constraint)
        before = db.session.scalar(select(func.count()).select_from(table))
    response = post_form(client, f"/admin/{endpoint}/new/", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, f"{constraint}: saved or failed ({response.status_code})"
    shown = _shown_messages(html)
    expected = message or str(UNIQUE_MESSAGES[constraint])
    with app.app_context():
        # A conflict's message is followed by its free slots (admin_views/conflicts.py).
        assert any(text == expected or text.startswith(expected + " Waktu kosong")
                   for text in shown), f"{constraint}: the page says {shown}"
        assert db.session.scalar(select(func.count()).select_from(table)) == before
    columns = _unique_constraints()[constraint]
    for text in shown:
        for column in columns:
            assert not re.search(rf"\b{column}\b", text), f"{constraint}: {text!r}"


# --- straight at the database: the sentence for every constraint, on either database ----
def _event_rows():
    person = make_client("Budi Santoso")
    activity = RecreationActivity(kind=RECREATION_KINDS.codes[0], title="Angklung",
                                  date=date(2026, 1, 10), start_time=time(9),
                                  end_time=time(10))
    guidance = GuidanceSchedule(guidance_type=GUIDANCE_TYPES.codes[0], title="Bimbingan",
                                weekday=1, start_time=time(9), end_time=time(10))
    db.session.add_all([activity, guidance])
    db.session.flush()
    return person, activity, guidance


def _session_row():
    klass, person = make_class("Menjahit A"), make_client("Budi Santoso")
    session = TrainingSession(training_class=klass, date=date(2026, 1, 14),
                              start_time=time(8), end_time=time(11))
    db.session.add(session)
    db.session.flush()
    return klass, person, session


def _twice(make: Callable[[], object]) -> object:
    db.session.add(make())
    db.session.flush()
    return make()


def _decision():
    person = make_client("Budi Santoso")
    kk = CaseConference(date=date(2026, 3, 10), kind="periodic_review", clients=[person])
    db.session.add(kk)
    db.session.flush()
    return _twice(lambda: ConferenceDecision(conference=kk, client=person))


def _attendance_at(kind: str):
    if kind == "session":
        _klass, person, session = _session_row()
        return _twice(lambda: Attendance(session_id=session.id, client_id=person.id, code="H"))
    person, activity, guidance = _event_rows()
    if kind == "activity":
        return _twice(lambda: Attendance(activity=activity, client=person, code="H"))
    return _twice(lambda: Attendance(guidance=guidance, guidance_date=date(2026, 1, 5),
                                     client=person, code="H"))


def _second_client_with_the_number():
    first = make_client("Budi Santoso")
    return Client(full_name="Budi Santosa", sex="L", stage="admission",
                  admission_date=date(2026, 1, 5), register_number=first.register_number)


def _nik_twice():
    make_client("Budi Santoso", nik="3273011403900001")
    second = Client(full_name="Budi Santosa", sex="L", stage="admission",
                    admission_date=date(2026, 1, 5), nik="3273011403900001")
    issue_register_number(second)
    return second


def _plan_twice():
    person = make_client("Budi Santoso")
    return _twice(lambda: ServicePlan(client_id=person.id, problems="Menggelandang"))


def _sessions_twice():
    klass, _person, _session = _session_row()
    return TrainingSession(class_id=klass.id, date=date(2026, 1, 14),
                           start_time=time(8), end_time=time(10))


def _accounts(same_staff: bool):
    first = make_staff("Rina Marlina", "instructor")
    second = first if same_staff else make_staff("Rina Lain", "instructor")
    db.session.add(User(username="rina.m", role="instructor", staff_id=first.id,
                        password_hash="x"))
    db.session.flush()
    return User(username="rina.lain" if same_staff else "rina.m", role="instructor",
                staff_id=second.id, password_hash="x")


def _enrolled_twice():
    klass, person, _session = _session_row()
    return _twice(lambda: Enrollment(class_id=klass.id, client_id=person.id,
                                     enrolled_on=date(2026, 1, 5)))


def _a_client() -> int:
    from models import Client

    found = db.session.scalar(db.select(Client.id))
    return found if found is not None else make_client("Budi Santoso").id


def _waived_twice():
    kind = DocumentType(name="Surat persetujuan keluarga")
    db.session.add(kind)
    db.session.flush()
    client_id = _a_client()
    return _twice(lambda: LetterWaiver(client_id=client_id, type_id=kind.id, reason="Tanpa "
                                       "keluarga", waived_on=date(2026, 3, 1)))


DUPLICATES: dict[str, Callable[[], object]] = {
    "uq_client_nik": _nik_twice,
    "uq_client_register_number": _second_client_with_the_number,
    "uq_register_counter_year": lambda: _twice(
        lambda: RegisterCounter(year=2031, next_number=1)),
    "uq_service_plan_client_id_stay": _plan_twice,
    "uq_conference_decision_conference_id_client_id": _decision,
    "uq_staff_employee_number": lambda: _twice(
        lambda: Staff(name="Rina", position="instructor", employee_number="1985")),
    "uq_skill_type_name": lambda: _twice(lambda: SkillType(name="Sablon")),
    "uq_document_type_name": lambda: _twice(lambda: DocumentType(name="KTP")),
    "uq_selection_client_id_stay": lambda: _twice(lambda: Selection(client_id=_a_client())),
    "uq_letter_waiver_client_id_stay_type_id": _waived_twice,
    "uq_enrollment_class_id_client_id": _enrolled_twice,
    "uq_training_session_class_id_date_start_time": _sessions_twice,
    "uq_network_partner_name": lambda: _twice(
        lambda: NetworkPartner(name="Puskesmas Sukajadi", kind="health")),
    "uq_attendance_session_id_client_id": lambda: _attendance_at("session"),
    "uq_attendance_activity_id_client_id": lambda: _attendance_at("activity"),
    "uq_attendance_guidance_id_guidance_date_client_id": lambda: _attendance_at("guidance"),
    "uq_room_name": lambda: _twice(lambda: Room(name="Asrama Anggrek", capacity=10, sex="L",
                                                kind="dormitory")),
    "uq_user_account_username": lambda: _accounts(same_staff=False),
    "uq_user_account_staff_id": lambda: _accounts(same_staff=True),
    "uq_setting_key": lambda: _twice(lambda: Setting(key="contoh", value="isi")),
    "uq_holiday_date": lambda: _twice(lambda: Holiday(date=date(2026, 8, 17), name="Libur")),
    "uq_intake_number": lambda: _twice(lambda: Intake(number=5, starts_on=date(2026, 1, 5))),
    "uq_termination_client_id_stay": lambda: _twice(lambda: Termination(client_id=_a_client())),
    "uq_client_stay_client_id_number": lambda: _twice(lambda: ClientStay(
        client_id=_a_client(), number=1, stage="termination")),
}


def test_every_constraint_is_explained_in_words(app):
    assert set(DUPLICATES) == set(UNIQUE_MESSAGES)


@pytest.mark.parametrize("constraint", sorted(DUPLICATES))
def test_the_database_refusal_reads_as_the_constraint_sentence(app, constraint):
    with app.test_request_context():
        duplicate = DUPLICATES[constraint]()
        with pytest.raises(IntegrityError) as caught:
            with db.session.begin_nested():
                db.session.add(duplicate)
                db.session.flush()
        message = explain(caught.value)
        assert message == str(UNIQUE_MESSAGES[constraint]), str(caught.value.orig)
        for column in _unique_constraints()[constraint]:
            assert column not in message
        db.session.rollback()
