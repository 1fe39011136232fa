"""The training attendance workbook: a sheet per class, days across, H/I/S/A in the cells."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from models import Attendance, Client, Enrollment, Staff, TrainingClass, TrainingSession, db
from models.choices import ATTENDANCE_CODES, AttendanceCode

from ..workbook import Percent, Report
from .base import Context, stream_rows


def training_attendance(path: str, ctx: Context, class_ids=None) -> int:
    """One sheet per class with sessions in the month: clients down, days across, the codes
    in the cells, counts per code and the rate per client and per day.

    Three queries whatever the number of classes: the classes, their session days, and one
    stream of (class, client, day, code) ordered the way the sheets are written.
    """
    scope = [TrainingClass.id.in_(class_ids)] if class_ids is not None else []
    in_month = TrainingSession.date.between(ctx.first, ctx.last)
    classes = db.session.execute(
        select(TrainingClass.id, TrainingClass.name, Staff.name.label("instructor"))
        .outerjoin(Staff, Staff.id == TrainingClass.instructor_id)
        .where(TrainingClass.id.in_(select(TrainingSession.class_id).where(in_month)), *scope)
        .order_by(TrainingClass.name, TrainingClass.id)
    ).all()
    session_days: dict[int, set[int]] = defaultdict(set)
    for class_id, day in db.session.execute(
            select(TrainingSession.class_id, TrainingSession.date).where(in_month)):
        session_days[class_id].add(day.day)
    marks = (
        select(Attendance.client_id, TrainingSession.class_id, TrainingSession.date,
               Attendance.code)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(in_month).subquery()
    )
    query = (
        select(Enrollment.class_id, Client.id, Client.register_number, Client.full_name,
               marks.c.date, marks.c.code)
        .join(Client, Client.id == Enrollment.client_id)
        .join(TrainingClass, TrainingClass.id == Enrollment.class_id)
        .outerjoin(marks, and_(marks.c.client_id == Client.id,
                               marks.c.class_id == Enrollment.class_id))
        .where(Enrollment.class_id.in_([k.id for k in classes]),
               Enrollment.enrolled_on <= ctx.last,
               or_(Enrollment.left_on.is_(None), Enrollment.left_on >= ctx.first))
        .order_by(TrainingClass.name, TrainingClass.id, Client.full_name, Client.id,
                  marks.c.date)
    )
    days = (ctx.last - ctx.first).days + 1
    with ctx.report(path, _("Rekap Kehadiran Pelatihan")) as book:
        if not classes:
            book.sheet(_("Kehadiran"), [_("No"), _("Nomor induk"), _("Nama klien")]).finish()
            return 0
        stream = iter(stream_rows(query))
        pending = next(stream, None)
        for klass in classes:
            writer = _ClassSheet(book, klass, days, session_days[klass.id])
            while pending is not None and pending[0] == klass.id:
                writer.add(*pending[1:])
                pending = next(stream, None)
            writer.finish()
    return len(classes)


class _ClassSheet:
    """One class's sheet, fed row by row from the stream (one client's cells at a time)."""

    def __init__(self, book: Report, klass, days: int, session_days: set[int]):
        self.codes = ATTENDANCE_CODES.codes
        self.days = days
        headers = [_("No"), _("Nomor induk"), _("Nama klien"),
                   *(str(d) for d in range(1, days + 1)), *self.codes, _("% hadir")]
        self.sheet = book.sheet(klass.name, headers, freeze_columns=3, note=_(
            "Kelas: %(klass)s · Instruktur: %(instructor)s", klass=klass.name,
            instructor=klass.instructor or "-"))
        self.book, self.session_days = book, session_days
        self.present, self.recorded = [0] * days, [0] * days
        self.client, self.cells, self.number = None, {}, 0

    def add(self, client_id, register_number, name, day, code) -> None:
        if self.client is None or self.client[0] != client_id:
            self._flush()
            self.client, self.cells = (client_id, register_number, name), {}
        if day is not None:
            self.cells[day.day] = code
            self.recorded[day.day - 1] += 1
            self.present[day.day - 1] += code == AttendanceCode.PRESENT

    def _flush(self) -> None:
        if self.client is None:
            return
        sheet, row = self.sheet, self.sheet.row_index
        self.number += 1
        sheet.row([self.number, self.client[1], self.client[2]])
        # Codes come from the database's own vocabulary (H/I/S/A): written directly.
        for day, code in self.cells.items():
            sheet.ws.write_string(row, 2 + day, code)
        counts = [sum(1 for c in self.cells.values() if c == code) for code in self.codes]
        first = 3 + self.days
        for offset, count in enumerate(counts):
            sheet.ws.write_number(row, first + offset, count)
        total = sum(counts)
        if total:
            sheet.ws.write_number(row, first + len(counts), counts[0] / total,
                                  self.book.fmt["percent"])

    def finish(self) -> None:
        self._flush()
        sheet, rows = self.sheet, self.sheet.data_rows
        for offset in range(self.days):
            off = None if offset + 1 in self.session_days else self.book.fmt["off"]
            sheet.ws.set_column(3 + offset, 3 + offset, 4, off)
        last = 3 + self.days + len(self.codes)
        sheet.ws.set_column(3 + self.days, last - 1, 5)
        sheet.ws.set_column(last, last, 9)
        sheet.widths = sheet.widths[:3]  # day and count columns keep the widths set above
        blanks = [""] * (len(self.codes) + 1)
        sheet.row(["", "", _("Hadir (H) per hari"), *self.present, *blanks], "total")
        sheet.row(["", "", _("Kehadiran per hari"),
                   *(Percent(p / r) if r else "" for p, r in zip(self.present, self.recorded,
                                                                 strict=True)), *blanks],
                  "total")
        sheet.line(_("Kolom abu-abu: tidak ada pertemuan. %% hadir = H dibagi semua kode yang "
                     "tercatat (H + I + S + A)."), "muted")
        sheet.finish(filter_rows=rows)

