"""The attendance grid (presensi) and the attendance summary (rekap kehadiran)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from forms.base import ConsoleForm
from models import Attendance, TrainingClass, db
from models.choices import ATTENDANCE_CODES
from services import versions
from services.attendance import (
    GRID_KINDS,
    leads,
    load_sheet,
    parse_entries,
    save_sheet,
    sheet_changed,
    sheet_token,
)
from services.attendance_summary import (
    RECENT_DAYS,
    class_tallies,
    client_tallies,
    incomplete,
    led_sheets,
    sheet_args,
    total_of,
)
from services.dates import parse_date
from services.dates import parse_month as parse_month_text
from services.dates import today as panti_today
from services.inputs import parse_id
from services.schedule import month_end
from services.scopes import visible

from .base import SecureView


def parse_day(text: str | None) -> date | None:
    """A date from a query string (dd/mm/yyyy or yyyy-mm-dd, services/dates.py), None when
    absent, malformed or outside the years a date may have."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None


def parse_month(text: str | None, today: date) -> date:
    """The first day of a month from a query string (mm/yyyy or yyyy-mm; this month by
    default). A month not understood is said on the page (flashed) and this month shown."""
    if not (text or "").strip():
        return today.replace(day=1)
    try:
        return parse_month_text(text)
    except ValueError as error:
        flash(str(error), "error")
        return today.replace(day=1)


def sheet_url(kind: str, record_id: int, day: date) -> str:
    return url_for("attendance_grid.record", **sheet_args(kind, record_id, day))


class AttendanceGridView(SecureView):
    """Record a whole event's attendance in one screen: today's events first."""

    @expose("/")
    def index(self):
        today = panti_today()
        day = parse_day(request.args.get("day")) or today
        week_start = day - timedelta(days=day.isoweekday() - 1)
        week_end = week_start + timedelta(days=6)
        first = min(week_start, today - timedelta(days=RECENT_DAYS))
        last = max(week_end, today)
        bookings = led_sheets(current_user, first, last)
        for booking in bookings:
            booking.url = sheet_url(booking.kind, booking.record_id, booking.day)
        return self.render(
            "admin/attendance_index.html",
            today=today,
            todays=[b for b in bookings if b.day == today],
            missing=[b for b in bookings
                     if today - timedelta(days=RECENT_DAYS) <= b.day < today and incomplete(b)],
            week=[b for b in bookings if week_start <= b.day <= week_end],
            week_start=week_start, week_end=week_end,
            prev_week=week_start - timedelta(days=7), next_week=week_start + timedelta(days=7),
        )

    @expose("/record/", methods=("GET", "POST"))
    def record(self):
        kind = request.args.get("kind", "training")
        record_id = parse_id(request.args.get("id"))
        if kind not in GRID_KINDS or record_id is None:
            abort(404)
        saving = request.method == "POST"
        sheet = load_sheet(kind, record_id, parse_day(request.args.get("date")),
                           for_saving=saving)
        if sheet is None:
            abort(404)
        # The head reads every sheet; everyone else only those of the events they lead (the
        # events the index lists for them). Another's event answers as a missing one does.
        if not leads(sheet, current_user):
            abort(404)
        may_record = self.can_write and leads(sheet, current_user)
        form = ConsoleForm(request.form if saving else None)
        errors: list[str] = []
        seen = request.form.get(versions.FIELD) if saving else None
        if saving:
            if not may_record:
                abort(403)
            if not form.validate():
                errors = [_("Formulir kedaluwarsa atau tidak sah; muat ulang halaman lalu "
                            "simpan lagi.")]
            else:
                entries, errors = parse_entries(sheet, request.form)
                codes = [entries[row.client_id].code if row.client_id in entries else row.code
                         for row in sheet.rows]
                refusal = None if errors else sheet_changed(sheet, seen)
                if refusal:
                    errors, seen = [refusal], None  # the user now sees the sheet as it is
                elif not errors:
                    errors, sheet, seen = self._save(sheet, entries, seen)
            if not errors:
                counts = {code: codes.count(code) for code in ATTENDANCE_CODES.codes}
                flash(_("Kehadiran disimpan: %(h)s hadir, %(i)s izin, %(s)s sakit, %(a)s alpa.",
                        h=counts["H"], i=counts["I"], s=counts["S"], a=counts["A"]), "success")
                return redirect(request.full_path)
            db.session.rollback()
        return self.render(
            "admin/attendance_grid.html",
            sheet=sheet, form=form, errors=errors, codes=ATTENDANCE_CODES,
            seen_version=seen if seen is not None else sheet_token(sheet),
            posted=request.form if request.method == "POST" else None,
            may_record=may_record and sheet.day <= panti_today(),
            future=sheet.day > panti_today(),
        )


    @staticmethod
    def _save(sheet, entries, seen):
        """Save the sheet; when another save of it landed at the same moment (the database
        refuses the outdated write), refuse like a change seen before saving. Returns the
        problems, the sheet to show, and the token to keep (None: the sheet's current one)."""
        try:
            return save_sheet(sheet, entries), sheet, seen
        except (StaleDataError, IntegrityError):
            db.session.rollback()
            fresh = load_sheet(sheet.kind, sheet.record_id, sheet.day)
            refusal = sheet_changed(fresh, seen) if fresh is not None else None
            if refusal is None:
                raise  # not a concurrent save: a real fault
            return [refusal], fresh, None


class AttendanceSummaryView(SecureView):
    """Counts of H/I/S/A and the attendance rate per class and per client for a month."""

    @expose("/")
    def index(self):
        today = panti_today()
        first = parse_month(request.args.get("month"), today)
        last = month_end(first)
        where = visible(Attendance)
        classes = db.session.scalars(
            select(TrainingClass).where(TrainingClass.start_date <= last,
                                        TrainingClass.end_date >= first,
                                        *visible(TrainingClass))
            .order_by(TrainingClass.name)
        ).all()
        raw_class = request.args.get("class_id", "")
        chosen = next((k for k in classes if str(k.id) == raw_class), None)
        per_class = class_tallies(first, last, where=where)
        per_client = client_tallies(
            first, last, [chosen.id] if chosen is not None else None, where=where)
        return self.render(
            "admin/attendance_summary.html",
            first=first, last=last, classes=classes, chosen=chosen,
            per_class=per_class, class_total=total_of(per_class),
            per_client=per_client, client_total=total_of(per_client),
            prev_month=(first - timedelta(days=1)).replace(day=1),
            next_month=last + timedelta(days=1),
        )
