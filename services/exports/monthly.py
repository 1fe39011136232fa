"""The laporan bulanan (monthly report): census with its check, activities held,
case work, the head's signature and, for readers of case conferences, their decisions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, func, literal, or_, select, union

from models import (
    AftercareVisit,
    AidItem,
    Attendance,
    CaseConference,
    CaseNote,
    Client,
    GuidanceSchedule,
    Placement,
    PlanGoal,
    RecreationActivity,
    Referral,
    ServiceContract,
    ServicePlan,
    SkillType,
    Termination,
    TrainingClass,
    TrainingSession,
    db,
)
from models.choices import (
    AFTERCARE_KINDS,
    ATENSI_COMPONENTS,
    CONFERENCE_KINDS,
    CONTRACT_KINDS,
    PLACEMENT_KINDS,
    TERMINATION_REASONS,
    AttendanceCode,
)
from models.conference import conference_client

from ..attendance_summary import code_counts
from ..schedule import bookings_between
from ..stays import all_stays
from ..workbook import Percent, Report
from .base import Context, in_panti_during, stream_rows
from .conferences import conference_rows

UNKNOWN_DISTRICT = _l("(tidak diisi)")


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
    """Counted from each stay's admission and termination dates (one streamed query): a
    person admitted again is admitted in the month of each stay."""
    result = Census()
    stay = all_stays()
    query = select(stay.c.district, stay.c.sex, stay.c.admission_date,
                   stay.c.termination_date, stay.c.termination_reason).where(
        in_panti_during(first, last, stay))
    for district, sex, admitted, ended, reason in stream_rows(query):
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
        _atensi_sheet(book, ctx)
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
    # One query per kind of event, each driven by its own dates (the sessions' and the
    # activities' date indexes; the guidance rows' (schedule, date) key), so the month costs
    # the same whatever the years of attendance before it (docs/performance.md).
    events = {"training": (Attendance.session_id, TrainingSession, TrainingSession.date),
              "recreation": (Attendance.activity_id, RecreationActivity, RecreationActivity.date),
              "guidance": (Attendance.guidance_id, GuidanceSchedule, Attendance.guidance_date)}
    recorded = {kind: db.session.execute(
        select(func.count(func.distinct(reference)), *counts)
        .join(event, event.id == reference)
        .where(day.between(ctx.first, ctx.last))).one()
        for kind, (reference, event, day) in events.items()}
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


def atensi_served(first: date, last: date) -> dict[str, dict[str, int]]:
    """Component → sex → how many clients a service of that ATENSI component reached in the
    month: a client living in the panti has their basic needs met; attending (H) a training
    session, guidance meeting or recreation activity; a plan goal running; a referral made;
    an aid package handed over. Each client counts once per component; one query."""
    month = (first, last)
    present = Attendance.code == AttendanceCode.PRESENT
    sources = [
        select(Client.id, Client.sex, literal("basic_needs", String(20)))
        .where(in_panti_during(*month)),
        select(Client.id, Client.sex, SkillType.atensi)
        .join(Attendance, Attendance.client_id == Client.id)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(TrainingClass, TrainingClass.id == TrainingSession.class_id)
        .join(SkillType, SkillType.id == TrainingClass.skill_type_id)
        .where(present, TrainingSession.date.between(*month)),
        select(Client.id, Client.sex, GuidanceSchedule.atensi)
        .join(Attendance, Attendance.client_id == Client.id)
        .join(GuidanceSchedule, GuidanceSchedule.id == Attendance.guidance_id)
        .where(present, Attendance.guidance_date.between(*month)),
        select(Client.id, Client.sex, RecreationActivity.atensi)
        .join(Attendance, Attendance.client_id == Client.id)
        .join(RecreationActivity, RecreationActivity.id == Attendance.activity_id)
        .where(present, RecreationActivity.date.between(*month)),
        select(Client.id, Client.sex, PlanGoal.atensi)
        .join(ServicePlan, ServicePlan.client_id == Client.id)
        .join(PlanGoal, PlanGoal.plan_id == ServicePlan.id)
        .where(PlanGoal.atensi.is_not(None), in_panti_during(*month),
               or_(PlanGoal.planned_start.is_(None), PlanGoal.planned_start <= last),
               or_(PlanGoal.planned_end.is_(None), PlanGoal.planned_end >= first)),
        select(Client.id, Client.sex, Referral.atensi)
        .join(Referral, Referral.client_id == Client.id)
        .where(Referral.atensi.is_not(None), Referral.referred_on.between(*month)),
        select(Client.id, Client.sex, AidItem.atensi)
        .join(Termination, Termination.client_id == Client.id)
        .join(AidItem, AidItem.termination_id == Termination.id)
        .where(Termination.aid_handed_on.between(*month)),
    ]
    reached = db.session.execute(union(*sources)).all()  # a client once per component
    counts: dict[str, dict[str, int]] = {code: {"L": 0, "P": 0}
                                         for code in ATENSI_COMPONENTS.codes}
    for _client, sex, component in reached:
        counts[component][sex] += 1
    return counts


def _atensi_sheet(book: Report, ctx: Context) -> None:
    sheet = book.sheet(_("ATENSI"), [_("Komponen ATENSI"), "L", "P", _("Jumlah")])
    counts = atensi_served(ctx.first, ctx.last)
    for code, label in ATENSI_COMPONENTS.pairs:
        sheet.row([str(label), counts[code]["L"], counts[code]["P"],
                   counts[code]["L"] + counts[code]["P"]])
    sheet.skip()
    sheet.line(_("Klien yang menerima layanan tiap komponen bulan ini (seorang klien dihitung "
                 "sekali per komponen): kebutuhan dasar — tinggal di panti; pelatihan, "
                 "bimbingan, rekreasi — hadir (H); rencana — tujuan berjalan; rujukan dan paket "
                 "bantuan — dibuat atau diserahkan bulan ini."), "muted")
    sheet.finish(filter_rows=len(ATENSI_COMPONENTS.codes))


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
    placements: dict[str, dict[str, int]] = defaultdict(lambda: {"L": 0, "P": 0})
    for kind, sex, n in db.session.execute(
            select(Placement.kind, Client.sex, func.count())
            .join(Client, Client.id == Placement.client_id)
            .where(Placement.start_date.between(ctx.first, ctx.last))
            .group_by(Placement.kind, Client.sex)):
        placements[kind][sex] = n
    for code, label in PLACEMENT_KINDS.pairs:
        by_sex = placements[code]
        sheet.row([_("Penyaluran — %(kind)s", kind=label), by_sex["L"] + by_sex["P"],
                   _("L %(male)s, P %(female)s", male=by_sex["L"], female=by_sex["P"])])
    sheet.row([_("Penyaluran seluruhnya"), sum(s["L"] + s["P"] for s in placements.values()),
               _("L %(male)s, P %(female)s", male=sum(s["L"] for s in placements.values()),
                 female=sum(s["P"] for s in placements.values()))], "total")
    done = dict(db.session.execute(
        select(AftercareVisit.kind, func.count())
        .where(AftercareVisit.done_on.between(ctx.first, ctx.last))
        .group_by(AftercareVisit.kind)).all())
    for code, label in AFTERCARE_KINDS.pairs:
        sheet.row([_("Bimbingan lanjut dilaksanakan — %(kind)s", kind=label),
                   done.get(code, 0), ""])
    sheet.row([_("Bimbingan lanjut dilaksanakan seluruhnya"), sum(done.values()), ""],
              "total")
    late = db.session.scalar(
        select(func.count()).select_from(AftercareVisit)
        .where(AftercareVisit.planned_on <= ctx.last, or_(
            AftercareVisit.done_on.is_(None), AftercareVisit.done_on > ctx.last)))
    sheet.row([_("Bimbingan lanjut terlambat pada akhir bulan (direncanakan, belum "
                 "dilaksanakan)"), late or 0, ""])
    notes = db.session.scalar(
        select(func.count()).select_from(CaseNote)
        .where(CaseNote.kind == "aftercare", CaseNote.date.between(ctx.first, ctx.last)))
    sheet.row([_("Catatan bimbingan lanjut (catatan kasus)"), notes or 0, ""])
    sheet.finish(filter_rows=sheet.data_rows)



def _decisions_sheet(book: Report, ctx: Context, where: list[Any], readable: Any) -> None:
    """The decisions of the month's conferences, for readers of case conferences."""
    sheet = book.sheet(_("Keputusan KK"), [_("Tanggal"), _("Jenis KK"), _("Klien dibahas"),
                                           _("Keputusan")], freeze_columns=1)
    for row, _hours, _people, discussed in conference_rows(ctx, where, readable):
        sheet.row([row.date, CONFERENCE_KINDS.label(row.kind), discussed, row.decisions])
    sheet.finish()

