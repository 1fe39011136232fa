"""The rules of skill training, written once: a class, an enrollment, a training
attendance record. The admin forms show each problem next to its field and ``flask
check-data`` prints those of the stored records."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from models import Attendance, Client, Enrollment, TrainingClass, TrainingSession, db
from models.choices import ATTENDANCE_CODES, AttendanceCode

from . import eligibility
from .attendance import Sheet, not_yet_held, present_elsewhere
from .dates import format_date
from .inputs import date_in_range
from .rules import Problem, StoredCheck, blank, invalid_choice, not_before, required
from .schedule import pattern_end

CLASS_LABELS = {"name": _l("Nama kelas"), "start_date": _l("Mulai"), "end_date": _l("Selesai"),
                "weekdays": _l("Hari"), "start_time": _l("Jam mulai"),
                "end_time": _l("Jam selesai"), "capacity": _l("Kapasitas")}
ENROLLMENT_LABELS = {"training_class": _l("Kelas"), "client": _l("Klien"),
                     "enrolled_on": _l("Tanggal daftar"), "left_on": _l("Tanggal keluar")}
ATTENDANCE_LABELS = {"session": _l("Pertemuan"), "client": _l("Klien"),
                     "code": _l("Kehadiran"), "note": _l("Catatan")}


def _get(model, value):
    """The record a relation field holds (its id, or the record itself from a form)."""
    if value is None or isinstance(value, model):
        return value
    return db.session.get(model, value)


def class_problems(values: Mapping[str, Any], *,
                   current: TrainingClass | None = None) -> list[Problem]:
    """Every reason the class ``values`` cannot be saved (``current``: the class being
    changed); a field missing from ``values`` is not checked."""
    problems: list[Problem] = []
    start, end = values.get("start_date"), values.get("end_date")
    if refused := not_before(end, start, _("tanggal mulai")):
        problems.append(Problem("end_date", refused))
    # The weekly pattern is expanded into sessions and checked for conflicts day by day.
    elif None not in (start, end) and date_in_range(end) and end > pattern_end(start):
        problems.append(Problem("end_date", _(
            "Kelas paling lama 2 tahun: tanggal selesai paling lambat %(last)s. Buat kelas "
            "baru untuk angkatan berikutnya.", last=format_date(pattern_end(start)))))
    if refused := not_before(values.get("end_time"), values.get("start_time"),
                             _("jam mulai"), strict=True):
        problems.append(Problem("end_time", refused))
    if "weekdays" in values:
        days = values["weekdays"] or ""
        if not days:
            problems.append(Problem("weekdays", required()))
        elif set(days) - set("1234567"):
            problems.append(Problem("weekdays", invalid_choice()))
    if "capacity" in values:
        capacity = values["capacity"]
        enrolled = (current.enrolled_count or 0) if current is not None and current.id else 0
        if capacity is None:
            problems.append(Problem("capacity", required()))
        elif capacity < 1:
            problems.append(Problem("capacity", _("Kapasitas minimal 1.")))
        elif capacity < enrolled:
            problems.append(Problem("capacity", _(
                "Kelas ini sudah berisi %(n)s peserta; kapasitas tidak boleh lebih kecil.",
                n=enrolled)))
    return problems


def _active_members(class_id: int, except_id: int | None) -> int:
    query = select(func.count(Enrollment.id)).where(
        Enrollment.class_id == class_id, Enrollment.left_on.is_(None))
    if except_id is not None:
        query = query.where(Enrollment.id != except_id)
    return db.session.scalar(query)


def enrollment_problems(values: Mapping[str, Any], *,
                        current: Enrollment | None = None) -> list[Problem]:
    """Every reason the enrollment ``values`` cannot be saved: the class full (leavers do
    not count), a client the class does not accept (services/eligibility.py, the rule its
    picker offers by), leaving before joining."""
    problems: list[Problem] = []
    klass = _get(TrainingClass, values.get("training_class"))
    client = _get(Client, values.get("client"))
    own_id = current.id if current is not None else None
    if klass is not None and values.get("left_on") is None \
            and _active_members(klass.id, own_id) >= klass.capacity:
        problems.append(Problem("training_class", _(
            "Kelas %(name)s sudah penuh (kapasitas %(capacity)s peserta).",
            name=klass.name, capacity=klass.capacity)))
    if client is not None:
        refused = eligibility.refusal(client, eligibility.enrollment_requirements(
            klass.id if klass is not None else None, own_id))
        if refused:
            problems.append(Problem("client", refused))
    if refused := not_before(values.get("left_on"), values.get("enrolled_on"),
                             _("tanggal daftar")):
        problems.append(Problem("left_on", refused))
    return problems


def attendance_problems(values: Mapping[str, Any], *, current: Attendance | None = None,
                        today: date | None = None) -> list[Problem]:
    """Every reason the training attendance ``values`` cannot be saved: a session not yet
    held, a client not enrolled in its class on that day or already recorded at it, a code
    other than H/I/S/A, a client marked H at another event at the same time (the rules of
    the attendance sheet)."""
    problems: list[Problem] = []
    session = _get(TrainingSession, values.get("session"))
    client = _get(Client, values.get("client"))
    code = values.get("code")
    if "code" in values and not blank(code) and code not in ATTENDANCE_CODES.codes:
        problems.append(Problem("code", invalid_choice()))
    if session is None:
        if "session" in values:
            problems.append(Problem("session", required()))
        return problems
    if refused := not_yet_held(session.date, today):
        problems.append(Problem("session", refused))
    if client is None:
        return problems
    klass = session.training_class
    if not _enrolled_on(session, client.id):
        problems.append(Problem("client", _(
            "%(client)s tidak terdaftar di kelas %(klass)s pada tanggal itu.",
            client=client.full_name, klass=klass.name)))
        return problems
    twice = select(Attendance.id).where(Attendance.session_id == session.id,
                                        Attendance.client_id == client.id)
    if current is not None and current.id is not None:
        twice = twice.where(Attendance.id != current.id)
    if db.session.scalar(twice) is not None:
        problems.append(Problem("client", _(
            "Kehadiran %(client)s pada pertemuan ini sudah dicatat.", client=client.full_name)))
    elif code == AttendanceCode.PRESENT:
        sheet = Sheet("training", session.id, session.date, session.start_time,
                      session.end_time, klass.name, klass.instructor_id, klass.location)
        problems.extend(Problem("client", message)
                        for message in present_elsewhere(sheet, {client.id}))
    return problems


def _enrolled_on(session: TrainingSession, client_id: int) -> bool:
    return db.session.scalar(select(Enrollment.id).where(
        Enrollment.class_id == session.class_id, Enrollment.client_id == client_id,
        Enrollment.enrolled_on <= session.date,
        Enrollment.left_on.is_(None) | (Enrollment.left_on >= session.date))) is not None


def _stored_classes() -> Iterator[tuple[str, list[Problem]]]:
    for klass in db.session.scalars(select(TrainingClass).order_by(TrainingClass.name)):
        problems = class_problems({"capacity": klass.capacity}, current=klass)
        if problems:
            yield klass.name, problems


def _stored_attendance() -> Iterator[tuple[str, list[Problem]]]:
    """Training attendance whose client was not enrolled on the session's day (an
    enrollment date changed after the sheet was kept): one query, whatever the history."""
    enrolled = select(Enrollment.id).where(
        Enrollment.class_id == TrainingSession.class_id,
        Enrollment.client_id == Attendance.client_id,
        Enrollment.enrolled_on <= TrainingSession.date,
        Enrollment.left_on.is_(None) | (Enrollment.left_on >= TrainingSession.date))
    rows = db.session.scalars(
        select(Attendance).join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(~enrolled.exists())
        .options(joinedload(Attendance.client),
                 joinedload(Attendance.session).joinedload(TrainingSession.training_class))
        .order_by(TrainingSession.date, Attendance.id).execution_options(yield_per=500))
    for record in rows:
        session = record.session
        problems = attendance_problems({"session": session, "client": record.client},
                                       current=record)
        if problems:
            yield (f"{session.training_class.name} {format_date(session.date)}, "
                   f"{record.client.full_name}", problems)


CLASS_CHECK = StoredCheck(lambda: _("Kelas keterampilan"), _stored_classes,
                          lambda: CLASS_LABELS)
ATTENDANCE_CHECK = StoredCheck(lambda: _("Kehadiran pelatihan"), _stored_attendance,
                               lambda: ATTENDANCE_LABELS)
