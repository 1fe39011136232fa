"""What a case conference decides per client, and changes made in an emergency between
conferences (DOMAIN stage 7)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, db
from .choices import DECISION_RECOMMENDATIONS, EMERGENCY_STATUSES, TERMINATION_REASONS
from .client import Client
from .conference import CaseConference
from .staff import Staff
from .stay import StayMixin


class ConferenceDecision(StayMixin, VersionMixin, TimestampMixin, db.Model):
    """A KK's decision about one client on its agenda: placement, the binding service
    formulation, the next review, and a placement or termination recommendation.

    A decision recorded before its KK's date is a draft until that date: it takes no
    effect (``services.conferences.put_in_force``). A termination takes effect only when the
    head approves it.
    """

    __tablename__ = "conference_decision"
    __table_args__ = (
        UniqueConstraint("conference_id", "client_id"),
        check_in("recommendation", "recommendation", DECISION_RECOMMENDATIONS.codes),
        check_in("termination_reason", "termination_reason", TERMINATION_REASONS.codes,
                 nullable=True),
        CheckConstraint("recommendation <> 'termination' OR termination_reason IS NOT NULL",
                        name="termination_has_reason"),
        check_in("approval", "approval", ("pending", "approved", "rejected"), nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("case_conference.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    placement: Mapped[str | None] = mapped_column(Text)
    formulation: Mapped[str | None] = mapped_column(Text)
    next_review: Mapped[date | None] = mapped_column(Date)
    recommendation: Mapped[str] = mapped_column(String(20), default="continue")
    termination_reason: Mapped[str | None] = mapped_column(String(30))
    # Recorded before the KK's date: nothing applied yet (no plan formulation, no review,
    # no termination waiting for the head) until it is put in force on or after that date.
    draft: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Termination only: pending until the head approves or rejects it.
    approval: Mapped[str | None] = mapped_column(String(10))
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    conference: Mapped[CaseConference] = relationship()
    client: Mapped[Client] = relationship()
    approved_by: Mapped[Staff | None] = relationship()

    def __str__(self) -> str:
        return f"{self.conference} — {self.client.full_name}"


emergency_agreement = Table(
    "emergency_agreement",
    db.metadata,
    Column("change_id", ForeignKey("emergency_change.id", ondelete="CASCADE"),
           primary_key=True),
    Column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
)


class EmergencyChange(StayMixin, VersionMixin, TimestampMixin, db.Model):
    """A change to a client's service formulation made between conferences (force majeure):
    it stands on the agreement of at least three core members until the next KK confirms
    or cancels it; cancelling restores the formulation it replaced."""

    __tablename__ = "emergency_change"
    __table_args__ = (check_in("status", "status", EMERGENCY_STATUSES.codes),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    change: Mapped[str] = mapped_column(Text)  # the formulation while it stands
    previous_formulation: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_at_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_conference.id", ondelete="SET NULL"))

    client: Mapped[Client] = relationship()
    agreed_by: Mapped[list[Staff]] = relationship(secondary=emergency_agreement)
    decided_at: Mapped[CaseConference | None] = relationship()

    def __str__(self) -> str:
        return f"Perubahan darurat {self.date:%d/%m/%Y} — {self.client.full_name}"
