"""Skill training: skills, classes, enrollments, sessions and attendance."""

from __future__ import annotations

from flask import flash, g
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import (
    BooleanEqualFilter,
    DateBetweenFilter,
    FilterEqual,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.validators import InputRequired

from forms.fields import WeekdaysField
from forms.validators import NotBefore, strip_text
from models import (
    Attendance,
    AuditEntry,
    Client,
    Enrollment,
    Holiday,
    SkillType,
    TrainingClass,
    TrainingSession,
    db,
)
from models.choices import ATENSI_COMPONENTS, ATTENDANCE_CODES, WEEKDAYS
from services.attendance import sheet_entries
from services.dates import today as panti_today
from services.inputs import parse_id
from services.schedule import (
    Booking,
    enrolled_by_class,
    enrolled_on,
    pattern_bookings,
    staff_of,
)
from services.training import generate_sessions
from services.training_rules import attendance_problems, class_problems, enrollment_problems

from .base import SecureModelView
from .conflicts import ConflictChecked, form_record
from .converters import choice_formatter
from .pickers import client_picker, enrollable_client_picker, session_picker, staff_picker
from .rule_forms import RuleChecked


def _weekdays_label(_view, _context, model, name) -> str:
    return ", ".join(WEEKDAYS.label(d) for d in (getattr(model, name) or ""))


class SkillTypeView(SecureModelView):
    """The catalogue of skills the panti teaches."""

    column_list = ("name", "description", "atensi", "active")
    column_details_list = column_list
    column_labels = {"name": _l("Keterampilan"), "description": _l("Keterangan"),
                     "active": _l("Aktif"), "atensi": _l("Komponen ATENSI")}
    column_formatters = {"atensi": choice_formatter(ATENSI_COMPONENTS)}
    column_formatters_detail = column_formatters
    form_choices = {"atensi": ATENSI_COMPONENTS.choices}
    column_searchable_list = ("name",)
    column_default_sort = "name"
    column_filters = (BooleanEqualFilter(SkillType.active, _l("Aktif")),)
    form_columns = column_list
    form_args = {"name": {"filters": [strip_text]}}


class TrainingClassView(ConflictChecked, RuleChecked, SecureModelView):
    """Classes of a skill with their instructor and weekly pattern."""

    rules = class_problems

    list_options = (joinedload(TrainingClass.skill_type), joinedload(TrainingClass.instructor))
    list_counts = ("enrolled_count",)
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


class EnrollmentView(ConflictChecked, RuleChecked, SecureModelView):
    """Who is in which class; leaving sets a date and keeps past attendance."""

    rules = enrollment_problems

    # The class's head count is not shown here: not computed for every row (see list_counts).
    list_options = (joinedload(Enrollment.client),
                    joinedload(Enrollment.training_class).defer(TrainingClass.enrolled_count))
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
        "training_class": {"query_factory": lambda: TrainingClass.query.order_by(
            TrainingClass.name)},
        "enrolled_on": {"default": panti_today},
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

    list_options = (
        joinedload(TrainingSession.training_class).defer(TrainingClass.enrolled_count),)
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


class AttendanceView(RuleChecked, SecureModelView):
    """Attendance per session and client: H hadir, I izin, S sakit, A alpa."""

    rules = attendance_problems

    # The scope lists training rows only, so every row has its session: sorted and filtered
    # by the session's date through an inner join that the date index serves.
    required_references = (Attendance.session,)
    # Millions of rows: a filter (date, class, code) or a search is the way to older ones.
    list_row_limit = 10_000
    list_options = (
        joinedload(Attendance.client),
        joinedload(Attendance.session).joinedload(TrainingSession.training_class)
        .defer(TrainingClass.enrolled_count),
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
        "session": {"validators": [InputRequired()]},
        "note": {"filters": [strip_text]},
    }

    def scope(self):
        # This screen is training attendance; guidance and recreation rows live in the grid.
        return [*super().scope(), Attendance.session_id.is_not(None)]

    def history_entries(self, record) -> list[AuditEntry]:
        """The record's own entries (the form), and each save of its session's sheet that
        changed this client's line (a save is one entry for the whole sheet)."""
        g.history_client = str(record.client_id)
        sheet = [entry for entry in sheet_entries(TrainingSession.__tablename__,
                                                  record.session_id, record.session.date)
                 if g.history_client in entry.changes]
        return sorted([*super().history_entries(record), *sheet],
                      key=lambda entry: (entry.at, entry.id), reverse=True)

    def describe_changes(self, entries) -> dict[int, list[tuple]]:
        """The form's entries as any screen's; a save of the sheet as the lines it changed:
        on a record's history page that record's line, in the audit log every line, by
        client."""
        own = super().describe_changes([e for e in entries if e.record_id is not None])
        sheets = [e for e in entries if e.record_id is None]
        one = g.get("history_client")
        names = {} if one or not sheets else {str(client.id): str(client) for client in (
            db.session.scalars(select(Client).where(Client.id.in_(
                {int(key) for entry in sheets for key in entry.changes if key.isdigit()}))))}
        for entry in sheets:
            lines = [(one, entry.changes.get(one, [None, None]))] if one else \
                sorted(entry.changes.items(), key=lambda item: names.get(item[0], item[0]))
            own[entry.id] = [
                (str(self.column_labels["code"]) if one else names.get(key, key),
                 before or "—", after or _("(dihapus)")) for key, (before, after) in lines]
        return own


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
