"""Formulir 3 — Laporan Pemecahan Masalah Klien: one client's case from assessment to
aftercare, gathered from the records the reader may see (a few queries, whatever the case's
length)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from models import (
    CaseConference,
    CaseNote,
    Client,
    ConferenceDecision,
    ServiceContract,
    ServicePlan,
    db,
)


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
    """The report of ``client``; each keyword gives the conditions (the visibility policy)
    on its records."""
    report = ProblemSolving(client)
    report.contract = db.session.scalar(
        select(ServiceContract).where(ServiceContract.client_id == client.id,
                                      ServiceContract.signed_date.is_not(None), *contract)
        .order_by(ServiceContract.signed_date, ServiceContract.id).limit(1))
    report.plan = db.session.scalar(
        select(ServicePlan).options(selectinload(ServicePlan.goals))
        .where(ServicePlan.client_id == client.id, *plan))
    for note in db.session.scalars(
            select(CaseNote).where(CaseNote.client_id == client.id, *notes)
            .order_by(CaseNote.date, CaseNote.id)):
        report.notes[note.kind].append(note)
    report.decisions = list(db.session.scalars(
        select(ConferenceDecision)
        .join(CaseConference, CaseConference.id == ConferenceDecision.conference_id)
        .join(Client, Client.id == ConferenceDecision.client_id)
        .options(contains_eager(ConferenceDecision.conference))
        .where(ConferenceDecision.client_id == client.id,
               ConferenceDecision.draft.is_(False), *decisions)
        .order_by(CaseConference.date)))
    return report
