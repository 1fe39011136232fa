"""The rules of the case conference (konferensi kasus, KK), DOMAIN stage 7.

* A case summary is ready at least one day before the meeting.
* Every client's plan is reviewed at least every three months: a client is due 90 days
  after their last KK decision, or, never reviewed, when assessment's four weeks are over.
* An emergency change stands on the consensus of at least three core members until the
  next KK confirms or cancels it; cancelling restores the formulation it replaced.
* A decision recorded before the KK's date is a draft until that date (``put_in_force``).
* A termination decided in a KK takes effect when the head approves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from models import (
    CaseConference,
    CaseNote,
    Client,
    ConferenceDecision,
    EmergencyChange,
    ServicePlan,
    Staff,
    User,
    db,
)
from models.choices import EMERGENCY_MIN_CORE, Recommendation, Stage
from models.conference import conference_client

from . import lifecycle
from .assessment import ASSESSMENT_DAYS
from .dates import format_date
from .dates import today as panti_today
from .errors import Refusal

REVIEW_DAYS = 90
NOTICE_DAYS = 14  # the KKs of the next two weeks are on the worklists
# Stages after assessment in which a client lives in the panti: their plan needs a KK.
REVIEWED_STAGES = ("planning", "contract", "intervention", "case_conference",
                   "resocialization")

# What a reader sees instead of a KK's summary and decisions texts they may not read
# (services.scopes.minutes_condition).
MINUTES_HIDDEN = _l("— (hanya untuk pimpinan rapat dan peserta KK)")


class ConferenceError(Refusal):
    """A refused step, with the message for the user."""


# --- agenda -------------------------------------------------------------------------------

def _ready_summaries(client_id, meeting_day) -> tuple:
    """The readiness rule: case summaries of the client's current stay dated before the
    meeting's day, i.e. at least one day ahead (columns or values alike)."""
    return (*CaseNote.of_current_stay(client_id), CaseNote.kind == "case_summary",
            CaseNote.date < meeting_day)


def summary_ready(client_id, meeting_day):
    """The readiness rule as a condition (``_ready_summaries``)."""
    return select(CaseNote.id).where(*_ready_summaries(client_id, meeting_day)).exists()


def summaries_ready(conference: CaseConference) -> dict[int, int | None]:
    """client id → the latest case summary ready for the meeting (``_ready_summaries``; its
    note id), or None when it is not ready; one query for the whole agenda."""
    ids = [client.id for client in conference.clients]
    ready: dict[int, int] = {}
    if ids:
        for client_id, note_id in db.session.execute(
            select(CaseNote.client_id, CaseNote.id).where(
                CaseNote.client_id.in_(ids),
                *_ready_summaries(CaseNote.client_id, conference.date))
            .order_by(CaseNote.date, CaseNote.id)
        ):
            ready[client_id] = note_id
    return {client_id: ready.get(client_id) for client_id in ids}


@dataclass(frozen=True)
class AgendaEntry:
    """A client on a coming KK's agenda and whether their case summary is ready."""

    conference: CaseConference
    client: Client
    ready: bool


def coming_agendas(today: date, where: list | None = None,
                   days: int = NOTICE_DAYS) -> list[AgendaEntry]:
    """Every client on the agenda of a KK from ``today`` to ``days`` ahead (``where``:
    conditions on Client and CaseConference), earliest meeting first; one query."""
    return [AgendaEntry(conference, client, ready) for conference, client, ready in
            db.session.execute(
                select(CaseConference, Client, summary_ready(Client.id, CaseConference.date))
                .join(conference_client,
                      conference_client.c.conference_id == CaseConference.id)
                .join(Client, Client.id == conference_client.c.client_id)
                .where(CaseConference.date.between(today, today + timedelta(days=days)),
                       *(where or []))
                .order_by(CaseConference.date, CaseConference.id, Client.full_name))]


def summaries_of(decisions: list[ConferenceDecision]) -> dict[int, int | None]:
    """decision id → the case summary ready for its KK (``summaries_ready``), or None."""
    ready: dict[int, dict[int, int | None]] = {}
    for decision in decisions:
        if decision.conference_id not in ready:
            ready[decision.conference_id] = summaries_ready(decision.conference)
    return {d.id: ready[d.conference_id].get(d.client_id) for d in decisions}


def decisions_of(conference: CaseConference,
                 where: list | None = None) -> dict[int, ConferenceDecision]:
    """client id → the conference's decision about them, limited by ``where`` (conditions
    on CaseConference and Client, as ``services.scopes.decision_scope`` gives them)."""
    return {d.client_id: d for d in db.session.scalars(
        select(ConferenceDecision)
        .join(CaseConference, CaseConference.id == ConferenceDecision.conference_id)
        .join(Client, Client.id == ConferenceDecision.client_id)
        .where(ConferenceDecision.conference_id == conference.id, *(where or [])))}


def _agenda(conference: CaseConference, where: list | None):
    return (select(Client)
            .join(conference_client, conference_client.c.client_id == Client.id)
            .join(CaseConference, CaseConference.id == conference_client.c.conference_id)
            .where(CaseConference.id == conference.id, *(where or [])))


def agenda_client(conference: CaseConference, client_id: int,
                  where: list | None = None) -> Client | None:
    """The client ``client_id`` if they are on the conference's agenda and inside ``where``
    (the same conditions as ``decisions_of``), else None."""
    return db.session.scalar(_agenda(conference, where).where(Client.id == client_id))


def agenda_client_ids(conference: CaseConference, where: list | None = None) -> set[int]:
    """Ids of the clients on the agenda inside ``where``: whose decisions a user may open."""
    return set(db.session.scalars(_agenda(conference, where).with_only_columns(Client.id)))


def pending_changes(conference: CaseConference, where: list | None = None):
    """Emergency changes still waiting for a KK, made on or before this meeting's day: they
    are on its agenda."""
    return db.session.scalars(
        select(EmergencyChange).options(joinedload(EmergencyChange.client))
        .where(EmergencyChange.status == "pending",
                                      EmergencyChange.date <= conference.date, *(where or []))
        .order_by(EmergencyChange.date)
    ).all()


# --- decisions ------------------------------------------------------------------------------

@dataclass
class DecisionInput:
    placement: str | None
    formulation: str | None
    next_review: date | None
    recommendation: str
    termination_reason: str | None


def is_ahead(conference: CaseConference, today: date | None = None) -> bool:
    """The KK's date has not come yet: decisions recorded for it are drafts."""
    return conference.date > (today or panti_today())


def draft_notice(conference: CaseConference) -> str:
    """What the pages say about a decision recorded before its KK's date."""
    return _("Draf sampai %(d)s: belum berlaku (formulasi rencana, peninjauan berikutnya dan "
             "rekomendasi terminasi belum diterapkan).", d=format_date(conference.date))


def record_decision(conference: CaseConference, client: Client, data: DecisionInput,
                    today: date | None = None) -> ConferenceDecision:
    """Create or correct the decision about ``client`` (who must be on the agenda).

    Saved on or after the KK's date it takes effect at once (``_take_effect``); saved before
    it, it is a draft that changes nothing else until ``put_in_force``."""
    if client not in conference.clients:
        raise ConferenceError(_("%(client)s tidak ada dalam agenda KK ini.",
                                client=client.full_name))
    if data.recommendation == Recommendation.TERMINATION and not data.termination_reason:
        raise ConferenceError(_("Rekomendasi terminasi perlu alasan terminasi."))
    if data.next_review is not None and data.next_review <= conference.date:
        raise ConferenceError(_("Tanggal peninjauan berikutnya harus sesudah tanggal KK."))
    decision = db.session.scalar(select(ConferenceDecision).where(
        ConferenceDecision.conference_id == conference.id,
        ConferenceDecision.client_id == client.id))
    if decision is None:
        decision = ConferenceDecision(conference_id=conference.id, client_id=client.id)
        db.session.add(decision)
    elif decision.approval in ("approved", "rejected"):
        raise ConferenceError(_("Keputusan terminasi ini sudah diputus pimpinan dan tidak "
                                "dapat diubah."))
    decision.placement, decision.formulation = data.placement, data.formulation
    decision.next_review = data.next_review
    decision.recommendation = data.recommendation
    decision.termination_reason = (data.termination_reason
                                   if data.recommendation == Recommendation.TERMINATION else None)
    if is_ahead(conference, today):
        decision.draft, decision.approval = True, None
    else:
        _take_effect(decision, client.id)
    return decision


def put_in_force(decision: ConferenceDecision, today: date | None = None) -> bool:
    """Let a draft decision take effect once its KK's date has come (the KK page's
    *Berlakukan*, for the head or a social worker who may record it). True when it took
    effect now; a decision already in force is left as it is, so a second click, or two
    users at once, apply it only once.

    Why a step and not a timer: nothing in the console runs on a date by itself, and a
    page that changed records when it was opened would write in a reader's name. Saving
    the decision again on or after the date puts it in force as well."""
    if not decision.draft:
        return False
    conference = decision.conference
    if is_ahead(conference, today):
        raise ConferenceError(_("KK ini baru pada %(d)s; keputusannya berlaku mulai tanggal "
                                "itu.", d=format_date(conference.date)))
    _take_effect(decision, decision.client_id)
    return True


def _take_effect(decision: ConferenceDecision, client_id: int) -> None:
    """The decision's effects: its formulation becomes the client's binding plan
    formulation; a termination waits for the head's approval (the stage changes only
    then); the review clock counts from this KK (``review_due``)."""
    decision.draft = False
    decision.approval = ("pending" if decision.recommendation == Recommendation.TERMINATION
                         else None)
    if decision.formulation:
        plan = db.session.scalar(select(ServicePlan).where(
            *ServicePlan.of_current_stay(client_id)))
        if plan is not None:
            plan.formulation = decision.formulation


def decide_termination(decision: ConferenceDecision, head: User | None, approve: bool,
                       today: date | None = None) -> None:
    """The head's approval: only then does the client's stage become terminated (a move
    of the stage machine, services/lifecycle.py, recorded on the client's timeline)."""
    today = today or panti_today()
    if decision.approval != "pending" or decision.draft:
        raise ConferenceError(_("Tidak ada rekomendasi terminasi yang menunggu persetujuan."))
    decision.approval = "approved" if approve else "rejected"
    decision.approved_by_id = head.staff_id if head is not None else None
    decision.approved_at = datetime.now(timezone.utc)
    if approve:
        client = decision.client
        lifecycle.move(client, Stage.TERMINATION, head, reason=decision.termination_reason,
                       day=max(today, client.admission_date or today), approved=True,
                       note=_("Rekomendasi KK %(kk)s", kk=str(decision.conference)))


def pending_terminations(where: list | None = None):
    """Termination recommendations waiting for the head (``where``: conditions on
    CaseConference and Client, as for ``decisions_of``)."""
    return [decision for decision, _ready in awaiting_approval(where)]


def awaiting_approval(where: list | None = None) -> list[tuple[ConferenceDecision, bool]]:
    """``pending_terminations`` with whether each client's case summary was ready for the
    KK that recommended it; one query."""
    return db.session.execute(
        select(ConferenceDecision, summary_ready(ConferenceDecision.client_id,
                                                 CaseConference.date))
        .join(CaseConference, CaseConference.id == ConferenceDecision.conference_id)
        .join(Client, Client.id == ConferenceDecision.client_id)
        .options(contains_eager(ConferenceDecision.client),
                 contains_eager(ConferenceDecision.conference))
        .where(ConferenceDecision.approval == "pending", *(where or []))
        .order_by(CaseConference.date)
    ).all()


# --- emergency changes ----------------------------------------------------------------------

def core_count(staff: list[Staff]) -> int:
    return sum(1 for member in staff if member.is_core_member)


def agreement_problem(staff: list[Staff]) -> str | None:
    """Why the agreement does not carry an emergency change (None: it does)."""
    core = core_count(staff)
    if core < EMERGENCY_MIN_CORE:
        return _("Perubahan darurat perlu kesepakatan sedikitnya %(min)s anggota inti KK; "
                 "baru %(n)s anggota inti yang menyetujui.", min=EMERGENCY_MIN_CORE, n=core)
    return None


def apply_emergency(change: EmergencyChange) -> None:
    """Put the change in force: the plan's formulation becomes the change, the old one is
    kept for a cancellation."""
    client_id = change.client.id if change.client is not None else change.client_id
    plan = db.session.scalar(select(ServicePlan).where(
            *ServicePlan.of_current_stay(client_id)))
    if plan is None:
        raise ConferenceError(_("Klien ini belum punya rencana pelayanan; perubahan darurat "
                                "mengubah formulasi rencana."))
    change.previous_formulation = plan.formulation
    plan.formulation = change.change
    change.status = "pending"


def decide_emergency(change: EmergencyChange, conference: CaseConference,
                     confirm: bool) -> None:
    """The next KK confirms the change (it stays) or cancels it (the plan returns to the
    formulation before it). The client joins the meeting's agenda."""
    if change.status != "pending":
        raise ConferenceError(_("Perubahan darurat ini sudah diputus KK."))
    if change.date > conference.date:
        raise ConferenceError(_("Perubahan darurat sesudah tanggal KK ini diputus pada KK "
                                "berikutnya."))
    change.status = "confirmed" if confirm else "cancelled"
    change.decided_at_id = conference.id
    if not confirm:
        plan = db.session.scalar(select(ServicePlan).where(
            *ServicePlan.of_current_stay(change.client.id)))
        if plan is not None and plan.formulation == change.change:
            plan.formulation = change.previous_formulation
    if change.client not in conference.clients:
        conference.clients.append(change.client)


# --- periodic review ------------------------------------------------------------------------

@dataclass
class Due:
    client: Client
    last_decision: date | None
    due_since: date
    overdue_days: int


def last_decisions(today: date):
    """Subquery: each client's last KK decision in force on ``today`` in their current stay
    (``client_id``, ``last``)."""
    return (select(ConferenceDecision.client_id,
                   func.max(CaseConference.date).label("last"))
            .join(CaseConference, CaseConference.id == ConferenceDecision.conference_id)
            .where(CaseConference.date <= today, ConferenceDecision.draft.is_(False),
                   *ConferenceDecision.of_current_stay(ConferenceDecision.client_id))
            .group_by(ConferenceDecision.client_id).subquery())


def review_falls_due_by(last, day: date):
    """The review rule as a condition on Client joined to ``last_decisions``: the plan's
    review falls due on ``day`` or before — REVIEW_DAYS after the last decision, or, never
    reviewed, when assessment's ASSESSMENT_DAYS after admission are over. (Dates compared
    with fixed days: no date arithmetic in SQL, the same on both engines.)"""
    # Each branch true or false, never NULL, so that NOT of the rule means "not due".
    return or_(
        and_(last.c.last.is_(None), Client.admission_date.is_not(None),
             Client.admission_date <= day - timedelta(days=ASSESSMENT_DAYS)),
        and_(last.c.last.is_not(None), last.c.last <= day - timedelta(days=REVIEW_DAYS)))


def review_due(today: date | None = None, where: list | None = None) -> list[Due]:
    """Every client past assessment whose plan review has fallen due by ``today``
    (``review_falls_due_by``), most overdue first; one query, only the clients listed."""
    today = today or panti_today()
    last = last_decisions(today)
    rows = db.session.execute(
        select(Client, last.c.last).outerjoin(last, last.c.client_id == Client.id)
        .options(joinedload(Client.social_worker))  # the head's list is per social worker
        .where(Client.stage.in_(REVIEWED_STAGES), review_falls_due_by(last, today),
               *(where or []))
    ).all()
    due = []
    for client, last_date in rows:
        since = last_date + timedelta(days=REVIEW_DAYS) if last_date is not None else \
            client.admission_date + timedelta(days=ASSESSMENT_DAYS)
        due.append(Due(client, last_date, since, (today - since).days))
    due.sort(key=lambda d: (-d.overdue_days, d.client.register_number))
    return due
