"""The monthly Excel reports of the export centre, streamed from the database.

Each report writes one workbook (``services.workbook``) from queries read with
``yield_per``: rows go from the cursor to the file without being collected in lists.
Access rules are passed in as the same conditions the screens use
(``services.scopes``), so a file holds exactly what its reader may see on screen.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from models import (
    Attendance,
    CaseConference,
    CaseNote,
    Client,
    Enrollment,
    RecreationActivity,
    Room,
    ServiceContract,
    Staff,
    TrainingClass,
    TrainingSession,
    db,
)
from models.choices import (
    ATTENDANCE_CODES,
    CONFERENCE_KINDS,
    CONTRACT_KINDS,
    MONTHS,
    REFERRAL_SOURCES,
    RELIGIONS,
    STAGES,
    TERMINATION_REASONS,
)
from models.conference import conference_attendee, conference_client

from .attendance import code_counts
from .conferences import MINUTES_HIDDEN
from .schedule import bookings_between, month_end
from .workbook import Percent, Report

BATCH = 500
UNKNOWN_DISTRICT = _l("(tidak diisi)")

# The roster's columns, in order: heading and the client attribute (the import reads the
# same layout back).
ROSTER_COLUMNS = (
    (_l("Nomor induk"), "register_number"),
    (_l("Angkatan"), "cohort"),
    (_l("Nama lengkap"), "full_name"),
    (_l("L/P"), "sex"),
    (_l("Tempat lahir"), "birth_place"),
    (_l("Tanggal lahir"), "birth_date"),
    (_l("Agama"), "religion"),
    (_l("NIK"), "nik"),
    (_l("Nomor KK"), "family_card_number"),
    (_l("Alamat (sesuai KTP)"), "address"),
    (_l("Daerah asal"), "district_of_origin"),
    (_l("Nama wali/keluarga"), "guardian_name"),
    (_l("Hubungan"), "guardian_relation"),
    (_l("Telepon wali"), "guardian_phone"),
    (_l("Rujukan dari"), "referral_source"),
    (_l("Tanggal masuk"), "admission_date"),
    (_l("Tahap pelayanan"), "stage"),
    (_l("Kamar"), "room"),
    (_l("Pekerja sosial"), "social_worker"),
    (_l("Tanggal terminasi"), "termination_date"),
    (_l("Alasan terminasi"), "termination_reason"),
)
CODED = {"religion": RELIGIONS, "referral_source": REFERRAL_SOURCES, "stage": STAGES,
         "termination_reason": TERMINATION_REASONS}


@dataclass
class Context:
    """What every report needs besides its data."""

    first: date
    last: date
    institution: str
    address: str
    printed: str  # "Dicetak oleh … pada …"

    @property
    def period(self) -> str:
        return _("Periode: %(month)s %(year)s", month=MONTHS.label(str(self.first.month)),
                 year=self.first.year)

    def report(self, path: str, title: str) -> Report:
        return Report(path, title=title, period=self.period, institution=self.institution,
                      address=self.address, printed=self.printed)


def month_bounds(first: date) -> tuple[date, date]:
    return first, month_end(first)


def _stream(query):
    """Rows of ``query`` fetched in batches (never the whole result at once)."""
    return db.session.execute(query.execution_options(yield_per=BATCH))


def in_panti_during(first: date, last: date):
    """A condition: the client lived in the panti on some day between the two dates."""
    return and_(Client.admission_date.is_not(None), Client.admission_date <= last,
                or_(Client.termination_date.is_(None), Client.termination_date >= first))


# --- 1. Buku induk ------------------------------------------------------------------------

def roster(path: str, ctx: Context) -> int:
    """Every client in the panti at any time of the month, one row each."""
    worker = aliased(Staff)
    columns = [getattr(Client, attr) for _h, attr in ROSTER_COLUMNS
               if attr not in ("room", "social_worker")]
    query = (
        select(*columns, Room.name.label("room"), worker.name.label("social_worker"))
        .outerjoin(Room, Room.id == Client.room_id)
        .outerjoin(worker, worker.id == Client.social_worker_id)
        .where(in_panti_during(ctx.first, ctx.last))
        .order_by(Client.register_number)
    )
    count = 0
    with ctx.report(path, _("Buku Induk Klien")) as book:
        sheet = book.sheet(_("Buku induk"), [_("No"), *(str(h) for h, _a in ROSTER_COLUMNS)],
                           freeze_columns=4)
        for row in _stream(query):
            count += 1
            values = row._mapping
            sheet.row([count, *(_roster_value(attr, values[attr])
                                for _h, attr in ROSTER_COLUMNS)])
        sheet.finish()
    return count


def _roster_value(attr: str, value: Any) -> Any:
    if attr in CODED and value is not None:
        return CODED[attr].label(value)
    return value


# --- 2. Kehadiran pelatihan ---------------------------------------------------------------

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
        stream = iter(_stream(query))
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
            self.present[day.day - 1] += code == "H"

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


# --- 3. Laporan bulanan -------------------------------------------------------------------

@dataclass
class Census:
    """Clients at the start, admitted, exited (by reason) and at the end of a month, by
    district of origin and sex."""

    rows: dict[str, dict[str, list[int]]] = field(
        default_factory=lambda: defaultdict(lambda: {"L": [0, 0, 0, 0], "P": [0, 0, 0, 0]}))
    exits_by_reason: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: {"L": 0, "P": 0}))

    def total(self, column: int, sex: str | None = None) -> int:
        sexes = (sex,) if sex else ("L", "P")
        return sum(row[s][column] for row in self.rows.values() for s in sexes)


START, ADMITTED, EXITED, END = range(4)


def census(first: date, last: date) -> Census:
    """Counted from each client's admission and termination dates (one streamed query)."""
    result = Census()
    query = select(Client.district_of_origin, Client.sex, Client.admission_date,
                   Client.termination_date, Client.termination_reason).where(
        in_panti_during(first, last))
    for district, sex, admitted, ended, reason in _stream(query):
        counts = result.rows[(district or "").strip() or str(UNKNOWN_DISTRICT)][sex]
        if admitted < first:
            counts[START] += 1
        else:
            counts[ADMITTED] += 1
        if ended is not None and ended <= last:
            counts[EXITED] += 1
            result.exits_by_reason[reason or ""][sex] += 1
        else:
            counts[END] += 1
    return result


def monthly_report(path: str, ctx: Context, head: tuple[str, str | None] | None,
                   decisions: list[Any] | None = None, readable: Any = None) -> Census:
    """The laporan bulanan: census with its check, activities held with participation,
    case conferences, contracts signed, placements and aftercare visits. The decisions of
    the conferences are case content: their sheet is added only for a reader of case
    conferences (``decisions``: that reader's conditions, ``[]`` for all)."""
    data = census(ctx.first, ctx.last)
    with ctx.report(path, _("Laporan Bulanan")) as book:
        _census_sheet(book, data, head)
        _activity_sheet(book, ctx)
        _case_work_sheet(book, ctx)
        if decisions is not None:
            _decisions_sheet(book, ctx, decisions, readable)
    return data


def _census_sheet(book: Report, data: Census, head) -> None:
    headers = [_("Daerah asal"), _("Awal bulan L"), _("Awal bulan P"), _("Masuk L"),
               _("Masuk P"), _("Keluar L"), _("Keluar P"), _("Akhir bulan L"),
               _("Akhir bulan P"), _("Jumlah akhir"), _("Cek (awal + masuk − keluar − akhir)")]
    sheet = book.sheet(_("Sensus"), headers, freeze_columns=1)
    for district in sorted(data.rows, key=str.casefold):
        row = data.rows[district]
        check = sum(row[s][0] + row[s][1] - row[s][2] - row[s][3] for s in ("L", "P"))
        sheet.row([district, *(row[s][c] for c in range(4) for s in ("L", "P")),
                   row["L"][END] + row["P"][END], check])
    rows = sheet.data_rows
    start, admitted, exited, end = (data.total(c) for c in range(4))
    sheet.row([_("Jumlah"), *(data.total(c, s) for c in range(4) for s in ("L", "P")), end,
               start + admitted - exited - end], "total")
    sheet.skip()
    ok = start + admitted - exited == end
    sheet.line(_("Cek sensus: awal bulan %(start)s + masuk %(admitted)s − keluar %(exited)s = "
                 "%(sum)s; akhir bulan %(end)s → %(verdict)s", start=start, admitted=admitted,
                 exited=exited, sum=start + admitted - exited, end=end,
                 verdict=_("SESUAI") if ok else _("TIDAK SESUAI")), "good" if ok else "bad")
    sheet.skip()
    sheet.line(_("Klien keluar menurut alasan terminasi"), "subtitle")
    sheet.row([_("Alasan terminasi"), "L", "P", _("Jumlah")], "total")
    for code, label in TERMINATION_REASONS.pairs:
        counts = data.exits_by_reason.get(code, {"L": 0, "P": 0})
        sheet.row([str(label), counts["L"], counts["P"], counts["L"] + counts["P"]])
    if "" in data.exits_by_reason:
        counts = data.exits_by_reason[""]
        sheet.row([_("(alasan tidak diisi)"), counts["L"], counts["P"], counts["L"] + counts["P"]])
    sheet.row([_("Jumlah keluar"), data.total(EXITED, "L"), data.total(EXITED, "P"), exited],
              "total")
    _signature(sheet, head)
    sheet.finish(filter_rows=rows)


def _signature(sheet, head) -> None:
    sheet.skip()
    sheet.line(_("Mengetahui,"))
    sheet.line(_("Kepala Panti"))
    sheet.skip(3)
    name, nip = head if head else ("(........................................)", None)
    sheet.line(name, "subtitle")
    sheet.line(_("NIP. %(nip)s", nip=nip or "........................"))


def _activity_sheet(book: Report, ctx: Context) -> None:
    sheet = book.sheet(_("Kegiatan"), [_("Jenis kegiatan"), _("Kegiatan terjadwal"),
                                       _("Kode tercatat"), "H", "I", "S", "A", _("% hadir")])
    # Sessions and activities are counted in the database; guidance meetings are the
    # weekly schedules' days (a few schedules, expanded in memory).
    held = {
        "training": db.session.scalar(select(func.count()).select_from(TrainingSession)
                                      .where(TrainingSession.date.between(ctx.first, ctx.last))),
        "recreation": db.session.scalar(
            select(func.count()).select_from(RecreationActivity)
            .where(RecreationActivity.date.between(ctx.first, ctx.last))),
        "guidance": len(bookings_between(ctx.first, ctx.last, ("guidance",))),
    }
    counts = code_counts()
    day = func.coalesce(TrainingSession.date, RecreationActivity.date, Attendance.guidance_date)
    kind = case((Attendance.session_id.is_not(None), "training"),
                (Attendance.activity_id.is_not(None), "recreation"), else_="guidance")
    recorded = {row[0]: row[1:] for row in db.session.execute(
        select(kind, func.count(func.distinct(func.coalesce(
            Attendance.session_id, Attendance.activity_id, Attendance.guidance_id))), *counts)
        .outerjoin(TrainingSession, TrainingSession.id == Attendance.session_id)
        .outerjoin(RecreationActivity, RecreationActivity.id == Attendance.activity_id)
        .where(day.between(ctx.first, ctx.last))
        .group_by(kind))}
    labels = {"training": _("Bimbingan keterampilan (pelatihan)"),
              "guidance": _("Bimbingan sosial, fisik, mental & keluarga"),
              "recreation": _("Bimbingan rekreasi & hiburan")}
    for code, label in labels.items():
        _events, *codes = recorded.get(code, (0, 0, 0, 0, 0))
        total = sum(int(n or 0) for n in codes)
        sheet.row([label, held.get(code, 0), total, *(int(n or 0) for n in codes),
                   Percent(int(codes[0] or 0) / total) if total else None])
    sheet.line(_("Kegiatan terjadwal: pertemuan pelatihan, pertemuan bimbingan (jadwal "
                 "mingguan dihitung per pertemuan) dan kegiatan rekreasi pada bulan ini."),
               "muted")
    sheet.finish(filter_rows=3)


def _case_work_sheet(book: Report, ctx: Context) -> None:
    sheet = book.sheet(_("Konferensi & kontrak"), [_("Uraian"), _("Jumlah"),
                                                   _("Keterangan")])
    conferences = db.session.execute(
        select(CaseConference.kind, func.count(func.distinct(CaseConference.id)),
               func.count(conference_client.c.client_id))
        .outerjoin(conference_client,
                   conference_client.c.conference_id == CaseConference.id)
        .where(CaseConference.date.between(ctx.first, ctx.last))
        .group_by(CaseConference.kind)).all()
    by_kind = {kind: (held, clients) for kind, held, clients in conferences}
    for code, label in CONFERENCE_KINDS.pairs:
        held, clients = by_kind.get(code, (0, 0))
        sheet.row([_("Konferensi kasus — %(kind)s", kind=label), held,
                   _("%(n)s klien dibahas", n=clients)])
    sheet.row([_("Konferensi kasus seluruhnya"), sum(h for h, _c in by_kind.values()), ""],
              "total")
    signed = dict(db.session.execute(
        select(ServiceContract.kind, func.count())
        .where(ServiceContract.signed_date.between(ctx.first, ctx.last))
        .group_by(ServiceContract.kind)).all())
    for code, label in CONTRACT_KINDS.pairs:
        sheet.row([_("Kontrak pelayanan ditandatangani — %(kind)s", kind=label),
                   signed.get(code, 0), ""])
    placed = db.session.scalar(
        select(func.count(func.distinct(conference_client.c.client_id)))
        .join(CaseConference, CaseConference.id == conference_client.c.conference_id)
        .where(CaseConference.kind == "placement",
               CaseConference.date.between(ctx.first, ctx.last)))
    sheet.row([_("Klien dibahas untuk penyaluran (KK penyaluran)"), placed or 0, ""])
    visits = db.session.scalar(
        select(func.count()).select_from(CaseNote)
        .where(CaseNote.kind == "aftercare", CaseNote.date.between(ctx.first, ctx.last)))
    sheet.row([_("Kunjungan bimbingan lanjut (catatan bimbingan lanjut)"), visits or 0, ""])
    sheet.finish(filter_rows=sheet.data_rows)


# --- 4. Log konferensi kasus ----------------------------------------------------------------

def _minutes(column: Any, readable: Any) -> Any:
    """``column`` where ``readable`` holds (None: everywhere), else the "hidden" note."""
    if readable is None:
        return column
    return case((readable, column), else_=literal(str(MINUTES_HIDDEN))).label(column.key)


def conference_rows(ctx: Context, where: list[Any] | None = None, readable: Any = None):
    """The month's conferences (within ``where``), each with its attendees and clients
    discussed as text; a few names per meeting, read in two more queries. The summary and
    decisions texts only where ``readable`` holds (``services.scopes.minutes_condition``)."""
    chair = aliased(Staff)
    conferences = (
        select(CaseConference.id, CaseConference.date, CaseConference.start_time,
               CaseConference.end_time, CaseConference.kind, CaseConference.location,
               chair.name.label("chair"), _minutes(CaseConference.summary, readable),
               _minutes(CaseConference.decisions, readable))
        .outerjoin(chair, chair.id == CaseConference.chair_id)
        .where(CaseConference.date.between(ctx.first, ctx.last), *(where or []))
        .order_by(CaseConference.date, CaseConference.start_time, CaseConference.id)
    )
    ids = select(CaseConference.id).where(CaseConference.date.between(ctx.first, ctx.last),
                                          *(where or []))
    people: dict[int, list[str]] = defaultdict(list)
    for conference_id, name, core in db.session.execute(
        select(conference_attendee.c.conference_id, Staff.name, Staff.is_core_member)
        .join(Staff, Staff.id == conference_attendee.c.staff_id)
        .where(conference_attendee.c.conference_id.in_(ids)).order_by(Staff.name)
    ):
        people[conference_id].append(_("%(name)s (inti)", name=name) if core else name)
    discussed: dict[int, list[str]] = defaultdict(list)
    for conference_id, number, name in db.session.execute(
        select(conference_client.c.conference_id, Client.register_number, Client.full_name)
        .join(Client, Client.id == conference_client.c.client_id)
        .where(conference_client.c.conference_id.in_(ids)).order_by(Client.full_name)
    ):
        discussed[conference_id].append(f"{number} {name}")
    for row in _stream(conferences):
        hours = (f"{row.start_time:%H:%M}–{row.end_time:%H:%M}"
                 if row.start_time and row.end_time else "")
        yield row, hours, "\n".join(people[row.id]), "\n".join(discussed[row.id])


def conference_log(path: str, ctx: Context, where: list[Any] | None = None,
                   readable: Any = None) -> int:
    """Every case conference of the month with attendees, clients and decisions."""
    count = 0
    with ctx.report(path, _("Log Konferensi Kasus")) as book:
        sheet = book.sheet(_("Konferensi kasus"), [
            _("No"), _("Tanggal"), _("Jam"), _("Jenis KK"), _("Tempat"), _("Pimpinan rapat"),
            _("Peserta"), _("Klien dibahas"), _("Ringkasan"), _("Keputusan")],
            freeze_columns=2)
        for row, hours, people, discussed in conference_rows(ctx, where, readable):
            count += 1
            sheet.row([count, row.date, hours, CONFERENCE_KINDS.label(row.kind), row.location,
                       row.chair, people, discussed, row.summary, row.decisions])
        sheet.finish()
    return count


def _decisions_sheet(book: Report, ctx: Context, where: list[Any], readable: Any) -> None:
    """The decisions of the month's conferences, for readers of case conferences."""
    sheet = book.sheet(_("Keputusan KK"), [_("Tanggal"), _("Jenis KK"), _("Klien dibahas"),
                                           _("Keputusan")], freeze_columns=1)
    for row, _hours, _people, discussed in conference_rows(ctx, where, readable):
        sheet.row([row.date, CONFERENCE_KINDS.label(row.kind), discussed, row.decisions])
    sheet.finish()


REPORTS = {
    "roster": _l("Buku induk klien"),
    "attendance": _l("Rekap kehadiran pelatihan"),
    "monthly": _l("Laporan bulanan"),
    "conferences": _l("Log konferensi kasus"),
}

