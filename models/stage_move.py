"""A client's moves through the service stages (tahapan pelayanan): the stage timeline."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import check_in, db, utcnow
from .choices import STAGES, TERMINATION_REASONS
from .client import Client
from .stay import StayMixin
from .user import User


class StageMove(StayMixin, db.Model):
    """One move of a client from one stage to another: when, by whom, why.

    Append-only: a move is never edited (a wrong move is corrected by the next one).
    ``from_stage`` is empty for the first entry of a client (where the record began).
    """

    __tablename__ = "stage_move"
    __table_args__ = (
        check_in("from_stage", "from_stage", STAGES.codes, nullable=True),
        check_in("to_stage", "to_stage", STAGES.codes),
        check_in("reason", "reason", TERMINATION_REASONS.codes, nullable=True),
        CheckConstraint("from_stage IS NULL OR from_stage <> to_stage", name="moves"),
        Index("ix_stage_move_client_id_moved_at", "client_id", "moved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    moved_on: Mapped[date] = mapped_column(Date)  # the panti's day the move counts from
    moved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    moved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    actor: Mapped[str | None] = mapped_column(String(80))  # a command, when no user moved
    reason: Mapped[str | None] = mapped_column(String(30))  # an exit's termination reason
    note: Mapped[str | None] = mapped_column(Text)

    client: Mapped[Client] = relationship()
    moved_by: Mapped[User | None] = relationship()
