"""Recreation and entertainment activities (bimbingan rekreasi & hiburan)."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, check_order, db
from .choices import ATENSI_COMPONENTS, RECREATION_KINDS
from .client import Client
from .staff import Staff

recreation_participant = Table(
    "recreation_participant",
    db.metadata,
    Column("activity_id", ForeignKey("recreation_activity.id", ondelete="CASCADE"),
           primary_key=True),
    Column("client_id", ForeignKey("client.id", ondelete="CASCADE"), primary_key=True),
)


class RecreationActivity(VersionMixin, TimestampMixin, db.Model):
    """An angklung practice, an outing, a chess afternoon: when, where, who leads, who joins."""

    __tablename__ = "recreation_activity"
    __table_args__ = (
        check_in("kind", "kind", RECREATION_KINDS.codes),
        check_in("atensi", "atensi", ATENSI_COMPONENTS.codes),
        check_order("times_ordered", "start_time", "end_time", strict=True),
        CheckConstraint("NOT allow_overlap OR overlap_reason IS NOT NULL",
                        name="overlap_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Recreation is therapy (physical, psychosocial) in ATENSI's terms, unless set otherwise.
    atensi: Mapped[str] = mapped_column(String(20), default="therapy", server_default="therapy")
    title: Mapped[str] = mapped_column(String(150))
    date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    place: Mapped[str | None] = mapped_column(String(120))
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str | None] = mapped_column(Text)
    # A whole-panti outing may share its time with classes and schedules: said explicitly,
    # with the reason, and then left out of conflict checks both ways.
    allow_overlap: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    overlap_reason: Mapped[str | None] = mapped_column(String(255))

    leader: Mapped[Staff | None] = relationship()
    participants: Mapped[list[Client]] = relationship(secondary=recreation_participant)

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"
