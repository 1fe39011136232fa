"""The export centre (pusat unduhan): the monthly Excel reports, each by the rules of the
screen it comes from."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from models import CaseConference, Staff, TrainingClass, db
from services import exports
from services.audit import record_event
from services.dates import format_datetime, month_key
from services.dates import parse_month as parse_month_text
from services.dates import today as panti_today
from services.inputs import parse_id
from services.permissions import REPORT_SCREENS, readers
from services.scopes import minutes_condition, visible, visible_ids
from services.workbook import sweep

from .attendance import parse_month
from .base import SecureView, role_in

# The name the downloaded file gets: the users' words, the month after it.
FILE_NAMES = {
    "roster": "buku-induk",
    "attendance": "rekap-kehadiran",
    "monthly": "laporan-bulanan",
    "conferences": "log-konferensi-kasus",
}
DESCRIPTIONS = {
    "roster": _l("Semua klien yang tinggal di panti pada bulan itu, dengan data registrasi, "
              "tahap, kamar dan pekerja sosial."),
    "attendance": _l("Satu lembar per kelas: klien ke bawah, tanggal ke samping, kode H/I/S/A, "
                  "jumlah per kode dan persentase hadir per klien dan per hari."),
    "monthly": _l("Sensus klien (awal + masuk − keluar = akhir) menurut jenis kelamin dan daerah "
               "asal, kegiatan dan kehadiran, konferensi kasus, kontrak, penyaluran dan "
               "bimbingan lanjut; dengan blok tanda tangan kepala panti."),
    "conferences": _l("Setiap konferensi kasus pada bulan itu dengan peserta, klien yang dibahas "
                   "dan keputusannya."),
}


def may_export(report: str) -> bool:
    return role_in(readers(REPORT_SCREENS[report]))


class ExportCenterView(SecureView):
    """Choose a month (and a class), download a formatted workbook."""

    @expose("/")
    def index(self):
        first = parse_month(request.args.get("month"), panti_today())
        reports = [(key, label, DESCRIPTIONS[key]) for key, label in exports.REPORTS.items()
                   if may_export(key)]
        return self.render("admin/export_center.html", first=first, reports=reports,
                           classes=self._classes())

    def _classes(self):
        return db.session.execute(
            select(TrainingClass.id, TrainingClass.name).where(*visible(TrainingClass))
            .order_by(TrainingClass.name)).all()

    @expose("/download/<report>/")
    def download(self, report: str):
        if report not in exports.REPORTS:
            abort(404)
        if not may_export(report):
            abort(403)
        typed = (request.args.get("month") or "").strip()
        try:
            month = parse_month_text(typed) if typed else panti_today().replace(day=1)
        except ValueError as error:  # said on the export centre, not a workbook of another month
            flash(str(error), "error")
            return redirect(url_for(".index"))
        first, last = exports.month_bounds(month)
        ctx = exports.Context(
            first, last, current_app.config["INSTITUTION_NAME"],
            current_app.config["INSTITUTION_ADDRESS"],
            _("Dicetak oleh %(who)s pada %(when)s", who=_printed_by(),
              when=format_datetime(datetime.now(timezone.utc))),
        )
        handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="panti-export-",
                                        dir=_export_folder())
        os.close(handle)
        try:
            detail = self._write(report, path, ctx)
            workbook = open(path, "rb")  # closed by the response once sent
        finally:
            # Gone from the folder at once; the open handle still reads it. A worker killed
            # while sending leaves nothing behind.
            os.unlink(path)
        try:
            record_event("export", detail=f"{exports.REPORTS[report]} {month_key(first)}{detail}")
            db.session.commit()
        except BaseException:
            workbook.close()
            raise
        # The file name holds no user text: the report key and the month only.
        name = f"{FILE_NAMES[report]}-{month_key(first)}.xlsx"
        response = Response(_chunks(workbook), mimetype=XLSX, headers={
            "Content-Disposition": f"attachment; filename={name}",
            "Content-Length": str(os.fstat(workbook.fileno()).st_size),
            "Cache-Control": "no-store",
        })
        response.call_on_close(workbook.close)  # also when the client went away early
        return response

    def _write(self, report: str, path: str, ctx) -> str:
        """Write the workbook; what the audit entry adds about its content."""
        if report == "roster":
            return f" ({exports.roster(path, ctx)} klien)"
        if report == "attendance":
            class_ids = visible_ids(TrainingClass)
            raw = request.args.get("class_id", "")
            if raw:
                if parse_id(raw) not in {k.id for k in self._classes()}:
                    abort(404)
                class_ids = [parse_id(raw)]
            classes = exports.training_attendance(path, ctx, class_ids)
            return f" ({classes} kelas{', kelas ' + raw if raw else ''})"
        # Conferences as the conference screen lists them for this user.
        where = visible(CaseConference)
        if report == "monthly":
            census = exports.monthly_report(path, ctx, _head_of_panti(),
                                            where if may_export("conferences") else None,
                                            minutes_condition())
            return f" (akhir bulan {census.total(exports.END)} klien)"
        return f" ({exports.conference_log(path, ctx, where, minutes_condition())} KK)"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chunks(workbook, size: int = 64 * 1024):
    """The open (already unlinked) workbook in chunks, closed once sent."""
    with workbook:
        while chunk := workbook.read(size):
            yield chunk


def _export_folder() -> Path:
    """The folder workbooks are written in (private to the console, under instance/),
    swept of what a killed worker left there."""
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    sweep(folder)
    return folder


def _printed_by() -> str:
    staff = current_user.staff
    return f"{staff.name} ({current_user.username})" if staff else current_user.username


def _head_of_panti() -> tuple[str, str | None] | None:
    """Name and NIP of the head who signs the monthly report."""
    row = db.session.execute(
        select(Staff.name, Staff.employee_number)
        .where(Staff.position == "head", Staff.active.is_(True)).order_by(Staff.id).limit(1)
    ).first()
    return (row.name, row.employee_number) if row else None
