"""Skill training: skills, classes, enrollments, sessions and attendance."""

from __future__ import annotations

from datetime import date

from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import (
    BooleanEqualFilter,
    DateBetweenFilter,
    FilterEqual,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from forms.fields import WeekdaysField
from forms.validators import NotBefore, excluding_edited, strip_text
from models import (
    Attendance,
    Client,
    Enrollment,
    Holiday,
    SkillType,
    TrainingClass,
    TrainingSession,
    db,
)
from models.choices import ATTENDANCE_CODES, WEEKDAYS
from services import eligibility
from services.attendance import Sheet, present_elsewhere
from services.dates import format_date
from services.dates import today as panti_today
from services.inputs import date_in_range, parse_id
from services.schedule import (
    Booking,
    enrolled_by_class,
    enrolled_on,
    pattern_bookings,
    pattern_end,
    staff_of,
)
from services.training import generate_sessions

from .base import SecureModelView
from .conflicts import ConflictChecked, form_record
from .converters import choice_formatter
from .pickers import client_picker, enrollable_client_picker, session_picker, staff_picker


def _weekdays_label(_view, _context, model, name) -> str:
    return ", ".join(WEEKDAYS.label(d) for d in (getattr(model, name) or ""))


class SkillTypeView(SecureModelView):
    """The catalogue of skills the panti teaches."""

    column_list = ("name", "description", "active")
    column_details_list = column_list
    column_labels = {"name": _l("Keterampilan"), "description": _l("Keterangan"),
                     "active": _l("Aktif")}
    column_searchable_list = ("name",)
    column_default_sort = "name"
    column_filters = (BooleanEqualFilter(SkillType.active, _l("Aktif")),)
    form_columns = column_list
    form_args = {"name": {"filters": [strip_text]}}


class TrainingClassView(ConflictChecked, SecureModelView):
    """Classes of a skill with their instructor and weekly pattern."""

    list_options = (joinedload(TrainingClass.skill_type), joinedload(TrainingClass.instructor))
    column_list = ("name", "skill_type.name", "instructor.name", "weekdays", "start_time",
                   "start_date", "end_date", "enrolled_count", "capacity")
    column_details_list = ("name", "skill_type", "instructor", "location", "start_date",
                           "end_date", "weekdays", "start_time", "end_time", "capacity",
                           "enrolled_count")
    column_labels = {
        "name": _l("Nama kelas"),
        "skill_type": _l("Keterampilan"),
        "skill_type.name": _l("Keterampilan"),
        "instructor": _l("Instruktur"),
        "instructor.name": _l("Instruktur"),
        "location": _l("Tempat"),
        "start_date": _l("Mulai"),
        "end_date": _l("Selesai"),
        "weekdays": _l("Hari"),
        "start_time": _l("Jam mulai"),
        "end_time": _l("Jam selesai"),
        "capacity": _l("Kapasitas"),
        "enrolled_count": _l("Peserta"),
    }
    column_searchable_list = ("name", "location")
    column_sortable_list = ("name", ("skill_type.name", "skill_type.name"),
                            ("instructor.name", "instructor.name"), "start_date", "end_date")
    column_default_sort = ("start_date", True)
    column_filters = ("skill_type.name", "instructor.name",
                      DateBetweenFilter(TrainingClass.start_date, _l("Mulai")))
    column_formatters = {"weekdays": _weekdays_label}
    column_formatters_detail = column_formatters
    form_columns = ("name", "skill_type", "instructor", "location", "start_date", "end_date",
                    "weekdays", "start_time", "end_time", "capacity")
    form_overrides = {"weekdays": WeekdaysField}
    form_ajax_refs = {"instructor": staff_picker("instructor", "instructor")}
    form_args = {
        "name": {"filters": [strip_text]},
        "skill_type": {"query_factory": lambda: SkillType.query.filter_by(active=True)
                       .order_by(SkillType.name)},
        "end_date": {"validators": [NotBefore("start_date", _l("tanggal mulai")),
                                    lambda form, field: _class_span(form, field)]},
        "end_time": {"validators": [NotBefore("start_time", _l("jam mulai"), strict=True)]},
        "capacity": {"validators": [NumberRange(min=1, message=_l("Kapasitas minimal 1.")),
                                    lambda form, field: _class_capacity_fits(form, field)]},
    }

    def form_bookings(self, form, record_id):
        """The class's sessions from today on, planned or still to generate, with the
        instructor, place and times as submitted."""
        klass = form_record(form, record_id, "name", "instructor", "location", "start_date",
                            "end_date", "weekdays", "start_time", "end_time")
        if None in (klass.start_date, klass.end_date, klass.start_time, klass.end_time) \
                or not klass.weekdays:
            return []
        return pattern_bookings(klass, panti_today())

    @action(
        "generate_sessions",
        _l("Buat jadwal pertemuan"),
        _l("Buat pertemuan sesuai hari mingguan kelas yang dipilih (hari libur dilewati)?"),
    )
    def action_generate_sessions(self, ids):
        """Generate the sessions of the chosen classes from their weekly pattern."""
        classes = self.get_query().filter(TrainingClass.id.in_(
            [pk for pk in map(parse_id, ids) if pk is not None])).all()
        results = [generate_sessions(klass) for klass in classes]
        db.session.commit()
        flash(_("%(n)s pertemuan baru dibuat untuk %(k)s kelas.",
                n=sum(len(r.created) for r in results), k=len(classes)), "success")
        for result in results:
            for message in result.messages():
                flash(message, "warning")


def _class_span(form, field):
    """A class lasts at most PATTERN_SPAN (two years): its weekly pattern is expanded into
    sessions and checked for conflicts day by day."""
    start = form.start_date.data
    if None in (field.data, start) or not date_in_range(field.data):
        return  # no date, or one the form refuses anyway
    if field.data > pattern_end(start):
        raise ValidationError(_("Kelas paling lama 2 tahun: tanggal selesai paling lambat "
                                "%(last)s. Buat kelas baru untuk angkatan berikutnya.",
                                last=format_date(pattern_end(start))))


def _class_capacity_fits(form, field):
    klass = getattr(form, "_obj", None)
    if klass is None or klass.id is None or field.data is None:
        return
    if field.data < (klass.enrolled_count or 0):
        raise ValidationError(
            _("Kelas ini sudah berisi %(n)s peserta; kapasitas tidak boleh lebih kecil.",
               n=klass.enrolled_count)
        )


def _class_has_space(form, field):
    """A class over capacity refuses the enrollment (leavers do not count)."""
    klass: TrainingClass | None = field.data
    if klass is None:
        return
    leaving = form.left_on.data is not None if "left_on" in form else False
    if leaving:
        return
    taken = excluding_edited(
        select(func.count(Enrollment.id)).where(
            Enrollment.class_id == klass.id, Enrollment.left_on.is_(None)
        ),
        form,
        Enrollment,
    )
    if db.session.scalar(taken) >= klass.capacity:
        raise ValidationError(
            _("Kelas %(name)s sudah penuh (kapasitas %(capacity)s peserta).",
               name=klass.name, capacity=klass.capacity)
        )


def _client_may_enroll(form, field):
    """The enrollment's rule (services/eligibility.py), the one its client picker offers by:
    a client in the intervention stages, not yet in the class; an existing enrollment stays
    editable (setting the leaving date) whatever stage its client has reached."""
    client: Client | None = field.data
    if client is None:
        return
    klass: TrainingClass | None = form.training_class.data
    record = getattr(form, "_obj", None)
    refused = eligibility.refusal(client, eligibility.enrollment_requirements(
        klass.id if klass is not None else None, record.id if record is not None else None))
    if refused:
        raise ValidationError(refused)


class EnrollmentView(ConflictChecked, SecureModelView):
    """Who is in which class; leaving sets a date and keeps past attendance."""

    list_options = (joinedload(Enrollment.client), joinedload(Enrollment.training_class))
    column_list = ("training_class.name", "client.register_number", "client.full_name",
                   "enrolled_on", "left_on")
    column_details_list = ("training_class", "client", "enrolled_on", "left_on")
    column_labels = {
        "training_class": _l("Kelas"),
        "training_class.name": _l("Kelas"),
        "client": _l("Klien"),
        "client.register_number": _l("Nomor induk"),
        "client.full_name": _l("Nama klien"),
        "enrolled_on": _l("Tanggal daftar"),
        "left_on": _l("Tanggal keluar"),
    }
    column_searchable_list = ("client.full_name", "client.register_number")
    column_sortable_list = (("training_class.name", "training_class.name"),
                            ("client.full_name", "client.full_name"), "enrolled_on", "left_on")
    column_default_sort = ("enrolled_on", True)
    column_filters = ("training_class.name",
                      DateBetweenFilter(Enrollment.enrolled_on, _l("Tanggal daftar")))
    form_columns = ("training_class", "client", "enrolled_on", "left_on")
    # The picker offers the clients the chosen class accepts; the form sends the class with
    # each search (data-picker-context, static/js/pickers.js).
    form_ajax_refs = {"client": enrollable_client_picker("client")}
    form_widget_args = {"client": {"data-picker-context": "training_class"}}
    conflict_field = "client"
    form_args = {
        "training_class": {"validators": [_class_has_space],
                           "query_factory": lambda: TrainingClass.query.order_by(
                               TrainingClass.name)},
        "client": {"validators": [_client_may_enroll]},
        "enrolled_on": {"default": date.today},
        "left_on": {"validators": [Optional(), NotBefore("enrolled_on", _l("tanggal daftar"))]},
    }

    def form_bookings(self, form, record_id):
        """The class's meetings from the later of today and the enrollment date until the
        client leaves, booked for this client only: another class, a guidance group or an
        activity at the same time is a conflict."""
        klass, client = form.training_class.data, form.client.data
        enrolled, left = form.enrolled_on.data, form.left_on.data
        if klass is None or client is None or enrolled is None:
            return []
        if record_id is not None and left is not None:
            return []  # leaving a class books nothing new
        bookings = [b for b in pattern_bookings(klass, max(enrolled, panti_today()),
                                                clients=[client.id])
                    if left is None or b.day <= left]
        for booking in bookings:
            booking.staff, booking.place = {}, None  # the class's own staff and room are fine
        return bookings


class TrainingSessionView(ConflictChecked, SecureModelView):
    """The dated meetings of each class."""

    list_options = (joinedload(TrainingSession.training_class),)
    column_list = ("training_class.name", "date", "start_time", "end_time", "topic")
    column_details_list = ("training_class", "date", "start_time", "end_time", "topic")
    column_labels = {
        "training_class": _l("Kelas"),
        "training_class.name": _l("Kelas"),
        "date": _l("Tanggal"),
        "start_time": _l("Jam mulai"),
        "end_time": _l("Jam selesai"),
        "topic": _l("Materi"),
    }
    column_searchable_list = ("topic", "training_class.name")
    column_sortable_list = (("training_class.name", "training_class.name"), "date", "start_time")
    column_default_sort = ("date", True)
    column_filters = ("training_class.name", DateBetweenFilter(TrainingSession.date,
                                                              _l("Tanggal")))
    form_columns = ("training_class", "date", "start_time", "end_time", "topic")
    form_args = {
        "training_class": {"query_factory": lambda: TrainingClass.query.order_by(
            TrainingClass.name)},
        "end_time": {"validators": [NotBefore("start_time", _l("jam mulai"), strict=True)]},
        "topic": {"filters": [strip_text]},
    }

    def form_bookings(self, form, record_id):
        klass, day = form.training_class.data, form.date.data
        if klass is None or day is None:
            return []
        enrollments = enrolled_by_class([klass.id]).get(klass.id, [])
        return [Booking("training", record_id, ("class", klass.id), klass.name, day,
                        form.start_time.data, form.end_time.data, staff_of(klass.instructor),
                        klass.location, enrolled_on(enrollments, day))]


def _attendance_allowed(form, field):
    """The client is enrolled in the session's class, once per session, not in the future."""
    client: Client | None = field.data
    session: TrainingSession | None = form.session.data
    if client is None or session is None:
        return
    enrolled = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.class_id == session.class_id,
            Enrollment.client_id == client.id,
            Enrollment.enrolled_on <= session.date,
            (Enrollment.left_on.is_(None)) | (Enrollment.left_on >= session.date),
        )
    )
    if enrolled is None:
        raise ValidationError(
            _("%(client)s tidak terdaftar di kelas %(klass)s pada tanggal itu.",
               client=client.full_name, klass=session.training_class.name)
        )
    duplicate = excluding_edited(
        select(Attendance.id).where(
            Attendance.session_id == session.id, Attendance.client_id == client.id
        ),
        form,
        Attendance,
    )
    if db.session.scalar(duplicate) is not None:
        raise ValidationError(
            _("Kehadiran %(client)s pada pertemuan ini sudah dicatat.", client=client.full_name)
        )
    if form.code.data == "H":  # the grid's rule: nobody is present in two places at once
        klass = session.training_class
        sheet = Sheet("training", session.id, session.date, session.start_time,
                      session.end_time, klass.name, klass.instructor_id, klass.location)
        problems = present_elsewhere(sheet, {client.id})
        if problems:
            raise ValidationError(problems[0])


def _session_not_future(form, field):
    if field.data is not None and field.data.date > panti_today():
        raise ValidationError(_("Kehadiran tidak dapat dicatat untuk pertemuan yang belum "
                                 "berlangsung."))


class AttendanceView(SecureModelView):
    """Attendance per session and client: H hadir, I izin, S sakit, A alpa."""

    list_options = (
        joinedload(Attendance.client),
        joinedload(Attendance.session).joinedload(TrainingSession.training_class),
    )
    column_list = ("session.date", "session.training_class", "client.register_number",
                   "client.full_name", "code", "note")
    column_details_list = ("session", "client", "code", "note")
    column_labels = {
        "session": _l("Pertemuan"),
        "session.date": _l("Tanggal"),
        "session.training_class.name": _l("Kelas"),
        "session.training_class": _l("Kelas"),
        "client": _l("Klien"),
        "client.register_number": _l("Nomor induk"),
        "client.full_name": _l("Nama klien"),
        "code": _l("Kehadiran"),
        "note": _l("Catatan"),
    }
    column_searchable_list = ("client.full_name", "client.register_number")
    column_sortable_list = (("session.date", "session.date"),
                            ("client.full_name", "client.full_name"), "code")
    column_default_sort = ("session.date", True)
    column_filters = (
        FilterEqual(Attendance.code, _l("Kehadiran"), options=ATTENDANCE_CODES.choices),
        "session.training_class.name",
        "session.date",
    )
    column_formatters = {"code": choice_formatter(ATTENDANCE_CODES)}
    column_formatters_detail = column_formatters
    form_columns = ("session", "client", "code", "note")
    form_choices = {"code": ATTENDANCE_CODES.choices}
    # Any client (an instructor: those ever enrolled in their classes, see client_picker):
    # the enrollment check decides, and past records of leavers stay editable.
    form_ajax_refs = {"session": session_picker("session"), "client": client_picker("client")}
    form_args = {
        "session": {"validators": [InputRequired(), _session_not_future]},
        "client": {"validators": [_attendance_allowed]},
        "note": {"filters": [strip_text]},
    }

    def scope(self):
        # This screen is training attendance; guidance and recreation rows live in the grid.
        return [*super().scope(), Attendance.session_id.is_not(None)]


class HolidayView(SecureModelView):
    """Days off: generated schedules skip them."""

    column_list = ("date", "name")
    column_details_list = column_list
    column_labels = {"date": _l("Tanggal"), "name": _l("Keterangan")}
    column_searchable_list = ("name",)
    column_default_sort = ("date", True)
    column_filters = (DateBetweenFilter(Holiday.date, _l("Tanggal")),)
    form_columns = ("date", "name")
    form_args = {"name": {"filters": [strip_text]}}
