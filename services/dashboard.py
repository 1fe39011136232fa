"""What the home page shows each role: the day's work and what needs attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from models import (
    CaseConference,
    Client,
    NetworkPartner,
    ServiceContract,
    TrainingSession,
    User,
    db,
)
from models.choices import ACTIVE_STAGES, STAGES

from . import contracts
from .dates import today as panti_today
from .permissions import OVERSEERS, readers
from .scopes import caseload, visible
from .worklist import Item, worklist


@dataclass
class Dashboard:
    """Figures and short lists for the home page; a part is None where the user may not
    open the screen it comes from (and is not shown)."""

    stage_counts: list[tuple[str, int]] | None = None
    active_total: int | None = None
    my_clients: int | None = None
    sessions_today: list[TrainingSession] | None = None
    conferences: list[CaseConference] | None = None
    expiring_mous: list[NetworkPartner] | None = None
    expiring_contracts: list[ServiceContract] | None = None
    worklist: list[Item] | None = None


def build_dashboard(user: User, today: date | None = None) -> Dashboard:
    """The home page of ``user``: each part from the screen it belongs to, with the rows
    the visibility policy lets the user see there."""
    today = today or panti_today()
    board = Dashboard()
    role = user.role
    board.worklist = worklist(user, today)
    if role in readers("client"):
        rows = dict(
            db.session.execute(select(Client.stage, func.count()).group_by(Client.stage)).all()
        )
        board.stage_counts = [(label, rows.get(code, 0)) for code, label in STAGES.pairs]
        board.active_total = sum(rows.get(code, 0) for code in ACTIVE_STAGES)
        if (mine := caseload(user)) is not None:
            board.my_clients = db.session.scalar(
                select(func.count()).select_from(Client).where(
                    Client.id.in_(mine), Client.stage.in_(ACTIVE_STAGES)))
    if role in readers("training_session"):
        board.sessions_today = list(db.session.scalars(
            select(TrainingSession)
            .options(joinedload(TrainingSession.training_class))
            .where(TrainingSession.date == today, *visible(TrainingSession, user))
            .order_by(TrainingSession.start_time)
        ))
    if role in readers("conference"):
        board.conferences = list(db.session.scalars(
            select(CaseConference)
            .where(CaseConference.date.between(today, today + timedelta(days=14)),
                   *visible(CaseConference, user))
            .order_by(CaseConference.date)
        ))
    if role in readers("contract"):
        board.expiring_contracts = list(
            contracts.expiring(visible(ServiceContract, user), today))
    if role in OVERSEERS:
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
