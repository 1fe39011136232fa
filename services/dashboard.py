"""What the home page shows each role: the day's work and what needs attention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from models import (
    CaseConference,
    Client,
    NetworkPartner,
    ServiceContract,
    TrainingClass,
    TrainingSession,
    User,
    db,
)
from models.choices import ACTIVE_STAGES, STAGES
from services.scopes import conference_condition, is_mine, own_client_ids

from .dates import today as panti_today


@dataclass
class Dashboard:
    """Figures and short lists for the home page; empty parts are not shown."""

    stage_counts: list[tuple[str, int]] = field(default_factory=list)
    active_total: int | None = None
    my_clients: int | None = None
    sessions_today: list[TrainingSession] = field(default_factory=list)
    conferences: list[CaseConference] = field(default_factory=list)
    expiring_mous: list[NetworkPartner] = field(default_factory=list)
    expiring_contracts: list[ServiceContract] = field(default_factory=list)


def build_dashboard(user: User, today: date | None = None) -> Dashboard:
    """The home page of ``user``: each part only for the roles that may see it."""
    today = today or panti_today()
    board = Dashboard()
    role = user.role
    if role in ("admin", "head", "social_worker", "staff"):
        rows = dict(
            db.session.execute(select(Client.stage, func.count()).group_by(Client.stage)).all()
        )
        board.stage_counts = [(label, rows.get(code, 0)) for code, label in STAGES.pairs]
        board.active_total = sum(rows.get(code, 0) for code in ACTIVE_STAGES)
    if role == "social_worker":
        board.my_clients = db.session.scalar(
            select(func.count()).select_from(Client).where(
                is_mine(Client.social_worker_id, user), Client.stage.in_(ACTIVE_STAGES)
            )
        )
    if role in ("admin", "head", "instructor"):
        query = (
            select(TrainingSession)
            .join(TrainingSession.training_class)
            .options(joinedload(TrainingSession.training_class))
            .where(TrainingSession.date == today)
            .order_by(TrainingSession.start_time)
        )
        if role == "instructor":
            query = query.where(is_mine(TrainingClass.instructor_id, user))
        board.sessions_today = list(db.session.scalars(query))
    if role in ("head", "social_worker"):
        conferences = (
            select(CaseConference)
            .where(CaseConference.date.between(today, today + timedelta(days=14)))
            .order_by(CaseConference.date)
        )
        if role == "social_worker":
            conferences = conferences.where(conference_condition(user))
        board.conferences = list(db.session.scalars(conferences))
        contracts = (
            select(ServiceContract)
            .options(joinedload(ServiceContract.client))
            .where(
                ServiceContract.status.in_(("signed", "active")),
                ServiceContract.end_date.between(today, today + timedelta(days=30)),
            )
            .order_by(ServiceContract.end_date)
        )
        if role == "social_worker":
            contracts = contracts.where(ServiceContract.client_id.in_(own_client_ids(user)))
        board.expiring_contracts = list(db.session.scalars(contracts))
    if role in ("admin", "head"):
        board.expiring_mous = list(
            db.session.scalars(
                select(NetworkPartner)
                .where(
                    NetworkPartner.active.is_(True),
                    NetworkPartner.mou_end.between(today, today + timedelta(days=60)),
                )
                .order_by(NetworkPartner.mou_end)
            )
        )
    return board
