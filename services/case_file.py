"""A client's case gathered from the records the reader may see, a few queries whatever its
length: Formulir 3 (Laporan Pemecahan Masalah Klien, from assessment to aftercare) and the
case file (file pelayanan) in the seeds' parts a–m."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from models import (
    AftercareVisit,
    CaseConference,
    CaseNote,
    Client,
    ClientDocument,
    ClientStay,
    ConferenceDecision,
    Placement,
    Referral,
    ServiceContract,
    ServicePlan,
    StaffReport,
    db,
)
from models.choices import Recommendation

from . import lifecycle, stays
from .attendance_summary import one_client_by_class
from .permissions import readers
from .scopes import decision_scope, visible, works_on


@dataclass
class ProblemSolving:
    """Formulir 3's parts: the first signed contract, the plan, the notes by kind and the
    KK decisions in force, oldest first."""

    client: Client
    contract: ServiceContract | None = None
    plan: ServicePlan | None = None
    notes: dict[str, list[CaseNote]] = field(default_factory=lambda: defaultdict(list))
    decisions: list[ConferenceDecision] = field(default_factory=list)


def problem_solving(client: Client, *, notes: list, plan: list, contract: list,
                    decisions: list) -> ProblemSolving:
    """The report of ``client``'s current stay; each keyword gives the conditions (the
    visibility policy) on its records."""
    report = ProblemSolving(client)
    report.contract = db.session.scalar(
        select(ServiceContract).where(*ServiceContract.of_stay(client),
                                      ServiceContract.signed_date.is_not(None), *contract)
        .order_by(ServiceContract.signed_date, ServiceContract.id).limit(1))
    report.plan = db.session.scalar(
        select(ServicePlan).options(selectinload(ServicePlan.goals))
        .where(*ServicePlan.of_stay(client), *plan))
    for note in db.session.scalars(
            select(CaseNote).where(*CaseNote.of_stay(client), *notes)
            .order_by(CaseNote.date, CaseNote.id)):
        report.notes[note.kind].append(note)
    report.decisions = list(db.session.scalars(
        select(ConferenceDecision)
        .join(CaseConference, CaseConference.id == ConferenceDecision.conference_id)
        .join(Client, Client.id == ConferenceDecision.client_id)
        .options(contains_eager(ConferenceDecision.conference))
        .where(*ConferenceDecision.of_stay(client),
               ConferenceDecision.draft.is_(False), *decisions)
        .order_by(CaseConference.date)))
    return report


# --- the case file (file pelayanan): parts a–m of the seeds --------------------------------

@dataclass
class Part:
    """One part of the case file: its letter and title, the records the reader may see (or
    None: the part is not for the reader's role), a second kind of records where the part
    holds two (e: summaries and decisions; i: visit notes and referrals; l: visits and
    notes), and the screen where more are added."""

    letter: str
    title: str
    records: list | None
    screen: str | None = None
    more: list = field(default_factory=list)


@dataclass
class CaseFile:
    """A client's whole file of one stay as the seeds order it, each part through the
    visibility policy; ``timeline`` is that stay's stage timeline shown on top. ``stay`` holds
    the stay's own fields (admission, stage, room… — the client row for the current stay, the
    kept ``ClientStay`` for one that ended); ``stays`` every stay's number, oldest first."""

    client: Client
    timeline: list
    parts: list[Part]
    stay: Client | ClientStay
    number: int
    stays: list[int]

    @property
    def current(self) -> bool:
        return self.number == self.client.stay


def case_file(client: Client, user, number: int | None = None) -> CaseFile | None:
    """The file of ``client``'s stay ``number`` (the current one by default; None when the
    client has no such stay) for ``user``: a part whose screen the role may not open is
    None (not shown), every other part only the rows the policy lets the user see; a fixed
    number of queries whatever the file's length."""
    number = client.stay if number is None else number
    ended = {kept.number: kept for kept in stays.earlier(client)}
    if number != client.stay and number not in ended:
        return None
    # A social worker reads the case parts of their own clients only (the roster of all).
    own_case = works_on(client.id, user)

    def may(screen: str) -> bool:
        return user.role in readers(screen) and (screen == "attendance_summary" or own_case)

    notes: dict[str, list[CaseNote]] = defaultdict(list)
    if may("case_note"):
        for note in db.session.scalars(
                select(CaseNote).options(joinedload(CaseNote.author))
                .where(CaseNote.client_id == client.id, CaseNote.stay == number,
                       *visible(CaseNote, user))
                .order_by(CaseNote.date, CaseNote.id)):
            notes[note.kind].append(note)
    documents = list(db.session.scalars(
        select(ClientDocument).options(joinedload(ClientDocument.document_type))
        .where(ClientDocument.client_id == client.id, ClientDocument.stay == number,
               *visible(ClientDocument, user))
        .order_by(ClientDocument.issued_on, ClientDocument.id))) \
        if may("client_document") else None
    decisions = list(db.session.scalars(
        select(ConferenceDecision)
        .join(CaseConference, CaseConference.id == ConferenceDecision.conference_id)
        .join(Client, Client.id == ConferenceDecision.client_id)
        .options(contains_eager(ConferenceDecision.conference))
        .where(ConferenceDecision.client_id == client.id, ConferenceDecision.stay == number,
               *decision_scope(user))
        .order_by(CaseConference.date))) if may("conference") else None
    placements = list(db.session.scalars(
        select(Placement).options(joinedload(Placement.partner))
        .where(Placement.client_id == client.id, Placement.stay == number,
               *visible(Placement, user))
        .order_by(Placement.start_date))) if may("placement") else None
    referrals = list(db.session.scalars(
        select(Referral).options(joinedload(Referral.partner))
        .where(Referral.client_id == client.id, Referral.stay == number,
               *visible(Referral, user))
        .order_by(Referral.referred_on))) if may("referral") else None
    visits = list(db.session.scalars(
        select(AftercareVisit).where(AftercareVisit.client_id == client.id,
                                     AftercareVisit.stay == number,
                                     *visible(AftercareVisit, user))
        .order_by(AftercareVisit.planned_on))) if may("aftercare") else None
    reports = list(db.session.scalars(
        select(StaffReport).options(joinedload(StaffReport.author),
                                    joinedload(StaffReport.training_class))
        .where(StaffReport.client_id == client.id, StaffReport.stay == number,
               *visible(StaffReport, user))
        .order_by(StaffReport.date, StaffReport.id))) if may("staff_report") else []
    case = may("case_note")
    parts = [
        Part("a", _("Data pribadi"), [client], "client"),
        Part("b", _("Penuturan awal klien"), notes["interview"] if case else None,
             "case_note"),
        Part("c", _("Dokumen dari instansi lain"), documents, "client_document"),
        Part("d", _("Hasil diagnosa (asesmen)"), notes["assessment"] if case else None,
             "case_note"),
        Part("e", _("Ringkasan konferensi kasus dan formulasi pelayanan"),
             decisions, "conference", notes["case_summary"] if case else []),
        Part("f", _("Catatan kronologis pekerja sosial"), notes["progress"] if case else None,
             "case_note"),
        # What the staff around the client report for the evaluation meeting: for now the
        # instructors' attendance of each class the client took.
        Part("g", _("Laporan staf untuk musyawarah evaluasi"),
             (one_client_by_class(client.id)[0] if may("attendance_summary") else [])
             if may("attendance_summary") or may("staff_report") else None,
             "staff_report", reports),
        Part("h", _("Laporan bulanan kemajuan klien"),
             sorted({note.date.replace(day=1) for note in notes["progress"]})
             if case else None, "case_note"),
        Part("i", _("Kunjungan, komunikasi dan surat"), referrals, "referral",
             notes["visit"] if case else []),
        Part("j", _("Rencana penyaluran"),
             [p for p in placements if p.plan] if placements is not None else None,
             "placement"),
        Part("k", _("Ringkasan pertemuan penyaluran"),
             [p for p in placements if p.meeting_summary] if placements is not None else None,
             "placement"),
        Part("l", _("Catatan bimbingan lanjut"), visits, "aftercare",
             notes["aftercare"] if case else []),
        Part("m", _("Rekomendasi terminasi"),
             [d for d in decisions if d.recommendation == Recommendation.TERMINATION]
             if decisions is not None else None, "conference"),
    ]
    return CaseFile(client, lifecycle.timeline(client.id, number), parts,
                    client if number == client.stay else ended[number], number,
                    sorted([*ended, client.stay]))
