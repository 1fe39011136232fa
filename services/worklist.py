"""Each home page's worklist: the deadlines the console already knows, most urgent first,
each a link to the screen where it is done (issue 16 adds the rest as they land).

- the social worker (own clients) and the head (everyone's): assessments due,
  plans missing from the planning stage on, contracts ending within 30 days, clients in the
  panti without a contract in force, emergency changes waiting for the KK; the social worker:
  plan reviews due, case summaries not ready the day before a coming KK, referrals without
  the partner's answer two weeks on, aftercare visits due within a week, clients being served
  (intervention to resocialisation) without a progress note this week; the head: plan reviews
  due per social worker, terminations awaiting approval (with the KK and whether its case
  summary was ready), the coming KKs whose case summaries are not all ready, the social
  workers due for their half-yearly performance evaluation (Formulir 4);
- whoever records attendance (instructors, staff, social workers leading guidance): today's
  sheets and the sheets of the last 30 days not complete yet, of the events they lead;
- the admin: clients living in the panti without a room, rooms over capacity, MoUs ending
  within 60 days;
- whoever records outreach visits: the weeks of an intake's first month without a visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from models import (
    AftercareVisit,
    CaseConference,
    CaseNote,
    Client,
    EmergencyChange,
    NetworkPartner,
    Referral,
    Room,
    ServiceContract,
    ServicePlan,
    StageMove,
    User,
    db,
)
from models.choices import ACTIVE_STAGES, CONTRACT_KINDS, Role, Stage

from . import aftercare, contracts, outreach
from . import conferences as kk
from .assessment import assessment_due, when
from .attendance_summary import RECENT_DAYS, incomplete, led_sheets, sheet_args
from .dates import format_date, format_time
from .dates import today as panti_today
from .evaluations import evaluations_due
from .permissions import OVERSEERS, readers, writers
from .referrals import FEEDBACK_DAYS, awaiting_feedback
from .scopes import caseload, visible

MOU_NOTICE_DAYS = 60  # an MoU ending within this many days is on the admin's list
PROGRESS_DAYS = 7  # a progress note on each client being served, every week
# Stages of a stay in the panti from the one named on (ACTIVE_STAGES is in the order served).
PLAN_STAGES = ACTIVE_STAGES[ACTIVE_STAGES.index(Stage.PLANNING):]  # a plan should exist
SERVED_STAGES = ACTIVE_STAGES[ACTIVE_STAGES.index(Stage.INTERVENTION):]  # weekly progress


@dataclass(frozen=True)
class Item:
    """One thing to do: what, about whom, by when, and where it is done."""

    due: date
    what: str
    client: Client | None
    endpoint: str
    args: dict

    def status(self, today: date) -> str:
        return when(self.due, today)


def worklist(user: User, today: date | None = None) -> list[Item]:
    """``user``'s items (the module's list), most urgent first; each kind asked only of the
    roles of its screen. A fixed number of queries whatever the roster."""
    today = today or panti_today()
    items: list[Item] = []
    ids = caseload(user)
    where = [Client.id.in_(ids)] if ids is not None else []
    if user.role in readers("case_note"):
        items += [Item(due.due, _("Asesmen %(aspects)s", aspects=due.lacking_labels),
                       due.client, "case_note.assessment_due_view", {})
                  for due in assessment_due(today, where)]
    if user.role in readers("conference"):
        if user.role == Role.HEAD:
            items += _reviews_per_worker(kk.review_due(today, where))
            items += [Item(decision.conference.date, _(
                "Persetujuan terminasi (KK %(date)s, ringkasan kasus %(summary)s)",
                date=format_date(decision.conference.date),
                summary=_("siap") if ready else _("belum ada")),
                decision.client, "conference.terminations_view", {})
                for decision, ready in kk.awaiting_approval([CaseConference.date <= today])]
            items += _readiness(kk.coming_agendas(today))
        else:
            items += [Item(due.due_since, _("Peninjauan rencana oleh KK"), due.client,
                           "conference.review_due_view", {})
                      for due in kk.review_due(today, where)]
    if user.role in writers("case_note"):
        items += [Item(entry.conference.date - timedelta(days=1), _(
            "Ringkasan kasus untuk KK %(date)s", date=format_date(entry.conference.date)),
            entry.client, "case_note.create_view",
            {"client_id": entry.client.id, "kind": "case_summary"})
            for entry in kk.coming_agendas(today, where) if not entry.ready]
    if user.role in writers("worker_evaluation"):
        items += [Item(due.due, _("Formulir 4: evaluasi unjuk kerja %(name)s", name=due.staff.name),
                       None, "worker_evaluation.create_view", {"staff_id": due.staff.id})
                  for due in evaluations_due(today)]
    if user.role in readers("service_plan"):
        items += _plans_missing(where, today)
    if user.role in writers("case_note"):
        items += _progress_notes(where, today)
    if user.role in readers("contract"):
        items += [Item(contract.end_date, _("%(kind)s berakhir",
                                            kind=CONTRACT_KINDS.label(contract.kind)),
                       contract.client, "contract.details_view", {"id": contract.id})
                  for contract in contracts.expiring(visible(ServiceContract, user), today)]
        items += [Item(today, _("Belum ada kontrak yang berlaku"), person,
                       "contract.attention_view", {})
                  for person in contracts.without_signed_contract(where, today)]
    if user.role in writers("referral"):
        items += [Item(referral.referred_on + timedelta(days=FEEDBACK_DAYS), _(
            "Rujukan ke %(partner)s belum ada umpan balik", partner=referral.partner.name),
            referral.client, "referral.edit_view", {"id": referral.id})
            for referral in awaiting_feedback(today, visible(Referral, user))]
    if user.role in writers("aftercare"):
        items += [Item(visit.planned_on, _("Bimbingan lanjut bulan ke-%(n)s", n=visit.months_after)
                       if visit.months_after else _("Bimbingan lanjut"), visit.client,
                       "aftercare.edit_view", {"id": visit.id})
                  for visit in aftercare.visits_due(today, visible(AftercareVisit, user))]
    if user.role in readers("emergency_change"):
        items += [Item(change.date, _("Perubahan darurat menunggu keputusan KK"),
                       change.client, "emergency_change.details_view", {"id": change.id})
                  for change in db.session.scalars(
                      select(EmergencyChange).options(joinedload(EmergencyChange.client))
                      .where(EmergencyChange.status == "pending",
                             *visible(EmergencyChange, user)))]
    if user.role in writers("attendance_grid") and user.role not in OVERSEERS:
        items += _sheets(user, today)
    if user.role in writers("client"):
        items += [Item(person.admission_date or today, _("Kamar/asrama belum ditentukan"),
                       person, "client.edit_view", {"id": person.id})
                  for person in db.session.scalars(select(Client).where(
                      Client.stage.in_(ACTIVE_STAGES), Client.room_id.is_(None)))]
    if user.role in writers("room"):
        items += [Item(today, _("Kamar melebihi kapasitas: %(room)s (%(n)s orang, kapasitas "
                                "%(capacity)s)", room=room.name, n=room.occupancy,
                                capacity=room.capacity),
                       None, "room.details_view", {"id": room.id})
                  for room in db.session.scalars(select(Room).where(
                      Room.occupancy > Room.capacity).order_by(Room.name))]
    if user.role in writers("outreach"):
        items += [Item(due.last, _("Penjangkauan minggu ke-%(week)s angkatan %(n)s (%(first)s–"
                                   "%(last)s)", week=due.week, n=due.intake.number,
                                   first=format_date(due.first), last=format_date(due.last)),
                       None, "outreach.create_view", {})
                  for due in outreach.weeks_without_visit(today)]
    if user.role in writers("partner"):
        items += [Item(partner.mou_end, _("MoU berakhir: %(name)s", name=partner.name), None,
                       "partner.details_view", {"id": partner.id})
                  for partner in db.session.scalars(select(NetworkPartner).where(
                      NetworkPartner.active.is_(True), NetworkPartner.mou_end.between(
                          today, today + timedelta(days=MOU_NOTICE_DAYS))))]
    items.sort(key=lambda item: (item.due, str(item.client) if item.client else item.what))
    return items


def _reviews_per_worker(due: list) -> list[Item]:
    """The head's plan reviews: one item per social worker, due since their most overdue
    client, opening the review list of that worker's clients."""
    per_worker: dict[int | None, list] = {}
    for entry in due:
        per_worker.setdefault(entry.client.social_worker_id, []).append(entry)
    return [Item(min(entry.due_since for entry in entries), _(
        "Peninjauan rencana oleh KK: %(n)s klien %(worker)s", n=len(entries),
        worker=entries[0].client.social_worker.name if worker_id else _("tanpa peksos")),
        None, "conference.review_due_view", {"worker": worker_id} if worker_id else {})
        for worker_id, entries in per_worker.items()]


def _readiness(agendas: list) -> list[Item]:
    """The head's coming KKs whose case summaries are not all ready: due the day before."""
    meetings: dict[int, list] = {}
    for entry in agendas:
        meetings.setdefault(entry.conference.id, []).append(entry)
    return [Item(entries[0].conference.date - timedelta(days=1), _(
        "Kesiapan KK %(date)s: %(ready)s dari %(n)s ringkasan kasus siap",
        date=format_date(entries[0].conference.date),
        ready=sum(entry.ready for entry in entries), n=len(entries)),
        None, "conference.details_view", {"id": conference_id})
        for conference_id, entries in meetings.items()
        if not all(entry.ready for entry in entries)]


def _plans_missing(where: list, today: date) -> list[Item]:
    """Clients in the planning stage or past it without a plan: due since the move to
    planning."""
    planned_since = select(StageMove.client_id, func.max(StageMove.moved_on).label("day")) \
        .where(StageMove.to_stage == Stage.PLANNING).group_by(StageMove.client_id).subquery()
    return [Item(day or today, _("Rencana pelayanan belum dibuat"), person,
                 "service_plan.create_view", {})
            for person, day in db.session.execute(
                select(Client, planned_since.c.day)
                .outerjoin(planned_since, planned_since.c.client_id == Client.id)
                .where(Client.stage.in_(PLAN_STAGES), *where,
                       ~select(ServicePlan.id).where(
                           ServicePlan.client_id == Client.id,
                           ServicePlan.in_current_stay()).exists()))]


def _progress_notes(where: list, today: date) -> list[Item]:
    """The writer's clients being served (intervention to resocialisation) with no progress
    note for a week: due a week after the last one (or after admission)."""
    last = select(CaseNote.client_id, func.max(CaseNote.date).label("day")) \
        .where(CaseNote.kind == "progress").group_by(CaseNote.client_id).subquery()
    items = []
    for person, day in db.session.execute(
            select(Client, last.c.day).outerjoin(last, last.c.client_id == Client.id)
            .where(Client.stage.in_(SERVED_STAGES), Client.admission_date.is_not(None),
                   *where)):
        due = (day or person.admission_date) + timedelta(days=PROGRESS_DAYS)
        if due <= today:
            items.append(Item(due, _("Catatan perkembangan minggu ini"), person,
                              "case_note.create_view", {}))
    return items


def _sheets(user: User, today: date) -> list[Item]:
    """Today's sheets of the events ``user`` leads, and those of the last days not complete:
    each event once, with how many of its clients are recorded."""
    items = []
    for sheet in led_sheets(user, today - timedelta(days=RECENT_DAYS), today):
        if not incomplete(sheet):
            continue
        title = sheet.title + (f" {format_time(sheet.start)}" if sheet.start else "")
        what = _("Daftar hadir: %(event)s", event=title) if sheet.day == today else _(
            "Daftar hadir belum lengkap: %(event)s (%(n)s dari %(m)s klien)", event=title,
            n=sheet.recorded, m=len(sheet.clients))
        items.append(Item(sheet.day, what, None, "attendance_grid.record",
                          sheet_args(sheet.kind, sheet.record_id, sheet.day)))
    return items
