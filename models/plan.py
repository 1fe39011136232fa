"""Service plans (rencana pelayanan): a client's problems, abilities and goals."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, check_order, db
from .choices import ATENSI_COMPONENTS, PLAN_OWNERS
from .client import Client
from .staff import Staff
from .stay import StayMixin


class ServicePlan(StayMixin, VersionMixin, TimestampMixin, db.Model):
    """The plan of DOMAIN stage 4: problems, abilities and limits, and the goals to reach.

    ``formulation`` is the binding service formulation decided by the case conference.
    """

    __tablename__ = "service_plan"
    __table_args__ = (UniqueConstraint("client_id", "stay"),)  # one per stay (models/stay.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    social_worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    problems: Mapped[str] = mapped_column(Text)
    abilities: Mapped[str | None] = mapped_column(Text)
    limitations: Mapped[str | None] = mapped_column(Text)
    formulation: Mapped[str | None] = mapped_column(Text)

    client: Mapped[Client] = relationship()
    social_worker: Mapped[Staff | None] = relationship()
    goals: Mapped[list[PlanGoal]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanGoal.position"
    )

    def __str__(self) -> str:
        return f"Rencana pelayanan — {self.client.full_name}"


class PlanGoal(VersionMixin, TimestampMixin, db.Model):
    """One goal of a plan: the service, the tasks and whose they are, when, and the
    expected and achieved result."""

    __tablename__ = "plan_goal"
    # Its changes are part of the plan's history (services/audit.py).
    __audit_parent__ = "plan_id"
    __version_parent__ = "plan"  # a goal changed is the plan changed (one form edits both)
    __table_args__ = (
        check_in("owner", "owner", PLAN_OWNERS.codes),
        check_in("atensi", "atensi", ATENSI_COMPONENTS.codes, nullable=True),
        check_order("dates_ordered", "planned_start", "planned_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("service_plan.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=1)
    goal: Mapped[str] = mapped_column(Text)
    service: Mapped[str | None] = mapped_column(String(120))
    atensi: Mapped[str | None] = mapped_column(String(20))  # the ATENSI component served
    tasks: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(20), default="client")
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    expected_result: Mapped[str | None] = mapped_column(Text)
    achieved_result: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[ServicePlan] = relationship(back_populates="goals")

    def __str__(self) -> str:
        return self.goal[:80]
